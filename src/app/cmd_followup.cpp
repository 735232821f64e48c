// nuflare followup: limits on the fraction of neutrino sources with an optical
// counterpart brighter than M (ZTF paper §6, eq. 1–7, Table 4,
// Fig. 14–19). Parses, reads the alert table, calls nuflare::followup, prints
// the CSV on rank 0 and, with --output, writes every curve into the archive.
// The computation is cheap (≈ ms), so every rank computes it all; only the
// archive calls are collective and only rank 0 prints.
#include "cli.hpp"
#include "output.hpp"

#include "nuflare/core/error.hpp"
#include "nuflare/followup/alert_statistics.hpp"
#include "nuflare/followup/detection.hpp"
#include "nuflare/followup/flare_strength.hpp"
#include "nuflare/followup/limits.hpp"
#include "nuflare/followup/redshift.hpp"
#include "nuflare/io/ztf_photometry.hpp"
#include "nuflare/io/ztf_tables.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <iostream>
#include <limits>
#include <optional>
#include <string>
#include <vector>

namespace nuflare::app {

namespace {
//! Largest --alert-repeat: N raises the no-counterpart probability of the
//! sample to the power N (Fig. 18 extrapolation); a million samples of 24
//! alerts is far beyond any neutrino telescope's lifetime.
constexpr int MAX_ALERT_REPEAT = 1000000;
} // namespace

void add_followup_options(po::options_description& desc) {
  desc.add_options()("table", po::value<std::string>()->required(),
                     "alert table: the paper's OVERVIEW_FU.csv or a campaign CSV "
                     "name,ra,dec,ra_plus,ra_minus,dec_plus,dec_minus,area_rect,area_obs,"
                     "signalness[,retracted][,latency_hours]")(
      "evolution", po::value<std::string>(),
      "sfr, grb, blazar or madau (default: all four, in that order)")(
      "cl", real(OPEN_UNIT_INTERVAL)->default_value(0.9, "0.9"),
      "confidence level of the f limit, in (0, 1)")("mag-min", real()->default_value(-27.0),
                                                    "brightest absolute magnitude M [AB]")(
      "mag-max", real()->default_value(-15.0), "faintest absolute magnitude M [AB]")(
      "mag-step", real(POSITIVE)->default_value(0.5), "magnitude step (> 0)")(
      "output", po::value<std::string>(),
      "run archive RUN.h5 with every curve (optional; `nuflare table --archive RUN.h5 "
      "--analysis followup` prints the same CSV)")(
      "grid", po::value<std::string>()->default_value("exact"),
      "redshift integration: exact (quadrature) or stein2023 (the paper's notebook grid)")(
      "gamma", real()->default_value(2.0),
      "neutrino spectral index γ (eq. 3)")("blazar-log10-l-gamma", real()->default_value(46.0),
                                           "log10 L_γ [erg/s] of the blazar PDE evolution")(
      "epsilon0", real(UNIT_INTERVAL)->default_value(0.95, "0.95"),
      "pipeline detection efficiency ε₀ (eq. 2), in [0, 1]")(
      "survey", po::value<std::string>()->default_value("ztf"),
      "selection efficiency: ztf (eq. 2) or deep (--deep-limit-mag, --deep-efficiency; Fig. 19)")(
      "deep-limit-mag", real()->default_value(24.0), "limiting magnitude of the deep survey [AB]")(
      "deep-efficiency", real(UNIT_INTERVAL)->default_value(0.6, "0.6"),
      "classification efficiency of the deep survey, in [0, 1]")(
      "alert-repeat", integer<int>(1, MAX_ALERT_REPEAT)->default_value(1),
      "the alert sample repeated N times (Fig. 18 extrapolation), N >= 1")(
      "table-format", po::value<std::string>()->default_value("auto"),
      "overview (the paper's sheet), campaign (simple CSV) or auto (by the first line)")(
      "not-followed-up", po::value<std::string>(),
      "the paper's OVERVIEW_NOT_FU.csv: rejection counts into the archive (Table A1)")(
      "missing-signalness", real(UNIT_INTERVAL)->default_value(0.5),
      "P_astro of an alert without signalness, in [0, 1]")(
      "galactic-cut", po::bool_switch(),
      "campaign tables: also reject alerts with |b| <= 10 deg (ZTF paper §2)")(
      "curve-step", real(POSITIVE)->default_value(0.1, "0.1"),
      "magnitude step of the archive curves (Fig. 16–19), > 0")(
      "flare-lightcurve", po::value<std::vector<std::string>>()->composing(),
      "SOURCE,ALERT_MJD,FILE (repeatable): ZTF light curve (forced-photometry .txt or DR .fits) "
      "for the flare-strength table /followup/table3 (ZTF paper §4, Table 3)");
  add_overwrite_option(desc);
}

namespace {

using followup::Evolution;

//! The evolutions nuflare followup prints, in output order.
constexpr std::array<Evolution, 4> ALL_EVOLUTIONS{Evolution::sfr, Evolution::grb, Evolution::blazar,
                                                  Evolution::madau};

//! Repeat factors of Fig. 18.
constexpr std::array<int, 3> FIG18_REPEATS{1, 2, 4};

//! Options after validation.
struct Settings {
  std::string table_path;
  std::string table_format; //!< "overview" or "campaign" (after auto-detection)
  std::vector<Evolution> evolutions;
  std::vector<double> mags;       //!< the CSV's magnitude grid
  std::vector<double> curve_mags; //!< the archive curves' grid
  followup::FollowupConfig config;
  followup::DetectionConfig ztf;  //!< eq. 2 with the chosen ε₀
  followup::DetectionConfig deep; //!< Fig. 19 survey with the chosen ε₀
  std::string survey;
  double missing_signalness = 0.5;
  bool galactic_cut = false;
};

//! Reruns `f` and reports its ConfigError as a bad value of `option`.
template <class F>
auto for_option(const Invocation& inv, const std::string& option, F&& f) {
  try {
    return f();
  } catch (const core::ConfigError& e) {
    inv.fail(option, e.what());
  }
}

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

Settings read_settings(const Invocation& inv) {
  Settings s;
  s.table_path = inv.get<std::string>("table");

  // Each number's own range is checked as it is read (cli.hpp); here only
  // what relates two options.
  const double cl = inv.get<double>("cl");
  const double mag_min = inv.get<double>("mag-min"), mag_max = inv.get<double>("mag-max");
  const double mag_step = inv.get<double>("mag-step");
  require_order(inv, "mag-min", "mag-max", /*strict=*/false);
  const double curve_step = inv.get<double>("curve-step");
  s.mags = followup::magnitude_grid(mag_min, mag_max, mag_step);
  s.curve_mags = followup::magnitude_grid(mag_min, mag_max, curve_step);

  if (inv.has("evolution"))
    s.evolutions = {for_option(inv, "evolution", [&] {
      return followup::evolution_from_string(inv.get<std::string>("evolution"));
    })};
  else
    s.evolutions.assign(ALL_EVOLUTIONS.begin(), ALL_EVOLUTIONS.end());

  auto& c = s.config;
  c.cl = cl;
  c.redshift.mode = for_option(
      inv, "grid", [&] { return followup::grid_mode_from_string(inv.get<std::string>("grid")); });
  c.redshift.gamma = inv.get<double>("gamma");
  c.redshift.blazar_log10_l_gamma_erg_s = inv.get<double>("blazar-log10-l-gamma");
  c.alert_repeat = inv.get<int>("alert-repeat");

  const double epsilon0 = inv.get<double>("epsilon0");
  const double deep_mag = inv.get<double>("deep-limit-mag");
  const double deep_eff = inv.get<double>("deep-efficiency");
  s.ztf = followup::DetectionConfig::ztf();
  s.deep = followup::DetectionConfig::deep_survey(deep_mag, deep_eff);
  s.ztf.epsilon0 = s.deep.epsilon0 = epsilon0;
  s.ztf.validate();
  s.deep.validate();
  s.survey = lower(inv.get<std::string>("survey"));
  if (s.survey == "ztf")
    c.detection = s.ztf;
  else if (s.survey == "deep")
    c.detection = s.deep;
  else
    inv.fail("survey", "expected ztf or deep, got \"" + inv.get<std::string>("survey") + "\"");

  s.missing_signalness = inv.get<double>("missing-signalness");
  s.galactic_cut = inv.get<bool>("galactic-cut");

  s.table_format = lower(inv.get<std::string>("table-format"));
  if (s.table_format == "auto")
    s.table_format = io::followup_table_format(s.table_path);
  else if (s.table_format != "overview" && s.table_format != "campaign")
    inv.fail("table-format", "expected overview, campaign or auto, got \"" +
                                 inv.get<std::string>("table-format") + "\"");
  return s;
}

//! One column of an archive table.
io::Column column(std::string name, std::vector<double> values, std::string unit,
                  std::string description) {
  return {std::move(name), std::move(values), std::move(unit), std::move(description)};
}
io::Column column(std::string name, std::vector<std::string> values, std::string description) {
  return {std::move(name), std::move(values), "", std::move(description)};
}
io::Column column(std::string name, std::vector<std::int64_t> values, std::string description) {
  return {std::move(name), std::move(values), "", std::move(description)};
}

double or_nan(const std::optional<double>& v) {
  return v ? *v : std::numeric_limits<double>::quiet_NaN();
}

//! P_dist(z) of one evolution on a uniform z grid (Fig. 14).
struct PdistCurve {
  Evolution evolution;
  std::vector<double> z, density, cdf;
  double median = 0;
};

//! The curves of Fig. 16–19 for one evolution on the curve grid.
struct EvolutionCurves {
  Evolution evolution;
  std::vector<double> abs_mag, nu_l_nu, p_detectable, p_no_f1, f_limit; //!< the run's survey
  std::array<std::vector<double>, FIG18_REPEATS.size()> f_limit_repeat; //!< ZTF ×1, ×2, ×4
  std::vector<double> p_detectable_ztf, f_limit_ztf, p_detectable_deep, f_limit_deep;
};

//! Table 3 rows of one light curve.
struct FlareStrengthRows {
  std::string source, file;
  double alert_mjd;
  std::vector<followup::FlareStrength> rows;
};

//! Everything the run prints or stores, computed before any file is created.
struct Results {
  std::vector<io::Alert> alerts;
  std::vector<std::pair<std::string, followup::Rejection>> selection; //!< campaign tables
  std::vector<followup::ProbabilityRow> table4;
  std::vector<double> p_astro_obs;
  std::optional<double> x_limit; //!< f·P_det at CL (eq. 7 root)
  std::vector<followup::LimitPoint> summary;
  std::vector<PdistCurve> pdist;
  std::vector<EvolutionCurves> curves;
  std::vector<followup::RejectionCount> rejections, rejections_v2;
  std::optional<followup::LatencyStats> latency;
  std::vector<FlareStrengthRows> table3;
};

//! "SOURCE,ALERT_MJD,FILE" of --flare-lightcurve.
FlareStrengthRows flare_strength_of(const Invocation& inv, const std::string& spec) {
  const auto c1 = spec.find(',');
  const auto c2 = c1 == std::string::npos ? c1 : spec.find(',', c1 + 1);
  if (c2 == std::string::npos)
    inv.fail("flare-lightcurve", "expected SOURCE,ALERT_MJD,FILE, got \"" + spec + "\"");
  FlareStrengthRows out;
  out.source = spec.substr(0, c1);
  out.file = spec.substr(c2 + 1);
  const std::string mjd = spec.substr(c1 + 1, c2 - c1 - 1);
  std::size_t used = 0;
  try {
    out.alert_mjd = std::stod(mjd, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used != mjd.size() || mjd.empty() || !std::isfinite(out.alert_mjd))
    inv.fail("flare-lightcurve", "alert MJD is not a finite number: \"" + mjd + "\"");
  const bool fits = lower(std::filesystem::path(out.file).extension().string()) == ".fits";
  const auto points =
      fits ? io::read_ztf_dr_fits(out.file) : io::read_ztf_forced_photometry(out.file);
  // ZTF paper §4: ±25 d window, "flaring" above 1.5.
  out.rows = followup::flare_strength(points, out.alert_mjd);
  return out;
}

Results compute(const Invocation& inv, const Settings& s) {
  Results r;
  r.alerts = io::read_followup_table(s.table_path, s.table_format);
  if (r.alerts.empty())
    throw core::InputError(s.table_path, 0, "", "no alerts");
  std::vector<io::Alert> used;
  if (s.table_format == "campaign") {
    // ZTF paper §2: signalness > 0.5 or area < 10 deg², retractions out, optional |b| cut.
    // The paper's sheet lists the alerts that were followed up, so it is taken whole.
    followup::SelectionConfig sel;
    sel.missing_signalness = s.missing_signalness;
    sel.galactic_cut = s.galactic_cut;
    for (const auto& a : r.alerts) {
      const auto why = followup::select_alert(a, sel);
      r.selection.emplace_back(a.name, why);
      if (why == followup::Rejection::none)
        used.push_back(a);
    }
    if (used.empty())
      throw core::InputError(s.table_path, 0, "", "no alert passes the selection (ZTF paper §2)");
    r.latency = followup::latency_stats(std::span<const io::Alert>(r.alerts));
  } else {
    used = r.alerts;
  }
  // Table 4 and eq. 1: P_astro · P_obs per alert.
  r.table4 = followup::probability_table(used, s.missing_signalness);
  r.p_astro_obs = followup::products(r.table4);
  r.x_limit = followup::f_pdet_limit(r.p_astro_obs, s.config.cl, s.config.alert_repeat);

  // The stdout CSV: the run's survey and repeat factor.
  r.summary = followup::limit_curve(r.p_astro_obs, s.evolutions, s.mags, s.config);

  // Fig. 14: P_dist(z) (eq. 4) on a uniform grid of 801 points over [0, z_max].
  for (auto e : s.evolutions) {
    const followup::RedshiftPdf pdf(e, s.config.redshift);
    PdistCurve p{e, {}, {}, {}, pdf.median()};
    constexpr int N = 801;
    for (int i = 0; i < N; ++i) {
      const double z = pdf.z_max() * i / (N - 1);
      p.z.push_back(z);
      p.density.push_back(pdf.density(z));
      p.cdf.push_back(pdf.cdf(z));
    }
    r.pdist.push_back(std::move(p));
  }

  // Fig. 16–19 on the curve grid: P_det once per survey (ZTF eq. 2, the deep
  // survey of Fig. 19), then eq. 7 for the run's repeat factor and for ×1/×2/×4.
  const followup::DetectionModel ztf_model(s.ztf), deep_model(s.deep);
  const int run_repeat = s.config.alert_repeat;
  const auto x_run = r.x_limit;
  std::array<std::optional<double>, FIG18_REPEATS.size()> x_repeat;
  for (std::size_t k = 0; k < FIG18_REPEATS.size(); ++k)
    x_repeat[k] = followup::f_pdet_limit(r.p_astro_obs, s.config.cl, FIG18_REPEATS[k]);
  for (auto e : s.evolutions) {
    const followup::RedshiftPdf pdf(e, s.config.redshift);
    EvolutionCurves c;
    c.evolution = e;
    c.abs_mag = s.curve_mags;
    c.p_detectable_ztf = ztf_model.p_detectable(pdf, s.curve_mags);
    c.p_detectable_deep = deep_model.p_detectable(pdf, s.curve_mags);
    c.p_detectable = s.survey == "deep" ? c.p_detectable_deep : c.p_detectable_ztf;
    for (std::size_t j = 0; j < s.curve_mags.size(); ++j) {
      const double pd = c.p_detectable[j];
      c.nu_l_nu.push_back(
          followup::abs_mag_to_nu_l_nu_erg_s(s.curve_mags[j], s.config.wavelength_nm));
      c.p_no_f1.push_back(followup::p_no_counterpart(r.p_astro_obs, pd, run_repeat));
      c.f_limit.push_back(or_nan(followup::f_limit(x_run, pd)));
      for (std::size_t k = 0; k < FIG18_REPEATS.size(); ++k)
        c.f_limit_repeat[k].push_back(
            or_nan(followup::f_limit(x_repeat[k], c.p_detectable_ztf[j])));
      c.f_limit_ztf.push_back(or_nan(followup::f_limit(x_repeat[0], c.p_detectable_ztf[j])));
      c.f_limit_deep.push_back(or_nan(followup::f_limit(x_repeat[0], c.p_detectable_deep[j])));
    }
    r.curves.push_back(std::move(c));
  }

  if (inv.has("not-followed-up")) {
    const auto nf = io::read_overview_not_fu(inv.get<std::string>("not-followed-up"));
    r.rejections = followup::rejection_counts(nf);
    r.rejections_v2 = followup::rejection_counts(nf, 190617); // V2 alerts (ZTF paper §2)
  }
  if (inv.has("flare-lightcurve"))
    for (const auto& spec : inv.get<std::vector<std::string>>("flare-lightcurve"))
      r.table3.push_back(flare_strength_of(inv, spec));
  return r;
}

//! The stdout CSV: evolution,abs_mag,p_detectable,f_limit (empty when unconstrained).
TextTable summary_text(const Results& r) {
  TextTable t({"evolution", "abs_mag", "p_detectable", "f_limit"});
  for (const auto& p : r.summary)
    t.add_row({followup::to_string(p.evolution), format_number(p.abs_mag),
               format_number(p.p_detectable), format_number(p.f_limit)});
  return t;
}

void write_archive(io::Archive& ar, const Settings& s, const Results& r) {
  ar.create_group("/followup");
  ar.set_attribute("/followup", "description",
                   "ZTF follow-up limits (ZTF paper §6, eq. 1-7); see docs/archive-format.md");
  ar.set_attribute("/followup", "table_format", s.table_format);
  ar.set_attribute("/followup", "grid", followup::to_string(s.config.redshift.mode));
  ar.set_attribute("/followup", "survey", s.survey);
  ar.set_attribute("/followup", "cl", s.config.cl);
  ar.set_attribute("/followup", "gamma", s.config.redshift.gamma);
  ar.set_attribute("/followup", "epsilon0", s.config.detection.epsilon0);
  ar.set_attribute("/followup", "alert_repeat", static_cast<std::int64_t>(s.config.alert_repeat));
  ar.set_attribute("/followup", "missing_signalness", s.missing_signalness);
  ar.set_attribute("/followup", "n_alerts", static_cast<std::int64_t>(r.table4.size()));
  double sum = 0;
  for (double p : r.p_astro_obs)
    sum += p;
  ar.set_attribute("/followup", "sum_p_astro_obs", sum);
  ar.set_attribute("/followup", "f_pdet_limit", or_nan(r.x_limit));
  ar.set_attribute("/followup", "deep_limit_mag", s.deep.steps.front().m_max);
  ar.set_attribute("/followup", "deep_efficiency", s.deep.steps.front().efficiency);
  ar.set_attribute("/followup", "wavelength_nm", s.config.wavelength_nm);
  if (r.latency) {
    ar.set_attribute("/followup", "latency_median_hours", r.latency->median_hours);
    ar.set_attribute("/followup", "latency_fraction_above_24h", r.latency->fraction_above_24h);
  }

  // summary: the CSV exactly (f_limit as text so that `nuflare table` prints it as stdout).
  {
    std::vector<std::string> evo, f;
    std::vector<double> mag, pdet;
    for (const auto& p : r.summary) {
      evo.push_back(followup::to_string(p.evolution));
      mag.push_back(p.abs_mag);
      pdet.push_back(p.p_detectable);
      f.push_back(format_number(p.f_limit));
    }
    io::Table t;
    t.columns.push_back(column("evolution", evo, "source evolution R(z) (eq. 3)"));
    t.columns.push_back(column("abs_mag", mag, "AB mag", "absolute magnitude M"));
    t.columns.push_back(column("p_detectable", pdet, "", "P_detectable(M) (eq. 5)"));
    t.columns.push_back(column("f_limit", f,
                               "f limit at CL as text (shortest round-trip); empty = "
                               "unconstrained (eq. 7)"));
    ar.write_table("/followup/summary", t);
  }
  // table4: ZTF paper Table 4.
  {
    std::vector<std::string> name;
    std::vector<double> pa, po, prod;
    for (const auto& row : r.table4) {
      name.push_back(row.name);
      pa.push_back(row.p_astro);
      po.push_back(row.p_obs);
      prod.push_back(row.product);
    }
    io::Table t;
    t.columns.push_back(column("name", name, "alert name"));
    t.columns.push_back(column("p_astro", pa, "", "signalness (missing -> missing_signalness)"));
    t.columns.push_back(column("p_obs", po, "", "0.9 A_obs / A_rect (eq. 1)"));
    t.columns.push_back(column("product", prod, "", "P_astro * P_obs"));
    ar.write_table("/followup/table4", t);
  }
  if (!r.selection.empty()) {
    std::vector<std::string> name, why;
    for (const auto& [n, w] : r.selection) {
      name.push_back(n);
      why.push_back(followup::to_string(w));
    }
    io::Table t;
    t.columns.push_back(column("name", name, "alert name"));
    t.columns.push_back(column("rejection", why, "selection outcome (ZTF paper §2); none = used"));
    ar.write_table("/followup/selection", t);
  }
  // pdist/<evolution>: Fig. 14.
  ar.create_group("/followup/pdist");
  for (const auto& p : r.pdist) {
    const std::string g = "/followup/pdist/" + followup::to_string(p.evolution);
    ar.create_group(g);
    ar.set_attribute(g, "median", p.median);
    ar.write_vector(g + "/z", p.z, "", "redshift");
    ar.write_vector(g + "/density", p.density, "", "P_dist(z), normalised on [0, z_max] (eq. 4)");
    ar.write_vector(g + "/cdf", p.cdf, "", "cumulative P_dist");
  }
  // curves/<evolution>: Fig. 16, 17 (the run's survey); fig18, fig19 extrapolations.
  for (const char* top : {"/followup/curves", "/followup/fig18", "/followup/fig19"})
    ar.create_group(top);
  for (const auto& c : r.curves) {
    const std::string e = followup::to_string(c.evolution);
    const std::string g = "/followup/curves/" + e;
    ar.create_group(g);
    ar.write_vector(g + "/abs_mag", c.abs_mag, "AB mag", "absolute magnitude M");
    ar.write_vector(g + "/nu_l_nu", c.nu_l_nu, "erg/s", "nu L_nu at 470 nm (Fig. 17 top axis)");
    ar.write_vector(g + "/p_detectable", c.p_detectable, "", "P_detectable(M) (eq. 5)");
    ar.write_vector(g + "/p_no_f1", c.p_no_f1, "", "P_no_counterpart(M, f = 1) (eq. 7, Fig. 16)");
    ar.write_vector(g + "/f_limit", c.f_limit, "", "f at CL (Fig. 17); NaN = unconstrained");
    const std::string g18 = "/followup/fig18/" + e;
    ar.create_group(g18);
    ar.write_vector(g18 + "/abs_mag", c.abs_mag, "AB mag", "absolute magnitude M");
    for (std::size_t k = 0; k < FIG18_REPEATS.size(); ++k) {
      const std::string x = std::to_string(FIG18_REPEATS[k]);
      ar.write_vector(g18 + "/f_limit_x" + x, c.f_limit_repeat[k], "",
                      "f at CL, ZTF (eq. 2), alerts repeated x" + x + "; NaN = unconstrained");
    }
    const std::string g19 = "/followup/fig19/" + e;
    ar.create_group(g19);
    ar.write_vector(g19 + "/abs_mag", c.abs_mag, "AB mag", "absolute magnitude M");
    ar.write_vector(g19 + "/p_detectable_ztf", c.p_detectable_ztf, "", "P_det, ZTF (eq. 2)");
    ar.write_vector(g19 + "/f_limit_ztf", c.f_limit_ztf, "", "f at CL, ZTF; NaN = unconstrained");
    ar.write_vector(g19 + "/p_detectable_deep", c.p_detectable_deep, "", "P_det, deep survey");
    ar.write_vector(g19 + "/f_limit_deep", c.f_limit_deep, "",
                    "f at CL, deep survey; NaN = unconstrained");
  }
  if (!r.rejections.empty()) {
    std::vector<std::int64_t> code, count, count_v2;
    std::vector<std::string> reason;
    for (const auto& rc : r.rejections) {
      code.push_back(rc.code);
      reason.push_back(rc.reason);
      count.push_back(static_cast<std::int64_t>(rc.count));
      std::int64_t v2 = 0;
      for (const auto& x : r.rejections_v2)
        if (x.code == rc.code && x.reason == rc.reason)
          v2 = static_cast<std::int64_t>(x.count);
      count_v2.push_back(v2);
    }
    io::Table t;
    t.columns.push_back(column("code", code, "rejection code of the sheet"));
    t.columns.push_back(column("reason", reason, "rejection reason"));
    t.columns.push_back(column("count", count, "alerts not followed up for this reason"));
    t.columns.push_back(column("count_v2", count_v2, "the same since IC190617 (V2 alerts)"));
    ar.write_table("/followup/rejections", t);
  }
  if (!r.table3.empty()) {
    std::vector<std::string> source, band;
    std::vector<double> mjd, inst, med, ratio;
    std::vector<std::int64_t> n_window, n_total, flaring;
    for (const auto& fs : r.table3)
      for (const auto& row : fs.rows) {
        source.push_back(fs.source);
        mjd.push_back(fs.alert_mjd);
        band.push_back(row.band);
        n_window.push_back(static_cast<std::int64_t>(row.n_window));
        n_total.push_back(static_cast<std::int64_t>(row.n_total));
        inst.push_back(row.window_median);
        med.push_back(row.baseline_median);
        ratio.push_back(row.ratio);
        flaring.push_back(row.flaring ? 1 : 0);
      }
    io::Table t;
    t.columns.push_back(column("source", source, "source name"));
    t.columns.push_back(column("alert_mjd", mjd, "d", "neutrino alert time [MJD]"));
    t.columns.push_back(column("band", band, "ZTF filter"));
    t.columns.push_back(column("n_window", n_window, "points within +-25 d of the alert"));
    t.columns.push_back(column("n_total", n_total, "points over the whole baseline"));
    t.columns.push_back(
        column("window_median", inst, "erg cm^-2 s^-1", "median nuF_nu in the window"));
    t.columns.push_back(column("baseline_median", med, "erg cm^-2 s^-1", "median nuF_nu overall"));
    t.columns.push_back(column("ratio", ratio, "", "window / baseline median (ZTF paper Table 3)"));
    t.columns.push_back(column("flaring", flaring, "1 when ratio > 1.5"));
    ar.write_table("/followup/table3", t);
  }
}

} // namespace

int run_followup(Invocation& inv) {
  // Options, inputs and every number first: bad input fails before any archive exists.
  const Settings s = read_settings(inv);
  std::optional<RunOutput> output;
  if (inv.has("output"))
    output.emplace(inv);
  const Results r = compute(inv, s);

  if (output) {
    std::vector<std::filesystem::path> inputs{s.table_path};
    if (inv.has("not-followed-up"))
      inputs.emplace_back(inv.get<std::string>("not-followed-up"));
    for (const auto& fs : r.table3)
      inputs.emplace_back(fs.file);
    write_run_archive(inv, *output, inv.run_info(0, inputs),
                      [&](io::Archive& archive) { write_archive(archive, s, r); });
  }
  if (inv.prints())
    summary_text(r).print_csv(std::cout);
  return 0;
}

} // namespace nuflare::app
