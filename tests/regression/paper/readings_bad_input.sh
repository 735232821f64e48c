#!/bin/bash
# Bad readings stop a run with one line naming the option, exit status 2 and
# no output on disk (docs/cli.md): the alert selection and flux-limit keys of
# docs/methods.md, "Reproducing the papers". Skips (77) without ../shared/data.
set -uo pipefail
BIN=${NUFLARE_BIN:?}
SHARED=${NUFLARE_SHARED_DIR:-${NUFLARE_SOURCE_DIR:?}/../shared}
D=$SHARED/data
IC=$D/icecube_10year_ps
ALERTS=$D/icecube_alerts_icecat1/IceCube_Gold_Bronze_Tracks.csv
[ -f "$ALERTS" ] && [ -f "$IC/events/IC40_exp.csv" ] || { echo "skip: no data at $D"; exit 77; }
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
status=0
# expect NAME MESSAGE-PART ARGS...: exit 2, one stderr line with MESSAGE-PART, nothing written.
expect() {
  local name=$1 part=$2
  shift 2
  "$BIN" spatial --events "$IC/events/IC40_exp.csv" \
    --sources "$D/paper_groups/txs_like_and_cfs_4fgl.csv" --trials 1 --output "$TMP/run.h5" \
    "$@" > /dev/null 2> "$TMP/err"
  local rc=$?
  if [ $rc -ne 2 ]; then echo "FAIL $name: exit $rc, expected 2"; status=1; fi
  if [ "$(wc -l < "$TMP/err")" -ne 1 ] || ! grep -qF -- "$part" "$TMP/err"; then
    echo "FAIL $name: stderr is not one line naming $part:"; cat "$TMP/err"; status=1
  fi
  if [ -n "$(ls "$TMP" | grep -v '^err$')" ]; then echo "FAIL $name: left $(ls "$TMP")"; status=1; fi
  [ $status -eq 0 ] && echo "ok: $name"
}
expect zero-area "--alerts-max-area: must be > 0" --alerts "$ALERTS" --alerts-max-area 0
expect bad-stream "--alerts-stream: expected any, gold or bronze" --alerts "$ALERTS" --alerts-stream platinum
expect signalness "--alerts-min-signalness" --alerts "$ALERTS" --alerts-min-signalness 1.5
expect empty-window "alerts-mjd-min" --alerts "$ALERTS" --alerts-mjd-min 59366 --alerts-mjd-max 59000
expect unknown-season "no effective-area table of season IC99" --flux-livetime-days 3652.5 \
  --flux-area-season IC99 --flux-irfs "$IC/irfs/IC40_effectiveArea.csv"
expect two-areas "--flux-area-season" --flux-livetime-days 3652.5 \
  --flux-irfs "$IC/irfs/IC40_effectiveArea.csv" "$IC/irfs/IC86_II_effectiveArea.csv"
expect no-irfs "--flux-livetime-days: needs --flux-irfs" --flux-livetime-days 3652.5
exit $status
