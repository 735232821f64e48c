#!/usr/bin/env bash
# Installs the Debian (bookworm) packages nuflare needs to build, test, run
# its demo, draw its figures and build the Python module (pybind11).
# Idempotent: quiet when all are present.
# Usage: tools/install-deps.sh [--slurm]   (--slurm adds slurm-wlm and munge)
set -euo pipefail

packages=(
  build-essential cmake pkg-config git xz-utils
  libopenmpi-dev openmpi-bin
  libhdf5-openmpi-dev hdf5-tools
  libboost-program-options-dev libboost-dev
  libeigen3-dev catch2 librandom123-dev libcfitsio-dev liblzma-dev zlib1g-dev
  libbenchmark-dev
  python3 python3-numpy python3-scipy python3-h5py python3-matplotlib python3-astropy
  pybind11-dev python3-dev python3-pandas
)
if [[ "${1:-}" == "--slurm" ]]; then
  packages+=(slurm-wlm munge)
fi

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
if ((${#missing[@]} == 0)); then
  exit 0
fi

echo "install-deps: installing ${missing[*]}" >&2
sudo=""
if [[ $(id -u) -ne 0 ]]; then
  sudo="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
