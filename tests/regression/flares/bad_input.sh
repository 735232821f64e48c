#!/bin/bash
# nuflare flares on bad input (docs/input-formats.md, docs/cli.md): one line on stderr naming the
# file, line and field, exit status 2, and no archive (neither RUN.h5 nor
# RUN.h5.partial) left behind. Also under 2 MPI ranks.
. "${NUFLARE_SOURCE_DIR:?}/tests/support/script_test.sh"
. "$src/tests/support/refusal.sh"
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1

good='source,band,mjd,flux,flux_err,upper_limit
A,fermi,55000,1.0,0.1,0
A,fermi,55030,1.5,0.1,0
A,fermi,55060,1.1,0.1,0'
printf '%s\n' "$good" >good.csv
printf '%s\nA,fermi,55090,1.2x,0.1,0\n' "$good" >notnum.csv
printf '%s\nA,fermi,55090,1.2,-0.1,0\n' "$good" >negerr.csv
printf '%s\nA,fermi,55060,1.2,0.1,0\n' "$good" >dup.csv
printf '%s\nA,fermi,nan,1.2,0.1,0\n' "$good" >nan.csv
printf 'source,band,mjd,flux\nA,fermi,55000,1.0\n' >nocol.csv
printf 'source,band,mjd,flux,flux_err,upper_limit\n' >empty.csv
: >zero.csv
printf 'name,ra,dec\nA,10,100\n' >baddec.csv
printf '"Date(UTC)","Julian Date","MET","TS","Photon Flux [0.1-100 GeV](photons cm-2 s-1)","Photon Flux Error(photons cm-2 s-1)","Photon Index","Photon Index Error","Sun Distance","Fit Tolerance","MINUIT Return Code","Analysis Log"\n"Aug 20 2008","2454698.5x","240883201","1068.5","3.47e-7","1.90e-8","-2.2","-","47.81","1e-8","0","bin1.log"\n' >4FGL_J0000.0+0000_monthly.csv

# expect NAME EXPECTED_SUBSTRING [ranks] -- nuflare flares args...
expect() {
  local name=$1 want=$2 np=$3
  shift 4
  refused_at "$name" "$want" "$np" flares "$@"
}

expect not_a_number "notnum.csv:5" 1 -- --lightcurves good.csv notnum.csv
expect negative_error "negerr.csv:5" 1 -- --lightcurves negerr.csv
expect duplicate_time "dup.csv:5" 1 -- --lightcurves dup.csv
expect nan_time "nan.csv:5" 1 -- --lightcurves nan.csv
expect missing_column "nocol.csv" 1 -- --lightcurves nocol.csv
expect header_only "empty.csv" 1 -- --lightcurves empty.csv
expect empty_file "zero.csv" 1 -- --lightcurves zero.csv
expect no_such_file "missing.csv" 1 -- --lightcurves missing.csv
expect bad_catalogue "baddec.csv:2" 1 -- --lightcurves good.csv --sources baddec.csv
expect bad_lcr "4FGL_J0000.0+0000_monthly.csv:2" 1 -- --fermi-lcr 4FGL_J0000.0+0000_monthly.csv
printf 'source,band,mjd,flux,flux_err,upper_limit\nA,fermi,55090,1.2,0.1,0\n' >split.csv
expect curve_split_over_files "split.csv: source" 1 -- --lightcurves good.csv split.csv
expect no_inputs "no light curves" 1 --
expect bad_filters "--filters" 1 -- --lightcurves good.csv --filters sometimes
expect bad_p0 "--p0" 1 -- --lightcurves good.csv --p0 1.5
expect same_bands "--high-band" 1 -- --lightcurves good.csv --high-band fermi --low-band fermi
expect bad_select "--select" 1 -- --lightcurves good.csv --select NOPE
expect not_a_number_np2 "notnum.csv:5" 2 -- --lightcurves good.csv notnum.csv
expect bad_catalogue_np2 "baddec.csv:2" 2 -- --lightcurves good.csv --sources baddec.csv
# Flux units (docs/methods.md, Flux units): an upper-limit flux in another unit than the curve's.
printf 'source,band,mjd,flux,flux_err,upper_limit,flux_unit\nA,fermi,55000,2e-7,1e-8,0,ph cm^-2 s^-1\nA,fermi,55030,3e-7,1e-8,0,ph cm^-2 s^-1\nA,fermi,55060,5e-8,,1,ph cm^-2 s^-1\nA,fermi,55090,2e-7,1e-8,0,ph cm^-2 s^-1\n' >photon.csv
expect ul_flux_unit_mismatch "--ul-flux: band fermi of source A is in ph cm^-2 s^-1, ul_flux = 3e-14 is in erg cm^-2 s^-1" 1 -- --lightcurves photon.csv --ul-flux 3e-14
expect ul_flux_unit_mismatch_np2 "--ul-flux: band fermi of source A is in ph cm^-2 s^-1" 2 -- --lightcurves photon.csv --ul-flux 3e-14
expect ul_flux_unit_alone "--ul-flux-unit: needs ul_flux" 1 -- --lightcurves photon.csv --ul-flux-unit Jy
expect bad_unit_word "--ul-flux-unit" 1 -- --lightcurves photon.csv --ul-flux 1 --ul-flux-unit furlong
expect bad_energy_band "--fermi-lcr-energy: expected E1,E2" 1 -- --lightcurves good.csv --fermi-lcr-energy 200,0.8
printf '"Date(UTC)","Julian Date","MET","TS","Energy Flux [0.1-100 GeV](MeV cm-2 s-1)","Energy Flux Error(MeV cm-2 s-1)","Photon Index","Photon Index Error"\n"Aug 20 2008","2454698.5","240883201","1068.5","3.47e-7","1.90e-8","-2.2","-"\n' >4FGL_J0000.1+0000_monthly.csv
expect energy_of_energy "is in MeV cm^-2 s^-1, not a photon flux" 1 -- --fermi-lcr 4FGL_J0000.1+0000_monthly.csv --fermi-lcr-energy 0.8,200
expect names_per_file "--ovro-source: 2 names for 1 files" 1 -- --lightcurves good.csv --ovro good.csv --ovro-source A,B
"$bin" flares --lightcurves photon.csv --output run.h5 --overwrite >out.txt ||
  { echo "FAIL: default upper limits in a photon-flux curve refused"; fails=$((fails + 1)); }
"$bin" flares --lightcurves photon.csv --ul-flux 1e-9 --ul-flux-unit 'ph cm^-2 s^-1' \
  --output run.h5 --overwrite >out.txt ||
  { echo "FAIL: ul_flux in the curve's unit refused"; fails=$((fails + 1)); }
rm -f run.h5

# and the good file runs
"$bin" flares --lightcurves good.csv --output run.h5 >/dev/null || {
  echo "FAIL: good input refused"; fails=$((fails + 1)); }
[ -e run.h5 ] || { echo "FAIL: no archive for good input"; fails=$((fails + 1)); }

[ "$fails" -eq 0 ] || { echo "$fails bad-input cases failed"; exit 1; }
echo "PASS: all bad-input cases"
