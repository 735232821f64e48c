// Catch2 main for plain tests: exits with 77 (ctest's SKIP_RETURN_CODE) when
// a test case skipped itself for lack of data and nothing failed.
#define CATCH_CONFIG_RUNNER
#include "nuflare_catch.hpp"

#include <iostream>

int main(int argc, char* argv[]) {
  Catch::Session session;
  int failed = session.applyCommandLine(argc, argv);
  if (failed == 0)
    failed = session.run();
  if (failed == 0 && nuflare::test::skipped()) {
    std::cout << "skipped: shared data absent (see the warnings above)\n";
    return 77;
  }
  return failed != 0 ? 1 : 0;
}
