#!/usr/bin/env bash
# `nuflare sensitivity` on a synthetic sky: the same table at 1 and 2 ranks,
# background-only trials give p < 0.05 about 5 % of the time, detection grows
# with the injected strength, and bad input fails cleanly.
. "${NUFLARE_SOURCE_DIR:?}/tests/support/script_test.sh" numpy
$py "$src/tests/support/synthetic_sky.py" --seed 11 --events 5000 --step 0.05 --log10e 4.0 6.0 \
  --angerr 0.3 1.5 --sources 30
args=(sensitivity --events events.txt --sources sources.csv --trials 4000 --signal-trials 400
      --seed 9 --quiet)
"$mpiexec" -np 1 "$bin" "${args[@]}" --strengths 0,10,20,40,80 --output one.h5 >one.csv
"$mpiexec" -np 2 --oversubscribe "$bin" "${args[@]}" --strengths 0,10,20,40,80 --output two.h5 >two.csv
cmp one.csv two.csv
"$bin" table --archive one.h5 --analysis sensitivity --table curve >curve1.csv
"$bin" table --archive two.h5 --analysis sensitivity --table curve >curve2.csv
cmp curve1.csv curve2.csv
$py - curve1.csv one.csv <<'PY'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
f = [float(r["frac_p05"]) for r in rows]
# 400 background-only trials: 5 % ± 1.1 % (binomial); allow 4σ.
assert abs(f[0] - 0.05) < 0.045, f
assert all(b >= a - 0.03 for a, b in zip(f, f[1:])), f"not increasing: {f}"
assert f[-1] > 0.9, f"80 injected events should be detected: {f}"
s = list(csv.DictReader(open(sys.argv[2])))[0]
sens = float(s["sensitivity"])
assert 10 < sens <= 80, s
print(f"frac_p05 by strength: {f}; sensitivity {sens:.1f} events")
PY
# Progress: not a terminal here, so rank 0 writes log lines with rate and
# ETA (one per --progress-seconds); --quiet (used above) writes nothing.
"$mpiexec" -np 2 --oversubscribe "$bin" sensitivity --events events.txt --sources sources.csv \
  --trials 2000 --signal-trials 100 --strengths 0,10 --seed 9 --progress-seconds 0 \
  --output progress.h5 >/dev/null 2>progress.err
grep -qE "^\[sensitivity/all/background\] [0-9]+/2000 background trials of all .*/s .*ETA" progress.err ||
  { echo "FAIL: no progress lines: $(cat progress.err)"; exit 1; }
[[ $(grep -c "2000/2000 background" progress.err) == 1 && $(grep -c "200/200 signal" progress.err) == 1 ]] ||
  { echo "FAIL: expected one final line per campaign: $(cat progress.err)"; exit 1; }
"$bin" sensitivity --events events.txt --sources sources.csv --trials 100 --signal-trials 10 \
  --strengths 0 --quiet --output quiet.h5 >/dev/null 2>quiet.err
[[ ! -s quiet.err ]] || { echo "FAIL: --quiet printed: $(cat quiet.err)"; exit 1; }

# Bad input: a negative strength and a malformed source file.
set +e
"$bin" "${args[@]}" --strengths 0,-1 --output bad.h5 2>err1; s1=$?
printf 'name,ra,dec\nX,10,95\n' >bad.csv
"$bin" sensitivity --events events.txt --sources bad.csv --output bad.h5 2>err2; s2=$?
set -e
[[ $s1 == 2 && $(wc -l <err1) == 1 ]] && grep -q "negative strength" err1
[[ $s2 == 2 && $(wc -l <err2) == 1 ]] && grep -q "bad.csv:2:" err2
[[ ! -e bad.h5 && ! -e bad.h5.partial ]]
echo "sensitivity run: ok"
