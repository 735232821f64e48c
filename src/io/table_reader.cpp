#include "nuflare/io/table_reader.hpp"

#include "nuflare/core/error.hpp"
#include "text.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>

namespace nuflare::io {

using core::InputError;
using detail::iequals;
using detail::quoted;
using detail::trim;

namespace {

bool is_blank_or_comment(std::string_view line, char comment) {
  line = trim(line);
  return line.empty() || line.front() == comment;
}

} // namespace

std::optional<double> parse_finite(std::string_view text) {
  if (text.empty())
    return std::nullopt;
  if (text.front() == '+')
    text.remove_prefix(1);
  double value = 0.0;
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (ec != std::errc() || ptr != end || !std::isfinite(value))
    return std::nullopt;
  return value;
}

TableReader::TableReader(std::string path, TableFormat format)
    : lines_(std::move(path)), format_(std::move(format)) {
  std::string_view line;
  if (!format_.fixed_columns.empty()) {
    columns_ = format_.fixed_columns;
    return;
  }
  while (lines_.next(line)) {
    std::string_view t = trim(line);
    if (t.empty())
      continue;
    if (t.front() == format_.comment) {
      if (!format_.header_may_be_comment)
        continue;
      t.remove_prefix(1);
    }
    std::vector<std::string_view> names;
    split(t, names);
    for (auto n : names)
      columns_.emplace_back(trim(n));
    header_line_ = lines_.line_number();
    // pandas writes its row index as an unnamed first column (",ra,dec,...");
    // accept that one and call it "index". Any other empty name is an error.
    if (columns_.size() > 1 && columns_.front().empty())
      columns_.front() = "index";
    for (std::size_t i = 0; i < columns_.size(); ++i)
      if (columns_[i].empty())
        throw InputError(lines_.path(), lines_.line_number(), "column " + std::to_string(i + 1),
                         "empty column name in the header");
    return;
  }
  throw InputError(lines_.path(), 0, "", "empty file: no header line");
}

TableReader::TableReader(std::string path, TableFormat format, std::vector<std::string> columns,
                         std::uint64_t begin, std::uint64_t end)
    : lines_(std::move(path), begin, end), format_(std::move(format)),
      columns_(std::move(columns)) {}

void TableReader::split(std::string_view line, std::vector<std::string_view>& out) {
  out.clear();
  if (format_.delimiter == Delimiter::whitespace) {
    std::size_t i = 0;
    while (i < line.size()) {
      while (i < line.size() && (line[i] == ' ' || line[i] == '\t'))
        ++i;
      if (i >= line.size())
        break;
      std::size_t j = i;
      while (j < line.size() && line[j] != ' ' && line[j] != '\t')
        ++j;
      out.push_back(line.substr(i, j - i));
      i = j;
    }
    return;
  }
  std::size_t i = 0;
  for (;;) {
    std::size_t j = i;
    while (j < line.size() && (line[j] == ' ' || line[j] == '\t'))
      ++j;
    if (j < line.size() && line[j] == '"') {
      // Quoted field: a doubled quote stands for one quote. Fields with
      // escaped quotes are rare (catalogue names); keep the raw text.
      std::size_t k = j + 1;
      while (k < line.size()) {
        if (line[k] == '"') {
          if (k + 1 < line.size() && line[k + 1] == '"') {
            k += 2;
            continue;
          }
          break;
        }
        ++k;
      }
      if (k >= line.size())
        throw InputError(lines_.path(), lines_.line_number(),
                         "column " + std::to_string(out.size() + 1), "unterminated quoted field");
      out.push_back(line.substr(j + 1, k - j - 1));
      std::size_t after = k + 1;
      while (after < line.size() && line[after] != ',')
        ++after;
      if (after >= line.size())
        return;
      i = after + 1;
      continue;
    }
    const std::size_t comma = line.find(',', i);
    if (comma == std::string_view::npos) {
      out.push_back(trim(line.substr(i)));
      return;
    }
    out.push_back(trim(line.substr(i, comma - i)));
    i = comma + 1;
  }
}

std::optional<std::size_t> find_column(const std::vector<std::string>& columns,
                                       std::string_view name) {
  for (std::size_t i = 0; i < columns.size(); ++i)
    if (iequals(columns[i], name))
      return i;
  return std::nullopt;
}

std::string column_label(const std::vector<std::string>& columns, std::size_t column) {
  return "column " + std::to_string(column + 1) + " (" + columns.at(column) + ")";
}

std::optional<std::size_t> TableReader::find(std::string_view name) const {
  return find_column(columns_, name);
}

std::size_t TableReader::require(std::initializer_list<std::string_view> names) const {
  for (auto n : names)
    if (auto i = find(n))
      return *i;
  std::string wanted;
  for (auto n : names)
    wanted += (wanted.empty() ? "" : " or ") + std::string(n);
  throw InputError(lines_.path(), header_line_, wanted, "missing column");
}

bool TableReader::next() {
  std::string_view line;
  while (lines_.next(line)) {
    if (is_blank_or_comment(line, format_.comment))
      continue;
    split(line, fields_);
    if (fields_.size() != columns_.size())
      throw InputError(lines_.path(), lines_.line_number(), "columns",
                       "expected " + std::to_string(columns_.size()) + " columns, found " +
                           std::to_string(fields_.size()));
    ++rows_;
    return true;
  }
  return false;
}

std::string TableReader::label(std::size_t column) const {
  return column_label(columns_, column);
}

void TableReader::fail(std::size_t column, const std::string& message) const {
  throw InputError(lines_.path(), lines_.line_number(), label(column), message);
}

void TableReader::fail_line(const std::string& message) const {
  throw InputError(lines_.path(), lines_.line_number(), "", message);
}

std::string_view TableReader::text(std::size_t column) const {
  return fields_.at(column);
}

double TableReader::number(std::size_t column) const {
  const auto t = text(column);
  if (auto v = parse_finite(t))
    return *v;
  if (t.empty())
    fail(column, "empty value");
  const std::string lower = [&] {
    std::string s(t);
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
    return s;
  }();
  if (lower.find("nan") != std::string::npos || lower.find("inf") != std::string::npos)
    fail(column, "not a finite number: " + quoted(t));
  fail(column, "not a number: " + quoted(t));
}

std::optional<double> TableReader::optional_number(std::size_t column) const {
  const auto t = text(column);
  if (t.empty() || iequals(t, "nan") || t == detail::MASKED || iequals(t, "none"))
    return std::nullopt;
  return number(column);
}

double TableReader::number_in(std::size_t column, double lo, double hi) const {
  return number_in(column, Range{lo, hi});
}

double TableReader::number_in(std::size_t column, const Range& range) const {
  const double v = number(column);
  if (!range.contains(v))
    fail_range(column, range);
  return v;
}

std::optional<double> TableReader::optional_in(std::size_t column, const Range& range) const {
  const auto v = optional_number(column);
  if (v && !range.contains(*v))
    fail_range(column, range);
  return v;
}

double TableReader::ra_deg(std::size_t column) const {
  const double v = number_in(column, ranges::RA_DEG);
  return v == 360 ? 0.0 : v;
}

void TableReader::fail_range(std::size_t column, const Range& range, const std::string& why) const {
  std::string_view t = text(column);
  std::string shown(t.substr(0, 40));
  if (t.size() > 40)
    shown += "...";
  fail(column, shown + " is outside the allowed range " + range.describe() +
                   (why.empty() ? "" : " (" + why + ")"));
}

double TableReader::non_negative(std::size_t column) const {
  const double v = number(column);
  if (v < 0)
    fail(column, "must not be negative: " + quoted(text(column)));
  return v;
}

long long TableReader::integer(std::size_t column) const {
  const auto t = text(column);
  long long v = 0;
  auto [ptr, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
  if (t.empty() || ec != std::errc() || ptr != t.data() + t.size())
    fail(column, "not an integer: " + quoted(t));
  return v;
}

bool TableReader::flag(std::size_t column) const {
  const auto t = text(column);
  // The usual 0 and 1 without the case-insensitive comparisons below (a
  // long CSV has a flag on every row).
  if (t.size() == 1 && (t[0] == '0' || t[0] == '1'))
    return t[0] == '1';
  for (auto yes : {"1", "true", "yes", "y", "t"})
    if (iequals(t, yes))
      return true;
  for (auto no : {"0", "false", "no", "n", "f", ""})
    if (iequals(t, no))
      return false;
  fail(column, "not a boolean flag: " + quoted(t));
}

} // namespace nuflare::io
