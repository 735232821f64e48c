#pragma once
//! The command-line layer shared by every subcommand (docs/cli.md,
//! inputs/README.md): each subcommand's options come from the option tables
//! of its settings (core/options.hpp), bound here to Boost.Program_options
//! and to INI decks (`--config`, repeatable; later decks and the command line
//! override earlier ones). Errors name `--option` for a command-line value
//! and `deck.ini:LINE: key` for a deck's.
#include "nuflare/campaign/inputs.hpp"
#include "nuflare/campaign/run_output.hpp"
#include "nuflare/campaign/runner.hpp"
#include "nuflare/core/options.hpp"
#include "nuflare/io/archive.hpp"
#include "nuflare/io/formats.hpp"
#include "nuflare/io/output_lock.hpp"
#include "nuflare/io/tables.hpp"

#include <boost/program_options.hpp>
#include <mpi.h>

#include <filesystem>
#include <functional>
#include <iostream>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <span>
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
  std::string command;                 //!< subcommand name
  std::vector<core::OptionSpec> specs; //!< every option of the subcommand
  po::variables_map options;           //!< resolved options (decks + command line), as text
  std::vector<std::string> argv;       //!< the raw arguments, for the archive
  //! Options whose resolved value came from a deck (the command line wins).
  std::map<std::string, DeckOrigin> from_deck;
  //! Options given on the command line.
  std::set<std::string> from_command_line;
  MPI_Comm comm = MPI_COMM_WORLD; //!< MPI_COMM_NULL: one process without MPI (docs/cli.md)
  int rank = 0;
  int size = 1;

  [[nodiscard]] bool has(const std::string& name) const { return options.count(name) > 0; }
  //! The text of option `name` (one value).
  [[nodiscard]] std::string text(const std::string& name) const;
  //! The values of a list option (none when absent).
  [[nodiscard]] std::vector<std::string> texts(const std::string& name) const;
  //! The settings the options give: every option of `table` that has a
  //! value (given, from a deck, or defaulted) set in a `Run{}`.
  template <class Run>
  [[nodiscard]] Run read(const core::OptionTable<Run>& table) const {
    Run out{};
    for (const auto& row : table.rows())
      if (has(row.spec.flag()))
        row.set(out, value(row.spec));
    return out;
  }

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
  [[nodiscard]] std::string blame(const std::string& a, const std::string& b) const;
  //! A library's error about a field, as one line that names where the value
  //! came from: `--key: ...` or `deck.ini:12: key: ...`; for two fields
  //! (core::RelationError), the one set last. Fields that are no option of
  //! this subcommand keep the library's text.
  [[nodiscard]] std::string locate(const core::FieldError& error) const;
  //! A message that starts with an option's key (`events.uptime: ...`),
  //! placed at the deck line that gave the option; unchanged otherwise.
  [[nodiscard]] std::string locate(const std::string& message) const;
  //! Resolved options as key = value strings, sorted by key (stored in
  //! /config), run-control options left out.
  [[nodiscard]] std::vector<std::pair<std::string, std::string>> resolved() const;
  //! RunInfo for the archive: analysis name, seed, command line, config, inputs.
  [[nodiscard]] io::RunInfo run_info(std::uint64_t seed,
                                     std::vector<std::filesystem::path> inputs) const;
  //! True on the rank that prints to stdout (rank 0).
  [[nodiscard]] bool prints() const noexcept { return rank == 0; }
  //! Prints the summary table that `make()` builds (on the printing rank
  //! only) as CSV on stdout; returns the command's exit status, 0.
  template <class MakeTable>
  int print_summary(MakeTable&& make) const {
    if (prints())
      io::print_csv(std::cout, make());
    return 0;
  }

private:
  [[nodiscard]] const core::OptionSpec* spec(const std::string& name) const;
  [[nodiscard]] core::Value value(const core::OptionSpec& spec) const;
};

//! What runs a subcommand: its options and its body (`run` returns the exit
//! status).
struct Binding {
  //! Every option of the subcommand, in `--help` order.
  std::function<std::vector<core::OptionSpec>()> options;
  std::function<int(Invocation&)> run;
};

//! A subcommand: its name, its binding, and what `--help` and docs/cli.md say
//! of it (the table in src/app/commands.cpp).
struct Command {
  const char* name = "";
  Binding (*bind)() = nullptr;
  const char* summary = "";
  //! The command's form for docs/cli.md: "--input LC.csv [--fitness F] ...".
  const char* usage = "";
  //! What it prints on stdout, for docs/cli.md.
  const char* prints = "";
  bool hidden = false; //!< left out of `nuflare --help` and the documentation
};

//! A subcommand whose settings are a `Run` read from `table` (its options)
//! and handed to `body`.
template <class Run>
Binding make_binding(const core::OptionTable<Run>& (*table)(),
                     int (*body)(Invocation&, const Run&)) {
  return {.options = [table] { return table().specs(); },
          .run = [table, body](Invocation& inv) { return body(inv, inv.read(table())); }};
}

//! Every subcommand, in the order `nuflare --help` lists them.
std::span<const Command> commands();

//! Parses argv for `command` (argv[0] is the subcommand name). Returns false
//! when --help was answered. Throws core::ConfigError for a bad command-line
//! option and core::InputError (`deck.ini:12: key: ...`) for a bad deck line.
bool parse(const Command& command, int argc, char** argv, Invocation& out);

//! Files given as one input format, and the option that reads each format.
struct FormatHints {
  std::map<std::string, io::InputFormat> given;   //!< path → the format it was given as
  std::map<io::InputFormat, std::string> readers; //!< format → "--fermi-lcr"
};
//! The hints of the time test's inputs (temporal, scan, sensitivity).
FormatHints time_test_hints(const campaign::TemporalSelection& selection);
//! The hint of with_hints; rethrows `error` as it is when there is none.
[[noreturn]] void throw_with_hint(const core::InputError& error, const FormatHints& hints);
//! Runs `read`; an input error about a file of `hints.given` that is
//! recognisably another format gets a hint: what the file looks like and the
//! option that reads it, e.g. `x.csv:1: source: missing column (this looks
//! like a Fermi LAT Light Curve Repository export: give it with --fermi-lcr)`.
template <class Read>
auto with_hints(const FormatHints& hints, Read&& read) {
  try {
    return read();
  } catch (const core::InputError& e) {
    throw_with_hint(e, hints);
  }
}

// ---- what every run that writes an archive shares -------------------------------

using campaign::OutputOptions;

//! Checks that `--sweep-point` p keeps every global trial index p·N + k
//! (k < N = `n_trials`) below 2^63, naming both options as they were given.
void check_sweep_point(const Invocation& inv, const campaign::RunnerOptions& runner,
                       std::uint64_t n_trials);

//! The run's archive, claimed for the whole run (campaign/run_output.hpp):
//! `output` checked against the inputs and decks, the lock taken, an existing
//! RUN.h5.partial continued with --resume or replaced with --overwrite, an
//! existing RUN.h5 replaced with --overwrite; refused otherwise (exit status 2
//! on every rank together, before any input is read).
campaign::RunOutput claim_output(const Invocation& inv);

} // namespace nuflare::app
