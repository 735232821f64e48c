# The common start of the script tests that ctest runs (nuflare_add_script_test
# in cmake/NuflareTesting.cmake gives them NUFLARE_BIN, NUFLARE_SOURCE_DIR and
# MPIEXEC). Source it first:
#
#   . "${NUFLARE_SOURCE_DIR:?}/tests/support/script_test.sh" [PYTHON_MODULE...]
#
# It sets strict mode and
#   bin      the nuflare executable
#   src      the source tree
#   mpiexec  the MPI launcher
#   py       /usr/bin/python3, the Python that has numpy, h5py and astropy
#   tmp      a fresh folder, made the current one and removed at exit
# and skips the test (exit 77, which ctest reports as skipped) with the line
# "skipped: numpy/h5py missing for /usr/bin/python3" when $py cannot import one
# of the PYTHON_MODULEs. A test that needs more at exit sets its own trap.
set -euo pipefail
bin=${NUFLARE_BIN:?run by ctest (NUFLARE_BIN)}
src=${NUFLARE_SOURCE_DIR:?run by ctest (NUFLARE_SOURCE_DIR)}
mpiexec=${MPIEXEC:-mpiexec}
py=/usr/bin/python3
if (($# > 0)); then
  modules=("$@")
  "$py" -c "import $(IFS=,; echo "${modules[*]}" | sed 's/,/, /g')" 2>/dev/null ||
    { echo "skipped: $(IFS=/; echo "${modules[*]}") missing for $py"; exit 77; }
  unset modules
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
