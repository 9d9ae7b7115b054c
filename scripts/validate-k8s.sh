#!/usr/bin/env bash
# Validates the Kubernetes manifests offline against the Kubernetes API schemas with
# kubernetes-validate (PyPI; schemas bundled in the package, installed in .venv-test by
# scripts/test.sh). What is validated is what `kubectl apply -k` would send: the kustomization
# rendered by `kubectl kustomize` (or `kustomize build`); without either, each file that
# kustomization.yaml lists, and those of the kustomizations it builds on (an overlay such as
# deploy/k8s-cluster lists ../k8s): patches are not applied then, but each one's target must be
# among those resources. Strict: an unknown field fails, and so does a kind without a schema.
# Against Kubernetes 1.27 (the first with native gRPC probes) and the newest release the
# validator knows.
#
#   scripts/validate-k8s.sh [DIR]      DIR: a kustomization folder, default deploy/k8s
#   scripts/validate-k8s.sh deploy/k8s-cluster     the Redis Cluster variant
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
  # The resource files of the kustomization and of each folder it lists (a base), depth first;
  # every patch's target (its `target:`, else the patch's own kind and name) must be one of
  # those resources, or the patch would fail to apply.
  if ! "$python" - "$dir" >"$work/files" <<'PY'
import pathlib, re, sys, yaml

def load(folder: pathlib.Path, errors: list):
    """The resource files of the kustomization in folder, with its bases', and their (kind, name)s."""
    kustomization = yaml.safe_load((folder / "kustomization.yaml").read_text())
    files, resources = [], []
    for name in kustomization.get("resources", []):
        if (folder / name).is_dir():
            base_files, base_resources = load(folder / name, errors)
            files += base_files
            resources += base_resources
            continue
        files.append(folder / name)
        resources += [(doc["kind"], doc["metadata"]["name"])
                      for doc in yaml.safe_load_all((folder / name).read_text()) if doc]
    # `patches:` entries (path or inline patch, optional target); `patchesStrategicMerge:` (paths
    # or inline patches) in older kustomizations.
    patches = kustomization.get("patches", []) + [
        {"patch": p} if "\n" in p else {"path": p} for p in kustomization.get("patchesStrategicMerge", [])]
    for patch in patches:
        where = patch.get("path", "an inline patch")
        if "target" in patch:
            targets = [(patch["target"].get("kind"), patch["target"].get("name"))]
        else:
            text = (folder / patch["path"]).read_text() if "path" in patch else patch["patch"]
            targets = [(doc.get("kind"), (doc.get("metadata") or {}).get("name"))
                       for doc in yaml.safe_load_all(text) if isinstance(doc, dict)]
        for kind, name in targets:
            # A target's name may be a regular expression; a missing kind or name matches any.
            if not any((kind is None or kind == k) and (name is None or re.fullmatch(name, n))
                       for k, n in resources):
                errors.append(f"{folder / 'kustomization.yaml'}: {where} targets {kind}/{name}, "
                              "which is none of its resources")
    return files, resources

errors = []
files, _ = load(pathlib.Path(sys.argv[1]), errors)
if errors:
    sys.exit("\n".join(errors))
for path in files:
    print(path)
PY
  then
    echo "validate-k8s: $dir is NOT valid (file by file)" >&2
    exit 1
  fi
  mapfile -t files <"$work/files"
  how="file by file, patches not applied but their targets checked: neither kubectl nor kustomize is installed"
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
