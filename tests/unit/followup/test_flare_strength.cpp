// AGN flare strength (ZTF paper §4, Table 3) and the ZTF light-curve readers.
#include "nuflare/followup/flare_strength.hpp"

#include "nuflare/core/error.hpp"

#include "nuflare_catch.hpp"

#include <cmath>
#include <fstream>
#include <iostream>

using namespace nuflare::followup;

namespace {

// Neutrino arrival times: IC190730A from IceCat-1 (EVENTMJD); IC200107A from
// GCN 26655 (2020-01-07 09:42:18.36 UT).
constexpr double IC190730A_MJD = 58694.86853369251;
constexpr double IC200107A_MJD = 58855.40438;

std::string lc(const std::string& name) {
  return nuflare::test::data_file("nuztfpaper/ztf_lightcurves/" + name).string();
}

void print(const std::string& source, const std::vector<FlareStrength>& rows) {
  for (const auto& r : rows)
    std::cout << source << " " << r.band << " n_window=" << r.n_window << " n_total=" << r.n_total
              << " inst=" << r.window_median * 1e13 << "e-13 med=" << r.baseline_median * 1e13
              << "e-13 ratio=" << r.ratio << (r.flaring ? " FLARING" : "") << "\n";
}

} // namespace

TEST_CASE("AB magnitude to nu F_nu", "[followup][flare]") {
  // m = 0 AB at 472.27 nm: 3630.78 Jy * c / lambda.
  CHECK(ab_mag_to_nu_f_nu(0.0, 472.27) ==
        Approx(3630.7805477010033e-23 * 2.99792458e17 / 472.27).epsilon(1e-9));
  CHECK(ab_mag_to_nu_f_nu(17.5, 600.0) == Approx(ab_mag_to_nu_f_nu(15.0, 600.0) / 10.0));
  CHECK(ztf_wavelength_nm("r") == Approx(633.96));
  CHECK_THROWS_AS(ztf_wavelength_nm("u"), nuflare::core::ConfigError);
  CHECK(median({3.0, 1.0, 2.0}) == 2.0);
  CHECK(median({4.0, 1.0, 2.0, 3.0}) == 2.5);
}

TEST_CASE("flare strength: window median over baseline median", "[followup][flare]") {
  std::vector<PhotometryPoint> pts;
  for (int d = 0; d < 400; d += 4)
    pts.push_back({58000.0 + d, "g", 1.0});
  for (int d = 181; d <= 221; d += 4)
    pts.push_back({58000.0 + d, "g", 2.0});
  pts.push_back({58200.0, "r", 5.0});
  const auto rows = flare_strength(pts, 58200.0);
  REQUIRE(rows.size() == 2);
  CHECK(rows[0].band == "g");
  CHECK(rows[0].n_window == 13 + 11);
  CHECK(rows[0].baseline_median == 1.0);
  CHECK(rows[0].window_median == Approx(1.0)); // 13 ones, 11 twos
  CHECK_FALSE(rows[0].flaring);
  const auto later = flare_strength(pts, 58200.0, 25.0, 0.9);
  CHECK(later[0].flaring);
  CHECK(rows[1].band == "r");
  CHECK(rows[1].ratio == 1.0);
  // Without points in the window the ratio is NaN and not flaring.
  const auto none = flare_strength(pts, 70000.0);
  CHECK(std::isnan(none[0].ratio));
  CHECK_FALSE(none[0].flaring);
}

TEST_CASE("forced-photometry reader: bad input", "[followup][flare][bad-input]") {
  const auto dir = nuflare::test::temp_dir("fu_fp_bad");
  const std::string head = "# comment\n# more\n index, filter, jd, forcediffimflux, zpdiff, "
                           "nearestrefmag, procstatus, infobitssci\n";
  {
    std::ofstream(dir / "ok.txt") << head << " 0 ZTF_g 2458202.75 10.0 26.3 19.8 0 0\n"
                                  << " 1 ZTF_r 2458203.75 -99999 26.3 19.8 0 0\n"
                                  << " 2 ZTF_r 2458204.75 5.0 26.3 19.8 56 0\n";
    const auto pts = read_ztf_forced_photometry((dir / "ok.txt").string());
    REQUIRE(pts.size() == 1);
    CHECK(pts[0].mjd == Approx(58202.25));
    const double total = 10.0 + std::pow(10.0, 0.4 * (26.3 - 19.8));
    CHECK(pts[0].nu_f_nu_erg_cm2_s ==
          Approx(ab_mag_to_nu_f_nu(26.3 - 2.5 * std::log10(total), 472.27)));
  }
  std::ofstream(dir / "bad.txt") << head << " 0 ZTF_g 2458202.75 1x0 26.3 19.8 0 0\n";
  try {
    (void)read_ztf_forced_photometry((dir / "bad.txt").string());
    FAIL("no error");
  } catch (const nuflare::core::InputError& e) {
    CHECK(e.line() == 4);
    CHECK(e.field() == "column 4 (forcediffimflux)");
  }
  std::ofstream(dir / "cols.txt") << head << " 0 ZTF_g 2458202.75 10 26.3 19.8 0\n";
  CHECK_THROWS_AS(read_ztf_forced_photometry((dir / "cols.txt").string()),
                  nuflare::core::InputError);
  std::ofstream(dir / "missing.txt") << "# c\n index, filter, jd\n 0 ZTF_g 2458202.75\n";
  try {
    (void)read_ztf_forced_photometry((dir / "missing.txt").string());
    FAIL("no error");
  } catch (const nuflare::core::InputError& e) {
    CHECK(e.line() == 2);
    CHECK(e.field() == "forcediffimflux");
  }
  std::ofstream(dir / "empty.txt") << "# only comments\n";
  CHECK_THROWS_AS(read_ztf_forced_photometry((dir / "empty.txt").string()),
                  nuflare::core::InputError);
  CHECK_THROWS_AS(read_ztf_dr_fits((dir / "absent.fits").string()), nuflare::core::InputError);
}

TEST_CASE("regression: PKS 1502+106 and BZB J0955+3551 do not flare (§5)",
          "[followup][flare][regression][data]") {
  const auto fp_bzb = lc("forcedphotometry_req00048975_lc.txt");
  const auto fp_pks = lc("forcedphotometry_req00048976_lc.txt");
  NUFLARE_REQUIRE_DATA(fp_bzb);
  NUFLARE_REQUIRE_DATA(fp_pks);
  const auto bzb = read_ztf_forced_photometry(fp_bzb);
  const auto pks = read_ztf_forced_photometry(fp_pks);
  CHECK(bzb.size() > 600);
  CHECK(pks.size() > 600);
  const auto t_bzb = flare_strength(bzb, IC200107A_MJD);
  const auto t_pks = flare_strength(pks, IC190730A_MJD);
  print("BZB_J0955+3551(forced)", t_bzb);
  print("PKS_1502+106(forced)", t_pks);
  for (const auto& r : t_bzb)
    CHECK_FALSE(r.flaring);
  for (const auto& r : t_pks)
    CHECK_FALSE(r.flaring);
  // The data-release light curves (FITS) tell the same story.
  const auto dr_pks = read_ztf_dr_fits(lc("lc.fits"));
  const auto dr_bzb = read_ztf_dr_fits(lc("bzb.fits"));
  CHECK(dr_pks.size() == 457); // catflags == 0
  CHECK(dr_bzb.size() == 629);
  print("PKS_1502+106(DR)", flare_strength(dr_pks, IC190730A_MJD));
  print("BZB_J0955+3551(DR)", flare_strength(dr_bzb, IC200107A_MJD));
  const auto bzq = read_ztf_dr_fits(lc("BZQJ0253+0006.fits"));
  CHECK(bzq.size() == 78);
}
