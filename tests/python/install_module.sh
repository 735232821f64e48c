#!/usr/bin/env bash
# `cmake --install` puts the Python package nuflare into PREFIX/$NUFLARE_PYTHON_INSTALL_DIR,
# and the interpreter imports it from there alone (no build tree on the path)
# and computes with it (docs/python.md, "Building and importing").
set -euo pipefail
build=${NUFLARE_BUILD_DIR:?}
python=${NUFLARE_PYTHON:?}
site=${NUFLARE_PYTHON_INSTALL_DIR:?}
if ! "$python" -c "import numpy" 2>/dev/null; then
  echo "skipped: $python cannot import numpy"
  exit 77
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cmake --install "$build" --prefix "$tmp/prefix" >"$tmp/install.log" || { cat "$tmp/install.log"; exit 1; }
package=$tmp/prefix/$site/nuflare
ls "$package"/__init__.py "$package"/_nuflare*.so >/dev/null
cd "$tmp"
env -u PYTHONPATH PYTHONPATH="$tmp/prefix/$site" PYTHONNOUSERSITE=1 "$python" - "$package" <<'PY'
import os, sys
import nuflare
package = sys.argv[1]
assert os.path.dirname(os.path.realpath(nuflare.__file__)) == os.path.realpath(package), nuflare.__file__
assert os.path.realpath(nuflare._nuflare.__file__).startswith(os.path.realpath(package))
edges = nuflare.bayesian_blocks([0, 1, 2], [1, 5, 1], 0.1, fitness="measures")
assert edges.tolist() == [0, 0.5, 1.5, 2], edges
print("installed nuflare", nuflare.__version__, "from", package, "edges", edges.tolist())
PY
