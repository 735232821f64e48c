#include "nuflare/io/xrt_qdp.hpp"

#include "nuflare/io/lightcurves.hpp"

#include "nuflare/core/error.hpp"
#include "nuflare/io/line_reader.hpp"
#include "text.hpp"
#include "truncated.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <optional>
#include <string_view>

namespace nuflare::io {

using core::InputError;
using detail::fmt;
using detail::iequals;
using detail::trim;

namespace {

std::vector<std::string_view> split_blanks(std::string_view line) {
  std::vector<std::string_view> out;
  std::size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t' || line[i] == '\r'))
      ++i;
    std::size_t j = i;
    while (j < line.size() && line[j] != ' ' && line[j] != '\t' && line[j] != '\r')
      ++j;
    if (j > i)
      out.push_back(line.substr(i, j - i));
    i = j;
  }
  return out;
}

// The two data vectors of a light curve and the error columns READ gives them.
enum class ErrorKind { none, symmetric, two_sided };
enum class Mode { wt, pc };
constexpr std::array<const char*, 2> MODE_NAME{"WT", "PC"};

struct Section {
  Mode mode = Mode::wt;
  bool upper_limit = false;
  std::size_t label_line = 0;
  std::size_t rows = 0;
  double last_mjd = 0;

  [[nodiscard]] std::string name() const {
    return std::string(MODE_NAME[static_cast<int>(mode)]) +
           (upper_limit ? " Upper limit" : " data");
  }
};

// "WT data", "PC Upper limit", "pc upper limits" -> the section; else nothing.
std::optional<Section> section_label(std::string_view comment) {
  const auto words = split_blanks(comment);
  if (words.size() < 2 || words.size() > 3)
    return std::nullopt;
  Section s;
  if (iequals(words[0], "WT"))
    s.mode = Mode::wt;
  else if (iequals(words[0], "PC"))
    s.mode = Mode::pc;
  else
    return std::nullopt;
  if (words.size() == 2 && iequals(words[1], "data"))
    return s;
  if (words.size() == 3 && iequals(words[1], "upper") &&
      (iequals(words[2], "limit") || iequals(words[2], "limits"))) {
    s.upper_limit = true;
    return s;
  }
  return std::nullopt;
}

// "Swift/XRT lightcurve of trigger: 30901, name: oj287" -> "oj287".
std::string name_in_comment(std::string_view comment) {
  for (std::size_t i = 0; i + 5 <= comment.size(); ++i)
    if (iequals(comment.substr(i, 5), "name:")) {
      auto rest = trim(comment.substr(i + 5));
      const auto end = rest.find_first_of(",;");
      return std::string(trim(rest.substr(0, end)));
    }
  return {};
}

// A parsed data row of the file, kept until the curves are assembled.
struct Point {
  double mjd;
  double flux;
  double flux_err;
  bool upper_limit;
  Mode mode;
  std::size_t line;
};

class QdpParser {
public:
  explicit QdpParser(const std::string& path) : lines_(path), path_(path) {}

  void run();

  std::vector<Point> points;
  std::string header_name;

private:
  void read_directive(const std::vector<std::string_view>& words);
  void read_row(const std::vector<std::string_view>& words);
  void close_section(bool at_end = false);
  void layout();
  [[noreturn]] void fail(const std::string& field, const std::string& message) const {
    throw InputError(path_, lines_.line_number(), field, message);
  }
  double number(std::string_view text, std::size_t column) const;

  LineReader lines_;
  std::string path_;
  std::array<ErrorKind, 2> errors_{ErrorKind::none, ErrorKind::none};
  std::size_t read_line_ = 0; // line of the last READ directive (0: none)
  bool data_started_ = false;
  bool after_separator_ = false;
  bool seen_comment_ = false;
  std::optional<Section> section_;
  // Column layout once the first data row arrives: names and roles.
  std::vector<std::string> names_;
  std::size_t rate_column_ = 0;
};

double QdpParser::number(std::string_view text, std::size_t column) const {
  const std::string field = "column " + std::to_string(column + 1) + " (" + names_[column] + ")";
  std::string_view t = text;
  if (!t.empty() && t.front() == '+')
    t.remove_prefix(1);
  double value = 0;
  const char* end = t.data() + t.size();
  auto [ptr, ec] = std::from_chars(t.data(), end, value);
  if (ec != std::errc() || ptr != end || t.empty()) {
    if (iequals(text, "NO"))
      fail(field, "NO (a missing value) inside a data row: every column of a light-curve row "
                  "needs a value (a separator line is NO in every column)");
    fail(field, "not a number: " + detail::quoted(text));
  }
  if (!std::isfinite(value))
    fail(field, "not a finite number: " + detail::quoted(text));
  return value;
}

void QdpParser::read_directive(const std::vector<std::string_view>& words) {
  // READ SERR n... / READ TERR n...
  if (words.size() < 3 || !(iequals(words[1], "SERR") || iequals(words[1], "TERR")))
    fail("READ", "expected READ SERR or READ TERR followed by column numbers");
  if (data_started_)
    fail("READ", "READ directive after the first data row: the error columns must be declared "
                 "before the data");
  const ErrorKind kind = iequals(words[1], "TERR") ? ErrorKind::two_sided : ErrorKind::symmetric;
  for (std::size_t i = 2; i < words.size(); ++i) {
    int column = 0;
    auto [ptr, ec] = std::from_chars(words[i].data(), words[i].data() + words[i].size(), column);
    if (ec != std::errc() || ptr != words[i].data() + words[i].size())
      fail("READ", "not a column number: " + detail::quoted(words[i]));
    if (column < 1 || column > 2)
      fail("READ", "column " + std::string(words[i]) +
                       " does not exist: a light curve has two data columns, 1 (time) and 2 "
                       "(rate)");
    ErrorKind& e = errors_[static_cast<std::size_t>(column - 1)];
    if (e != ErrorKind::none && e != kind)
      fail("READ", "column " + std::string(words[i]) + " is given both SERR and TERR errors");
    e = kind;
  }
  read_line_ = lines_.line_number();
}

// Column names in the order of the file, from the READ directives.
void QdpParser::layout() {
  if (errors_[1] == ErrorKind::none) {
    const std::string why = read_line_ == 0
                                ? "no READ SERR/TERR line before the first data row"
                                : "the READ line(s) give the rate (column 2) no error columns";
    fail("READ", why + ": the rate errors cannot be told from the other columns");
  }
  names_ = {"MJD"};
  if (errors_[0] == ErrorKind::two_sided) {
    names_.emplace_back("T_+ve");
    names_.emplace_back("T_-ve");
  } else if (errors_[0] == ErrorKind::symmetric) {
    names_.emplace_back("T_err");
  }
  rate_column_ = names_.size();
  names_.emplace_back("Rate");
  if (errors_[1] == ErrorKind::two_sided) {
    names_.emplace_back("Ratepos");
    names_.emplace_back("Rateneg");
  } else {
    names_.emplace_back("Rate_err");
  }
}

void QdpParser::close_section(bool at_end) {
  if (section_ && section_->rows == 0)
    throw InputError(path_, section_->label_line, "\"" + section_->name() + "\"",
                     at_end ? std::string("empty section: the file ends after the label "
                                          "(truncated?)")
                            : "empty section: no data rows between the label and line " +
                                  std::to_string(lines_.line_number()));
  section_.reset();
}

void QdpParser::read_row(const std::vector<std::string_view>& words) {
  if (!data_started_) {
    layout();
    data_started_ = true;
  }
  if (!section_) {
    fail("section",
         after_separator_
             ? "data row after a NO separator without a section label (\"! WT data\", \"! PC "
               "data\", \"! PC Upper limit\"): a NO line may only end a section"
             : "data row before any section label (\"! WT data\", \"! PC data\", \"! PC Upper "
               "limit\")");
  }
  const std::size_t full = names_.size();
  const std::size_t without_rate_errors = rate_column_ + 1;
  const bool short_limit = section_->upper_limit && words.size() == without_rate_errors;
  if (words.size() != full && !short_limit) {
    std::string expected;
    for (const auto& n : names_)
      expected += (expected.empty() ? "" : " ") + n;
    fail("columns", "expected " + std::to_string(full) + " columns (" + expected + "), found " +
                        std::to_string(words.size()));
  }
  std::vector<double> v(words.size());
  for (std::size_t c = 0; c < words.size(); ++c)
    v[c] = number(words[c], c);
  auto column = [&](std::size_t c) {
    return "column " + std::to_string(c + 1) + " (" + names_[c] + ")";
  };
  // Time errors: checked and dropped (the light curve keeps bin centres).
  if (errors_[0] != ErrorKind::none && v[1] < 0)
    fail(column(1), "negative time error " + fmt(v[1]));
  const double mjd = v[0];
  if (section_->rows > 0 && !(mjd > section_->last_mjd))
    fail(column(0), "time " + fmt(mjd) + " does not follow the previous row of the \"" +
                        section_->name() +
                        "\" section: the product is time-ordered without duplicates");
  const double rate = v[rate_column_];
  double err = 0;
  if (section_->upper_limit) {
    if (rate < 0)
      fail(column(rate_column_), "negative upper limit " + fmt(rate));
    for (std::size_t c = rate_column_ + 1; c < v.size(); ++c)
      if (v[c] != 0)
        fail(column(c), "an upper-limit row carries no error (the rate column is the limit), "
                        "found " +
                            fmt(v[c]));
  } else if (errors_[1] == ErrorKind::two_sided) {
    const double plus = v[rate_column_ + 1];
    const double minus = std::abs(v[rate_column_ + 2]); // QDP writes it negative
    if (plus < 0)
      fail(column(rate_column_ + 1), "negative error " + fmt(plus));
    // One σ per point for the χ² of the blocks: the mean half-width keeps the
    // width of the ±1σ interval (docs/input-formats-xray-radio.md).
    err = 0.5 * (plus + minus);
  } else {
    err = v[rate_column_ + 1];
    if (err < 0)
      fail(column(rate_column_ + 1), "negative error " + fmt(err));
  }
  points.push_back({mjd, rate, err, section_->upper_limit, section_->mode, lines_.line_number()});
  ++section_->rows;
  section_->last_mjd = mjd;
}

void QdpParser::run() {
  std::string_view line;
  while (lines_.next(line)) {
    const std::string_view t = trim(line);
    if (t.empty())
      continue;
    if (t.front() == '!') {
      const std::string_view comment = trim(t.substr(1));
      if (auto s = section_label(comment)) {
        close_section();
        section_ = *s;
        section_->label_line = lines_.line_number();
        after_separator_ = false;
      } else if (!seen_comment_ && !data_started_) {
        header_name = name_in_comment(comment);
      }
      seen_comment_ = true;
      continue;
    }
    const auto words = split_blanks(t);
    if (iequals(words[0], "READ")) {
      read_directive(words);
      continue;
    }
    if (std::all_of(words.begin(), words.end(),
                    [](std::string_view w) { return iequals(w, "NO"); })) {
      close_section();
      after_separator_ = true;
      continue;
    }
    if (std::isalpha(static_cast<unsigned char>(words[0].front())) && !iequals(words[0], "NO") &&
        !iequals(words[0], "nan") && !iequals(words[0], "inf"))
      fail("command", "unknown QDP command " + detail::quoted(words[0]) +
                          " (only READ SERR/TERR, comments and NO separators are read)");
    read_row(words);
  }
  // A file that ends with a label and no rows was cut short.
  close_section(true);
  if (points.empty())
    throw InputError(path_, 0, "", "no data rows (empty or truncated file)");
  if (points.back().line == lines_.line_number() && detail::ends_inside_line(path_))
    throw InputError(path_, lines_.line_number(), "",
                     "the file ends inside this data row (no final line break): it looks "
                     "truncated");
}

std::string file_stem(const std::string& path) {
  std::string name = std::filesystem::path(path).filename().string();
  for (const char* ext : {".gz", ".xz", ".qdp", ".QDP"})
    if (name.size() > std::string_view(ext).size() && name.ends_with(ext))
      name.erase(name.size() - std::string_view(ext).size());
  return name;
}

LightCurve assemble(const std::string& path, std::vector<const Point*> pts, std::string source,
                    std::string band) {
  std::stable_sort(pts.begin(), pts.end(),
                   [](const Point* a, const Point* b) { return a->mjd < b->mjd; });
  LightCurve lc;
  lc.source = std::move(source);
  lc.band = std::move(band);
  lc.flux_unit = COUNT_RATE;
  for (std::size_t i = 0; i < pts.size(); ++i) {
    if (i > 0 && pts[i]->mjd == pts[i - 1]->mjd) {
      const Point* later = pts[i]->line > pts[i - 1]->line ? pts[i] : pts[i - 1];
      const Point* earlier = later == pts[i] ? pts[i - 1] : pts[i];
      throw InputError(path, later->line, "column 1 (MJD)",
                       "duplicated time " + fmt(later->mjd) + " in band " + lc.band +
                           " (also at line " + std::to_string(earlier->line) + ")");
    }
    lc.mjd.push_back(pts[i]->mjd);
    lc.flux.push_back(pts[i]->flux);
    lc.flux_err.push_back(pts[i]->flux_err);
    lc.upper_limit.push_back(pts[i]->upper_limit ? 1 : 0);
  }
  return lc;
}

} // namespace

std::vector<LightCurve> read_swift_xrt_qdp(const std::string& path, const XrtReadOptions& options) {
  QdpParser parser(path);
  parser.run();
  std::string source = options.source;
  if (source.empty())
    source = parser.header_name;
  if (source.empty())
    source = file_stem(path);

  std::vector<LightCurve> out;
  if (options.merge_modes) {
    std::vector<const Point*> all;
    for (const auto& p : parser.points)
      all.push_back(&p);
    out.push_back(assemble(path, std::move(all), source, options.band));
    return out;
  }
  for (Mode mode : {Mode::wt, Mode::pc}) {
    std::vector<const Point*> some;
    for (const auto& p : parser.points)
      if (p.mode == mode)
        some.push_back(&p);
    if (some.empty())
      continue;
    out.push_back(
        assemble(path, std::move(some), source, options.band + (mode == Mode::wt ? "_wt" : "_pc")));
  }
  return out;
}

} // namespace nuflare::io
