#!/bin/sh
# nuflare sweep against what it must reproduce (docs/methods.md "Sweeps"), on
# the demo inputs with few trials:
#   - a ΔT × factor sweep equals `nuflare scan` (trials, p-values, post-trial p);
#   - a 1-point sweep equals the 1-point scan and, with test = temporal,
#     `nuflare temporal` (the single tests);
#   - 1, 2 and 4 ranks print and store the same;
#   - 1, 2 and 3 job-array tasks (sweep_point = task, trials split) merged by
#     `nuflare table --merge` equal the one-task run;
#   - a correlated ΔT axis (10 steps) has fewer effective trials than points;
#   - a deck with a bad axis fails with one line naming the deck line.
. "${NUFLARE_SOURCE_DIR:?}/tests/regression/sweep/start.sh"
# The demo alerts moved 1234.5 days later (wrapped into the era): a sky
# without the injected signal, so the p-values spread instead of all sitting
# at their floor 1/(N+1) and the comparisons below bite.
"$PY" - "$D/alerts.csv" <<'PY'
import csv, sys
rows = list(csv.reader(open(sys.argv[1])))
i = rows[0].index("EVENTMJD")
with open("null_alerts.csv", "w", newline="") as f:
    w = csv.writer(f)
    w.writerow(rows[0])
    for r in rows[1:]:
        r[i] = f"{55700 + (float(r[i]) - 55700 + 1234.5) % 3200:.5f}"
        w.writerow(r)
PY
IN="--alerts null_alerts.csv --sources $D/catalog.csv --lightcurves $D/lightcurves.csv.xz --band fermi --quiet"
# Same datasets, bit for bit.
same_trials() { # a.h5 dataset b.h5 dataset
  "$PY" - "$@" <<'PY' || fail "trials differ: $*"
import sys, h5py, numpy as np
a = h5py.File(sys.argv[1], "r")[sys.argv[2]][()]
b = h5py.File(sys.argv[3], "r")[sys.argv[4]][()]
sys.exit(0 if a.shape == b.shape and np.array_equal(a, b, equal_nan=True) else 1)
PY
}

# 1. ΔT × factor sweep = scan.
run scan "$BIN" scan $IN --delta-t-grid 180,365,730 --factor-grid 1.0,1.3 --trials 60 --output scan.h5
run sweep1 "$BIN" sweep $IN --axis "delta_t: 180,365,730" --axis "factor: 1.0,1.3" --trials 60 --output sweep1.h5
same_trials scan.h5 /scan/trials/r0 sweep1.h5 /sweep/trials/statistic
same_trials scan.h5 /scan/trials/n_pairs sweep1.h5 /sweep/trials/n_pairs
# delta_t,factor,n_pairs,r0,p_value vs delta_t,factor,n_pairs,statistic,trial_mean,p_value,best
grep -v '^#' scan.txt | cut -d, -f1-5 > scan.cols
grep -v '^#' sweep1.txt | cut -d, -f1-4,6 > sweep.cols
sed -i '1s/.*/header/' scan.cols sweep.cols
cmp -s scan.cols sweep.cols || { fail "sweep table differs from scan's"; diff scan.cols sweep.cols; }
[ "$(field scan.txt post_trial_p)" = "$(field sweep1.txt post_trial_p)" ] ||
  fail "post_trial_p: scan $(field scan.txt post_trial_p), sweep $(field sweep1.txt post_trial_p)"

# 2. A 1-point sweep (no axis) = the single test.
run one_scan "$BIN" scan $IN --delta-t-grid 365 --factor-grid 1.3 --trials 60 --output one_scan.h5
run one_sweep "$BIN" sweep $IN --delta-t 365 --factor 1.3 --trials 60 --output one_sweep.h5
same_trials one_scan.h5 /scan/trials/r0 one_sweep.h5 /sweep/trials/statistic
# scan: delta_t,factor,n_pairs,r0,p_value; sweep: point,n_pairs,statistic,trial_mean,p_value,best
[ "$(grep -v '^#' one_scan.txt | tail -1 | cut -d, -f3,4,5)" = "$(grep -v '^#' one_sweep.txt | tail -1 | cut -d, -f2,3,5)" ] ||
  fail "1-point p_value differs from the single test's"
[ "$(field one_scan.txt post_trial_p)" = "$(field one_sweep.txt post_trial_p)" ] ||
  fail "1-point post_trial_p differs"

# 2a. A flare-cut axis (one engine finds the region members once for both
# cuts) = the scan at that cut: sweep points 2, 3 (flare_cut 1) = scan's 0, 1.
run cut_scan "$BIN" scan $IN --flare-cut 1 --delta-t-grid 180,365 --factor-grid 1.3 --trials 30 --output cut_scan.h5
run cut_sweep "$BIN" sweep $IN --axis "flare_cut: 0,1" --axis "delta_t: 180,365" --factor 1.3 --trials 30 --output cut_sweep.h5
"$PY" - <<'PY' || fail "flare-cut axis: the points at cut 1 differ from scan --flare-cut 1"
import sys, h5py, numpy as np
a = h5py.File("cut_scan.h5", "r")["/scan/trials/r0"][()]
b = h5py.File("cut_sweep.h5", "r")["/sweep/trials/statistic"][()][:, 2:4]
sys.exit(0 if np.array_equal(a, b, equal_nan=True) else 1)
PY

# 2b. test = temporal: a 1-point sweep = `nuflare temporal` (R(t) at every
# shift, control trials, post-trial p over the shifts).
run one_temporal "$BIN" temporal $IN --delta-t 365 --factor 1.3 --trials 40 --output one_temporal.h5
run one_tsweep "$BIN" sweep --test temporal $IN --delta-t 365 --factor 1.3 --trials 40 --output one_tsweep.h5
same_trials one_temporal.h5 /temporal/trials/r one_tsweep.h5 /sweep/trials/statistic
# temporal: shift_days,r_observed,r_trial_mean,...,p_value; sweep: point,shift_days,n_pairs,statistic,trial_mean,p_value,best
grep -v '^#' one_temporal.txt | cut -d, -f1,2,3,6 | sed 1d > t.cols
grep -v '^#' one_tsweep.txt | cut -d, -f2,4,5,6 | sed 1d > ts.cols
cmp -s t.cols ts.cols || { fail "temporal 1-point table differs"; diff t.cols ts.cols | head; }
tp=$(sed -n 's/.*post-trial p \([^ ]*\)$/\1/p' one_temporal.err)
[ -n "$tp" ] && [ "$tp" = "$(field one_tsweep.txt post_trial_p)" ] ||
  fail "temporal 1-point post_trial_p: temporal '$tp', sweep $(field one_tsweep.txt post_trial_p)"
# A temporal ΔT × flare-cut sweep: 2 ranks = 1 rank.
for np in 1 2; do
  run tnp$np "$MPI" -n $np "$BIN" sweep --test temporal $IN --axis "delta_t: 180,365" \
    --axis "flare_cut: 0,1" --factor 1.3 --trials 40 --output tnp$np.h5
done
cmp -s tnp1.txt tnp2.txt || fail "temporal sweep: 2 ranks print differently"
same_trials tnp1.h5 /sweep/trials/statistic tnp2.h5 /sweep/trials/statistic

# 3. 2 and 4 ranks = 1 rank.
for np in 2 4; do
  run np$np "$MPI" -n $np "$BIN" sweep $IN --axis "delta_t: 180,365,730" --axis "factor: 1.0,1.3" \
    --trials 60 --output np$np.h5
  cmp -s sweep1.txt np$np.txt || { fail "$np ranks print differently"; diff sweep1.txt np$np.txt; }
  same_trials sweep1.h5 /sweep/trials/statistic np$np.h5 /sweep/trials/statistic
done

# 4. Job-array tasks split the trials; the merge equals one task.
"$BIN" table --archive sweep1.h5 --analysis sweep --table points > one.points
for tasks in 1 2 3; do
  merged_equals_one_task $tasks $((60 / tasks)) sweep1.txt one.points \
    $IN --axis "delta_t: 180,365,730" --axis "factor: 1.0,1.3"
done
# A task missing from the array is refused, naming the gap.
"$BIN" table --merge --analysis sweep --archive task3_0.h5 task3_2.h5 > gap.txt 2> gap.err
[ $? -eq 2 ] || fail "a gap in the trial ranges: exit not 2"
grep -q 'task3_2.h5.*trials start at global index 40, expected 20' gap.err || { fail "gap message"; cat gap.err; }

# Archives of another sweep are refused.
"$BIN" table --merge --analysis sweep --archive sweep1.h5 one_sweep.h5 > other.txt 2> other.err
[ $? -eq 2 ] || fail "another sweep merged: exit not 2"
grep -q 'one_sweep.h5.*not a task of the same sweep' other.err || { fail "another-sweep message"; cat other.err; }

# 5. A correlated axis: fewer effective trials than points.
run corr "$BIN" sweep $IN --axis "delta_t: 100:1000:10" --factor 1.0 --trials 200 --output corr.h5
"$PY" - corr.txt <<'PY' || fail "correlated axis: not 1 < n_eff < 10 with post < Sidak: $(tail -1 corr.txt)"
import sys
last = open(sys.argv[1]).read().splitlines()[-1]
kv = dict(w.split("=") for w in last.split()[1:])
n_eff, post, sidak = float(kv["n_eff"]), float(kv["post_trial_p"]), float(kv["sidak_p"])
sys.exit(0 if int(kv["n_points"]) == 10 and 1 < n_eff < 10 and post < sidak else 1)
PY

# The heat map (tools/plot_sweep.py), where matplotlib is installed.
if "$PY" -c 'import matplotlib' 2>/dev/null; then
  "$PY" "$SRC/tools/plot_sweep.py" sweep1.h5 delta_t factor heat.png || fail "plot_sweep.py"
  [ -s heat.png ] || fail "plot_sweep.py wrote no figure"
  "$PY" "$SRC/tools/plot_sweep.py" sweep1.h5 delta_t band bad.png 2> plot.err &&
    fail "plot_sweep.py accepted an axis the sweep does not have"
fi

# 6. A bad axis in a deck: one line naming the deck and its line, no archive.
printf '[sweep]\nband = wise_w2\naxis = delta_t: 100,200\naxis = nonsense: 1,2\n' > bad.ini
"$BIN" sweep --config bad.ini --alerts $D/alerts.csv --sources $D/catalog.csv \
  --lightcurves $D/lightcurves.csv.xz --output bad.h5 > bad.txt 2> bad.err
rc=$?
[ $rc -eq 2 ] || fail "bad axis: exit $rc, expected 2"
[ "$(wc -l < bad.err)" -eq 1 ] || { fail "bad axis: stderr not one line"; cat bad.err; }
grep -q 'nonsense' bad.err || { fail "bad axis: message lacks the key"; cat bad.err; }
ls bad.h5* > /dev/null 2>&1 && fail "bad axis: archive left behind"
exit $status
