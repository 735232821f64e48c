#!/usr/bin/env bash
# Configures and builds nuflare in build/ (or $NUFLARE_BUILD_DIR), Release.
# Extra arguments go to CMake's configure step.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${NUFLARE_BUILD_DIR:-$here/build}
cmake -S "$here" -B "$build" -DCMAKE_BUILD_TYPE=Release "$@" >/dev/null
cmake --build "$build" -j "$(nproc)"
