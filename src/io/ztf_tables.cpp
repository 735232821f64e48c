// Readers of the ZTF follow-up alert tables (ZTF paper §2, §6; ztf_tables.hpp).
#include "nuflare/io/ztf_tables.hpp"

#include "nuflare/core/error.hpp"
#include "nuflare/io/line_reader.hpp"
#include "nuflare/io/table_reader.hpp"
#include "text.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <map>
#include <optional>

namespace nuflare::io {

using core::InputError;
using detail::iequals;

namespace {

// Rejection codes of the OVERVIEW_NOT_FU sheet (0 Pre-ZTF ... 8 Galactic plane).
constexpr Range REJECTION_CODE{0, 99};

// Blanks and the quotes around a spreadsheet cell.
std::string trim(std::string_view s) {
  return std::string(detail::trim(s, " \t\"", " \t\r\""));
}

// The spreadsheet exports put title rows above the header. Find the header (the
// first line whose first field is `Event`) and return its line number and names.
struct Header {
  std::size_t line = 0;
  std::vector<std::string> names;
};

Header find_event_header(const std::string& path) {
  LineReader lines(path);
  std::string_view line;
  bool any = false;
  while (lines.next(line)) {
    if (!trim(line).empty())
      any = true;
    const auto comma = line.find(',');
    if (!iequals(trim(line.substr(0, comma)), "Event"))
      continue;
    Header h;
    h.line = lines.line_number();
    std::size_t start = 0;
    for (;;) {
      const auto next = line.find(',', start);
      h.names.push_back(
          trim(line.substr(start, next == std::string_view::npos ? next : next - start)));
      if (next == std::string_view::npos)
        break;
      start = next + 1;
    }
    for (std::size_t i = 0; i < h.names.size(); ++i)
      if (h.names[i].empty())
        h.names[i] = "unnamed " + std::to_string(i + 1);
    return h;
  }
  if (!any)
    throw InputError(path, 0, "", "empty file: no header line");
  throw InputError(path, 0, "Event", "no header line starting with \"Event\"");
}

std::size_t need(const TableReader& t, const Header& h, std::string_view name) {
  if (auto i = t.find(name))
    return *i;
  throw InputError(t.path(), h.line, std::string(name), "missing column");
}

// "[0.57, -0.77]" -> magnitudes {0.57, 0.77}, each within `range`.
std::pair<double, double> plus_minus(const TableReader& t, std::size_t col, const Range& range) {
  std::string s = trim(t.text(col));
  if (s.size() < 2 || s.front() != '[' || s.back() != ']')
    t.fail(col, "expected \"[plus, minus]\", found \"" + s + "\"");
  s = s.substr(1, s.size() - 2);
  const auto comma = s.find(',');
  if (comma == std::string::npos)
    t.fail(col, "expected \"[plus, minus]\", found \"[" + s + "]\"");
  const auto a = parse_finite(trim(s.substr(0, comma)));
  const auto b = parse_finite(trim(s.substr(comma + 1)));
  if (!a || !b)
    t.fail(col, "not a pair of finite numbers: \"[" + s + "]\"");
  for (double v : {*a, *b})
    if (!range.contains(std::abs(v))) {
      char text[32];
      std::snprintf(text, sizeof text, "%.10g", std::abs(v));
      t.fail(col, std::string("half-width ") + text + " is outside the allowed range " +
                      range.describe());
    }
  return {std::abs(*a), std::abs(*b)};
}

// A half-width given as a number: the minus ones may carry their sign.
double half_width(const TableReader& t, std::size_t col, const Range& range) {
  const double v = std::abs(t.number(col));
  if (!range.contains(v))
    t.fail_range(col, range, "as a magnitude");
  return v;
}

std::optional<double> signalness(const TableReader& t, std::size_t col) {
  const auto text = trim(t.text(col));
  if (text.empty() || iequals(text, "n/a") || iequals(text, "nan") || text == "-" ||
      text == detail::MASKED)
    return std::nullopt;
  return t.number_in(col, ranges::SIGNALNESS);
}

// The two areas of eq. 1. P_obs = 0.9 A_obs / A_rect is a probability, so the
// observed area cannot exceed A_rect / 0.9 (the sheets' largest ratio is 0.993).
void areas(const TableReader& t, std::size_t c_rect, std::size_t c_obs, Alert& a) {
  const double rect = t.number_in(c_rect, ranges::RECT_AREA_DEG2);
  const double obs = t.number_in(c_obs, ranges::SKY_AREA_DEG2);
  a.area_rect_deg2 = rect;
  a.area_obs_deg2 = obs;
  if (0.9 * obs / rect > 1)
    t.fail(c_obs, "observed area " + std::string(t.text(c_obs)) + " exceeds the rectangle area " +
                      std::string(t.text(c_rect)) +
                      " / 0.9: P_obs = 0.9 A_obs / A_rect (ZTF paper eq. 1) would exceed 1");
}

// One row per alert: a repeated name would count an alert twice in the
// probability product of the limits (ZTF paper §6).
void check_unique(std::map<std::string, std::size_t>& seen, const TableReader& t, std::size_t col,
                  const std::string& name) {
  const auto [it, fresh] = seen.emplace(name, t.line_number());
  if (!fresh)
    t.fail(col,
           "duplicated alert \"" + name + "\" (also at line " + std::to_string(it->second) + ")");
}

// An overview sheet (OVERVIEW_FU, OVERVIEW_NOT_FU) read alert by alert: the
// title rows above the header, blank separator rows and repeated names are
// dealt with here, once for both sheets.
class OverviewSheet {
public:
  explicit OverviewSheet(const std::string& path)
      : h_(find_event_header(path)), t_(path, format_of(h_)), c_event_(need(t_, h_, "Event")) {}

  //! The indices of the named columns, in the order given.
  template <std::size_t N>
  [[nodiscard]] std::array<std::size_t, N> columns(const std::string_view (&names)[N]) const {
    std::array<std::size_t, N> out{};
    for (std::size_t i = 0; i < N; ++i)
      out[i] = need(t_, h_, names[i]);
    return out;
  }
  [[nodiscard]] const TableReader& table() const { return t_; }

  //! An alert of the current row with what both sheets give: name, line, class.
  template <class A>
  [[nodiscard]] A start(std::string name, std::size_t c_class) const {
    A a;
    a.name = std::move(name);
    a.line = t_.line_number();
    a.alert_class = trim(t_.text(c_class));
    return a;
  }

  //! The next alert's name, or nothing at the end of the sheet. With
  //! `skip_all`, the "ALL" summary row is passed over too.
  std::optional<std::string> next(bool skip_all) {
    while (t_.next()) {
      if (t_.line_number() <= h_.line)
        continue; // title rows and the header itself
      std::string name = trim(t_.text(c_event_));
      if (name.empty() || (skip_all && iequals(name, "ALL")))
        continue; // separator and summary rows
      check_unique(seen_, t_, c_event_, name);
      return name;
    }
    return std::nullopt;
  }

private:
  static TableFormat format_of(const Header& h) {
    TableFormat format;
    format.fixed_columns = h.names;
    return format;
  }

  Header h_;
  TableReader t_;
  std::size_t c_event_;
  std::map<std::string, std::size_t> seen_; // name -> line
};

} // namespace

std::vector<Alert> read_overview_fu(const std::string& path) {
  OverviewSheet sheet(path);
  const TableReader& t = sheet.table();
  const auto [c_class, c_ra, c_ra_unc, c_dec, c_dec_unc, c_area, c_obs, c_sig] =
      sheet.columns({"Class", "RA", "RA Unc (rectangle)", "Dec", "Dec Unc (rectangle)",
                     "Area (rectangle)", "Observed area (corrected for chip gaps)", "Signalness"});
  std::vector<Alert> out;
  while (auto name = sheet.next(true)) {
    auto a = sheet.start<Alert>(std::move(*name), c_class);
    a.ra_deg = t.ra_deg(c_ra);
    a.dec_deg = t.number_in(c_dec, ranges::DEC_DEG);
    std::tie(a.ra_plus_deg, a.ra_minus_deg) = plus_minus(t, c_ra_unc, ranges::ALERT_RA_ERR_DEG);
    std::tie(a.dec_plus_deg, a.dec_minus_deg) = plus_minus(t, c_dec_unc, ranges::ALERT_DEC_ERR_DEG);
    areas(t, c_area, c_obs, a);
    a.signalness = signalness(t, c_sig);
    out.push_back(std::move(a));
  }
  if (out.empty())
    throw InputError(path, 0, "", "no alert rows");
  return out;
}

std::vector<NotFollowedAlert> read_overview_not_fu(const std::string& path) {
  OverviewSheet sheet(path);
  const TableReader& t = sheet.table();
  const auto [c_class, c_ra, c_dec, c_sig, c_reason, c_code] =
      sheet.columns({"Class", "RA", "Dec", "Signalness", "Rejection reason", "Code"});
  std::vector<NotFollowedAlert> out;
  while (auto name = sheet.next(false)) {
    auto a = sheet.start<NotFollowedAlert>(std::move(*name), c_class);
    if (!trim(t.text(c_ra)).empty())
      a.ra_deg = t.ra_deg(c_ra);
    if (!trim(t.text(c_dec)).empty())
      a.dec_deg = t.number_in(c_dec, ranges::DEC_DEG);
    a.signalness = signalness(t, c_sig);
    a.reason = trim(t.text(c_reason));
    const double code = t.number_in(c_code, REJECTION_CODE);
    if (code != std::floor(code))
      t.fail(c_code, "rejection code must be an integer");
    a.code = static_cast<int>(code);
    out.push_back(std::move(a));
  }
  return out;
}

std::vector<Alert> read_campaign_csv(const std::string& path) {
  TableReader t(path);
  const auto c_name = t.require({"name"});
  const auto c_ra = t.require({"ra"});
  const auto c_dec = t.require({"dec"});
  const auto c_rap = t.require({"ra_plus"});
  const auto c_ram = t.require({"ra_minus"});
  const auto c_decp = t.require({"dec_plus"});
  const auto c_decm = t.require({"dec_minus"});
  const auto c_area = t.require({"area_rect"});
  const auto c_obs = t.require({"area_obs"});
  const auto c_sig = t.require({"signalness"});
  const auto c_retr = t.find("retracted");
  const auto c_lat = t.find("latency_hours");
  std::vector<Alert> out;
  std::map<std::string, std::size_t> seen; // name -> line
  while (t.next()) {
    Alert a;
    a.line = t.line_number();
    a.name = trim(t.text(c_name));
    if (a.name.empty())
      t.fail(c_name, "empty name");
    check_unique(seen, t, c_name, a.name);
    a.ra_deg = t.ra_deg(c_ra);
    a.dec_deg = t.number_in(c_dec, ranges::DEC_DEG);
    a.ra_plus_deg = half_width(t, c_rap, ranges::ALERT_RA_ERR_DEG);
    a.ra_minus_deg = half_width(t, c_ram, ranges::ALERT_RA_ERR_DEG);
    a.dec_plus_deg = half_width(t, c_decp, ranges::ALERT_DEC_ERR_DEG);
    a.dec_minus_deg = half_width(t, c_decm, ranges::ALERT_DEC_ERR_DEG);
    areas(t, c_area, c_obs, a);
    a.signalness = signalness(t, c_sig);
    if (c_retr)
      a.retracted = t.flag(*c_retr);
    if (c_lat && !trim(t.text(*c_lat)).empty())
      a.latency_hours = t.number_in(*c_lat, ranges::LATENCY_HOURS);
    out.push_back(std::move(a));
  }
  if (out.empty())
    throw InputError(path, 0, "", "no alert rows");
  return out;
}

std::string followup_table_format(const std::string& path) {
  try {
    LineReader lines(path);
    std::string_view line;
    while (lines.next(line)) {
      const auto first = line.find_first_not_of(" \t\r\"");
      if (first == std::string_view::npos)
        continue;
      const auto end = line.find_first_of(",\"", first);
      return iequals(line.substr(first, end - first), "name") ? "campaign" : "overview";
    }
  } catch (const core::Error&) {
    // Unreadable: the overview reader opens it again and names the problem.
  }
  return "overview";
}

std::vector<Alert> read_followup_table(const std::string& path, const std::string& format) {
  if (format == "overview")
    return read_overview_fu(path);
  if (format == "campaign")
    return read_campaign_csv(path);
  throw core::ConfigError("follow-up table format: expected overview or campaign, got \"" + format +
                          "\"");
}

} // namespace nuflare::io
