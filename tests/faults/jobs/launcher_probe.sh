#!/usr/bin/env bash
# jobs/lib.sh's launcher probe never hangs and never leaves a step behind
# (jobs/README.md, "How MPI is started").
#
# Fake srun, squeue, scancel, ompi_info and mpirun on PATH stand in for a
# cluster. The bad case is a slurmd that cannot load its PMIx plugin: the
# probe step never answers, and once srun is gone Slurm still lists the step
# (it keeps the job "completing"). The probe must give up after
# NUFLARE_PROBE_SECONDS, scancel exactly that step, fall back to mpirun, and
# leave no srun running. A site profile's NUFLARE_LAUNCHER must start no probe
# at all; a working PMIx must be used.
set -euo pipefail
src=${NUFLARE_SOURCE_DIR:?run by ctest (NUFLARE_SOURCE_DIR)}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fake=$work/bin
mkdir "$fake"
fail() {
  echo "FAIL: $*"
  for f in "$work"/*.log; do [[ -f $f ]] && { echo "--- $f"; cat "$f"; }; done
  exit 1
}

# srun: --mpi=list answers from $FAKE_PLUGINS; a step records its name (the
# "step" squeue lists until scancel) and then hangs, answers, or answers
# without PMIx, as $FAKE_SRUN says.
cat > "$fake/srun" << 'SH'
#!/usr/bin/env bash
echo "srun $*" >> "$FAKE_DIR/srun.log"
for a; do
  case $a in
    --mpi=list) printf 'MPI plugin types are...\n\tnone\n%b' "$FAKE_PLUGINS"; exit 0 ;;
    --job-name=*) echo "${a#--job-name=}" > "$FAKE_DIR/step" ;;
  esac
done
echo $$ > "$FAKE_DIR/srun.pid"
case $FAKE_SRUN in
  hang) exec sleep 600 ;;
  ok) printf '1\n0\n' ;;
  nopmix) printf 'none\nnone\n' ;;
esac
SH
cat > "$fake/squeue" << 'SH'
#!/usr/bin/env bash
echo "squeue $*" >> "$FAKE_DIR/squeue.log"
echo "$SLURM_JOB_ID.batch batch"
[[ -f $FAKE_DIR/step ]] && echo "$SLURM_JOB_ID.0 $(cat "$FAKE_DIR/step")"
exit 0
SH
cat > "$fake/scancel" << 'SH'
#!/usr/bin/env bash
echo "scancel $*" >> "$FAKE_DIR/scancel.log"
[[ " $* " == *" $SLURM_JOB_ID.0 "* ]] && rm -f "$FAKE_DIR/step"
exit 0
SH
printf '#!/bin/sh\necho "mca:pmix:ext3x:version:mca:2.1.0"\n' > "$fake/ompi_info"
printf '#!/bin/sh\necho "fake mpirun: not to be run" >&2\nexit 1\n' > "$fake/mpirun"
chmod +x "$fake"/*

# probe NAME [VAR=VALUE...]: nuflare_launcher 2 in a fresh shell, as a job
# would call it; prints the launch prefix; logs go to $work/NAME.log.
probe() {
  local name=$1
  shift
  rm -f "$work"/srun.log "$work"/scancel.log "$work"/step "$work"/srun.pid
  # shellcheck disable=SC2016 # expanded by the inner shell
  env PATH="$fake:$PATH" FAKE_DIR="$work" SLURM_JOB_ID=4242 NUFLARE_PROBE_SECONDS=1 \
    FAKE_PLUGINS='\tpmix\n' FAKE_SRUN=hang "$@" \
    bash -c 'source "$1/jobs/lib.sh"; nuflare_launcher 2; echo "${NUFLARE_LAUNCH[*]}"' _ "$src" \
    2> "$work/$name.log"
}

# 1. The probe step hangs (slurmd without PMIx).
launch=$(probe hang) || fail "hang: nuflare_launcher failed"
[[ $launch == "mpirun -n 2 --oversubscribe" ]] || fail "hang: launcher '$launch', expected the mpirun fallback"
grep -q -- '--immediate=1' "$work/srun.log" || fail "hang: the probe srun had no --immediate"
grep -q -- '--kill-on-bad-exit=1' "$work/srun.log" || fail "hang: the probe srun had no --kill-on-bad-exit"
grep -q 'NUFLARE_PROBE_SECONDS' "$work/hang.log" || fail "hang: the message does not name NUFLARE_PROBE_SECONDS"
grep -qx 'scancel --quiet 4242.0' "$work/scancel.log" 2> /dev/null ||
  fail "hang: the probe step 4242.0 was not cancelled"
grep -q '4242.batch' "$work/scancel.log" && fail "hang: scancel hit a step that is not the probe's"
[[ ! -f $work/step ]] || fail "hang: the probe step is still listed"
if [[ -f $work/srun.pid ]] && kill -0 "$(cat "$work/srun.pid")" 2> /dev/null; then
  kill "$(cat "$work/srun.pid")"
  fail "hang: the probe's srun is still running"
fi
echo "ok: hanging probe -> gave up after NUFLARE_PROBE_SECONDS, cancelled step 4242.0, mpirun"

# 2. A site profile chooses: no probe, no srun call at all.
printf 'NUFLARE_LAUNCHER="srun --mpi=pmix"\n' > "$work/site.sh"
launch=$(probe site NUFLARE_SITE="$work/site.sh") || fail "site: nuflare_launcher failed"
[[ $launch == "srun --mpi=pmix -n 2" ]] || fail "site: launcher '$launch'"
[[ ! -f $work/srun.log ]] || fail "site: srun was called although the site profile chose"
echo "ok: site profile -> $launch, no probe"

# 3. srun has no pmix plugin: no probe step is started.
launch=$(probe noplugin FAKE_PLUGINS='\tpmi2\n') || fail "noplugin: nuflare_launcher failed"
[[ $launch == "mpirun -n 2 --oversubscribe" ]] || fail "noplugin: launcher '$launch'"
[[ $(wc -l < "$work/srun.log") == 1 ]] || fail "noplugin: srun started a step"
echo "ok: no pmix plugin -> mpirun without a probe step"

# 4. The step runs but the tasks see no PMIx rank.
launch=$(probe nopmix FAKE_SRUN=nopmix) || fail "nopmix: nuflare_launcher failed"
[[ $launch == "mpirun -n 2 --oversubscribe" ]] || fail "nopmix: launcher '$launch'"
echo "ok: tasks without PMIX_RANK -> mpirun"

# 5. PMIx works.
launch=$(probe ok FAKE_SRUN=ok) || fail "ok: nuflare_launcher failed"
[[ $launch == "srun --mpi=pmix -n 2" ]] || fail "ok: launcher '$launch'"
[[ ! -f $work/scancel.log ]] || fail "ok: scancel called after a good probe"
echo "ok: working PMIx -> $launch"
echo "PASS"
