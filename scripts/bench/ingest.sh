#!/usr/bin/env bash
# Ingest benchmark (issue 5): items/second of the Myntra catalogue from `stylecast ingest` to
# Redis (embedding excluded), end to end with text-embedding, and the ingest service's peak RSS
# at two file sizes (flat memory), beside the anchors measured in the same run:
#   target  10,000 items/s on this 2-core machine (issue 5);
#   ceiling redis-benchmark appending the same number of stream entries (XADD, pipelined 256):
#           what Redis alone does, with no parsing, validation, gRPC or deduplication.
# Release builds; a throwaway redis-server; prints a Markdown table (docs/benchmarks.md).
#
#   scripts/bench/ingest.sh [--data DIR] [--embed-items N]
#     DIR: the shared data (else $STYLECAST_DATA_DIR, else ../shared/data)
#     N: Myntra items for the end-to-end figure with embedding (default 1000)
set -euo pipefail
cd "$(dirname "$0")/../.."
data="${STYLECAST_DATA_DIR:-../shared/data}"
embed_items=1000
while [ $# -gt 0 ]; do
  case "$1" in
    --data) data=$2; shift 2 ;;
    --embed-items) embed_items=$2; shift 2 ;;
    *) echo "usage: scripts/bench/ingest.sh [--data DIR] [--embed-items N]" >&2; exit 2 ;;
  esac
done
myntra="$data/myntra/styles.csv.gz"
[ -f "$myntra" ] || { echo "ingest.sh: no $myntra (pass --data DIR; see ../shared/data/README.md)" >&2; exit 1; }

scripts/setup.sh >&2
source scripts/lib/blas-kernel.sh
echo "ingest.sh: release build ..." >&2
# shellcheck source=../lib/release-build.sh
. scripts/lib/release-build.sh
release_build ingest text-embedding stylecast >&2
bin=$(release_bin_path)

work=$(mktemp -d)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

redis_port=$(free_port)
redis-server --port "$redis_port" --bind 127.0.0.1 --dir "$work" --save "" --appendonly no \
  --logfile "$work/redis.log" &
pids+=($!)
for _ in $(seq 50); do redis-cli -p "$redis_port" ping >/dev/null 2>&1 && break; sleep 0.1; done
rcli() { redis-cli -p "$redis_port" "$@"; }

# Starts a service; prints its pid. $1 name, $2 gRPC port.
start_service() {
  STYLECAST_REDIS_URL="redis://127.0.0.1:$redis_port/0" STYLECAST_GRPC_HOST=127.0.0.1 STYLECAST_GRPC_PORT=$2 \
    STYLECAST_METRICS_HOST=127.0.0.1 STYLECAST_METRICS_PORT=$(free_port) STYLECAST_LOG_LEVEL=warning \
    STYLECAST_MODELS_DIR="${STYLECAST_MODELS_DIR:-$PWD/models}" "$bin/$1" >"$work/$1.log" 2>&1 &
  echo $!
}
wait_serving() {
  for _ in $(seq 600); do "$bin/stylecast" health --target "127.0.0.1:$1" >/dev/null 2>&1 && return 0; sleep 0.1; done
  echo "ingest.sh: service on port $1 never became SERVING" >&2; exit 1
}
peak_rss_mib() { awk '/VmHWM/ { printf "%.0f", $2 / 1024 }' "/proc/$1/status"; }
now() { date +%s.%N; }
calc() { python3 -c "print($1)"; }

# One measured ingest with a fresh service and an empty Redis: prints "items seconds rss_mib".
measure_ingest() { # $1 --limit value or "all"
  rcli flushall >/dev/null
  local port pid start end summary
  port=$(free_port); pid=$(start_service ingest "$port"); pids+=("$pid"); wait_serving "$port"
  local limit=(); [ "$1" != all ] && limit=(--limit "$1")
  start=$(now)
  summary=$("$bin/stylecast" ingest --source myntra "$myntra" --json --target "127.0.0.1:$port" "${limit[@]}" 2>/dev/null)
  end=$(now)
  local accepted; accepted=$(echo "$summary" | python3 -c 'import json,sys; print(json.load(sys.stdin)["accepted"])')
  [ "$(rcli xlen 'stylecast:{items.ingested}')" = "$accepted" ] || { echo "ingest.sh: stream length != accepted" >&2; exit 1; }
  echo "$(echo "$summary" | python3 -c 'import json,sys; print(json.load(sys.stdin)["records"])') $(calc "$end - $start") $(peak_rss_mib "$pid")"
  kill "$pid"; wait "$pid" 2>/dev/null || true
}

echo "ingest.sh: Myntra, 5,000 rows ..." >&2
read -r small_items small_seconds small_rss <<<"$(measure_ingest 5000)"
echo "ingest.sh: Myntra, whole file ..." >&2
read -r items seconds rss <<<"$(measure_ingest all)"
rate=$(calc "$items / $seconds")

echo "ingest.sh: redis-benchmark XADD ceiling ..." >&2
rcli flushall >/dev/null
bench_start=$(now)
redis-benchmark -p "$redis_port" -n "$items" -P 256 -q XADD 'stylecast:{bench}' '*' item_id myntra:15970 \
  title 'Turtle Check Men Navy Blue Shirt' description '' source myntra >/dev/null
ceiling=$(calc "$items / ($(now) - $bench_start)")

echo "ingest.sh: end to end with text-embedding, $embed_items items ..." >&2
rcli flushall >/dev/null
ingest_port=$(free_port); ingest_pid=$(start_service ingest "$ingest_port"); pids+=("$ingest_pid")
embed_port=$(free_port); embed_pid=$(start_service text-embedding "$embed_port"); pids+=("$embed_pid")
wait_serving "$ingest_port"; wait_serving "$embed_port"
e2e_start=$(now)
"$bin/stylecast" ingest --source myntra "$myntra" --limit "$embed_items" --json --target "127.0.0.1:$ingest_port" \
  >"$work/e2e.json" 2>/dev/null
accepted=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["accepted"])' "$work/e2e.json")
while [ "$(rcli xlen 'stylecast:{items.embedded}')" -lt "$accepted" ]; do sleep 0.2; done
e2e_rate=$(calc "$accepted / ($(now) - $e2e_start)")

printf '\n| figure | ours | anchor |\n|---|---|---|\n'
printf '| Myntra catalogue, CLI -> ingest -> Redis (%s rows) | %.0f items/s | target 10,000 items/s; Redis XADD alone %.0f entries/s |\n' \
  "$items" "$rate" "$ceiling"
printf '| end to end with text-embedding (%s items, until all are embedded) | %.0f items/s | - |\n' "$accepted" "$e2e_rate"
printf '| ingest peak RSS, 5,000 rows / %s rows | %s MiB / %s MiB | flat: the same within a few MiB |\n' \
  "$items" "$small_rss" "$rss"
echo
echo "BLAS kernel: ${OPENBLAS_CORETYPE:-auto}; $(nproc) cores; $(date -u +%Y-%m-%d)"
