#!/usr/bin/env bash
# Generation benchmark (issue 8): images per second of the committed style generator, one
# thread, Swift (generator-bench, release build, StylecastVision.StyleGenerator) beside PyTorch
# CPU on the same weights (scripts/bench/generator_torch.py in Training/.venv), at batch 1 and
# 64, measured in the same run, alternating the sides per batch size. Same OpenBLAS kernel on
# the Swift side as the launchers choose (scripts/lib/blas-kernel.sh). Prints a Markdown table.
#
#   scripts/bench/generation.sh [--seconds S]   (default 5 measured seconds per side and batch)
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds=5
while [ $# -gt 0 ]; do
  case "$1" in
    --seconds) seconds=$2; shift 2 ;;
    *) echo "usage: scripts/bench/generation.sh [--seconds S]" >&2; exit 2 ;;
  esac
done
[ -x Training/.venv/bin/python ] || { echo "generation.sh: run 'bash Training/setup.sh' first (PyTorch anchor)" >&2; exit 1; }
export OPENBLAS_NUM_THREADS=1
# shellcheck source=../lib/blas-kernel.sh
. scripts/lib/blas-kernel.sh
echo "generator-bench: release build ..." >&2
# shellcheck source=../lib/release-build.sh
. scripts/lib/release-build.sh
release_build generator-bench >&2
bin=$(release_bin_path)
results=$(mktemp)
trap 'rm -f "$results"' EXIT
for batch in 1 64; do
  "$bin/generator-bench" --seconds "$seconds" --batch-sizes "$batch" >>"$results"
  Training/.venv/bin/python scripts/bench/generator_torch.py --seconds "$seconds" --batch-sizes "$batch" >>"$results"
done
python3 - "$results" "${OPENBLAS_CORETYPE:-default}" <<'PY'
import json, sys
rows = [json.loads(line) for line in open(sys.argv[1])]
get = lambda side, batch: next(r for r in rows if r["side"] == side and r["batch"] == batch)
torch_version = next(r["torch"] for r in rows if r["side"] == "pytorch")
print(f"Style generator, images/s, 1 thread; OpenBLAS kernel {sys.argv[2]} (Swift), PyTorch {torch_version} CPU:")
print()
print("| batch | Swift | PyTorch | Swift / PyTorch |")
print("|---|---|---|---|")
for batch in (1, 64):
    ours, theirs = get("swift", batch)["images_per_second"], get("pytorch", batch)["images_per_second"]
    print(f"| {batch} | {ours:,.0f} | {theirs:,.0f} | {ours / theirs:.2f}x |")
ours, theirs = get("swift", 64)["images_per_second"], get("pytorch", 64)["images_per_second"]
print()
print(f"Target (Swift >= PyTorch at batch 64): {'met' if ours >= theirs else 'NOT met'}.")
PY
