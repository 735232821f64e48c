#!/bin/sh
# nuflare sweep --test simultaneity against what it must reproduce
# (docs/methods.md "Sweeps"; blazar paper §6.2), on the demo alerts and
# catalogue with a ρ table drawn here, few trials:
#   - a 1-point sweep equals `nuflare simultaneity` (trials bit for bit, the
#     observed and mean ρ and the p-value of every subgroup);
#   - in a factor × split_deg sweep the point (1.5, 2) equals
#     `nuflare simultaneity --factor 1.5 --split-deg 2` (the same skies);
#   - 1, 2 and 4 ranks print and store the same;
#   - 2 and 3 job-array tasks merged by `nuflare table --merge` equal one task;
#   - a key of the time tests (delta_t) fails with one line, exit 2.
. "${NUFLARE_SOURCE_DIR:?}/tests/regression/sweep/start.sh"
# ρ for 60 % of the catalogue (the others flare in one band at most: NaN).
"$PY" - "$D/catalog.csv" <<'PY'
import csv, random, sys
random.seed(3)
with open("rho.csv", "w") as f:
    f.write("source,rho\n")
    for row in csv.DictReader(open(sys.argv[1])):
        if random.random() < 0.6:
            f.write(f"{row['name']},{random.random():.4f}\n")
PY
IN="--alerts $D/alerts.csv --sources $D/catalog.csv --rho rho.csv --quiet"

# `nuflare simultaneity` = the sweep's three columns of point `point`.
same_as_single() { # single.h5 sweep.h5 point
  "$PY" - "$@" <<'PY' || fail "sweep $2 point $3 differs from nuflare simultaneity $1"
import sys, h5py, numpy as np
one, sw, p = h5py.File(sys.argv[1], "r"), h5py.File(sys.argv[2], "r"), int(sys.argv[3])
cols = slice(3 * p, 3 * p + 3)
ok = np.array_equal(one["/simultaneity/trials/rho_mean"][()], sw["/sweep/trials/statistic"][()][:, cols],
                    equal_nan=True)
s, t = one["/simultaneity/summary"], sw["/sweep/points"]
for a, b in (("rho_mean_observed", "statistic"), ("rho_mean_trials", "trial_mean"),
             ("p_value", "p_value"), ("n_sources", "n_sources")):
    x, y = np.asarray(s[a][()], float), np.asarray(t[b][()], float)[cols]
    if not np.array_equal(x, y, equal_nan=True):
        print(f"{a} {x} != {b} {y}"); ok = False
sys.exit(0 if ok else 1)
PY
}

# 1. A 1-point sweep = `nuflare simultaneity`.
run single "$BIN" simultaneity $IN --trials 200 --output single.h5
run one "$BIN" sweep --test simultaneity $IN --trials 200 --output one.h5
same_as_single single.h5 one.h5 0

# 2. factor × split_deg: point 5 (factor 1.5, split 2) = the single test there.
AX='--axis factor:1.0,1.5 --axis split_deg:0.5,1,2'
run far "$BIN" simultaneity $IN --factor 1.5 --split-deg 2 --trials 200 --output far.h5
run grid1 "$BIN" sweep --test simultaneity $IN $AX --trials 200 --output grid1.h5
same_as_single far.h5 grid1.h5 5
[ "$(field grid1.txt n_points)" = 6 ] && [ "$(field grid1.txt n_columns)" = 18 ] ||
  fail "grid: $(tail -1 grid1.txt), expected n_points=6 n_columns=18"

# 3. 2 and 4 ranks = 1 rank.
for np in 2 4; do
  run grid$np "$MPI" -n $np "$BIN" sweep --test simultaneity $IN $AX --trials 200 --output grid$np.h5
  cmp -s grid1.txt grid$np.txt || { fail "$np ranks print differently"; diff grid1.txt grid$np.txt; }
done

# 4. Job-array tasks split the trials; the merge equals one task.
"$BIN" table --archive grid1.h5 --analysis sweep --table points > one.points
for tasks in 2 3; do
  n=$((198 / tasks))
  [ $tasks -eq 2 ] && n=100
  # The one-task reference of the same trials.
  run ref$tasks "$BIN" sweep --test simultaneity $IN $AX --trials $((n * tasks)) --output ref$tasks.h5
  "$BIN" table --archive ref$tasks.h5 --analysis sweep --table points > ref$tasks.points
  merged_equals_one_task $tasks $n ref$tasks.txt ref$tasks.points --test simultaneity $IN $AX
done

# 5. A key of the time tests: one line, exit 2, no archive.
"$BIN" sweep --test simultaneity $IN --delta-t 100 --trials 10 --output bad.h5 > bad.txt 2> bad.err
[ $? -eq 2 ] && [ "$(wc -l < bad.err)" -eq 1 ] &&
  grep -q -- '--delta-t: does not apply to test = simultaneity' bad.err ||
  { fail "a time-test key in a simultaneity sweep"; cat bad.err; }
"$BIN" sweep --test simultaneity $IN --axis "band: a,b" --trials 10 --output bad.h5 > bad.txt 2> bad.err
[ $? -eq 2 ] && grep -q 'band.*is not a key of test = simultaneity' bad.err ||
  { fail "a band axis in a simultaneity sweep"; cat bad.err; }
ls bad.h5* > /dev/null 2>&1 && fail "refused runs: archive left behind"
exit $status
