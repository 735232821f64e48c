#pragma once
//! Tables printed on stdout: collected whole, then printed at once (so a run
//! that fails prints nothing), as CSV or Markdown.
#include "nuflare/io/archive.hpp"

#include <cstdint>
#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

namespace nuflare::app {

//! Shortest text that reads back as the same double ("4.8", not "4.7999…");
//! "nan" for NaN.
std::string format_number(double value);
//! Same, with an empty field for a missing value.
std::string format_number(std::optional<double> value);

class TextTable {
public:
  explicit TextTable(std::vector<std::string> header) : header_(std::move(header)) {}
  void add_row(std::vector<std::string> row);
  void print_csv(std::ostream& out) const;
  void print_markdown(std::ostream& out) const;
  //! "csv" or "markdown"; throws core::ConfigError otherwise.
  void print(std::ostream& out, const std::string& format) const;
  [[nodiscard]] std::size_t rows() const noexcept { return rows_.size(); }
  [[nodiscard]] const std::vector<std::vector<std::string>>& cells() const noexcept {
    return rows_;
  }

private:
  std::vector<std::string> header_;
  std::vector<std::vector<std::string>> rows_;
};

//! The text form of an archive table, column by column.
TextTable to_text(const io::Table& table);

} // namespace nuflare::app
