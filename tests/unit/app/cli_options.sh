#!/usr/bin/env bash
# Options declared once (docs/cli.md): library checks name fields and the
# command line says where a value came from (--option, or deck.ini:LINE:
# key); a file given as one input format that is recognisably another gets a
# hint naming the option that reads it; `nuflare table --format markdown`
# rounds each column to its precision while CSV stays exact; the hidden
# `help-tables` prints the documentation's tables.
set -uo pipefail
bin=${NUFLARE_BIN:?}
demo=${NUFLARE_SOURCE_DIR:?}/inputs/demo/data
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp" || exit 1
fails=0
fail() { echo "FAIL $1: $2"; fails=$((fails + 1)); }
# refuse NAME EXACT_STDERR_LINE CMD...: status 2, exactly that one line, no archive.
refuse() {
  local name=$1 want=$2
  shift 2
  "$@" >out.txt 2>err.txt
  local rc=$?
  [[ $rc == 2 ]] || fail "$name" "status $rc: $(cat err.txt)"
  [[ "$(cat err.txt)" == "nuflare: $want" ]] || fail "$name" "stderr: $(cat err.txt)"
  [[ ! -e run.h5 && ! -e run.h5.partial ]] || fail "$name" "archive left behind"
}

# A relation between two fields (lightcurve::validate) blames the value set last.
refuse bands-cli '--high-band: must differ from --low-band wise_w2 (the default)' \
  "$bin" flares --lightcurves "$demo/lightcurves.csv.xz" --high-band wise_w2 --output run.h5
printf '[flares]\nlow_band = fermi\n' >bands.ini
refuse bands-deck 'bands.ini:2: low_band: must differ from --high-band fermi (the default)' \
  "$bin" flares --config bands.ini --lightcurves "$demo/lightcurves.csv.xz" --output run.h5
# A field of a library config (coincidence::validate) placed at its deck line.
printf 'log10e_min = 5.5\nlog10e_max = 5\n' >order.ini
refuse order-deck 'order.ini:2: log10e_max: 5 is below log10e_min = 5.5 (order.ini:1)' \
  "$bin" spatial --config order.ini --events "$demo/events/SIM01_exp.csv.xz" \
  --sources "$demo/catalog.csv" --output run.h5
# Words of a choice: any case accepted, others refused with the list.
refuse choice '--region: expected ellipse or rectangle, got "circle"' \
  "$bin" temporal --alerts "$demo/alerts.csv" --sources "$demo/catalog.csv" \
  --lightcurves "$demo/lightcurves.csv.xz" --band wise_w2 --delta-t 365 --region circle \
  --output run.h5

# Hints: a Fermi LCR export given as long light curves, a catalogue as alerts.
printf '"Date(UTC)","Julian Date","MET","TS","Photon Flux [0.1-100 GeV](photons cm-2 s-1)","Photon Flux Error(photons cm-2 s-1)","Photon Index"\n"Aug 20 2008","2454698.5","240883201","1068.5","3.47e-7","1.90e-8","-2.2"\n' >lcr.csv
"$bin" flares --lightcurves lcr.csv --output run.h5 >out.txt 2>err.txt
grep -q "(this looks like a Fermi LAT Light Curve Repository export: give it with --fermi-lcr)$" err.txt ||
  fail hint-lcr "$(cat err.txt)"
"$bin" temporal --alerts "$demo/catalog.csv" --sources "$demo/catalog.csv" \
  --lightcurves "$demo/lightcurves.csv.xz" --band wise_w2 --delta-t 365 --output run.h5 \
  >out.txt 2>err.txt
grep -q "(this looks like a source catalogue: give it with --sources)$" err.txt ||
  fail hint-alerts "$(cat err.txt)"

# Tables: CSV exact and equal to stdout, Markdown at each column's precision.
"$bin" followup --table "$demo/followup/ztf_overview.csv" --evolution sfr --output fu.h5 \
  >stdout.csv 2>err.txt || fail followup "$(cat err.txt)"
"$bin" table --archive fu.h5 --analysis followup >table.csv || fail table-csv "status $?"
cmp -s stdout.csv table.csv || fail table-csv "nuflare table differs from the run's stdout"
"$bin" table --archive fu.h5 --analysis followup --format markdown >table.md ||
  fail table-md "status $?"
# p_detectable and f_limit declare 4 significant digits; abs_mag the default 6.
row=$(sed -n 3p table.md)
[[ $row =~ ^\|\ sfr\ +\|\ -27\ +\|\ 0\.[0-9]{4}\ +\|\ 0\.[0-9]{4}\ +\|$ ]] || fail table-md "row: $row"
grep -q "0\.[0-9]\{8\}" table.md && fail table-md "unrounded numbers: $(head -4 table.md)"

# The documentation's tables come from the option tables.
"$bin" help-tables --doc cli >cli.md || fail help-tables "status $?"
# shellcheck disable=SC2016 # Markdown backquotes, not a command
grep -q '^| `--s-factor` | double | 1.3 |' cli.md || fail help-tables "no --s-factor row"
"$bin" --help | grep -q help-tables && fail help-hidden "help-tables listed in --help"

if ((fails > 0)); then
  echo "$fails check(s) failed"
  exit 1
fi
echo "cli options: all checks passed"
