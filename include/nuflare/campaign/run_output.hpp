#pragma once
//! A run's archive, claimed for the whole run (docs/output-files.md): the
//! name checked (`.h5`, not the same file as any input), the lock
//! RUN.h5.lock taken (io::OutputLock), and what the run finds there decided
//! on rank 0 under the lock and shared with every rank:
//!   - RUN.h5.partial exists: continued when resuming, replaced when
//!     overwriting, refused otherwise;
//!   - resuming without RUN.h5.partial: a fresh run (one note on stderr), so
//!     job scripts may always ask to resume;
//!   - RUN.h5 exists: replaced at the end when overwriting (or when the run
//!     resumes a partial archive started so), refused otherwise.
//! A run writes RUN.h5.partial and renames it RUN.h5 when complete; when it
//! fails, the partial file goes too — no partial output — unless it is a
//! checkpoint to resume from (an interrupted campaign, or a resumed run).
#include "nuflare/campaign/runner.hpp"
#include "nuflare/core/error.hpp"
#include "nuflare/core/options.hpp"
#include "nuflare/io/archive.hpp"
#include "nuflare/io/output_lock.hpp"

#include <mpi.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace nuflare::campaign {

//! Where a run writes its archive (docs/cli.md, docs/output-files.md).
struct OutputOptions {
  std::string output;     //!< RUN.h5
  bool overwrite = false; //!< replace an existing RUN.h5 or RUN.h5.partial

  //! `output` (required) and `overwrite`.
  static const core::OptionTable<OutputOptions>& options();
  //! The same with `output` optional: an archive only when asked for.
  static const core::OptionTable<OutputOptions>& optional_options();
};

//! A file the run reads and how messages name it (`--sources cat.csv`,
//! `sources = cat.csv (deck.ini:3)`).
struct NamedInput {
  std::filesystem::path path;
  std::string label;
};

//! What a run finds at its output.
enum class OutputState {
  fresh,          //!< nothing to keep: create RUN.h5.partial
  resume,         //!< continue RUN.h5.partial
  partial_exists, //!< RUN.h5.partial exists, and neither resuming nor overwriting
  final_exists,   //!< RUN.h5 exists, and not overwriting
};

//! What SIGTERM/SIGINT do while a run writes its archive.
enum class Signals {
  default_action, //!< end the process (runs without checkpoints)
  checkpoint,     //!< stop at the next checkpoint (trial campaigns, exit status 75)
};

class RunOutput {
public:
  //! Claims `output` (collective). Throws core::FieldError("output") for a
  //! name that does not end in .h5 or an output (or its partial or lock file)
  //! that is one of `inputs`; the caller refuses partial_exists and
  //! final_exists (state()) in its own words.
  RunOutput(const std::filesystem::path& output, const std::vector<NamedInput>& inputs, bool resume,
            bool overwrite, MPI_Comm comm);
  [[nodiscard]] const std::filesystem::path& path() const noexcept { return path_; }
  [[nodiscard]] OutputState state() const noexcept { return state_; }
  //! True when the run continues RUN.h5.partial.
  [[nodiscard]] bool resume() const noexcept { return state_ == OutputState::resume; }

  //! Creates RUN.h5.partial, or when resuming reopens it after checking that
  //! its analysis, configuration and input hashes are this run's (a mismatch
  //! or a damaged file is a core::InputError). Collective.
  [[nodiscard]] io::Archive open(const io::RunInfo& info, MPI_Comm comm) const;

  //! Opens the archive, lets `fill` write the analysis and commits it
  //! (RUN.h5.partial → RUN.h5); on failure removes the partial file unless it
  //! is a checkpoint to resume from: after an interrupted campaign, a full disk
  //! or another I/O failure (core::IoError), or when this run was itself a
  //! resume. A trial campaign (`signals` = checkpoint) catches SIGTERM/SIGINT
  //! before the partial file exists, so that none can kill the run while the
  //! file is created; it stops at its next checkpoint instead. Collective.
  template <class Fill>
  void write(const io::RunInfo& info, MPI_Comm comm, Fill&& fill,
             Signals signals = Signals::default_action) const {
    if (signals == Signals::checkpoint)
      install_signal_handlers();
    try {
      auto archive = open(info, comm);
      fill(archive);
      archive.commit();
    } catch (const Interrupted&) {
      throw; // the partial archive is the checkpoint
    } catch (const core::IoError&) {
      throw; // ... and still the last one; the file may also belong to another run now
    } catch (...) {
      forget_partial(comm);
      throw;
    }
  }

private:
  void forget_partial(MPI_Comm comm) const;

  std::filesystem::path path_;
  std::unique_ptr<io::OutputLock> lock_;
  OutputState state_ = OutputState::fresh;
};

//! Refuses (core::FieldError "output") an output folder that is, or
//! contains, a folder a run must never write into or replace: the folder of
//! one of `decks` (`output = .` in a deck), the current folder, a git
//! repository (around the current folder, a deck or the executable, or one
//! the output is the root of), $HOME and /. Paths are compared after
//! resolving links, so no other spelling of a guarded folder gets past.
void refuse_guarded_folder(const std::filesystem::path& output,
                           const std::vector<std::string>& decks);

//! Writes `table` at `path` unless a resumed archive has it already (collective).
void write_table_once(io::Archive& archive, const std::string& path, const io::Table& table);

} // namespace nuflare::campaign
