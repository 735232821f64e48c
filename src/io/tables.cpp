#include "nuflare/io/tables.hpp"

#include "nuflare/core/error.hpp"
#include "nuflare/core/validation.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <ostream>

namespace nuflare::io {

Table select_columns(const Table& table, std::initializer_list<std::string_view> names) {
  Table out;
  for (const auto name : names)
    out.columns.push_back(table.column(std::string(name)));
  return out;
}

std::string format_number(double value) {
  if (std::isnan(value))
    return "nan";
  std::array<char, 64> buf{};
  const auto r = std::to_chars(buf.data(), buf.data() + buf.size(), value);
  return std::string(buf.data(), r.ptr);
}

std::string format_number(std::optional<double> value) {
  return value ? format_number(*value) : std::string();
}

std::string format_rounded(double value, int precision) {
  if (std::isnan(value))
    return "nan";
  if (std::isinf(value))
    return value > 0 ? "inf" : "-inf";
  std::array<char, 64> buf{};
  std::snprintf(buf.data(), buf.size(), "%.*g", precision > 0 ? precision : DEFAULT_PRECISION,
                value);
  return buf.data();
}

std::string cell_text(const Column& column, std::size_t row, TextStyle style) {
  return std::visit(
      [&](const auto& v) -> std::string {
        using V = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<V, std::vector<std::string>>) {
          // A text column of numbers (text so that a missing one prints
          // empty) rounds too when it declares a precision.
          double x = 0;
          const auto& text = v[row];
          const auto r = std::from_chars(text.data(), text.data() + text.size(), x);
          if (style == TextStyle::human && column.precision > 0 && !text.empty() &&
              r.ec == std::errc() && r.ptr == text.data() + text.size())
            return format_rounded(x, column.precision);
          return text;
        } else if constexpr (std::is_same_v<V, std::vector<double>>)
          return style == TextStyle::exact ? format_number(v[row])
                                           : format_rounded(v[row], column.precision);
        else
          return std::to_string(v[row]);
      },
      column.values);
}

namespace {

std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\n") == std::string::npos)
    return s;
  std::string out = "\"";
  for (char c : s)
    out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

//! Every cell of `table` as text, the header first.
std::vector<std::vector<std::string>> cells(const Table& table, TextStyle style) {
  std::vector<std::vector<std::string>> out(table.rows() + 1);
  for (const auto& c : table.columns) {
    out[0].push_back(c.name);
    for (std::size_t r = 0; r < table.rows(); ++r)
      out[r + 1].push_back(cell_text(c, r, style));
  }
  return out;
}

} // namespace

void print_csv(std::ostream& out, const Table& table) {
  for (const auto& row : cells(table, TextStyle::exact)) {
    for (std::size_t i = 0; i < row.size(); ++i)
      out << (i ? "," : "") << csv_field(row[i]);
    out << '\n';
  }
}

void print_markdown(std::ostream& out, const Table& table) {
  const auto rows = cells(table, TextStyle::human);
  std::vector<std::size_t> width(table.columns.size(), 3);
  for (const auto& row : rows)
    for (std::size_t i = 0; i < row.size(); ++i)
      width[i] = std::max(width[i], row[i].size());
  const auto line = [&](const std::vector<std::string>& r) {
    out << '|';
    for (std::size_t i = 0; i < r.size(); ++i)
      out << ' ' << r[i] << std::string(width[i] - r[i].size(), ' ') << " |";
    out << '\n';
  };
  line(rows.front());
  out << '|';
  for (auto w : width)
    out << ' ' << std::string(w, '-') << " |";
  out << '\n';
  for (std::size_t r = 1; r < rows.size(); ++r)
    line(rows[r]);
}

void print_table(std::ostream& out, const Table& table, const std::string& format) {
  if (format == "csv")
    print_csv(out, table);
  else if (format == "markdown" || format == "md")
    print_markdown(out, table);
  else
    throw core::FieldError("format", "expected csv or markdown, got \"" + format + "\"");
}

void write_summary_table(Archive& archive, const std::string& path, const Table& table) {
  archive.write_table(path, table);
  for (const auto& c : table.columns)
    if (c.precision > 0)
      archive.set_attribute(path + "/" + c.name, "precision",
                            static_cast<std::int64_t>(c.precision));
}

Table read_summary_table(const Archive& archive, const std::string& path) {
  Table t = archive.read_table(path);
  for (auto& c : t.columns) {
    const std::string col = path + "/" + c.name;
    if (archive.has_attribute(col, "precision"))
      c.precision = static_cast<int>(archive.number_attribute(col, "precision"));
  }
  return t;
}

} // namespace nuflare::io
