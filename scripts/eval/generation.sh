#!/usr/bin/env bash
# Generation evaluation (issue 8): 10,000 garments from the committed style generator (1,000 per
# class), judged by the committed Swift garment classifier: conditional accuracy (target
# >= 85%), FID in the classifier's 128-d penultimate-feature space against the Fashion-MNIST
# test set, beside the same FID for the training set (real vs real) and for a class-mean-image
# baseline; writes the 10 x 10 contact sheet docs/generation-contact-sheet.png. Truncation 1
# (the generator as trained) and 0.7 (what the service draws with). Prints Markdown tables.
#
#   scripts/eval/generation.sh [--per-class N]   (default 1000)
set -euo pipefail
cd "$(dirname "$0")/../.."
per_class=1000
while [ $# -gt 0 ]; do
  case "$1" in
    --per-class) per_class=$2; shift 2 ;;
    *) echo "usage: scripts/eval/generation.sh [--per-class N]" >&2; exit 2 ;;
  esac
done
[ -d /usr/share/datasets/fashion-mnist ] || scripts/setup.sh
export OPENBLAS_NUM_THREADS=1
# shellcheck source=../lib/blas-kernel.sh
. scripts/lib/blas-kernel.sh
echo "generation-eval: release build ..." >&2
# shellcheck source=../lib/release-build.sh
. scripts/lib/release-build.sh
release_build generation-eval >&2
bin=$(release_bin_path)
"$bin/generation-eval" --per-class "$per_class" --truncations 1,0.7 --contact-sheet docs/generation-contact-sheet.png
