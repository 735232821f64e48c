// Catch2 main for MPI tests: every rank runs the test cases, and the process
// fails when any rank failed. Only rank 0 reports, unless a rank fails.
#define CATCH_CONFIG_RUNNER
#include <catch2/catch.hpp>
#include <mpi.h>

int main(int argc, char* argv[]) {
  MPI_Init(&argc, &argv);
  int rank = 0;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  Catch::Session session;
  if (rank != 0) {
    // Keep the other ranks quiet unless they fail.
    session.configData().outputFilename = "%debug";
    session.configData().showSuccessfulTests = false;
  }
  int failed = session.applyCommandLine(argc, argv);
  if (failed == 0)
    failed = session.run();
  int any_failed = 0;
  MPI_Allreduce(&failed, &any_failed, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
  MPI_Finalize();
  return any_failed != 0 ? 1 : 0;
}
