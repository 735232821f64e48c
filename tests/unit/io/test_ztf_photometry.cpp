// ZTF light-curve readers (io/ztf_photometry.hpp): forced photometry and the
// data-release FITS tables, and the AB-magnitude to νF_ν conversion they use.
#include "nuflare/io/ztf_photometry.hpp"

#include "nuflare/core/error.hpp"

#include "nuflare_catch.hpp"

#include <cmath>
#include <fstream>

using namespace nuflare::io;

TEST_CASE("AB magnitude to nu F_nu", "[io][ztf]") {
  // m = 0 AB at 472.27 nm: 3630.78 Jy * c / lambda.
  CHECK(ab_mag_to_nu_f_nu(0.0, 472.27) ==
        Approx(3630.7805477010033e-23 * 2.99792458e17 / 472.27).epsilon(1e-9));
  CHECK(ab_mag_to_nu_f_nu(17.5, 600.0) == Approx(ab_mag_to_nu_f_nu(15.0, 600.0) / 10.0));
  CHECK(ztf_wavelength_nm("r") == Approx(633.96));
  CHECK_THROWS_AS(ztf_wavelength_nm("u"), nuflare::core::ConfigError);
}

TEST_CASE("forced-photometry reader: bad input", "[io][ztf][bad-input]") {
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
