#!/usr/bin/env bash
# The README's demo command: installs what is missing, builds, and runs the
# demo campaign (every analysis on the simulated data in inputs/demo/) on 2
# MPI ranks; archives, p-value tables and figures go to results/demo/ (or
# $NUFLARE_OUTPUT_DIR).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
"$here/tools/install-deps.sh"
NUFLARE_BUILD_DIR="$here/build" "$here/tools/build.sh"
export NUFLARE_BIN="$here/build/src/app/nuflare"
exec "$here/jobs/local.sh" "$@"
