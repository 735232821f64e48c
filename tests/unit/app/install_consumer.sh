#!/usr/bin/env bash
# `cmake --install` puts the binary, the headers and the CMake package config
# in place, and another project builds against nuflare::nuflare with
# find_package(nuflare).
set -euo pipefail
build=${NUFLARE_BUILD_DIR:?}
src=${NUFLARE_SOURCE_DIR:?}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cmake --install "$build" --prefix "$tmp/prefix" >/dev/null
[[ -x $tmp/prefix/bin/nuflare ]]
[[ -f $tmp/prefix/include/nuflare/version.hpp ]]
"$tmp/prefix/bin/nuflare" --version
cmake -S "$src/tests/unit/app/consumer" -B "$tmp/consumer" -DCMAKE_PREFIX_PATH="$tmp/prefix" \
  -DCMAKE_BUILD_TYPE=Release >"$tmp/configure.log" 2>&1 || { cat "$tmp/configure.log"; exit 1; }
cmake --build "$tmp/consumer" >"$tmp/build.log" 2>&1 || { cat "$tmp/build.log"; exit 1; }
"$tmp/consumer/consumer"
