#include "nuflare/io/ztf_candidates.hpp"

#include "nuflare/core/error.hpp"
#include "nuflare/io/line_reader.hpp"
#include "nuflare/io/table_reader.hpp"
#include "text.hpp"
#include "truncated.hpp"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <limits>
#include <optional>
#include <string_view>
#include <unordered_map>

namespace nuflare::io {

using core::InputError;
using detail::iequals;

namespace {

constexpr double NaN = std::numeric_limits<double>::quiet_NaN();

// Blanks, tabs and the line breaks the spreadsheet leaves inside cells.
std::string trim(std::string_view s) {
  return std::string(detail::trim(s, " \t\r\n", " \t\r\n"));
}

// RFC 4180 records over a LineReader: a quoted field may hold commas, doubled
// quotes and line breaks, so one record can span several physical lines.
class CsvRecords {
public:
  explicit CsvRecords(const std::string& path) : lines_(path), path_(path) {}

  //! Next record; false at the end of the file.
  bool next(std::vector<std::string>& fields) {
    std::string_view line;
    if (!lines_.next(line))
      return false;
    start_line_ = lines_.line_number();
    fields.clear();
    std::string field;
    bool in_quotes = false;
    bool was_quoted = false;
    for (;;) {
      for (std::size_t i = 0; i < line.size(); ++i) {
        const char c = line[i];
        if (in_quotes) {
          if (c == '"') {
            if (i + 1 < line.size() && line[i + 1] == '"') {
              field += '"';
              ++i;
            } else {
              in_quotes = false;
            }
          } else {
            field += c;
          }
        } else if (c == '"' && !was_quoted && trim(field).empty()) {
          in_quotes = true;
          was_quoted = true;
          field.clear();
        } else if (c == ',') {
          fields.push_back(std::move(field));
          field.clear();
          was_quoted = false;
        } else if (c != '\r' || i + 1 != line.size()) {
          field += c;
        }
      }
      if (!in_quotes)
        break;
      // The quoted field goes on: keep the line break and read the next line.
      if (!lines_.next(line))
        throw InputError(path_, start_line_, "column " + std::to_string(fields.size() + 1),
                         "unterminated quoted field (the file ends inside it: truncated?)");
      field += '\n';
    }
    fields.push_back(std::move(field));
    return true;
  }

  [[nodiscard]] std::size_t line() const noexcept { return start_line_; }

private:
  LineReader lines_;
  std::string path_;
  std::size_t start_line_ = 0;
};

std::string file_stem(const std::string& path) {
  std::string name = std::filesystem::path(path).filename().string();
  for (const char* ext : {".gz", ".xz", ".csv", ".CSV"})
    if (name.size() > std::string_view(ext).size() && name.ends_with(ext))
      name.erase(name.size() - std::string_view(ext).size());
  return name;
}

struct Magnitude {
  double mag = NaN;
  char filter = 0;
};

// "19.4 (r)", "19.4", "19.4(r)" -> {19.4, 'r'}; nullopt when malformed.
std::optional<Magnitude> parse_magnitude(std::string_view text) {
  Magnitude m;
  const auto open = text.find('(');
  std::string number = trim(text.substr(0, open));
  if (open != std::string_view::npos) {
    const auto close = text.find(')', open);
    if (close == std::string_view::npos || !trim(text.substr(close + 1)).empty())
      return std::nullopt;
    const std::string filter = trim(text.substr(open + 1, close - open - 1));
    if (filter.size() != 1 || !std::isalpha(static_cast<unsigned char>(filter[0])))
      return std::nullopt;
    m.filter = filter[0];
  }
  const auto v = parse_finite(number);
  if (!v)
    return std::nullopt;
  m.mag = *v;
  return m;
}

} // namespace

std::vector<ZtfCandidate> read_ztf_candidates(const std::string& path, const std::string& alert) {
  CsvRecords records(path);
  std::vector<std::string> fields;

  // Title rows first; the header is the record whose first field is "Transients:".
  std::vector<std::string> names;
  std::size_t header_line = 0;
  bool any = false;
  while (records.next(fields)) {
    if (std::any_of(fields.begin(), fields.end(),
                    [](const std::string& f) { return !trim(f).empty(); }))
      any = true;
    if (iequals(trim(fields.front()), "Transients:")) {
      for (const auto& f : fields)
        names.push_back(trim(f));
      header_line = records.line();
      break;
    }
  }
  if (header_line == 0)
    throw InputError(path, 0, "Transients:",
                     any ? "no header line starting with \"Transients:\""
                         : "empty file: no header line");

  auto find = [&](std::string_view name) -> std::optional<std::size_t> {
    for (std::size_t i = 0; i < names.size(); ++i)
      if (iequals(names[i], name))
        return i;
    return std::nullopt;
  };
  auto require = [&](std::string_view name) {
    if (auto i = find(name))
      return *i;
    throw InputError(path, header_line, std::string(name), "missing column");
  };
  const std::size_t c_name = require("Name");
  const std::size_t c_class = require("Classification");
  const std::size_t c_peak = require("max brightness");
  const auto c_iau = find("IAU Name");
  const auto c_notes = find("Notes");
  const auto c_range = find("max range");
  const auto c_catalogue = find("Catalogue Name");
  const auto c_distance = find("Distance");

  const std::string alert_name = alert.empty() ? file_stem(path) : alert;
  std::vector<ZtfCandidate> out;
  std::unordered_map<std::string, std::size_t> seen; // name -> line
  bool last_was_candidate = false;
  while (records.next(fields)) {
    const std::size_t line = records.line();
    last_was_candidate = false;
    if (std::all_of(fields.begin(), fields.end(),
                    [](const std::string& f) { return trim(f).empty(); }))
      continue; // the spreadsheet's empty trailing rows
    auto label = [&](std::size_t c) {
      return "column " + std::to_string(c + 1) + " (" + names[c] + ")";
    };
    if (fields.size() != names.size())
      throw InputError(path, line, "columns",
                       "expected " + std::to_string(names.size()) + " columns, found " +
                           std::to_string(fields.size()));
    ZtfCandidate c;
    c.alert = alert_name;
    c.line = line;
    c.name = trim(fields[c_name]);
    if (c.name.empty())
      throw InputError(path, line, label(c_name), "empty candidate name");
    if (auto [it, fresh] = seen.emplace(c.name, line); !fresh)
      throw InputError(path, line, label(c_name),
                       "candidate " + c.name + " listed twice (also at line " +
                           std::to_string(it->second) + ")");
    c.classification = trim(fields[c_class]);
    auto magnitude = [&](std::size_t column, bool required) -> Magnitude {
      const std::string text = trim(fields[column]);
      if (text.empty()) {
        if (required)
          throw InputError(path, line, label(column), "empty magnitude");
        return {};
      }
      const auto m = parse_magnitude(text);
      if (!m)
        throw InputError(path, line, label(column),
                         "not a magnitude (\"<number>\" or \"<number> (<filter>)\"): " +
                             detail::quoted(text));
      // A generous sanity range: catches a shifted column (a date, an area).
      if (m->mag < -30 || m->mag > 40)
        throw InputError(path, line, label(column), "magnitude " + text + " is outside [-30, 40]");
      return *m;
    };
    const Magnitude peak = magnitude(c_peak, true);
    c.peak_mag = peak.mag;
    c.peak_filter = peak.filter;
    const Magnitude range = c_range ? magnitude(*c_range, false) : Magnitude{};
    c.range_mag = range.mag;
    c.range_filter = range.filter;
    if (c_iau)
      c.iau_name = trim(fields[*c_iau]);
    if (c_notes)
      c.notes = trim(fields[*c_notes]);
    if (c_catalogue)
      c.catalogue_name = trim(fields[*c_catalogue]);
    c.catalogue_distance = NaN;
    if (c_distance) {
      const std::string text = trim(fields[*c_distance]);
      if (!text.empty()) {
        const auto v = parse_finite(text);
        if (!v)
          throw InputError(
              path, line, label(*c_distance),
              (text.find("nan") != std::string::npos || text.find("inf") != std::string::npos
                   ? "not a finite number: "
                   : "not a number: ") +
                  detail::quoted(text));
        c.catalogue_distance = *v;
      }
    }
    out.push_back(std::move(c));
    last_was_candidate = true;
  }
  if (last_was_candidate && detail::ends_inside_line(path))
    throw InputError(path, out.back().line, "",
                     "the file ends inside this candidate's record (no final line break): it "
                     "looks truncated");
  return out;
}

std::vector<ZtfCandidate> read_ztf_candidate_tables(const std::string& folder,
                                                    std::span<const std::string> alerts) {
  std::vector<ZtfCandidate> out;
  for (const auto& alert : alerts) {
    const auto path = (std::filesystem::path(folder) / (alert + ".csv")).string();
    if (!std::filesystem::exists(path))
      throw InputError(path, 0, "",
                       "missing candidate table of followed-up alert " + alert +
                           " (an alert without candidates still has a table with its header)");
    auto some = read_ztf_candidates(path, alert);
    out.insert(out.end(), std::make_move_iterator(some.begin()),
               std::make_move_iterator(some.end()));
  }
  return out;
}

} // namespace nuflare::io
