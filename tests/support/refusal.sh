# The bad-input contract (docs/cli.md): a refused run exits with status 2,
# writes one line on stderr, nothing on stdout, and leaves no archive (neither
# RUN.h5 nor RUN.h5.partial). Source it in a bad-input script test:
#
#   . "${NUFLARE_SOURCE_DIR:?}/tests/support/refusal.sh"
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
