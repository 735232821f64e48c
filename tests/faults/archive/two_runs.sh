#!/usr/bin/env bash
# Two runs with the same --output at once: whichever way they end (one
# refused at the start, or the first refused at its end because the second
# replaced its partial file), RUN.h5 is whole — it equals an uninterrupted
# run's archive — no partial file is left, and a refused run says why in one line.
source "$(dirname "$0")/lib.sh"
need_h5py
n=60000
mkdir "$tmp/ref" "$tmp/w"
(cd "$tmp/ref" && nuflare_on 1 $(spatial_args run.h5 $n) >out.csv) || fail "reference run"

(cd "$tmp/w" && nuflare_within 120 1 $(spatial_args run.h5 $n) >out_a 2>err_a) &
first=$!
for _ in $(seq 1 1000); do [[ -e $tmp/w/run.h5.partial ]] && break; sleep 0.005; done
sleep 0.2
(cd "$tmp/w" && nuflare_within 120 1 $(spatial_args run.h5 $n) >out_b 2>err_b) &
second=$!
wait $first
status_a=$?
wait $second
status_b=$?
echo "first run: exit $status_a, second: exit $status_b"
[[ $status_a == 0 || $status_b == 0 ]] || fail "neither run finished: $(cat "$tmp/w/err_a" "$tmp/w/err_b")"
for run in a b; do
  status=status_$run
  if [[ ${!status} != 0 ]]; then
    [[ ${!status} != 124 ]] || fail "run $run hung"
    [[ $(grep -c '^nuflare: ' "$tmp/w/err_$run") == 1 ]] ||
      fail "run $run: not one line: $(cat "$tmp/w/err_$run")"
    [[ ! -s $tmp/w/out_$run ]] || fail "run $run: refused but printed results"
  else
    cmp -s "$tmp/w/out_$run" "$tmp/ref/out.csv" || fail "run $run: other results"
  fi
done
if [[ $status_a == 74 ]]; then
  grep -q "replaced by another run writing the same --output" "$tmp/w/err_a" ||
    fail "first run: $(cat "$tmp/w/err_a")"
fi
[[ -e $tmp/w/run.h5 ]] && same_archive "RUN.h5" "$tmp/ref/run.h5" "$tmp/w/run.h5"
[[ ! -e $tmp/w/run.h5.partial ]] || fail "a partial file is left"
finish "two runs, one output"
