#!/usr/bin/env bash
# CI: a real single-node Slurm on this host (munge + slurmctld + slurmd, run
# as root), then the job scripts under it: jobs/demo.sbatch and a 3-task array
# of jobs/sweep.sbatch with `sbatch --wait`, then jobs/merge.sh; checks that
# every archive exists. Then preemption: a campaign job signalled mid-run
# must requeue itself and end with the archive of an uninterrupted run; and
# a probe step left behind must be cancelled (jobs/README.md). Exits non-zero
# on any failure. Idempotent: installs slurm-wlm/munge only when missing and
# reuses a munge key.
#
#   .ci/slurm.sh            (from anywhere; needs root and a built nuflare:
#                            $NUFLARE_BIN, PATH, or build/src/app/nuflare)
# Environment: NUFLARE_SLURM_STATE (default /tmp/nuflare-slurm) holds the
# config, logs, spool and job output; NUFLARE_SLURM_KEEP=1 leaves the daemons
# running afterwards.
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo"
t_start=$(date +%s)
log() { echo "[ci/slurm $(date +%H:%M:%S)] $*" >&2; }
die() { log "FAIL: $*"; exit 1; }

[[ $(id -u) == 0 ]] || die "needs root (it starts munged, slurmctld and slurmd)"

# --- packages -------------------------------------------------------------
if ! command -v slurmctld > /dev/null || ! command -v slurmd > /dev/null ||
  ! command -v munged > /dev/null || ! command -v sbatch > /dev/null; then
  log "installing slurm-wlm and munge"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq slurm-wlm munge > /dev/null
fi

# --- the executable -------------------------------------------------------
if [[ -z ${NUFLARE_BIN:-} ]]; then
  if command -v nuflare > /dev/null; then
    NUFLARE_BIN=$(command -v nuflare)
  elif [[ -x $repo/build/src/app/nuflare ]]; then
    NUFLARE_BIN=$repo/build/src/app/nuflare
  else
    die "no nuflare executable (set NUFLARE_BIN or build with tools/build.sh)"
  fi
fi
export NUFLARE_BIN
log "nuflare: $NUFLARE_BIN"

state=${NUFLARE_SLURM_STATE:-/tmp/nuflare-slurm}
mkdir -p "$state"/{ctld,slurmd,out}
conf=$state/slurm.conf
export SLURM_CONF=$conf

# --- munge ----------------------------------------------------------------
munge_user=root
id munge > /dev/null 2>&1 && munge_user=munge
install -d -m 0700 -o "$munge_user" /etc/munge /var/lib/munge /var/log/munge
install -d -m 0755 -o "$munge_user" /run/munge
if [[ ! -s /etc/munge/munge.key ]]; then
  log "creating a munge key"
  if command -v mungekey > /dev/null; then
    mungekey --create --keyfile=/etc/munge/munge.key
  else
    dd if=/dev/urandom of=/etc/munge/munge.key bs=1024 count=1 status=none
  fi
fi
chown "$munge_user" /etc/munge/munge.key
chmod 0400 /etc/munge/munge.key
if ! munge -n 2> /dev/null | unmunge > /dev/null 2>&1; then
  log "starting munged"
  if [[ $munge_user == munge ]]; then
    runuser -u munge -- /usr/sbin/munged
  else
    /usr/sbin/munged --force
  fi
  for _ in $(seq 50); do
    munge -n 2> /dev/null | unmunge > /dev/null 2>&1 && break
    sleep 0.2
  done
fi
munge -n | unmunge > /dev/null || die "munge does not work"

# --- slurm.conf for this host ---------------------------------------------
host=$(hostname -s)
cpus=$(nproc)
mem_mb=$(awk '/MemTotal/ { printf "%d", $2 / 1024 * 0.9 }' /proc/meminfo)
cat > "$conf" << CONF
# Written by .ci/slurm.sh: one node, this host, $cpus CPUs.
ClusterName=nuflare-ci
SlurmctldHost=$host(127.0.0.1)
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
MpiDefault=none
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SchedulerType=sched/backfill
ReturnToService=2
JobCompType=jobcomp/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
StateSaveLocation=$state/ctld
SlurmdSpoolDir=$state/slurmd
SlurmctldPidFile=$state/slurmctld.pid
SlurmdPidFile=$state/slurmd.pid
SlurmctldLogFile=$state/slurmctld.log
SlurmdLogFile=$state/slurmd.log
SlurmctldPort=6817
SlurmdPort=6818
SlurmctldTimeout=30
SlurmdTimeout=30
InactiveLimit=0
KillWait=10
NodeName=$host NodeAddr=127.0.0.1 CPUs=$cpus RealMemory=$mem_mb State=UNKNOWN
PartitionName=debug Nodes=$host Default=YES MaxTime=INFINITE State=UP OverSubscribe=YES
CONF
log "slurm.conf: $conf ($host, $cpus CPUs, ${mem_mb} MB)"

# --- daemons --------------------------------------------------------------
alive() { [[ -s $1 ]] && kill -0 "$(cat "$1")" 2> /dev/null; }
stop_daemons() {
  local pidfile
  for pidfile in "$state/slurmd.pid" "$state/slurmctld.pid"; do
    if alive "$pidfile"; then
      kill "$(cat "$pidfile")" 2> /dev/null || true
    fi
  done
}
if [[ ${NUFLARE_SLURM_KEEP:-0} != 1 ]]; then
  trap stop_daemons EXIT
fi
# Our own daemons from an earlier run read an older config: restart them.
stop_daemons
for _ in $(seq 50); do
  alive "$state/slurmctld.pid" || alive "$state/slurmd.pid" || break
  sleep 0.2
done
/usr/sbin/slurmctld -f "$conf" -i || die "slurmctld did not start (see $state/slurmctld.log)"
/usr/sbin/slurmd -f "$conf" || die "slurmd did not start (see $state/slurmd.log)"
for _ in $(seq 60); do
  node_state=$(sinfo -h -n "$host" -o %T 2> /dev/null || true)
  [[ $node_state == idle* ]] && break
  if [[ $node_state == down* || $node_state == drain* || $node_state == unknown* ]]; then
    scontrol update nodename="$host" state=resume 2> /dev/null || true
  fi
  sleep 1
done
[[ $(sinfo -h -n "$host" -o %T) == idle* ]] ||
  die "node $host not idle: $(sinfo -h -n "$host" -o '%T %E'); see $state/slurmd.log"
log "Slurm up: $(sinfo -h -o '%P %D %T %C')"

# --- jobs -----------------------------------------------------------------
results=$state/results
rm -rf "$results" "$state/out" # no stale archives or job logs from an earlier run
mkdir -p "$results" "$state/out"

log "sbatch --wait jobs/demo.sbatch"
t0=$(date +%s)
NUFLARE_OUTPUT_DIR=$results/demo sbatch --wait --chdir="$repo" \
  --output="$state/out/demo-%j.out" jobs/demo.sbatch ||
  { cat "$state"/out/demo-*.out >&2 || true; die "the demo job failed"; }
log "demo job done in $(($(date +%s) - t0)) s"
find "$state/out" -name "demo-*.out" -exec cat {} +

log "sbatch --wait --array=0-2 jobs/sweep.sbatch"
t0=$(date +%s)
NUFLARE_OUTPUT_DIR=$results/sweep sbatch --wait --array=0-2 --chdir="$repo" \
  --output="$state/out/sweep-%A_%a.out" jobs/sweep.sbatch \
  spatial inputs/demo/spatial.ini inputs/demo/sweep ||
  { cat "$state"/out/sweep-*.out >&2 || true; die "the sweep array failed"; }
log "sweep array done in $(($(date +%s) - t0)) s"

# --- checks ---------------------------------------------------------------
missing=0
for a in flares spatial scan temporal simultaneity followup sensitivity; do
  if [[ -s $results/demo/$a.h5 ]]; then
    log "ok   demo/$a.h5"
  elif "$NUFLARE_BIN" "$a" --help > /dev/null 2>&1; then
    log "MISSING demo/$a.h5"
    missing=1
  else
    log "skip demo/$a.h5 (no '$a' subcommand in this build)"
  fi
done
for p in a_scale_0.5 b_scale_1.0 c_scale_1.5; do
  if [[ -s $results/sweep/$p.h5 ]]; then
    log "ok   sweep/$p.h5"
  else
    log "MISSING sweep/$p.h5"
    missing=1
  fi
done
((missing == 0)) || die "archives missing"
# Array task i ran --sweep-point i: its trials start at global index i*N.
/usr/bin/python3 - "$results/sweep" <<'PY' || die "sweep points do not use disjoint trial indices"
import sys, h5py
for i, p in enumerate(["a_scale_0.5", "b_scale_1.0", "c_scale_1.5"]):
    with h5py.File(f"{sys.argv[1]}/{p}.h5", "r") as f:
        for name, g in f["spatial"].items():
            if isinstance(g, h5py.Group) and "trials" in g:
                t = g["trials"]
                assert t.attrs["first_trial_index"] == i * t["done"].shape[0], (p, name)
PY
log "sweep points drew disjoint trials (first_trial_index = i*N)"
NUFLARE_BIN=$NUFLARE_BIN jobs/merge.sh "$results/sweep" spatial csv > /dev/null ||
  die "jobs/merge.sh failed"
[[ -s $results/sweep/merged_spatial.csv ]] || die "no merged table"
log "merged sweep table: $results/sweep/merged_spatial.csv ($(wc -l < "$results/sweep/merged_spatial.csv") lines)"

# A `nuflare sweep` deck as a job array (docs/methods.md "Sweeps"): 3 tasks
# split 3 x 100 trials; the exact merge must equal one run of 300 trials.
if "$NUFLARE_BIN" sweep --help > /dev/null 2>&1; then
  sed -e "s#= data/#= $repo/inputs/demo/data/#" -e 's/^trials = .*/trials = 100/' \
    "$repo/inputs/demo/sweep.ini" > "$state/sweep_deck.ini"
  log "sbatch --wait --array=0-2 jobs/sweep.sbatch sweep (one sweep deck, trials split)"
  NUFLARE_OUTPUT_DIR=$results/sweep_deck sbatch --wait --array=0-2 --chdir="$repo" \
    --output="$state/out/sweepdeck-%A_%a.out" jobs/sweep.sbatch sweep "$state/sweep_deck.ini" ||
    { cat "$state"/out/sweepdeck-*.out >&2 || true; die "the sweep-deck array failed"; }
  NUFLARE_BIN=$NUFLARE_BIN jobs/merge.sh "$results/sweep_deck" sweep csv > /dev/null ||
    die "jobs/merge.sh (sweep) failed"
  "$NUFLARE_BIN" sweep --config "$state/sweep_deck.ini" --trials 300 --quiet \
    --output "$results/sweep_ref.h5" > "$results/sweep_ref.csv" || die "the one-run sweep failed"
  merged_p=$(sed -n 's/.* post_trial_p=\([^ ]*\).*/\1/p' "$results/sweep_deck/merged_sweep.csv")
  ref_p=$(sed -n 's/.* post_trial_p=\([^ ]*\).*/\1/p' "$results/sweep_ref.csv")
  [[ -n $ref_p && $merged_p == "$ref_p" ]] ||
    die "merged sweep post_trial_p $merged_p differs from one run's $ref_p"
  log "sweep deck: 3 merged tasks = one run (post_trial_p $ref_p)"
else
  log "skip the sweep deck (no 'sweep' subcommand in this build)"
fi

# --- preemption -------------------------------------------------------------
# A 2-rank scan campaign (jobs/sweep.sbatch, one overlay, a checkpoint every
# 2 s) gets the batch shell's SIGTERM mid-campaign, as `#SBATCH --signal=B:TERM@S` sends it
# before the time limit: the script passes it to the step, the ranks flush
# their checkpoint and exit 75, the job requeues itself, and its second run
# resumes. The archive must equal an uninterrupted run's. Once with the
# detected launcher (srun --mpi=pmix here), once with NUFLARE_LAUNCHER=mpirun
# (signalled itself, mpirun would report 1). All runs write the same path
# (the archive records --output); each result is moved aside.
t_pre=$(date +%s)
pre=$results/preempt
mkdir -p "$pre/overlays"
# 3-10 s on 2 ranks here, depending on load; the signal comes with the first
# progress line (0.5 s), well before the end at any of these speeds.
trials=200000
printf '[scan]\ntrials = %d\nprogress_seconds = 0.5\n' "$trials" > "$pre/overlays/a_long.ini"
preempt_job() { # sbatch OPTIONS... for the campaign job, output under $state/out
  NUFLARE_OUTPUT_DIR=$pre/run NUFLARE_CHECKPOINT_SECONDS=2 sbatch --ntasks=2 --chdir="$repo" \
    "$@" jobs/sweep.sbatch scan inputs/demo/scan.ini "$pre/overlays"
}
job_field() { scontrol show job "$1" -o 2> /dev/null | grep -o "$2=[^ ]*" | cut -d= -f2; }
finished='@(COMPLETED|FAILED|CANCELLED|TIMEOUT|NODE_FAIL|OUT_OF_MEMORY|BOOT_FAIL|DEADLINE|PREEMPTED)'
# wait_job ID: waits (at most 4 min) for the job to end; true when it completed.
# sbatch --wait polls every few seconds; this saves most of that in CI.
wait_job() {
  local s
  for _ in $(seq 1200); do
    s=$(job_field "$1" JobState)
    # shellcheck disable=SC2053 # $finished is a pattern
    [[ $s == $finished ]] && break
    sleep 0.2
  done
  [[ $s == COMPLETED ]]
}
log "preemption: uninterrupted reference (sweep.sbatch scan, $trials trials, 2 tasks)"
job=$(preempt_job --parsable --output="$state/out/preempt-ref-%j.out")
wait_job "$job" || { cat "$state"/out/preempt-ref-*.out >&2 || true; die "the reference campaign failed"; }
mv "$pre/run" "$pre/ref"

# preempted NAME [sbatch options]: the signalled, requeued, resumed job.
preempted() {
  local name=$1 t0 job out line
  shift
  t0=$(date +%s)
  job=$(preempt_job --parsable --output="$state/out/preempt-$name-%j.out" "$@")
  out=$state/out/preempt-$name-$job.out
  for _ in $(seq 600); do
    grep -Eq "^\[scan\] [0-9]+/$trials " "$out" 2> /dev/null && break
    [[ $(job_field "$job" JobState) == @(PENDING|RUNNING|CONFIGURING) ]] ||
      { cat "$out" >&2; die "$name: job $job ended before it could be signalled (too few trials?)"; }
    sleep 0.1
  done
  scancel --signal=TERM --batch "$job"
  for _ in $(seq 120); do
    [[ $(job_field "$job" Restarts) -ge 1 && $(job_field "$job" JobState) == PENDING ]] && break
    sleep 0.25
  done
  [[ $(job_field "$job" Restarts) -ge 1 ]] ||
    { cat "$out" >&2; die "$name: job $job was not requeued after SIGTERM (or finished first)"; }
  # Slurm holds a requeued job for about two minutes (its begin time); CI
  # releases it sooner, but not within the second slurmd revoked the first
  # run's credential (a launch credential from that second counts as
  # revoked: "Job credential revoked", and the job fails).
  sleep 2
  scontrol update jobid="$job" StartTime=now
  wait_job "$job" || { cat "$out" >&2; die "$name: requeued job $job ended $(job_field "$job" JobState)"; }
  for line in 'interrupted after' "requeued job $job" 'resuming scan from'; do
    grep -q "$line" "$out" || { cat "$out" >&2; die "$name: job $job's log has no '$line'"; }
  done
  [[ -f $pre/run/a_long.h5 && ! -e $pre/run/a_long.h5.partial ]] ||
    die "$name: after the requeued job: expected a_long.h5 and no a_long.h5.partial in $pre/run"
  /usr/bin/python3 tests/regression/flares/compare_archives.py "$pre/ref/a_long.h5" \
    "$pre/run/a_long.h5" > "$pre/compare-$name.txt" ||
    { cat "$pre/compare-$name.txt" >&2; die "$name: the requeued campaign's archive differs from the reference"; }
  cmp -s "$pre/ref/a_long.csv" "$pre/run/a_long.csv" || die "$name: the requeued campaign's table differs"
  log "preemption ($(grep -o 'launcher: .*' "$out" | head -n 1)): job $job" \
    "$(grep -o 'interrupted after [0-9]* of [0-9]* trials' "$out"), status 75, requeued" \
    "(Restarts=$(job_field "$job" Restarts)), resumed; archive equals the reference" \
    "($(tail -n 1 "$pre/compare-$name.txt")); $(($(date +%s) - t0)) s"
  mv "$pre/run" "$pre/$name"
}
preempted detected
NUFLARE_LAUNCHER=mpirun preempted mpirun
log "preemption checks: $(($(date +%s) - t_pre)) s"

# --- a probe step left behind is cancelled ---------------------------------
# What a probe killed by `timeout -k` leaves when slurmd hangs: a step whose
# srun is gone. jobs/lib.sh must find it by name and scancel it.
t0=$(date +%s)
cat > "$state/probe_cleanup.sh" << 'SH'
#!/usr/bin/env bash
set -euo pipefail
source "$NUFLARE_REPO/jobs/lib.sh"
srun --job-name=nuflare-probe-ci -n 1 sleep 300 &
for _ in $(seq 100); do [[ -n $(nuflare_job_steps nuflare-probe-ci) ]] && break; sleep 0.1; done
kill -KILL $!
sleep 1
left=$(nuflare_job_steps nuflare-probe-ci)
[[ -n $left ]] || { echo "SKIP: the step did not outlive its srun"; exit 0; }
nuflare_cancel_steps nuflare-probe-ci
[[ -z $(nuflare_job_steps nuflare-probe-ci) ]] || { echo "step $left still listed"; exit 1; }
echo "cancelled probe step $left"
SH
job=$(NUFLARE_REPO=$repo sbatch --parsable --ntasks=1 --output="$state/out/probe-cleanup-%j.out" \
  "$state/probe_cleanup.sh")
wait_job "$job" ||
  { cat "$state"/out/probe-cleanup-*.out >&2 || true; die "a probe step left behind was not cancelled"; }
log "probe cleanup: $(grep -h 'cancelled probe step\|SKIP' "$state"/out/probe-cleanup-*.out)" \
  "($(($(date +%s) - t0)) s)"
[[ -z $(squeue -h) ]] || die "jobs left in the queue: $(squeue -h)"
log "all Slurm checks passed in $(($(date +%s) - t_start)) s"
