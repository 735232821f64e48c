#!/bin/sh
# Real-data regression of the time campaigns (blazar paper §5):
# IceCat-1 alerts, the 4FGL-DR2 catalogue with its yearly flux history, and
# the Fermi LCR monthly light curves of the four sources in ../shared/data.
# Runs at 1 and 2 ranks, compares stdout with the stored references and checks
# that `nuflare table` prints the summaries. Skips (77) when the data are absent.
# Regenerate the references: NUFLARE_REGEN=1 run_real_data.sh
set -eu
BIN=${NUFLARE_BIN:?}
SHARED=${NUFLARE_SHARED_DIR:-$(dirname "$0")/../../../../shared}
HERE=$(cd "$(dirname "$0")" && pwd)
D=$SHARED/data
ALERTS=$D/icecube_alerts_icecat1/IceCube_Gold_Bronze_Tracks.csv
CAT=$D/fermi_4fgl_dr2/4fgl_dr2_v27_main.csv
YEARLY=$D/fermi_4fgl_dr2/4fgl_dr2_v27_flux_history_yearly.csv
for f in "$ALERTS" "$CAT" "$YEARLY"; do
  [ -f "$f" ] || { echo "skip: $f absent"; exit 77; }
done
set -- "$D"/fermi_lcr_lightcurves/*monthly*.csv
[ -f "$1" ] || { echo "skip: no Fermi LCR monthly light curves"; exit 77; }
LCR="$*"
MPIEXEC=${MPIEXEC:-mpirun}
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
CUTS="--min-abs-glat 10 --max-abs-dec 40 --min-variability-index 18.48"

run() { # name np args...
  name=$1; np=$2; shift 2
  if [ "$np" = 1 ]; then "$BIN" "$@" --quiet --output "$TMP/$name.h5" > "$TMP/$name.np$np.csv"
  else "$MPIEXEC" --oversubscribe -np "$np" "$BIN" "$@" --quiet --output "$TMP/$name.np$np.h5" \
      > "$TMP/$name.np$np.csv"; fi
}
for np in 1 2; do
  # Fig. 3 analogue on the 4FGL yearly fluxes of the paper's γ-ray selection.
  run scan_4fgl_yearly $np scan --alerts "$ALERTS" --sources "$CAT" --lightcurves "$YEARLY" \
    --lightcurve-format 4fgl-yearly --band fermi_yearly --delta-t-grid 365,730 \
    --factor-grid 1.1,1.3,1.5 $CUTS --trials 300 --seed 7
  # Control trials, flare cut 1.5, shifts of one year over ±3600 d.
  run temporal_4fgl_yearly $np temporal --alerts "$ALERTS" --sources "$CAT" --lightcurves "$YEARLY" \
    --lightcurve-format 4fgl-yearly --band fermi_yearly --delta-t 730 --shift-step 365 \
    --factor 1.3 --flare-cut 1.5 $CUTS --trials 300 --seed 7
  # The four LCR sources (monthly), scan only: 3 of them lie in alert regions.
  run scan_lcr_monthly $np scan --alerts "$ALERTS" --sources "$CAT" --lightcurves $LCR \
    --lightcurve-format fermi-lcr --band fermi --delta-t-grid 30,90,180 --factor-grid 1.0,1.5 \
    --trials 300 --seed 7
done
status=0
for name in scan_4fgl_yearly temporal_4fgl_yearly scan_lcr_monthly; do
  cmp -s "$TMP/$name.np1.csv" "$TMP/$name.np2.csv" || { echo "FAIL: $name differs between 1 and 2 ranks"; status=1; }
  if [ "${NUFLARE_REGEN:-0}" = 1 ]; then cp "$TMP/$name.np1.csv" "$HERE/$name.csv"; fi
  cmp -s "$TMP/$name.np1.csv" "$HERE/$name.csv" || { echo "FAIL: $name differs from the reference"; diff "$HERE/$name.csv" "$TMP/$name.np1.csv" | head; status=1; }
done
"$BIN" table --archive "$TMP/scan_4fgl_yearly.h5" --analysis scan > "$TMP/t.csv"
head -1 "$TMP/t.csv" | grep -q '^delta_t,factor,n_pairs,r0' || { echo "FAIL: nuflare table scan"; status=1; }
"$BIN" table --archive "$TMP/temporal_4fgl_yearly.h5" --analysis temporal --format markdown > /dev/null || status=1
exit $status
