// ZTF follow-up statistics (ZTF paper §2, §6, eq. 1–7, Table 4, Fig. 14–19):
// the alert table with its P_astro·P_obs, P_detectable and the f limit per
// evolution and magnitude, the redshift PDFs. The Python front
// (python/nuflare/followup.py) passes every option; the checks here are
// those `nuflare followup` makes, with the keyword's name in place of the
// command-line option's.
#include "bindings.hpp"

#include "nuflare/core/error.hpp"
#include "nuflare/followup/alert_statistics.hpp"
#include "nuflare/followup/detection.hpp"
#include "nuflare/followup/limits.hpp"
#include "nuflare/followup/redshift.hpp"
#include "nuflare/io/ztf_tables.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <limits>
#include <optional>
#include <string>

namespace nuflare::python {

namespace {

namespace fu = nuflare::followup;

constexpr double NaN = std::numeric_limits<double>::quiet_NaN();

//! Shortest round-trip text of a number, as the command line prints it.
std::string text(double v) {
  if (std::isnan(v))
    return "nan";
  char buf[64];
  const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, end);
}

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

double probability(double v, const char* name) {
  if (!(v >= 0 && v <= 1))
    throw core::ConfigError(std::string(name) + ": must be in [0, 1], got \"" + text(v) + "\"");
  return v;
}

//! Reads an alert table and applies the §2 selection to campaign tables (the
//! paper's sheet lists the alerts that were followed up and is taken whole).
py::dict read_alerts(const std::string& path, const std::string& table_format,
                     double missing_signalness, bool galactic_cut) {
  probability(missing_signalness, "missing_signalness");
  std::string format = lower(table_format);
  if (format != "auto" && format != "overview" && format != "campaign")
    throw core::ConfigError("table_format: expected overview, campaign or auto, got \"" +
                            table_format + "\"");
  std::vector<io::Alert> alerts;
  std::vector<fu::Rejection> why;
  std::vector<io::Alert> used;
  std::vector<fu::ProbabilityRow> table4;
  std::optional<fu::LatencyStats> latency;
  {
    py::gil_scoped_release release;
    if (format == "auto")
      format = io::followup_table_format(path); // as `nuflare followup --table-format auto`
    alerts = io::read_followup_table(path, format);
    if (alerts.empty())
      throw core::InputError(path, 0, "", "no alerts");
    fu::SelectionConfig selection;
    selection.missing_signalness = missing_signalness;
    selection.galactic_cut = galactic_cut;
    for (const auto& a : alerts) {
      why.push_back(format == "campaign" ? fu::select_alert(a, selection) : fu::Rejection::none);
      if (why.back() == fu::Rejection::none)
        used.push_back(a);
    }
    if (used.empty())
      throw core::InputError(path, 0, "", "no alert passes the selection (ZTF paper §2)");
    if (format == "campaign")
      latency = fu::latency_stats(std::span<const io::Alert>(alerts));
    table4 = fu::probability_table(used, missing_signalness);
  }

  // Where a value is absent the column holds NaN.
  const auto or_nan = [](std::optional<double> io::Alert::*field) {
    return [field](const io::Alert& a) { return (a.*field).value_or(NaN); };
  };
  py::dict columns;
  columns["name"] = column(alerts, &io::Alert::name);
  columns["alert_class"] = column(alerts, &io::Alert::alert_class);
  columns["ra"] = column(alerts, &io::Alert::ra_deg);
  columns["dec"] = column(alerts, &io::Alert::dec_deg);
  columns["ra_plus"] = column(alerts, &io::Alert::ra_plus_deg);
  columns["ra_minus"] = column(alerts, &io::Alert::ra_minus_deg);
  columns["dec_plus"] = column(alerts, &io::Alert::dec_plus_deg);
  columns["dec_minus"] = column(alerts, &io::Alert::dec_minus_deg);
  columns["area_rect"] = column(alerts, or_nan(&io::Alert::area_rect_deg2));
  columns["area_obs"] = column(alerts, or_nan(&io::Alert::area_obs_deg2));
  columns["signalness"] = column(alerts, or_nan(&io::Alert::signalness));
  columns["retracted"] = column(alerts, &io::Alert::retracted);
  columns["latency_hours"] = column(alerts, or_nan(&io::Alert::latency_hours));
  columns["rejection"] = column(why, [](fu::Rejection r) { return fu::to_string(r); });
  columns["selected"] = column(why, [](fu::Rejection r) { return r == fu::Rejection::none; });

  py::dict t4;
  t4["name"] = column(table4, &fu::ProbabilityRow::name);
  t4["p_astro"] = column(table4, &fu::ProbabilityRow::p_astro);
  t4["p_obs"] = column(table4, &fu::ProbabilityRow::p_obs);
  t4["product"] = column(table4, &fu::ProbabilityRow::product);

  py::dict d;
  d["table_format"] = format;
  d["alerts"] = columns;
  d["table4"] = t4;
  if (latency) {
    d["latency_median_hours"] = latency->median_hours;
    d["latency_fraction_above_24h"] = latency->fraction_above_24h;
  }
  return d;
}

//! The options dict the Python front builds (every key present).
struct Options {
  py::dict d;
  [[nodiscard]] double number(const char* key) const { return d[key].cast<double>(); }
  [[nodiscard]] std::string str(const char* key) const { return d[key].cast<std::string>(); }
  [[nodiscard]] double finite(const char* key) const {
    const double v = number(key);
    if (!std::isfinite(v))
      throw core::ConfigError(std::string(key) + ": not finite: \"" + text(v) + "\"");
    return v;
  }
};

//! Reruns `f` and prefixes a ConfigError with the keyword's name, as `nuflare
//! followup` does with the option's.
template <class F>
auto for_keyword(const std::string& keyword, F&& f) {
  try {
    return f();
  } catch (const core::ConfigError& e) {
    throw core::ConfigError(keyword + ": " + e.what());
  }
}

//! The redshift options (eq. 3–4) of `o`: grid, gamma, blazar_log10_l_gamma.
fu::RedshiftConfig redshift_config(const Options& o) {
  fu::RedshiftConfig r;
  r.mode = for_keyword("grid", [&] { return fu::grid_mode_from_string(o.str("grid")); });
  r.gamma = o.finite("gamma");
  r.blazar_log10_l_gamma_erg_s = o.finite("blazar_log10_l_gamma");
  return r;
}

//! The whole configuration of a limit curve, checked as `nuflare followup` checks it.
fu::FollowupConfig followup_config(const Options& o) {
  fu::FollowupConfig c;
  c.cl = o.number("cl");
  if (!(c.cl > 0 && c.cl < 1))
    throw core::ConfigError("cl: must be in (0, 1), got \"" + text(c.cl) + "\"");
  c.redshift = redshift_config(o);
  c.alert_repeat = o.d["alert_repeat"].cast<int>();
  if (c.alert_repeat < 1)
    throw core::ConfigError("alert_repeat: \"" + std::to_string(c.alert_repeat) +
                            "\" is not an integer in [1, 10^6]");
  const double epsilon0 = probability(o.number("epsilon0"), "epsilon0");
  const double deep_mag = o.finite("deep_limit_mag");
  const double deep_eff = probability(o.number("deep_efficiency"), "deep_efficiency");
  const std::string survey = lower(o.str("survey"));
  if (survey == "ztf")
    c.detection = fu::DetectionConfig::ztf();
  else if (survey == "deep")
    c.detection = fu::DetectionConfig::deep_survey(deep_mag, deep_eff);
  else
    throw core::ConfigError("survey: expected ztf or deep, got \"" + o.str("survey") + "\"");
  c.detection.epsilon0 = epsilon0;
  c.detection.validate();
  return c;
}

std::vector<fu::Evolution> evolutions_from(const std::vector<std::string>& names) {
  std::vector<fu::Evolution> out;
  for (const auto& n : names)
    out.push_back(for_keyword("evolution", [&] { return fu::evolution_from_string(n); }));
  if (out.empty())
    throw core::ConfigError("evolution: no evolution given");
  return out;
}

void check_probabilities(const std::vector<double>& p) {
  if (p.empty())
    throw core::ConfigError("p_astro_obs: no alerts");
  for (double v : p)
    if (!(v >= 0 && v <= 1))
      throw core::ConfigError("p_astro_obs: every P_astro * P_obs must be in [0, 1], got " +
                              text(v));
}

//! P_detectable, P_no_counterpart(f = 1) and the f limit per evolution and
//! magnitude (eq. 5–7): the rows of `nuflare followup`, evolution-major.
py::dict limit_curve(const DoubleArray& p_astro_obs, const std::vector<std::string>& evolution,
                     const DoubleArray& abs_mag, const py::dict& options) {
  const fu::FollowupConfig config = followup_config(Options{options});
  const auto evolutions = evolutions_from(evolution);
  const auto p = to_vector(p_astro_obs);
  check_probabilities(p);
  const auto mags = to_vector(abs_mag);
  for (double m : mags)
    if (!std::isfinite(m))
      throw core::ConfigError("abs_mag: magnitudes must be finite");
  std::vector<fu::LimitPoint> rows;
  {
    py::gil_scoped_release release;
    rows = fu::limit_curve(p, evolutions, mags, config);
  }
  py::dict d;
  d["evolution"] = column(rows, [](const fu::LimitPoint& r) { return fu::to_string(r.evolution); });
  d["abs_mag"] = column(rows, &fu::LimitPoint::abs_mag);
  d["p_detectable"] = column(rows, &fu::LimitPoint::p_detectable);
  d["p_no_counterpart"] = column(rows, &fu::LimitPoint::p_no_counterpart_f1);
  d["f_limit"] = column(rows, [](const fu::LimitPoint& r) { return r.f_limit.value_or(NaN); });
  d["nu_l_nu"] = column(rows, &fu::LimitPoint::nu_l_nu_erg_s);
  return d;
}

//! Magnitudes from mag_min to mag_max inclusive (the grid of `nuflare followup`).
py::array_t<double> magnitude_grid(double mag_min, double mag_max, double mag_step) {
  if (!std::isfinite(mag_min) || !std::isfinite(mag_max))
    throw core::ConfigError("mag_min and mag_max must be finite");
  if (mag_min > mag_max)
    throw core::ConfigError("mag_max: " + text(mag_max) + " is below mag_min " + text(mag_min));
  if (!(mag_step > 0))
    throw core::ConfigError("mag_step: must be > 0, got \"" + text(mag_step) + "\"");
  return to_array(fu::magnitude_grid(mag_min, mag_max, mag_step));
}

//! P_dist(z) of eq. 4, its CDF at `z` and the median (Fig. 14).
py::dict redshift_pdf(const std::string& evolution, const DoubleArray& z, const py::dict& options) {
  const auto config = redshift_config(Options{options});
  const auto e = evolutions_from({evolution}).front();
  const auto zs = to_vector(z);
  std::vector<double> density, cdf;
  double median = NaN, z_max = NaN;
  {
    py::gil_scoped_release release;
    const fu::RedshiftPdf pdf(e, config);
    for (double v : zs) {
      density.push_back(pdf.density(v));
      cdf.push_back(pdf.cdf(v));
    }
    median = pdf.median();
    z_max = pdf.z_max();
  }
  py::dict d;
  d["evolution"] = fu::to_string(e);
  d["z"] = to_array(zs);
  d["density"] = to_array(density);
  d["cdf"] = to_array(cdf);
  d["median"] = median;
  d["z_max"] = z_max;
  return d;
}

//! Eq. 7 at each x = f·P_det.
py::array_t<double> p_no_counterpart(const DoubleArray& p_astro_obs, const DoubleArray& x,
                                     int repeat) {
  if (repeat < 1)
    throw core::ConfigError("repeat must be at least 1");
  const auto p = to_vector(p_astro_obs);
  check_probabilities(p);
  auto xs = to_vector(x);
  for (double v : xs)
    if (!(v >= 0 && v <= 1))
      throw core::ConfigError("x: f * P_det must be in [0, 1], got " + text(v));
  for (double& v : xs)
    v = fu::p_no_counterpart(p, v, repeat);
  return to_array(xs);
}

//! The f limit at `cl` for each P_det (NaN: unconstrained, eq. 7).
py::array_t<double> f_limit(const DoubleArray& p_astro_obs, const DoubleArray& p_detectable,
                            double cl, int repeat) {
  if (!(cl > 0 && cl < 1))
    throw core::ConfigError("cl: must be in (0, 1), got \"" + text(cl) + "\"");
  if (repeat < 1)
    throw core::ConfigError("repeat must be at least 1");
  const auto p = to_vector(p_astro_obs);
  check_probabilities(p);
  auto pd = to_vector(p_detectable);
  for (double& v : pd) {
    if (!(v >= 0 && v <= 1))
      throw core::ConfigError("p_detectable must be in [0, 1], got " + text(v));
    v = fu::f_limit(p, v, cl, repeat).value_or(NaN);
  }
  return to_array(pd);
}

} // namespace

void bind_followup(py::module_& m) {
  m.def("read_alerts", &read_alerts, py::arg("path"), py::arg("table_format"),
        py::arg("missing_signalness"), py::arg("galactic_cut"),
        "alert table, selection and Table 4 (ZTF paper §2, eq. 1)");
  m.def("limit_curve", &limit_curve, py::arg("p_astro_obs"), py::arg("evolution"),
        py::arg("abs_mag"), py::arg("options"), "P_det, P_no(f=1), f limit (ZTF paper eq. 5-7)");
  m.def("magnitude_grid", &magnitude_grid, py::arg("mag_min"), py::arg("mag_max"),
        py::arg("mag_step"), "the magnitude grid of nuflare followup");
  m.def("redshift_pdf", &redshift_pdf, py::arg("evolution"), py::arg("z"), py::arg("options"),
        "P_dist(z), its CDF and median (ZTF paper eq. 3-4)");
  m.def("p_no_counterpart", &p_no_counterpart, py::arg("p_astro_obs"), py::arg("x"),
        py::arg("repeat"), "eq. 7 at x = f P_det");
  m.def("f_limit", &f_limit, py::arg("p_astro_obs"), py::arg("p_detectable"), py::arg("cl"),
        py::arg("repeat"), "f limit at CL per P_det (NaN: unconstrained)");
}

} // namespace nuflare::python
