# shellcheck shell=bash
# Shared helpers of the job scripts (sourced, not run). They only locate
# things and start steps; all science parameters stay in the decks under
# inputs/. jobs/README.md documents every setting named here.
#
#   nuflare_repo         repository root (NUFLARE_REPO, SLURM_SUBMIT_DIR, or this file's parent)
#   nuflare_find_bin     the executable: $NUFLARE_BIN, then PATH, then build/src/app/nuflare
#   nuflare_output_dir   $NUFLARE_OUTPUT_DIR, else results/<name> under the repository
#   nuflare_launcher N   the MPI launch prefix for N ranks (site profile, else srun when
#                        Slurm's PMIx works with this MPI, else mpirun, else none),
#                        into the array NUFLARE_LAUNCH
#   nuflare_trap_signals forward SIGTERM/SIGINT/SIGUSR1 of the job script to the running step
#   nuflare_run ARCHIVE STDOUT SUBCOMMAND ARGS...
#                        one step: skipped when ARCHIVE exists, checkpointed and resumed
#                        when SUBCOMMAND is a trial campaign; returns its exit status,
#                        75 when it was interrupted and can be resumed
#   nuflare_resume_later requeue this Slurm job (when it can be) and exit 75

# Open MPI refuses root without these (containers, CI); harmless otherwise.
export OMPI_ALLOW_RUN_AS_ROOT=${OMPI_ALLOW_RUN_AS_ROOT:-1}
export OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=${OMPI_ALLOW_RUN_AS_ROOT_CONFIRM:-1}

# nuflare's exit status after SIGTERM/SIGINT, once its checkpoint is flushed
# (src/app/main.cpp): rerun with --resume.
NUFLARE_EXIT_INTERRUPTED=75

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

# --- how MPI ranks are started ------------------------------------------------

# The ids JOB.N of this job's steps (batch and extern excluded), or of
# those named $1. squeue prints ARRAYJOB_TASK.N in an array task; scancel
# takes JOB.N with the task's own job id.
nuflare_job_steps() {
  local listing
  listing=$(squeue -h --steps --jobs "$SLURM_JOB_ID" -o '%i %j' 2> /dev/null) || return 0
  awk -v job="$SLURM_JOB_ID" -v name="${1:-}" '{
    n = split($1, id, ".")
    if (id[n] ~ /^[0-9]+$/ && (name == "" || $2 == name)) print job "." id[n]
  }' <<< "$listing"
}

# Cancels the steps of this job named $1 (a probe that timed out) and waits,
# at most 10 s, until Slurm no longer lists them: a step left "completing"
# keeps the job's resources, and on a partition without OverSubscribe the
# next job would wait for it.
nuflare_cancel_steps() {
  local name=$1 ids id
  command -v squeue > /dev/null 2>&1 || return 0
  mapfile -t ids < <(nuflare_job_steps "$name")
  ((${#ids[@]})) || return 0
  for id in "${ids[@]}"; do
    nuflare_log "cancelling probe step $id"
    scancel --quiet "$id" 2> /dev/null || true
  done
  # slurmd ends a cancelled step only once its processes are gone: up to
  # KillWait (30 s by default) after the SIGTERM, for a task that ignores it.
  for _ in $(seq 80); do
    [[ -z $(nuflare_job_steps "$name") ]] && return 0
    sleep 0.5
  done
  nuflare_log "probe step(s) ${ids[*]} still listed by squeue --steps after scancel;" \
    "see slurmd's log on $(hostname -s)"
}

# Does `srun --mpi=pmix` give an MPI job here? Slurm must serve PMIx to the
# tasks (PMIX_RANK set in each) and Open MPI must have a PMIx component.
# Debian's Open MPI and Slurm often disagree; then mpirun inside the
# allocation is the safe choice. The probe never waits longer than
# NUFLARE_PROBE_SECONDS (+5 s to kill srun) and leaves no step behind: a
# slurmd that cannot load its PMIx plugin ("mpi/pmix: can not load PMIx
# library" in its log) hangs the step instead of failing it.
nuflare_srun_pmix_works() {
  local n=$1 seconds=${NUFLARE_PROBE_SECONDS:-20}
  [[ $seconds =~ ^[1-9][0-9]*$ ]] || {
    nuflare_log "NUFLARE_PROBE_SECONDS=$seconds is not a whole number of seconds > 0"
    return 1
  }
  command -v srun > /dev/null 2>&1 || return 1
  # Whole outputs, not `| grep -q`: under pipefail a writer cut short by
  # grep's early exit would fail the test.
  local plugins components
  # Asks srun's own plugins (no step is started).
  plugins=$(timeout -k 2 10 srun --mpi=list 2>&1) || true
  grep -qw pmix <<< "$plugins" || {
    nuflare_log "srun --mpi=list offers no pmix"
    return 1
  }
  if command -v ompi_info > /dev/null 2>&1; then
    components=$(ompi_info --parsable 2> /dev/null) || true
    grep -q '^mca:pmix:' <<< "$components" || {
      nuflare_log "this Open MPI has no PMIx component"
      return 1
    }
  fi
  local name=nuflare-probe-$$ out rc=0 ranks
  # --immediate: do not queue for the allocation's CPUs; --kill-on-bad-exit:
  # one failed task ends the step; timeout -k: srun itself cannot outlive us.
  # shellcheck disable=SC2016 # expanded by the task's shell
  out=$(timeout -k 5 "$seconds" srun --mpi=pmix --job-name="$name" --immediate="$seconds" \
    --kill-on-bad-exit=1 -n "$n" bash -c 'echo "${PMIX_RANK:-none}"' 2> /dev/null) || rc=$?
  if ((rc != 0)); then
    local why="status $rc"
    # timeout's statuses: 124 after SIGTERM, 137 when srun needed SIGKILL.
    ((rc == 124 || rc == 137)) && why="no answer in NUFLARE_PROBE_SECONDS=$seconds s"
    nuflare_log "probe srun --mpi=pmix -n $n failed ($why)"
    nuflare_cancel_steps "$name"
    return 1
  fi
  ranks=$(sort -u <<< "$out" | grep -vc none) || true
  [[ $ranks == "$n" ]] || {
    nuflare_log "probe srun --mpi=pmix -n $n: $ranks distinct PMIx ranks"
    return 1
  }
}

# srun, mpirun (also for mpiexec) or the launcher's name, from NUFLARE_LAUNCH.
nuflare_launcher_kind() {
  local name=${NUFLARE_LAUNCH[0]:-}
  name=${name##*/}
  [[ $name == mpiexec ]] && name=mpirun
  echo "$name"
}

nuflare_launcher() {
  local n=$1
  NUFLARE_LAUNCH=()
  if [[ -n ${NUFLARE_LAUNCHER:-} ]]; then
    # A site profile decides, e.g. NUFLARE_LAUNCHER="srun --mpi=pmix" or "mpirun".
    read -r -a NUFLARE_LAUNCH <<< "$NUFLARE_LAUNCHER"
    case $(nuflare_launcher_kind) in
      srun) NUFLARE_LAUNCH+=(-n "$n") ;;
      mpirun) NUFLARE_LAUNCH+=(-n "$n" --oversubscribe) ;;
    esac
  elif [[ -n ${SLURM_JOB_ID:-} ]] && nuflare_srun_pmix_works "$n"; then
    NUFLARE_LAUNCH=(srun --mpi=pmix -n "$n")
  elif command -v mpirun > /dev/null 2>&1; then
    # Inside a Slurm allocation Open MPI's mpirun starts its daemons with
    # srun itself; --oversubscribe allows more ranks than allocated cores.
    NUFLARE_LAUNCH=(mpirun -n "$n" --oversubscribe)
  else
    nuflare_log "neither a working srun nor mpirun: running on 1 rank"
  fi
  if [[ $(nuflare_launcher_kind) == mpirun ]]; then
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

# --- steps that survive preemption and time limits --------------------------

NUFLARE_STEP_PID=     # the running step (launcher or nuflare), while one runs
NUFLARE_STOP=         # the first stop signal the script received (TERM, INT, USR1)
NUFLARE_SIGNALS=0     # how many stop signals arrived

# Passes SIGTERM to the running step's ranks; nuflare flushes its
# checkpoint and exits 75, and the launcher reports that 75. Neither
# launcher may be signalled itself:
#   - srun, signalled, kills its step ("srun: forcing job termination"), so
#     slurmstepd passes SIGTERM to the tasks instead: `scancel --signal=TERM`
#     of this job's running steps (the probe's are gone by then);
#   - Open MPI's mpirun, signalled, waits odls_base_sigkill_timeout (1 s),
#     passes SIGTERM, waits again, SIGKILLs the ranks and reports 1; so the
#     ranks on this node (mpirun's children running the executable) get
#     SIGTERM themselves. The runner's reduction at the end of each round
#     then stops and flushes every rank, on every node, together.
# The launcher itself is signalled only when no rank can be found (still
# starting, or NUFLARE_BIN is a wrapper script around the executable);
# nuflare_run then maps its status.
nuflare_signal_step() {
  local pid=$1 pids=() steps=() child exe
  case $(nuflare_launcher_kind) in
    srun)
      if [[ -n ${SLURM_JOB_ID:-} ]] && command -v scancel > /dev/null 2>&1; then
        mapfile -t steps < <(nuflare_job_steps)
        if ((${#steps[@]})) && scancel --signal=TERM --quiet "${steps[@]}" 2> /dev/null; then
          nuflare_log "passing SIGTERM to the tasks of step ${steps[*]}"
          return 0
        fi
      fi
      ;;
    mpirun)
      exe=$(readlink -f "$NUFLARE_BIN")
      for child in $(ps -o pid= --ppid "$pid" 2> /dev/null); do
        [[ $(readlink -f "/proc/$child/exe" 2> /dev/null) == "$exe" ]] && pids+=("$child")
      done
      if ((${#pids[@]})); then
        nuflare_log "passing SIGTERM to the ranks on this node (pids ${pids[*]})"
        kill -TERM "${pids[@]}" 2> /dev/null || true
        return 0
      fi
      ;;
  esac
  nuflare_log "passing SIGTERM to the running step (pid $pid)"
  kill -TERM "$pid" 2> /dev/null || true
}

nuflare_on_signal() {
  NUFLARE_SIGNALS=$((NUFLARE_SIGNALS + 1))
  [[ -n $NUFLARE_STOP ]] || NUFLARE_STOP=$1
  if [[ -n $NUFLARE_STEP_PID ]]; then
    # nuflare flushes its checkpoint on SIGTERM and exits with status 75.
    nuflare_log "SIG$1 received"
    nuflare_signal_step "$NUFLARE_STEP_PID"
  else
    nuflare_log "SIG$1 received; no step running: stopping before the next one"
  fi
}

# Slurm signals only the batch shell with `#SBATCH --signal=B:TERM@S` (and
# `scancel --signal=TERM --batch`); bash runs a trap only between commands,
# so nuflare_run starts each step in the background and waits for it.
nuflare_trap_signals() {
  local sig
  for sig in TERM INT USR1; do
    # shellcheck disable=SC2064 # the signal name is fixed now
    trap "nuflare_on_signal $sig" "$sig"
  done
}

# Is SUBCOMMAND a trial campaign (does it take --checkpoint-seconds)?
nuflare_is_campaign() {
  local help
  help=$("$1" "$2" --help 2> /dev/null) || return 1
  [[ $help == *--checkpoint-seconds* ]]
}

# nuflare_run ARCHIVE STDOUT SUBCOMMAND ARGS...
# Runs `LAUNCH nuflare SUBCOMMAND ARGS... --output ARCHIVE > STDOUT` and
# returns its status:
#   - ARCHIVE exists already: nothing to do (a requeued job redoes only
#     unfinished work), status 0; NUFLARE_RERUN=1 redoes it in a job's first
#     run (removing ARCHIVE);
#   - a trial campaign gets --checkpoint-seconds $NUFLARE_CHECKPOINT_SECONDS,
#     and --resume when ARCHIVE.partial exists (nuflare refuses a partial
#     archive made with other options or inputs);
#   - a .partial is never removed, except the one an interrupted step of a
#     subcommand that is no campaign wrote itself (nothing to resume in it);
#   - 75 when the step was interrupted: nuflare's own status after it flushed
#     its checkpoint, or any failure other than 2 (bad input) and 74 (I/O
#     failure) of a step this script passed a stop signal to (a launcher
#     signalled before the ranks ran reports 1; a rank stopped before its
#     first checkpoint leaves nothing to resume and the step starts afresh).
# The executable is $NUFLARE_BIN (set by the caller via nuflare_find_bin).
nuflare_run() {
  local archive=$1 stdout=$2 sub=$3
  shift 3
  local partial=$archive.partial bin=${NUFLARE_BIN:?nuflare_run needs NUFLARE_BIN}
  if [[ -n $NUFLARE_STOP ]]; then
    nuflare_log "not starting $sub: stopping after SIG$NUFLARE_STOP"
    return "$NUFLARE_EXIT_INTERRUPTED"
  fi
  if [[ -e $archive ]]; then
    if [[ ${NUFLARE_RERUN:-0} == 1 && ${SLURM_RESTART_COUNT:-0} == 0 ]]; then
      nuflare_log "NUFLARE_RERUN=1: removing $archive to run $sub again"
      rm -f "$archive"
    else
      nuflare_log "$archive exists: $sub done already (NUFLARE_RERUN=1 or removing it redoes it)"
      return 0
    fi
  fi
  local extra=() campaign=0 had_partial=0
  [[ -e $partial ]] && had_partial=1
  if nuflare_is_campaign "$bin" "$sub"; then
    campaign=1
    local every=${NUFLARE_CHECKPOINT_SECONDS:-300}
    [[ $every =~ ^[0-9]+([.][0-9]+)?$ ]] || {
      nuflare_log "NUFLARE_CHECKPOINT_SECONDS=$every is not a number of seconds"
      return 2
    }
    extra+=(--checkpoint-seconds "$every")
    if [[ -e $partial ]]; then
      nuflare_log "resuming $sub from $partial"
      extra+=(--resume)
    fi
  fi
  "${NUFLARE_LAUNCH[@]}" "$bin" "$sub" "$@" "${extra[@]}" --output "$archive" > "$stdout" &
  NUFLARE_STEP_PID=$!
  local rc seen again
  while :; do
    seen=$NUFLARE_SIGNALS
    rc=0
    wait "$NUFLARE_STEP_PID" || rc=$?
    # A trapped signal makes `wait` return >128 at once while the step still
    # runs (it is flushing its checkpoint): wait again.
    ((rc > 128 && seen != NUFLARE_SIGNALS)) || break
    kill -0 "$NUFLARE_STEP_PID" 2> /dev/null && continue
    # It ended meanwhile; its status is still the shell's unless that
    # interrupted wait collected it (127: already collected).
    again=0
    wait "$NUFLARE_STEP_PID" 2> /dev/null || again=$?
    ((again != 127)) && rc=$again
    break
  done
  NUFLARE_STEP_PID=
  case $rc in
    0 | 2 | 74 | "$NUFLARE_EXIT_INTERRUPTED") ;;
    *)
      if [[ -n $NUFLARE_STOP ]]; then
        local next="no checkpoint yet, its next run starts afresh"
        [[ -e $partial ]] && next="its next run resumes from $partial"
        nuflare_log "$sub ended with status $rc after SIG$NUFLARE_STOP: interrupted (75); $next"
        rc=$NUFLARE_EXIT_INTERRUPTED
      fi
      ;;
  esac
  if ((rc == NUFLARE_EXIT_INTERRUPTED && !campaign && !had_partial)) && [[ -e $partial ]]; then
    # Only a campaign can resume; left in place, this step's own partial
    # archive would make its next run refuse to start.
    nuflare_log "removing $partial: $sub is not a trial campaign, nothing in it can be resumed"
    rm -f "$partial"
  fi
  return "$rc"
}

# Call after a step returned 75: inside a Slurm batch job, requeue it (it
# starts again from the top, skips finished archives and resumes the
# interrupted one), and exit 75 either way (outside Slurm: rerun the same
# command to resume).
nuflare_resume_later() {
  if [[ -n ${SLURM_JOB_ID:-} ]]; then
    local why
    if why=$(scontrol requeue "$SLURM_JOB_ID" 2>&1); then
      nuflare_log "requeued job $SLURM_JOB_ID: its next run resumes where this one stopped"
    else
      nuflare_log "could not requeue job $SLURM_JOB_ID (${why:-scontrol failed});" \
        "unless Slurm requeues it itself (preemption), submit the same job again to resume"
    fi
  else
    nuflare_log "interrupted: run the same command again to resume"
  fi
  exit "$NUFLARE_EXIT_INTERRUPTED"
}

# A site profile (module loads, launcher choice) when NUFLARE_SITE names one.
if [[ -n ${NUFLARE_SITE:-} ]]; then
  # shellcheck disable=SC1090
  source "$NUFLARE_SITE"
fi
