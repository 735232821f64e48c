#!/bin/bash
# tools/reproduce.sh --quick on the real data, then the report's rows pinned
# (docs/methods.md, "Reproducing the papers"): Table 2 exactly 4/32 and 2/62
# and eq. 2 within 0.1 % of 1.459e-18 / 1.646e-18 under the paper readings,
# the default readings' numbers, the ZTF medians, f90 and Table 4 to the
# paper's rounding, the K-corrected P_det (26/16/5/4 %), the ZTF candidate
# counts of §2 and Fig. 2-4 under both readings, and nuflare's DCF lags,
# X-ray/radio flares and LCR flux units. Skips (77) when ../shared/data is absent.
set -euo pipefail
BIN=${NUFLARE_BIN:?}
SRC=${NUFLARE_SOURCE_DIR:?}
SHARED=${NUFLARE_SHARED_DIR:-$SRC/../shared}
[ -d "$SHARED/data" ] || { echo "skip: no data at $SHARED/data"; exit 77; }
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
NUFLARE_BIN=$BIN NUFLARE_SHARED_DIR=$SHARED NUFLARE_OUTPUT_DIR=$TMP NUFLARE_RANKS=2 \
  "$SRC/tools/reproduce.sh" --quick 2> "$TMP/log" || { cat "$TMP/log"; exit 1; }
[ -s "$TMP/REPORT.md" ] || { echo "FAIL: no REPORT.md"; exit 1; }
for fig in fig15_flux_limit ztf_fig15_cumulative_pdet spatial_fig12_excess fig3_scan_4fgl fig5_rt_4fgl fig8_pvalue_4fgl fig17 \
    ztf_fig2_classes ztf_fig3_magnitudes ztf_fig4_transients fig9_dcf_lags_mrk421 fig9_dcf_oj287; do
  ls "$TMP/figures" | grep -q "^$fig.*\.png$" || { echo "FAIL: figure $fig missing"; exit 1; }
done
/usr/bin/python3 "$(dirname "$0")/check_report.py" "$TMP/report.csv"
