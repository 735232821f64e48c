#!/usr/bin/env bash
# Usage: write_error.sh LIBFAIL_WRITES.so
# A write of per-trial rows fails although its disk space was reserved (an
# I/O error, a quota checked only on write), on 1 rank and on one rank of 2:
# every rank stops together within seconds with exit 74 and one line (no
# crash while HDF5 closes the file, no rank left waiting in a collective
# call), and the last checkpoint survives: --resume ends with the same stdout
# and archive. (Only writes of 8 kB and more fail: see fail_writes.cpp.)
source "$(dirname "$0")/lib.sh"
need_h5py
shim=${1:?the fault-injection library}
n=60000
mkdir "$tmp/ref"
(cd "$tmp/ref" && nuflare_on 2 $(spatial_args run.h5 $n) >out.csv) || fail "reference run"

case_() { # NAME NP FAILING_RANK
  local name=$1 np=$2 rank=$3 dir=$tmp/$1
  mkdir "$dir"
  local start=$(date +%s)
  if [[ $np == 1 ]]; then
    (cd "$dir" && LD_PRELOAD=$shim FAIL_WRITES_AFTER=100000 FAIL_WRITES_MIN_BYTES=8192 \
      FAIL_WRITES_RANK=$rank timeout 120 \
      "$bin" $(spatial_args run.h5 $n) --checkpoint-seconds 0.05 >out 2>err)
  else
    (cd "$dir" && timeout 120 "$mpiexec" -np "$np" --oversubscribe -x LD_PRELOAD="$shim" \
      -x FAIL_WRITES_AFTER=100000 -x FAIL_WRITES_MIN_BYTES=8192 -x FAIL_WRITES_RANK="$rank" \
      "$bin" $(spatial_args run.h5 $n) --checkpoint-seconds 0.05 >out 2>err)
  fi
  local status=$? elapsed=$(($(date +%s) - start))
  [[ $status != 124 ]] || fail "$name: hung (killed by timeout)"
  expect_error "$name" 74 $status "$dir/err" "run.h5.partial: /spatial/.*: cannot write rows"
  ((elapsed < 60)) || fail "$name: took $elapsed s to stop"
  [[ -e $dir/run.h5.partial && ! -e $dir/run.h5 ]] || fail "$name: the partial archive is gone"
  (cd "$dir" && nuflare_on 2 $(spatial_args run.h5 $n) --resume >out2 2>err2) ||
    fail "$name: resume failed: $(cat "$dir/err2")"
  cmp -s "$dir/out2" "$tmp/ref/out.csv" || fail "$name: resumed results differ"
  [[ -e $dir/run.h5 ]] && same_archive "$name" "$tmp/ref/run.h5" "$dir/run.h5"
}

case_ one-rank 1 0
case_ rank-1-of-2 2 1
finish "write errors"
