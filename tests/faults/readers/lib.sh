# Helpers sourced by the reader fault scripts (not a test of its own).
# Each case runs the `nuflare` executable on a damaged input and checks the
# contract of docs/input-formats.md: exit status 2, one line on stderr that
# names the file, the line and the field (or says "truncated"), nothing on
# stdout, and no archive (neither RUN.h5 nor RUN.h5.partial) left behind.
# Sourced first, as `. lib.sh [TOOL...]`: the common start of the script tests
# (tests/support/script_test.sh: $bin, $src, $tmp as the current folder, ...),
# a skip when a TOOL is not installed, and $D, the demo sky. Scripts end with
# `finish` (tests/support/cases.sh).
tools=("$@")
set --
. "${NUFLARE_SOURCE_DIR:?}/tests/support/script_test.sh"
. "$src/tests/support/cases.sh" # fails, finish
. "$src/tests/support/refusal.sh"
set +e # every case runs; failures are counted
for tool in "${tools[@]}"; do
  command -v "$tool" >/dev/null || { echo "skipped: $tool not installed"; exit 77; }
done
D=$src/inputs/demo/data

# expect_input_error NAME PATTERN [RANKS] -- ARGS...
#   Runs `nuflare ARGS... --output run.h5` (under mpiexec when RANKS > 1) and
#   checks the contract above; PATTERN is a fixed string stderr must contain.
expect_input_error() {
  local name=$1 want=$2 np=1
  shift 2
  if [[ $1 != -- ]]; then np=$1; shift; fi
  shift # --
  refused_at "$name" "$want" "$np" "$@"
}

# expect_success NAME -- ARGS...: `nuflare ARGS... --output run.h5` exits 0
# and leaves the archive.
expect_success() {
  local name=$1
  shift 2
  rm -f run.h5 run.h5.partial
  local rc=0
  "$bin" "$@" --output run.h5 >out.txt 2>err.txt || rc=$?
  if [[ $rc != 0 || ! -e run.h5 || -e run.h5.partial ]]; then
    echo "FAIL $name: exit $rc (want 0 and an archive)"
    sed 's/^/    stderr: /' err.txt
    fails=$((fails + 1))
  else
    echo "ok   $name"
  fi
}
