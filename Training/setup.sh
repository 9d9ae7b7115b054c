#!/usr/bin/env bash
# Creates Training/.venv and installs what the training and export scripts need: PyTorch,
# NumPy and safetensors. Idempotent and quick when everything is already installed.
# The Fashion-MNIST files come from the Debian package dataset-fashion-mnist (scripts/setup.sh
# installs it; this script installs it too when it is missing).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
venv="$here/.venv"

requirements=(
  "torch>=2.4"
  "numpy>=1.26"
  "safetensors>=0.4"
)

if ! dpkg -s dataset-fashion-mnist >/dev/null 2>&1; then
  echo "Training/setup.sh: installing dataset-fashion-mnist" >&2
  sudo_cmd=()
  [ "$(id -u)" -ne 0 ] && sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends dataset-fashion-mnist >/dev/null
fi

if [ ! -x "$venv/bin/python" ]; then
  echo "Training/setup.sh: creating $venv" >&2
  python3 -m venv "$venv"
fi

# Skip pip entirely when the pinned-at-least versions are already importable.
if "$venv/bin/python" - "${requirements[@]}" <<'PY' 2>/dev/null; then
import sys
from importlib.metadata import version
from packaging.requirements import Requirement
for spec in sys.argv[1:]:
    requirement = Requirement(spec)
    if not requirement.specifier.contains(version(requirement.name), prereleases=True):
        sys.exit(1)
PY
  echo "Training/setup.sh: torch, numpy, safetensors present" >&2
else
  echo "Training/setup.sh: installing ${requirements[*]}" >&2
  "$venv/bin/python" -m pip install --quiet --upgrade pip packaging
  "$venv/bin/python" -m pip install --quiet "${requirements[@]}"
fi

"$venv/bin/python" -c 'import torch, numpy, safetensors; print("torch", torch.__version__, "numpy", numpy.__version__, "safetensors", safetensors.__version__)'
