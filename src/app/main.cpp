// nuflare: one executable, one subcommand per analysis (README.md, "Using it"). This file
// only starts MPI, picks the subcommand and turns errors into one line on
// stderr and an exit status; the work happens in the library.
#include "cli.hpp"

#include "nuflare/campaign/gather.hpp"
#include "nuflare/core/error.hpp"
#include "nuflare/core/validation.hpp"
#include "nuflare/version.hpp"

#include <cstring>
#include <iostream>
#include <new>

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

//! Ends the run after an error: one line on stderr, the error's exit status
//! (campaign::end_after_error decides which rank prints).
int fail(const std::string& message, int status) {
  status = nuflare::campaign::end_after_error(MPI_COMM_WORLD, "nuflare: ", message, status);
  MPI_Finalize();
  return status;
}

} // namespace

int main(int argc, char** argv) {
  MPI_Init(&argc, &argv);
  int rank = 0;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);

  if (argc < 2 || std::strcmp(argv[1], "--help") == 0 || std::strcmp(argv[1], "-h") == 0) {
    if (rank == 0)
      print_usage(argc < 2 ? std::cerr : std::cout);
    MPI_Finalize();
    return argc < 2 ? 2 : 0;
  }
  if (std::strcmp(argv[1], "--version") == 0) {
    if (rank == 0)
      std::cout << "nuflare " << nuflare::VERSION << " (" << nuflare::GIT_REVISION << ")\n";
    MPI_Finalize();
    return 0;
  }
  const nuflare::app::Command* command = nullptr;
  for (const auto& c : commands())
    if (c.name == std::string(argv[1]))
      command = &c;
  if (command == nullptr)
    return fail(std::string("unknown subcommand \"") + argv[1] + "\" (see nuflare --help)", 2);

  int status = 0;
  nuflare::app::Invocation inv;
  try {
    inv.comm = MPI_COMM_WORLD;
    MPI_Comm_rank(inv.comm, &inv.rank);
    MPI_Comm_size(inv.comm, &inv.size);
    if (nuflare::app::parse(*command, argc - 1, argv + 1, inv))
      status = command->run(inv);
  } catch (const nuflare::core::FieldError& e) {
    // The library names a field; say where its value came from (--key or a deck line).
    return fail(inv.locate(e), e.exit_status());
  } catch (const nuflare::core::ConfigError& e) {
    // A message that starts with an option's key: point at the deck line that gave it.
    return fail(inv.locate(e.what()), e.exit_status());
  } catch (const nuflare::core::Error& e) {
    return fail(e.what(), e.exit_status());
  } catch (const std::bad_alloc&) {
    return fail("out of memory: this run needs more memory than its ranks have (campaigns keep "
                "every trial's statistics: fewer --trials, or more ranks on more nodes)",
                1);
  } catch (const std::exception& e) {
    return fail(std::string("internal error: ") + e.what(), 1);
  }
  MPI_Finalize();
  return status;
}
