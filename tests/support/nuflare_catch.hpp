#pragma once
//! The one place tests include Catch2 (v2, Debian's catch2 package), plus the
//! helpers every test shares: where the shared oracles and real data live, and
//! how a test that needs absent real data skips with a message.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <filesystem>
#include <string>
#include <unistd.h>

namespace nuflare::test {

//! `../shared` beside the checkout (override with NUFLARE_SHARED_DIR).
inline std::filesystem::path shared_dir() {
  if (const char* env = std::getenv("NUFLARE_SHARED_DIR"))
    return env;
  return NUFLARE_SHARED_DIR;
}
inline std::filesystem::path oracle_file(const std::string& name) {
  return shared_dir() / "oracles" / name;
}
inline std::filesystem::path data_file(const std::string& relative) {
  return shared_dir() / "data" / relative;
}
inline std::filesystem::path source_dir() {
  return NUFLARE_SOURCE_DIR;
}

//! A fresh, empty temporary folder for one test.
inline std::filesystem::path temp_dir(const std::string& tag) {
  auto dir = std::filesystem::temp_directory_path() /
             ("nuflare_test_" + tag + "_" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

} // namespace nuflare::test

namespace nuflare::test {
//! Set when a test case skipped itself; the test mains then exit with 77,
//! which ctest reports as "skipped" (SKIP_RETURN_CODE), not as passed.
inline bool& skipped() {
  static bool flag = false;
  return flag;
}
} // namespace nuflare::test

//! Skips the rest of the test case when `path` (real data or an oracle file
//! under ../shared) is absent: a visible warning, and the executable exits
//! with 77 so ctest counts it as skipped. Test cases that use it carry the
//! tag [data]; nuflare_add_test(... DATA) registers them as their own ctest
//! entry (NAME_data), so the other cases still count as passed.
#define NUFLARE_REQUIRE_DATA(path)                                                                 \
  do {                                                                                             \
    if (!std::filesystem::exists(path)) {                                                          \
      WARN("skipped: shared file not found at " << (path));                                        \
      ::nuflare::test::skipped() = true;                                                           \
      return;                                                                                      \
    }                                                                                              \
  } while (0)
