#!/bin/sh
# A sweep interrupted by SIGTERM (exit 75, RUN.h5.partial left) and resumed
# on another rank count gives the same table and trials as an uninterrupted
# run (TrialRunner's checkpoints, docs/methods.md "Sweeps").
. "${NUFLARE_SOURCE_DIR:?}/tests/regression/sweep/start.sh"
. "$SRC/tests/regression/sweep/resume.sh"
# The scan statistic may be NaN (a point without pairs): NaN equals NaN.
interrupted_then_resumed nan-equal --config $SRC/inputs/demo/sweep.ini --trials 20000 --quiet
exit $status
