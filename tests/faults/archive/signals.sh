#!/usr/bin/env bash
# SIGTERM at several moments of a 2-rank campaign — as soon as the partial
# file exists (while its datasets are being created), and after checkpoints —
# and of a 1-rank run (one process without MPI, resumed on 2 ranks and
# without MPI): exit 75, one line, a partial file that --resume (on
# another rank count, or again without MPI) completes to the same stdout and
# archive as an uninterrupted run.
source "$(dirname "$0")/lib.sh"
need_h5py
n=40000
mkdir "$tmp/ref"
(cd "$tmp/ref" && nuflare_on 2 $(spatial_args run.h5 $n) >out.csv) || fail "reference run"

# The ranks of the run under test (cases run one at a time).
ranks_of() { pgrep -f "^$bin spatial --config $deck --trials $n --seed 7 --output run.h5" || true; }

interrupt() { # NAME NP DELAY RESUME_NP: signal DELAY seconds after the partial file appears
  local name=$1 np=$2 when=$3 resume_np=$4 dir=$tmp/$1
  mkdir "$dir"
  (cd "$dir" && nuflare_on "$np" $(spatial_args run.h5 $n) --checkpoint-seconds 0.05 \
    >"$dir/out1" 2>"$dir/err1") &
  local job=$!
  # The partial file exists once the signal handlers are in place; a signal
  # before that would end the run as any program, with no archive yet.
  for _ in $(seq 1 2000); do [[ -e $dir/run.h5.partial ]] && break; sleep 0.005; done
  sleep "$when"
  local ranks
  for _ in $(seq 1 200); do
    ranks=$(ranks_of)
    [[ -n $ranks ]] && break
    sleep 0.01
  done
  [[ -n $ranks ]] && kill -TERM $ranks 2>/dev/null
  wait $job
  local status=$?
  if [[ $status == 0 ]]; then
    echo "note: $name finished before the signal; nothing to resume"
    return
  fi
  expect_error "$name" 75 $status "$dir/err1" "rerun with --resume to continue"
  [[ ! -s $dir/out1 ]] || fail "$name: the interrupted run printed results"
  [[ -e $dir/run.h5.partial && ! -e $dir/run.h5 ]] || fail "$name: no partial archive left"
  (cd "$dir" && nuflare_on "$resume_np" $(spatial_args run.h5 $n) --resume \
    >"$dir/out2" 2>"$dir/err2") || fail "$name: resume failed: $(cat "$dir/err2")"
  cmp -s "$dir/out2" "$tmp/ref/out.csv" || fail "$name: resumed results differ"
  same_archive "$name" "$tmp/ref/run.h5" "$dir/run.h5"
}

interrupt at-creation 2 0 1
interrupt mid-run 2 0.3 2
interrupt one-rank 1 0 2
# One process without MPI throughout (docs/cli.md, "When nuflare starts MPI"):
# interrupted after checkpoints and resumed, never under a launcher.
interrupt no-mpi 1 0.3 1
finish "signals"
