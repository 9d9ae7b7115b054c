#!/usr/bin/env bash
# Attribute extraction measured on real labels: precision, recall and coverage of the lexicon
# extractor per kind (micro-averaged), plus the lexicon's size and extraction speed.
#   colour   vs Myntra baseColour (text: productDisplayName) and H&M colour_group_name
#   pattern  vs H&M graphical_appearance_name (text: prod_name + ". " + detail_desc)
#   category vs Myntra articleType (text: productDisplayName)
# Then lexicon vs lexicon + zero-shot (prototypes embedded with all-MiniLM-L6-v2 from
# $STYLECAST_MODELS_DIR, else models/) on every k-th row, 1,000 per data set: thresholds are
# chosen on the even sample positions and scores reported on the odd ones.
# Prints Markdown (paste it into docs/benchmarks.md).
#
#   scripts/bench/attributes.sh [--data DIR]     DIR: else $STYLECAST_DATA_DIR, else ../shared/data
# ATTRIBUTES_EVAL_ERRORS=1 also writes the most frequent wrong predictions to stderr.
set -euo pipefail
cd "$(dirname "$0")/../.."
echo "attributes-eval: release build ..." >&2
# shellcheck source=../lib/release-build.sh
. scripts/lib/release-build.sh
release_build attributes-eval >&2
bin=$(release_bin_path)
echo "Lexicon (\`attributes-eval lexicon\`):"
echo
"$bin/attributes-eval" lexicon
echo
echo "Evaluation (\`scripts/bench/attributes.sh $*\`):"
echo
"$bin/attributes-eval" "$@"
echo
echo "Zero-shot (\`attributes-eval zero-shot $*\`):"
echo
"$bin/attributes-eval" zero-shot "$@"
