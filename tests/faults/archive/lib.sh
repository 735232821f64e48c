# Shared by the archive fault tests (sourced): the demo sky of inputs/demo,
# running nuflare on 1 rank (no mpiexec) or more, and the checks every fault
# case makes — exit status, the one line nuflare prints, what is on disk.
set -uo pipefail
bin=${NUFLARE_BIN:?}
src=${NUFLARE_SOURCE_DIR:?}
mpiexec=${MPIEXEC:-mpiexec}
py=/usr/bin/python3
deck=$src/inputs/demo/spatial.ini
here=$src/tests/faults/archive
fails=0
tmp=$(mktemp -d)
cleanup_hooks=()
cleanup() {
  for hook in "${cleanup_hooks[@]}"; do eval "$hook"; done
  rm -rf "$tmp"
}
trap cleanup EXIT

fail() { echo "FAIL $*"; fails=$((fails + 1)); }
skip() { echo "skipped: $*"; exit 77; }
need_h5py() { $py -c "import h5py, numpy" 2>/dev/null || skip "h5py/numpy missing for $py"; }

# nuflare_on NP ARGS...: `nuflare ARGS` on NP ranks; one rank runs without
# mpiexec, so that its stderr holds nuflare's lines only.
nuflare_on() {
  local np=$1
  shift
  if [[ $np == 1 ]]; then "$bin" "$@"; else "$mpiexec" -np "$np" --oversubscribe "$bin" "$@"; fi
}

# nuflare_within SECONDS NP ARGS...: nuflare_on, killed after SECONDS (exit 124).
nuflare_within() {
  local seconds=$1 np=$2
  shift 2
  if [[ $np == 1 ]]; then
    timeout "$seconds" "$bin" "$@"
  else
    timeout "$seconds" "$mpiexec" -np "$np" --oversubscribe "$bin" "$@"
  fi
}

# spatial_args OUTPUT TRIALS: the demo spatial campaign.
spatial_args() { echo spatial --config "$deck" --trials "$2" --seed 7 --output "$1" --quiet; }

# expect_error NAME STATUS GOT ERRFILE PATTERN: nuflare exited with STATUS and
# printed exactly one line of its own, matching PATTERN; no crash.
expect_error() {
  local name=$1 want=$2 got=$3 err=$4 pattern=$5
  [[ $got == "$want" ]] || fail "$name: exit $got, expected $want; stderr: $(head -c 2000 "$err")"
  local lines
  lines=$(grep -c '^nuflare: ' "$err")
  [[ $lines == 1 ]] || fail "$name: $lines lines from nuflare, expected one: $(head -c 2000 "$err")"
  grep -q -- "$pattern" "$err" || fail "$name: stderr does not match '$pattern': $(head -c 2000 "$err")"
  if grep -qiE 'segmentation|bad_alloc|internal error|signal 11|core dumped' "$err"; then
    fail "$name: crashed: $(head -c 2000 "$err")"
  fi
}

# same_archive NAME A B: same datasets, types, chunking and attributes.
same_archive() {
  local name=$1
  $py "$here/same_archive.py" "$2" "$3" >"$tmp/same.out" 2>&1 ||
    fail "$name: archives differ: $(cat "$tmp/same.out")"
}

finish() {
  [[ $fails == 0 ]] && echo "$1: ok"
  exit $((fails > 0))
}
