#!/bin/sh
# CTest driver (label "astropy"): generates random Bayesian Blocks cases with
# astropy (Debian's /usr/bin/python3) and compares nuflare's edges with them.
# Exit 77 (skip) when /usr/bin/python3 has no astropy.
# Usage: run_astropy.sh CHECKER SCRIPT WORKDIR
set -eu
checker=$1 script=$2 workdir=$3
python=${NUFLARE_ASTROPY_PYTHON:-/usr/bin/python3}
if ! "$python" -c "import astropy.stats, numpy" 2>/dev/null; then
  echo "skipped: $python cannot import astropy"
  exit 77
fi
mkdir -p "$workdir"
cases=$workdir/astropy_blocks_cases.txt
# Regenerate only when the generator changed (the cases are deterministic).
if [ ! -s "$cases" ] || [ "$script" -nt "$cases" ]; then
  "$python" "$script" --out "$cases.tmp"
  mv "$cases.tmp" "$cases"
fi
exec "$checker" "$cases"
