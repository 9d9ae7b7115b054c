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
