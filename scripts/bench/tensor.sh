#!/usr/bin/env bash
# Tensor-library benchmark: our figures beside their anchors, measured in the same run.
#   1. sgemm GFLOP/s through Tensor.matmul vs cblas_sgemm called directly (M=N=K=1024, and the
#      MiniLM feed-forward shape M=40, K=384, N=1536 with B transposed), with the kernel in use;
#   2. garment-classifier images/second with one thread, Swift vs PyTorch CPU on the same
#      weights, at batch 1 and 256.
# Prints Markdown tables (paste them into docs/benchmarks.md).
#
#   scripts/bench/tensor.sh [--seconds S]
# Needs the training venv for the PyTorch column (Training/setup.sh, installs CUDA torch ~6 GB).
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds=3
[ "${1:-}" = "--seconds" ] && seconds=$2

scripts/setup.sh
echo "tensor-bench: release build ..." >&2
# shellcheck source=../lib/release-build.sh
. scripts/lib/release-build.sh
release_build tensor-bench >&2
bin=$(release_bin_path)
[ -x Training/.venv/bin/python ] || Training/setup.sh >&2

results=$(mktemp)
trap 'rm -f "$results"' EXIT
# Our side runs twice: with the machine's OpenBLAS settings as they are, and as the launchers
# run the services when OPENBLAS_CORETYPE is unset (kernel from the CPU flags,
# scripts/lib/blas-kernel.sh; OPENBLAS_L2_SIZE unset with it). The anchors run once.
run_ours() {
  local label=$1
  echo "tensor-bench: sgemm and classifier, $label ..." >&2
  "$bin/tensor-bench" sgemm --seconds "$seconds" | sed "s/^{/{\"setting\": \"$label\", /" >>"$results"
  "$bin/tensor-bench" classifier --seconds "$seconds" --batch-sizes 1,256 \
    | sed "s/^{/{\"engine\": \"swift\", \"setting\": \"$label\", /" >>"$results"
}
run_ours "environment"
(
  unset OPENBLAS_CORETYPE OPENBLAS_L2_SIZE
  . scripts/lib/blas-kernel.sh 2>/dev/null
  run_ours "launcher"
)
echo "tensor-bench: classifier (PyTorch) ..." >&2
OMP_NUM_THREADS=1 Training/.venv/bin/python scripts/bench/classifier_torch.py --seconds "$seconds" --batch-sizes 1,256 \
  | sed 's/^{/{"engine": "pytorch", /' >>"$results"

python3 - "$results" <<'PY'
import json, sys
rows = [json.loads(line) for line in open(sys.argv[1]) if line.startswith("{")]
sgemm = [r for r in rows if r.get("bench") == "sgemm"]
swift = [r for r in rows if r.get("engine") == "swift"]
torch = {r["batch"]: r for r in rows if r.get("engine") == "pytorch"}
names = {"environment": "as set on the machine", "launcher": "chosen by the launcher"}
print("All figures with 1 thread, measured in one run of scripts/bench/tensor.sh.")
print()
print("| sgemm (M x K x N) | OpenBLAS kernel | cblas_sgemm direct (anchor) | Tensor.matmul (ours) | overhead |")
print("|---|---|---|---|---|")
for r in sgemm:
    shape = f'{r["m"]} x {r["k"]} x {r["n"]}' + (" (B transposed)" if r["transpose_b"] else "")
    kernel = f'{r["kernel"]} ({names[r["setting"]]})'
    print(f'| {shape} | {kernel} | {r["direct_gflops"]:.1f} GFLOP/s | {r["library_gflops"]:.1f} GFLOP/s | {r["overhead_percent"]:+.1f}% |')
print()
version = next(iter(torch.values()), {}).get("torch", "?")
print(f"| garment classifier | PyTorch {version} CPU (anchor) | Swift (ours), OpenBLAS kernel | Swift images/s | ours / anchor |")
print("|---|---|---|---|---|")
for r in swift:
    t = torch.get(r["batch"], {}).get("images_per_second")
    s = r["images_per_second"]
    ratio = f"{s / t:.2f}x" if t else "-"
    print(f'| batch {r["batch"]} | {t or 0:.0f} images/s | {r["kernel"]} ({names[r["setting"]]}) | {s:.0f} images/s | {ratio} |')
PY
