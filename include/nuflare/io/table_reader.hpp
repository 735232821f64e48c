#pragma once
//! Row-by-row reader for delimited text tables (CSV with a header line, or the
//! whitespace-separated files of the IceCube release). Every value is checked
//! as it is read; the first bad one raises core::InputError naming the file,
//! the line and the column (docs/input-formats.md).
#include "nuflare/io/line_reader.hpp"
#include "nuflare/io/ranges.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace nuflare::io {

enum class Delimiter {
  comma,      //!< CSV; fields may be double-quoted
  whitespace, //!< runs of blanks or tabs separate fields
};

struct TableFormat {
  Delimiter delimiter = Delimiter::comma;
  char comment = '#'; //!< lines starting with it (after blanks) are skipped, except a header
  //! The header is the first non-blank line; when it starts with `comment` the
  //! comment character is stripped first (IceCube's `#  MJD[days] ...`).
  bool header_may_be_comment = false;
  //! Names to use when the file has no header line at all (then the first
  //! non-comment line is data).
  std::vector<std::string> fixed_columns;
};

class TableReader {
public:
  TableReader(std::string path, TableFormat format = {});
  //! Reads only the rows of the lines that start in bytes [begin, end) of a
  //! plain file whose header, `columns`, a reader of the whole file has read
  //! (lines().offset() is then where its data start): one part of a file cut
  //! for reading in parallel (LineReader's range constructor; blank and
  //! comment lines are skipped as anywhere in the file). line_number()
  //! counts from the range's start.
  TableReader(std::string path, TableFormat format, std::vector<std::string> columns,
              std::uint64_t begin, std::uint64_t end);

  //! Column names as in the header (trimmed).
  [[nodiscard]] const std::vector<std::string>& columns() const noexcept { return columns_; }
  //! Index of a column, compared case-insensitively, or nullopt.
  [[nodiscard]] std::optional<std::size_t> find(std::string_view name) const;
  //! Index of the first of `names` present; throws naming the file when none is.
  std::size_t require(std::initializer_list<std::string_view> names) const;

  //! Advances to the next data row; false at the end of the file. Blank and
  //! comment lines are skipped; a row with the wrong number of fields throws.
  bool next();
  [[nodiscard]] std::size_t rows_read() const noexcept { return rows_; }
  [[nodiscard]] std::size_t line_number() const noexcept { return lines_.line_number(); }
  [[nodiscard]] const std::string& path() const noexcept { return lines_.path(); }
  //! 1-based line of the header (0 when the format has fixed columns).
  [[nodiscard]] std::size_t header_line() const noexcept { return header_line_; }
  //! The line reader underneath (byte offset, newlines read, compression).
  [[nodiscard]] const LineReader& lines() const noexcept { return lines_; }

  //! Raw text of a field in the current row (trimmed, quotes removed).
  [[nodiscard]] std::string_view text(std::size_t column) const;
  //! A finite number; rejects empty text, trailing junk, NaN and inf.
  [[nodiscard]] double number(std::size_t column) const;
  //! A finite number, or nullopt when the field is empty / "nan" / "NaN" / "--".
  [[nodiscard]] std::optional<double> optional_number(std::size_t column) const;
  //! A finite number within [lo, hi].
  [[nodiscard]] double number_in(std::size_t column, double lo, double hi) const;
  //! A finite number within `range`; otherwise throws "<text> is outside the
  //! allowed range <range>" for the column.
  [[nodiscard]] double number_in(std::size_t column, const Range& range) const;
  //! As number_in(column, range), or nullopt when the field is missing (as in
  //! optional_number).
  [[nodiscard]] std::optional<double> optional_in(std::size_t column, const Range& range) const;
  //! Right ascension in ranges::RA_DEG; 360 (a rounded 359.9996) is returned as 0.
  [[nodiscard]] double ra_deg(std::size_t column) const;
  //! A finite number >= 0 (errors, widths, areas).
  [[nodiscard]] double non_negative(std::size_t column) const;
  //! A signed integer.
  [[nodiscard]] long long integer(std::size_t column) const;
  //! true for 1/true/yes/y/t, false for 0/false/no/n/f/empty.
  [[nodiscard]] bool flag(std::size_t column) const;

  //! Throws core::InputError for `column` of the current line.
  [[noreturn]] void fail(std::size_t column, const std::string& message) const;
  //! Throws "<text> is outside the allowed range <range>" for `column`, with
  //! `why` appended when given.
  [[noreturn]] void fail_range(std::size_t column, const Range& range,
                               const std::string& why = {}) const;
  //! Throws core::InputError for the current line as a whole.
  [[noreturn]] void fail_line(const std::string& message) const;
  //! The "column 3 (AngErr)" label used in messages.
  [[nodiscard]] std::string label(std::size_t column) const;

private:
  void split(std::string_view line, std::vector<std::string_view>& out);

  LineReader lines_;
  TableFormat format_;
  std::vector<std::string> columns_;
  std::vector<std::string_view> fields_;
  std::string unquoted_; // storage for fields with escaped quotes
  std::size_t rows_ = 0;
  std::size_t header_line_ = 0;
};

//! Index of the column `name` among a header's `columns`, compared
//! case-insensitively, or nullopt (TableReader::find on a header kept apart).
[[nodiscard]] std::optional<std::size_t> find_column(const std::vector<std::string>& columns,
                                                     std::string_view name);
//! The "column 3 (AngErr)" label of `columns[column]` used in messages.
[[nodiscard]] std::string column_label(const std::vector<std::string>& columns, std::size_t column);

//! Parses a finite double from the whole of `text` (no blanks, no junk).
std::optional<double> parse_finite(std::string_view text);

} // namespace nuflare::io
