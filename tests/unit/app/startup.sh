#!/usr/bin/env bash
# Issue 15, item 1: nuflare starts MPI only under a launcher
# (docs/cli.md, "When nuflare starts MPI"). NUFLARE_DEBUG_MPI=1 makes nuflare
# say on stderr, as it exits, whether it initialised MPI. Outside a launcher
# no run does — --help, --version, errors, and every subcommand, the trial
# campaigns included; under mpiexec and with NUFLARE_FORCE_MPI=1 every run does.
set -uo pipefail
bin=${NUFLARE_BIN:?}
src=${NUFLARE_SOURCE_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)}
demo=$src/inputs/demo
mpiexec=${MPIEXEC:-mpiexec}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp" || exit 1
fails=0
# A shell inside a launcher's job must not make these runs look launched.
unset OMPI_COMM_WORLD_SIZE PMIX_RANK PMI_RANK PMI_SIZE NUFLARE_FORCE_MPI

expect() { # expect NAME STATUS MPI_STATE CMD...  (MPI_STATE: initialised | not initialised)
  local name=$1 want=$2 state=$3
  shift 3
  NUFLARE_DEBUG_MPI=1 "$@" >out.txt 2>err.txt
  local got=$?
  if [[ $got != "$want" ]]; then
    echo "FAIL $name: exit $got, expected $want; stderr: $(cat err.txt)"
    fails=$((fails + 1))
  fi
  # The last word on MPI (mpiexec may add its own report after an error).
  if [[ $(grep '^mpi: ' err.txt | tail -n 1) != "mpi: $state" ]]; then
    echo "FAIL $name: expected 'mpi: $state' on stderr, got: $(cat err.txt)"
    fails=$((fails + 1))
  fi
}

awk 'BEGIN { print "t,x,sigma"; for (i = 0; i < 1000; ++i) printf "%d,%d,0.1\n", i, (i >= 400 && i < 600) ? 3 : 1 }' \
  >lc.csv
expect version 0 "not initialised" "$bin" --version
expect help 0 "not initialised" "$bin" --help
expect no-arguments 2 "not initialised" "$bin"
expect unknown-subcommand 2 "not initialised" "$bin" frobnicate
grep -q 'unknown subcommand "frobnicate"' err.txt || { echo "FAIL unknown-subcommand: $(cat err.txt)"; fails=$((fails + 1)); }
expect blocks 0 "not initialised" "$bin" blocks --input lc.csv
grep -q '399.5' out.txt ||
  { echo "FAIL blocks: no edge at 399.5: $(cat out.txt)"; fails=$((fails + 1)); }
expect blocks-bad-input 2 "not initialised" "$bin" blocks --input missing.csv
expect followup 0 "not initialised" "$bin" followup --config "$demo/followup.ini" --output f.h5
[[ -s f.h5 && ! -e f.h5.partial && ! -e f.h5.lock ]] ||
  { echo "FAIL followup: no f.h5, or partial/lock left: $(ls)"; fails=$((fails + 1)); }
expect followup-exists 2 "not initialised" "$bin" followup --config "$demo/followup.ini" --output f.h5
expect table 0 "not initialised" "$bin" table --archive f.h5 --analysis followup
[[ -s out.txt ]] || { echo "FAIL table: nothing printed"; fails=$((fails + 1)); }
printf '[simulate]\nseed = 5\nevents.per_season = 300\nalerts.count = 6\ncatalog.count = 15\n' >sky.ini
expect simulate 0 "not initialised" "$bin" simulate --config sky.ini --output sky
[[ -s sky/catalog.csv && ! -e sky.lock ]] || { echo "FAIL simulate: $(ls sky)"; fails=$((fails + 1)); }
expect dcf 0 "not initialised" "$bin" dcf --config "$demo/dcf.ini" --output d.h5
[[ -s d.h5 && ! -e d.h5.partial ]] || { echo "FAIL dcf: no d.h5, or partial left: $(ls)"; fails=$((fails + 1)); }
expect campaign-help 0 "not initialised" "$bin" spatial --help

# Every subcommand, once outside a launcher (no MPI) and once under mpiexec
# (MPI), on the demo inputs with few trials; the trial campaigns write their
# archive either way.
printf 'sim,alert,mjd\n' >empty_overview.csv
run_each() { # run_each NAME STATUS ARCHIVE ARGS...: outside a launcher, then under mpiexec -np 1
  local name=$1 status=$2 archive=$3
  shift 3
  local mode
  for mode in none mpiexec; do
    local state="not initialised" launcher=() args=("$@")
    [[ $mode == mpiexec ]] && state=initialised launcher=("$mpiexec" -np 1)
    [[ $archive == yes ]] && args+=(--output "$name-$mode.h5")
    expect "$name ($mode)" "$status" "$state" "${launcher[@]}" "$bin" "$name" "${args[@]}"
    if [[ $archive == yes && ! -s $name-$mode.h5 ]]; then
      echo "FAIL $name ($mode): no archive: $(cat err.txt)"
      fails=$((fails + 1))
    fi
  done
}
run_each blocks 0 no --input lc.csv
run_each flares 0 yes --config "$demo/flares.ini"
cp out.txt rho.csv # the per-source ratios that simultaneity reads
run_each dcf 0 yes --config "$demo/dcf.ini"
run_each spatial 0 yes --config "$demo/spatial.ini" --trials 20 --quiet
run_each temporal 0 yes --config "$demo/temporal.ini" --trials 20 --quiet
run_each scan 0 yes --config "$demo/scan.ini" --trials 20 --quiet
run_each sweep 0 yes --config "$demo/sweep.ini" --trials 20 --quiet
run_each simultaneity 0 yes --config "$demo/simultaneity.ini" --rho rho.csv --trials 20 --quiet
run_each sensitivity 0 yes --config "$demo/sensitivity.ini" --trials 20 --signal-trials 5 \
  --strengths 0,40 --quiet
run_each followup 0 yes --config "$demo/followup.ini"
# The ZTF paper's follow-up overview when the shared data is there; otherwise
# an input error, found by the subcommand itself.
overview=${NUFLARE_SHARED_DIR:-/nonexistent}/data/nuztfpaper/followup_xlsx_as_csv/OVERVIEW_FU.csv
if [[ -s $overview ]]; then
  run_each candidates 0 yes --overview "$overview"
else
  run_each candidates 2 no --overview empty_overview.csv
fi
run_each help-tables 0 no
run_each table 0 no --archive f.h5 --analysis followup
# Under a launcher, and when forced, every subcommand starts MPI as before.
expect mpiexec-version 0 "initialised" "$mpiexec" -np 1 "$bin" --version
expect mpiexec-blocks 0 "initialised" "$mpiexec" -np 1 "$bin" blocks --input lc.csv
expect forced-version 0 "initialised" env NUFLARE_FORCE_MPI=1 "$bin" --version
expect forced-error 2 "initialised" env NUFLARE_FORCE_MPI=1 "$bin" frobnicate
# Forced outside a launcher, nuflare is a singleton without daemon whose Open
# MPI session directory is its own, under $TMPDIR, and removed at the end.
mkdir sessions
expect forced-spatial 0 "initialised" env NUFLARE_FORCE_MPI=1 TMPDIR="$tmp/sessions" "$bin" \
  spatial --config "$demo/spatial.ini" --trials 20 --quiet --output forced.h5
[[ -s forced.h5 ]] || { echo "FAIL forced-spatial: no forced.h5"; fails=$((fails + 1)); }
[[ -z $(ls sessions) ]] || { echo "FAIL forced-spatial: left $(ls sessions)"; fails=$((fails + 1)); }

if ((fails > 0)); then
  echo "$fails check(s) failed"
  exit 1
fi
echo "startup: MPI initialised only where needed"
