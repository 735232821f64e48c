#!/usr/bin/env bash
# The statuses of one job step (jobs/lib.sh: nuflare_run, nuflare_resume_later;
# jobs/README.md, "Exit statuses"), with a fake nuflare and fake launchers so
# that every case is exact and quick:
#   - a launcher that, like a signalled mpirun, reports 1 after passing the
#     job's SIGTERM on: 75, and the next run passes --resume;
#   - a launcher signalled before any rank started: 75, next run starts afresh;
#   - bad input (2) stays 2 even after a signal;
#   - a finished archive is not run again (NUFLARE_RERUN=1 redoes it, except
#     in a requeued run); a .partial is never removed;
#   - campaigns get --checkpoint-seconds; other subcommands do not;
#   - after a signal between steps no further step starts;
#   - nuflare_resume_later requeues a Slurm job and exits 75.
set -euo pipefail
src=${NUFLARE_SOURCE_DIR:?run by ctest (NUFLARE_SOURCE_DIR)}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fake=$work/bin
mkdir "$fake" "$work/out"
fail() {
  echo "FAIL: $*"
  for f in "$work"/*.log; do [[ -f $f ]] && { echo "--- $f"; cat "$f"; }; done
  exit 1
}

# nuflare: "camp" is a campaign (its --help lists --checkpoint-seconds),
# "plain" is not. A run logs its arguments, then as $FAKE_NUFLARE says:
# finish (writes the archive), wait (writes ARCHIVE.partial, then on SIGTERM
# exits 75, like a flushed campaign), bad (on SIGTERM exits 2) or killed
# (writes ARCHIVE.partial and dies of SIGTERM, like a subcommand without a
# checkpoint).
cat > "$fake/nuflare" << 'SH'
#!/usr/bin/env bash
sub=$1
shift
if [[ ${1:-} == --help ]]; then
  [[ $sub == camp ]] && echo "  --checkpoint-seconds arg"
  exit 0
fi
out=
for ((i = 1; i < $#; i++)); do [[ ${!i} == --output ]] && { j=$((i + 1)); out=${!j}; }; done
echo "$sub $*" >> "$FAKE_DIR/nuflare.log"
case $FAKE_NUFLARE in
  finish) : > "$out"; echo "a,table" ;;
  killed)
    : > "$out.partial"
    : > "$FAKE_DIR/running"
    exec sleep 60
    ;;
  wait | bad)
    status=$([[ $FAKE_NUFLARE == wait ]] && echo 75 || echo 2)
    : > "$out.partial"
    trap 'kill $sleeper; exit $status' TERM
    sleep 60 & sleeper=$!
    : > "$FAKE_DIR/running"
    wait
    ;;
esac
SH
# launcher: passes SIGTERM on and reports 1 whatever the rank returned (as a
# signalled mpirun does); with FAKE_LAUNCH=stuck it is signalled before it
# started any rank, with FAKE_LAUNCH=exec it is the rank (as srun reports it).
cat > "$fake/launch" << 'SH'
#!/usr/bin/env bash
[[ ${FAKE_LAUNCH:-} == exec ]] && exec "$@"
if [[ ${FAKE_LAUNCH:-} == stuck ]]; then
  trap 'kill $sleeper; exit 1' TERM
  sleep 60 & sleeper=$!
  : > "$FAKE_DIR/running"
  wait
fi
"$@" & rank=$!
trap 'kill -TERM $rank; wait $rank; exit 1' TERM
wait $rank
SH
cat > "$fake/scontrol" << 'SH'
#!/usr/bin/env bash
echo "scontrol $*" >> "$FAKE_DIR/scontrol.log"
[[ ${FAKE_REQUEUE:-ok} == ok ]] || { echo "scontrol: error: Requested operation is presently disabled" >&2; exit 1; }
SH
chmod +x "$fake"/*

# step SUBCOMMAND [VAR=VALUE...]: one nuflare_run of SUBCOMMAND into
# $work/out/a.h5 in a fresh job-script shell (traps installed), in the
# background; STEP is its pid, its log $work/step.log.
step() {
  local sub=$1
  shift
  rm -f "$work/running"
  # shellcheck disable=SC2016 # expanded by the inner shell
  env PATH="$fake:$PATH" FAKE_DIR="$work" NUFLARE_BIN="$fake/nuflare" \
    NUFLARE_LAUNCHER="$fake/launch" FAKE_NUFLARE=finish "$@" bash -c '
      source "$1/jobs/lib.sh"
      nuflare_trap_signals
      nuflare_launcher 2 2> /dev/null
      rc=0
      nuflare_run "$2/out/a.h5" "$2/out/a.csv" "$3" --config deck.ini || rc=$?
      echo "status $rc"
      exit "$rc"' _ "$src" "$work" "$sub" > "$work/step.out" 2> "$work/step.log" &
  STEP=$!
}
finished() { # rc: the status of the step in the background
  rc=0
  wait "$STEP" || rc=$?
}
interrupt() { # SIGTERM to the job script once its step runs; rc: its status
  until [[ -f $work/running ]]; do
    kill -0 "$STEP" 2> /dev/null || fail "the step ended before it ran"
    sleep 0.02
  done
  kill -TERM "$STEP"
  finished
}
last_run() { tail -n 1 "$work/nuflare.log"; }

# 1. A launcher that reports 1 after the forwarded SIGTERM: 75.
step camp FAKE_NUFLARE=wait
interrupt
[[ $rc == 75 ]] || fail "1: status $rc, expected 75"
grep -q 'camp ended with status 1 after SIGTERM: interrupted (75); its next run resumes from' \
  "$work/step.log" || fail "1: no message about the mapped status"
[[ -f $work/out/a.h5.partial ]] || fail "1: the checkpoint is gone"
[[ $(last_run) == "camp --config deck.ini --checkpoint-seconds 300 --output $work/out/a.h5" ]] ||
  fail "1: ran '$(last_run)'"
echo "ok: launcher status 1 after SIGTERM -> 75, checkpoint kept"

# ... and the next run resumes; NUFLARE_CHECKPOINT_SECONDS is passed on.
step camp NUFLARE_CHECKPOINT_SECONDS=7.5
finished
[[ $rc == 0 ]] || fail "1b: status $rc"
[[ $(last_run) == "camp --config deck.ini --checkpoint-seconds 7.5 --resume --output $work/out/a.h5" ]] ||
  fail "1b: ran '$(last_run)'"
echo "ok: next run -> --checkpoint-seconds 7.5 --resume"

# 2. The archive exists: nothing runs, nothing is removed.
n=$(wc -l < "$work/nuflare.log")
step camp
finished
[[ $rc == 0 && $(wc -l < "$work/nuflare.log") == "$n" ]] || fail "2: a finished step ran again"
grep -q 'done already' "$work/step.log" || fail "2: no 'done already' message"
[[ -f $work/out/a.h5.partial ]] || fail "2: a .partial was removed"
step camp SLURM_RESTART_COUNT=1 NUFLARE_RERUN=1
finished
[[ $rc == 0 && $(wc -l < "$work/nuflare.log") == "$n" ]] || fail "2: a requeued run redid a finished step"
step camp NUFLARE_RERUN=1
finished
[[ $rc == 0 && $(wc -l < "$work/nuflare.log") == $((n + 1)) ]] || fail "2: NUFLARE_RERUN=1 did not redo it"
[[ -f $work/out/a.h5.partial ]] || fail "2: NUFLARE_RERUN=1 removed a .partial"
echo "ok: finished archive skipped; NUFLARE_RERUN=1 redoes it (not in a requeued run)"
rm -f "$work"/out/*

# 3. Signalled before any rank ran: 75, and nothing to resume.
step camp FAKE_LAUNCH=stuck
interrupt
[[ $rc == 75 ]] || fail "3: status $rc, expected 75"
grep -q 'no checkpoint yet, its next run starts afresh' "$work/step.log" || fail "3: no message"
echo "ok: launcher signalled before the ranks -> 75 (starts afresh)"

# 4. Bad input stays bad input.
step camp FAKE_NUFLARE=bad FAKE_LAUNCH=exec
interrupt
[[ $rc == 2 ]] || fail "4: status $rc, expected 2"
echo "ok: status 2 after a signal stays 2"

# 5. A subcommand that is no campaign gets neither option, even beside a .partial.
: > "$work/out/b.h5.partial"
step plain
finished
[[ $rc == 0 ]] || fail "5: status $rc"
[[ $(last_run) == "plain --config deck.ini --output $work/out/a.h5" ]] || fail "5: ran '$(last_run)'"
echo "ok: no campaign options for a subcommand that is not a campaign"

# 5b. ... and its own partial archive, killed by the signal, is removed (it
# would block the rerun); one that was there before it started is kept.
rm -f "$work"/out/*
step plain FAKE_NUFLARE=killed FAKE_LAUNCH=exec
interrupt
[[ $rc == 75 ]] || fail "5b: status $rc, expected 75"
[[ ! -e $work/out/a.h5.partial ]] || fail "5b: the step's own unresumable .partial was left"
grep -q 'removing .*a.h5.partial: plain is not a trial campaign' "$work/step.log" || fail "5b: no message"
: > "$work/out/a.h5.partial"
step plain FAKE_NUFLARE=killed FAKE_LAUNCH=exec
interrupt
[[ $rc == 75 && -e $work/out/a.h5.partial ]] || fail "5b: status $rc, or an older .partial was removed"
echo "ok: an interrupted non-campaign step removes only its own .partial"

# 6. A bad NUFLARE_CHECKPOINT_SECONDS is refused before anything runs.
rm -f "$work"/out/*
n=$(wc -l < "$work/nuflare.log")
step camp NUFLARE_CHECKPOINT_SECONDS=5min
finished
[[ $rc == 2 && $(wc -l < "$work/nuflare.log") == "$n" ]] || fail "6: status $rc or it ran"
grep -q 'NUFLARE_CHECKPOINT_SECONDS=5min is not a number of seconds' "$work/step.log" ||
  fail "6: no message"
echo "ok: NUFLARE_CHECKPOINT_SECONDS=5min -> 2, nothing run"

# 7. A signal between steps: the next step does not start.
# shellcheck disable=SC2016 # expanded by the inner shell
env PATH="$fake:$PATH" FAKE_DIR="$work" NUFLARE_BIN="$fake/nuflare" bash -c '
  source "$1/jobs/lib.sh"
  nuflare_trap_signals
  kill -TERM $$
  rc=0
  nuflare_run "$2/out/a.h5" "$2/out/a.csv" camp || rc=$?
  exit "$rc"' _ "$src" "$work" 2> "$work/between.log" && rc=0 || rc=$?
[[ $rc == 75 && $(wc -l < "$work/nuflare.log") == "$n" ]] || fail "7: status $rc or a step ran"
echo "ok: signal between steps -> 75, no new step"

# 8. nuflare_resume_later: requeue inside Slurm, 75 either way.
for requeue in ok disabled; do
  rm -f "$work/scontrol.log"
  # shellcheck disable=SC2016 # expanded by the inner shell
  env PATH="$fake:$PATH" FAKE_DIR="$work" SLURM_JOB_ID=4242 FAKE_REQUEUE=$requeue bash -c '
    source "$1/jobs/lib.sh"; nuflare_resume_later' _ "$src" 2> "$work/requeue.log" && rc=0 || rc=$?
  [[ $rc == 75 ]] || fail "8 ($requeue): status $rc"
  grep -qx 'scontrol requeue 4242' "$work/scontrol.log" || fail "8 ($requeue): no scontrol requeue 4242"
done
grep -q 'could not requeue job 4242 (scontrol: error: Requested operation is presently disabled)' \
  "$work/requeue.log" || fail "8: no message when requeueing is refused"
echo "ok: nuflare_resume_later -> scontrol requeue, exit 75"
echo "PASS"
