#!/usr/bin/env bash
# The main job, as far as it is built: sets up, builds, starts a throwaway Redis and the five
# services, checks that every one is SERVING over gRPC health and lists its services by
# reflection, embeds a design prompt (English and Chinese), classifies a few garment images,
# ingests the Myntra catalogue and the H&M purchases from the shared data and shows one stored
# item, then stops them all with SIGTERM (each must exit 0).
#
#   scripts/run.sh            start, check, stop
#   scripts/run.sh --serve    keep everything running until Ctrl-C
#
# Environment: STYLECAST_REDIS_URL (use an existing Redis instead of a throwaway one),
# STYLECAST_DATA_DIR (the shared data, default ../shared/data),
# SWIFT_CONFIGURATION (debug or release, default debug), SWIFT_JOBS (default 2).
set -euo pipefail
cd "$(dirname "$0")/.."
serve=false
[ "${1:-}" = "--serve" ] && serve=true
configuration=${SWIFT_CONFIGURATION:-debug}

scripts/setup.sh
echo "run: building ($configuration) ..." >&2
swift build -c "$configuration" -j "${SWIFT_JOBS:-2}" \
  --product ingest --product text-embedding --product image-generation \
  --product recommendation --product trend-aggregation --product stylecast
bin=$(swift build -c "$configuration" --show-bin-path)

workdir=$(mktemp -d)
pids=()
redis_pid=
stop_all() {
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  local failed=0
  for pid in "${pids[@]}"; do
    if ! wait "$pid"; then failed=1; fi
  done
  if [ -n "$redis_pid" ]; then kill "$redis_pid" 2>/dev/null || true; wait "$redis_pid" 2>/dev/null || true; fi
  rm -rf "$workdir"
  return $failed
}
trap 'stop_all || true' EXIT

if [ -z "${STYLECAST_REDIS_URL:-}" ]; then
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  redis-server --port "$port" --bind 127.0.0.1 --dir "$workdir" --appendonly yes --save "" \
    --logfile "$workdir/redis.log" &
  redis_pid=$!
  export STYLECAST_REDIS_URL="redis://127.0.0.1:$port/0"
  echo "run: throwaway redis-server on port $port (append-only, in $workdir)" >&2
fi

. scripts/lib/blas-kernel.sh
export STYLECAST_LOG_FORMAT=${STYLECAST_LOG_FORMAT:-text}
for service in ingest text-embedding image-generation recommendation trend-aggregation; do
  "$bin/$service" 2>"$workdir/$service.log" &
  pids+=($!)
done

echo "run: waiting for the five services to report SERVING ..." >&2
for _ in $(seq 60); do
  if "$bin/stylecast" health >/dev/null 2>&1; then break; fi
  sleep 0.5
done
"$bin/stylecast" health || { tail -n 20 "$workdir"/*.log; exit 1; }
for port in 50051 50052 50053 50054 50055; do
  echo "services on 127.0.0.1:$port: $("$bin/stylecast" services --target 127.0.0.1:$port | tr '\n' ' ')"
done

echo "run: the text-embedding service reads a design prompt in English and in Chinese:" >&2
"$bin/stylecast" embed --target 127.0.0.1:50052 \
  "futuristic design, bright neon colours, intricate geometric patterns" \
  "未来感十足的设计，鲜艳的荧光色，复杂的几何图案"
if [ -r /usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz ]; then
  echo "run: the garment classifier on the first Fashion-MNIST test images:" >&2
  python3 - "$workdir/first5.idx" <<'PY'
import gzip, struct, sys
with gzip.open("/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz") as source:
    magic, count, rows, columns = struct.unpack(">IIII", source.read(16))
    images = source.read(5 * rows * columns)
with open(sys.argv[1], "wb") as target:
    target.write(struct.pack(">IIII", magic, 5, rows, columns) + images)
PY
  "$bin/stylecast" classify "$workdir/first5.idx" | cut -f1-3
fi

data="${STYLECAST_DATA_DIR:-../shared/data}"
if [ -r "$data/myntra/styles.csv.gz" ]; then
  echo "run: ingest the Myntra catalogue and the H&M purchases ($data):" >&2
  "$bin/stylecast" ingest --source myntra "$data/myntra/styles.csv.gz"
  "$bin/stylecast" ingest --source hm "$data/hm/transactions_train.csv.gz"
  "$bin/stylecast" item myntra:15970
  echo "run: text-embedding's worker embeds the ingested items in the background ($(redis-cli -u "$STYLECAST_REDIS_URL" xlen 'stylecast:{items.embedded}') so far)" >&2
else
  echo "run: no shared data in $data (set STYLECAST_DATA_DIR; see ../shared/data/README.md): ingest skipped" >&2
fi

if $serve; then
  echo "run: serving; logs in $workdir; Ctrl-C stops everything" >&2
  wait "${pids[@]}"
fi
trap - EXIT
if stop_all; then
  echo "run: all five services stopped cleanly (exit 0 after SIGTERM)"
else
  echo "run: a service did not exit cleanly" >&2
  exit 1
fi
