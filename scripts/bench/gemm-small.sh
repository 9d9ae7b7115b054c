#!/usr/bin/env bash
# Small-batch GEMM evaluation (issue 22, "Encoder"): GFLOP/s of the text encoder's dense layers
# (y = x W^T on all-MiniLM-L6-v2's four shapes, FLOP-weighted) at 12-1425 rows, one thread, in
# one run: OpenBLAS (Tensor.linear's path), BLIS, oneDNN's matmul with weights reordered once,
# and our packed kernel (Shared/CPackedGEMM, which the encoder uses). Prints a Markdown table
# (docs/benchmarks.md, "Text embedding").
#
#   scripts/bench/gemm-small.sh [--seconds S]    S: least time per figure (default 0.3)
#
# Installs libdnnl-dev and libblis-dev from Debian if missing (scripts/setup.sh adds neither:
# the services do not link them). OpenBLAS runs with the kernel the launchers pick.
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds=0.3
while [ $# -gt 0 ]; do
  case "$1" in
    --seconds) seconds=$2; shift 2 ;;
    *) echo "usage: scripts/bench/gemm-small.sh [--seconds S]" >&2; exit 2 ;;
  esac
done
scripts/setup.sh
if [ ! -f /usr/include/dnnl.h ] || ! ls /usr/lib/x86_64-linux-gnu/libblis.so.4 >/dev/null 2>&1; then
  echo "gemm-small: installing libdnnl-dev and libblis-dev ..." >&2
  sudo=""; [ "$(id -u)" = 0 ] || sudo=sudo
  $sudo apt-get install -y --no-install-recommends libdnnl-dev libblis-dev >&2
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cc -O2 -o "$work/gemm_small" scripts/bench/gemm_small.c Shared/CPackedGEMM/packed_gemm.c \
  -IShared/CPackedGEMM/include -I/usr/include/x86_64-linux-gnu/openblas-pthread -lopenblas -ldnnl -ldl -lm
kernel=$(unset OPENBLAS_CORETYPE OPENBLAS_L2_SIZE; . scripts/lib/blas-kernel.sh 2>/dev/null; echo "${OPENBLAS_CORETYPE:-}")
env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE ${kernel:+OPENBLAS_CORETYPE=$kernel} OMP_NUM_THREADS=1 \
  "$work/gemm_small" "$seconds" >"$work/results.jsonl"
python3 - "$work/results.jsonl" "${kernel:-as detected}" "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | xargs)" <<'PY'
import json, sys
rows = [json.loads(line) for line in open(sys.argv[1]) if '"rows"' in line]
print(f"GFLOP/s, one thread, {sys.argv[3]}; OpenBLAS kernel {sys.argv[2]}; oneDNN implementation "
      f"`{rows[0]['onednn_impl']}`; `scripts/bench/gemm-small.sh`.")
print()
print("| rows | OpenBLAS | BLIS | oneDNN matmul (weights reordered once) | ours, packed | packed / OpenBLAS | max abs difference |")
print("|---|---|---|---|---|---|---|")
for r in rows:
    print(f"| {r['rows']} | {r['openblas']:.1f} | {r['blis']:.1f} | {r['onednn']:.1f} | {r['packed']:.1f} "
          f"| {r['packed'] / r['openblas']:.2f}x | {r['max_abs_difference']:.1e} |")
PY
