// nuflare: one executable, one subcommand per analysis (README.md, "Using it"). This file
// starts MPI under a launcher only, picks the subcommand and turns errors into one line on
// stderr and an exit status; the work happens in the library.
#include "cli.hpp"

#include "nuflare/campaign/launcher.hpp"
#include "nuflare/core/error.hpp"
#include "nuflare/core/validation.hpp"
#include "nuflare/version.hpp"

#include <cstdlib>
#include <cstring>
#include <iostream>
#include <new>
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

bool env_is(const char* name, const char* value) {
  const char* v = std::getenv(name);
  return v != nullptr && std::strcmp(v, value) == 0;
}

} // namespace

int main(int argc, char** argv) {
  // Under a launcher every rank starts MPI first, as every collective step
  // expects; NUFLARE_FORCE_MPI=1 does the same outside one (benchmarks and
  // tests of the MPI path). Otherwise the run is one process without MPI:
  // every subcommand, trial campaigns included, takes MPI_COMM_NULL as one
  // process with the serial HDF5 driver and writes the same archive
  // (docs/cli.md, "When nuflare starts MPI"), without MPI_Init's start-up cost.
  const bool under_launcher = nuflare::campaign::launcher_variable().has_value();
  nuflare::campaign::MpiSession mpi("nuflare: ");
  if (under_launcher || env_is("NUFLARE_FORCE_MPI", "1"))
    mpi.start(argc, argv, under_launcher);
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
    if (nuflare::app::parse(*command, argc - 1, argv + 1, inv))
      status = command->bind().run(inv);
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
