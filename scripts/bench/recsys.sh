#!/usr/bin/env bash
# Recommendation benchmark (issue 7): our Swift recommenders (StylecastRecommender, run by
# recsys-bench) beside the Python `implicit` library (scripts/bench/recsys_anchors.py, in the
# benchmark venv .venv-bench), on the SAME splits, written once to a temporary directory:
#   Amazon clothing 5-core sequences, leave-last-out (last item test, second-last validation),
#     full ranking over all items without the user's training items, HR@10 and NDCG@10;
#   H&M sample, train before 2020-09-16 and test on the last week (MAP@12 as the Kaggle
#     competition), and the same with a 4-week test window (train before 2020-08-26);
#     validation is the window just before the test window, with training before it.
# Hyper-parameters and hybrid weights are chosen on validation, test figures are reported.
# On Amazon also the anonymous session (issue 23): the hybrid's models and weights with the user
# id hidden and the last 3 training items given as viewed context, as the recommendation service
# serves a request with context_item_ids and no user_id; only the context items are excluded.
# Also times ALS training (64 factors, 15 iterations, 3 CG steps) with one thread on both sides.
# Prints Markdown tables (paste them into docs/benchmarks.md).
#
#   scripts/bench/recsys.sh [--data DIR] [--repeats N] [--datasets LIST]
#     DIR: the shared data (else $STYLECAST_DATA_DIR, else ../shared/data);
#     N: ALS timing runs per side, alternating ours / implicit (default 5; the table shows the
#        fastest and the median; 0 skips the timing and its table);
#     LIST: comma-separated datasets to tune and report, of amazon, hm1w, hm4w (default all
#        three; e.g. `--datasets amazon --repeats 0` for the Amazon table alone).
# First run creates .venv-bench and installs implicit, scipy, numpy and pandas from PyPI.
set -euo pipefail
cd "$(dirname "$0")/../.."
data="${STYLECAST_DATA_DIR:-../shared/data}"
repeats=5
datasets=amazon,hm1w,hm4w
arguments="$*" # for the tables' header, before the loop shifts them away
while [ $# -gt 0 ]; do
  case "$1" in
    --data) data=$2; shift 2 ;;
    --repeats) repeats=$2; shift 2 ;;
    --datasets) datasets=$2; shift 2 ;;
    *) echo "usage: scripts/bench/recsys.sh [--data DIR] [--repeats N] [--datasets LIST]" >&2; exit 2 ;;
  esac
done
for dataset in ${datasets//,/ }; do
  case "$dataset" in
    amazon|hm1w|hm4w) ;;
    *) echo "recsys.sh: unknown dataset '$dataset' (amazon, hm1w, hm4w)" >&2; exit 2 ;;
  esac
done
[ -f "$data/amazon/clothing_5core_sequences.txt.gz" ] || { echo "recsys.sh: no shared data in $data (pass --data DIR)" >&2; exit 1; }

# One BLAS thread on both sides; the same OpenBLAS kernel on both sides (from the CPU flags
# when OPENBLAS_CORETYPE is unset, scripts/lib/blas-kernel.sh).
export OPENBLAS_NUM_THREADS=1
. scripts/lib/blas-kernel.sh

echo "recsys-bench: release build ..." >&2
# shellcheck source=../lib/release-build.sh
. scripts/lib/release-build.sh
release_build recsys-bench >&2
bin=$(release_bin_path)

venv=.venv-bench
if ! "$venv/bin/python" -c 'import implicit, scipy, numpy, pandas' 2>/dev/null; then
  echo "recsys.sh: creating $venv (implicit, scipy, numpy, pandas) ..." >&2
  [ -x "$venv/bin/python" ] || python3 -m venv "$venv"
  "$venv/bin/python" -m pip install --quiet implicit scipy numpy pandas >&2
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
echo "recsys.sh: writing the shared splits ..." >&2
"$venv/bin/python" scripts/bench/recsys_anchors.py split --data "$data" --out "$work/splits"
echo "recsys-bench: our models (tuning on validation, then test) ..." >&2
"$bin/recsys-bench" --splits "$work/splits" --repeats 0 --datasets "$datasets" >"$work/results.jsonl"
echo "recsys.sh: anchors (implicit) ..." >&2
"$venv/bin/python" -W ignore scripts/bench/recsys_anchors.py run --splits "$work/splits" --repeats 0 --datasets "$datasets" \
  >>"$work/results.jsonl" 2>"$work/anchors.log" || { cat "$work/anchors.log" >&2; exit 1; }
# ALS timing: single runs alternating between the sides, so both see the same machine load.
for run in $(seq 1 "$repeats"); do
  echo "recsys.sh: ALS timing, run $run of $repeats (ours, then implicit) ..." >&2
  "$bin/recsys-bench" --splits "$work/splits" --repeats 1 --datasets "" >>"$work/results.jsonl"
  "$venv/bin/python" -W ignore scripts/bench/recsys_anchors.py run --splits "$work/splits" --repeats 1 --datasets "" \
    >>"$work/results.jsonl" 2>>"$work/anchors.log" || { cat "$work/anchors.log" >&2; exit 1; }
done

python3 scripts/bench/recsys_tables.py "$work/results.jsonl" "${OPENBLAS_CORETYPE:-default}" "$arguments"
