#pragma once
//! Helpers shared by the reader tests: write synthetic files, compress them,
//! and check that a reader rejects bad input with file, line and field named.
#include "nuflare/core/error.hpp"
#include "nuflare_catch.hpp"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

namespace nuflare::test {

//! Writes `text` to `dir/name` and returns the path.
inline std::string write_text(const std::filesystem::path& dir, const std::string& name,
                              const std::string& text) {
  const auto path = dir / name;
  std::ofstream(path, std::ios::binary) << text;
  return path.string();
}

//! Compresses `path` with `gzip` or `xz` (keeping the original); returns the
//! compressed file's path.
inline std::string compress(const std::string& path, const std::string& tool) {
  const std::string cmd = tool + " -k -f '" + path + "'";
  REQUIRE(std::system(cmd.c_str()) == 0);
  return path + (tool == "gzip" ? ".gz" : ".xz");
}

//! Runs `read` and requires a core::InputError whose message names the file
//! (its base name), the line (":<line>:" unless line is 0) and contains
//! `field` and `detail`.
template <class F>
void require_input_error(F&& read, const std::string& path, std::size_t line,
                         const std::string& field, const std::string& detail = "") {
  const std::string base = std::filesystem::path(path).filename().string();
  try {
    read();
  } catch (const core::InputError& e) {
    const std::string what = e.what();
    INFO("message: " << what);
    CHECK(what.find(base) != std::string::npos);
    CHECK(e.line() == line);
    if (line > 0)
      CHECK(what.find(":" + std::to_string(line) + ":") != std::string::npos);
    CHECK(what.find(field) != std::string::npos);
    CHECK(what.find(detail) != std::string::npos);
    return;
  }
  FAIL("no InputError for " << base);
}

} // namespace nuflare::test
