#!/usr/bin/env bash
# Combines a sweep's archives into one table with `nuflare table` (rows
# stacked under an `archive` column, plus the post-trial p across the sweep).
#
#   jobs/merge.sh [DIR] [ANALYSIS] [csv|markdown]
#
# ANALYSIS sweep: the archives are job-array tasks of one `nuflare sweep`
# (jobs/sweep.sbatch sweep DECK); their trials are merged and every p
# recomputed (`nuflare table --merge`): the exact post-trial p of one run
# with all the trials, plus a last line # merged: ... post_trial_p=...
#
# Defaults: results/sweep (or $NUFLARE_OUTPUT_DIR) spatial csv. The table is
# printed and saved as DIR/merged_<ANALYSIS>.<csv|md>.
set -euo pipefail
# shellcheck source=jobs/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

dir=${1:-${NUFLARE_OUTPUT_DIR:-$(nuflare_repo)/results/sweep}}
analysis=${2:-spatial}
format=${3:-csv}
bin=$(nuflare_find_bin)
mapfile -t archives < <(find "$dir" -maxdepth 1 -name '*.h5' | LC_ALL=C sort)
if ((${#archives[@]} == 0)); then
  nuflare_log "no archives (*.h5) in $dir"
  exit 2
fi
suffix=$([[ $format == markdown ]] && echo md || echo csv)
merged=$dir/merged_$analysis.$suffix
if [[ $analysis == sweep ]]; then
  "$bin" table --merge --table points --archive "${archives[@]}" --analysis sweep \
    --format "$format" > "$merged.tmp"
else
  "$bin" table --archive "${archives[@]}" --analysis "$analysis" --format "$format" > "$merged.tmp"
fi
mv "$merged.tmp" "$merged"
cat "$merged"
nuflare_log "${#archives[@]} archives -> $merged"
