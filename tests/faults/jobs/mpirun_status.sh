#!/usr/bin/env bash
# A job script interrupted under mpirun reports 75 and resumes to the same
# archive (jobs/README.md, "Exit statuses").
#
# jobs/sweep.sbatch, run by hand on 2 ranks with NUFLARE_LAUNCHER=mpirun,
# gets SIGTERM mid-campaign, as a Slurm batch shell does from
# `#SBATCH --signal=B:TERM@S`. It passes SIGTERM to mpirun; the ranks flush
# their checkpoint and exit 75, but mpirun itself, being signalled, ends with
# status 1. The script must report 75, leave NAME.h5.partial and no NAME.h5;
# run again it must resume and end with an archive equal to an uninterrupted
# 1-rank run's; run a third time it must leave the finished archive alone.
set -euo pipefail
src=${NUFLARE_SOURCE_DIR:?run by ctest (NUFLARE_SOURCE_DIR)}
export NUFLARE_BIN=${NUFLARE_BIN:?run by ctest (NUFLARE_BIN)}
py=/usr/bin/python3
command -v mpirun > /dev/null || { echo "SKIP: no mpirun"; exit 77; }
"$py" -c 'import h5py' 2> /dev/null || { echo "SKIP: $py has no h5py"; exit 77; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() {
  echo "FAIL: $*"
  for f in "$work"/*.log; do echo "--- $f"; cat "$f"; done
  exit 1
}
mkdir "$work/overlays"
# Enough trials that the campaign is still running after its first progress
# line (0.5-2 s on 2 ranks, depending on load); progress every 0.05 s tells us
# it is under way, long before the end.
printf '[scan]\ntrials = 40000\nprogress_seconds = 0.05\n' > "$work/overlays/a_long.ini"
# The archive records its --output: every run writes $work/run/a_long.h5.
sweep() { # RANKS LOG: jobs/sweep.sbatch by hand, in the background
  NUFLARE_REPO=$src NUFLARE_OUTPUT_DIR=$work/run NUFLARE_RANKS=$1 NUFLARE_LAUNCHER=mpirun NUFLARE_CHECKPOINT_SECONDS=0.5 \
    bash "$src/jobs/sweep.sbatch" scan "$src/inputs/demo/scan.ini" "$work/overlays" \
    > /dev/null 2> "$2" &
}

# Uninterrupted reference, 1 rank, moved aside.
sweep 1 "$work/ref.log"
wait $! || fail "the uninterrupted run failed"
mv "$work/run" "$work/ref"

# Interrupted: SIGTERM once the campaign reports progress.
sweep 2 "$work/run1.log"
pid=$!
until grep -q '^\[scan\] [0-9]*/40000' "$work/run1.log"; do
  kill -0 "$pid" 2> /dev/null || fail "the run ended before reporting progress"
  sleep 0.02
done
kill -TERM "$pid"
rc=0
wait "$pid" || rc=$?
((rc == 75)) || fail "interrupted run: status $rc, expected 75"
grep -q 'launcher: mpirun' "$work/run1.log" || fail "the run did not use mpirun"
grep -q 'interrupted after' "$work/run1.log" || fail "no 'interrupted after' line from nuflare"
grep -o 'interrupted after [0-9]* of [0-9]* trials' "$work/run1.log"
[[ -f $work/run/a_long.h5.partial ]] || fail "no checkpoint (a_long.h5.partial) left"
[[ ! -e $work/run/a_long.h5 ]] || fail "an interrupted run left a final archive"
if grep -q 'the launcher ended with status' "$work/run1.log"; then
  echo "mpirun ended with: $(grep -o 'the launcher ended with status [0-9]*' "$work/run1.log"); mapped to 75"
else
  echo "mpirun itself returned 75"
fi

# Resumed: same command, status 0, archive equal to the reference.
sweep 2 "$work/run2.log"
rc=0
wait $! || rc=$?
((rc == 0)) || fail "resumed run: status $rc"
grep -q 'resuming scan from' "$work/run2.log" || fail "the second run did not pass --resume"
[[ -f $work/run/a_long.h5 && ! -e $work/run/a_long.h5.partial ]] ||
  fail "after the resumed run: expected a_long.h5 and no .partial"
"$py" "$src/tests/regression/flares/compare_archives.py" "$work/ref/a_long.h5" \
  "$work/run/a_long.h5" > "$work/compare.log" || fail "resumed archive differs from the reference"
cat "$work/compare.log"
cmp -s "$work/ref/a_long.csv" "$work/run/a_long.csv" || fail "resumed stdout differs from the reference"

# Third run: the finished point is skipped, its archive untouched.
before=$(stat -c '%Y %s' "$work/run/a_long.h5")
sweep 2 "$work/run3.log"
wait $! || fail "a run over a finished sweep failed"
grep -q 'done already' "$work/run3.log" || fail "the finished point was not skipped"
[[ $(stat -c '%Y %s' "$work/run/a_long.h5") == "$before" ]] || fail "the finished archive was rewritten"
echo "PASS: interrupted -> 75 + .partial; resumed -> same archive; finished -> skipped"
