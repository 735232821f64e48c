#pragma once
//! Helpers shared by the reader tests: write synthetic files, compress them,
//! and check that a reader rejects bad input with file, line and field named.
#include "nuflare/core/error.hpp"
#include "nuflare_catch.hpp"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <span>
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

//! A bad data row and what the reader must say of it.
struct BadRow {
  const char* name;   //!< the SECTION, and the file's base name
  std::string row;    //!< the row, after the good ones (its newline may be left out)
  const char* field;  //!< what the message names: "column 4 (flux)"
  const char* detail; //!< and says: "not a finite number"
};

//! One SECTION per case: `head` (header and good rows) and the case's row,
//! written to `<name><suffix>` in `dir`, must make `read(path)()` throw an
//! InputError at `line` with the case's field and detail.
template <class Read>
void require_bad_rows(const std::filesystem::path& dir, const std::string& head, std::size_t line,
                      std::span<const BadRow> cases, Read&& read,
                      const std::string& suffix = ".csv") {
  for (const auto& c : cases) {
    SECTION(c.name) {
      const std::string text = head + c.row + (c.row.ends_with('\n') ? "" : "\n");
      const auto p = write_text(dir, std::string(c.name) + suffix, text);
      require_input_error(read(p), p, line, c.field, c.detail);
    }
  }
}

//! An empty file, a file with `header` alone (left out when empty), and an
//! absent file, each named in `dir` with `suffix`: `read(path)()` must say
//! "empty file" or "no such file", at no line.
template <class Read>
void require_empty_and_absent(const std::filesystem::path& dir, const std::string& header,
                              Read&& read, const std::string& suffix = ".csv") {
  const auto e = write_text(dir, "empty" + suffix, "");
  require_input_error(read(e), e, 0, "", "empty file");
  if (!header.empty()) {
    const auto h = write_text(dir, "header_only" + suffix, header);
    require_input_error(read(h), h, 0, "", "empty file");
  }
  const auto absent = (dir / ("absent" + suffix)).string();
  require_input_error(read(absent), "absent" + suffix, 0, "", "no such file");
}

} // namespace nuflare::test
