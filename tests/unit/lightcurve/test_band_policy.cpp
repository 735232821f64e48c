// The band policy of light-curve preparation (blazar paper §3.3, docs/methods.md
// "Preparation"): the Fermi TS / photon-index upper-limit rule, the auto/on/off
// switches resolved per band, and a source's bands analysed together.
#include "nuflare_catch.hpp"

#include "nuflare/core/error.hpp"
#include "nuflare/lightcurve/analyse.hpp"

#include <cmath>

using namespace nuflare;
using lightcurve::PrepareSettings;
using lightcurve::Switch;

namespace {
io::LightCurve curve(std::string source, std::string band, std::size_t n, double flux = 1e-12) {
  io::LightCurve lc;
  lc.source = std::move(source);
  lc.band = std::move(band);
  for (std::size_t i = 0; i < n; ++i) {
    lc.mjd.push_back(55000.0 + 30.0 * static_cast<double>(i));
    // A flare in the middle third, so that blocks find something to flag.
    lc.flux.push_back(i > n / 3 && i < 2 * n / 3 ? 10 * flux : flux * (1 + 0.01 * (i % 3)));
    lc.flux_err.push_back(0.05 * flux);
  }
  lc.upper_limit.assign(n, 0);
  return lc;
}
} // namespace

TEST_CASE("Fermi TS and photon-index rule flags upper limits", "[prepare][fermi]") {
  auto lc = curve("S", "fermi", 6);
  lc.ts = {100, 5, 4.9, NAN, 30, 30};
  lc.photon_index = {-2.2, -2.0, -2.1, -2.0, -5.6, 5.5};
  auto o = lightcurve::default_prepare_options("fermi");
  REQUIRE(o.ts_index_rule);
  const auto p = lightcurve::prepare(lc, o);
  // TS 5 and 4.9 (<= 5) and |index| 5.6 (> 5.5) are upper limits; NaN TS and 5.5 are not.
  CHECK(p.n_upper_limits == 3);
  o.ts_min = 4.95;
  o.max_photon_index = 6;
  CHECK(lightcurve::prepare(lc, o).n_upper_limits == 1);
  o.ts_index_rule = false;
  CHECK(lightcurve::prepare(lc, o).n_upper_limits == 0);
  CHECK_FALSE(lightcurve::default_prepare_options("xrt").ts_index_rule);
}

TEST_CASE("preparation switches resolve per band", "[prepare][policy]") {
  const PrepareSettings automatic;
  const auto wise = automatic.for_band("wise_w2");
  CHECK((wise.snr_cut && wise.merge_visits && wise.fill_gap));
  const auto fermi = automatic.for_band("fermi");
  CHECK((!fermi.snr_cut && !fermi.merge_visits && !fermi.fill_gap && fermi.ts_index_rule));
  CHECK(automatic.for_band("alma_b3").merge_visits);

  PrepareSettings s;
  s.snr_cut = Switch::on;
  s.merge = Switch::off;
  s.upper_limits = lightcurve::UpperLimitMode::drop;
  s.fermi_ts_min = 9;
  s.min_points = 1; // never below 3
  const auto o = s.for_band("wise_w1");
  CHECK((o.snr_cut && !o.merge_visits && o.fill_gap));
  CHECK(o.upper_limit_policy == lightcurve::UpperLimitPolicy::drop);
  CHECK(o.ts_min == 9);
  CHECK(o.min_points == 3);
  s.upper_limits = lightcurve::UpperLimitMode::keep;
  CHECK_FALSE(s.for_band("fermi").handle_upper_limits);
}

TEST_CASE("a source's bands: high and low together, others alone", "[analyse][policy]") {
  lightcurve::SourceCurves src{"S",
                               {curve("S", "xrt", 40), curve("S", "fermi", 40),
                                curve("S", "wise_w2", 40), curve("S", "fermi_yearly", 2)}};
  src.variability_index = 50;
  const lightcurve::FlaresConfig config;
  const auto r = lightcurve::analyse_curves(src, config);
  REQUIRE(r.curves.size() == 4);
  CHECK(r.high == 1);
  CHECK(r.low == 2);
  CHECK(r.multi);
  CHECK(r.curves[3].analysis.too_short);
  CHECK(r.curves[0].analysis.band == "xrt");
  // Each band alone gives the same analysis as analyse_band with the band's options.
  const auto alone = lightcurve::analyse_band(
      lightcurve::prepare(src.curves[0], config.prepare.for_band("xrt")), config.band);
  CHECK(alone.blocks.edges == r.curves[0].analysis.blocks.edges);
  CHECK(r.reported_class(lightcurve::FilterMode::flag) == r.flare_class);
  auto dropped = r;
  dropped.dropped = true;
  CHECK(dropped.reported_class(lightcurve::FilterMode::apply) == lightcurve::FlareClass::none);
}

TEST_CASE("curves grouped by source; one curve from two inputs is refused", "[analyse]") {
  std::vector<io::LightCurve> curves{curve("A", "fermi", 3), curve("B", "fermi", 3),
                                     curve("A", "wise_w2", 3)};
  const std::vector<std::string> origin{"a.csv", "a.csv", "b.csv"};
  const auto sources = lightcurve::group_by_source(curves, origin);
  REQUIRE(sources.size() == 2);
  CHECK(sources[0].name == "A");
  CHECK(sources[0].curves.size() == 2);
  CHECK(sources[0].curves[1].band == "wise_w2");

  curves.push_back(curve("B", "fermi", 3));
  const std::vector<std::string> origin2{"a.csv", "a.csv", "b.csv", "c.csv"};
  try {
    (void)lightcurve::group_by_source(curves, origin2);
    FAIL("no error");
  } catch (const core::InputError& e) {
    CHECK(std::string(e.what()) ==
          "c.csv: source: light curve B / fermi is also in a.csv; give each curve in one input");
  }

  io::SourceCatalog catalog;
  catalog.name = {"B", "A"};
  catalog.variability_index = {3, 40};
  catalog.warm_spot = {1, 0};
  auto grouped = lightcurve::group_by_source(
      {curve("A", "fermi", 3), curve("C", "fermi", 3), curve("B", "fermi", 3)}, origin2);
  lightcurve::attach_catalog(grouped, catalog);
  CHECK(grouped[0].variability_index == 40);
  CHECK_FALSE(grouped[0].potential_neutrino_source);
  CHECK(std::isnan(grouped[1].variability_index));
  CHECK(grouped[2].potential_neutrino_source);
}
