#!/usr/bin/env bash
# Every figure script in tools/ (the papers' figures, README) runs on archives
# of the demo decks (inputs/demo, few trials) and writes a non-empty PNG.
. "${NUFLARE_SOURCE_DIR:?}/tests/support/script_test.sh" h5py matplotlib numpy
d=$src/inputs/demo
run() { # run NAME [options...]
  local name=$1
  shift
  "$bin" "$name" --config "$d/$name.ini" "$@" --output "$tmp/$name.h5" >"$tmp/$name.csv" 2>/dev/null
}
run flares
run dcf
run spatial --trials 40
run scan --trials 40
run temporal --trials 40
run simultaneity --trials 40 --rho "$tmp/flares.csv"
run followup

t=$src/tools
f=$tmp/fig
mkdir -p "$f"
source=$(awk -F, 'NR > 1 && $2 == "multi" {print $1; exit}' "$tmp/flares.csv")
$py "$t/plot_flares.py" "$tmp/flares.h5" --source "$source" -o "$f/flares.png" >/dev/null
$py "$t/plot_dcf.py" "$tmp/dcf.h5" -o "$f/dcf_lags.png" --source "$source" -s "$f/dcf_source.png" >/dev/null
$py "$t/plot_spatial.py" "$tmp/spatial.h5" --out-dir "$f" >/dev/null
$py "$t/plot_temporal.py" scan "$tmp/scan.h5" "$f/scan.png"
$py "$t/plot_temporal.py" rt "$tmp/temporal.h5" "$f/rt.png"
$py "$t/plot_temporal.py" pvalue "$tmp/temporal.h5" "$f/pvalue.png"
$py "$t/plot_temporal.py" rho "$tmp/simultaneity.h5" "$f/rho.png"
$py "$t/plot_temporal.py" simtrials "$tmp/simultaneity.h5" "$f/simtrials.png"
$py "$t/plot_followup.py" all "$tmp/followup.h5" "$f" >/dev/null

n=0
for png in "$f"/*.png; do
  [[ -s $png && $(head -c 4 "$png" | tail -c 3) == PNG ]] || { echo "FAIL: $png is not a PNG"; exit 1; }
  n=$((n + 1))
done
((n >= 12)) || { echo "FAIL: only $n figures: $(ls "$f")"; exit 1; }
echo "all $n figures written"
