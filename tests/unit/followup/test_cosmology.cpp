// Cosmology against astropy 5.2 (../shared/ORACLES.md "Cosmology", 1e-6 relative).
#include "nuflare/followup/cosmology.hpp"

#include "nuflare/core/error.hpp"

#include "nuflare_catch.hpp"

using namespace nuflare::followup;

namespace {
void check(const CosmologyParams& p, double z, double dl, double dl_norad, double dvc) {
  INFO(p.name << " z=" << z);
  const FlatLambdaCdm c(p);
  CHECK(c.luminosity_distance_mpc(z) == Approx(dl).epsilon(1e-6));
  const FlatLambdaCdm n(p.without_radiation());
  CHECK(n.luminosity_distance_mpc(z) == Approx(dl_norad).epsilon(1e-6));
  CHECK(c.differential_comoving_volume_mpc3_sr(z) == Approx(dvc).epsilon(1e-6));
}
} // namespace

TEST_CASE("D_L and dV_c/dz match astropy (ORACLES.md Cosmology)", "[followup][cosmology]") {
  check(CosmologyParams::wmap9(), 0.1, 465.280591, 465.284768, 7.394776e8);
  check(CosmologyParams::wmap9(), 1.0, 6726.141242, 6726.785028, 2.820860e10);
  check(CosmologyParams::wmap9(), 2.0, 15875.191123, 15877.943613, 4.164628e10);
  check(CosmologyParams::planck15(), 1.0, 6791.810624, 6797.986798, 2.869448e10);
  check(CosmologyParams::planck15(), 8.0, 82292.123862, 82454.713108, 2.459007e10);
  check(CosmologyParams::planck18(), 1.0, 6791.268942, 6797.436203, 2.865531e10);
  const FlatLambdaCdm custom(CosmologyParams::flat(70.0, 0.3));
  CHECK(custom.luminosity_distance_mpc(1.0) == Approx(6607.657612).epsilon(1e-6));
}

TEST_CASE("density parameters match astropy", "[followup][cosmology]") {
  // astropy 5.2: WMAP9.Ogamma0, .Onu0, .Ode0 and Planck15's (massive neutrinos).
  const FlatLambdaCdm w(CosmologyParams::wmap9());
  CHECK(w.omega_gamma0() == Approx(5.14261434136459e-05).epsilon(1e-9));
  CHECK(w.omega_nu0() == Approx(3.550493060434565e-05).epsilon(1e-9));
  CHECK(w.omega_de0() == Approx(0.7134130689259821).epsilon(1e-12));
  const FlatLambdaCdm p(CosmologyParams::planck15());
  CHECK(p.omega_nu0() == Approx(0.0014362758412881924).epsilon(1e-9));
  CHECK(p.omega_de0() == Approx(0.6910098315260953).epsilon(1e-12));
}

TEST_CASE("distance helpers are consistent", "[followup][cosmology]") {
  const FlatLambdaCdm c(CosmologyParams::wmap9());
  CHECK(c.comoving_distance_mpc(0.0) == 0.0);
  CHECK(c.luminosity_distance_mpc(2.0) == Approx(3.0 * c.comoving_distance_mpc(2.0)));
  CHECK(c.distance_modulus(1.0) == Approx(5.0 * std::log10(6726.141242e6 / 10.0)).epsilon(1e-9));
  const double z = c.redshift_at_luminosity_distance(6726.141242, 8.0);
  CHECK(z == Approx(1.0).epsilon(1e-8));
  CHECK(c.redshift_at_luminosity_distance(1e9, 8.0) == 8.0);
  CHECK(c.redshift_at_luminosity_distance(0.0, 8.0) == 0.0);
  CHECK(CosmologyParams::by_name("Planck18") == CosmologyParams::planck18());
  CHECK_THROWS_AS(CosmologyParams::by_name("wmap7"), nuflare::core::ConfigError);
  CHECK_THROWS_AS(FlatLambdaCdm(CosmologyParams::flat(-1.0, 0.3)), nuflare::core::ConfigError);
}

TEST_CASE("tabulated comoving distances equal single integrals", "[followup][cosmology]") {
  const FlatLambdaCdm c(CosmologyParams::planck18());
  const std::vector<double> z{0.0, 0.004, 0.5, 0.5, 1.0, 7.996};
  const auto dc = c.comoving_distances_mpc(z);
  for (std::size_t i = 0; i < z.size(); ++i)
    CHECK(dc[i] == Approx(c.comoving_distance_mpc(z[i])).epsilon(1e-12));
  CHECK(dc[4] * 2.0 == Approx(6791.268942).epsilon(1e-6));
  CHECK_THROWS_AS(c.comoving_distances_mpc({1.0, 0.5}), nuflare::core::NumericalError);
}
