#!/bin/sh
# A spatial sweep interrupted by SIGTERM (exit 75, RUN.h5.partial left) and
# resumed on 2 ranks gives the same table and trials as an uninterrupted run
# (TrialRunner's checkpoints, docs/methods.md "Sweeps").
. "${NUFLARE_SOURCE_DIR:?}/tests/regression/sweep/start.sh"
status=0
fail() { echo "FAIL $*"; status=1; }
ARGS="--test spatial --events $D/events/SIM01_exp.csv.xz $D/events/SIM02_exp.csv.xz
  --sources $D/catalog.csv --log10e-step 0.4 --axis angerr_scale:0.5,1 --axis group:TXS-like,CFS
  --trials 250000 --quiet"
"$BIN" sweep $ARGS --output ref.h5 > ref.txt || fail "reference run"
"$BIN" sweep $ARGS --checkpoint-seconds 0.05 --output run.h5 > out1.txt 2> err1.txt &
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
"$MPI" -n 2 "$BIN" sweep $ARGS --resume --output run.h5 > out2.txt 2> err2.txt ||
  { fail "resume"; cat err2.txt; }
cmp -s ref.txt out2.txt || { fail "resumed table differs"; diff ref.txt out2.txt | head; }
"$PY" - <<'PY' || fail "resumed trials differ"
import sys, h5py, numpy as np
a = h5py.File("ref.h5", "r")["/sweep/trials/statistic"][()]
b = h5py.File("run.h5", "r")["/sweep/trials/statistic"][()]
sys.exit(0 if np.array_equal(a, b) else 1)
PY
exit $status
