#!/usr/bin/env bash
# `nuflare sensitivity --test temporal` on a small sky made by `nuflare
# simulate`: background trial k is `nuflare scan` trial k (1 x 1 grid),
# strength 0 gives p < 0.05 about 5 % of the time, detection grows with the
# number of injected flares, the archive is the same at 1, 2 and 4 ranks, a
# deck works, and bad input fails cleanly.
. "${NUFLARE_SOURCE_DIR:?}/tests/support/script_test.sh" numpy h5py

# A small sky: 60 alerts, 250 sources with Fermi-like and WISE-like curves, no
# injected signal (compress = none: quicker to write and read).
cat >sim.ini <<'INI'
[simulate]
output = sky
seed = 77
compress = none
events.seasons = 1
events.per_season = 200
alerts.count = 60
alerts.start_mjd = 55700
alerts.stop_mjd = 58900
catalog.count = 250
lightcurves.start_mjd = 54700
lightcurves.stop_mjd = 59000
INI
"$bin" simulate --config sim.ini >/dev/null

in=(--alerts sky/alerts.csv --sources sky/catalog.csv --lightcurves sky/lightcurves.csv
    --band fermi)
args=(sensitivity --test temporal "${in[@]}" --delta-t 365 --trials 2000 --signal-trials 400
      --flare-amplitude 3 --seed 9 --quiet)
"$mpiexec" -np 1 "$bin" "${args[@]}" --output one.h5 >one.csv
"$mpiexec" -np 2 --oversubscribe "$bin" "${args[@]}" --output two.h5 >two.csv
"$mpiexec" -np 4 --oversubscribe "$bin" "${args[@]}" --output four.h5 >four.csv
cmp one.csv two.csv
cmp one.csv four.csv
head -1 one.csv | grep -q '^band,delta_t,factor,flare_amplitude,n_alerts,mean_pairs,sensitivity,discovery_3sigma,discovery_5sigma,p_floor$'
"$bin" table --archive one.h5 --analysis sensitivity --table curve >curve1.csv
"$bin" table --archive four.h5 --analysis sensitivity --table curve >curve4.csv
cmp curve1.csv curve4.csv

# The same scrambles as `nuflare scan` at this grid point.
"$bin" scan "${in[@]}" --delta-t-grid 365 --factor-grid 1 --trials 2000 --seed 9 --quiet \
  --output scan.h5 >/dev/null

$py - curve1.csv one.csv <<'PY'
import csv, sys
import h5py, numpy as np
one, two, four, scan = (h5py.File(f + ".h5", "r") for f in ("one", "two", "four", "scan"))
assert one["sensitivity"].attrs["test"] in (b"temporal", "temporal")
# Per-trial rows identical at 1, 2 and 4 ranks (NaN = NaN).
for path in ("background/trials/statistic", "background/trials/n_pairs",
             "signal/trials/statistic", "signal/trials/n_injected"):
    a = one["sensitivity/" + path][()]
    for other in (two, four):
        assert np.array_equal(a, other["sensitivity/" + path][()], equal_nan=True), path
# Background trial k is scan trial k's R(0), bit for bit.
bg = one["sensitivity/background/trials/statistic"][()].ravel()
r0 = scan["scan/trials/r0"][()].ravel()
assert np.array_equal(bg, r0, equal_nan=True), "background differs from the scan trials"
assert np.array_equal(one["sensitivity/background/trials/n_pairs"][()].ravel(),
                      scan["scan/trials/n_pairs"][()].ravel())
# Strength 0 injects nothing: signal trial k is background trial k.
sig = one["sensitivity/signal/trials/statistic"][()].ravel()
assert np.array_equal(sig[:400], bg[:400], equal_nan=True)

rows = list(csv.DictReader(open(sys.argv[1])))
f = [float(r["frac_p05"]) for r in rows]
s = [float(r["strength"]) for r in rows]
assert s == [0, 1, 2, 4, 8, 16, 32], s
# 400 background-only trials: 5 % ± 1.1 % (binomial); allow 4 sigma.
assert abs(f[0] - 0.05) < 0.045, f
assert all(b >= a - 0.03 for a, b in zip(f, f[1:])), f"not increasing: {f}"
assert f[-1] > 0.9, f"32 injected flares should be detected: {f}"
inj = [float(r["mean_injected"]) for r in rows]
assert inj[:3] == [0, 1, 2] and all(i <= n for i, n in zip(inj, s)), inj
summary = list(csv.DictReader(open(sys.argv[2])))[0]
sens = float(summary["sensitivity"])
assert 0 < sens <= 32, summary
print(f"frac_p05 by strength: {f}; sensitivity {sens:.2f} flares, "
      f"3 sigma {summary['discovery_3sigma']}")
PY

# A deck: [sensitivity] keys, paths relative to the deck.
mkdir decks
cat >decks/sens.ini <<'INI'
[sensitivity]
test = temporal
alerts = ../sky/alerts.csv
sources = ../sky/catalog.csv
lightcurves = ../sky/lightcurves.csv
band = fermi
delta_t = 365
trials = 2000
signal_trials = 400
flare_amplitude = 3
seed = 9
INI
"$bin" sensitivity --config decks/sens.ini --quiet --output deck.h5 >deck.csv
cmp one.csv deck.csv

# Bad input: one line on stderr, status 2, no archive.
fail() { # label pattern args...
  local label=$1 pat=$2 rc
  shift 2
  set +e
  "$bin" "$@" --output bad.h5 >bad.out 2>bad.err
  rc=$?
  set -e
  [[ $rc == 2 ]] || { echo "FAIL $label: status $rc"; cat bad.err; exit 1; }
  [[ $(wc -l <bad.err) == 1 ]] || { echo "FAIL $label: stderr not one line"; cat bad.err; exit 1; }
  grep -q -- "$pat" bad.err || { echo "FAIL $label: no '$pat' in: $(cat bad.err)"; exit 1; }
  [[ ! -s bad.out ]] || { echo "FAIL $label: stdout not empty"; exit 1; }
  [[ ! -e bad.h5 && ! -e bad.h5.partial ]] || { echo "FAIL $label: archive left behind"; exit 1; }
}
fail no-alerts "--alerts is required" sensitivity --test temporal --sources sky/catalog.csv \
  --lightcurves sky/lightcurves.csv --band fermi --delta-t 365 --trials 10
fail no-delta-t "--delta-t is required" sensitivity --test temporal "${in[@]}" --trials 10
fail negative "negative strength" sensitivity --test temporal "${in[@]}" --delta-t 365 \
  --strengths 0,-1 --trials 10
fail fraction "whole flares" sensitivity --test temporal "${in[@]}" --delta-t 365 \
  --strengths 0,1.5 --trials 10
fail amplitude "flare-amplitude" sensitivity --test temporal "${in[@]}" --delta-t 365 \
  --flare-amplitude 0 --trials 10
fail wrong-test "--events does not apply" sensitivity --test temporal "${in[@]}" \
  --delta-t 365 --events sky/events/SIM01_exp.csv --trials 10
fail no-events "--events is required" sensitivity --sources sky/catalog.csv --trials 10
fail bad-test "expected spatial or temporal" sensitivity --test both --sources sky/catalog.csv
printf 'NAME,EVENTMJD,RA,DEC,RA_ERR_PLUS,RA_ERR_MINUS,DEC_ERR_PLUS,DEC_ERR_MINUS\nIC1,55000,10,95,3,3,3,3\n' >bad_alerts.csv
fail bad-alerts "bad_alerts.csv:2" sensitivity --test temporal --alerts bad_alerts.csv \
  --sources sky/catalog.csv --lightcurves sky/lightcurves.csv --band fermi --delta-t 365
echo "temporal sensitivity run: ok"
