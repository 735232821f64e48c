#!/usr/bin/env bash
# `nuflare simulate` end to end: a tiny deck writes every file, the same seed
# gives the same bytes, and bad input exits 2 naming file:line:key with no
# output folder left behind.
set -euo pipefail

NUFLARE=${NUFLARE_BIN:?NUFLARE_BIN must point at the nuflare executable}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"

fail() { echo "FAIL: $*" >&2; exit 1; }

cat > tiny.ini <<'DECK'
# a tiny sky
[simulate]
seed = 5
events.seasons = 2
events.per_season = 400
alerts.count = 6
catalog.count = 15
inject.alert_flares = 1
DECK

"$NUFLARE" simulate --config tiny.ini --output out/sky > summary.csv
for f in events/SIM01_exp.csv.xz events/SIM02_exp.csv.xz uptime/SIM01_exp.csv \
         irfs/SIM02_effectiveArea.csv alerts.csv catalog.csv lightcurves.csv.xz \
         followup/ztf_overview.csv truth/flares.csv truth/alert_flares.csv simulate.ini; do
  [[ -s out/sky/$f ]] || fail "missing or empty: $f"
done
grep -q '^events/SIM01_exp.csv.xz,400$' summary.csv || fail "summary: $(cat summary.csv)"
[[ $(xzcat out/sky/events/SIM02_exp.csv.xz | grep -vc '^#') == 400 ]] || fail "event count"
[[ $(wc -l < out/sky/catalog.csv) == 16 ]] || fail "catalogue rows"
[[ $(wc -l < out/sky/truth/alert_flares.csv) == 2 ]] || fail "alert flares"

# The written deck reproduces the sky; the command line overrides the deck.
"$NUFLARE" simulate --config out/sky/simulate.ini --output again > /dev/null
diff -r out/sky again > /dev/null || fail "simulate.ini does not reproduce the sky"
"$NUFLARE" simulate --config tiny.ini --seed 6 --output other --compress gz > /dev/null
[[ -s other/lightcurves.csv.gz ]] || fail "--compress gz"
cmp -s out/sky/catalog.csv other/catalog.csv && fail "--seed did not change the sky"

# Existing output: refused (exit 2, untouched) unless --overwrite.
set +e
"$NUFLARE" simulate --config tiny.ini --output out/sky 2> err.txt
status=$?
set -e
[[ $status == 2 ]] || fail "existing output: status $status"
grep -q "already exists" err.txt || fail "existing output message: $(cat err.txt)"
"$NUFLARE" simulate --config tiny.ini --output out/sky --overwrite > /dev/null
diff -r out/sky again > /dev/null || fail "--overwrite changed the sky"

# Unknown deck key: exit 2, "deck:line: key", no output folder.
printf '[simulate]\nseed = 1\nevents.no_such_key = 3\n' > bad.ini
set +e
"$NUFLARE" simulate --config bad.ini --output bad_out 2> err.txt
status=$?
set -e
[[ $status == 2 ]] || fail "unknown key: status $status"
grep -q 'bad.ini:3: events.no_such_key' err.txt || fail "unknown key message: $(cat err.txt)"
[[ ! -e bad_out ]] || fail "output folder left behind after a bad key"

# Bad values: exit 2 naming the key; nothing written.
for args in "--events.uptime 1.5" "--compress zip" "--inject.sources nope" "--catalog.count x"; do
  set +e
  # shellcheck disable=SC2086
  "$NUFLARE" simulate --config tiny.ini --output bad_out $args 2> err.txt
  status=$?
  set -e
  [[ $status == 2 ]] || fail "$args: status $status"
  [[ ! -e bad_out ]] || fail "$args: output folder left behind"
  [[ -z $(ls -A . | grep partial || true) ]] || fail "$args: partial folder left behind"
done

# Two ranks: the same files as one rank.
if [[ -n ${MPIEXEC:-} ]] && command -v "$MPIEXEC" > /dev/null; then
  "$MPIEXEC" -n 2 "$NUFLARE" simulate --config tiny.ini --output mpi > /dev/null
  diff -r out/sky mpi > /dev/null || fail "2 ranks wrote a different sky"
fi
echo "simulate CLI: all checks passed"
