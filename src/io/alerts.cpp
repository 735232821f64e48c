#include "nuflare/io/alerts.hpp"

#include "nuflare/core/error.hpp"
#include "nuflare/core/validation.hpp"
#include "nuflare/io/table_reader.hpp"
#include "text.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <chrono>
#include <cmath>
#include <limits>
#include <map>
#include <utility>

namespace nuflare::io {

using core::InputError;

namespace {

constexpr double NaN = std::numeric_limits<double>::quiet_NaN();

bool contains_ci(std::string_view text, std::string_view word) {
  auto it = std::search(text.begin(), text.end(), word.begin(), word.end(), [](char a, char b) {
    return std::tolower(static_cast<unsigned char>(a)) ==
           std::tolower(static_cast<unsigned char>(b));
  });
  return it != text.end();
}

bool missing(std::string_view t) {
  return t.empty() || t == "None" || t == "none" || t == "NULL" || t == detail::MASKED;
}

// Reads an unsigned integer of exactly `digits` digits at `pos`.
bool take_int(std::string_view s, std::size_t& pos, std::size_t digits, int& out) {
  if (pos + digits > s.size())
    return false;
  for (std::size_t i = pos; i < pos + digits; ++i)
    if (!std::isdigit(static_cast<unsigned char>(s[i])))
      return false;
  std::from_chars(s.data() + pos, s.data() + pos + digits, out);
  pos += digits;
  return true;
}

} // namespace

double mjd_from_iso(std::string_view s) {
  std::size_t p = 0;
  int y = 0, mo = 0, d = 0, h = 0, mi = 0;
  if (!take_int(s, p, 4, y) || p >= s.size() || s[p++] != '-' || !take_int(s, p, 2, mo) ||
      p >= s.size() || s[p++] != '-' || !take_int(s, p, 2, d))
    return NaN;
  double seconds = 0;
  if (p < s.size()) {
    if (s[p] != ' ' && s[p] != 'T')
      return NaN;
    ++p;
    if (!take_int(s, p, 2, h) || p >= s.size() || s[p++] != ':' || !take_int(s, p, 2, mi))
      return NaN;
    if (p < s.size()) {
      if (s[p++] != ':')
        return NaN;
      auto v = parse_finite(s.substr(p));
      if (!v || *v < 0 || *v >= 61)
        return NaN;
      seconds = *v;
    }
  }
  using namespace std::chrono;
  const year_month_day ymd{year{y}, month{static_cast<unsigned>(mo)},
                           day{static_cast<unsigned>(d)}};
  if (!ymd.ok() || h > 23 || mi > 59)
    return NaN;
  // 1970-01-01 is MJD 40587.
  const double days = static_cast<double>(sys_days(ymd).time_since_epoch().count()) + 40587.0;
  return days + (h * 3600.0 + mi * 60.0 + seconds) / 86400.0;
}

std::vector<Alert> read_alerts(const std::string& path) {
  TableReader t(path);
  const std::size_t c_name = t.require({"NAME"});
  const std::size_t c_mjd = t.require({"EVENTMJD", "MJD"});
  const std::size_t c_ra = t.require({"RA"});
  const std::size_t c_dec = t.require({"DEC"});
  const std::size_t c_rap = t.require({"RA_ERR_PLUS"});
  const std::size_t c_ram = t.require({"RA_ERR_MINUS"});
  const std::size_t c_decp = t.require({"DEC_ERR_PLUS"});
  const std::size_t c_decm = t.require({"DEC_ERR_MINUS"});
  const auto c_energy = t.find("ENERGY");
  const auto c_signal = t.find("SIGNAL");
  const auto c_type = t.find("I3TYPE");
  const auto c_start = t.find("START");
  const auto c_run = t.find("RUNID");
  const auto c_event = t.find("EVENTID");
  const auto c_retracted = t.find("RETRACTED");

  std::vector<Alert> out;
  std::map<std::pair<long long, long long>, std::size_t> seen; // (run, event) -> index in out
  while (t.next()) {
    Alert a;
    a.line = t.line_number();
    a.name = std::string(t.text(c_name));
    if (a.name.empty())
      t.fail(c_name, "empty alert name");
    if (!missing(t.text(c_mjd))) {
      a.mjd = t.number_in(c_mjd, ranges::ICECUBE_MJD);
    } else {
      // One GCN-appended IceCat row has EVENTMJD "None" but a START time.
      a.mjd = c_start ? mjd_from_iso(t.text(*c_start)) : NaN;
      if (std::isnan(a.mjd))
        t.fail(c_mjd, "missing time and no usable START column");
      if (!ranges::ICECUBE_MJD.contains(a.mjd))
        t.fail_range(*c_start, ranges::ICECUBE_MJD, "the time of START, EVENTMJD being empty");
    }
    a.ra_deg = t.ra_deg(c_ra);
    a.dec_deg = t.number_in(c_dec, ranges::DEC_DEG);
    a.ra_plus_deg = t.number_in(c_rap, ranges::ALERT_RA_ERR_DEG);
    a.ra_minus_deg = t.number_in(c_ram, ranges::ALERT_RA_ERR_DEG);
    a.dec_plus_deg = t.number_in(c_decp, ranges::ALERT_DEC_ERR_DEG);
    a.dec_minus_deg = t.number_in(c_decm, ranges::ALERT_DEC_ERR_DEG);
    if (c_energy && !missing(t.text(*c_energy)))
      a.energy_tev = t.number_in(*c_energy, ranges::ALERT_ENERGY_TEV);
    if (c_signal && !missing(t.text(*c_signal)))
      a.signalness = t.number_in(*c_signal, ranges::SIGNALNESS);
    if (c_type)
      a.stream = std::string(t.text(*c_type));
    a.retracted = contains_ci(a.name, "retract") || contains_ci(a.stream, "retract") ||
                  (c_retracted && t.flag(*c_retracted));

    if (c_run && c_event) {
      const auto key = std::make_pair(t.integer(*c_run), t.integer(*c_event));
      if (auto it = seen.find(key); it != seen.end()) {
        out[it->second] = std::move(a); // later notice of the same event wins
        continue;
      }
      seen.emplace(key, out.size());
    }
    out.push_back(std::move(a));
  }
  if (out.empty())
    throw InputError(path, 0, "", "empty file: a header but no alerts");
  std::stable_sort(out.begin(), out.end(),
                   [](const Alert& x, const Alert& y) { return x.mjd < y.mjd; });
  return out;
}

double alert_area_deg2(const Alert& a, AlertAreaShape shape) noexcept {
  constexpr double DEG = 3.14159265358979323846 / 180.0;
  // IceCat-1 quotes the rectangle's half-widths in RA itself; on the sky the
  // RA extent shrinks with cos δ.
  const double rect = (a.ra_plus_deg + a.ra_minus_deg) * std::cos(a.dec_deg * DEG) *
                      (a.dec_plus_deg + a.dec_minus_deg);
  return shape == AlertAreaShape::ellipse ? rect * (3.14159265358979323846 / 4.0) : rect;
}

bool selected(const Alert& a, const AlertSelection& s) noexcept {
  if (a.retracted)
    return false;
  // An alert without a time (ZTF tables) passes a window only if none is set.
  if (s.mjd_min && !(a.mjd >= *s.mjd_min))
    return false;
  if (s.mjd_max && !(a.mjd < *s.mjd_max))
    return false;
  if (s.max_area_deg2 && !(alert_area_deg2(a, s.area_shape) < *s.max_area_deg2))
    return false;
  if (s.min_signalness && !(a.signalness && *a.signalness >= *s.min_signalness))
    return false;
  if (s.stream != AlertStream::any) {
    const std::string_view label = a.stream.empty() ? a.alert_class : a.stream;
    const bool gold = contains_ci(label, "gold");
    const bool bronze = contains_ci(label, "bronze");
    if (s.stream == AlertStream::gold ? !gold : !bronze)
      return false;
  }
  return true;
}

std::vector<Alert> select_alerts(std::span<const Alert> alerts, const AlertSelection& s) {
  if (s.mjd_min && s.mjd_max)
    core::require_order("alerts_mjd_min", *s.mjd_min, "alerts_mjd_max", *s.mjd_max,
                        /*strict=*/true);
  std::vector<Alert> out;
  for (const auto& a : alerts)
    if (selected(a, s))
      out.push_back(a);
  return out;
}

} // namespace nuflare::io
