#include "nuflare/followup/alerts.hpp"

#include "nuflare/core/error.hpp"
#include "nuflare/io/line_reader.hpp"
#include "nuflare/io/table_reader.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <map>
#include <numbers>

namespace nuflare::followup {

using core::InputError;

namespace {

constexpr double DEG = std::numbers::pi / 180.0;
// Rejection codes of the OVERVIEW_NOT_FU sheet (0 Pre-ZTF ... 8 Galactic plane).
constexpr io::Range REJECTION_CODE{0, 99};

std::string trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '"'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '"'))
    s.remove_suffix(1);
  return std::string(s);
}

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

// The spreadsheet exports put title rows above the header. Find the header (the
// first line whose first field is `Event`) and return its line number and names.
struct Header {
  std::size_t line = 0;
  std::vector<std::string> names;
};

Header find_event_header(const std::string& path) {
  io::LineReader lines(path);
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

std::size_t need(const io::TableReader& t, const Header& h, std::string_view name) {
  if (auto i = t.find(name))
    return *i;
  throw InputError(t.path(), h.line, std::string(name), "missing column");
}

// "[0.57, -0.77]" -> magnitudes {0.57, 0.77}, each within `range`.
std::pair<double, double> plus_minus(const io::TableReader& t, std::size_t col,
                                     const io::Range& range) {
  std::string s = trim(t.text(col));
  if (s.size() < 2 || s.front() != '[' || s.back() != ']')
    t.fail(col, "expected \"[plus, minus]\", found \"" + s + "\"");
  s = s.substr(1, s.size() - 2);
  const auto comma = s.find(',');
  if (comma == std::string::npos)
    t.fail(col, "expected \"[plus, minus]\", found \"[" + s + "]\"");
  const auto a = io::parse_finite(trim(s.substr(0, comma)));
  const auto b = io::parse_finite(trim(s.substr(comma + 1)));
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
double half_width(const io::TableReader& t, std::size_t col, const io::Range& range) {
  const double v = std::abs(t.number(col));
  if (!range.contains(v))
    t.fail_range(col, range, "as a magnitude");
  return v;
}

std::optional<double> signalness(const io::TableReader& t, std::size_t col) {
  const auto text = trim(t.text(col));
  if (text.empty() || iequals(text, "n/a") || iequals(text, "nan") || text == "-" || text == "--")
    return std::nullopt;
  return t.number_in(col, io::ranges::SIGNALNESS);
}

// The two areas of eq. 1. P_obs = 0.9 A_obs / A_rect is a probability, so the
// observed area cannot exceed A_rect / 0.9 (the sheets' largest ratio is 0.993).
void areas(const io::TableReader& t, std::size_t c_rect, std::size_t c_obs, FollowupAlert& a) {
  a.area_rect_deg2 = t.number_in(c_rect, io::ranges::RECT_AREA_DEG2);
  a.area_obs_deg2 = t.number_in(c_obs, io::ranges::SKY_AREA_DEG2);
  if (p_obs(a) > 1)
    t.fail(c_obs, "observed area " + std::string(t.text(c_obs)) + " exceeds the rectangle area " +
                      std::string(t.text(c_rect)) +
                      " / 0.9: P_obs = 0.9 A_obs / A_rect (ZTF paper eq. 1) would exceed 1");
}

// One row per alert: a repeated name would count an alert twice in the
// probability product of the limits (ZTF paper §6).
void check_unique(std::map<std::string, std::size_t>& seen, const io::TableReader& t,
                  std::size_t col, const std::string& name) {
  const auto [it, fresh] = seen.emplace(name, t.line_number());
  if (!fresh)
    t.fail(col,
           "duplicated alert \"" + name + "\" (also at line " + std::to_string(it->second) + ")");
}

} // namespace

std::vector<FollowupAlert> read_overview_fu(const std::string& path) {
  const Header h = find_event_header(path);
  io::TableFormat format;
  format.fixed_columns = h.names;
  io::TableReader t(path, format);
  const auto c_event = need(t, h, "Event");
  const auto c_class = need(t, h, "Class");
  const auto c_ra = need(t, h, "RA");
  const auto c_ra_unc = need(t, h, "RA Unc (rectangle)");
  const auto c_dec = need(t, h, "Dec");
  const auto c_dec_unc = need(t, h, "Dec Unc (rectangle)");
  const auto c_area = need(t, h, "Area (rectangle)");
  const auto c_obs = need(t, h, "Observed area (corrected for chip gaps)");
  const auto c_sig = need(t, h, "Signalness");
  std::vector<FollowupAlert> out;
  std::map<std::string, std::size_t> seen; // name -> line
  while (t.next()) {
    if (t.line_number() <= h.line)
      continue; // title rows and the header itself
    const std::string name = trim(t.text(c_event));
    if (name.empty() || iequals(name, "ALL"))
      continue; // separator and summary rows
    check_unique(seen, t, c_event, name);
    FollowupAlert a;
    a.name = name;
    a.line = t.line_number();
    a.alert_class = trim(t.text(c_class));
    a.ra_deg = t.ra_deg(c_ra);
    a.dec_deg = t.number_in(c_dec, io::ranges::DEC_DEG);
    std::tie(a.ra_plus_deg, a.ra_minus_deg) = plus_minus(t, c_ra_unc, io::ranges::ALERT_RA_ERR_DEG);
    std::tie(a.dec_plus_deg, a.dec_minus_deg) =
        plus_minus(t, c_dec_unc, io::ranges::ALERT_DEC_ERR_DEG);
    areas(t, c_area, c_obs, a);
    a.signalness = signalness(t, c_sig);
    out.push_back(std::move(a));
  }
  if (out.empty())
    throw InputError(path, 0, "", "no alert rows");
  return out;
}

std::vector<NotFollowedAlert> read_overview_not_fu(const std::string& path) {
  const Header h = find_event_header(path);
  io::TableFormat format;
  format.fixed_columns = h.names;
  io::TableReader t(path, format);
  const auto c_event = need(t, h, "Event");
  const auto c_class = need(t, h, "Class");
  const auto c_ra = need(t, h, "RA");
  const auto c_dec = need(t, h, "Dec");
  const auto c_sig = need(t, h, "Signalness");
  const auto c_reason = need(t, h, "Rejection reason");
  const auto c_code = need(t, h, "Code");
  std::vector<NotFollowedAlert> out;
  std::map<std::string, std::size_t> seen; // name -> line
  while (t.next()) {
    if (t.line_number() <= h.line)
      continue;
    const std::string name = trim(t.text(c_event));
    if (name.empty())
      continue;
    check_unique(seen, t, c_event, name);
    NotFollowedAlert a;
    a.name = name;
    a.line = t.line_number();
    a.alert_class = trim(t.text(c_class));
    if (!trim(t.text(c_ra)).empty())
      a.ra_deg = t.ra_deg(c_ra);
    if (!trim(t.text(c_dec)).empty())
      a.dec_deg = t.number_in(c_dec, io::ranges::DEC_DEG);
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

std::vector<FollowupAlert> read_campaign_csv(const std::string& path) {
  io::TableReader t(path);
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
  std::vector<FollowupAlert> out;
  std::map<std::string, std::size_t> seen; // name -> line
  while (t.next()) {
    FollowupAlert a;
    a.line = t.line_number();
    a.name = trim(t.text(c_name));
    if (a.name.empty())
      t.fail(c_name, "empty name");
    check_unique(seen, t, c_name, a.name);
    a.ra_deg = t.ra_deg(c_ra);
    a.dec_deg = t.number_in(c_dec, io::ranges::DEC_DEG);
    a.ra_plus_deg = half_width(t, c_rap, io::ranges::ALERT_RA_ERR_DEG);
    a.ra_minus_deg = half_width(t, c_ram, io::ranges::ALERT_RA_ERR_DEG);
    a.dec_plus_deg = half_width(t, c_decp, io::ranges::ALERT_DEC_ERR_DEG);
    a.dec_minus_deg = half_width(t, c_decm, io::ranges::ALERT_DEC_ERR_DEG);
    areas(t, c_area, c_obs, a);
    a.signalness = signalness(t, c_sig);
    if (c_retr)
      a.retracted = t.flag(*c_retr);
    if (c_lat && !trim(t.text(*c_lat)).empty())
      a.latency_hours = t.number_in(*c_lat, io::ranges::LATENCY_HOURS);
    out.push_back(std::move(a));
  }
  if (out.empty())
    throw InputError(path, 0, "", "no alert rows");
  return out;
}

double p_obs(const FollowupAlert& alert) {
  return 0.9 * alert.area_obs_deg2 / alert.area_rect_deg2; // eq. 1
}

double p_astro(const FollowupAlert& alert, double missing_signalness) {
  return alert.signalness.value_or(missing_signalness);
}

std::vector<ProbabilityRow> probability_table(std::span<const FollowupAlert> alerts,
                                              double missing_signalness) {
  std::vector<ProbabilityRow> rows;
  for (const auto& a : alerts) {
    if (a.retracted)
      continue;
    const double pa = p_astro(a, missing_signalness);
    const double po = p_obs(a);
    rows.push_back({a.name, pa, po, pa * po});
  }
  return rows;
}

std::vector<double> products(std::span<const ProbabilityRow> rows) {
  std::vector<double> p;
  p.reserve(rows.size());
  for (const auto& r : rows)
    p.push_back(r.product);
  return p;
}

double rectangle_area_deg2(const FollowupAlert& a) {
  return (a.ra_plus_deg + a.ra_minus_deg) * (a.dec_plus_deg + a.dec_minus_deg) *
         std::cos(a.dec_deg * DEG);
}

Galactic to_galactic(double ra_deg, double dec_deg) {
  // ICRS -> Galactic rotation matrix (Hipparcos, ESA 1997, vol. 1 §1.5.3; astropy).
  static constexpr double R[3][3] = {
      {-0.0548755604162154, -0.8734370902348850, -0.4838350155487132},
      {+0.4941094278755837, -0.4448296299600112, +0.7469822444972189},
      {-0.8676661490190047, -0.1980763734312015, +0.4559837761750669}};
  const double ra = ra_deg * DEG, dec = dec_deg * DEG;
  const double v[3] = {std::cos(dec) * std::cos(ra), std::cos(dec) * std::sin(ra), std::sin(dec)};
  double g[3];
  for (int i = 0; i < 3; ++i)
    g[i] = R[i][0] * v[0] + R[i][1] * v[1] + R[i][2] * v[2];
  double l = std::atan2(g[1], g[0]) / DEG;
  if (l < 0)
    l += 360.0;
  const double b = std::asin(std::clamp(g[2], -1.0, 1.0)) / DEG;
  return {l, b};
}

std::string to_string(Rejection r) {
  switch (r) {
  case Rejection::none:
    return "selected";
  case Rejection::retracted:
    return "Alert retraction";
  case Rejection::poor_signalness_and_localization:
    return "Poor Signalness and Localization";
  case Rejection::galactic_plane:
    return "Separation from galactic plane";
  }
  return "?";
}

Rejection select_alert(const FollowupAlert& alert, const SelectionConfig& config) {
  if (alert.retracted)
    return Rejection::retracted;
  // §2: "signalness > 50 per cent, or ... a 90 per cent localization area < 10 sq. deg."
  const double s = alert.signalness.value_or(config.missing_signalness);
  if (!(s > config.min_signalness || alert.area_rect_deg2 < config.max_area_deg2))
    return Rejection::poor_signalness_and_localization;
  if (config.galactic_cut &&
      !(std::abs(to_galactic(alert.ra_deg, alert.dec_deg).b_deg) > config.min_abs_b_deg))
    return Rejection::galactic_plane;
  return Rejection::none;
}

std::optional<int> alert_date_yymmdd(const std::string& name) {
  if (name.size() < 8 || !(name[0] == 'I' || name[0] == 'i') || !(name[1] == 'C' || name[1] == 'c'))
    return std::nullopt;
  int v = 0;
  for (std::size_t i = 2; i < 8; ++i) {
    if (!std::isdigit(static_cast<unsigned char>(name[i])))
      return std::nullopt;
    v = v * 10 + (name[i] - '0');
  }
  return v;
}

std::vector<RejectionCount> rejection_counts(std::span<const NotFollowedAlert> alerts,
                                             std::optional<int> since_yymmdd) {
  std::map<int, RejectionCount> by_code;
  for (const auto& a : alerts) {
    if (since_yymmdd) {
      const auto d = alert_date_yymmdd(a.name);
      if (!d || *d < *since_yymmdd)
        continue;
    }
    auto [it, inserted] = by_code.try_emplace(a.code, RejectionCount{a.code, a.reason, 0});
    ++it->second.count;
  }
  std::vector<RejectionCount> out;
  for (auto& [code, c] : by_code)
    out.push_back(c);
  return out;
}

LatencyStats latency_stats(std::span<const double> latencies_hours) {
  LatencyStats s;
  s.n = latencies_hours.size();
  if (s.n == 0)
    return s;
  std::vector<double> v(latencies_hours.begin(), latencies_hours.end());
  std::sort(v.begin(), v.end());
  s.median_hours = s.n % 2 ? v[s.n / 2] : 0.5 * (v[s.n / 2 - 1] + v[s.n / 2]);
  s.fraction_above_24h =
      static_cast<double>(std::count_if(v.begin(), v.end(), [](double x) { return x > 24.0; })) /
      static_cast<double>(s.n);
  return s;
}

std::optional<LatencyStats> latency_stats(std::span<const FollowupAlert> alerts) {
  std::vector<double> v;
  for (const auto& a : alerts)
    if (a.latency_hours)
      v.push_back(*a.latency_hours);
  if (v.empty())
    return std::nullopt;
  return latency_stats(std::span<const double>(v));
}

} // namespace nuflare::followup
