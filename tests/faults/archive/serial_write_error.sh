#!/usr/bin/env bash
# Usage: serial_write_error.sh LIBFAIL_WRITES.so
# Issue 15, item 1: outside a launcher `flares` and `followup` write their
# archive as one process without MPI (HDF5's default driver). A write that
# fails there (an I/O error, a quota checked only on write: the shim of
# fail_writes.cpp) must end the run as under MPI: exit 74, one line naming the
# file and the step, no crash while HDF5 shuts down (HDF5 1.10 cannot close a
# file whose flush failed), the partial archive left, no final file, no lock.
source "$(dirname "$0")/lib.sh"
shim=${1:?the fault-injection library}
flares=(flares --config "$src/inputs/demo/flares.ini")
followup=(followup --config "$src/inputs/demo/followup.ini")

case_() { # NAME FAIL_AFTER_BYTES PATTERN MODE CMD...   (MODE: serial | mpi)
  local name=$1 after=$2 pattern=$3 mode=$4
  shift 4
  local dir=$tmp/$name-$mode force=0
  [[ $mode == mpi ]] && force=1
  mkdir "$dir"
  (cd "$dir" && NUFLARE_DEBUG_MPI=1 NUFLARE_FORCE_MPI=$force LD_PRELOAD=$shim \
    FAIL_WRITES_AFTER=$after timeout 120 "$bin" "$@" --output run.h5 >out 2>err)
  local status=$?
  [[ $status != 124 ]] || fail "$name ($mode): hung (killed by timeout)"
  expect_error "$name ($mode)" 74 $status "$dir/err" "^nuflare: run.h5.partial: .*$pattern"
  local want="mpi: not initialised"
  [[ $mode == mpi ]] && want="mpi: initialised"
  [[ $(tail -n 1 "$dir/err") == "$want" ]] || fail "$name ($mode): expected '$want'"
  [[ -e $dir/run.h5.partial && ! -e $dir/run.h5 && ! -e $dir/run.h5.lock ]] ||
    fail "$name ($mode): expected only run.h5.partial, found: $(ls "$dir")"
}

for mode in serial mpi; do
  # The first flush (the root attributes), then the light curves' datasets.
  case_ flares-create 1000 "cannot flush" $mode "${flares[@]}"
  case_ flares-data 100000 "cannot write" $mode "${flares[@]}"
  case_ followup-create 1000 "cannot flush" $mode "${followup[@]}"
done
finish "serial write errors"
