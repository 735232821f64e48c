# The common start of the sweep script tests (POSIX sh, sourced: they run
# under /bin/sh without -e): the paths ctest gives, a skip without h5py, and a
# temporary working folder removed at exit. Sets BIN, SRC, MPI, PY, TMP and D
# (the demo data).
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
