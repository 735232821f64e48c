#!/bin/bash
# nuflare dcf on bad input (docs/cli.md): one line on stderr naming the option
# or the file, line and field, exit status 2, nothing on stdout, and no
# archive (neither RUN.h5 nor RUN.h5.partial) left behind.
. "${NUFLARE_SOURCE_DIR:?}/tests/support/script_test.sh"
. "$src/tests/support/refusal.sh"

good='source,band,mjd,flux,flux_err,upper_limit
A,fermi,55000,1.0,0.1,0
A,fermi,55030,1.5,0.1,0
A,fermi,55060,1.1,0.1,0
A,wise_w1,55010,3.0,0.2,0
A,wise_w1,55040,3.5,0.2,0'
printf '%s\n' "$good" >good.csv
printf '%s\nA,wise_w1,55090,1.2x,0.1,0\n' "$good" >notnum.csv
printf 'band_a = fermi\nbin_width = -3\n' >bad.ini

# expect NAME EXPECTED_SUBSTRING -- nuflare dcf args...
expect() {
  local name=$1 want=$2
  shift 3
  refused_at "$name" "$want" 1 dcf "$@"
}

expect same_bands "--band-b: must differ from --band-a" -- --lightcurves good.csv --band-b fermi
expect no_band "--band-b: no source has a light curve in both bands" -- --lightcurves good.csv --band-b xrt
expect no_band_a "--band-a: no source has a light curve in both bands" -- --lightcurves good.csv --band-a xrt
expect lag_order "--lag-max" -- --lightcurves good.csv --lag-min 10 --lag-max -10
expect no_bin "--bin-width: wider than twice the lag range" -- --lightcurves good.csv --lag-min 0 --lag-max 10 --bin-width 30
expect bad_width "--bin-width: must be > 0" -- --lightcurves good.csv --bin-width 0
expect bad_norm "--normalisation" -- --lightcurves good.csv --normalisation pearson
expect deck_line "bad.ini:2: bin_width" -- --config bad.ini --lightcurves good.csv
expect not_a_number "notnum.csv:7" -- --lightcurves notnum.csv
expect no_input "lightcurves" --

# A good run prints one row and writes the archive.
"$bin" dcf --lightcurves good.csv --bin-width 10 --lag-min -50 --lag-max 50 --output run.h5 >out.txt
if [ "$(wc -l <out.txt)" -ne 2 ] || [ ! -f run.h5 ]; then
  echo "FAIL: good run: $(cat out.txt)"
  fails=$((fails + 1))
fi
[ "$fails" -eq 0 ] || exit 1
echo "all bad-input cases refused"
