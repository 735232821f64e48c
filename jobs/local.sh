#!/usr/bin/env bash
# The demo campaign without Slurm: plain mpirun on this machine (2 ranks, or
# NUFLARE_RANKS). Output: results/demo/ or $NUFLARE_OUTPUT_DIR.
#   jobs/local.sh
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# Outside Slurm even when called from inside an allocation's shell.
unset SLURM_JOB_ID
export NUFLARE_RANKS=${NUFLARE_RANKS:-2}
export NUFLARE_REPO=${NUFLARE_REPO:-$(cd "$here/.." && pwd)}
exec "$here/run_demo.sh" "$@"
