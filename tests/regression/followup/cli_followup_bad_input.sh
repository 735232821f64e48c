#!/bin/bash
# Bad input to `nuflare followup` (docs/cli.md): exit status 2, one line on stderr
# naming file:line (and the field) or the option, stdout empty, no archive
# left behind. Needs no data: the tables are written here. Ends with a good
# run of a campaign CSV (the header docs/cli.md gives, an archive, `nuflare table`).
set -uo pipefail
BIN=${NUFLARE_BIN:?}
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
cd "$TMP" || exit 1
# A campaign CSV (alerts.hpp read_campaign_csv) and a small sheet in the paper's layout.
cat > camp.csv <<'CSV'
name,ra,dec,ra_plus,ra_minus,dec_plus,dec_minus,area_rect,area_obs,signalness,retracted,latency_hours
IC200101A,120.0,10.0,1.0,-1.0,1.0,-1.0,4.0,3.5,0.6,0,10
IC200202A,200.0,30.0,2.0,-2.0,1.5,-1.5,10.4,9.0,0.3,0,30
IC200303A,300.0,-5.0,1.0,-1.2,0.8,-0.9,3.7,3.3,,0,8
IC200404A,40.0,5.0,1.0,-1.0,1.0,-1.0,4.0,3.9,0.8,1,5
CSV
cat > sheet.csv <<'CSV'
OVERVIEW,,,,,,,,,,
,,,,,,,,,,
Event,Class,RA,RA Unc (rectangle),Dec,Dec Unc (rectangle),Area (rectangle),Observed area (from Healpix),Observed area (corrected for chip gaps),Signalness,Energy estimate [TeV]
IC190730A,GOLD,225.79,"[1.28, -1.43]",10.47,"[1.14, -0.89]",5.40751052686515,4.96035658283006,4.52103881541484,0.67,298.81
IC190922B,GOLD,5.76,"[1.19, -1.37]",-1.57,"[0.93, -0.82]",4.47843396048777,4.11450595601568,4.09483501120604,0.51,187.37
CSV
sed '2s/,3.5,/,3.5x,/' camp.csv > bad_camp.csv
sed '4s/,4.52103881541484,/,abc,/' sheet.csv > bad_sheet.csv
status=0
expect_fail() { # label expected-pattern args...
  local label=$1 pat=$2 rc
  shift 2
  local out=(--output out.h5)
  case " $* " in *" --output "*) out=() ;; esac
  "$BIN" followup "$@" "${out[@]}" > out.txt 2> err.txt
  rc=$?
  if [ $rc -ne 2 ]; then echo "FAIL $label: exit $rc, expected 2"; status=1; fi
  if [ "$(wc -l < err.txt)" -ne 1 ]; then echo "FAIL $label: stderr not one line:"; cat err.txt; status=1; fi
  grep -qe "$pat" err.txt || { echo "FAIL $label: stderr lacks '$pat':"; cat err.txt; status=1; }
  if [ -s out.txt ]; then echo "FAIL $label: stdout not empty"; status=1; fi
  if ls out.h5* result.csv* > /dev/null 2>&1; then echo "FAIL $label: archive left behind"; status=1; fi
  rm -f out.h5 out.h5.partial
}
expect_fail campaign-field 'bad_camp.csv:2' --table bad_camp.csv
expect_fail sheet-field 'bad_sheet.csv:4' --table bad_sheet.csv
expect_fail sheet-as-campaign 'sheet.csv' --table sheet.csv --table-format campaign
expect_fail missing-table 'nonexistent.csv' --table nonexistent.csv
expect_fail evolution '--evolution' --table camp.csv --evolution agn
expect_fail mag-order '--mag-min' --table camp.csv --mag-min -15 --mag-max -27
expect_fail mag-step-zero '--mag-step' --table camp.csv --mag-step 0
expect_fail mag-step-negative '--mag-step' --table camp.csv --mag-step -0.5
expect_fail cl-one '--cl' --table camp.csv --cl 1
expect_fail cl-zero '--cl' --table camp.csv --cl 0
expect_fail cl-text 'cl' --table camp.csv --cl high
expect_fail grid '--grid' --table camp.csv --grid coarse
expect_fail survey '--survey' --table camp.csv --survey lsst
expect_fail repeat '--alert-repeat' --table camp.csv --alert-repeat 0
expect_fail table-format '--table-format' --table camp.csv --table-format xlsx
expect_fail signalness '--missing-signalness' --table camp.csv --missing-signalness 1.5
expect_fail epsilon0 '--epsilon0' --table camp.csv --epsilon0 1.2
expect_fail not-fu 'nonexistent_nfu.csv' --table camp.csv --not-followed-up nonexistent_nfu.csv
expect_fail output-name '--output' --table camp.csv --output result.csv

# A good run: the contract header, rows, the archive and `nuflare table` agree.
"$BIN" followup --table camp.csv --mag-min -24 --mag-max -20 --mag-step 1 --output ok.h5 > ok.csv \
  || { echo "FAIL good run"; status=1; }
[ "$(head -1 ok.csv)" = "evolution,abs_mag,p_detectable,f_limit" ] || { echo "FAIL header"; status=1; }
[ "$(wc -l < ok.csv)" -eq 21 ] || { echo "FAIL expected 4 x 5 rows"; cat ok.csv; status=1; }
"$BIN" table --archive ok.h5 --analysis followup > table.csv || status=1
cmp -s ok.csv table.csv || { echo "FAIL archive table differs from stdout"; status=1; }
# Campaign tables are selected (ZTF paper §2): IC200202A (signalness 0.3, 10.4 deg²) and the
# retracted IC200404A are out.
"$BIN" table --archive ok.h5 --analysis followup --table table4 > t4.csv || status=1
[ "$(cut -d, -f1 t4.csv | tr '\n' ' ')" = "name IC200101A IC200303A " ] \
  || { echo "FAIL campaign selection:"; cat t4.csv; status=1; }
# The sheet layout is auto-detected.
"$BIN" followup --table sheet.csv --evolution sfr --mag-min -22 --mag-max -22 > sheet.out \
  || { echo "FAIL sheet run"; status=1; }
[ "$(wc -l < sheet.out)" -eq 2 ] || { echo "FAIL sheet rows"; cat sheet.out; status=1; }
exit $status
