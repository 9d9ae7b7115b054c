#!/usr/bin/env bash
# Validates the Kubernetes manifests offline against the Kubernetes API schemas with
# kubernetes-validate (PyPI; schemas bundled in the package, installed in .venv-test by
# scripts/test.sh). What is validated is what `kubectl apply -k` would send: the kustomization
# rendered by `kubectl kustomize` (or `kustomize build`); without either, each file that
# kustomization.yaml lists. Strict: an unknown field fails, and so does a kind without a schema.
# Against Kubernetes 1.27 (the first with native gRPC probes) and the newest release the
# validator knows.
#
#   scripts/validate-k8s.sh [DIR]      DIR: a kustomization folder, default deploy/k8s
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${1:-deploy/k8s}
python=.venv-test/bin/python
validate=.venv-test/bin/kubernetes-validate
if [ ! -x "$validate" ]; then
  echo "validate-k8s: $validate is missing: run scripts/test.sh once, or" \
    ".venv-test/bin/pip install kubernetes-validate" >&2
  exit 1
fi
[ -f "$dir/kustomization.yaml" ] || { echo "validate-k8s: no $dir/kustomization.yaml" >&2; exit 1; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
if command -v kubectl >/dev/null 2>&1; then
  kubectl kustomize "$dir" >"$work/rendered.yaml"
  files=("$work/rendered.yaml")
  how="rendered by kubectl kustomize"
elif command -v kustomize >/dev/null 2>&1; then
  kustomize build "$dir" >"$work/rendered.yaml"
  files=("$work/rendered.yaml")
  how="rendered by kustomize build"
else
  mapfile -t files < <("$python" - "$dir" <<'PY'
import pathlib, sys, yaml
folder = pathlib.Path(sys.argv[1])
for name in yaml.safe_load((folder / "kustomization.yaml").read_text())["resources"]:
    print(folder / name)
PY
)
  how="file by file (neither kubectl nor kustomize is installed)"
fi

oldest=1.27.0
newest=$("$python" -c 'import kubernetes_validate.utils as u; print(u.latest_version())')
count=$("$python" -c 'import sys, yaml; print(sum(1 for f in sys.argv[1:] for d in yaml.safe_load_all(open(f)) if d))' "${files[@]}")
status=0
report=$("$validate" --strict --quiet -k "$oldest" -k "$newest" "${files[@]}" 2>&1) || status=$?
if [ "$status" -ne 0 ] || [ -n "$report" ]; then
  # A WARN (no schema for a kind) fails too: it would otherwise pass unchecked.
  echo "$report" >&2
  echo "validate-k8s: $dir is NOT valid ($how)" >&2
  exit 1
fi
echo "validate-k8s: $count resources in $dir valid against Kubernetes $oldest and $newest ($how)"
