#!/usr/bin/env bash
# The demo campaign: every analysis on the simulated sky in inputs/demo/
# (flares, dcf, spatial, scan, temporal, simultaneity, followup, and the
# sensitivity of the spatial and time tests), on N MPI ranks.
# Archives, the printed p-value tables (CSV) and PNG figures go to
# results/demo/ (or $NUFLARE_OUTPUT_DIR). Called by jobs/demo.sbatch (Slurm)
# and jobs/local.sh (plain mpirun); not usually run directly.
#
# Environment: NUFLARE_BIN, NUFLARE_OUTPUT_DIR, NUFLARE_RANKS (default: the
# Slurm task count, else 2), NUFLARE_LAUNCHER, NUFLARE_CHECKPOINT_SECONDS,
# NUFLARE_RERUN (see jobs/README.md).
#
# Run again after an interruption (exit status 75; under Slurm the job
# requeues itself), it skips the analyses whose archive exists and resumes
# the interrupted one from its checkpoint.
set -euo pipefail
# shellcheck source=jobs/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
nuflare_trap_signals

repo=$(nuflare_repo)
NUFLARE_BIN=$(nuflare_find_bin)
bin=$NUFLARE_BIN
out=$(nuflare_output_dir demo)
ranks=${NUFLARE_RANKS:-${SLURM_NTASKS:-2}}
decks=$repo/inputs/demo
nuflare_launcher "$ranks"
nuflare_log "nuflare: $bin ($("$bin" --version 2>/dev/null || echo '?'))"
nuflare_log "decks: $decks  output: $out  ranks: $ranks${SLURM_RESTART_COUNT:+  restart: $SLURM_RESTART_COUNT}"

start=$(date +%s)
missing=()

# step NAME [options...]: runs `nuflare NAME --config inputs/demo/NAME.ini
# options... --output OUT/NAME.h5` (jobs/lib.sh: nuflare_run), keeps its
# stdout as OUT/NAME.csv and prints it. `step_as LABEL NAME [options...]`
# does the same with the deck, archive and table named LABEL. An interrupted
# step ends the script with status 75 (after requeueing a Slurm job); a
# failed one with its status.
step() { step_as "$1" "$@"; }
step_as() {
  local label=$1 name=$2
  shift 2
  if ! "$bin" "$name" --help > /dev/null 2>&1; then
    nuflare_log "SKIPPED $name: this nuflare build has no '$name' subcommand"
    missing+=("$name")
    return 0
  fi
  local t0=$SECONDS rc=0
  nuflare_run "$out/$label.h5" "$out/$label.csv" "$name" --config "$decks/$label.ini" "$@" ||
    rc=$?
  ((rc == NUFLARE_EXIT_INTERRUPTED)) && nuflare_resume_later
  if ((rc != 0)); then
    nuflare_log "$label failed (status $rc)"
    exit "$rc"
  fi
  echo
  echo "## $label  ($((SECONDS - t0)) s; archive $out/$label.h5)"
  # For people: the stored table with each column at its display precision
  # (the exact CSV stays in $out/$label.csv).
  "$bin" table --archive "$out/$label.h5" --analysis "$name" --format markdown 2>/dev/null ||
    { [[ -f $out/$label.csv ]] && cat "$out/$label.csv"; }
  return 0
}

step flares
step dcf
step spatial
step scan
step temporal
if [[ -s $out/flares.csv ]]; then
  step simultaneity --rho "$out/flares.csv"
else
  nuflare_log "SKIPPED simultaneity: it needs the flares table"
  missing+=(simultaneity)
fi
step followup
step sensitivity
step_as sensitivity_temporal sensitivity

# Figures (PNG) when Python has h5py and matplotlib; never fatal.
plots() {
  local fig=$out/figures py=/usr/bin/python3
  [[ -x $py ]] || py=python3
  if ! "$py" -c 'import h5py, matplotlib' 2> /dev/null; then
    nuflare_log "figures skipped: needs python3-h5py and python3-matplotlib"
    return 0
  fi
  mkdir -p "$fig"
  local t=$repo/tools
  [[ -f $out/spatial.h5 ]] && "$py" "$t/plot_spatial.py" "$out/spatial.h5" --out-dir "$fig"
  [[ -f $out/scan.h5 ]] && "$py" "$t/plot_temporal.py" scan "$out/scan.h5" "$fig/scan.png"
  [[ -f $out/temporal.h5 ]] && "$py" "$t/plot_temporal.py" rt "$out/temporal.h5" "$fig/temporal_rt.png"
  [[ -f $out/temporal.h5 ]] &&
    "$py" "$t/plot_temporal.py" pvalue "$out/temporal.h5" "$fig/temporal_pvalue.png"
  [[ -f $out/simultaneity.h5 ]] &&
    "$py" "$t/plot_temporal.py" rho "$out/simultaneity.h5" "$fig/simultaneity_rho.png"
  [[ -f $out/simultaneity.h5 ]] &&
    "$py" "$t/plot_temporal.py" simtrials "$out/simultaneity.h5" "$fig/simultaneity_trials.png"
  [[ -f $out/followup.h5 ]] && "$py" "$t/plot_followup.py" all "$out/followup.h5" "$fig"
  nuflare_log "figures: $fig"
}
plots || nuflare_log "some figures failed (the archives are complete)"

echo
echo "demo: $(find "$out" -maxdepth 1 -name "*.h5" | wc -l) archives in $out, $(($(date +%s) - start)) s on $ranks ranks"
if ((${#missing[@]})); then
  nuflare_log "not run (missing from this build): ${missing[*]}"
  [[ ${NUFLARE_DEMO_STRICT:-0} == 1 ]] && exit 1
fi
exit 0
