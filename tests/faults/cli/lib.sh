# shellcheck shell=bash disable=SC2034 # bin, demo, mpiexec: for the sourcing scripts
# Helpers of the command-line fault tests (sourced). Every case asserts the
# exit status, the one-line message on stderr, an empty stdout, and what is
# left on disk.
#
#   refuse NAME STATUS MESSAGE CMD...   run CMD; expect STATUS, one stderr line
#                                       containing MESSAGE (fixed string), no stdout
#   snapshot DIR                        names, sizes and checksums of every file
#                                       under DIR (to compare before and after)
# Cases run in the folder work/ of a temporary folder $tmp.
#   absent NAME PATH...                 none of PATH exists
#   fail NAME TEXT                      record a failure
#   finish TITLE                        exit 1 when a check failed, else 0
set -uo pipefail
bin=${NUFLARE_BIN:?NUFLARE_BIN must point at the nuflare executable}
src=${NUFLARE_SOURCE_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)}
demo=$src/inputs/demo/data
mpiexec=${MPIEXEC:-mpiexec}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# Cases run in work/; the helpers keep their own files beside it.
mkdir "$tmp/work" && cd "$tmp/work" || exit 1
fails=0

fail() {
  echo "FAIL $1: $2"
  fails=$((fails + 1))
}

refuse() {
  local name=$1 want=$2 message=$3
  shift 3
  "$@" >"$tmp/.out" 2>"$tmp/.err"
  local got=$? lines
  # Under mpiexec the launcher adds its own report: count nuflare's lines.
  lines=$(grep -c '^nuflare' "$tmp/.err")
  if [[ $got != "$want" ]]; then
    fail "$name" "exit $got, expected $want; stderr: $(cat "$tmp/.err")"
  elif [[ $lines != 1 ]]; then
    fail "$name" "expected one stderr line, got: $(cat "$tmp/.err")"
  elif ! grep -qF -- "$message" "$tmp/.err"; then
    fail "$name" "stderr lacks '$message': $(cat "$tmp/.err")"
  elif [[ -s $tmp/.out ]]; then
    fail "$name" "printed to stdout: $(head -3 "$tmp/.out")"
  else
    echo "ok $name: $(grep -m1 '^nuflare' "$tmp/.err")"
  fi
}

snapshot() {
  (cd "$1" && find . -print0 | LC_ALL=C sort -z | xargs -0 -n 64 stat -c '%n %s %F' &&
    find . -type f -print0 | LC_ALL=C sort -z | xargs -0 -r md5sum)
}

absent() {
  local name=$1 p
  shift
  for p in "$@"; do
    [[ ! -e $p ]] || fail "$name" "$p left behind"
  done
}

finish() {
  if ((fails > 0)); then
    echo "$1: $fails check(s) failed"
    exit 1
  fi
  echo "$1: all checks passed"
  exit 0
}
