#!/usr/bin/env bash
# Configures and builds nuflare in build/ (or $NUFLARE_BUILD_DIR), Release.
# Extra arguments go to CMake's configure step. The compiler's output goes to
# <build>/build.log and is shown only when the build fails.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${NUFLARE_BUILD_DIR:-$here/build}
mkdir -p "$build"
echo "building nuflare in $build (log: $build/build.log)" >&2
if ! { cmake -S "$here" -B "$build" -DCMAKE_BUILD_TYPE=Release "$@" &&
       cmake --build "$build" -j "$(nproc)"; } >"$build/build.log" 2>&1; then
  tail -n 60 "$build/build.log" >&2
  echo "build failed; full log: $build/build.log" >&2
  exit 1
fi
