#!/usr/bin/env bash
# Recommendation serving benchmark (issue 7): Recommend throughput and latency over gRPC on
# loopback against the release build of the service, all on this machine's cores together with
# Redis and the load generators.
#   - data: the Amazon clothing sequences (23,033 items), ingested through the real ingest
#     service with `stylecast ingest --source amazon`, then one Refresh;
#   - steady state: the measurements start once the service's worker has consumed the
#     ingested interactions (`stylecast status --wait-drained`), so no backlog competes;
#   - cache hit: one user, answer cached, `--requests` calls over 16 concurrent streams
#     (4 connections x 4 streams) with h2load (nghttp2-client); request bodies are gRPC framing
#     (1 byte flag, 4 byte big-endian length) + protobuf RecommendRequest, headers
#     `content-type: application/grpc`, `te: trailers`; percentiles from h2load's request log.
#     Twice: answered from the replica's near cache (the default), and by a second replica with
#     STYLECAST_REC_NEAR_CACHE_ENTRIES=0, which reads Redis on every hit;
#   - the gRPC floor: the same load on grpc.health.v1.Health/Check (no Redis, no model), which
#     shows what the gRPC stack alone costs per call here;
#   - server CPU per call: the service's user + system CPU time (/proc/PID/stat) over each load,
#     divided by the calls;
#   - cache miss: `rec-load` (Tests/Benchmarks/RecLoad) sends Recommend for distinct users, 16
#     in flight on one connection, so every call misses and runs the whole miss path (cache
#     GET, the user's recent events, the hybrid ranking over all items, the fill script);
#     latency measured at the client.
#   - request rules (issue 23), on the H&M sample because the Amazon sequences carry no
#     categories: articles and transactions ingested into a Redis of their own, one Refresh,
#     then for the customer with the most purchases the plain cache hit and a hit with rules
#     (only the category of the customer's first recommended item, and the first five items of
#     the plain list excluded, as a cart), both as above; one more call tells whether the rule
#     answer came from the cached list (`stylecast recommend ... --json`, `from_cache`);
#   - with --cluster, the same set-up again on a Redis Cluster of 3 primaries and 3 replicas
#     (redis-server --cluster-enabled yes, loopback, no persistence, joined by
#     `redis-cli --cluster create --cluster-replicas 1`) with the services given every node as
#     a seed, and the two cache-hit loads and the floor measured on it: a second table puts
#     them beside the single server's of the same run (target: within 10%).
# Prints a Markdown table with the targets beside our figures.
#
#   scripts/bench/recommend-serving.sh [--data DIR] [--requests N] [--cluster]
set -euo pipefail
cd "$(dirname "$0")/../.."
data="${STYLECAST_DATA_DIR:-../shared/data}"
requests=50000
cluster=0
while [ $# -gt 0 ]; do
  case "$1" in
    --data) data=$2; shift 2 ;;
    --requests) requests=$2; shift 2 ;;
    --cluster) cluster=1; shift ;;
    *) echo "usage: scripts/bench/recommend-serving.sh [--data DIR] [--requests N] [--cluster]" >&2; exit 2 ;;
  esac
done
sequences="$data/amazon/clothing_5core_sequences.txt.gz"
hm_articles="$data/hm/articles_train.csv.gz"
hm_transactions="$data/hm/transactions_train.csv.gz"
for file in "$sequences" "$hm_articles" "$hm_transactions"; do
  [ -f "$file" ] || { echo "recommend-serving.sh: no $file (pass --data DIR)" >&2; exit 1; }
done
command -v h2load >/dev/null || { echo "recommend-serving.sh: needs h2load (apt-get install nghttp2-client)" >&2; exit 1; }

echo "recommend-serving: release build ..." >&2
# shellcheck source=../lib/release-build.sh
. scripts/lib/release-build.sh
release_build recommendation ingest stylecast rec-load >&2
bin=$(release_bin_path)
# shellcheck source=../lib/blas-kernel.sh
. scripts/lib/blas-kernel.sh

work=$(mktemp -d)
pids=()
stop_all() { # every process started so far
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null; done
  pids=()
}
cleanup() {
  stop_all
  rm -rf "$work"
}
trap cleanup EXIT
free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
wait_serving() {
  for _ in $(seq 1 600); do
    "$bin/stylecast" health --target "127.0.0.1:$1" >/dev/null 2>&1 && return 0
    sleep 0.2
  done
  echo "recommend-serving.sh: service on port $1 never became SERVING" >&2
  exit 1
}
start_service() { # binary grpc-port [VAR=value ...]
  local binary=$1 port=$2
  shift 2
  env STYLECAST_REDIS_URL="$redis_url" STYLECAST_GRPC_HOST=127.0.0.1 \
    STYLECAST_GRPC_PORT="$port" STYLECAST_METRICS_HOST=127.0.0.1 STYLECAST_METRICS_PORT="$(free_port)" \
    STYLECAST_LOG_LEVEL=warning "$@" "$binary" 2>"$work/$(basename "$binary")-$port.log" &
  pids+=($!)
  wait_serving "$port"
}

start_single_redis() {
  local port
  port=$(free_port)
  redis-server --port "$port" --bind 127.0.0.1 --save "" --appendonly no --dir "$work" >/dev/null &
  pids+=($!)
  sleep 0.5
  redis_url="redis://127.0.0.1:$port/0"
}
start_cluster_redis() { # 3 primaries, 3 replicas
  local nodes=() seeds=() port bus dir
  for _ in 1 2 3 4 5 6; do
    port=$(free_port)
    bus=$(free_port)
    dir="$work/cluster-$port"
    mkdir -p "$dir"
    redis-server --port "$port" --cluster-port "$bus" --bind 127.0.0.1 --save "" --appendonly no --dir "$dir" \
      --cluster-enabled yes --cluster-config-file "$dir/nodes.conf" --cluster-node-timeout 5000 >/dev/null &
    pids+=($!)
    nodes+=("127.0.0.1:$port")
    seeds+=("127.0.0.1:$port")
  done
  sleep 0.5
  redis-cli --cluster create "${nodes[@]}" --cluster-replicas 1 --cluster-yes >/dev/null
  for _ in $(seq 1 100); do
    redis-cli --cluster check "${nodes[0]}" 2>/dev/null | grep -q "All 16384 slots covered" && break
    sleep 0.2
  done
  redis_url="redis://$(IFS=,; echo "${seeds[*]}")/0"
}
body() { # user k -> gRPC-framed RecommendRequest (or empty RefreshRequest without arguments)
  python3 - "$@" <<'PY'
import struct, sys
message = b""
if len(sys.argv) > 1:
    user = sys.argv[1].encode()
    message = b"\x0a" + bytes([len(user)]) + user + b"\x10" + bytes([int(sys.argv[2])])
sys.stdout.buffer.write(b"\x00" + struct.pack(">I", len(message)) + message)
PY
}
rules_body() { # user k category cart-ids-comma-separated -> gRPC-framed RecommendRequest with rules
  python3 - "$@" <<'PY'
import struct, sys
def varint(n):
    out = b""
    while True:
        byte, n = n & 0x7F, n >> 7
        out += bytes([byte | (0x80 if n else 0)])
        if not n:
            return out
def field(number, payload):  # a length-delimited field
    return varint(number << 3 | 2) + varint(len(payload)) + payload
user, k, category, cart = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4].split(",")
include = field(1, field(1, b"category") + field(2, category.encode()))
rules = include + b"".join(field(5, item.encode()) for item in cart)
message = field(1, user.encode()) + varint(2 << 3) + varint(k) + field(3, rules)
sys.stdout.buffer.write(b"\x00" + struct.pack(">I", len(message)) + message)
PY
}
grpc_load() { # port path body-file log-file requests connections streams
  h2load -n "$5" -c "$6" -m "$7" -d "$3" --log-file "$4" \
    -H 'content-type: application/grpc' -H 'te: trailers' "http://127.0.0.1:$1/$2"
}
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
measured_load() { # name port pid path body-file: h2load with 16 streams, CPU ticks to $out/NAME.cpu
  local before
  before=$(cpu_ticks "$3")
  grpc_load "$2" "$4" "$5" "$out/$1.log" "$requests" 4 4 >"$out/$1.out"
  echo "$before $(cpu_ticks "$3") $(getconf CLK_TCK)" >"$out/$1.cpu"
}
recommend=stylecast.v1.Recommendation/Recommend
# One pass on the Redis that $redis_url names: ingest, Refresh, the two cache-hit loads and the
# floor, results in $out. The miss load runs after the single server's pass only.
serving_pass() {
  ingest_port=$(free_port)
  hit_port=$(free_port)
  redis_hit_port=$(free_port)
  start_service "$bin/ingest" "$ingest_port"
  start_service "$bin/recommendation" "$hit_port"
  hit_pid=${pids[-1]}
  echo "recommend-serving: ingesting the Amazon sequences ..." >&2
  "$bin/stylecast" ingest --source amazon "$sequences" --target "127.0.0.1:$ingest_port" >&2
  echo "recommend-serving: waiting for the worker to consume the interactions ..." >&2
  "$bin/stylecast" status --redis-url "$redis_url" --wait-drained --timeout 900 >/dev/null

  body >"$work/refresh.bin"
  echo "recommend-serving: Refresh ..." >&2
  grpc_load "$hit_port" stylecast.v1.Recommendation/Refresh "$work/refresh.bin" "$out/refresh.log" 1 1 1 >&2
  # The replica without a near cache loads the model the first one stored.
  start_service "$bin/recommendation" "$redis_hit_port" STYLECAST_REC_NEAR_CACHE_ENTRIES=0
  redis_hit_pid=${pids[-1]}
  user="amazon-seq:1"
  body "$user" 10 >"$work/recommend.bin"
  body >"$work/empty.bin"
  for port in "$hit_port" "$redis_hit_port"; do
    grpc_load "$port" "$recommend" "$work/recommend.bin" "$out/warm.log" 100 1 1 >/dev/null
  done
  echo "recommend-serving: cache hits (near cache) ..." >&2
  measured_load hit "$hit_port" "$hit_pid" "$recommend" "$work/recommend.bin"
  echo "recommend-serving: cache hits (Redis on every hit) ..." >&2
  measured_load redis-hit "$redis_hit_port" "$redis_hit_pid" "$recommend" "$work/recommend.bin"
  echo "recommend-serving: Health/Check (the gRPC floor) ..." >&2
  measured_load health "$hit_port" "$hit_pid" grpc.health.v1.Health/Check "$work/empty.bin"
}

out="$work/single"
mkdir -p "$out"
start_single_redis
serving_pass
echo "recommend-serving: cache misses (distinct users) ..." >&2
misses=$((requests / 10))
[ "$misses" -le 39000 ] || misses=39000
"$bin/rec-load" --target "127.0.0.1:$hit_port" --user-prefix amazon-seq: --first 2 --count "$misses" \
  --concurrency 16 --k 10 >"$work/miss.json"

# Request rules on the H&M sample, on the cores alone: the Amazon pass's processes go first.
stop_all
out="$work/rules"
mkdir -p "$out"
start_single_redis
ingest_port=$(free_port)
rules_port=$(free_port)
start_service "$bin/ingest" "$ingest_port"
start_service "$bin/recommendation" "$rules_port"
rules_pid=${pids[-1]}
echo "recommend-serving: ingesting the H&M articles and transactions ..." >&2
for file in "$hm_articles" "$hm_transactions"; do
  "$bin/stylecast" ingest --source hm "$file" --target "127.0.0.1:$ingest_port" >&2
done
"$bin/stylecast" status --redis-url "$redis_url" --wait-drained --timeout 900 >/dev/null
"$bin/stylecast" recommend --refresh --json --target "127.0.0.1:$rules_port" >"$out/refresh.json"
hm_user=$(python3 - "$hm_transactions" <<'PY'
import collections, csv, gzip, sys
rows = csv.DictReader(gzip.open(sys.argv[1], "rt"))
print("hm:" + collections.Counter(row["customer_id"] for row in rows).most_common(1)[0][0])
PY
)
"$bin/stylecast" recommend "$hm_user" --k 10 --json --target "127.0.0.1:$rules_port" --ingest "127.0.0.1:$ingest_port" \
  >"$out/plain.json"
cart=$(python3 -c 'import json, sys; print(",".join(i["item_id"] for i in json.load(open(sys.argv[1]))["items"][:5]))' "$out/plain.json")
first_item=${cart%%,*}
category=$("$bin/stylecast" item "$first_item" --json --target "127.0.0.1:$ingest_port" |
  python3 -c 'import json, sys; print(json.loads(sys.stdin.readline()).get("category", ""))')
body "$hm_user" 10 >"$work/hm-plain.bin"
rules_body "$hm_user" 10 "$category" "$cart" >"$work/hm-rules.bin"
for file in "$work/hm-plain.bin" "$work/hm-rules.bin"; do
  grpc_load "$rules_port" "$recommend" "$file" "$out/warm.log" 100 1 1 >/dev/null
done
echo "recommend-serving: H&M cache hits without rules ..." >&2
measured_load plain-hit "$rules_port" "$rules_pid" "$recommend" "$work/hm-plain.bin"
echo "recommend-serving: H&M cache hits with a category filter ($category) and 5 excluded items ..." >&2
measured_load rules-hit "$rules_port" "$rules_pid" "$recommend" "$work/hm-rules.bin"
"$bin/stylecast" recommend "$hm_user" --k 10 --category "$category" --exclude "$cart" --json \
  --target "127.0.0.1:$rules_port" --ingest "127.0.0.1:$ingest_port" >"$out/rules.json"
echo "$category" >"$out/category"

if [ "$cluster" = 1 ]; then
  echo "recommend-serving: the same on a Redis Cluster (3 primaries, 3 replicas) ..." >&2
  # The single server's processes go first, so that both passes have the cores to themselves.
  stop_all
  out="$work/cluster"
  mkdir -p "$out"
  start_cluster_redis
  serving_pass
fi

python3 - "$work" "$cluster" <<'PY'
import json, re, sys
work = sys.argv[1]
def figures(name, setup="single"):
    out = open(f"{work}/{setup}/{name}.out").read()
    rate = float(re.search(r"finished in [^,]+, ([0-9.]+) req/s", out).group(1))
    done = re.search(r"requests: \d+ total, \d+ started, (\d+) done, (\d+) succeeded", out)
    latencies = sorted(int(line.split()[2]) / 1000 for line in open(f"{work}/{setup}/{name}.log") if line.strip())
    pick = lambda q: latencies[min(len(latencies) - 1, int(q * len(latencies)))]
    before, after, ticks = map(float, open(f"{work}/{setup}/{name}.cpu").read().split())
    cpu = (after - before) / ticks / max(len(latencies), 1) * 1e6
    return rate, pick(0.50), pick(0.99), int(done.group(2)), len(latencies), cpu
print("| Call (k = 10, 23,033 items) | calls | req/s | p50 | p99 | service CPU per call | target |")
print("|---|---|---|---|---|---|---|")
rate, p50, p99, ok, n, cpu = figures("hit")
print(f"| Recommend, cache hit from the near cache, 16 streams (h2load) | {ok} of {n} | {rate:,.0f} | {p50:.2f} ms | {p99:.2f} ms | {cpu:.0f} us | >= 10,000 req/s, p99 <= 5 ms |")
rate, p50, p99, ok, n, cpu = figures("redis-hit")
print(f"| Recommend, cache hit read from Redis (near cache off), 16 streams | {ok} of {n} | {rate:,.0f} | {p50:.2f} ms | {p99:.2f} ms | {cpu:.0f} us | - |")
rate, p50, p99, ok, n, cpu = figures("health")
print(f"| Health/Check, 16 streams (h2load): the gRPC floor | {ok} of {n} | {rate:,.0f} | {p50:.2f} ms | {p99:.2f} ms | {cpu:.0f} us | - |")
miss = json.load(open(f"{work}/miss.json"))
print(f"| Recommend, cache miss (distinct users), 16 in flight (rec-load) | {miss['succeeded']} of {miss['requests']} "
      f"({miss['from_cache']} from cache, {miss['errors']} errors) | {miss['rate']:,.0f} | {miss['p50_ms']:.2f} ms | "
      f"{miss['p99_ms']:.2f} ms | - | p99 <= 30 ms |")
if miss["errors"]:
    print(f"first error: {miss['first_error']}", file=sys.stderr)
refresh = json.load(open(f"{work}/rules/refresh.json"))
answer = json.load(open(f"{work}/rules/rules.json"))
category = open(f"{work}/rules/category").read().strip()
print()
print(f"| Call on the H&M sample (k = 10, {refresh['items']:,} items), same run | calls | req/s | p50 | p99 | service CPU per call | target |")
print("|---|---|---|---|---|---|---|")
rate, p50, p99, ok, n, cpu = figures("plain-hit", "rules")
print(f"| Recommend, cache hit from the near cache, no rules, 16 streams | {ok} of {n} | {rate:,.0f} | {p50:.2f} ms | {p99:.2f} ms | {cpu:.0f} us | - |")
rate, p50, p99, ok, n, cpu = figures("rules-hit", "rules")
served = "from the cached list" if answer["from_cache"] else "computed (fewer than k of the cached items pass)"
print(f"| Recommend with rules: category `{category}` and 5 excluded items ({len(answer['items'])} items, {served}), 16 streams "
      f"| {ok} of {n} | {rate:,.0f} | {p50:.2f} ms | {p99:.2f} ms | {cpu:.0f} us | >= 10,000 req/s, p99 <= 5 ms |")
if sys.argv[2] == "1":
    print()
    print("| Same run, 16 streams | one Redis: req/s | cluster: req/s | cluster / one | one Redis: p99 | cluster: p99 | target |")
    print("|---|---|---|---|---|---|---|")
    for name, label in (("hit", "Recommend, cache hit from the near cache"), ("redis-hit", "Recommend, cache hit read from Redis"),
                        ("health", "Health/Check (the gRPC floor)")):
        one, many = figures(name), figures(name, "cluster")
        target = "cluster within 10%" if name != "health" else "-"
        print(f"| {label} | {one[0]:,.0f} | {many[0]:,.0f} | {many[0] / one[0]:.2f} | {one[2]:.2f} ms | {many[2]:.2f} ms | {target} |")
PY
