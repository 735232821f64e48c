#include "nuflare/campaign/launcher.hpp"

#include "nuflare/campaign/gather.hpp"

#include <cstring>
#include <filesystem>
#include <iostream>

namespace nuflare::campaign {

void MpiSession::start(int& argc, char**& argv, bool under_launcher) {
  if (started_)
    return;
  // When the environment sets either, its settings stand as they are.
  if (!under_launcher && std::getenv("OMPI_MCA_ess_singleton_isolated") == nullptr &&
      std::getenv("OMPI_MCA_orte_tmpdir_base") == nullptr) {
    const char* tmp = std::getenv("TMPDIR");
    std::string dir =
        std::string(tmp != nullptr && *tmp != '\0' ? tmp : "/tmp") + "/nuflare-mpi-XXXXXX";
    if (mkdtemp(dir.data()) != nullptr) {
      session_dir_ = dir;
      setenv("OMPI_MCA_orte_tmpdir_base", dir.c_str(), 1);
      setenv("OMPI_MCA_ess_singleton_isolated", "1", 1);
    }
  }
  MPI_Init(&argc, &argv);
  started_ = true;
  comm_ = MPI_COMM_WORLD;
}

int MpiSession::finish(int status) const {
  if (const char* debug = std::getenv("NUFLARE_DEBUG_MPI"); debug && std::strcmp(debug, "1") == 0)
    std::cerr << (started_ ? "mpi: initialised\n" : "mpi: not initialised\n");
  if (started_)
    MPI_Finalize();
  if (!session_dir_.empty()) {
    std::error_code ec;
    std::filesystem::remove_all(session_dir_, ec);
  }
  return status;
}

int MpiSession::fail(const std::string& message, int status) const {
  return finish(end_after_error(comm_, error_prefix_, message, status));
}

} // namespace nuflare::campaign
