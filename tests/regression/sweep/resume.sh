# The interrupt-and-resume check of the sweep script tests (POSIX sh, sourced
# after start.sh): TrialRunner's checkpoints (docs/methods.md "Sweeps").
#
#   interrupted_then_resumed COMPARE SWEEP_ARGS...
#
# runs `nuflare sweep SWEEP_ARGS` uninterrupted (ref.h5), then again with a
# checkpoint every 0.05 s, stopped by SIGTERM once RUN.h5.partial exists: exit
# 75, a message naming --resume, the partial archive left, nothing printed.
# Resumed on 2 ranks it must print the same table and store the same
# /sweep/trials/statistic, compared bit for bit (COMPARE = exact) or with NaN
# equal to NaN (COMPARE = nan-equal). A run that finishes before the signal
# has nothing to resume: the script then exits with its status so far.
interrupted_then_resumed() { # compare, then the sweep's arguments
  compare=$1
  shift
  "$BIN" sweep "$@" --output ref.h5 > ref.txt || fail "reference run"
  "$BIN" sweep "$@" --checkpoint-seconds 0.05 --output run.h5 > out1.txt 2> err1.txt &
  job=$!
  i=0
  while [ ! -e run.h5.partial ] && [ $i -lt 2000 ]; do sleep 0.005; i=$((i + 1)); done
  sleep 0.1
  kill -TERM $job 2> /dev/null
  wait $job
  rc=$?
  if [ $rc -eq 0 ]; then
    echo "note: the run finished before the signal; nothing to resume"
    exit $status
  fi
  [ $rc -eq 75 ] || fail "interrupted: exit $rc, expected 75"
  grep -q 'resume' err1.txt || { fail "interrupted: message lacks --resume"; cat err1.txt; }
  [ -e run.h5.partial ] && [ ! -e run.h5 ] || fail "interrupted: no partial archive left"
  [ -s out1.txt ] && fail "interrupted: printed results"
  "$MPI" -n 2 "$BIN" sweep "$@" --resume --output run.h5 > out2.txt 2> err2.txt ||
    { fail "resume"; cat err2.txt; }
  cmp -s ref.txt out2.txt || { fail "resumed table differs"; diff ref.txt out2.txt | head; }
  "$PY" - "$compare" <<'PY' || fail "resumed trials differ"
import sys, h5py, numpy as np
a = h5py.File("ref.h5", "r")["/sweep/trials/statistic"][()]
b = h5py.File("run.h5", "r")["/sweep/trials/statistic"][()]
sys.exit(0 if np.array_equal(a, b, equal_nan=sys.argv[1] == "nan-equal") else 1)
PY
}
