# shellcheck shell=bash
# Site profile example: copy to jobs/sites/<cluster>.sh, edit, and select it
# with NUFLARE_SITE=jobs/sites/<cluster>.sh (jobs/lib.sh sources it inside
# every job). Keep science parameters out of here: they belong in decks.
#
# Submitting with a profile:
#   export NUFLARE_SITE=$PWD/jobs/sites/mycluster.sh
#   source "$NUFLARE_SITE"            # also sets SBATCH_* defaults for sbatch
#   sbatch jobs/demo.sbatch

# Scheduler defaults: sbatch reads SBATCH_* variables as if they were options.
export SBATCH_PARTITION=${SBATCH_PARTITION:-debug}
# export SBATCH_ACCOUNT=myproject
# export SBATCH_TIMELIMIT=01:00:00

# Software environment (module names are site specific).
# module load gcc/12 openmpi/4.1 hdf5/1.12-mpi boost/1.81
# export NUFLARE_BIN=$HOME/opt/nuflare/bin/nuflare

# How to start MPI ranks. Unset: jobs/lib.sh probes whether `srun --mpi=pmix`
# works with this MPI (a short step, at most NUFLARE_PROBE_SECONDS) and else
# uses mpirun inside the allocation. Where the answer is known, say it here:
# no probe step is started at all (jobs/README.md, "How MPI is started").
# export NUFLARE_LAUNCHER="srun --mpi=pmix"
# export NUFLARE_LAUNCHER="mpirun"
# export NUFLARE_PROBE_SECONDS=20

# Checkpoints of trial campaigns (jobs/README.md, "Preemption and time
# limits"): how often finished trials are flushed to NAME.h5.partial [s].
# export NUFLARE_CHECKPOINT_SECONDS=300

# Where archives go (default: results/<demo|sweep> in the repository).
# export NUFLARE_OUTPUT_DIR=/scratch/$USER/nuflare/$SLURM_JOB_ID
