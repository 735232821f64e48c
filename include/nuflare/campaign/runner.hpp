#pragma once
//! Runs the trials of a campaign over MPI ranks (docs/methods.md, "Work
//! partition" and "Checkpoints"; docs/archive-format.md).
//!
//! Trials go in rounds: round k holds the next `round_trials` × ranks archive
//! rows, split over the ranks in contiguous pieces (partition.hpp), so the
//! rounds that every rank has finished are a prefix of the archive's rows.
//! Ranks do not wait for each other between rounds: they agree on stops and
//! checkpoints with non-blocking reductions and meet only at checkpoints and
//! at the end (docs/scaling.md). Each
//! trial is computed from its global index alone (rng.hpp): the rows are the
//! same for any rank count. At a checkpoint the datasets grow to the finished
//! prefix, rounded down to whole chunks (each chunk is written once, complete)
//! and the new rows are written collectively, with their checksums and the
//! trials group's `rows` attribute as the commit record; a resumed run checks
//! the saved rows against their checksums, computes only the rest, and ends
//! bit-identical to an uninterrupted one (docs/archive-format.md).
//! SIGTERM / SIGINT (Slurm preemption, time limit, Ctrl-C) make every rank
//! save and stop with campaign::Interrupted (exit status 75); a second signal
//! seconds later stops the process at once.
//!
//! Only this module and io/ know about MPI; the science code computes one
//! trial from plain data.
#include "nuflare/campaign/partition.hpp"
#include "nuflare/core/error.hpp"
#include "nuflare/core/options.hpp"
#include "nuflare/io/archive.hpp"

#include <mpi.h>

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace nuflare::campaign {

//! Thrown when a campaign stopped on SIGTERM/SIGINT after flushing its
//! completed trials to the partial archive.
class Interrupted : public core::Error {
public:
  using core::Error::Error;
  [[nodiscard]] int exit_status() const noexcept override { return 75; } // EX_TEMPFAIL
};

struct RunnerOptions {
  double checkpoint_seconds = 0;    //!< flush completed trials this often (0: only at the end)
  bool resume = false;              //!< skip trials already marked done in the archive
  bool quiet = false;               //!< no progress output
  double progress_seconds = 30;     //!< log-line interval when stderr is not a terminal
  std::uint64_t round_trials = 256; //!< trials per rank and round (one batch)
  std::string label = "trials";     //!< what the progress line counts
  //! Sweep point p of independent campaigns (docs/methods.md, "Sweeps"): archive row k is the
  //! trial of global index p·N + k, so the points of a sweep draw
  //! independent trials from one master seed.
  std::uint64_t sweep_point = 0;

  //! The keys every trial campaign takes (docs/cli.md, docs/output-files.md).
  static const core::OptionTable<RunnerOptions>& options();
};

//! Largest number of trials (and of signal trials): 10^10. Campaigns store
//! every trial's statistics, so far fewer fit in memory on ordinary nodes;
//! the bound only keeps the trial-index arithmetic (sweep point × trials) exact.
inline constexpr std::uint64_t MAX_TRIALS = 10'000'000'000ULL;

inline const core::OptionTable<RunnerOptions>& RunnerOptions::options() {
  using R = RunnerOptions;
  static const auto table =
      core::OptionTable<R>()
          .add("checkpoint_seconds", &R::checkpoint_seconds, "s",
               "flush completed trials to RUN.h5.partial this often (0: only at the end)",
               core::NON_NEGATIVE)
          .run_control()
          .add("resume", &R::resume, "",
               "continue RUN.h5.partial (same options and inputs); without one, start a fresh run")
          .as_flag()
          .run_control()
          .add("quiet", &R::quiet, "", "no progress output")
          .as_flag()
          .run_control()
          .add("progress_seconds", &R::progress_seconds, "s",
               "interval of progress lines when stderr is not a terminal", core::NON_NEGATIVE)
          .run_control()
          .add("sweep_point", &R::sweep_point, "",
               "sweep point p: trial k uses global index p*N + k (N = trials; p*N + N must fit in "
               "63 bits), so the points of a sweep draw independent trials from one seed",
               core::Count{0, 9223372036854775807ULL});
  return table;
}

//! The output rows of one trial, one span per declared dataset.
struct TrialRows {
  std::vector<std::span<double>> f64;
  std::vector<std::span<std::int64_t>> i64;
};

class TrialRunner {
public:
  //! `group` is the archive group of the analysis, e.g. "/spatial"; the
  //! per-trial datasets live under `group`/trials/. `comm` = MPI_COMM_NULL:
  //! one process without MPI, with the same rows, checkpoints, signals and
  //! resume (docs/cli.md, "When nuflare starts MPI").
  TrialRunner(io::Archive& archive, MPI_Comm comm, std::string group, std::uint64_t n_trials,
              RunnerOptions options);

  //! Declares a per-trial dataset of `n_cols` values of T (collective);
  //! returns its index into TrialRows::f64 (double) or TrialRows::i64
  //! (std::int64_t). Integers are counts: exact, order-independent sums. With
  //! `max_count`, the largest count the analysis can produce (events
  //! selected, pairs possible), the archive stores the narrowest unsigned type
  //! that holds it (io::count_type); without, int64. Doubles take no
  //! `max_count`.
  template <io::RowValue T>
  std::size_t add(const std::string& name, std::uint64_t n_cols, const std::string& unit,
                  const std::string& description,
                  std::optional<std::uint64_t> max_count = std::nullopt);

  //! Computes this rank's trials with `trial(g, rows)` and writes the rows;
  //! g is the global trial index, first_index() + the row. Collective. Before
  //! anything is allocated it checks the memory the results need (ConfigError
  //! when a rank does not have it) and, when resuming, every per-trial
  //! dataset's shape, type, chunking and checksums (core::InputError naming
  //! the dataset). Throws Interrupted after a signal and core::IoError when the
  //! disk is full (the last checkpoint stays resumable).
  void run(const std::function<void(std::uint64_t g, TrialRows& rows)>& trial);

  //! `batch(g, rows)` computes the trials of global indices g[k] into rows[k].
  using BatchFunction =
      std::function<void(std::span<const std::uint64_t> g, std::span<TrialRows> rows)>;
  //! Same as run(), but hands a round's pending trials (up to
  //! RunnerOptions::round_trials, in increasing g) to one call, for kernels
  //! that amortise work over many trials.
  void run_batched(const BatchFunction& batch);

  //! All trials' values of dataset `index` (as add<T>() returned it) in
  //! global order (row-major), on every rank: rows saved by an earlier run
  //! are read from the archive, this run's are gathered from the ranks.
  //! Collective. Call after run(). With a `root` rank, the values are on
  //! that rank only (an empty vector elsewhere), for a summary that one rank
  //! computes: the other ranks then hold only their own rows.
  template <io::RowValue T>
  [[nodiscard]] std::vector<T> gather(std::size_t index, int root = -1) const;

  [[nodiscard]] std::uint64_t n_trials() const noexcept { return n_trials_; }
  //! Global trial index of archive row 0: sweep_point × n_trials.
  [[nodiscard]] std::uint64_t first_index() const noexcept { return first_index_; }
  //! Trials computed by this process in this run (resumed ones excluded).
  [[nodiscard]] std::uint64_t computed() const noexcept { return computed_; }

private:
  struct Dataset {
    std::string name, path;
    io::RowLayout layout;
    bool integer;
    std::string unit, description;
  };
  //! Rows of this rank in round k: [begin, end) of the archive.
  [[nodiscard]] WorkRange piece(std::uint64_t round) const;
  void prepare();
  void check_memory() const;
  void create_datasets();
  [[nodiscard]] std::uint64_t check_resumed();
  void commit_rows(std::uint64_t target);
  [[nodiscard]] std::uint64_t chunk_floor(std::uint64_t rows) const;
  void report_progress(std::uint64_t done_global, bool final);
  //! All trials' values of `d` on `root`, or on every rank when root < 0.
  template <class T>
  [[nodiscard]] std::vector<T> gather_rows(const Dataset& d, const std::vector<T>& local,
                                           int root) const;
  //! This rank's rows of this run of every dataset of type T.
  template <class T>
  [[nodiscard]] std::vector<std::vector<T>>& local_rows();
  template <class T>
  [[nodiscard]] const std::vector<std::vector<T>>& local_rows() const;

  io::Archive& archive_;
  MPI_Comm comm_;
  int rank_ = 0, size_ = 1;
  std::string group_;
  std::uint64_t n_trials_;
  std::uint64_t first_index_ = 0;
  RunnerOptions options_;
  std::vector<Dataset> datasets_;     //!< declared by add_*(), then `done`
  std::vector<io::RowChecksum> sums_; //!< per dataset: checksum of the committed rows
  // This rank's rows of this run, its pieces of every round back to back.
  std::vector<std::vector<double>> f64_;
  std::vector<std::vector<std::int64_t>> i64_;
  bool prepared_ = false;
  std::uint64_t chunk_rows_ = 1;
  std::uint64_t per_round_ = 1;  //!< rows per rank and round
  std::uint64_t round_rows_ = 1; //!< rows per round, all ranks
  std::uint64_t rounds_ = 0;     //!< rounds of this run
  std::uint64_t resumed_ = 0;    //!< rows committed by earlier runs
  std::uint64_t committed_ = 0;  //!< rows committed so far
  std::uint64_t computed_ = 0;
  double started_ = 0, last_report_ = 0;
};

//! Installs the SIGTERM/SIGINT handlers that campaigns poll (idempotent).
void install_signal_handlers();
//! True once SIGTERM or SIGINT arrived.
bool stop_requested() noexcept;
//! Forgets an earlier stop request (a new campaign in the same process).
void clear_stop_request() noexcept;

} // namespace nuflare::campaign
