#pragma once
//! The command-line layer shared by every subcommand (README.md, inputs/README.md): options from
//! Boost.Program_options, INI decks (`--config`, repeatable; later decks and
//! the command line override earlier ones), MPI context, and the helpers that
//! turn a parsed invocation into the archive's RunInfo.
#include "nuflare/campaign/runner.hpp"
#include "nuflare/io/archive.hpp"
#include "nuflare/io/output_lock.hpp"

#include <boost/program_options.hpp>
#include <mpi.h>

#include <filesystem>
#include <functional>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace nuflare::app {

namespace po = boost::program_options;

//! Where a deck gave an option's value: the deck, its line, and the key as
//! written there (errors about the value quote them).
struct DeckOrigin {
  std::string file;
  std::size_t line = 0;
  std::string key;
  int deck = 0; //!< position of the deck among the --config options
};

//! One parsed run of a subcommand.
struct Invocation {
  std::string command;           //!< subcommand name
  po::variables_map options;     //!< resolved options (decks + command line)
  std::vector<std::string> argv; //!< the raw arguments, for the archive
  //! Options whose values are files read by the run (inputs and decks).
  std::vector<std::string> input_options;
  //! Options whose resolved value came from a deck (the command line wins).
  std::map<std::string, DeckOrigin> from_deck;
  //! Options given on the command line.
  std::set<std::string> from_command_line;
  MPI_Comm comm = MPI_COMM_WORLD;
  int rank = 0;
  int size = 1;

  [[nodiscard]] bool has(const std::string& name) const { return options.count(name) > 0; }
  template <class T>
  [[nodiscard]] T get(const std::string& name) const {
    return options[name].as<T>();
  }
  //! How a message names an option: `--name`, or `key (deck.ini:12)` for a
  //! value a deck gave.
  [[nodiscard]] std::string label(const std::string& name) const;
  //! How a message quotes an option with its value: `--name VALUE`,
  //! `--name VALUE (the default)`, or `key = VALUE (deck.ini:12)`.
  [[nodiscard]] std::string mention(const std::string& name, const std::string& value) const;
  //! Throws the error for a bad value of option `name`: core::ConfigError
  //! `--name: message` for the command line (or a default), core::InputError
  //! `deck.ini:12: key: message` for a deck value. Exit status 2 either way.
  [[noreturn]] void fail(const std::string& name, const std::string& message) const;
  //! Of two options that contradict each other, the one whose value was set
  //! last: the command line over decks, a later deck or line over an earlier
  //! one, anything over a default; `b` on a tie.
  [[nodiscard]] const std::string& blame(const std::string& a, const std::string& b) const;
  //! A library's core::ConfigError message that starts with an option's name
  //! (`--log10e-max must be ...`, `events.uptime: ...`), placed at the deck
  //! line that gave the option; nothing when a deck did not give it.
  [[nodiscard]] std::optional<std::string> locate(const std::string& message) const;
  //! Resolved options as key = value strings, sorted by key (stored in /config).
  [[nodiscard]] std::vector<std::pair<std::string, std::string>> resolved() const;
  //! RunInfo for the archive: analysis name, seed, command line, config, inputs.
  [[nodiscard]] io::RunInfo run_info(std::uint64_t seed,
                                     std::vector<std::filesystem::path> inputs) const;
  //! True on the rank that prints to stdout (rank 0).
  [[nodiscard]] bool prints() const noexcept { return rank == 0; }
};

//! A subcommand: its options and its body. `run` returns the exit status.
struct Command {
  const char* name;
  const char* summary;
  std::function<void(po::options_description&)> add_options;
  std::function<int(Invocation&)> run;
  //! Options whose values are file paths: relative paths in a deck are taken
  //! relative to the deck's folder.
  std::vector<std::string> path_options;
};

//! Every subcommand, in the order `nuflare --help` lists them.
const std::vector<Command>& commands();

//! Parses argv for `command` (argv[0] is the subcommand name). Returns false
//! when --help was answered. Throws core::ConfigError for a bad command-line
//! option and core::InputError (`deck.ini:12: key: ...`) for a bad deck line.
bool parse(const Command& command, int argc, char** argv, Invocation& out);

//! Parses a comma-separated list of finite numbers ("30,90,180"); names the
//! option (or its deck line) on error.
std::vector<double> parse_number_list(const Invocation& inv, const std::string& option);

// ---- numbers, checked as they are read ------------------------------------
// Every number option is checked when its text is read, from the command line
// or a deck, before any command runs: so an error names the option that is
// wrong (or its deck line), never a later option it is compared with.

//! The range of a real-valued option; open ends exclude the bound.
struct Bounds {
  double lo = -std::numeric_limits<double>::infinity();
  double hi = std::numeric_limits<double>::infinity();
  bool lo_open = false;
  bool hi_open = false;
};
inline constexpr Bounds POSITIVE{0, std::numeric_limits<double>::infinity(), true, false};
inline constexpr Bounds NON_NEGATIVE{0, std::numeric_limits<double>::infinity(), false, false};
inline constexpr Bounds UNIT_INTERVAL{0, 1, false, false};    //!< [0, 1]
inline constexpr Bounds OPEN_UNIT_INTERVAL{0, 1, true, true}; //!< (0, 1)

//! A real option: decimal or exponent notation, finite (no inf or nan), inside `bounds`.
po::typed_value<double>* real(Bounds bounds = {});

//! An integer option: decimal digits only (no sign, fraction or exponent:
//! every integer option is a count, a seed or an index), inside [lo, hi].
template <class T>
po::typed_value<T>* integer(T lo, T hi);

//! Checks that option `lo` is below option `hi` (or equal, unless
//! `strict`); otherwise fails on the one set last (Invocation::blame), e.g.
//! `--mag-max: -30 is below mag_min = -27 (deck.ini:4)`.
void require_order(const Invocation& inv, const std::string& lo, const std::string& hi,
                   bool strict);

//! Largest --trials (and --signal-trials): 10^10. Campaigns store every
//! trial's statistics, so far fewer fit in memory on ordinary nodes; the bound
//! only keeps the trial-index arithmetic (sweep point × trials) exact.
inline constexpr std::uint64_t MAX_TRIALS = 10'000'000'000ULL;
//! --trials N (at least 1, at most MAX_TRIALS), defaulting to `n`.
po::typed_value<std::uint64_t>* trials_value(std::uint64_t n);
//! --seed: any 64-bit unsigned value, [0, 2^64-1].
po::typed_value<std::uint64_t>* seed_value(std::uint64_t seed);

//! Adds --checkpoint-seconds, --resume, --overwrite, --quiet,
//! --progress-seconds and --sweep-point, the options every trial campaign
//! takes (docs/output-files.md).
void add_campaign_options(po::options_description& desc);
//! Adds --overwrite alone (archive writers that are not trial campaigns).
void add_overwrite_option(po::options_description& desc);
//! The runner settings those options give. --sweep-point p must keep every
//! global trial index p·N + k (k < N = --trials) below 2^63.
campaign::RunnerOptions runner_options(const Invocation& inv);

//! The run's archive, claimed for the whole run (docs/output-files.md):
//! --output checked (".h5", not the same file as any input or deck), the lock
//! RUN.h5.lock taken (io::OutputLock), and what to do with an existing
//! RUN.h5.partial and RUN.h5 decided:
//!   - RUN.h5.partial exists: continued with --resume, replaced with
//!     --overwrite, refused otherwise;
//!   - --resume without RUN.h5.partial: a fresh run (one note on stderr), so
//!     job scripts may always pass --resume;
//!   - RUN.h5 exists: replaced at the end with --overwrite (or when this run
//!     resumes a partial archive started with --overwrite), refused otherwise.
//! Refusals are core::ConfigError or core::InputError (exit status 2) on
//! every rank together, before any input is read.
class RunOutput {
public:
  explicit RunOutput(const Invocation& inv);
  [[nodiscard]] const std::filesystem::path& path() const noexcept { return path_; }
  //! True when the run continues RUN.h5.partial, false when it creates it.
  [[nodiscard]] bool resume() const noexcept { return resume_; }

private:
  std::filesystem::path path_;
  std::unique_ptr<io::OutputLock> lock_;
  bool resume_ = false;
};

//! Creates the run's archive (NAME.h5.partial), or when `output` resumes
//! reopens the partial file after checking that its configuration and input
//! hashes match this run's; a mismatch or a corrupted file is refused
//! (core::InputError).
io::Archive open_archive(const RunOutput& output, const io::RunInfo& info, MPI_Comm comm);

//! Removes `path`.partial; used when a run that created it fails, so that no
//! partial output is left behind.
void forget_partial_output(const std::filesystem::path& path);

//! Writes the run's archive: opens it (open_archive), lets `fill` write the
//! analysis into it, and commits it (NAME.h5.partial → NAME.h5). When anything
//! fails the partial file is removed — no partial output — except when it is a
//! checkpoint to resume from: after an interrupted campaign, a full disk or
//! another I/O failure (core::IoError), or when this run was itself a resume.
template <class Fill>
void write_run_archive(const Invocation& inv, const RunOutput& output, const io::RunInfo& info,
                       Fill&& fill) {
  // A campaign stops at a checkpoint on SIGTERM/SIGINT: catch them before the
  // partial file exists, so that none can kill the run while it is written.
  if (inv.has("resume"))
    campaign::install_signal_handlers();
  try {
    auto archive = open_archive(output, info, inv.comm);
    fill(archive);
    archive.commit();
  } catch (const campaign::Interrupted&) {
    throw; // the partial archive is the checkpoint
  } catch (const core::IoError&) {
    throw; // ... and still the last one; the file may also belong to another run now
  } catch (...) {
    if (!output.resume() && inv.prints())
      forget_partial_output(output.path());
    throw;
  }
}

} // namespace nuflare::app
