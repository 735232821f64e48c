#!/bin/bash
# Real-data regression of `nuflare followup` (ZTF paper §6; docs/cli.md) on
# the paper's OVERVIEW_FU.csv (24 alerts). Pins the values of
# ../shared/ORACLES.md (ZTF section): exact integration to ±0.002, the
# stein2023 notebook grid to ±0.001; compares the default run with the stored
# reference exactly; checks that `nuflare table` prints the same CSV from the
# archive, that 1 and 2 ranks give the same stdout and archive contents, and
# the archive's medians and attributes. Skips (77) when the data are absent.
# Regenerate the reference: NUFLARE_REGEN=1 run_real_data.sh
set -euo pipefail
BIN=${NUFLARE_BIN:?}
SHARED=${NUFLARE_SHARED_DIR:-$(dirname "$0")/../../../../shared}
HERE=$(cd "$(dirname "$0")" && pwd)
D=$SHARED/data/nuztfpaper/followup_xlsx_as_csv
FU=$D/OVERVIEW_FU.csv
NFU=$D/OVERVIEW_NOT_FU.csv
for f in "$FU" "$NFU"; do
  [ -f "$f" ] || { echo "skip: $f absent"; exit 77; }
done
MPIEXEC=${MPIEXEC:-mpirun}
PY=/usr/bin/python3
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
status=0
fail() { echo "FAIL: $*"; status=1; }

# value FILE EVOLUTION MAG -> the f_limit field (empty when unconstrained); fails when the row is absent.
value() {
  awk -F, -v e="$2" -v m="$3" '$1 == e && $2 == m { print $4; found = 1 } END { exit !found }' "$1"
}
# pin FILE EVOLUTION MAG EXPECTED TOLERANCE
pin() {
  local v
  v=$(value "$1" "$2" "$3") || { fail "$2 $3: no row"; return; }
  if [ -z "$v" ]; then fail "$2 f_limit($3) unconstrained, expected $4"; return; fi
  awk -v v="$v" -v x="$4" -v t="$5" 'BEGIN { d = v - x; if (d < 0) d = -d; exit !(d <= t) }' \
    || fail "$2 f_limit($3) = $v, expected $4 ± $5"
  echo "ok: $2 f_limit($3) = $v"
}

# 1. The default run of docs/cli.md: all four evolutions, -27..-15 step 0.5.
"$BIN" followup --table "$FU" > "$TMP/default.csv"
[ "$(head -1 "$TMP/default.csv")" = "evolution,abs_mag,p_detectable,f_limit" ] || fail "header"
[ "$(wc -l < "$TMP/default.csv")" -eq 101 ] || fail "expected 4 x 25 rows"
[ "$(cut -d, -f1 "$TMP/default.csv" | uniq | tr '\n' ' ')" = "evolution sfr grb blazar madau " ] \
  || fail "evolution order"
pin "$TMP/default.csv" sfr -21 0.858 0.002
pin "$TMP/default.csv" sfr -22 0.576 0.002
pin "$TMP/default.csv" blazar -26 0.259 0.002
pin "$TMP/default.csv" grb -23 0.744 0.002
v=$(value "$TMP/default.csv" grb -22) || fail "grb -22: no row"
[ -z "$v" ] || fail "grb f_limit(-22) = $v, expected unconstrained (empty)"
if [ "${NUFLARE_REGEN:-0}" = 1 ]; then cp "$TMP/default.csv" "$HERE/overview_fu_default.csv"; fi
cmp -s "$TMP/default.csv" "$HERE/overview_fu_default.csv" \
  || { fail "default run differs from the reference"; diff "$HERE/overview_fu_default.csv" "$TMP/default.csv" | head || true; }

# 2. The paper's notebook grid: "87 %", "58 %", "26 %" (ZTF paper §6).
"$BIN" followup --table "$FU" --grid stein2023 > "$TMP/stein.csv"
pin "$TMP/stein.csv" sfr -21 0.868 0.001
pin "$TMP/stein.csv" sfr -22 0.581 0.001
pin "$TMP/stein.csv" blazar -26 0.259 0.001

# 3. --evolution selects one block of the default run.
"$BIN" followup --table "$FU" --evolution GRB > "$TMP/grb.csv"
{ head -1 "$TMP/default.csv"; grep '^grb,' "$TMP/default.csv"; } | cmp -s - "$TMP/grb.csv" \
  || fail "--evolution grb differs from the grb rows of the default run"

# 4. Archive at 1 and 2 ranks: stdout equal to the default run, `nuflare table` equal to stdout.
ARGS=(followup --table "$FU" --not-followed-up "$NFU")
"$BIN" "${ARGS[@]}" --output "$TMP/np1.h5" > "$TMP/np1.csv"
"$MPIEXEC" --oversubscribe -np 2 "$BIN" "${ARGS[@]}" --output "$TMP/np2.h5" > "$TMP/np2.csv"
cmp -s "$TMP/np1.csv" "$TMP/default.csv" || fail "stdout with --output differs from the default run"
cmp -s "$TMP/np1.csv" "$TMP/np2.csv" || fail "stdout differs between 1 and 2 ranks"
for np in 1 2; do
  [ -f "$TMP/np$np.h5" ] && [ ! -e "$TMP/np$np.h5.partial" ] || fail "archive np$np not committed"
  "$BIN" table --archive "$TMP/np$np.h5" --analysis followup > "$TMP/table$np.csv"
  cmp -s "$TMP/table$np.csv" "$TMP/np1.csv" || { fail "nuflare table (np$np) differs from stdout"; diff "$TMP/np1.csv" "$TMP/table$np.csv" | head || true; }
done
"$BIN" table --archive "$TMP/np1.h5" --analysis followup --table table4 --format markdown > /dev/null \
  || fail "nuflare table table4"
"$BIN" table --archive "$TMP/np1.h5" --analysis followup --table rejections > "$TMP/rej.csv" \
  || fail "nuflare table rejections"

# 5. Archive contents: same at 1 and 2 ranks; ORACLES.md values.
"$PY" - "$TMP/np1.h5" "$TMP/np2.h5" <<'PY' || status=1
import sys
import h5py
import numpy as np

bad = []
a, b = (h5py.File(p, "r") for p in sys.argv[1:3])

def walk(g, out, prefix=""):
    for k, v in g.items():
        if isinstance(v, h5py.Group):
            walk(v, out, prefix + "/" + k)
        else:
            out[prefix + "/" + k] = v[()]
    for k, v in g.attrs.items():
        out[prefix + "@" + k] = v

da, db = {}, {}
walk(a["/followup"], da)
walk(b["/followup"], db)
if da.keys() != db.keys():
    bad.append("archive members differ between 1 and 2 ranks")
for k in da:
    x, y = np.asarray(da[k]), np.asarray(db.get(k))
    if x.dtype.kind == "f":
        same = x.shape == y.shape and np.array_equal(x, y, equal_nan=True)
    else:
        same = x.shape == y.shape and bool(np.all(x == y))
    if not same:
        bad.append(f"{k} differs between 1 and 2 ranks")

f = a["/followup"]
def near(name, got, want, tol):
    ok = abs(got - want) <= tol
    print(("ok: " if ok else "FAIL: ") + f"{name} = {got:.7g} (ORACLES.md {want} ± {tol})")
    if not ok:
        bad.append(name)

near("sum P_obs P_astro", f.attrs["sum_p_astro_obs"], 8.9025, 5e-5)
near("f P_det limit 90%", f.attrs["f_pdet_limit"], 0.2441898, 1e-7)
for evo, m in (("sfr", 0.625), ("grb", 1.331), ("blazar", 0.553)):
    near(f"median {evo}", f[f"pdist/{evo}"].attrs["median"], m, 6e-4)
for evo in ("sfr", "grb", "blazar", "madau"):
    g = f[f"pdist/{evo}"]
    cdf = g["cdf"][()]
    if not (abs(cdf[0]) < 1e-12 and abs(cdf[-1] - 1) < 1e-9 and np.all(np.diff(cdf) >= -1e-12)):
        bad.append(f"pdist/{evo}/cdf not a CDF")
    x1, x2, x4 = (f[f"fig18/{evo}/f_limit_x{k}"][()] for k in (1, 2, 4))
    both = ~np.isnan(x2) & ~np.isnan(x1)
    if not np.all(x2[both] < x1[both]) or np.sum(~np.isnan(x4)) < np.sum(~np.isnan(x1)):
        bad.append(f"fig18/{evo}: more alerts must not loosen the limit")
    z, d = f[f"fig19/{evo}/f_limit_ztf"][()], f[f"fig19/{evo}/f_limit_deep"][()]
    if np.sum(~np.isnan(d)) < np.sum(~np.isnan(z)):
        bad.append(f"fig19/{evo}: the deeper survey must constrain at least as many M")
t4 = f["table4"]
if len(t4["name"]) != 24:
    bad.append("table4 must have 24 alerts")
rej = f["rejections"]
if int(np.sum(rej["count"][()])) != 68:
    bad.append("rejections must count 68 alerts (docs/methods.md (ZTF follow-up))")
for m in bad:
    print("FAIL:", m)
sys.exit(1 if bad else 0)
PY

# 6. The stein2023 medians of ORACLES.md (the notebook grid), and the archive
# curves on the CSV's grid equal to the CSV bit for bit (the command's cached
# P_det helper against the library's limit_curve), in both grid modes.
for grid in stein2023 exact; do
  "$BIN" followup --table "$FU" --grid $grid --curve-step 0.5 --output "$TMP/$grid.h5" > "$TMP/$grid.out"
  cmp -s "$TMP/$grid.out" "$TMP/$( [ $grid = exact ] && echo default || echo stein ).csv" \
    || fail "--curve-step changed the $grid CSV"
done
"$PY" - "$TMP/stein2023.h5" "$TMP/exact.h5" <<'PY' || status=1
import sys
import h5py
import numpy as np
bad = 0
for path in sys.argv[1:]:
    f = h5py.File(path, "r")["/followup"]
    grid = f.attrs["grid"]
    grid = grid.decode() if isinstance(grid, bytes) else grid
    if grid == "stein2023":
        for evo, m in (("sfr", 0.636), ("grb", 1.340), ("blazar", 0.564)):
            got = f["pdist"][evo].attrs["median"]
            ok = abs(got - m) <= 5e-4
            print(("ok: " if ok else "FAIL: ") + f"stein2023 median {evo} = {got:.4f} (ORACLES.md {m})")
            bad += not ok
    s = f["summary"]
    evo = np.array([e.decode() if isinstance(e, bytes) else e for e in s["evolution"][()]])
    flim = [x.decode() if isinstance(x, bytes) else x for x in s["f_limit"][()]]
    flim = np.array([float(x) if x else np.nan for x in flim])
    for e in ("sfr", "grb", "blazar", "madau"):
        m = evo == e
        c = f["curves"][e]
        same = (np.array_equal(c["abs_mag"][()], s["abs_mag"][()][m])
                and np.array_equal(c["p_detectable"][()], s["p_detectable"][()][m])
                and np.array_equal(c["f_limit"][()], flim[m], equal_nan=True)
                and np.array_equal(f["fig18"][e]["f_limit_x1"][()], flim[m], equal_nan=True))
        if not same:
            print(f"FAIL: {grid}: curves/{e} differ from the summary")
            bad += 1
    print(f"ok: {grid}: curves equal the summary" if not bad else "")
sys.exit(1 if bad else 0)
PY
exit $status
