#!/usr/bin/env bash
# New-product benchmark (issue 6): NewProductForecaster on VISUELLE's official split (train.csv
# to fit, the 497 products of test.csv scored over their first 12 weeks) beside the simple anchors
# computed in the same run: the train mean curve, the category mean curve and a plain attribute
# kNN. Hyper-parameters are chosen on the training set only (the last-released quarter of its two
# latest seasons held out); the test set is scored once. WAPE = 100 sum|y - yhat| / sum y, MAE in
# units (VISUELLE's normalised sales x 1,065). Prints a Markdown table (docs/benchmarks.md).
#
#   scripts/bench/new-product.sh [--data DIR]
#     DIR: the shared data (else $STYLECAST_DATA_DIR, else ../shared/data); reads DIR/visuelle.
set -euo pipefail
cd "$(dirname "$0")/../.."
data="${STYLECAST_DATA_DIR:-../shared/data}"
while [ $# -gt 0 ]; do
  case "$1" in
    --data) data=$2; shift 2 ;;
    *) echo "usage: scripts/bench/new-product.sh [--data DIR]" >&2; exit 2 ;;
  esac
done
[ -f "$data/visuelle/train.csv" ] || { echo "new-product.sh: no VISUELLE data in $data (pass --data DIR)" >&2; exit 1; }

echo "new-product-bench: release build ..." >&2
# shellcheck source=../lib/release-build.sh
. scripts/lib/release-build.sh
release_build new-product-bench >&2
bin=$(release_bin_path)
"$bin/new-product-bench" "$data/visuelle"
