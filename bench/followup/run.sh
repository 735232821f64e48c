#!/bin/bash
# Wall time of the whole `nuflare followup` run (issue 6: 4 evolutions × 25
# magnitudes in under 1 s) on the paper's OVERVIEW_FU.csv: process start,
# MPI start-up, reading the table, P_det and f90 for the CSV, the P_dist(z)
# grids and the Fig. 16–19 curves. Median of N runs (default 7) per case,
# with hyperfine when installed, else /usr/bin/time. Exits 1 when a median
# reaches 1 s, 77 when the data are absent.
#   bench/followup/run.sh [NUFLARE_BIN] [N]
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
BIN=${1:-${NUFLARE_BIN:-$HERE/../../build/src/app/nuflare}}
N=${2:-7}
SHARED=${NUFLARE_SHARED_DIR:-$HERE/../../../shared}
FU=$SHARED/data/nuztfpaper/followup_xlsx_as_csv/OVERVIEW_FU.csv
[ -f "$FU" ] || { echo "skip: $FU absent"; exit 77; }
[ -x "$BIN" ] || { echo "no executable $BIN (pass it as the first argument)"; exit 2; }
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

status=0
run_case() { # label args...
  local label=$1 t
  shift
  if command -v hyperfine > /dev/null; then
    hyperfine -N --runs "$N" --warmup 1 --export-json "$TMP/h.json" "$BIN $*" > /dev/null
    t=$(/usr/bin/python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["results"][0]["median"])' "$TMP/h.json")
  else
    "$BIN" "$@" > /dev/null # warm-up (page cache)
    for _ in $(seq "$N"); do
      /usr/bin/time -f '%e' -o "$TMP/t" "$BIN" "$@" > /dev/null
      cat "$TMP/t"
    done > "$TMP/times"
    t=$(median < "$TMP/times")
  fi
  printf '%-34s median %6.3f s over %d runs%s\n' "$label" "$t" "$N" \
    "$(awk -v t="$t" 'BEGIN { if (t >= 1) print "  ** over 1 s **" }')"
  awk -v t="$t" 'BEGIN { exit !(t < 1) }' || status=1
}
echo "nuflare followup, 4 evolutions x 25 magnitudes (-27..-15 step 0.5), $(nproc) cores"
run_case "exact (default)" followup --table "$FU"
run_case "stein2023 grid" followup --table "$FU" --grid stein2023
run_case "exact + archive (all curves)" followup --table "$FU" --output "$TMP/run.h5"
run_case "stein2023 + archive" followup --table "$FU" --grid stein2023 --output "$TMP/run.h5"
exit $status
