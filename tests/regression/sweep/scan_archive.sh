#!/bin/sh
# `nuflare scan` runs on the sweep code (docs/methods.md "Sweeps"): its
# archive must stay what the scan-only campaign wrote. scan_archive.ref is
# the digest (archive_digest.py: every group, dataset, type, shape, chunking,
# attribute and value; not the run's time, version, ranks or paths) of the
# archive that the scan-only code wrote for this run; 1 and 2 ranks must
# reproduce it, and stdout must be the same at both.
. "${NUFLARE_SOURCE_DIR:?}/tests/regression/sweep/start.sh"
HERE=$SRC/tests/regression/sweep
for np in 1 2; do
  "$MPI" -n $np "$BIN" scan --alerts "$D/alerts.csv" --sources "$D/catalog.csv" \
    --lightcurves "$D/lightcurves.csv.xz" --band fermi --delta-t-grid 180,365,730 \
    --factor-grid 1.0,1.3 --trials 100 --output np$np.h5 --quiet > np$np.txt ||
    fail "scan on $np ranks: exit $?"
  "$PY" "$HERE/archive_digest.py" np$np.h5 > np$np.dig
  cmp -s np$np.dig "$HERE/scan_archive.ref" ||
    { fail "scan archive on $np ranks differs from the scan-only code's"; diff "$HERE/scan_archive.ref" np$np.dig; }
done
cmp -s np1.txt np2.txt || fail "scan stdout differs between 1 and 2 ranks"
exit $status
