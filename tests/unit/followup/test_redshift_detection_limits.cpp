// Redshift PDFs, P_detectable and f limits (ZTF paper §6, eq. 2–7) against
// ../shared/ORACLES.md "ZTF follow-up" and the paper's printed numbers.
#include "nuflare/followup/alert_statistics.hpp"
#include "nuflare/followup/detection.hpp"
#include "nuflare/followup/limits.hpp"
#include "nuflare/followup/redshift.hpp"

#include "nuflare/core/error.hpp"
#include "nuflare/io/ztf_tables.hpp"

#include "nuflare_catch.hpp"

#include <cmath>

using namespace nuflare::followup;

namespace {

RedshiftConfig grid_config() {
  RedshiftConfig c;
  c.mode = GridMode::stein2023;
  return c;
}

// P_astro·P_obs of the 24 alerts, read from the real table (empty when absent).
std::vector<double> real_products() {
  const auto path = nuflare::test::data_file("nuztfpaper/followup_xlsx_as_csv/OVERVIEW_FU.csv");
  if (!std::filesystem::exists(path))
    return {};
  const auto alerts = nuflare::io::read_overview_fu(path.string());
  const auto rows = probability_table(alerts, 0.5);
  return products(rows);
}

double f90(const std::vector<double>& p, Evolution e, double mag, const RedshiftConfig& rc) {
  const RedshiftPdf pdf(e, rc);
  const DetectionModel det;
  const auto f = f_limit(p, det.p_detectable(pdf, mag), 0.9);
  REQUIRE(f.has_value());
  return *f;
}

} // namespace

TEST_CASE("source evolutions are normalised at z = 0", "[followup][redshift]") {
  for (auto e : {Evolution::sfr, Evolution::grb, Evolution::blazar, Evolution::madau})
    CHECK(source_evolution(e, 0.0) == Approx(1.0));
  // GRB broken power law is continuous at z = 3.6 (Lien et al. 2014).
  CHECK(source_evolution(Evolution::grb, 3.6 - 1e-12) ==
        Approx(source_evolution(Evolution::grb, 3.6)).epsilon(1e-9));
  // Blazar PDE k_d depends on L_γ: k_d(10^47) = 12.14 + 2.79.
  CHECK(source_evolution(Evolution::blazar, 1.0, 47.0) ==
        Approx(std::pow(2.0, 12.14 + 2.79) * std::exp(-1.0 / 0.15)));
  CHECK(evolution_from_string("GRB") == Evolution::grb);
  CHECK_THROWS_AS(evolution_from_string("tde"), nuflare::core::ConfigError);
  CHECK(grid_mode_from_string("stein2023") == GridMode::stein2023);
}

TEST_CASE("exact medians of P_dist (ORACLES.md)", "[followup][redshift]") {
  CHECK(RedshiftPdf(Evolution::sfr).median() == Approx(0.625).margin(0.0005));
  CHECK(RedshiftPdf(Evolution::grb).median() == Approx(1.331).margin(0.0005));
  CHECK(RedshiftPdf(Evolution::blazar).median() == Approx(0.553).margin(0.0005));
  const RedshiftPdf sfr(Evolution::sfr);
  CHECK(sfr.cdf(0.0) == 0.0);
  CHECK(sfr.cdf(8.0) == 1.0);
  CHECK(sfr.cdf(sfr.median()) == Approx(0.5).epsilon(1e-10));
}

TEST_CASE("stein2023 grid medians: paper's 0.64, 1.34 (ORACLES.md grid)", "[followup][redshift]") {
  const auto rc = grid_config();
  CHECK(RedshiftPdf(Evolution::sfr, rc).median() == Approx(0.636).margin(1e-9));
  CHECK(RedshiftPdf(Evolution::grb, rc).median() == Approx(1.340).margin(1e-9));
  CHECK(RedshiftPdf(Evolution::blazar, rc).median() == Approx(0.564).margin(1e-9));
  const RedshiftPdf g(Evolution::sfr, rc);
  REQUIRE(g.grid_z().size() == 1000);
  CHECK(g.grid_z().front() == Approx(0.004));
  CHECK(g.grid_cdf().front() == 0.0); // exclusive cumulative sum
}

TEST_CASE("selection efficiency is the step of eq. 2", "[followup][detection]") {
  const DetectionConfig c;
  CHECK(selection_efficiency(c, 18.0) == Approx(0.95));
  CHECK(selection_efficiency(c, 19.5) == Approx(0.95));
  CHECK(selection_efficiency(c, 20.0) == Approx(0.95 * 0.68));
  CHECK(selection_efficiency(c, 21.0) == Approx(0.95 * 0.68));
  CHECK(selection_efficiency(c, 21.01) == 0.0);
  const auto deep = DetectionConfig::deep_survey();
  CHECK(selection_efficiency(deep, 23.9) == Approx(0.95 * 0.6));
  CHECK(selection_efficiency(deep, 24.1) == 0.0);
  DetectionConfig bad;
  bad.steps = {{21.0, 0.68}, {19.5, 1.0}};
  CHECK_THROWS_AS(DetectionModel(bad), nuflare::core::ConfigError);
}

TEST_CASE("P_detectable agrees with direct quadrature of eq. 5", "[followup][detection]") {
  // Independent check: midpoint rule on a fine grid of ε(m(M,z)) P_dist(z).
  const RedshiftPdf pdf(Evolution::sfr);
  const DetectionModel det;
  for (double mag : {-17.0, -21.0, -24.0}) {
    const int n = 20000;
    const double dz = 8.0 / n;
    double sum = 0;
    for (int i = 0; i < n; ++i) {
      const double z = (i + 0.5) * dz;
      const double m = det.apparent_magnitude(mag, z);
      if (m > 21.0)
        break; // ε = 0 beyond, and m grows with z
      sum += selection_efficiency(det.config(), m) * pdf.density(z) * dz;
    }
    CHECK(det.p_detectable(pdf, mag) == Approx(sum).margin(3e-4));
  }
  // Brighter sources are more detectable; P_det <= ε₀.
  CHECK(det.p_detectable(pdf, -26.0) > det.p_detectable(pdf, -21.0));
  CHECK(det.p_detectable(pdf, -40.0) == Approx(0.95).epsilon(1e-9));
  CHECK(det.cumulative_detection(pdf, -21.0, 0.1) < det.p_detectable(pdf, -21.0));
}

TEST_CASE("P_detectable of a magnitude grid equals the one-magnitude form",
          "[followup][detection]") {
  // The grid form shares the PDF's D_L table and repeated thresholds; it must
  // not change a number (the archive curves of `nuflare followup` use it).
  const auto mode = GENERATE(GridMode::exact, GridMode::stein2023);
  RedshiftConfig rc;
  rc.mode = mode;
  // The CLI's curve grid, plus magnitudes given twice, out of order, and so
  // bright that every step reaches z_max (P_det = ε₀).
  auto mags = magnitude_grid(-27.0, -15.0, mode == GridMode::exact ? 0.1 : 0.5);
  for (double m : {-21.0, -25.55, -21.0, -40.0, -16.05})
    mags.push_back(m);
  DetectionConfig three_steps;
  three_steps.epsilon0 = 0.8;
  three_steps.steps = {{19.0, 1.0}, {20.5, 0.7}, {22.0, 0.3}};
  for (const auto& config :
       {DetectionConfig::ztf(), DetectionConfig::deep_survey(24.0, 0.6), three_steps}) {
    const DetectionModel det(config);
    for (auto e : {Evolution::sfr, Evolution::grb, Evolution::blazar, Evolution::madau}) {
      const RedshiftPdf pdf(e, rc);
      const auto grid = det.p_detectable(pdf, mags);
      REQUIRE(grid.size() == mags.size());
      int differ = 0;
      double worst = 0;
      for (std::size_t j = 0; j < mags.size(); ++j) {
        const double one = det.p_detectable(pdf, mags[j]);
        differ += grid[j] != one;
        worst = std::max(worst, std::abs(grid[j] - one));
      }
      INFO(to_string(e) << " " << to_string(mode));
      CHECK(worst <= 1e-12);
      CHECK(differ == 0); // bit for bit, in fact
    }
    CHECK(det.p_detectable(RedshiftPdf(Evolution::sfr, rc), std::vector<double>{}).empty());
  }
}

TEST_CASE("the f limit from one root for every P_det", "[followup][limits]") {
  const std::vector<double> p{0.5, 0.5, 0.3};
  const auto x = f_pdet_limit(p, 0.7);
  REQUIRE(x);
  for (double p_det : {0.0, 0.1, *x, 0.6, 0.95, 1.0}) {
    INFO(p_det);
    const auto one = f_limit(x, p_det);
    const auto direct = f_limit(p, p_det, 0.7);
    REQUIRE(one.has_value() == direct.has_value());
    if (one)
      CHECK(*one == *direct);
    CHECK(one.has_value() == (p_det >= *x && p_det > 0)); // f = x / P_det ≤ 1
  }
  CHECK(*f_limit(x, *x) == 1.0);
  CHECK_FALSE(f_limit(std::nullopt, 0.5)); // no root: unconstrained at any P_det
}

TEST_CASE("P_no_counterpart and the f·P_det limit (synthetic)", "[followup][limits]") {
  const std::vector<double> p{0.5, 0.5};
  CHECK(p_no_counterpart(p, 1.0) == Approx(0.25));
  CHECK(p_no_counterpart(p, 0.5) == Approx(0.5625));
  CHECK(p_no_counterpart(p, 1.0, 2) == Approx(0.0625));
  // (1 - x/2)^2 = 0.1 -> x = 2 (1 - sqrt(0.1)); unconstrained for CL 0.9.
  CHECK_FALSE(f_pdet_limit(p, 0.9).has_value());
  const auto x = f_pdet_limit(p, 0.7);
  REQUIRE(x);
  CHECK(*x == Approx(2.0 * (1.0 - std::sqrt(0.3))).epsilon(1e-12));
  CHECK_FALSE(f_limit(p, 0.5, 0.7).has_value()); // x / P_det > 1
  CHECK(*f_limit(p, 1.0, 0.7) == Approx(*x));
  CHECK_THROWS_AS(f_pdet_limit(p, 1.5), nuflare::core::ConfigError);
  // νL_ν at 470 nm, astropy: (M*u.ABmag).to(u.Jy) * c/λ * 4π (10 pc)² (the notebook's
  // abs_mag_to_lum): 2.770982604846628e35 erg/s for M = 0, 6.960393607063322e45 for M = -26.
  CHECK(abs_mag_to_nu_l_nu_erg_s(0.0) == Approx(2.770982604846628e35).epsilon(1e-9));
  CHECK(abs_mag_to_nu_l_nu_erg_s(-26.0) == Approx(6.960393607063322e45).epsilon(1e-9));
  CHECK(abs_mag_to_nu_l_nu_erg_s(-5.0) == Approx(100.0 * abs_mag_to_nu_l_nu_erg_s(0.0)));
  const auto mags = magnitude_grid(-27, -15, 0.5);
  CHECK(mags.size() == 25);
  CHECK(mags.back() == Approx(-15.0));
}

TEST_CASE("regression: probabilities and f·P_det limits of the 24 alerts (ORACLES.md)",
          "[followup][limits][regression][data]") {
  NUFLARE_REQUIRE_DATA(nuflare::test::data_file("nuztfpaper/followup_xlsx_as_csv/OVERVIEW_FU.csv"));
  const auto p = real_products();
  REQUIRE(p.size() == 24);
  double sum = 0;
  for (double x : p)
    sum += x;
  // Σ P_obs·P_astro is 8.9025 in ORACLES (P_obs = 0.9 A_obs/A_rect, eq. 1).
  CHECK(sum == Approx(8.9025).margin(5e-5));
  CHECK(p_no_counterpart(p, 1.0) == Approx(5.23022685e-6).epsilon(1e-8));
  CHECK(p_no_counterpart(p, 0.5) == Approx(0.0063935).epsilon(1e-4));
  CHECK(*f_pdet_limit(p, 0.9) == Approx(0.2441898).margin(5e-8));
  CHECK(*f_pdet_limit(p, 0.68) == Approx(0.124403).margin(5e-7));
}

TEST_CASE("regression: exact f90 limits (ORACLES.md, ±0.002)",
          "[followup][limits][regression][data]") {
  NUFLARE_REQUIRE_DATA(nuflare::test::data_file("nuztfpaper/followup_xlsx_as_csv/OVERVIEW_FU.csv"));
  const auto p = real_products();
  const RedshiftConfig exact;
  CHECK(f90(p, Evolution::sfr, -21, exact) == Approx(0.858).margin(0.002));
  CHECK(f90(p, Evolution::sfr, -22, exact) == Approx(0.576).margin(0.002));
  CHECK(f90(p, Evolution::blazar, -26, exact) == Approx(0.259).margin(0.002));
  CHECK(f90(p, Evolution::grb, -23, exact) == Approx(0.744).margin(0.002));
  const RedshiftPdf grb(Evolution::grb);
  const DetectionModel det;
  CHECK_FALSE(f_limit(p, det.p_detectable(grb, -22), 0.9).has_value()); // unconstrained
}

TEST_CASE("regression: stein2023 grid reproduces the paper's 87%, 58%, 26% (±0.001)",
          "[followup][limits][regression][data]") {
  NUFLARE_REQUIRE_DATA(nuflare::test::data_file("nuztfpaper/followup_xlsx_as_csv/OVERVIEW_FU.csv"));
  const auto p = real_products();
  const auto rc = grid_config();
  const double sfr21 = f90(p, Evolution::sfr, -21, rc);
  const double sfr22 = f90(p, Evolution::sfr, -22, rc);
  const double blz26 = f90(p, Evolution::blazar, -26, rc);
  CHECK(sfr21 == Approx(0.868).margin(0.001));
  CHECK(sfr22 == Approx(0.581).margin(0.001));
  CHECK(blz26 == Approx(0.259).margin(0.001));
  // The paper prints percentages to the digit (§6): 87, 58, 26.
  CHECK(std::lround(100 * sfr21) == 87);
  CHECK(std::lround(100 * sfr22) == 58);
  CHECK(std::lround(100 * blz26) == 26);
}

TEST_CASE("limit_curve: the entry point per evolution and magnitude", "[followup][limits][data]") {
  NUFLARE_REQUIRE_DATA(nuflare::test::data_file("nuztfpaper/followup_xlsx_as_csv/OVERVIEW_FU.csv"));
  const auto p = real_products();
  const std::vector<Evolution> evo{Evolution::sfr, Evolution::grb};
  const std::vector<double> mags{-22.0, -21.0};
  FollowupConfig cfg;
  const auto rows = limit_curve(p, evo, mags, cfg);
  REQUIRE(rows.size() == 4);
  CHECK(rows[0].evolution == Evolution::sfr);
  CHECK(rows[0].abs_mag == -22.0);
  REQUIRE(rows[0].f_limit);
  CHECK(*rows[0].f_limit == Approx(0.576).margin(0.002));
  CHECK_FALSE(rows[2].f_limit); // GRB at −22: unconstrained
  CHECK(rows[1].p_no_counterpart_f1 == Approx(p_no_counterpart(p, rows[1].p_detectable)));
  // Fig. 18: twice the sample tightens the limit; Fig. 19: a deeper survey helps faint M.
  FollowupConfig twice = cfg;
  twice.alert_repeat = 2;
  const auto rows2 = limit_curve(p, evo, mags, twice);
  CHECK(*rows2[0].f_limit < *rows[0].f_limit);
  FollowupConfig deep = cfg;
  deep.detection = DetectionConfig::deep_survey();
  const std::vector<double> faint{-18.0};
  const std::vector<Evolution> sfr{Evolution::sfr};
  CHECK(limit_curve(p, sfr, faint, deep)[0].p_detectable >
        limit_curve(p, sfr, faint, cfg)[0].p_detectable);
}
