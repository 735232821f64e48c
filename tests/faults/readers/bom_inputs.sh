#!/usr/bin/env bash
# Text inputs saved with a UTF-8 byte-order mark (spreadsheet exports on
# Windows) are read like the same files without it (issue 12); before the fix
# the first column name carried the mark ("missing column"). A UTF-16 file is
# refused with a message that says so.
. "${NUFLARE_SOURCE_DIR:?}/tests/faults/readers/lib.sh" xz
bom() { printf '\xef\xbb\xbf'; cat "$1"; }
bom "$D/catalog.csv" >catalog.csv
bom "$D/alerts.csv" >alerts.csv
bom <(xz -dc "$D/lightcurves.csv.xz") | xz -c >lightcurves.csv.xz
bom "$D/uptime/SIM01_exp.csv" >SIM01_exp.csv
bom "$D/followup/ztf_overview.csv" >ztf.csv

expect_success spatial-with-marks -- spatial --events "$D/events/SIM01_exp.csv.xz" \
  --sources catalog.csv --alerts alerts.csv --flux-uptime SIM01_exp.csv \
  --flux-irfs "$D/irfs/SIM01_effectiveArea.csv" --trials 10 --quiet
expect_success temporal-with-marks -- temporal --alerts alerts.csv --sources catalog.csv \
  --lightcurves lightcurves.csv.xz --band wise_w2 --delta-t 365 --trials 10 --quiet
expect_success followup-with-mark -- followup --table ztf.csv --evolution sfr --mag-min -20 \
  --mag-max -20
# The same numbers as without the marks.
"$bin" followup --table "$D/followup/ztf_overview.csv" --evolution sfr --mag-min -20 \
  --mag-max -20 >plain.txt 2>/dev/null
cmp -s out.txt plain.txt || { echo "FAIL followup-with-mark: output differs"; fails=$((fails + 1)); }

# UTF-16 (what some editors write as "Unicode"): refused, not misread.
printf '\xff\xfen\x00a\x00m\x00e\x00\n\x00' >utf16.csv
expect_input_error utf16-catalogue "utf16.csv:1: UTF-16 text: save the file as UTF-8" \
  -- spatial --events "$D/events/SIM01_exp.csv.xz" --sources utf16.csv --trials 10 --quiet
finish
