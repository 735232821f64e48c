#!/usr/bin/env bash
# Read once per job (docs/scaling.md): only rank 0 reads the inputs, so a bad
# record is seen by rank 0 alone. Every rank must still stop together: exit
# status 2, one line on stderr naming the file, line and field (the same line
# at 1, 2 and 4 ranks), nothing on stdout, no archive, partial archive or lock
# left behind, and no hang. Covers the spatial path (events kept on rank 0
# for the shared index), the time-test path (scan: alerts, catalogue and light
# curves read together), simultaneity and the sensitivity campaign.
command -v xz >/dev/null || { echo "skipped: xz not installed"; exit 77; }
. "${NUFLARE_SOURCE_DIR:?}/tests/support/script_test.sh"
set +e # the cases read the exit statuses themselves
. "$src/tests/support/cases.sh"
D=$src/inputs/demo/data

# A bad AngErr on line 40 of the second season; a bad flux on line 30 of the
# light curves; a rho outside [0, 1] on line 3.
mkdir ev
xz -dc "$D/events/SIM01_exp.csv.xz" | head -300 >ev/SIM01_exp.csv
xz -dc "$D/events/SIM02_exp.csv.xz" | head -300 | awk 'NR == 40 { $3 = "0.4x" } 1' >ev/SIM02_exp.csv
xz -dc "$D/lightcurves.csv.xz" | awk -F, -v OFS=, 'NR == 30 { $4 = "nan" } 1' >lightcurves.csv
printf 'source,rho\nA,0.5\nB,1.5\n' >rho.csv

# check NAME MESSAGE NP CMD...: expect exit 2, one nuflare line containing
# MESSAGE (the same at every NP: kept in $tmp/NAME.line), no output files.
check() {
  local name=$1 message=$2 np=$3
  shift 3
  rm -rf out && mkdir out
  timeout 120 "$mpiexec" -np "$np" --oversubscribe "$bin" "$@" --output out/run.h5 \
    >"$name.out" 2>"$name.err"
  local got=$? line
  line=$(grep '^nuflare' "$name.err")
  if [[ $got == 124 ]]; then
    fail "$name np$np" "hung (killed after 120 s)"
  elif [[ $got != 2 ]]; then
    fail "$name np$np" "exit $got, expected 2; stderr: $(cat "$name.err")"
  elif [[ $(grep -c '^nuflare' "$name.err") != 1 ]]; then
    fail "$name np$np" "expected one line, got: $(cat "$name.err")"
  elif [[ $line != *"$message"* ]]; then
    fail "$name np$np" "'$line' lacks '$message'"
  elif [[ -s $name.out ]]; then
    fail "$name np$np" "printed to stdout: $(head -2 "$name.out")"
  elif [[ -n $(ls -A out) ]]; then
    fail "$name np$np" "left behind: $(ls -A out)"
  elif [[ -e $name.line && $(cat "$name.line") != "$line" ]]; then
    fail "$name np$np" "'$line' differs from the other rank counts' '$(cat "$name.line")'"
  else
    echo "$line" >"$name.line"
    echo "ok $name np$np: $line"
  fi
}

spatial=(spatial --events ev/SIM01_exp.csv ev/SIM02_exp.csv --sources "$D/catalog.csv" --trials 10 --quiet)
scan=(scan --alerts "$D/alerts.csv" --sources "$D/catalog.csv" --lightcurves lightcurves.csv
  --band wise_w2 --delta-t-grid 180,365 --trials 10 --quiet)
for np in 1 2 4; do
  check spatial "SIM02_exp.csv:40: column 3 (AngErr[deg])" "$np" "${spatial[@]}"
done
for np in 1 4; do
  check scan "lightcurves.csv:30: column 4 (flux)" "$np" "${scan[@]}"
done
check simultaneity "rho.csv:3: column 2 (rho)" 4 simultaneity --alerts "$D/alerts.csv" \
  --sources "$D/catalog.csv" --rho rho.csv --trials 10 --quiet
check sensitivity "SIM02_exp.csv:40: column 3 (AngErr[deg])" 4 sensitivity \
  --events ev/SIM01_exp.csv ev/SIM02_exp.csv --sources "$D/catalog.csv" --trials 10 \
  --signal-trials 10 --quiet

finish
