#pragma once
//! Was this process started by an MPI launcher? (docs/cli.md, "When nuflare
//! starts MPI".) nuflare initialises MPI only under a launcher (or when
//! NUFLARE_FORCE_MPI=1 asks for it); everything else, trial campaigns
//! included, runs as one process without MPI, because MPI_Init alone costs
//! 0.3–3 s (Open MPI's singleton start-up) where the work of `nuflare blocks`
//! on a typed-in light curve takes milliseconds.
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
#include <mpi.h>

#include <cstdlib>
#include <functional>
#include <optional>
#include <string>
#include <utility>

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

//! How this process runs MPI (docs/cli.md, "When nuflare starts MPI"): not
//! at all until start(), then MPI_COMM_WORLD until finish().
class MpiSession {
public:
  //! `error_prefix` starts every error line fail() writes ("nuflare: ").
  explicit MpiSession(std::string error_prefix) : error_prefix_(std::move(error_prefix)) {}

  //! MPI_Init, once. Outside a launcher (a singleton: NUFLARE_FORCE_MPI=1)
  //! Open MPI is told to start without its supporting daemon, unless the user
  //! chose otherwise: the daemon's start-up (and its 2.3 s wait for munge
  //! where munge is installed but not running) is most of a singleton's cost.
  //! Such singletons all take job id 0, so each gets a session directory of
  //! its own: two campaigns at once would otherwise share one, and the first
  //! to finish would remove the other's files.
  void start(int& argc, char**& argv, bool under_launcher);

  //! Ends the process's MPI use and returns `status`; with
  //! NUFLARE_DEBUG_MPI=1 says on stderr whether MPI was initialised
  //! (tests/unit/app/startup.sh).
  int finish(int status) const;

  //! Ends the run after an error: one line on stderr and the error's exit
  //! status (end_after_error decides which rank prints).
  int fail(const std::string& message, int status) const;

  [[nodiscard]] bool started() const noexcept { return started_; }
  //! MPI_COMM_WORLD once started; MPI_COMM_NULL for one process without MPI.
  [[nodiscard]] MPI_Comm comm() const noexcept { return comm_; }

private:
  std::string error_prefix_;
  bool started_ = false;
  MPI_Comm comm_ = MPI_COMM_NULL;
  std::string session_dir_; //!< Open MPI's session directory made for this singleton
};

} // namespace nuflare::campaign
