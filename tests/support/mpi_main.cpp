// Catch2 main for MPI tests: every rank runs the test cases, and the process
// fails when any rank failed. Only rank 0 reports, unless a rank fails. Exits
// with 77 (ctest's SKIP_RETURN_CODE) when a test case skipped itself for lack
// of data and nothing failed.
#define CATCH_CONFIG_RUNNER
#include "nuflare_catch.hpp"

#include <mpi.h>

#include <iostream>

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
  int status[2] = {failed != 0 ? 1 : 0, nuflare::test::skipped() ? 1 : 0};
  int any[2] = {0, 0};
  MPI_Allreduce(status, any, 2, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
  MPI_Finalize();
  if (any[0] != 0)
    return 1;
  if (any[1] != 0) {
    if (rank == 0)
      std::cout << "skipped: shared data absent (see the warnings above)\n";
    return 77;
  }
  return 0;
}
