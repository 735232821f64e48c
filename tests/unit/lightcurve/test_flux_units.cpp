// Flux units (docs/methods.md, Flux units; docs/input-formats.md): readers set
// each curve's unit, the upper-limit replacement ul_flux has one, and Fermi LCR
// photon fluxes convert to energy fluxes with each bin's photon index.
#include "nuflare_catch.hpp"

#include "nuflare/core/validation.hpp"
#include "nuflare/io/lightcurves.hpp"
#include "nuflare/lightcurve/analyse.hpp"
#include "nuflare/lightcurve/prepare.hpp"

#include <algorithm>
#include <cmath>
#include <fstream>

using namespace nuflare;
using namespace nuflare::lightcurve;

namespace {

io::LightCurve curve_in(const std::string& unit) {
  io::LightCurve c;
  c.source = "S";
  c.band = "fermi";
  c.flux_unit = unit;
  c.mjd = {55000, 55010, 55020, 55030, 55040, 55050, 55060, 55070};
  c.flux = {2e-7, 3e-7, 5e-8, 2.5e-7, 2e-7, 9e-7, 8e-7, 2.2e-7};
  c.flux_err = {1e-8, 1e-8, 0, 1e-8, 1e-8, 2e-8, 2e-8, 1e-8};
  c.upper_limit = {0, 0, 1, 0, 0, 0, 0, 0};
  return c;
}

double quiescent(const io::LightCurve& c, const PrepareSettings& prepare) {
  FlaresConfig config;
  config.prepare = prepare;
  config.high_band = "fermi";
  config.low_band = "wise_w1";
  SourceCurves s{c.source, {c}};
  const auto r = analyse_curves(s, config);
  return r.curves.at(0).analysis.f_quiescent();
}

} // namespace

TEST_CASE("energy flux of a photon flux: closed forms and the Γ = 2 and Γ = 1 cases", "[units]") {
  const double gev = io::ERG_PER_GEV;
  // Γ = 2: ∫E^−1 = ln(E2/E1); ∫_{0.1}^{100} E^−2 = 1/0.1 − 1/100 = 9.99.
  CHECK(io::energy_flux_of_photon_flux(1e-7, 2, 0.8, 200) ==
        Approx(1e-7 * std::log(200 / 0.8) / 9.99 * gev).epsilon(1e-14));
  // Continuous through Γ = 2 (the logarithm is the limit of the power law).
  CHECK(io::energy_flux_of_photon_flux(1e-7, 2 + 1e-6, 0.8, 200) ==
        Approx(io::energy_flux_of_photon_flux(1e-7, 2, 0.8, 200)).epsilon(1e-5));
  // Γ = 1: the denominator is ln(1000); the numerator E2 − E1.
  CHECK(io::energy_flux_of_photon_flux(1, 1, 0.8, 200) ==
        Approx((200 - 0.8) / std::log(1000.0) * gev).epsilon(1e-14));
  // Γ = 2.5 by hand.
  const double num = (std::pow(200, -0.5) - std::pow(0.8, -0.5)) / -0.5;
  const double den = (std::pow(100, -1.5) - std::pow(0.1, -1.5)) / -1.5;
  CHECK(io::energy_flux_of_photon_flux(1, 2.5, 0.8, 200) == Approx(num / den * gev).epsilon(1e-14));

  auto c = curve_in(io::PHOTON_FLUX);
  c.photon_index = {-2.0, -2.5, std::nan(""), -3.0, -2.5, -2.5, -2.0, -3.0}; // signed
  io::convert_to_energy_flux(c, 0.8, 200);
  CHECK(c.flux_unit == io::ENERGY_FLUX);
  CHECK(c.flux[1] == Approx(3e-7 * num / den * gev).epsilon(1e-14));
  CHECK(c.flux_err[1] == Approx(1e-8 * num / den * gev).epsilon(1e-14));
  // No fitted index: the median of the fitted ones (2.5).
  CHECK(c.flux[2] == Approx(5e-8 * num / den * gev).epsilon(1e-14));
  CHECK_THROWS_AS(io::convert_to_energy_flux(c, 0.8, 200), core::InputError); // not photon flux
}

TEST_CASE("ul_flux has a unit: refused in a curve of another unit, dropped by default", "[units]") {
  const auto photon = curve_in(io::PHOTON_FLUX);
  PrepareSettings given;
  given.ul_flux = 3e-14; // erg cm^-2 s^-1, the default unit
  try {
    (void)quiescent(photon, given);
    FAIL("a photon-flux curve took an energy-flux ul_flux");
  } catch (const core::FieldError& e) {
    CHECK(e.field() == "ul_flux");
    const std::string m = e.what();
    CHECK(m.find("band fermi") != std::string::npos);
    CHECK(m.find("ph cm^-2 s^-1") != std::string::npos);
    CHECK(m.find("erg cm^-2 s^-1") != std::string::npos);
    CHECK(m.find('\n') == std::string::npos);
  }
  // Unset: the paper's value is an energy flux, so a photon-flux curve drops its limits.
  PrepareSettings dflt;
  PrepareSettings drop;
  drop.upper_limits = UpperLimitMode::drop;
  CHECK(quiescent(photon, dflt) == quiescent(photon, drop));
  // Given in the curve's unit: replaced.
  PrepareSettings same;
  same.ul_flux = 1e-9;
  same.ul_flux_unit = io::PHOTON_FLUX;
  const auto p = prepare(photon, same.for_band("fermi"));
  CHECK(p.n_upper_limits == 1);
  CHECK(std::count(p.curve.flux.begin(), p.curve.flux.end(), 1e-9) == 1);
  // An energy-flux curve takes the paper's 3e-14 by default.
  const auto e = prepare(curve_in(io::ENERGY_FLUX), dflt.for_band("fermi"));
  CHECK(std::count(e.curve.flux.begin(), e.curve.flux.end(), PAPER_UL_FLUX) == 1);
  // A curve without upper limits never conflicts; nor does one of unknown unit.
  auto no_ul = photon;
  no_ul.upper_limit.assign(no_ul.size(), 0);
  no_ul.flux_err[2] = 1e-8;
  CHECK_NOTHROW(prepare(no_ul, given.for_band("fermi")));
  CHECK_NOTHROW(prepare(curve_in(""), given.for_band("fermi")));
}

TEST_CASE("long CSV: the flux_unit column", "[units]") {
  const auto dir = test::temp_dir("flux_units");
  const auto write = [&](const std::string& name, const std::string& text) {
    std::ofstream(dir / name) << text;
    return (dir / name).string();
  };
  const auto ok = io::read_lightcurves_csv(
      write("ok.csv", "source,band,mjd,flux,flux_err,flux_unit\nA,xrt,55000,1,0.1,s^-1\n"
                      "A,xrt,55001,2,0.1,s^-1\nA,radio,55000,1,0.1,Jy\n"));
  CHECK(ok.at(0).flux_unit == "s^-1");
  CHECK(ok.at(1).flux_unit == "Jy");
  const auto plain = io::read_lightcurves_csv(
      write("plain.csv", "source,band,mjd,flux,flux_err\nA,fermi,55000,1e-12,1e-13\n"));
  CHECK(plain.at(0).flux_unit == io::ENERGY_FLUX);
  const auto fails = [&](const std::string& name, const std::string& text, const char* want) {
    try {
      (void)io::read_lightcurves_csv(write(name, text));
      FAIL(name << " read");
    } catch (const core::InputError& e) {
      CHECK_THAT(std::string(e.what()), Catch::Contains(want));
    }
  };
  fails("unknown.csv", "source,band,mjd,flux,flux_err,flux_unit\nA,x,55000,1,0.1,furlong\n",
        "unknown.csv:2: column 6 (flux_unit): unknown unit \"furlong\"");
  fails("mixed.csv",
        "source,band,mjd,flux,flux_err,flux_unit\nA,x,55000,1,0.1,Jy\nA,x,55001,1,0.1,mJy\n",
        "mixed.csv:3: column 6 (flux_unit): unit mJy differs from Jy");
  std::filesystem::remove_all(dir);
}

TEST_CASE("3C 454.3 Fermi LCR: the default no longer writes 3e-14 into photon fluxes",
          "[units][data]") {
  const auto path = test::data_file("fermi_lcr_lightcurves/4FGL_J2253.9+1609_weekly_2_20_2025.csv");
  NUFLARE_REQUIRE_DATA(path);
  const auto c = io::read_fermi_lcr(path.string());
  CHECK(c.flux_unit == io::PHOTON_FLUX);
  PrepareSettings dflt, drop, old;
  drop.upper_limits = UpperLimitMode::drop;
  old.ul_flux = 3e-14;
  old.ul_flux_unit = io::PHOTON_FLUX; // the old behaviour, asked for explicitly
  const double fixed = quiescent(c, dflt);
  CHECK(fixed == quiescent(c, drop));
  CHECK(fixed == Approx(2.15e-7).epsilon(0.01));
  CHECK(quiescent(c, old) == Approx(1.85e-7).epsilon(0.01)); // the reproducer
  // The paper's value in its own unit, with the fluxes converted over 0.8–200 GeV.
  PrepareSettings paper;
  paper.ul_flux = 3e-14;
  CHECK_THROWS_AS(quiescent(c, paper), core::FieldError);
  auto e = c;
  io::convert_to_energy_flux(e, 0.8, 200);
  CHECK(e.flux_unit == io::ENERGY_FLUX);
  CHECK(std::isfinite(quiescent(e, paper)));
}
