// Statistics of the ZTF follow-up programme (ZTF paper §2, §6; alert_statistics.hpp).
#include "nuflare/followup/alert_statistics.hpp"

#include "nuflare/core/error.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <map>
#include <numbers>

namespace nuflare::followup {

namespace {
constexpr double DEG = std::numbers::pi / 180.0;
} // namespace

double p_obs(const io::Alert& alert) {
  if (!alert.area_rect_deg2 || !alert.area_obs_deg2)
    throw core::ConfigError("followup: alert " + alert.name +
                            " has no rectangle or observed area, which P_obs (ZTF paper eq. 1) "
                            "needs: read it from a follow-up table");
  return 0.9 * *alert.area_obs_deg2 / *alert.area_rect_deg2; // eq. 1
}

double p_astro(const io::Alert& alert, double missing_signalness) {
  return alert.signalness.value_or(missing_signalness);
}

std::vector<ProbabilityRow> probability_table(std::span<const io::Alert> alerts,
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

double rectangle_area_deg2(const io::Alert& a) {
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

Rejection select_alert(const io::Alert& alert, const SelectionConfig& config) {
  if (alert.retracted)
    return Rejection::retracted;
  // §2: "signalness > 50 per cent, or ... a 90 per cent localization area < 10 sq. deg."
  const double s = alert.signalness.value_or(config.missing_signalness);
  const double area = alert.area_rect_deg2.value_or(rectangle_area_deg2(alert));
  if (!(s > config.min_signalness || area < config.max_area_deg2))
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

std::vector<RejectionCount> rejection_counts(std::span<const io::NotFollowedAlert> alerts,
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

std::optional<LatencyStats> latency_stats(std::span<const io::Alert> alerts) {
  std::vector<double> v;
  for (const auto& a : alerts)
    if (a.latency_hours)
      v.push_back(*a.latency_hours);
  if (v.empty())
    return std::nullopt;
  return latency_stats(std::span<const double>(v));
}

} // namespace nuflare::followup
