#pragma once
//! Was this process started by an MPI launcher? (docs/cli.md, "When nuflare
//! starts MPI".) nuflare initialises MPI only under a launcher, or for a
//! trial campaign; everything else runs as one process without MPI, because
//! MPI_Init alone costs 0.3–3 s (Open MPI's singleton start-up) where the work
//! of `nuflare blocks` on a typed-in light curve takes milliseconds.
//!
//! A launcher is recognised by what it puts into every rank's environment:
//!   - OMPI_COMM_WORLD_SIZE  Open MPI's mpirun/mpiexec (ORTE, PRRTE);
//!   - PMIX_RANK             any PMIx launcher (Open MPI 5, `srun --mpi=pmix`);
//!   - PMI_RANK, PMI_SIZE    MPICH/Hydra, Intel MPI, MVAPICH, `srun --mpi=pmi2`.
//! A Slurm batch script's own shell sets SLURM_JOB_ID, SLURM_NTASKS and the
//! like but is no launcher (its nuflare is one process), and a plain `srun`
//! step without PMI support gives each task no way to find the others: so
//! SLURM_* variables alone do not count, and an srun step counts through the
//! PMI/PMIx variables it sets for MPI programs.
#include <cstdlib>
#include <functional>
#include <optional>
#include <string>

namespace nuflare::campaign {

//! The environment variable that shows a launcher started this process, or
//! nothing. `getenv` looks a name up (std::getenv for the real environment;
//! a map in tests); an empty value counts as unset.
[[nodiscard]] inline std::optional<std::string>
launcher_variable(const std::function<const char*(const char*)>& getenv) {
  for (const char* name : {"OMPI_COMM_WORLD_SIZE", "PMIX_RANK", "PMI_RANK", "PMI_SIZE"}) {
    const char* value = getenv(name);
    if (value != nullptr && *value != '\0')
      return std::string(name);
  }
  return std::nullopt;
}

//! launcher_variable() of this process's environment.
[[nodiscard]] inline std::optional<std::string> launcher_variable() {
  return launcher_variable([](const char* name) { return std::getenv(name); });
}

} // namespace nuflare::campaign
