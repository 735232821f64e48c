#!/bin/sh
# A spatial sweep interrupted by SIGTERM (exit 75, RUN.h5.partial left) and
# resumed on 2 ranks gives the same table and trials as an uninterrupted run
# (TrialRunner's checkpoints, docs/methods.md "Sweeps").
. "${NUFLARE_SOURCE_DIR:?}/tests/regression/sweep/start.sh"
. "$SRC/tests/regression/sweep/resume.sh"
interrupted_then_resumed exact --test spatial --events $D/events/SIM01_exp.csv.xz $D/events/SIM02_exp.csv.xz \
  --sources $D/catalog.csv --log10e-step 0.4 --axis angerr_scale:0.5,1 --axis group:TXS-like,CFS \
  --trials 250000 --quiet
exit $status
