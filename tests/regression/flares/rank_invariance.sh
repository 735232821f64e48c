#!/bin/bash
# nuflare flares on 1, 2 and 4 ranks: identical stdout and identical archive
# datasets (docs/cli.md: "same stdout and the same archive contents for every K").
# Synthetic light curves (37 sources: does not divide evenly by 2 or 4) plus
# a third band and a too-short curve to exercise the uneven cases.
set -euo pipefail
: "${NUFLARE_BIN:?}" "${NUFLARE_SOURCE_DIR:?}"
MPIEXEC=${MPIEXEC:-mpiexec}
if ! command -v "$MPIEXEC" >/dev/null; then echo "SKIP: no mpiexec"; exit 77; fi
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

/usr/bin/python3 "$NUFLARE_SOURCE_DIR/bench/flares/make_lightcurves.py" --sources 37 --seed 7 "$tmp/lc.csv"
cat >>"$tmp/lc.csv" <<'CSV'
SYN00003,xrt,55000,1.0,0.1,0
SYN00003,xrt,55100,1.2,0.1,0
SYN00003,xrt,55200,5.0,0.2,0
SYN00003,xrt,55300,1.1,0.1,0
SHORT,fermi,55000,1e-7,1e-8,0
SHORT,fermi,55030,2e-7,1e-8,0
SHORT,wise_w2,55000,1.0,0.1,0
CSV
cat >"$tmp/src.csv" <<'CSV'
name,ra,dec,variability_index,warm_spot
SYN00001,10,10,12,0
SYN00002,20,20,10,1
SYN00005,30,-30,500,0
CSV

# Same relative input and output paths in every run: /config and /inputs record them.
for k in 1 2 4; do
  mkdir "$tmp/np$k"
  (cd "$tmp" && "$MPIEXEC" -np "$k" --oversubscribe "$NUFLARE_BIN" flares --lightcurves lc.csv \
    --sources src.csv --output run.h5 >"$tmp/out$k.csv" && mv run.h5 "np$k/run.h5")
done
test "$(wc -l <"$tmp/out1.csv")" -eq $((1 + 37 * 3 + 1 + 3)) || {
  echo "FAIL: unexpected row count $(wc -l <"$tmp/out1.csv")"; exit 1; }
for k in 2 4; do
  cmp "$tmp/out1.csv" "$tmp/out$k.csv" || { echo "FAIL: stdout differs at $k ranks"; exit 1; }
  /usr/bin/python3 "$here/compare_archives.py" "$tmp/np1/run.h5" "$tmp/np$k/run.h5" ||
    { echo "FAIL: archive differs at $k ranks"; exit 1; }
done
# blocks against astropy on every synthetic curve (several use the p0 = 0.05 fallback)
/usr/bin/python3 "$here/real_data.py" --check-archive "$tmp/np1/run.h5"
# nuflare table prints the stored summary exactly as the run printed it
"$NUFLARE_BIN" table --archive "$tmp/np1/run.h5" --analysis flares --format csv >"$tmp/table.csv"
cmp "$tmp/out1.csv" "$tmp/table.csv" || { echo "FAIL: nuflare table differs from the run's CSV"; exit 1; }
# the figure tool reads the archive (smoke test; Debian matplotlib + h5py)
if /usr/bin/python3 -c 'import matplotlib, h5py' 2>/dev/null; then
  /usr/bin/python3 "$NUFLARE_SOURCE_DIR/tools/plot_flares.py" "$tmp/np1/run.h5" -o "$tmp/fig.png" >/dev/null
  /usr/bin/python3 "$NUFLARE_SOURCE_DIR/tools/plot_flares.py" "$tmp/np1/run.h5" --source SHORT \
    -o "$tmp/short.png" >/dev/null
  [ -s "$tmp/fig.png" ] && [ -s "$tmp/short.png" ] || { echo "FAIL: plot_flares.py wrote no PNG"; exit 1; }
fi
echo "PASS: identical stdout and archives at 1, 2 and 4 ranks"
