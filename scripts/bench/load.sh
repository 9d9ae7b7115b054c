#!/usr/bin/env bash
# Load benchmark (issue 10): all five services at once for S seconds (default 60) under a mix of
# calls (Recommend, SimilarItems, Embed, ExtractAttributes, Generate, ListTrends, Forecast,
# GetItem), each RPC kind from W workers (default 2) over its own HTTP/2 connection, on data
# that went through the real pipeline (VISUELLE test products, H&M articles and purchases). Each
# kind is called once before the clock starts (the first ListTrends waits for the first trend
# view build). Prints per RPC: calls, rate, p50/p99 as the client saw them, p50/p99 of the
# handler from the service's own latency histogram (the upper bound of the bucket holding it;
# it counts every caller of the method, the warm-up call and other services included), errors
# and RESOURCE_EXHAUSTED answers; per
# service the resident memory of the first and the last 10 seconds and the CPU seconds used
# during the load (with --only one RPC kind: its service's CPU per call). During the load the
# VISUELLE training products (5,000 more items) are ingested, so that text-embedding and
# trend-aggregation consume a backlog while serving (the trend view is rebuilt as it goes);
# --no-backlog leaves that out.
# Release build; a throwaway Redis and the services are started with `stylecast up` and stopped
# at the end.
#
#   scripts/bench/load.sh [--seconds S] [--workers W] [--data DIR] [--no-backlog] [--only RPC,...]
#     --only: drive only these RPC kinds (e.g. ListTrends, to see one call's cost without the mix)
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds=60
workers=2
backlog=1
only=""
data=${STYLECAST_DATA_DIR:-../shared/data}
while [ $# -gt 0 ]; do
  case "$1" in
    --seconds) seconds=$2; shift 2 ;;
    --workers) workers=$2; shift 2 ;;
    --data) data=$2; shift 2 ;;
    --no-backlog) backlog=0; shift ;;
    --only) only=$2; shift 2 ;;
    *) echo "usage: scripts/bench/load.sh [--seconds S] [--workers W] [--data DIR] [--no-backlog] [--only RPC,...]" >&2; exit 2 ;;
  esac
done
for file in visuelle/test.csv visuelle/train.csv hm/articles_train.csv.gz hm/transactions_train.csv.gz; do
  [ -f "$data/$file" ] || { echo "load.sh: $data/$file is missing (--data DIR)" >&2; exit 2; }
done
echo "load.sh: release build ..." >&2
# shellcheck source=../lib/release-build.sh
. scripts/lib/release-build.sh
release_build ingest text-embedding image-generation recommendation trend-aggregation stylecast load-gen >&2
bin=$(release_bin_path)
# shellcheck source=../lib/blas-kernel.sh
. scripts/lib/blas-kernel.sh
run_dir=$(mktemp -d -t stylecast-load.XXXXXX)
export STYLECAST_RUN_DIR=$run_dir
unset STYLECAST_REDIS_URL
trap '"$bin/stylecast" down --purge >&2 || true' EXIT
"$bin/stylecast" up --bin "$bin" >&2

echo "load.sh: ingesting VISUELLE test products, 3,000 H&M articles and the H&M purchases ..." >&2
"$bin/stylecast" ingest --source visuelle "$data/visuelle/test.csv" --json >/dev/null
"$bin/stylecast" ingest --source hm "$data/hm/articles_train.csv.gz" --limit 3000 --json >/dev/null
"$bin/stylecast" ingest --source hm "$data/hm/transactions_train.csv.gz" --json >/dev/null
"$bin/stylecast" status --wait-drained --timeout 1800 >&2
"$bin/stylecast" recommend --refresh >&2

# Inputs: every H&M customer and every purchased article (ids as ingest stores them).
python3 - "$data/hm/transactions_train.csv.gz" "$run_dir" <<'PY'
import csv, gzip, sys
rows = list(csv.DictReader(gzip.open(sys.argv[1], "rt")))
open(sys.argv[2] + "/users.txt", "w").write("\n".join(sorted({"hm:" + r["customer_id"] for r in rows})) + "\n")
open(sys.argv[2] + "/items.txt", "w").write("\n".join(sorted({"hm:" + r["article_id"] for r in rows})) + "\n")
PY

if [ "$backlog" = 1 ]; then
  "$bin/stylecast" status --json >"$run_dir/status-before.json"
  echo "load.sh: ingesting the VISUELLE training products during the load (the backlog) ..." >&2
  "$bin/stylecast" ingest --source visuelle "$data/visuelle/train.csv" --json >"$run_dir/backlog.json" &
  backlog_pid=$!
fi
# Each service's own RPC latency histograms (stylecast_rpc_duration_seconds, recorded around the
# handler), read before and after the load: the time a call spends in its handler, beside the
# time its client saw.
scrape_metrics() {
  python3 - "$run_dir/stack.json" "$run_dir/metrics-$1.json" <<'PY'
import json, sys, urllib.request
stack = json.load(open(sys.argv[1]))
scraped = {}
for service in stack["services"]:
    try:
        url = f"http://127.0.0.1:{service['metricsPort']}/metrics"
        scraped[service["name"]] = urllib.request.urlopen(url, timeout=10).read().decode()
    except OSError as error:
        print(f"load.sh: could not read {service['name']}'s metrics: {error}", file=sys.stderr)
        scraped[service["name"]] = ""
json.dump(scraped, open(sys.argv[2], "w"))
PY
}
scrape_metrics before
echo "load.sh: $seconds s of mixed load, $workers workers per RPC ..." >&2
"$bin/load-gen" --stack "$run_dir/stack.json" --users "$run_dir/users.txt" --items "$run_dir/items.txt" \
  --seconds "$seconds" --workers "$workers" ${only:+--only "$only"} >"$run_dir/load.json"
scrape_metrics after
if [ "$backlog" = 1 ]; then
  "$bin/stylecast" status --json >"$run_dir/status-after.json"
  wait "$backlog_pid"
fi

python3 - "$run_dir/load.json" "${OPENBLAS_CORETYPE:-default}" "$run_dir" "$backlog" <<'PY'
import json, os, re, sys
result = json.load(open(sys.argv[1]))
run_dir, backlog = sys.argv[3], sys.argv[4] == "1"

def handler_buckets(text, rpc):
    """Cumulative counts by upper bound of the service's duration histogram of method .../rpc."""
    buckets = {}
    pattern = r'stylecast_rpc_duration_seconds_bucket\{method="[^"]*/' + rpc + r'",le="([^"]+)"\} ([0-9.e+]+)'
    for bound, count in re.findall(pattern, text):
        buckets[float(bound)] = float(count)
    return buckets

def quantile(before, after, q):
    """The upper bound of the bucket that holds the q-quantile of the calls between the two
    reads; (bound, beyond the last finite bound)."""
    bounds = sorted(after)
    counts = [after[b] - before.get(b, 0) for b in bounds]
    if not counts or counts[-1] <= 0:
        return None
    lower = 0.0
    for bound, count in zip(bounds, counts):
        if count >= q * counts[-1]:
            return (lower, True) if bound == float("inf") else (bound, False)
        lower = bound
    return None

metrics_before = json.load(open(os.path.join(run_dir, "metrics-before.json")))
metrics_after = json.load(open(os.path.join(run_dir, "metrics-after.json")))

def handler_quantile(rpc, q):
    before = handler_buckets(metrics_before.get(rpc["service"], ""), rpc["rpc"])
    after = handler_buckets(metrics_after.get(rpc["service"], ""), rpc["rpc"])
    value = quantile(before, after, q)
    if value is None:
        return "-"
    seconds, beyond = value
    return f"> {seconds * 1000:g} ms" if beyond else f"<= {seconds * 1000:g} ms"
print(f"Mixed load, {result['seconds']:.0f} s, {result['workers_per_rpc']} workers per RPC, all five services and Redis "
      f"on this machine's cores with the load generator (OpenBLAS kernel {sys.argv[2]}):")
print()
print("| RPC | service | calls | calls/s | p50 | p99 | handler p50 | handler p99 | RESOURCE_EXHAUSTED | other errors |")
print("|---|---|---|---|---|---|---|---|---|---|")
errors = 0
for rpc in result["rpcs"]:
    errors += rpc["errors"]
    codes = ", ".join(f"{code} {count}" for code, count in rpc["error_codes"].items())
    print(f"| {rpc['rpc']} | {rpc['service']} | {rpc['calls']:,} | {rpc['rate']:,.0f} | {rpc['p50_ms']:.2f} ms | "
          f"{rpc['p99_ms']:.2f} ms | {handler_quantile(rpc, 0.5)} | {handler_quantile(rpc, 0.99)} | {rpc['resource_exhausted']:,} | {rpc['errors']}{' (' + codes + ')' if codes else ''} |")
total = sum(rpc["calls"] for rpc in result["rpcs"])
print(f"| all | | {total:,} | {total / result['seconds']:,.0f} | | | | | | {errors} |")
print()
print("| service | RSS, first 10 s | RSS, last 10 s | growth | CPU seconds | share of one core |")
print("|---|---|---|---|---|---|")
worst = 0.0
for entry in result["memory"]:
    first, last = entry["first_10s_kib"], entry["last_10s_kib"]
    growth = (last - first) / first * 100 if first else 0
    worst = max(worst, growth)
    cpu = entry["cpu_seconds"]
    print(f"| {entry['service']} | {first / 1024:.1f} MiB | {last / 1024:.1f} MiB | {growth:+.1f}% | {cpu:.1f} | "
          f"{cpu / result['seconds'] * 100:.0f}% |")
print()
if len(result["rpcs"]) == 1:
    # One RPC kind driven (--only): what one call costs its service.
    rpc = result["rpcs"][0]
    cpu = next(entry["cpu_seconds"] for entry in result["memory"] if entry["service"] == rpc["service"])
    print(f"{rpc['service']}: {cpu / max(rpc['calls'], 1) * 1e6:,.0f} us of CPU per {rpc['rpc']} call "
          f"({cpu:.1f} s over {rpc['calls']:,} calls).")
    print()
print(f"Targets: 0 errors other than RESOURCE_EXHAUSTED: {'met' if errors == 0 else 'NOT met'} ({errors}); "
      f"RSS growth < 10%: {'met' if worst < 10 else 'NOT met'} (worst {worst:+.1f}%).")
trends = next((rpc for rpc in result["rpcs"] if rpc["rpc"] == "ListTrends"), None)
if trends:
    # Issue 22's targets: 50 ms at the default load (2 workers per RPC), 250 ms at 8x (16).
    target = 50 if result["workers_per_rpc"] <= 2 else 250
    print(f"ListTrends p99 {trends['p99_ms']:.2f} ms, target <= {target} ms at {result['workers_per_rpc']} workers per RPC: "
          f"{'met' if trends['p99_ms'] <= target else 'NOT met'} (its handler's p99: {handler_quantile(trends, 0.99)}).")
if backlog:
    def groups(name):
        status = json.load(open(os.path.join(run_dir, name)))
        entries = status["groups"] if isinstance(status, dict) else status
        return {(g["stream"], g["group"]): g for g in entries}
    before, after = groups("status-before.json"), groups("status-after.json")
    print()
    print("Backlog consumed during the load (VISUELLE training products ingested meanwhile):")
    for key in sorted(after):
        if key[1] not in ("text-embedding", "trend-aggregation"):
            continue
        read = after[key]["read"] - before.get(key, {"read": 0})["read"]
        if read:
            print(f"- {key[1]} read {read:,} entries of {key[0]} ({after[key]['lag']:,} still to read at the end)")
PY
