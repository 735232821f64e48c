#!/bin/sh
# nuflare sweep --test spatial against what it must reproduce (docs/methods.md
# "Sweeps"; blazar paper §6.3), on the demo tracks with few trials:
#   - a 1-point sweep equals `nuflare spatial` (trials bit for bit, the
#     observed counts, the trial means and the p-values of every group and
#     threshold);
#   - an angerr_scale × group sweep: the points at scale 0.5 equal
#     `nuflare spatial --angerr-scale 0.5` for their group (the same skies);
#   - 1, 2 and 4 ranks print and store the same;
#   - 2 and 3 job-array tasks merged by `nuflare table --merge` equal one task;
#   - a group the catalogue lacks, a time-test key (band) and a spatial
#     sweep without events each fail with one line, exit 2, no archive.
. "${NUFLARE_SOURCE_DIR:?}/tests/regression/sweep/start.sh"
IN="--events $D/events/SIM01_exp.csv.xz $D/events/SIM02_exp.csv.xz --sources $D/catalog.csv
    --log10e-min 4.8 --log10e-max 5.6 --log10e-step 0.4 --quiet"

# `nuflare spatial` at one point = the sweep's columns of that point, group by
# group: /spatial/<g>/trials/n_near and /spatial/summary against
# /sweep/trials/statistic and /sweep/points (rows where `select` holds).
same_as_spatial() { # spatial.h5 sweep.h5 [axis=value ...]
  "$PY" - "$@" <<'PY' || fail "sweep $2 differs from nuflare spatial $1 ($*)"
import sys, h5py, numpy as np
sp, sw = h5py.File(sys.argv[1], "r"), h5py.File(sys.argv[2], "r")
pts = sw["/sweep/points"]
names = list(pts.dtype.names) if hasattr(pts, "dtype") and pts.dtype.names else list(pts.keys())
col = lambda n: np.array(pts[n][()]) if not (hasattr(pts, "dtype") and pts.dtype.names) else pts[n]
txt = lambda v: v.decode() if isinstance(v, bytes) else str(v)
rows = np.ones(len(col("statistic")), bool)
for cond in sys.argv[3:]:
    k, v = cond.split("=")
    rows &= np.array([txt(x) == v or (not isinstance(x, (bytes, str)) and float(x) == float(v))
                      for x in col(k)])
trials = sw["/sweep/trials/statistic"][()]
group = np.array([txt(x) for x in col("group")])
ok = True
summary = sp["/spatial/summary"]
s_group = np.array([txt(x) for x in summary["group"][()]])
for g in dict.fromkeys(group[rows]):
    sel = rows & (group == g)
    ref = sp[f"/spatial/{g}/trials/n_near"][()].astype(float)
    if ref.shape != trials[:, sel].shape or not np.array_equal(ref, trials[:, sel]):
        print(f"group {g}: trials differ"); ok = False
    s = s_group == g
    for a, b in (("n_observed", "statistic"), ("n_expected", "trial_mean"), ("p_value", "p_value"),
                 ("log10e_min", "log10e_min")):
        x, y = summary[a][()][s].astype(float), col(b)[sel].astype(float)
        if not np.array_equal(x, y):
            print(f"group {g}: {a} {x} != {b} {y}"); ok = False
sys.exit(0 if ok and rows.any() else 1)
PY
}

# 1. A 1-point sweep (no axis) = `nuflare spatial`, every group.
run spatial "$BIN" spatial $IN --trials 150 --output spatial.h5
run one "$BIN" sweep --test spatial $IN --trials 150 --output one.h5
same_as_spatial spatial.h5 one.h5
[ "$(field one.txt n_points)" = 1 ] || fail "1-point sweep: n_points $(field one.txt n_points)"

# 2. angerr_scale × group: the points at scale 0.5 = `nuflare spatial --angerr-scale 0.5`.
AX='--axis angerr_scale:0.5,1.0 --axis group:TXS-like,CFS'
run half "$BIN" spatial $IN --angerr-scale 0.5 --trials 150 --output half.h5
run grid1 "$BIN" sweep --test spatial $IN $AX --trials 150 --output grid1.h5
same_as_spatial half.h5 grid1.h5 angerr_scale=0.5
same_as_spatial spatial.h5 grid1.h5 angerr_scale=1
[ "$(field grid1.txt n_points)" = 4 ] && [ "$(field grid1.txt n_columns)" = 12 ] ||
  fail "grid: $(tail -1 grid1.txt), expected n_points=4 n_columns=12"

# 3. 2 and 4 ranks = 1 rank.
for np in 2 4; do
  run grid$np "$MPI" -n $np "$BIN" sweep --test spatial $IN $AX --trials 150 --output grid$np.h5
  cmp -s grid1.txt grid$np.txt || { fail "$np ranks print differently"; diff grid1.txt grid$np.txt; }
  "$PY" - grid1.h5 grid$np.h5 <<'PY' || fail "$np ranks store other trials"
import sys, h5py, numpy as np
a, b = (h5py.File(f, "r")["/sweep/trials/statistic"][()] for f in sys.argv[1:])
sys.exit(0 if np.array_equal(a, b) else 1)
PY
done

# 4. Job-array tasks split the trials; the merge equals one task.
"$BIN" table --archive grid1.h5 --analysis sweep --table points > one.points
for tasks in 2 3; do
  merged_equals_one_task $tasks $((150 / tasks)) grid1.txt one.points --test spatial $IN $AX
done

# The heat map over an axis and the thresholds (tools/plot_sweep.py), where
# matplotlib is installed.
if "$PY" -c 'import matplotlib' 2>/dev/null; then
  "$PY" "$SRC/tools/plot_sweep.py" grid1.h5 angerr_scale log10e_min heat.png --fix group=CFS ||
    fail "plot_sweep.py over angerr_scale x log10e_min"
  [ -s heat.png ] || fail "plot_sweep.py wrote no figure"
fi

# 5. A group the catalogue lacks: one line, exit 2, no archive.
"$BIN" sweep --test spatial $IN --axis "group: TXS-like, nonesuch" --trials 10 --output bad.h5 \
  > bad.txt 2> bad.err
rc=$?
[ $rc -eq 2 ] || fail "unknown group: exit $rc, expected 2"
[ "$(wc -l < bad.err)" -eq 1 ] || { fail "unknown group: stderr not one line"; cat bad.err; }
grep -q 'catalog.csv.*group.*nonesuch' bad.err || { fail "unknown group: message"; cat bad.err; }
ls bad.h5* > /dev/null 2>&1 && fail "unknown group: archive left behind"
# 6. A key of the time tests, and no events: one line each, exit 2.
"$BIN" sweep --test spatial $IN --band fermi --trials 10 --output bad.h5 > bad.txt 2> bad.err
[ $? -eq 2 ] && [ "$(wc -l < bad.err)" -eq 1 ] && grep -q -- '--band: does not apply to test = spatial' bad.err ||
  { fail "a time-test key in a spatial sweep"; cat bad.err; }
"$BIN" sweep --test spatial --sources $D/catalog.csv --trials 10 --output bad.h5 > bad.txt 2> bad.err
[ $? -eq 2 ] && [ "$(wc -l < bad.err)" -eq 1 ] && grep -q -- '--events is required with test = spatial' bad.err ||
  { fail "a spatial sweep without events"; cat bad.err; }
ls bad.h5* > /dev/null 2>&1 && fail "refused runs: archive left behind"
exit $status
