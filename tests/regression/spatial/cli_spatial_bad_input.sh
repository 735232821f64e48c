#!/usr/bin/env bash
# nuflare spatial on bad input (docs/cli.md): exit status 2, one stderr line
# naming the file, line and field, and no archive (.h5 or .h5.partial) left.
set -uo pipefail
bin=${NUFLARE_BIN:?}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0
fail() { echo "FAIL $*"; fails=$((fails + 1)); }
expect() { # expect NAME PATTERN CMD...
  local name=$1 pattern=$2
  shift 2
  "$@" >"$tmp/out" 2>"$tmp/err"
  local got=$?
  [[ $got == 2 ]] || fail "$name: exit $got, expected 2; stderr: $(cat "$tmp/err")"
  [[ $(wc -l <"$tmp/err") == 1 ]] || fail "$name: expected one stderr line, got: $(cat "$tmp/err")"
  grep -q -- "$pattern" "$tmp/err" || fail "$name: stderr does not match '$pattern': $(cat "$tmp/err")"
  [[ ! -s $tmp/out ]] || fail "$name: printed to stdout"
  [[ ! -e $tmp/run.h5 && ! -e $tmp/run.h5.partial ]] || fail "$name: archive left behind"
}

printf '#  MJD[days]  log10(E/GeV)  AngErr[deg]  RA[deg]  Dec[deg]  Azimuth[deg]  Zenith[deg]\n' >"$tmp/IC40_exp.csv"
printf '  54562.37911273  5.17  0.62  75.024  -13.371  349.100  76.646\n' >>"$tmp/IC40_exp.csv"
printf '  54562.38911273  5.37  0.42  175.024  23.371  49.100  16.646\n' >>"$tmp/IC40_exp.csv"
printf 'name,ra,dec,group\na,75.0,-13.3,g\nb,10.0,20.0,g\n' >"$tmp/good.csv"
printf 'name,ra,dec,group\na,75.0,-13.3,g\nb,abc,20.0,g\n' >"$tmp/bad_ra.csv"
printf 'name,dec,group\na,-13.3,g\n' >"$tmp/no_ra.csv"
ok=(--events "$tmp/IC40_exp.csv" --sources "$tmp/good.csv" --trials 10 --seed 1 --output "$tmp/run.h5" --quiet)

expect bad-option "bogus" "$bin" spatial "${ok[@]}" --bogus 3
expect missing-events "$tmp/none_exp.csv" "$bin" spatial --events "$tmp/none_exp.csv" --sources "$tmp/good.csv" --trials 10 --output "$tmp/run.h5"
expect missing-sources "$tmp/none.csv" "$bin" spatial --events "$tmp/IC40_exp.csv" --sources "$tmp/none.csv" --trials 10 --output "$tmp/run.h5"
expect malformed-sources "bad_ra.csv:3" "$bin" spatial --events "$tmp/IC40_exp.csv" --sources "$tmp/bad_ra.csv" --trials 10 --output "$tmp/run.h5"
expect sources-without-ra "no_ra.csv" "$bin" spatial --events "$tmp/IC40_exp.csv" --sources "$tmp/no_ra.csv" --trials 10 --output "$tmp/run.h5"
expect bad-step "log10e-step" "$bin" spatial "${ok[@]}" --log10e-step 0
expect bad-scale "angerr-scale" "$bin" spatial "${ok[@]}" --angerr-scale -1
expect not-a-number "trials" "$bin" spatial "${ok[@]}" --trials many
expect missing-alerts "none_alerts.csv" "$bin" spatial "${ok[@]}" --alerts "$tmp/none_alerts.csv"
alerts=${NUFLARE_SOURCE_DIR:-$(dirname "$0")/../../..}/inputs/demo/data/alerts.csv
expect empty-alert-period "alerts-mjd-min" "$bin" spatial "${ok[@]}" --alerts "$alerts" --alerts-mjd-min 59366 --alerts-mjd-max 59000
expect flux-without-irfs "flux-irfs" "$bin" spatial "${ok[@]}" --flux-uptime "$tmp/IC40_exp.csv"
expect bad-output-name "h5" "$bin" spatial --events "$tmp/IC40_exp.csv" --sources "$tmp/good.csv" --output "$tmp/run.txt"

# And a good run works and leaves the final archive only.
"$bin" spatial "${ok[@]}" >"$tmp/out" 2>"$tmp/err" || fail "good run: $(cat "$tmp/err")"
head -1 "$tmp/out" | grep -qx "group,log10e_min,n_observed,n_expected,sigma,p_value" || fail "good run: header"
[[ -e $tmp/run.h5 && ! -e $tmp/run.h5.partial ]] || fail "good run: archive"
[[ $fails == 0 ]] && echo "all spatial bad-input checks passed"
exit $((fails > 0))
