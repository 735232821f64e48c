#!/usr/bin/env bash
# nuflare flares reads a plain long CSV in 2 MiB parts, one part per rank in
# turn (docs/scaling.md, "Read once per job"). The demo sky's light curves
# (3.6 MB uncompressed: two parts) give the same stdout and archive tables at
# 1, 2 and 4 ranks as the compressed file, which is read as one part. A bad
# flux on line 50 000 — in the second part, which rank 1 reads — stops every
# rank: exit status 2, the one line the serial reader writes (the same at
# every rank count), nothing on stdout, no archive.
command -v xz >/dev/null || { echo "skipped: xz not installed"; exit 77; }
. "${NUFLARE_SOURCE_DIR:?}/tests/support/script_test.sh"
set +e # the cases read the exit statuses themselves
. "$src/tests/support/cases.sh"
D=$src/inputs/demo/data
export NUFLARE_CACHE_DIR=off

xz -dc "$D/lightcurves.csv.xz" >lc.csv
awk -F, -v OFS=, 'NR == 50000 { $4 = "1.0e" } 1' lc.csv >bad.csv
(($(stat -c %s lc.csv) > 2 * 1048576)) || { fail setup "lc.csv is one part only"; finish; }

flares=(flares --sources "$D/catalog.csv")
"$bin" "${flares[@]}" --lightcurves "$D/lightcurves.csv.xz" --output xz.h5 >xz.out 2>xz.err ||
  fail "xz" "exit $?: $(cat xz.err)"
"$bin" table --archive xz.h5 --analysis flares >xz.table 2>&1 || fail "xz table" "$(cat xz.table)"
for np in 1 2 4; do
  rm -f run.h5
  timeout 120 "$mpiexec" -np "$np" --oversubscribe "$bin" "${flares[@]}" --lightcurves lc.csv \
    --output run.h5 >np$np.out 2>np$np.err
  got=$?
  if [[ $got != 0 ]]; then
    fail "good np$np" "exit $got: $(cat np$np.err)"
  elif ! cmp -s np$np.out xz.out; then
    fail "good np$np" "stdout differs from the compressed file's: $(diff np$np.out xz.out | head -3)"
  elif ! "$bin" table --archive run.h5 --analysis flares >np$np.table 2>&1 ||
    ! cmp -s np$np.table xz.table; then
    fail "good np$np" "archive table differs: $(diff np$np.table xz.table | head -3)"
  else
    echo "ok good np$np: $(wc -l <np$np.out) lines, as the compressed file"
  fi
done

want="nuflare: bad.csv:50000: column 4 (flux): not a number: \"1.0e\""
for np in 1 2 4; do
  rm -rf out && mkdir out
  timeout 120 "$mpiexec" -np "$np" --oversubscribe "$bin" "${flares[@]}" --lightcurves bad.csv \
    --output out/run.h5 >bad.out 2>bad.err
  got=$?
  line=$(grep '^nuflare' bad.err)
  if [[ $got == 124 ]]; then
    fail "bad np$np" "hung (killed after 120 s)"
  elif [[ $got != 2 ]]; then
    fail "bad np$np" "exit $got, expected 2; stderr: $(cat bad.err)"
  elif [[ $(grep -c '^nuflare' bad.err) != 1 ]]; then
    fail "bad np$np" "expected one line, got: $(cat bad.err)"
  elif [[ $line != "$want"* ]]; then
    fail "bad np$np" "'$line' is not '$want'"
  elif [[ -s bad.out ]]; then
    fail "bad np$np" "printed to stdout: $(head -2 bad.out)"
  elif [[ -n $(ls -A out) ]]; then
    fail "bad np$np" "left behind: $(ls -A out)"
  else
    echo "ok bad np$np: $line"
  fi
done
finish
