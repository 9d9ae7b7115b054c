#!/usr/bin/env bash
# Trend-call backtest (docs/trends.md, "Backtest"): on the shared Google Trends set (1,056 series,
# 32 markets) and the VISUELLE search series, at every 4th week from the first with 64 weeks of
# history to the last with 12 weeks after it, each series is called up, down or flat from the
# weeks up to that origin only and scored against what happened (the next 12 weeks more than 15%
# above / below the same weeks a year earlier). Prints, per set and per half of its origins,
# precision, recall and F1 per class and macro-F1 for our calls (stage -> direction), the momentum
# baseline (trailing 12-week YoY growth beyond ±15%) and the old 4-week slope rule, all computed in
# the same run; then the same for the count sources behind the fusion weights (VISUELLE sales and
# launches, H&M purchases, as shares). Markdown, for docs/benchmarks.md.
#
#   scripts/bench/trend-calls.sh [--data DIR] [--select] [--compare-forecasters]
#     DIR: the shared data (else $STYLECAST_DATA_DIR, else ../shared/data).
#     --select: rerun the parameter choice on the first halves only and say whether it gives
#       TrendParameters.standard and TrendFusion.measureWeights.
#     --compare-forecasters: the same calls with the AutoForecaster's forecast, first halves only.
set -euo pipefail
cd "$(dirname "$0")/../.."
data="${STYLECAST_DATA_DIR:-../shared/data}"
mode=()
while [ $# -gt 0 ]; do
  case "$1" in
    --data) data=$2; shift 2 ;;
    --select | --compare-forecasters) mode+=("$1"); shift ;;
    *) echo "usage: scripts/bench/trend-calls.sh [--data DIR] [--select] [--compare-forecasters]" >&2; exit 2 ;;
  esac
done
[ -f "$data/gtrends/covid19_fashion_weekly.csv.gz" ] || { echo "trend-calls.sh: no shared data in $data (pass --data DIR)" >&2; exit 1; }

echo "trend-calls-bench: release build ..." >&2
# shellcheck source=../lib/release-build.sh
. scripts/lib/release-build.sh
release_build trend-calls-bench >&2
bin=$(release_bin_path)
if [ ${#mode[@]} -eq 0 ]; then
  "$bin/trend-calls-bench" --data "$data"
else
  for one in "${mode[@]}"; do "$bin/trend-calls-bench" --data "$data" "$one"; echo; done
fi
