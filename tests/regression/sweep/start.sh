# The common start of the sweep script tests (POSIX sh, sourced: they run
# under /bin/sh without -e): the paths ctest gives, a skip without h5py, and a
# temporary working folder removed at exit. Sets BIN, SRC, MPI, PY, TMP and D
# (the demo data), status (0 until a check fails) and the helpers
#   fail TEXT...            print "FAIL TEXT" and set status=1
#   run LABEL CMD...        run CMD with stdout LABEL.txt, stderr LABEL.err; a
#                           non-zero exit fails with stderr shown
#   field FILE KEY          the value of KEY=value in FILE's last line with it
#   merged_equals_one_task TASKS N REF.txt REF.points SWEEP_ARGS...
#                           TASKS job-array tasks (--sweep-point t) of N
#                           trials each, merged by `nuflare table --merge`,
#                           print REF's post_trial_p and the point table
#                           REF.points
set -u
BIN=${NUFLARE_BIN:?}
SRC=${NUFLARE_SOURCE_DIR:?}
MPI=${MPIEXEC:-mpiexec}
PY=/usr/bin/python3
"$PY" -c 'import h5py' 2>/dev/null || { echo "skipped: /usr/bin/python3 has no h5py"; exit 77; }
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
cd "$TMP"
D=$SRC/inputs/demo/data
status=0
fail() { echo "FAIL $*"; status=1; }
run() { # label, then the command
  label=$1; shift
  "$@" > "$label.txt" 2> "$label.err" || { fail "$label: exit $?"; cat "$label.err"; }
}
field() { sed -n "s/.*[ #]$2=\([^ ]*\).*/\1/p" "$1" | tail -1; }

# Job-array tasks split the trials (docs/methods.md "Sweeps"); the merge equals
# one task. The tasks' archives are listed in reverse: the merge orders them
# by trial index.
merged_equals_one_task() { # tasks n ref.txt ref.points, then the sweep's arguments
  tasks=$1 n=$2 ref=$3 ref_points=$4
  shift 4
  list= t=0
  while [ $t -lt $tasks ]; do
    run task${tasks}_$t "$BIN" sweep "$@" --trials $n --sweep-point $t --output task${tasks}_$t.h5
    list="task${tasks}_$t.h5 $list"
    t=$((t + 1))
  done
  run merge$tasks "$BIN" table --merge --analysis sweep --table points --archive $list
  [ "$(field merge$tasks.txt post_trial_p)" = "$(field $ref post_trial_p)" ] ||
    fail "$tasks tasks merged: post_trial_p $(field merge$tasks.txt post_trial_p), one run $(field $ref post_trial_p)"
  grep -v '^#' merge$tasks.txt | cmp -s - $ref_points ||
    { fail "$tasks tasks merged: point table differs"; grep -v '^#' merge$tasks.txt | diff - $ref_points; }
}
