# Helpers sourced by the reader fault scripts (not a test of its own).
# Each case runs the `nuflare` executable on a damaged input and checks the
# contract of docs/input-formats.md: exit status 2, one line on stderr that
# names the file, the line and the field (or says "truncated"), nothing on
# stdout, and no archive (neither RUN.h5 nor RUN.h5.partial) left behind.
fails=0

# expect_input_error NAME PATTERN [RANKS] -- ARGS...
#   Runs `nuflare ARGS... --output run.h5` (under $MPIEXEC when RANKS > 1) and
#   checks the contract above; PATTERN is a fixed string stderr must contain.
expect_input_error() {
  local name=$1 want=$2 np=1
  shift 2
  if [[ $1 != -- ]]; then np=$1; shift; fi
  shift # --
  rm -f run.h5 run.h5.partial
  local rc=0
  if [[ $np == 1 ]]; then
    "$NUFLARE_BIN" "$@" --output run.h5 >out.txt 2>err.txt || rc=$?
  else
    "${MPIEXEC:-mpiexec}" -np "$np" --oversubscribe "$NUFLARE_BIN" "$@" --output run.h5 \
      >out.txt 2>err.txt || rc=$?
  fi
  local problem="" lines
  [[ $rc == 2 ]] || problem="exit $rc, want 2"
  # Under mpiexec the launcher may add its own report: count nuflare's lines.
  if [[ $np == 1 ]]; then lines=$(grep -c . err.txt); else lines=$(grep -c '^nuflare:' err.txt); fi
  [[ $lines == 1 ]] || problem="$problem; stderr has $lines lines"
  grep -qF -- "$want" err.txt || problem="$problem; stderr lacks \"$want\""
  [[ ! -s out.txt ]] || problem="$problem; stdout not empty"
  [[ ! -e run.h5 && ! -e run.h5.partial ]] || problem="$problem; archive left behind"
  if [[ -n $problem ]]; then
    echo "FAIL $name: $problem"
    sed 's/^/    stderr: /' err.txt
    fails=$((fails + 1))
  else
    echo "ok   $name: $(grep -m1 '^nuflare:' err.txt)"
  fi
}

# expect_success NAME -- ARGS...: `nuflare ARGS... --output run.h5` exits 0
# and leaves the archive.
expect_success() {
  local name=$1
  shift 2
  rm -f run.h5 run.h5.partial
  local rc=0
  "$NUFLARE_BIN" "$@" --output run.h5 >out.txt 2>err.txt || rc=$?
  if [[ $rc != 0 || ! -e run.h5 || -e run.h5.partial ]]; then
    echo "FAIL $name: exit $rc (want 0 and an archive)"
    sed 's/^/    stderr: /' err.txt
    fails=$((fails + 1))
  else
    echo "ok   $name"
  fi
}

finish() {
  if [[ $fails != 0 ]]; then
    echo "$fails case(s) failed"
    exit 1
  fi
  echo "all cases passed"
}
