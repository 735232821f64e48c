// nuflare: one executable, one subcommand per analysis (README.md, "Using it"). This file
// only starts MPI when the run needs it, picks the subcommand and turns errors into one
// line on stderr and an exit status; the work happens in the library.
#include "cli.hpp"

#include "nuflare/campaign/gather.hpp"
#include "nuflare/campaign/launcher.hpp"
#include "nuflare/core/error.hpp"
#include "nuflare/core/validation.hpp"
#include "nuflare/version.hpp"

#include <cstdlib>
#include <cstring>
#include <filesystem>
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

//! How this process runs (docs/cli.md, "When nuflare starts MPI").
struct Mpi {
  bool started = false;
  //! MPI_COMM_WORLD once started; MPI_COMM_NULL for one process without MPI.
  MPI_Comm comm = MPI_COMM_NULL;
  std::string session_dir; //!< Open MPI's session directory made for this singleton

  //! MPI_Init, once. Outside a launcher (a singleton, `forced` aside) Open
  //! MPI is told to start without its supporting daemon, unless the user
  //! chose otherwise: the daemon's start-up (and its 2.3 s wait for munge
  //! where munge is installed but not running) is most of a singleton's cost.
  //! Such singletons all take job id 0, so each gets a session directory of
  //! its own: two campaigns at once would otherwise share one, and the first
  //! to finish would remove the other's files.
  void start(int& argc, char**& argv, bool under_launcher, bool forced) {
    if (started)
      return;
    // When the environment sets either, its settings stand as they are.
    if (!under_launcher && !forced && std::getenv("OMPI_MCA_ess_singleton_isolated") == nullptr &&
        std::getenv("OMPI_MCA_orte_tmpdir_base") == nullptr) {
      const char* tmp = std::getenv("TMPDIR");
      std::string dir =
          std::string(tmp != nullptr && *tmp != '\0' ? tmp : "/tmp") + "/nuflare-mpi-XXXXXX";
      if (mkdtemp(dir.data()) != nullptr) {
        session_dir = dir;
        setenv("OMPI_MCA_orte_tmpdir_base", dir.c_str(), 1);
        setenv("OMPI_MCA_ess_singleton_isolated", "1", 1);
      }
    }
    MPI_Init(&argc, &argv);
    started = true;
    comm = MPI_COMM_WORLD;
  }

  //! Ends the process's MPI use; with NUFLARE_DEBUG_MPI=1 says on stderr
  //! whether MPI was initialised (tests/unit/app/startup.sh).
  int finish(int status) const {
    if (const char* debug = std::getenv("NUFLARE_DEBUG_MPI"); debug && std::strcmp(debug, "1") == 0)
      std::cerr << (started ? "mpi: initialised\n" : "mpi: not initialised\n");
    if (started)
      MPI_Finalize();
    if (!session_dir.empty()) {
      std::error_code ec;
      std::filesystem::remove_all(session_dir, ec);
    }
    return status;
  }

  //! Ends the run after an error: one line on stderr, the error's exit status
  //! (campaign::end_after_error decides which rank prints).
  int fail(const std::string& message, int status) const {
    return finish(nuflare::campaign::end_after_error(comm, "nuflare: ", message, status));
  }
};

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
  Mpi mpi;
  if (under_launcher || forced)
    mpi.start(argc, argv, under_launcher, forced);
  int rank = 0;
  if (mpi.started)
    MPI_Comm_rank(mpi.comm, &rank);

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
    inv.comm = mpi.comm;
    if (mpi.started) {
      MPI_Comm_rank(inv.comm, &inv.rank);
      MPI_Comm_size(inv.comm, &inv.size);
    }
    // Parsing reads only the command line and decks: one process outside a
    // launcher parses (and answers --help) before deciding whether to start MPI.
    if (nuflare::app::parse(*command, argc - 1, argv + 1, inv)) {
      if (!runs_without_mpi(command->name)) {
        mpi.start(argc, argv, under_launcher, forced);
        inv.comm = mpi.comm;
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
