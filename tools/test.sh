#!/usr/bin/env bash
# The README's test command: installs what is missing, builds, and runs the
# whole test suite — unit, MPI (1, 2 and 4 ranks), regression, CLI and
# astropy-comparison tests — then the unit and MPI tests again in an
# AddressSanitizer + UBSan build.
#   tools/test.sh            everything above
#   tools/test.sh --quick    the Release suite only (no sanitizer build)
#   tools/test.sh --slurm    also start a single-node Slurm and run the jobs/ scripts
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
quick=0
slurm=0
for arg in "$@"; do
  case "$arg" in
    --quick) quick=1 ;;
    --slurm) slurm=1 ;;
    *) echo "usage: tools/test.sh [--quick] [--slurm]" >&2; exit 2 ;;
  esac
done

"$here/tools/install-deps.sh" $([[ $slurm == 1 ]] && echo --slurm)
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
export OMPI_MCA_rmaps_base_oversubscribe=1

start=$(date +%s)
NUFLARE_BUILD_DIR="$here/build" "$here/tools/build.sh"
(cd "$here/build" && ctest --output-on-failure -j 2 --timeout 600)

if [[ $quick == 0 ]]; then
  # Sanitizers slow MPI start-up and the astropy comparison; run the unit
  # and MPI labels there.
  NUFLARE_BUILD_DIR="$here/build-asan" "$here/tools/build.sh" -DNUFLARE_SANITIZE=ON \
    -DCMAKE_BUILD_TYPE=RelWithDebInfo -DNUFLARE_BUILD_BENCH=OFF
  (cd "$here/build-asan" && ASAN_OPTIONS=detect_leaks=0 \
     ctest --output-on-failure -j 2 --timeout 900 -L 'unit|mpi')
fi

if [[ $slurm == 1 ]]; then
  "$here/.ci/slurm.sh"
fi
echo "tools/test.sh: all passed in $(( $(date +%s) - start )) s"
