#!/usr/bin/env bash
# Redis cost per operation, measured on the real data, and what it means for sizing a Redis
# Cluster (docs/operations.md, "Redis Cluster", "Capacity"):
#   - one throwaway redis-server (no persistence) and the release builds of ingest,
#     text-embedding, trend-aggregation and recommendation on loopback;
#   - phase "items": the H&M articles (11,800 rows) through `stylecast ingest`, until every
#     consumer group has drained them (ingest, text-embedding's embeddings and attributes,
#     trend-aggregation's series, recommendation's index updates);
#   - phase "interactions": the Amazon clothing sequences (278,677 interactions of 39,387 users)
#     likewise, then one Refresh (training the model);
#   - phase "recommend misses": Recommend for 2,000 distinct users (each computed and cached);
#   - phase "recommend hits": the same 2,000 users again on a replica without near cache
#     (STYLECAST_REC_NEAR_CACHE_ENTRIES=0), so each call reads Redis;
#   - per phase: Redis commands by name (the `INFO commandstats` difference), network bytes in
#     and out (`INFO stats`), and memory (`used_memory` difference); per key family:
#     `MEMORY USAGE` of every key (`SCAN`), summed;
#   - the anchor, same run: `redis-benchmark` GET and EVALSHA rates on this machine's core.
# Prints the per-operation table and a sizing for 10 million items, 100 million interactions and
# 20,000 Recommend calls/s. With --partitions N the services split the work streams (and the
# trend series) into N partitions (STYLECAST_STREAM_PARTITIONS): the key families are then also
# listed per partition, the share the largest partition holds showing how evenly a cluster
# would spread them.
#
#   scripts/bench/redis-capacity.sh [--data DIR] [--users N] [--partitions N]
set -euo pipefail
cd "$(dirname "$0")/../.."
data="${STYLECAST_DATA_DIR:-../shared/data}"
users=2000
partitions=1
while [ $# -gt 0 ]; do
  case "$1" in
    --data) data=$2; shift 2 ;;
    --users) users=$2; shift 2 ;;
    --partitions) partitions=$2; shift 2 ;;
    *) echo "usage: scripts/bench/redis-capacity.sh [--data DIR] [--users N] [--partitions N]" >&2; exit 2 ;;
  esac
done
case "$partitions" in
  ''|*[!0-9]*) echo "redis-capacity.sh: --partitions must be a whole number from 1 to 64, got '$partitions'" >&2; exit 2 ;;
esac
export STYLECAST_STREAM_PARTITIONS=$partitions
articles="$data/hm/articles_train.csv.gz"
sequences="$data/amazon/clothing_5core_sequences.txt.gz"
for file in "$articles" "$sequences"; do
  [ -f "$file" ] || { echo "redis-capacity.sh: no $file (pass --data DIR)" >&2; exit 1; }
done

echo "redis-capacity: release build ..." >&2
# shellcheck source=../lib/release-build.sh
. scripts/lib/release-build.sh
release_build ingest text-embedding trend-aggregation recommendation stylecast rec-load >&2
bin=$(release_bin_path)
# shellcheck source=../lib/blas-kernel.sh
. scripts/lib/blas-kernel.sh

work=$(mktemp -d)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null; done
  rm -rf "$work"
}
trap cleanup EXIT
free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
redis_port=$(free_port)
redis-server --port "$redis_port" --bind 127.0.0.1 --save "" --appendonly no --dir "$work" >/dev/null &
pids+=($!)
sleep 0.5
redis_url="redis://127.0.0.1:$redis_port/0"
cli() { redis-cli -p "$redis_port" "$@"; }
start_service() { # binary grpc-port [VAR=value ...]
  local binary=$1 port=$2
  shift 2
  env STYLECAST_REDIS_URL="$redis_url" STYLECAST_GRPC_HOST=127.0.0.1 STYLECAST_GRPC_PORT="$port" \
    STYLECAST_METRICS_HOST=127.0.0.1 STYLECAST_METRICS_PORT="$(free_port)" STYLECAST_LOG_LEVEL=warning \
    STYLECAST_MODELS_DIR="${STYLECAST_MODELS_DIR:-models}" "$@" "$binary" 2>"$work/$(basename "$binary")-$port.log" &
  pids+=($!)
  for _ in $(seq 1 600); do
    "$bin/stylecast" health --target "127.0.0.1:$port" >/dev/null 2>&1 && return 0
    sleep 0.2
  done
  echo "redis-capacity.sh: $(basename "$binary") on port $port never became SERVING" >&2
  exit 1
}
snapshot() { # name: commandstats, stats and memory now
  date +%s.%N >"$work/$1.time"
  cli INFO commandstats >"$work/$1.commands"
  cli INFO stats >"$work/$1.stats"
  cli INFO memory >"$work/$1.memory"
}
drained() { "$bin/stylecast" status --redis-url "$redis_url" --wait-drained --timeout 1800 >/dev/null; }

ingest_port=$(free_port)
embedding_port=$(free_port)
trend_port=$(free_port)
rec_port=$(free_port)
rec_redis_port=$(free_port)
start_service "$bin/ingest" "$ingest_port"
start_service "$bin/text-embedding" "$embedding_port"
start_service "$bin/trend-aggregation" "$trend_port"
start_service "$bin/recommendation" "$rec_port"
# Services poll and check health on their own: count that background too, so it can be taken
# out of each phase.
snapshot idle-start
sleep 10
snapshot idle-end

echo "redis-capacity: items (H&M articles) ..." >&2
snapshot items-start
"$bin/stylecast" ingest --source hm "$articles" --target "127.0.0.1:$ingest_port" --json >"$work/items.json"
drained
snapshot items-end
cli --scan >"$work/items.keys"

echo "redis-capacity: interactions (Amazon sequences) ..." >&2
snapshot interactions-start
"$bin/stylecast" ingest --source amazon "$sequences" --target "127.0.0.1:$ingest_port" --json >"$work/interactions.json"
drained
snapshot interactions-end

echo "redis-capacity: Refresh ..." >&2
python3 -c 'import sys, struct; sys.stdout.buffer.write(b"\x00" + struct.pack(">I", 0))' >"$work/refresh.bin"
h2load -n 1 -c 1 -m 1 -d "$work/refresh.bin" -H 'content-type: application/grpc' -H 'te: trailers' \
  "http://127.0.0.1:$rec_port/stylecast.v1.Recommendation/Refresh" >"$work/refresh.out"
start_service "$bin/recommendation" "$rec_redis_port" STYLECAST_REC_NEAR_CACHE_ENTRIES=0

echo "redis-capacity: recommend misses and hits ($users users) ..." >&2
snapshot misses-start
"$bin/rec-load" --target "127.0.0.1:$rec_port" --user-prefix amazon-seq: --first 2 --count "$users" \
  --concurrency 16 --k 10 >"$work/misses.json"
snapshot misses-end
snapshot hits-start
"$bin/rec-load" --target "127.0.0.1:$rec_redis_port" --user-prefix amazon-seq: --first 2 --count "$users" \
  --concurrency 16 --k 10 >"$work/hits.json"
snapshot hits-end

echo "redis-capacity: memory per key family (MEMORY USAGE of every key) ..." >&2
cli --scan | python3 -c '
import re, sys
for key in sys.stdin:
    key = key.rstrip("\n")
    family = re.sub(r"^(stylecast:(item|signal|embedding|rec)):\{[^}]*\}", r"\1:{id}", key)
    family = re.sub(r":applied:([^:]+):.*$", r":applied:\1:*", family)
    family = re.sub(r"(series|series-count|totals|examples|values|parked-purchases)(:.*)$", r"\1:*", family)
    # One family for every partition of a stream or of the trends (`{interactions#3}`).
    family = re.sub(r"^stylecast:\{([a-z.]+)#[0-9]+\}", r"stylecast:{\1}", family)
    print(family + "\t" + key)
' >"$work/families.tsv"
cut -f2 "$work/families.tsv" | sed 's/.*/MEMORY USAGE "&" SAMPLES 0/' | cli >"$work/usage.txt"

echo "redis-capacity: the anchor (redis-benchmark on this core) ..." >&2
redis-benchmark -p "$redis_port" -t get,set -n 200000 -c 50 -q >"$work/anchor.txt" 2>/dev/null
cli SCRIPT LOAD "return redis.call('GET', KEYS[1])" >"$work/sha.txt"
redis-benchmark -p "$redis_port" -n 200000 -c 50 -q EVALSHA "$(cat "$work/sha.txt")" 1 benchkey >>"$work/anchor.txt" 2>/dev/null

python3 scripts/bench/redis_capacity_tables.py "$work" "$users" "$partitions"
