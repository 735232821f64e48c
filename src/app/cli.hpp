#pragma once
//! The command-line layer shared by every subcommand (SPEC §11): options from
//! Boost.Program_options, INI decks (`--config`, repeatable; later decks and
//! the command line override earlier ones), MPI context, and the helpers that
//! turn a parsed invocation into the archive's RunInfo.
#include "nuflare/campaign/runner.hpp"
#include "nuflare/io/archive.hpp"

#include <boost/program_options.hpp>
#include <mpi.h>

#include <filesystem>
#include <functional>
#include <string>
#include <vector>

namespace nuflare::app {

namespace po = boost::program_options;

//! One parsed run of a subcommand.
struct Invocation {
  std::string command;           //!< subcommand name
  po::variables_map options;     //!< resolved options (decks + command line)
  std::vector<std::string> argv; //!< the raw arguments, for the archive
  MPI_Comm comm = MPI_COMM_WORLD;
  int rank = 0;
  int size = 1;

  [[nodiscard]] bool has(const std::string& name) const { return options.count(name) > 0; }
  template <class T>
  [[nodiscard]] T get(const std::string& name) const {
    return options[name].as<T>();
  }
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
//! when --help was answered. Throws core::ConfigError on bad options.
bool parse(const Command& command, int argc, char** argv, Invocation& out);

//! Parses a comma-separated list of numbers ("30,90,180"); names the option on error.
std::vector<double> parse_number_list(const std::string& option, const std::string& text);

//! The --output option's archive path, checked (".h5" suffix, folder writable).
std::filesystem::path output_path(const Invocation& inv);

//! Removes `path`.partial if this run created it; used when a run fails so
//! that no partial output is left behind.
void forget_partial_output(const std::filesystem::path& path);

//! Adds --checkpoint-seconds, --resume, --quiet and --progress-seconds, the
//! options every trial campaign takes (SPEC §11).
void add_campaign_options(po::options_description& desc);
//! The runner settings those options give.
campaign::RunnerOptions runner_options(const Invocation& inv);
//! Creates the run's archive (NAME.h5.partial), or with --resume reopens the
//! partial file after checking that its configuration and input hashes match
//! this run's; a mismatch or a corrupted file is refused (core::InputError).
io::Archive open_archive(const Invocation& inv, const std::filesystem::path& output,
                         const io::RunInfo& info);

//! Writes the run's archive: opens it (open_archive), lets `fill` write the
//! analysis into it, and commits it (NAME.h5.partial → NAME.h5). When anything
//! fails the partial file is removed — no partial output — except when it is a
//! checkpoint to resume from: after an interrupted campaign, a full disk or
//! another I/O failure (core::IoError), or when this run was itself a resume.
template <class Fill>
void write_run_archive(const Invocation& inv, const std::filesystem::path& output,
                       const io::RunInfo& info, Fill&& fill) {
  // A campaign stops at a checkpoint on SIGTERM/SIGINT: catch them before the
  // partial file exists, so that none can kill the run while it is written.
  if (inv.has("resume"))
    campaign::install_signal_handlers();
  try {
    auto archive = open_archive(inv, output, info);
    fill(archive);
    archive.commit();
  } catch (const campaign::Interrupted&) {
    throw; // the partial archive is the checkpoint
  } catch (const core::IoError&) {
    throw; // ... and still the last one; the file may also belong to another run now
  } catch (...) {
    const bool resuming = inv.has("resume") && inv.get<bool>("resume");
    if (!resuming && inv.prints())
      forget_partial_output(output);
    throw;
  }
}

} // namespace nuflare::app
