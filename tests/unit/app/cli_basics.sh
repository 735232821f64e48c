#!/usr/bin/env bash
# The command-line contract common to every subcommand (README.md): --help,
# --version, unknown subcommands and options, decks, and `nuflare table`.
# Every failure must be one line on stderr, exit status 2, and no output file.
set -uo pipefail
bin=${NUFLARE_BIN:?}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0
check() { # check NAME EXPECTED_STATUS CMD...
  local name=$1 want=$2
  shift 2
  "$@" >"$tmp/out" 2>"$tmp/err"
  local got=$?
  if [[ $got != "$want" ]]; then
    echo "FAIL $name: exit $got, expected $want; stderr: $(cat "$tmp/err")"
    fails=$((fails + 1))
  fi
}
one_line_error() { # one_line_error NAME PATTERN
  local lines
  lines=$(wc -l <"$tmp/err")
  if [[ $lines != 1 ]] || ! grep -q -- "$2" "$tmp/err"; then
    echo "FAIL $1: expected one stderr line matching '$2', got: $(cat "$tmp/err")"
    fails=$((fails + 1))
  fi
}

check help 0 "$bin" --help
grep -q "table" "$tmp/out" || { echo "FAIL help lists no subcommands"; fails=$((fails + 1)); }
check version 0 "$bin" --version
grep -q "^nuflare [0-9]" "$tmp/out" || { echo "FAIL version"; fails=$((fails + 1)); }
check no-args 2 "$bin"
check unknown-subcommand 2 "$bin" frobnicate
one_line_error unknown-subcommand 'unknown subcommand "frobnicate"'
check table-help 0 "$bin" table --help
grep -q -- "--archive" "$tmp/out" || { echo "FAIL table --help"; fails=$((fails + 1)); }
check unknown-option 2 "$bin" table --archive x.h5 --analysis a --bogus
one_line_error unknown-option "bogus"
check missing-archive 2 "$bin" table --archive "$tmp/none.h5" --analysis spatial
one_line_error missing-archive "none.h5: no such file"
echo "not hdf5" >"$tmp/junk.h5"
check junk-archive 2 "$bin" table --archive "$tmp/junk.h5" --analysis spatial
one_line_error junk-archive "junk.h5: not an HDF5 file"

# A deck with an unknown key names the deck, the line and the key.
printf '# deck\narchive = x.h5\nanalysys = spatial\n' >"$tmp/bad.ini"
check deck-unknown-key 2 "$bin" table --config "$tmp/bad.ini"
one_line_error deck-unknown-key "bad.ini:3: analysys: unknown key"
printf 'archive = x.h5\n[frob]\n' >"$tmp/bad2.ini"
check deck-unknown-section 2 "$bin" table --config "$tmp/bad2.ini"
one_line_error deck-unknown-section "bad2.ini:2: \[frob\]: unknown section"

# `nuflare table` on an archive written by h5py in the documented layout.
if /usr/bin/python3 -c "import h5py" 2>/dev/null; then
  /usr/bin/python3 - "$tmp/t.h5" <<'PY'
import sys, h5py, numpy as np
with h5py.File(sys.argv[1], "w") as f:
    f.attrs["format"] = np.bytes_("nuflare-archive")
    g = f.create_group("spatial/summary")
    g.attrs["columns"] = np.bytes_("group,log10e_min,n_observed,p_value")
    g["group"] = np.array([b"txs_like", b"cfs"], dtype="S8")
    g["log10e_min"] = np.array([4.8, 4.9])
    g["n_observed"] = np.array([3, 1], dtype=np.int64)
    g["p_value"] = np.array([0.0123, 1.0])
PY
  # Decks: the later deck and then the command line override earlier values.
  printf 'archive = %s\nanalysis = nothing\nformat = markdown\n' "$tmp/t.h5" >"$tmp/a.ini"
  printf '[table]\nanalysis = spatial\n' >"$tmp/b.ini"
  check table-csv 0 "$bin" table --config "$tmp/a.ini" --config "$tmp/b.ini" --format csv
  expected=$'group,log10e_min,n_observed,p_value\ntxs_like,4.8,3,0.0123\ncfs,4.9,1,1'
  [[ "$(cat "$tmp/out")" == "$expected" ]] || { echo "FAIL table-csv: $(cat "$tmp/out")"; fails=$((fails + 1)); }
  check table-markdown 0 "$bin" table --config "$tmp/a.ini" --config "$tmp/b.ini"
  grep -q "^| txs_like | 4.8 " "$tmp/out" || { echo "FAIL table-markdown: $(cat "$tmp/out")"; fails=$((fails + 1)); }
  check table-missing-analysis 2 "$bin" table --archive "$tmp/t.h5" --analysis scan
  one_line_error table-missing-analysis "no such analysis in the archive (it has: spatial)"
  check table-bad-format 2 "$bin" table --archive "$tmp/t.h5" --analysis spatial --format xml
  one_line_error table-bad-format "expected csv or markdown"
  # A sweep: several archives give one table and the post-trial p across it,
  # 1 - (1 - 0.0123)^2 = 0.02444871.
  cp "$tmp/t.h5" "$tmp/t2.h5"
  check table-sweep 0 "$bin" table --archive "$tmp/t.h5" "$tmp/t2.h5" --analysis spatial
  [[ $(grep -c "^$tmp/t2.h5,cfs,4.9,1,1$" "$tmp/out") == 1 ]] ||
    { echo "FAIL table-sweep rows: $(cat "$tmp/out")"; fails=$((fails + 1)); }
  grep -q "^# sweep: 2 archives; best p = 0.0123 (.*t.h5); post_trial_p=0.02444871$" "$tmp/out" ||
    { echo "FAIL table-sweep post-trial: $(cat "$tmp/out")"; fails=$((fails + 1)); }
else
  echo "note: h5py missing for /usr/bin/python3; table-printing checks skipped"
fi

if ((fails > 0)); then
  echo "$fails check(s) failed"
  exit 1
fi
echo "cli basics: all checks passed"
