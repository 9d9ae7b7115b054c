#!/usr/bin/env bash
# Tensor-library benchmark: our figures beside their anchors, measured in the same run.
#   1. sgemm GFLOP/s through Tensor.matmul vs cblas_sgemm called directly (M=N=K=1024, and the
#      MiniLM feed-forward shape M=40, K=384, N=1536 with B transposed), with the kernel in use;
#   2. garment-classifier images/second with one thread, Swift vs PyTorch CPU on the same
#      weights, at batch 1 and 256.
# Prints a Markdown table (paste it into docs/benchmarks.md).
#
#   scripts/bench/tensor.sh [--seconds S]
# Needs the training venv for the PyTorch column (Training/setup.sh, installs CUDA torch ~6 GB).
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds=3
[ "${1:-}" = "--seconds" ] && seconds=$2

scripts/setup.sh
. scripts/lib/blas-kernel.sh
echo "tensor-bench: release build ..." >&2
swift build -c release -j "${SWIFT_JOBS:-2}" --product tensor-bench >&2
bin=$(swift build -c release --show-bin-path)
[ -x Training/.venv/bin/python ] || Training/setup.sh >&2

results=$(mktemp)
trap 'rm -f "$results"' EXIT
echo "tensor-bench: sgemm ..." >&2
"$bin/tensor-bench" sgemm --seconds "$seconds" >>"$results"
echo "tensor-bench: classifier (Swift) ..." >&2
"$bin/tensor-bench" classifier --seconds "$seconds" --batch-sizes 1,256 | sed 's/^{/{"engine": "swift", /' >>"$results"
echo "tensor-bench: classifier (PyTorch) ..." >&2
OMP_NUM_THREADS=1 Training/.venv/bin/python scripts/bench/classifier_torch.py --seconds "$seconds" --batch-sizes 1,256 \
  | sed 's/^{/{"engine": "pytorch", /' >>"$results"

python3 - "$results" <<'PY'
import json, platform, sys
rows = [json.loads(line) for line in open(sys.argv[1]) if line.startswith("{")]
sgemm = [r for r in rows if r.get("bench") == "sgemm"]
swift = {r["batch"]: r for r in rows if r.get("engine") == "swift"}
torch = {r["batch"]: r for r in rows if r.get("engine") == "pytorch"}
kernel = sgemm[0]["kernel"] if sgemm else "?"
print(f"OpenBLAS kernel: {kernel}; CPU: {platform.processor() or platform.machine()}; 1 thread")
print()
print("| sgemm (M x K x N) | cblas_sgemm direct (anchor) | Tensor.matmul (ours) | overhead |")
print("|---|---|---|---|")
for r in sgemm:
    shape = f'{r["m"]} x {r["k"]} x {r["n"]}' + (" (B transposed)" if r["transpose_b"] else "")
    print(f'| {shape} | {r["direct_gflops"]:.1f} GFLOP/s | {r["library_gflops"]:.1f} GFLOP/s | {r["overhead_percent"]:+.1f}% |')
print()
version = next(iter(torch.values()), {}).get("torch", "?")
print(f"| garment classifier, 1 thread | PyTorch {version} CPU (anchor) | Swift (ours) | ratio |")
print("|---|---|---|---|")
for batch in sorted(set(swift) | set(torch)):
    t = torch.get(batch, {}).get("images_per_second")
    s = swift.get(batch, {}).get("images_per_second")
    ratio = f"{s / t:.2f}x" if s and t else "-"
    print(f'| batch {batch} | {t or 0:.0f} images/s | {s or 0:.0f} images/s | {ratio} |')
PY
