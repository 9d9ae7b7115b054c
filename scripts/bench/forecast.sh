#!/usr/bin/env bash
# Forecast benchmark (issue 6): StylecastForecast beside statsforecast, measured in one run on
# the same series and splits, one thread each:
#   (a) the COVID-19 Google Trends long CSV, 1,056 series of 156 weeks;
#   (b) the 96 VISUELLE trend series (all-missing ones skipped, -1 = missing: leading and
#       trailing missing weeks dropped, inner ones interpolated);
# last 12 weeks held out, season length 52. The series are written once to a temporary JSON-lines
# file (scripts/bench/forecast_anchors.py prepare) that both sides read; the anchor script
# scores every model with the same code: mean sMAPE, mean MASE (in-sample seasonal-naive MAE
# with m = 52, m = 1 where the history is not longer than a season; series whose scale is 0
# are left out of MASE), and total fit + forecast wall time.
# Prints a Markdown table (paste it into docs/benchmarks.md).
#
#   scripts/bench/forecast.sh [--data DIR] [--methods "auto ets theta naive snaive"]
#     DIR: the shared data (else $STYLECAST_DATA_DIR, else ../shared/data).
# First run creates .venv-bench with statsforecast and pandas from PyPI.
set -euo pipefail
cd "$(dirname "$0")/../.."
data="${STYLECAST_DATA_DIR:-../shared/data}"
methods="auto ets theta naive snaive"
while [ $# -gt 0 ]; do
  case "$1" in
    --data) data=$2; shift 2 ;;
    --methods) methods=$2; shift 2 ;;
    *) echo "usage: scripts/bench/forecast.sh [--data DIR] [--methods \"auto ets theta\"]" >&2; exit 2 ;;
  esac
done
[ -f "$data/gtrends/covid19_fashion_weekly.csv.gz" ] || { echo "forecast.sh: no shared data in $data (pass --data DIR)" >&2; exit 1; }

echo "forecast-bench: release build ..." >&2
# shellcheck source=../lib/release-build.sh
. scripts/lib/release-build.sh
release_build forecast-bench >&2
bin=$(release_bin_path)

venv=.venv-bench
[ -x "$venv/bin/python" ] || python3 -m venv "$venv"
if ! "$venv/bin/python" -c 'import statsforecast, pandas' 2>/dev/null; then
  echo "forecast.sh: installing statsforecast and pandas into $venv ..." >&2
  "$venv/bin/pip" install -q statsforecast pandas >&2
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1 NUMBA_NUM_THREADS=1
"$venv/bin/python" scripts/bench/forecast_anchors.py prepare "$data" "$work/series.jsonl"
echo "forecast-bench: ours ($methods) ..." >&2
# shellcheck disable=SC2086
"$bin/forecast-bench" "$work/series.jsonl" "$work/ours.jsonl" $methods
"$venv/bin/python" scripts/bench/forecast_anchors.py report "$work/series.jsonl" "$work/ours.jsonl"
