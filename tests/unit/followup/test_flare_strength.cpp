// AGN flare strength (ZTF paper §4, Table 3), on light curves read by
// io/ztf_photometry.hpp (whose own tests are tests/unit/io/test_ztf_photometry.cpp).
#include "nuflare/followup/flare_strength.hpp"

#include "nuflare/core/error.hpp"

#include "nuflare_catch.hpp"

#include <cmath>
#include <iostream>

using namespace nuflare::followup;
using nuflare::io::PhotometryPoint;
using nuflare::io::read_ztf_dr_fits;
using nuflare::io::read_ztf_forced_photometry;

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

TEST_CASE("median", "[followup][flare]") {
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
