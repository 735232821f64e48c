# shellcheck shell=bash
# Shared helpers of the job scripts (sourced, not run). They only locate
# things; all science parameters stay in the decks under inputs/.
#
#   nuflare_repo         repository root (NUFLARE_REPO, SLURM_SUBMIT_DIR, or this file's parent)
#   nuflare_find_bin     the executable: $NUFLARE_BIN, then PATH, then build/src/app/nuflare
#   nuflare_output_dir   $NUFLARE_OUTPUT_DIR, else results/<name> under the repository
#   nuflare_launcher N   the MPI launch prefix for N ranks (srun inside Slurm when its
#                        PMI works with this MPI, else mpirun, else none), into NUFLARE_LAUNCH

# Open MPI refuses root without these (containers, CI); harmless otherwise.
export OMPI_ALLOW_RUN_AS_ROOT=${OMPI_ALLOW_RUN_AS_ROOT:-1}
export OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=${OMPI_ALLOW_RUN_AS_ROOT_CONFIRM:-1}

nuflare_log() { echo "[nuflare-jobs $(date +%H:%M:%S)] $*" >&2; }

nuflare_repo() {
  if [[ -n ${NUFLARE_REPO:-} ]]; then
    echo "$NUFLARE_REPO"
  elif [[ -n ${SLURM_SUBMIT_DIR:-} && -f ${SLURM_SUBMIT_DIR}/jobs/lib.sh ]]; then
    echo "$SLURM_SUBMIT_DIR"
  else
    (cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
  fi
}

nuflare_find_bin() {
  local repo
  repo=$(nuflare_repo)
  if [[ -n ${NUFLARE_BIN:-} ]]; then
    [[ -x $NUFLARE_BIN ]] || { nuflare_log "NUFLARE_BIN=$NUFLARE_BIN is not executable"; return 1; }
    echo "$NUFLARE_BIN"
  elif command -v nuflare > /dev/null 2>&1; then
    command -v nuflare
  elif [[ -x $repo/build/src/app/nuflare ]]; then
    echo "$repo/build/src/app/nuflare"
  else
    nuflare_log "no nuflare executable: set NUFLARE_BIN, put nuflare on PATH, or build it" \
      "(tools/build.sh -> build/src/app/nuflare)"
    return 1
  fi
}

nuflare_output_dir() {
  local name=$1 dir
  dir=${NUFLARE_OUTPUT_DIR:-$(nuflare_repo)/results/$name}
  mkdir -p "$dir"
  (cd "$dir" && pwd)
}

# Does `srun --mpi=pmix` give an MPI job here? Slurm must serve PMIx to the
# tasks (PMIX_RANK set in each) and Open MPI must have a PMIx component.
# Debian's Open MPI and Slurm often disagree; then mpirun inside the
# allocation is the safe choice.
nuflare_srun_pmix_works() {
  local n=$1
  command -v srun > /dev/null 2>&1 || return 1
  srun --mpi=list 2>&1 | grep -qw pmix || return 1
  if command -v ompi_info > /dev/null 2>&1; then
    ompi_info --parsable 2>/dev/null | grep -q '^mca:pmix:' || return 1
  fi
  local ranks
  # shellcheck disable=SC2016 # expanded by the task's shell
  ranks=$(timeout 60 srun --mpi=pmix -n "$n" bash -c 'echo "${PMIX_RANK:-none}"' 2>/dev/null |
    sort -u | grep -vc none) || return 1
  [[ $ranks == "$n" ]]
}

nuflare_launcher() {
  local n=$1
  NUFLARE_LAUNCH=()
  if [[ -n ${NUFLARE_LAUNCHER:-} ]]; then
    # A site profile decides, e.g. NUFLARE_LAUNCHER="srun --mpi=pmix" or "mpirun".
    read -r -a NUFLARE_LAUNCH <<< "$NUFLARE_LAUNCHER"
    if [[ ${NUFLARE_LAUNCH[0]} == srun ]]; then
      NUFLARE_LAUNCH+=(-n "$n")
    elif [[ ${NUFLARE_LAUNCH[0]} == mpirun || ${NUFLARE_LAUNCH[0]} == mpiexec ]]; then
      NUFLARE_LAUNCH+=(-n "$n" --oversubscribe)
    fi
  elif [[ -n ${SLURM_JOB_ID:-} ]] && nuflare_srun_pmix_works "$n"; then
    NUFLARE_LAUNCH=(srun --mpi=pmix -n "$n")
  elif command -v mpirun > /dev/null 2>&1; then
    # Inside a Slurm allocation Open MPI's mpirun starts its daemons with
    # srun itself; --oversubscribe allows more ranks than allocated cores.
    NUFLARE_LAUNCH=(mpirun -n "$n" --oversubscribe)
  else
    nuflare_log "neither a working srun nor mpirun: running on 1 rank"
  fi
  if [[ ${NUFLARE_LAUNCH[0]:-} == mpirun || ${NUFLARE_LAUNCH[0]:-} == mpiexec ]]; then
    # Open MPI's PMIx tries munge first and, when munge is installed but
    # munged is not running, retries for 2.3 s per launch; mpirun's own
    # processes authenticate natively.
    export PMIX_MCA_psec=${PMIX_MCA_psec:-native}
    if [[ -z ${SLURM_JOB_ID:-} ]]; then
      # One machine: shared memory only; UCX would cost ~0.2 s per rank to
      # look for a network.
      export OMPI_MCA_pml=${OMPI_MCA_pml:-ob1} OMPI_MCA_btl=${OMPI_MCA_btl:-self,vader}
    fi
  fi
  nuflare_log "launcher: ${NUFLARE_LAUNCH[*]:-(none, 1 rank)}"
}

# A site profile (module loads, launcher choice) when NUFLARE_SITE names one.
if [[ -n ${NUFLARE_SITE:-} ]]; then
  # shellcheck disable=SC1090
  source "$NUFLARE_SITE"
fi
