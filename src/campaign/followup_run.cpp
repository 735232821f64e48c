#include "nuflare/campaign/followup_run.hpp"

#include "nuflare/core/validation.hpp"
#include "nuflare/followup/candidates.hpp"
#include "nuflare/followup/detection.hpp"
#include "nuflare/followup/flare_strength.hpp"
#include "nuflare/io/formats.hpp"
#include "nuflare/io/tables.hpp"
#include "nuflare/io/ztf_photometry.hpp"
#include "nuflare/io/ztf_tables.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <limits>

namespace nuflare::campaign {

namespace {
std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

double or_nan(const std::optional<double>& v) {
  return v ? *v : std::numeric_limits<double>::quiet_NaN();
}

//! P_detectable (eq. 5) on a magnitude grid, with the K-correction of a
//! constant-f_λ spectrum (k = 1) when asked (docs/methods.md, P_detectable(−21)).
std::vector<double> p_detectable_curve(const followup::DetectionModel& model,
                                       const followup::RedshiftPdf& pdf,
                                       const std::vector<double>& mags, bool k_correction) {
  if (!k_correction)
    return model.p_detectable(pdf, mags);
  std::vector<double> out;
  out.reserve(mags.size());
  for (double m : mags)
    out.push_back(followup::p_detectable_k_corrected(model, pdf, m, 1.0));
  return out;
}

} // namespace

const core::OptionTable<FollowupOptions>& FollowupOptions::options() {
  using F = FollowupOptions;
  using S = followup::SelectionConfig;
  static const auto selection =
      core::OptionTable<S>()
          .add("missing_signalness", &S::missing_signalness, "",
               "P_astro of an alert without signalness", core::UNIT_INTERVAL)
          .add("galactic_cut", &S::galactic_cut, "",
               "campaign tables: also reject alerts with |b| <= 10 deg (ZTF paper §2)")
          .as_flag();
  static const auto table =
      core::OptionTable<F>()
          .add("table", &F::table, "",
               "alert table: the paper's OVERVIEW_FU.csv or a campaign CSV "
               "name,ra,dec,ra_plus,ra_minus,dec_plus,dec_minus,area_rect,area_obs,"
               "signalness[,retracted][,latency_hours]")
          .required()
          .paths()
          .choice("table_format", &F::table_format,
                  {{"overview", TableFormat::overview},
                   {"campaign", TableFormat::campaign},
                   {"auto", TableFormat::automatic}},
                  "overview (the paper's sheet), campaign (simple CSV) or auto (by the first line)")
          .add("evolution", &F::evolution, "", "source evolution: sfr, grb, blazar or madau")
          .check([](std::string_view text) -> std::string {
            try {
              (void)followup::evolution_from_string(std::string(text));
              return {};
            } catch (const core::ConfigError& e) {
              return e.what();
            }
          })
          .no_default("all four, in that order")
          .include(&F::config, followup::FollowupConfig::options())
          .add("mag_min", &F::mag_min, "AB mag", "brightest absolute magnitude M")
          .add("mag_max", &F::mag_max, "AB mag", "faintest absolute magnitude M")
          .add("mag_step", &F::mag_step, "mag", "magnitude step", core::POSITIVE)
          .add("curve_step", &F::curve_step, "mag",
               "magnitude step of the archive curves (Fig. 16-19)", core::POSITIVE)
          .add("epsilon0", &F::epsilon0, "", "pipeline detection efficiency epsilon0 (eq. 2)",
               core::UNIT_INTERVAL)
          .add("k_correction", &F::k_correction, "",
               "add the K-correction 2.5 log10(1+z) to the apparent magnitude of eq. 5 (not in "
               "the paper; with epsilon0 1 it gives the printed P_det(-21) = 26 %, 16 %; "
               "docs/methods.md, P_detectable(-21))")
          .as_flag()
          .choice("survey", &F::survey, {{"ztf", Survey::ztf}, {"deep", Survey::deep}},
                  "selection efficiency: ztf (eq. 2) or deep (deep_limit_mag, deep_efficiency; "
                  "Fig. 19)")
          .add("deep_limit_mag", &F::deep_limit_mag, "AB mag",
               "limiting magnitude of the deep survey")
          .add("deep_efficiency", &F::deep_efficiency, "",
               "classification efficiency of the deep survey", core::UNIT_INTERVAL)
          .include(&F::selection, selection)
          .add("not_followed_up", &F::not_followed_up, "",
               "the paper's OVERVIEW_NOT_FU.csv: rejection counts into the archive (Table A1)")
          .paths()
          .add("flare_lightcurve", &F::flare_lightcurve, "",
               "SOURCE,ALERT_MJD,FILE (repeatable): ZTF light curve (forced-photometry .txt or DR "
               ".fits) for the flare-strength table /followup/table3 (ZTF paper §4, Table 3)")
          .composing()
          .include(&F::out, OutputOptions::optional_options());
  return table;
}

FollowupSettings followup_settings(const FollowupOptions& run) {
  FollowupSettings s;
  s.table_path = run.table;
  core::require_order("mag_min", run.mag_min, "mag_max", run.mag_max, /*strict=*/false);
  s.mags = followup::magnitude_grid(run.mag_min, run.mag_max, run.mag_step);
  s.curve_mags = followup::magnitude_grid(run.mag_min, run.mag_max, run.curve_step);
  if (run.evolution)
    s.evolutions = {followup::evolution_from_string(*run.evolution)};
  else
    s.evolutions.assign(ALL_EVOLUTIONS.begin(), ALL_EVOLUTIONS.end());
  s.config = run.config;
  s.ztf = followup::DetectionConfig::ztf();
  s.deep = followup::DetectionConfig::deep_survey(run.deep_limit_mag, run.deep_efficiency);
  s.ztf.epsilon0 = s.deep.epsilon0 = run.epsilon0;
  s.ztf.validate();
  s.deep.validate();
  s.survey = run.survey == Survey::ztf ? "ztf" : "deep";
  s.config.detection = run.survey == Survey::ztf ? s.ztf : s.deep;
  s.missing_signalness = run.selection.missing_signalness;
  s.galactic_cut = run.selection.galactic_cut;
  s.k_correction = run.k_correction;
  s.table_format = run.table_format == TableFormat::campaign ? "campaign"
                   : run.table_format == TableFormat::overview
                       ? "overview"
                       : io::followup_table_format(s.table_path);
  return s;
}

//! "SOURCE,ALERT_MJD,FILE" of --flare-lightcurve.
FlareStrengthRows flare_strength_rows(const std::string& spec) {
  const auto c1 = spec.find(',');
  const auto c2 = c1 == std::string::npos ? c1 : spec.find(',', c1 + 1);
  if (c2 == std::string::npos)
    throw core::FieldError("flare_lightcurve",
                           "expected SOURCE,ALERT_MJD,FILE, got \"" + spec + "\"");
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
    throw core::FieldError("flare_lightcurve", "alert MJD is not a finite number: \"" + mjd + "\"");
  const bool fits = lower(std::filesystem::path(out.file).extension().string()) == ".fits";
  const auto points =
      fits ? io::read_ztf_dr_fits(out.file) : io::read_ztf_forced_photometry(out.file);
  // ZTF paper §4: ±25 d window, "flaring" above 1.5.
  out.rows = followup::flare_strength(points, out.alert_mjd);
  return out;
}

FollowupResults followup_limits(const FollowupOptions& run, const FollowupSettings& s) {
  FollowupResults r;
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
  if (s.k_correction) {
    // The same rows with the K-corrected P_detectable (eq. 5) and eq. 7 on it.
    const followup::DetectionModel model(s.config.detection);
    for (auto e : s.evolutions) {
      const followup::RedshiftPdf pdf(e, s.config.redshift);
      for (auto& row : r.summary) {
        if (row.evolution != e)
          continue;
        row.p_detectable = followup::p_detectable_k_corrected(model, pdf, row.abs_mag, 1.0);
        row.p_no_counterpart_f1 =
            followup::p_no_counterpart(r.p_astro_obs, row.p_detectable, s.config.alert_repeat);
        row.f_limit = followup::f_limit(r.x_limit, row.p_detectable);
      }
    }
  }

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
  std::array<std::optional<double>, FIG18_REPEATS.size()> x_repeat;
  for (std::size_t k = 0; k < FIG18_REPEATS.size(); ++k)
    x_repeat[k] = followup::f_pdet_limit(r.p_astro_obs, s.config.cl, FIG18_REPEATS[k]);
  for (auto e : s.evolutions) {
    const followup::RedshiftPdf pdf(e, s.config.redshift);
    EvolutionCurves c;
    c.evolution = e;
    c.abs_mag = s.curve_mags;
    c.p_detectable_ztf = p_detectable_curve(ztf_model, pdf, s.curve_mags, s.k_correction);
    c.p_detectable_deep = p_detectable_curve(deep_model, pdf, s.curve_mags, s.k_correction);
    c.p_detectable = s.survey == "deep" ? c.p_detectable_deep : c.p_detectable_ztf;
    for (std::size_t j = 0; j < s.curve_mags.size(); ++j) {
      const double pd = c.p_detectable[j];
      c.nu_l_nu.push_back(
          followup::abs_mag_to_nu_l_nu_erg_s(s.curve_mags[j], s.config.wavelength_nm));
      c.p_no_f1.push_back(followup::p_no_counterpart(r.p_astro_obs, pd, s.config.alert_repeat));
      c.f_limit.push_back(or_nan(followup::f_limit(r.x_limit, pd)));
      for (std::size_t k = 0; k < FIG18_REPEATS.size(); ++k)
        c.f_limit_repeat[k].push_back(
            or_nan(followup::f_limit(x_repeat[k], c.p_detectable_ztf[j])));
      c.f_limit_ztf.push_back(or_nan(followup::f_limit(x_repeat[0], c.p_detectable_ztf[j])));
      c.f_limit_deep.push_back(or_nan(followup::f_limit(x_repeat[0], c.p_detectable_deep[j])));
    }
    r.curves.push_back(std::move(c));
  }

  if (run.not_followed_up) {
    const auto nf = io::read_overview_not_fu(*run.not_followed_up);
    r.rejections = followup::rejection_counts(nf);
    r.rejections_v2 = followup::rejection_counts(nf, 190617); // V2 alerts (ZTF paper §2)
  }
  for (const auto& spec : run.flare_lightcurve)
    r.table3.push_back(flare_strength_rows(spec));
  return r;
}

io::Table followup_summary_table(const FollowupResults& r) {
  using P = followup::LimitPoint;
  return io::make_table(
      r.summary, std::vector<io::ColumnOf<P>>{
                     {"evolution", "", "source evolution R(z) (eq. 3)",
                      [](const P& p) { return followup::to_string(p.evolution); }},
                     {"abs_mag", "AB mag", "absolute magnitude M", &P::abs_mag},
                     {"p_detectable", "", "P_detectable(M) (eq. 5)", &P::p_detectable, 4},
                     {"f_limit", "",
                      "f limit at CL as text (shortest round-trip); empty = unconstrained (eq. 7)",
                      [](const P& p) { return io::format_number(p.f_limit); }, 4},
                 });
}

void write_followup_archive(io::Archive& ar, const FollowupSettings& s, const FollowupResults& r) {
  ar.create_group("/followup");
  ar.set_attribute("/followup", "description",
                   "ZTF follow-up limits (ZTF paper §6, eq. 1-7); see docs/archive-format.md");
  ar.set_attribute("/followup", "table_format", s.table_format);
  ar.set_attribute("/followup", "grid", followup::to_string(s.config.redshift.mode));
  ar.set_attribute("/followup", "survey", s.survey);
  ar.set_attribute("/followup", "cl", s.config.cl);
  ar.set_attribute("/followup", "gamma", s.config.redshift.gamma);
  ar.set_attribute("/followup", "epsilon0", s.config.detection.epsilon0);
  ar.set_attribute("/followup", "k_correction", std::int64_t{s.k_correction ? 1 : 0});
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

  io::write_summary_table(ar, "/followup/summary", followup_summary_table(r));
  // table4: ZTF paper Table 4.
  using Row4 = followup::ProbabilityRow;
  io::write_summary_table(
      ar, "/followup/table4",
      io::make_table(r.table4, std::vector<io::ColumnOf<Row4>>{
                                   {"name", "", "alert name", &Row4::name},
                                   {"p_astro", "", "signalness (missing -> missing_signalness)",
                                    &Row4::p_astro, 4},
                                   {"p_obs", "", "0.9 A_obs / A_rect (eq. 1)", &Row4::p_obs, 4},
                                   {"product", "", "P_astro * P_obs", &Row4::product, 4},
                               }));
  if (!r.selection.empty()) {
    using Sel = std::pair<std::string, followup::Rejection>;
    io::write_summary_table(
        ar, "/followup/selection",
        io::make_table(r.selection,
                       std::vector<io::ColumnOf<Sel>>{
                           {"name", "", "alert name", &Sel::first},
                           {"rejection", "", "selection outcome (ZTF paper §2); none = used",
                            [](const Sel& s) { return followup::to_string(s.second); }},
                       }));
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
    // One group per figure and evolution, each with its magnitude axis.
    const auto curve_group = [&](const char* figure) {
      const std::string g = std::string(figure) + "/" + followup::to_string(c.evolution);
      ar.create_group(g);
      ar.write_vector(g + "/abs_mag", c.abs_mag, "AB mag", "absolute magnitude M");
      return g;
    };
    const std::string g = curve_group("/followup/curves");
    ar.write_vector(g + "/nu_l_nu", c.nu_l_nu, "erg/s", "nu L_nu at 470 nm (Fig. 17 top axis)");
    ar.write_vector(g + "/p_detectable", c.p_detectable, "", "P_detectable(M) (eq. 5)");
    ar.write_vector(g + "/p_no_f1", c.p_no_f1, "", "P_no_counterpart(M, f = 1) (eq. 7, Fig. 16)");
    ar.write_vector(g + "/f_limit", c.f_limit, "", "f at CL (Fig. 17); NaN = unconstrained");
    const std::string g18 = curve_group("/followup/fig18");
    for (std::size_t k = 0; k < FIG18_REPEATS.size(); ++k) {
      const std::string x = std::to_string(FIG18_REPEATS[k]);
      ar.write_vector(g18 + "/f_limit_x" + x, c.f_limit_repeat[k], "",
                      "f at CL, ZTF (eq. 2), alerts repeated x" + x + "; NaN = unconstrained");
    }
    const std::string g19 = curve_group("/followup/fig19");
    ar.write_vector(g19 + "/p_detectable_ztf", c.p_detectable_ztf, "", "P_det, ZTF (eq. 2)");
    ar.write_vector(g19 + "/f_limit_ztf", c.f_limit_ztf, "", "f at CL, ZTF; NaN = unconstrained");
    ar.write_vector(g19 + "/p_detectable_deep", c.p_detectable_deep, "", "P_det, deep survey");
    ar.write_vector(g19 + "/f_limit_deep", c.f_limit_deep, "",
                    "f at CL, deep survey; NaN = unconstrained");
  }
  if (!r.rejections.empty()) {
    using RC = followup::RejectionCount;
    const auto since_v2 = [&](const RC& rc) {
      for (const auto& x : r.rejections_v2)
        if (x.code == rc.code && x.reason == rc.reason)
          return static_cast<std::int64_t>(x.count);
      return std::int64_t{0};
    };
    io::write_summary_table(
        ar, "/followup/rejections",
        io::make_table(r.rejections,
                       std::vector<io::ColumnOf<RC>>{
                           {"code", "", "rejection code of the sheet", &RC::code},
                           {"reason", "", "rejection reason", &RC::reason},
                           {"count", "", "alerts not followed up for this reason", &RC::count},
                           {"count_v2", "", "the same since IC190617 (V2 alerts)", since_v2},
                       }));
  }
  if (!r.table3.empty()) {
    struct Row3 {
      const FlareStrengthRows* fs;
      const followup::FlareStrength* row;
    };
    std::vector<Row3> rows;
    for (const auto& fs : r.table3)
      for (const auto& row : fs.rows)
        rows.push_back({&fs, &row});
    const std::string flux = "erg cm^-2 s^-1";
    io::write_summary_table(
        ar, "/followup/table3",
        io::make_table(
            rows,
            std::vector<io::ColumnOf<Row3>>{
                {"source", "", "source name", [](const Row3& x) { return x.fs->source; }},
                {"alert_mjd", "d", "neutrino alert time [MJD]",
                 [](const Row3& x) { return x.fs->alert_mjd; }, 10},
                {"band", "", "ZTF filter", [](const Row3& x) { return x.row->band; }},
                {"n_window", "", "points within +-25 d of the alert",
                 [](const Row3& x) { return x.row->n_window; }},
                {"n_total", "", "points over the whole baseline",
                 [](const Row3& x) { return x.row->n_total; }},
                {"window_median", flux, "median nuF_nu in the window",
                 [](const Row3& x) { return x.row->window_median; }},
                {"baseline_median", flux, "median nuF_nu overall",
                 [](const Row3& x) { return x.row->baseline_median; }},
                {"ratio", "", "window / baseline median (ZTF paper Table 3)",
                 [](const Row3& x) { return x.row->ratio; }, 3},
                {"flaring", "", "1 when ratio > 1.5", [](const Row3& x) { return x.row->flaring; }},
            }));
  }
}

} // namespace nuflare::campaign
