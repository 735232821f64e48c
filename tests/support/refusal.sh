# The bad-input contract (docs/cli.md): a refused run exits with status 2,
# writes one line on stderr, nothing on stdout, and leaves no archive (neither
# RUN.h5 nor RUN.h5.partial). Source it in a bad-input script test:
#
#   . "${NUFLARE_SOURCE_DIR:?}/tests/support/script_test.sh"
#   . "$src/tests/support/refusal.sh"
#   refused NAME WANT CMD...
#
# runs CMD (which writes its archive to run.h5 in the current folder) with
# stdout in out.txt and stderr in err.txt, prints "ok: NAME: <the line>" or
# "FAIL: NAME: <what is wrong>" with the stderr lines, and counts failures in
# $fails. WANT is a fixed string the line must contain. Under mpiexec the
# launcher may add its own report: set refusal_lines='^nuflare:' for that call
# to count nuflare's lines only.
fails=${fails:-0}
refusal_lines=.
refused() {
  local name=$1 want=$2
  shift 2
  rm -f run.h5 run.h5.partial
  local rc=0
  "$@" >out.txt 2>err.txt || rc=$?
  local problem=""
  [ "$rc" -eq 2 ] || problem="exit $rc, want 2"
  local lines
  lines=$(grep -c "$refusal_lines" err.txt || true)
  [ "$lines" -eq 1 ] || problem="$problem; stderr has $lines lines"
  grep -qF -- "$want" err.txt || problem="$problem; stderr lacks \"$want\""
  [ ! -s out.txt ] || problem="$problem; stdout not empty"
  [ ! -e run.h5 ] && [ ! -e run.h5.partial ] || problem="$problem; archive left behind"
  if [ -n "$problem" ]; then
    echo "FAIL: $name: $problem"
    sed 's/^/    stderr: /' err.txt
    fails=$((fails + 1))
  else
    echo "ok: $name: $(grep -m1 . err.txt)"
  fi
}

# refused_at NAME WANT RANKS ARGS...: `nuflare ARGS... --output run.h5` (with
# $bin and $mpiexec from script_test.sh), under mpiexec when RANKS > 1, refused
# as `refused` says.
refused_at() {
  local name=$1 want=$2 np=$3
  shift 3
  if [ "$np" = 1 ]; then
    refused "$name" "$want" "$bin" "$@" --output run.h5
  else
    refusal_lines='^nuflare:' refused "$name" "$want" \
      "$mpiexec" -np "$np" --oversubscribe "$bin" "$@" --output run.h5
  fi
}
