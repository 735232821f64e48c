#!/bin/sh
# Bad input to temporal / scan / simultaneity: exit status 2, one line on
# stderr naming file:line (and the field), stdout empty, no archive left behind.
set -u
BIN=${NUFLARE_BIN:?}
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
cd "$TMP"
printf 'NAME,EVENTMJD,RA,DEC,RA_ERR_PLUS,RA_ERR_MINUS,DEC_ERR_PLUS,DEC_ERR_MINUS\nIC1,55000,10,0,3,3,3,3\nIC2,56000,200,5,3,3,3,3\n' > alerts.csv
printf 'name,ra,dec\nA,10.5,0.5\nB,100,10\nC,250,-10\n' > sources.csv
{ echo source,band,mjd,flux,flux_err
  for s in A B C; do for t in 54000 54500 55000 55500 56000 56500; do echo "$s,fermi,$t,1.$t,0.1"; done; done; } > lc.csv
sed 's/^A,10.5,0.5$/A,10.5,0.5x/' sources.csv > bad_sources.csv
sed 's/^IC2,56000,200,5,3/IC2,56000,200,95,3/' alerts.csv > bad_alerts.csv
sed '4s/.*/A,fermi,55000,abc,0.1/' lc.csv > bad_lc.csv
printf 'source,rho\nA,1.5\n' > bad_rho.csv
status=0
expect_fail() { # label expected-pattern args...
  label=$1; pat=$2; shift 2
  "$BIN" "$@" --output out.h5 > out.txt 2> err.txt
  rc=$?
  if [ $rc -ne 2 ]; then echo "FAIL $label: exit $rc, expected 2"; status=1; fi
  if [ "$(wc -l < err.txt)" -ne 1 ]; then echo "FAIL $label: stderr not one line:"; cat err.txt; status=1; fi
  grep -q "$pat" err.txt || { echo "FAIL $label: stderr lacks '$pat':"; cat err.txt; status=1; }
  [ -s out.txt ] && { echo "FAIL $label: stdout not empty"; status=1; }
  ls out.h5* > /dev/null 2>&1 && { echo "FAIL $label: archive left behind"; status=1; }
  rm -f out.h5 out.h5.partial
}
T="--band fermi --delta-t 100 --trials 10"
expect_fail temporal-sources 'bad_sources.csv:2' temporal --alerts alerts.csv --sources bad_sources.csv --lightcurves lc.csv $T
expect_fail temporal-alerts 'bad_alerts.csv:3' temporal --alerts bad_alerts.csv --sources sources.csv --lightcurves lc.csv $T
expect_fail temporal-lc 'bad_lc.csv:4' temporal --alerts alerts.csv --sources sources.csv --lightcurves bad_lc.csv $T
expect_fail scan-lc 'bad_lc.csv:4' scan --alerts alerts.csv --sources sources.csv --lightcurves bad_lc.csv --band fermi --delta-t-grid 10,100 --trials 10
expect_fail scan-grid 'delta-t-grid' scan --alerts alerts.csv --sources sources.csv --lightcurves lc.csv --band fermi --delta-t-grid 10,x --trials 10
expect_fail simultaneity-rho 'bad_rho.csv:2' simultaneity --alerts alerts.csv --sources sources.csv --rho bad_rho.csv --trials 10
# A good run works and prints the contract header.
"$BIN" scan --alerts alerts.csv --sources sources.csv --lightcurves lc.csv --band fermi \
  --delta-t-grid 600 --trials 20 --quiet --output ok.h5 > ok.txt || { echo "FAIL good scan"; status=1; }
head -1 ok.txt | grep -q '^delta_t,factor,n_pairs,r0,p_value$' || { echo "FAIL scan header"; status=1; }
tail -1 ok.txt | grep -q '^# post_trial_p=' || { echo "FAIL scan last line"; status=1; }
exit $status
