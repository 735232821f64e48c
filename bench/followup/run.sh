#!/bin/bash
# Wall time of the whole `nuflare followup` run (issue 6: 4 evolutions × 25
# magnitudes in under 1 s) on the paper's OVERVIEW_FU.csv: process start,
# MPI start-up, reading the table, P_det and f90 for the CSV, the P_dist(z)
# grids and the Fig. 16–19 curves. Median of N runs (default 7) per case,
# with hyperfine when installed, else /usr/bin/time; wall and CPU (user +
# sys) medians, and the bare start-up (MPI_Init/Finalize, `nuflare --version`)
# for reference: on a loaded machine most of the wall time is MPI start-up.
# Exits 1 when a wall median reaches 1 s, 77 when the data are absent.
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
base=""
run_case() { # label args...
  local label=$1 t cpu
  shift
  if command -v hyperfine > /dev/null; then
    hyperfine -N --runs "$N" --warmup 1 --export-json "$TMP/h.json" "$BIN $*" > /dev/null
    read -r t cpu < <(/usr/bin/python3 -c 'import json,sys,statistics as s; r=json.load(open(sys.argv[1]))["results"][0]; print(r["median"], s.median(u+v for u,v in zip(r["user"] if isinstance(r["user"],list) else [r["user"]], r["system"] if isinstance(r["system"],list) else [r["system"]])))' "$TMP/h.json")
  else
    "$BIN" "$@" > /dev/null # warm-up (page cache)
    for _ in $(seq "$N"); do
      /usr/bin/time -f '%e %U %S' -o "$TMP/t" "$BIN" "$@" > /dev/null
      cat "$TMP/t"
    done > "$TMP/times"
    t=$(awk '{ print $1 }' "$TMP/times" | median)
    cpu=$(awk '{ print $2 + $3 }' "$TMP/times" | median)
  fi
  printf '%-30s wall %6.3f s  cpu %6.3f s%s\n' "$label" "$t" "$cpu" \
    "$(awk -v t="$t" -v b="${base:-0}" 'BEGIN { if (b > 0) printf "  (%+.3f s over start-up)", t - b }')"
  if [ -z "$base" ]; then base=$t; return; fi
  awk -v t="$t" 'BEGIN { exit !(t < 1) }' || { echo "  ** wall median over 1 s **"; status=1; }
}
echo "median of $N runs; $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
run_case "start-up only (--version)" --version
echo "nuflare followup, 4 evolutions x 25 magnitudes (-27..-15 step 0.5):"
run_case "exact (default)" followup --table "$FU"
run_case "stein2023 grid" followup --table "$FU" --grid stein2023
run_case "exact + archive (all curves)" followup --table "$FU" --output "$TMP/run.h5" --overwrite
run_case "stein2023 + archive" followup --table "$FU" --grid stein2023 --output "$TMP/run.h5" --overwrite
exit $status
