#!/usr/bin/env bash
# The main job: from the raw data to a trend report with forecasts, designs and recommendations.
#
# Installs what it needs (scripts/setup.sh), builds the release binaries, starts a throwaway
# Redis (append-only, in a temporary folder) and the five services (`stylecast up`, which waits
# for their gRPC health), ingests the real data of the data folder, waits for the pipeline to
# drain (progress every 5 s), trains the recommender, writes OUT/report.html (trend calls per
# market with forecasts and evidence, designs drawn from the rising attributes, recommendations
# for three real H&M customers with their reasons), OUT/report.json and OUT/report.csv, prints a
# summary, and stops everything it started, also on Ctrl-C or failure.
#
#   scripts/demo.sh [--data DIR] [--out DIR] [--restart SERVICE]
#
#   --data DIR         the shared data (default: STYLECAST_DATA_DIR, else ../shared/data)
#   --out DIR          where the report goes (default: out)
#   --restart SERVICE  stop SERVICE (SIGTERM) after the first data file and start it again:
#                      the demo must finish with the same numbers (docs/operations.md)
# Environment: SWIFT_JOBS (compile jobs, default 2), STYLECAST_* service settings.
set -euo pipefail
cd "$(dirname "$0")/.."
data=${STYLECAST_DATA_DIR:-../shared/data}
out=out
restart=""
while [ $# -gt 0 ]; do
  case "$1" in
    --data) data=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    --restart) restart=$2; shift 2 ;;
    -h|--help) sed -n '2,20p' "$0"; exit 0 ;;
    *) echo "usage: scripts/demo.sh [--data DIR] [--out DIR] [--restart SERVICE]" >&2; exit 2 ;;
  esac
done
case "$restart" in
  ""|ingest|text-embedding|image-generation|recommendation|trend-aggregation) ;;
  *) echo "demo: --restart must name a service: ingest, text-embedding, image-generation, recommendation, trend-aggregation" >&2; exit 2 ;;
esac
started=$(date +%s)
say() { echo "[demo $(( $(date +%s) - started ))s] $*" >&2; }

# shellcheck source=lib/demo-files.sh
. scripts/lib/demo-files.sh
files=("${demo_files[@]}")
missing=()
for entry in "${files[@]}"; do
  [ -f "$data/${entry#* }" ] || missing+=("${entry#* }")
done
if [ ${#missing[@]} -gt 0 ]; then
  {
    echo "demo: the data folder $data lacks: ${missing[*]}"
    echo "  Put the shared Stylecast data there (its README lists every file: VISUELLE train/test/"
    echo "  gtrends CSVs, the H&M sample, the Google Trends series), or pass --data DIR or set"
    echo "  STYLECAST_DATA_DIR. docs/ingest-formats.md describes each source."
  } >&2
  exit 2
fi

say "setup (system packages, MiniLM model)"
scripts/setup.sh
say "release build (about 10 minutes on 2 cores the first time)"
# shellcheck source=lib/release-build.sh
. scripts/lib/release-build.sh
for product in ingest text-embedding image-generation recommendation trend-aggregation stylecast; do
  release_build "$product" 2>&1 | grep --line-buffered -E "error|warning:|Compiling|Build" >&2 || true
  [ -x "$(release_bin_path)/$product" ] || { say "build of $product failed"; exit 1; }
done
bin=$(release_bin_path)
stylecast="$bin/stylecast"

# shellcheck source=lib/blas-kernel.sh
. scripts/lib/blas-kernel.sh
run_dir=$(mktemp -d -t stylecast-demo.XXXXXX)
export STYLECAST_RUN_DIR=$run_dir
unset STYLECAST_REDIS_URL
cleanup() {
  local status=$?
  say "stopping the services and Redis"
  "$stylecast" down --purge >&2 || true
  exit $status
}
trap cleanup EXIT
trap 'say "interrupted"; exit 130' INT TERM

say "starting Redis and the five services (logs in $run_dir)"
"$stylecast" up --bin "$bin" --scale text-embedding=2 >&2

customers_file="$data/hm/transactions_train.csv.gz"
index=0
for entry in "${files[@]}"; do
  source=${entry%% *}
  file=${entry#* }
  say "ingesting $file"
  "$stylecast" ingest --source "$source" "$data/$file" --json >"$run_dir/ingest-$index.json"
  python3 - "$run_dir/ingest-$index.json" "$file" >&2 <<'PY'
import json, sys
summary = json.load(open(sys.argv[1]))
print(f"  {sys.argv[2]}: {summary.get('accepted', 0):,} accepted, {summary.get('duplicates', 0):,} duplicates, "
      f"{summary.get('rejected', 0):,} rejected")
PY
  if [ "$index" -eq 0 ] && [ -n "$restart" ]; then
    say "stopping $restart and starting it again (--restart)"
    "$stylecast" down --only "$restart" >&2
    "$stylecast" up --bin "$bin" --scale text-embedding=2 >&2
  fi
  index=$((index + 1))
done

say "waiting for the pipeline to drain (embedding every item, aggregating every entry)"
"$stylecast" status --wait-drained --timeout 1800 >&2

say "training the recommender on the purchases"
"$stylecast" recommend --refresh >&2

# Three real customers of the H&M sample: the three with the most purchases (ties by id).
customers=$(python3 - "$customers_file" <<'PY'
import collections, csv, gzip, sys
counts = collections.Counter(row["customer_id"] for row in csv.DictReader(gzip.open(sys.argv[1], "rt")))
print(",".join("hm:" + c for c in sorted(counts, key=lambda c: (-counts[c], c))[:3]))
PY
)

say "writing the report to $out"
"$stylecast" report --out "$out" --top 5 --horizon 12 --designs 8 --customers "$customers" >&2

python3 - "$out/report.json" "$run_dir" <<'PY'
import collections, glob, json, sys
report = json.load(open(sys.argv[1]))
accepted = sum(json.load(open(path)).get("accepted", 0) for path in glob.glob(sys.argv[2] + "/ingest-*.json"))
calls = report["calls"]
markets = [m["market"] for m in report["markets"]]
print()
print(f"Stylecast demo: {accepted:,} records accepted; {len(calls):,} trend calls in {len(markets)} market views "
      f"(week of {report['week']})")
stages = collections.Counter(c["stage"] for c in calls if c["market"] == "ALL")
print("All markets: " + ", ".join(f"{stage} {count}" for stage, count in sorted(stages.items())))
overall = report["markets"][0]
for title, cards in (("Top risers", overall["risers"]), ("Top decliners", overall["decliners"])):
    print(f"{title} (all markets):")
    for card in cards[:5]:
        print(f"  {card['kind']}: {card['value']:<22} {card['stage']:<18} YoY {card['growth'] * 100:+5.0f}%, forecast "
              f"{card['forecast_growth'] * 100:+5.0f}% ({card['forecast_growth_lower'] * 100:+.0f}% to "
              f"{card['forecast_growth_upper'] * 100:+.0f}%), {card['agreeing_series']} of {card['supported_series']} series agree")
print(f"Style clusters: {len(report['clusters'])}; card designs: {len(report.get('card_designs', []))}")
designs = report.get("designs", [])
print(f"Designs from the trends: {len(designs)} (" + ", ".join(f"{d['category']} {d['pattern']}" for d in designs) + ")")
for entry in report.get("recommendations", []):
    items = entry["items"]
    reasons = sorted({item["reason"] for item in items})
    print(f"Customer {entry['customer_id'][:12]}...: {len(items)} items ({', '.join(reasons)}); first: "
          + (f"{items[0]['title'] or items[0]['item_id']} ({items[0]['reason']})" if items else "-"))
print(f"Report: {sys.argv[1].rsplit('/', 1)[0]}/report.html (and report.json, report.csv)")
# The numbers a rerun must reproduce (scripts/demo.sh --restart SERVICE is compared on them).
summary = {
    "records_accepted": accepted,
    "calls": [[c["market"], c["kind"], c["value"], c["stage"], round(c["forecast_growth"], 6)] for c in calls],
    "clusters": [c.get("labels") for c in report["clusters"]],
    "designs": [[d["category"], d["pattern"], d["palette"]] for d in designs],
    "recommendations": [[r["customer_id"], [i["item_id"] for i in r["items"]]] for r in report.get("recommendations", [])],
}
json.dump(summary, open(sys.argv[1].rsplit("/", 1)[0] + "/summary.json", "w"), indent=1, sort_keys=True)
PY
say "done"
