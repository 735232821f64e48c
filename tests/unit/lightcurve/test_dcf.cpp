// Discrete correlation function against ../shared/ORACLES.md ("Discrete
// correlation function": 10-point table and the ts1/ts2 example).
#include "nuflare_catch.hpp"

#include "nuflare/core/error.hpp"
#include "nuflare/lightcurve/dcf.hpp"

#include <cmath>
#include <fstream>
#include <sstream>

using namespace nuflare;
using namespace nuflare::lightcurve;

namespace {
const std::vector<double> T{0, 1.1, 1.9, 3.2, 3.9, 6.1, 7.7, 8.5, 9.4, 9.8};
const std::vector<double> Y{1, 1, 3, 7, 9, 2, 1, 2, 3, 1};
const std::vector<double> E(10, 0.1);

struct Series {
  std::vector<double> t, y, e;
};
Series read_csv(const std::string& name) {
  std::ifstream in(test::oracle_file(name));
  REQUIRE(in.good());
  Series s;
  std::string line;
  while (std::getline(in, line)) {
    std::replace(line.begin(), line.end(), ',', ' ');
    std::istringstream ls(line);
    double a, b, c;
    if (ls >> a >> b >> c) {
      s.t.push_back(a);
      s.y.push_back(b);
      s.e.push_back(c);
    }
  }
  return s;
}
} // namespace

TEST_CASE("DCF 10-point table: E&K global normalisation", "[dcf]") {
  DcfOptions o;
  o.lag_centres_days = lag_grid(-6, 6, 2);
  o.bin_width_days = 2;
  auto r = discrete_correlation(T, Y, E, T, Y, E, o);
  const std::vector<double> want{-0.286123, -0.667620, -0.187080, 0.872675,
                                 -0.187080, -0.786838, -0.228898};
  const std::vector<std::size_t> pairs{9, 9, 13, 20, 13, 8, 10};
  REQUIRE(r.dcf.size() == 7);
  for (std::size_t k = 0; k < 7; ++k) {
    CHECK(r.dcf[k] == Approx(want[k]).margin(1e-6));
    CHECK(r.n_pairs[k] == pairs[k]);
  }
  CHECK(r.peak_index == 3);
  CHECK(r.peak_lag_days == 0.0);
}

TEST_CASE("DCF 10-point table: pyDCF local normalisation with errors", "[dcf]") {
  DcfOptions o;
  o.lag_centres_days = lag_grid(-6, 6, 2);
  o.bin_width_days = 2;
  o.normalisation = DcfNormalisation::local;
  auto r = discrete_correlation(T, Y, E, T, Y, E, o);
  const std::vector<double> want{0.301727,  -0.622039, -0.142906, 0.898230,
                                 -0.142906, -0.622039, 0.301727};
  const std::vector<double> err{0.361192, 0.322007, 0.202133, 0.334055,
                                0.202133, 0.322007, 0.361192};
  for (std::size_t k = 0; k < 7; ++k) {
    CHECK(r.dcf[k] == Approx(want[k]).margin(1e-6));
    CHECK(r.error[k] == Approx(err[k]).margin(1e-6));
  }
  // strict bounds drop the pairs exactly on a bin edge
  CHECK(r.n_pairs[1] == 8);
}

TEST_CASE("DCF ts1/ts2 example: peak at 40.35 d", "[dcf][data]") {
  NUFLARE_REQUIRE_DATA(test::oracle_file("ts1.csv"));
  NUFLARE_REQUIRE_DATA(test::oracle_file("ts2.csv"));
  const auto a = read_csv("ts1.csv"), b = read_csv("ts2.csv");
  DcfOptions o;
  o.lag_centres_days = pydcf_lag_grid(-200, 200, 3.5);
  o.bin_width_days = 3.5;
  REQUIRE(o.lag_centres_days.size() == 114);
  o.normalisation = DcfNormalisation::local;
  auto local = discrete_correlation(a.t, a.y, a.e, b.t, b.y, b.e, o);
  CHECK(local.peak_lag_days == Approx(40.35).margin(0.005));
  CHECK(local.dcf[local.peak_index] == Approx(0.086292).margin(1e-6));
  CHECK(local.error[local.peak_index] == Approx(0.010679).margin(1e-6));
  CHECK(local.n_pairs[local.peak_index] == 11085);
  o.normalisation = DcfNormalisation::global;
  auto global = discrete_correlation(a.t, a.y, a.e, b.t, b.y, b.e, o);
  CHECK(global.peak_lag_days == Approx(40.35).margin(0.005));
  CHECK(global.dcf[global.peak_index] == Approx(0.088334).margin(1e-6));
  CHECK(global.error[global.peak_index] == Approx(0.010943).margin(1e-6));
  // the Gaussian fit lands near the peak bin
  CHECK(global.fit.n_bins == 11);
  CHECK(std::abs(global.fit.tau0_days - 40.35) < 15);
}

TEST_CASE("Gaussian Levenberg-Marquardt fit recovers its parameters", "[dcf]") {
  std::vector<double> x, y;
  for (int i = -5; i <= 5; ++i) {
    x.push_back(10 + 3.0 * i);
    y.push_back(0.8 * std::exp(-0.5 * std::pow(10 + 3.0 * i - 12.5, 2) / (6.0 * 6.0)) + 0.1);
  }
  GaussianFit start{0.5, 10, 10, 0, false, 0};
  auto f = fit_gaussian(x, y, start);
  CHECK(f.converged);
  CHECK(f.amplitude == Approx(0.8).epsilon(1e-6));
  CHECK(f.tau0_days == Approx(12.5).epsilon(1e-6));
  CHECK(f.sigma_days == Approx(6.0).epsilon(1e-6));
  CHECK(f.offset == Approx(0.1).epsilon(1e-5));
  CHECK_FALSE(
      fit_gaussian(std::vector<double>{1, 2, 3}, std::vector<double>{1, 2, 1}, start).converged);
}

TEST_CASE("DCF bad input", "[dcf]") {
  DcfOptions o;
  o.lag_centres_days = {0};
  CHECK_THROWS_AS(discrete_correlation(std::vector<double>{0}, std::vector<double>{1},
                                       std::vector<double>{1}, T, Y, E, o),
                  core::InputError);
  o.lag_centres_days.clear();
  CHECK_THROWS_AS(discrete_correlation(T, Y, E, T, Y, E, o), core::ConfigError);
  CHECK_THROWS_AS(lag_grid(1, 0, 1), core::ConfigError);
}

TEST_CASE("DCF lag convention: positive lag means b lags a", "[dcf]") {
  std::vector<double> t, ya, yb, e;
  for (int i = 0; i < 200; ++i) {
    const double ti = i;
    t.push_back(ti);
    ya.push_back(1 + std::exp(-0.5 * std::pow((ti - 60) / 5, 2)));
    yb.push_back(1 + std::exp(-0.5 * std::pow((ti - 90) / 5, 2))); // b lags a by 30 d
    e.push_back(0.01);
  }
  DcfOptions o;
  o.lag_centres_days = lag_grid(-60, 60, 1); // one integer lag per bin: symmetric bins
  o.bin_width_days = 1;
  auto r = discrete_correlation(t, ya, e, t, yb, e, o);
  CHECK(r.peak_lag_days == Approx(30.0));
  REQUIRE(r.fit.converged);
  // DCF(τ) averages over M = 200 − |τ| pairs, so bins at larger |τ| weigh a
  // little more: the fitted centre sits slightly beyond 30 d.
  CHECK(r.fit.tau0_days == Approx(30.0).margin(0.5));
  auto swapped = discrete_correlation(t, yb, e, t, ya, e, o);
  CHECK(swapped.peak_lag_days == Approx(-30.0));
}

TEST_CASE("DCF of a noise-dominated series is undefined, not infinite", "[dcf]") {
  const std::vector<double> t{0, 1, 2, 3}, y{1, 1, 1, 1}, e{0.1, 0.1, 0.1, 0.1};
  DcfOptions o;
  o.lag_centres_days = {0};
  auto r = discrete_correlation(t, y, e, t, y, e, o);
  CHECK(std::isnan(r.dcf[0]));
  CHECK(std::isnan(r.peak_lag_days));
  CHECK(r.n_pairs[0] == 4);
}

TEST_CASE("DCF by hand: every UDCF term of a 3 x 3 case", "[dcf]") {
  // a: t 0, 1, 2; y 1, 2, 3; e 0.5  ->  mean 2, np.var 2/3, mean e² 1/4
  // b: t 1, 2, 3; y 2, 4, 6; e 0    ->  mean 4, np.var 8/3
  // E&K denominator sqrt((2/3 − 1/4)(8/3 − 0)) = sqrt(10)/3.
  const std::vector<double> ta{0, 1, 2}, ya{1, 2, 3}, ea{0.5, 0.5, 0.5};
  const std::vector<double> tb{1, 2, 3}, yb{2, 4, 6}, eb{0, 0, 0};
  DcfOptions o;
  o.lag_centres_days = {-1, 0, 1, 2, 3};
  o.bin_width_days = 1; // half-open [τ − ½, τ + ½)
  const auto r = discrete_correlation(ta, ya, ea, tb, yb, eb, o);
  const double den = std::sqrt(10.0) / 3;
  // (y_a − 2)(y_b − 4) of each pair, by lag t_b − t_a:
  //   τ = −1: (3,2): (1)(−2) = −2
  //   τ =  0: (2,2): (0)(−2) = 0;  (3,4): (1)(0) = 0
  //   τ =  1: (1,2): (−1)(−2) = 2; (2,4): 0; (3,6): (1)(2) = 2
  //   τ =  2: (1,4): 0; (2,6): 0
  //   τ =  3: (1,6): (−1)(2) = −2
  const std::vector<std::size_t> m{1, 2, 3, 2, 1};
  const std::vector<double> dcf{-2 / den, 0, 4 / (3 * den), 0, -2 / den};
  for (std::size_t k = 0; k < 5; ++k) {
    INFO("bin " << k);
    CHECK(r.n_pairs[k] == m[k]);
    CHECK(r.dcf[k] == Approx(dcf[k]).epsilon(1e-14).margin(1e-15));
  }
  // error = sqrt(Σ(UDCF − DCF)²)/(M − 1): NaN for one pair, 0 for equal terms.
  CHECK(std::isnan(r.error[0]));
  CHECK(r.error[1] == 0);
  const double u = 2 / den, d = 4 / (3 * den);
  CHECK(r.error[2] == Approx(std::sqrt(2 * (u - d) * (u - d) + d * d) / 2).epsilon(1e-14));
  CHECK(r.error[3] == 0);
  CHECK(std::isnan(r.error[4]));
  CHECK(r.peak_index == 2);
  CHECK(r.peak_lag_days == 1);
}

TEST_CASE("DCF Gaussian fit: lag error from the least-squares covariance", "[dcf]") {
  // Exact Gaussian: the fit finds τ₀ with zero residual, hence zero error.
  std::vector<double> x, y;
  for (int k = -6; k <= 6; ++k) {
    x.push_back(5.0 * k);
    y.push_back(0.8 * std::exp(-0.5 * (5.0 * k - 7) * (5.0 * k - 7) / 100) + 0.1);
  }
  GaussianFit start;
  start.amplitude = 0.7;
  start.tau0_days = 5;
  start.sigma_days = 12;
  const auto fit = fit_gaussian(x, y, start);
  REQUIRE(fit.converged);
  CHECK(fit.tau0_days == Approx(7).epsilon(1e-8));
  CHECK(fit.tau0_err_days == Approx(0).margin(1e-6));
  // Four points leave no degree of freedom: no error.
  const auto four = fit_gaussian(std::span(x).first(4), std::span(y).first(4), start);
  CHECK(std::isnan(four.tau0_err_days));
}
