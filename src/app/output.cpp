#include "output.hpp"

#include "nuflare/core/error.hpp"

#include <charconv>
#include <cmath>
#include <ostream>

namespace nuflare::app {

std::string format_number(double value) {
  if (std::isnan(value))
    return "nan";
  char buf[64];
  auto [ptr, ec] = std::to_chars(buf, buf + sizeof buf, value);
  return std::string(buf, ptr);
}

std::string format_number(std::optional<double> value) {
  return value ? format_number(*value) : std::string();
}

void TextTable::add_row(std::vector<std::string> row) {
  if (row.size() != header_.size())
    throw core::Error("internal: table row has " + std::to_string(row.size()) + " fields, header " +
                      std::to_string(header_.size()));
  rows_.push_back(std::move(row));
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
} // namespace

void TextTable::print_csv(std::ostream& out) const {
  auto line = [&](const std::vector<std::string>& r) {
    for (std::size_t i = 0; i < r.size(); ++i)
      out << (i ? "," : "") << csv_field(r[i]);
    out << '\n';
  };
  line(header_);
  for (const auto& r : rows_)
    line(r);
}

void TextTable::print_markdown(std::ostream& out) const {
  std::vector<std::size_t> width(header_.size(), 3);
  for (std::size_t i = 0; i < header_.size(); ++i)
    width[i] = std::max(width[i], header_[i].size());
  for (const auto& r : rows_)
    for (std::size_t i = 0; i < r.size(); ++i)
      width[i] = std::max(width[i], r[i].size());
  auto line = [&](const std::vector<std::string>& r) {
    out << '|';
    for (std::size_t i = 0; i < r.size(); ++i)
      out << ' ' << r[i] << std::string(width[i] - r[i].size(), ' ') << " |";
    out << '\n';
  };
  line(header_);
  out << '|';
  for (auto w : width)
    out << ' ' << std::string(w, '-') << " |";
  out << '\n';
  for (const auto& r : rows_)
    line(r);
}

void TextTable::print(std::ostream& out, const std::string& format) const {
  if (format == "csv")
    print_csv(out);
  else if (format == "markdown" || format == "md")
    print_markdown(out);
  else
    throw core::ConfigError("--format: expected csv or markdown, got \"" + format + "\"");
}

TextTable to_text(const io::Table& table) {
  std::vector<std::string> header;
  for (const auto& c : table.columns)
    header.push_back(c.name);
  TextTable out(header);
  for (std::size_t r = 0; r < table.rows(); ++r) {
    std::vector<std::string> row;
    for (const auto& c : table.columns)
      row.push_back(std::visit(
          [&](const auto& v) -> std::string {
            using V = std::decay_t<decltype(v)>;
            if constexpr (std::is_same_v<V, std::vector<std::string>>)
              return v[r];
            else if constexpr (std::is_same_v<V, std::vector<double>>)
              return format_number(v[r]);
            else
              return std::to_string(v[r]);
          },
          c.values));
    out.add_row(std::move(row));
  }
  return out;
}

} // namespace nuflare::app
