// nuflare followup: limits on the fraction of neutrino sources with an optical
// counterpart brighter than M (ZTF paper §6, eq. 1–7, Table 4,
// Fig. 14–19). Parses, reads the alert table, calls nuflare::followup, prints
// the table on rank 0 and, with --output, writes every curve into the archive.
// The computation is cheap (≈ ms), so every rank computes it all; only the
// archive calls are collective and only rank 0 prints.
#include "cli.hpp"

#include "nuflare/campaign/followup_run.hpp"
#include "nuflare/followup/detection.hpp"
#include "nuflare/followup/redshift.hpp"
#include "nuflare/io/tables.hpp"

#include <algorithm>
#include <array>
#include <iostream>
#include <limits>
#include <vector>

namespace nuflare::app {

namespace {

//! P_detectable(M) of eq. 5 for many M with one redshift PDF. Local helper: the
//! library's DetectionModel::p_detectable recomputes the grid's D_L table on
//! every call in stein2023 mode (≈ 0.3 ms), which dominated the Fig. 16–19
//! curves; here that table is made once per PDF and the rest of
//! DetectionModel::cumulative_detection is repeated operation for operation,
//! so the numbers are the library's (the regression test compares them bit
//! for bit with limit_curve). Exact mode calls the library directly.
std::vector<double> p_detectable_many(const followup::DetectionModel& model,
                                      const followup::RedshiftPdf& pdf,
                                      const std::vector<double>& abs_mags) {
  std::vector<double> out;
  out.reserve(abs_mags.size());
  if (pdf.mode() == followup::GridMode::exact) {
    for (double m : abs_mags)
      out.push_back(model.p_detectable(pdf, m));
    return out;
  }
  const auto& z_grid = pdf.grid_z();
  auto dl_grid = model.cosmology().comoving_distances_mpc(z_grid);
  for (std::size_t i = 0; i < dl_grid.size(); ++i)
    dl_grid[i] *= 1.0 + z_grid[i];
  const double cdf0 = pdf.cdf(0.0);
  for (double m : abs_mags) {
    // eq. 5 with a step ε: ε₀ Σ_k e_k [CDF(z_k) − CDF(z_{k−1})], z_k from numpy.interp in D_L.
    double total = 0.0, z_prev = 0.0, cdf_prev = cdf0;
    for (const auto& step : model.config().steps) {
      const double dl_max = followup::DetectionModel::max_luminosity_distance_mpc(m, step.m_max);
      const double z_k = std::min(followup::interp_clamped(dl_max, dl_grid, z_grid), pdf.z_max());
      if (z_k > z_prev) {
        const double cdf_k = pdf.cdf(z_k);
        total += step.efficiency * (cdf_k - cdf_prev);
        cdf_prev = cdf_k;
        z_prev = z_k;
      }
    }
    out.push_back(model.config().epsilon0 * total);
  }
  return out;
}

//! The run's results: the library's (campaign::followup_limits) and the
//! curves of Fig. 16–19 on the curve grid.
campaign::FollowupResults compute(const campaign::FollowupOptions& run,
                                  const campaign::FollowupSettings& s) {
  using F = io::InputFormat;
  const FormatHints hints{
      {{s.table_path, s.table_format == "campaign" ? F::followup_campaign : F::ztf_overview}},
      {{F::ztf_overview, "--table-format overview"},
       {F::followup_campaign, "--table-format campaign"}}};
  auto r = with_hints(hints, [&] { return campaign::followup_limits(run, s); });

  // Fig. 16–19 on the curve grid: P_det once per survey (ZTF eq. 2, the deep
  // survey of Fig. 19), then eq. 7 for the run's repeat factor and for ×1/×2/×4.
  const followup::DetectionModel ztf_model(s.ztf), deep_model(s.deep);
  const int run_repeat = s.config.alert_repeat;
  const auto x_run = r.x_limit;
  std::array<std::optional<double>, campaign::FIG18_REPEATS.size()> x_repeat;
  for (std::size_t k = 0; k < campaign::FIG18_REPEATS.size(); ++k)
    x_repeat[k] = followup::f_pdet_limit(r.p_astro_obs, s.config.cl, campaign::FIG18_REPEATS[k]);
  // f = x/P_det when that is ≤ 1, else unconstrained (eq. 7; as limits.hpp limit_curve).
  auto f_of = [](const std::optional<double>& x, double p_det) {
    return x && p_det > 0 && *x <= p_det ? *x / p_det : std::numeric_limits<double>::quiet_NaN();
  };
  for (auto e : s.evolutions) {
    const followup::RedshiftPdf pdf(e, s.config.redshift);
    campaign::EvolutionCurves c;
    c.evolution = e;
    c.abs_mag = s.curve_mags;
    c.p_detectable_ztf = p_detectable_many(ztf_model, pdf, s.curve_mags);
    c.p_detectable_deep = p_detectable_many(deep_model, pdf, s.curve_mags);
    c.p_detectable = s.survey == "deep" ? c.p_detectable_deep : c.p_detectable_ztf;
    for (std::size_t j = 0; j < s.curve_mags.size(); ++j) {
      const double pd = c.p_detectable[j];
      c.nu_l_nu.push_back(
          followup::abs_mag_to_nu_l_nu_erg_s(s.curve_mags[j], s.config.wavelength_nm));
      c.p_no_f1.push_back(followup::p_no_counterpart(r.p_astro_obs, pd, run_repeat));
      c.f_limit.push_back(f_of(x_run, pd));
      for (std::size_t k = 0; k < campaign::FIG18_REPEATS.size(); ++k)
        c.f_limit_repeat[k].push_back(f_of(x_repeat[k], c.p_detectable_ztf[j]));
      c.f_limit_ztf.push_back(f_of(x_repeat[0], c.p_detectable_ztf[j]));
      c.f_limit_deep.push_back(f_of(x_repeat[0], c.p_detectable_deep[j]));
    }
    r.curves.push_back(std::move(c));
  }

  return r;
}

} // namespace

int run_followup(Invocation& inv, const campaign::FollowupOptions& run) {
  // Options, inputs and every number first: bad input fails before any archive exists.
  const auto s = campaign::followup_settings(run);
  std::optional<campaign::RunOutput> output;
  if (inv.has("output"))
    output.emplace(claim_output(inv));
  const auto r = compute(run, s);

  if (output) {
    std::vector<std::filesystem::path> inputs{s.table_path};
    if (run.not_followed_up)
      inputs.emplace_back(*run.not_followed_up);
    for (const auto& fs : r.table3)
      inputs.emplace_back(fs.file);
    output->write(inv.run_info(0, inputs), inv.comm,
                  [&](io::Archive& archive) { campaign::write_followup_archive(archive, s, r); });
  }
  if (inv.prints())
    io::print_csv(std::cout, campaign::followup_summary_table(r));
  return 0;
}

Command followup_command() {
  return make_command(
      "followup", "limits on neutrino-source counterparts from optical follow-up (ZTF paper §6)",
      campaign::FollowupOptions::options, run_followup,
      "--table OVERVIEW.csv [--evolution sfr|grb|blazar|madau] [--cl 0.9] "
      "[--mag-min -27] [--mag-max -15] [--mag-step 0.5] [--output RUN.h5]",
      "evolution,abs_mag,p_detectable,f_limit (f_limit empty when unconstrained)");
}

} // namespace nuflare::app
