// nuflare: one executable, one subcommand per analysis (README.md, "Using it"). This file
// only starts MPI when the run needs it, picks the subcommand and turns errors into one
// line on stderr and an exit status; the work happens in the library.
#include "cli.hpp"

#include "nuflare/campaign/launcher.hpp"
#include "nuflare/core/error.hpp"
#include "nuflare/core/validation.hpp"
#include "nuflare/version.hpp"

#include <cstdlib>
#include <cstring>
#include <iostream>
#include <new>
#include <set>
#include <string>

namespace {

using nuflare::app::commands;

void print_usage(std::ostream& out) {
  out << "nuflare " << nuflare::VERSION
      << " — neutrino–flare coincidences and population limits\n\n"
         "usage: nuflare <subcommand> [options]   (nuflare <subcommand> --help)\n"
         "       mpirun -np K nuflare <subcommand> ...   (same results for every K)\n\n"
         "subcommands:\n";
  for (const auto& c : commands()) {
    if (c.hidden)
      continue;
    std::string name = c.name;
    name.resize(14, ' ');
    out << "  " << name << c.summary << '\n';
  }
}

//! Subcommands that run as one process without MPI outside a launcher: they
//! either run no collective step or run theirs through campaign/gather and
//! io::Archive, which take MPI_COMM_NULL as one process. The trial campaigns
//! (spatial, temporal, scan, sweep, simultaneity, sensitivity) still start MPI, as a
//! singleton without daemon: their runner speaks MPI directly.
bool runs_without_mpi(const std::string& command) {
  static const std::set<std::string> serial = {"blocks",     "flares",   "dcf",         "followup",
                                               "candidates", "simulate", "help-tables", "table"};
  return serial.count(command) > 0;
}

bool env_is(const char* name, const char* value) {
  const char* v = std::getenv(name);
  return v != nullptr && std::strcmp(v, value) == 0;
}

} // namespace

int main(int argc, char** argv) {
  // Under a launcher every rank starts MPI first, as every collective step
  // expects; NUFLARE_FORCE_MPI=1 does the same outside one (benchmarks and
  // tests of the MPI path). Otherwise MPI waits until a subcommand needs it.
  const bool under_launcher = nuflare::campaign::launcher_variable().has_value();
  const bool forced = env_is("NUFLARE_FORCE_MPI", "1");
  nuflare::campaign::MpiSession mpi("nuflare: ");
  if (under_launcher || forced)
    mpi.start(argc, argv, under_launcher, forced);
  int rank = 0;
  if (mpi.started())
    MPI_Comm_rank(mpi.comm(), &rank);

  if (argc < 2 || std::strcmp(argv[1], "--help") == 0 || std::strcmp(argv[1], "-h") == 0) {
    if (rank == 0)
      print_usage(argc < 2 ? std::cerr : std::cout);
    return mpi.finish(argc < 2 ? 2 : 0);
  }
  if (std::strcmp(argv[1], "--version") == 0) {
    if (rank == 0)
      std::cout << "nuflare " << nuflare::VERSION << " (" << nuflare::GIT_REVISION << ")\n";
    return mpi.finish(0);
  }
  const nuflare::app::Command* command = nullptr;
  for (const auto& c : commands())
    if (c.name == std::string(argv[1]))
      command = &c;
  if (command == nullptr)
    return mpi.fail(std::string("unknown subcommand \"") + argv[1] + "\" (see nuflare --help)", 2);

  int status = 0;
  nuflare::app::Invocation inv;
  try {
    inv.comm = mpi.comm();
    if (mpi.started()) {
      MPI_Comm_rank(inv.comm, &inv.rank);
      MPI_Comm_size(inv.comm, &inv.size);
    }
    // Parsing reads only the command line and decks: one process outside a
    // launcher parses (and answers --help) before deciding whether to start MPI.
    if (nuflare::app::parse(*command, argc - 1, argv + 1, inv)) {
      if (!runs_without_mpi(command->name)) {
        mpi.start(argc, argv, under_launcher, forced);
        inv.comm = mpi.comm();
      }
      status = command->run(inv);
    }
  } catch (const nuflare::core::FieldError& e) {
    // The library names a field; say where its value came from (--key or a deck line).
    return mpi.fail(inv.locate(e), e.exit_status());
  } catch (const nuflare::core::ConfigError& e) {
    // A message that starts with an option's key: point at the deck line that gave it.
    return mpi.fail(inv.locate(e.what()), e.exit_status());
  } catch (const nuflare::core::Error& e) {
    return mpi.fail(e.what(), e.exit_status());
  } catch (const std::bad_alloc&) {
    return mpi.fail("out of memory: this run needs more memory than its ranks have (campaigns "
                    "keep every trial's statistics: fewer --trials, or more ranks on more nodes)",
                    1);
  } catch (const std::exception& e) {
    return mpi.fail(std::string("internal error: ") + e.what(), 1);
  }
  return mpi.finish(status);
}
