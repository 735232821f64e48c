#!/usr/bin/env bash
# Values outside their physical range (issue 12), run through `nuflare`: each
# is an input error naming the file, the line, the column and the allowed
# range (docs/input-formats.md), with nothing left behind. Before the fix all
# of these were accepted (exit 0) except the zero flux error, which failed
# without naming a file, line or field.
. "${NUFLARE_SOURCE_DIR:?}/tests/faults/readers/lib.sh" xz
mkdir up ev
# replace FILE LINE FIELD VALUE: the whitespace-separated release files.
replace() { awk -v l="$2" -v f="$3" -v v="$4" 'NR == l { $f = v } 1' "$1"; }
# csv_replace FILE LINE FIELD VALUE: the same for CSV.
csv_replace() { awk -F, -v OFS=, -v l="$2" -v f="$3" -v v="$4" 'NR == l { $f = v } 1' "$1"; }

events=(--events "$D/events/SIM01_exp.csv.xz")
flux=(--flux-irfs "$D/irfs/SIM01_effectiveArea.csv")
spatial=(spatial --sources "$D/catalog.csv" --trials 10 --quiet)

# Good-run lists: a stop of 1e308 gave a livetime of 1e308 days and a flux
# limit of 0.
replace "$D/uptime/SIM01_exp.csv" 5 2 1e308 >up/SIM01_exp.csv
expect_input_error uptime-stop-1e308 \
  "SIM01_exp.csv:5: column 2 (MJD_stop[days]): 1e308 is outside the allowed range [54000, 70000] MJD" \
  -- "${spatial[@]}" "${events[@]}" "${flux[@]}" --flux-uptime up/SIM01_exp.csv
# Overlapping runs silently added livetime: line 6 now starts inside the run of line 5.
start5=$(awk 'NR == 5 { printf "%.8f", $1 + 0.001 }' "$D/uptime/SIM01_exp.csv")
replace "$D/uptime/SIM01_exp.csv" 6 1 "$start5" >up/SIM01_exp.csv
expect_input_error uptime-overlap \
  "SIM01_exp.csv:6: column 1 (MJD_start[days]): $start5 is before the stop of the run of line 5" \
  -- "${spatial[@]}" "${events[@]}" "${flux[@]}" --flux-uptime up/SIM01_exp.csv

# Events: log10 E and MJD of 1e308.
xz -dc "$D/events/SIM01_exp.csv.xz" | head -200 >ev/plain.csv
replace ev/plain.csv 50 2 1e308 >ev/SIM01_exp.csv
expect_input_error event-log10e-1e308 \
  "SIM01_exp.csv:50: column 2 (log10(E/GeV)): 1e308 is outside the allowed range [0, 12] log10(E/GeV)" \
  -- "${spatial[@]}" --events ev/SIM01_exp.csv
replace ev/plain.csv 60 1 1e308 >ev/SIM02_exp.csv
expect_input_error event-mjd-1e308 \
  "SIM02_exp.csv:60: column 1 (MJD[days]): 1e308 is outside the allowed range [54000, 70000] MJD" \
  -- "${spatial[@]}" --events ev/SIM02_exp.csv
replace ev/plain.csv 70 3 0 >ev/SIM03_exp.csv
expect_input_error event-angerr-0 \
  "SIM03_exp.csv:70: column 3 (AngErr[deg]): 0 is outside the allowed range (0, 180] deg" \
  -- "${spatial[@]}" --events ev/SIM03_exp.csv

# Alerts: EVENTMJD of 1e308 (temporal test).
csv_replace "$D/alerts.csv" 4 5 1e308 >alerts.csv
temporal=(temporal --sources "$D/catalog.csv" --lightcurves "$D/lightcurves.csv.xz" --band wise_w2
  --delta-t 365 --trials 10 --quiet)
expect_input_error alert-mjd-1e308 \
  "alerts.csv:4: column 5 (EVENTMJD): 1e308 is outside the allowed range [54000, 70000] MJD" \
  -- "${temporal[@]}" --alerts alerts.csv

# Light curves: a flux of 1e308 made the variability NaN and exited 0; an
# error of 0 failed later with a message naming no file, line or field.
head -20 <(xz -dc "$D/lightcurves.csv.xz") >good_lc.csv
csv_replace good_lc.csv 7 4 1e308 >flux.csv
expect_input_error lightcurve-flux-1e308 \
  "flux.csv:7: column 4 (flux): 1e308 is outside the allowed range [-1e+30, 1e+30]" \
  -- flares --lightcurves flux.csv
csv_replace good_lc.csv 8 5 0 >err0.csv
expect_input_error lightcurve-flux-err-0 \
  "err0.csv:8: column 5 (flux_err): 0 is outside the allowed range [1e-30, 1e+30] (a measured point needs an error > 0)" \
  -- flares --lightcurves err0.csv
csv_replace good_lc.csv 9 3 2458000.5 >jd.csv
expect_input_error lightcurve-jd-for-mjd \
  "jd.csv:9: column 3 (mjd): 2458000.5 is outside the allowed range [15020, 70000] MJD" \
  -- flares --lightcurves jd.csv

# ZTF overview: a duplicated row was counted twice in the limits.
awk 'NR == 6 { print; print; next } 1' "$D/followup/ztf_overview.csv" >ztf_dup.csv
name=$(awk -F, 'NR == 6 { print $1 }' "$D/followup/ztf_overview.csv")
expect_input_error ztf-duplicate-row \
  "ztf_dup.csv:7: column 1 (Event): duplicated alert \"$name\" (also at line 6)" \
  -- followup --table ztf_dup.csv --evolution sfr --mag-min -20 --mag-max -20
# An observed area larger than the rectangle / 0.9 makes P_obs > 1 (eq. 1).
# (awk's field 11: the two "[plus, minus]" fields hold a comma each)
csv_replace "$D/followup/ztf_overview.csv" 6 11 1e4 >ztf_area.csv
expect_input_error ztf-observed-area \
  "ztf_area.csv:6: column 9 (Observed area (corrected for chip gaps)): observed area 1e4 exceeds" \
  -- followup --table ztf_area.csv --evolution sfr --mag-min -20 --mag-max -20
finish
