// Bayesian Blocks against the reference values of ../shared/ORACLES.md
// ("Bayesian Blocks" section: astropy 5.2 / current astropy).
#include "nuflare_catch.hpp"

#include "nuflare/core/error.hpp"
#include "nuflare/lightcurve/bayesian_blocks.hpp"

#include <cmath>
#include <fstream>
#include <random>
#include <vector>

using namespace nuflare;
using lightcurve::BlocksOptions;
using lightcurve::Fitness;

namespace {

std::vector<std::vector<double>> read_columns(const std::string& name, std::size_t ncol) {
  std::ifstream in(test::oracle_file(name));
  REQUIRE(in.good());
  std::vector<std::vector<double>> cols(ncol);
  double v;
  std::size_t i = 0;
  while (in >> v)
    cols[i++ % ncol].push_back(v);
  return cols;
}

void require_edges(const std::vector<double>& got, const std::vector<double>& want,
                   double rel = 1e-9) {
  INFO("got " << Catch::Detail::stringify(got) << " want " << Catch::Detail::stringify(want));
  REQUIRE(got.size() == want.size());
  for (std::size_t i = 0; i < got.size(); ++i)
    CHECK(got[i] == Approx(want[i]).epsilon(rel).margin(1e-12));
}

BlocksOptions opts(Fitness f, std::optional<double> p0 = std::nullopt) {
  BlocksOptions o;
  o.fitness = f;
  o.p0 = p0;
  return o;
}

std::vector<double> one(double sigma) {
  return {sigma};
}

std::vector<double> range(int n) {
  std::vector<double> t(static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i)
    t[static_cast<std::size_t>(i)] = i;
  return t;
}

} // namespace

TEST_CASE("ncp_prior from p0 (ORACLES.md)", "[blocks]") {
  struct Row {
    double p0;
    std::size_t n;
    double ncp;
  };
  for (Row r : {Row{0.05, 10, 3.798674461797}, Row{0.05, 20, 4.129998814105},
                Row{0.05, 100, 4.899310136248}, Row{0.05, 1000, 5.999945810699},
                Row{0.01, 100, 6.508748048682}, Row{0.003, 250, 8.150707822844}})
    CHECK(lightcurve::ncp_prior_from_p0(r.p0, r.n) == Approx(r.ncp).epsilon(0).margin(1e-12));
}

TEST_CASE("prior precedence ncp_prior > gamma > p0", "[blocks]") {
  BlocksOptions o;
  CHECK(lightcurve::resolve_ncp_prior(o, 20) == Approx(4.129998814105).margin(1e-12));
  o.p0 = 0.01;
  CHECK(lightcurve::resolve_ncp_prior(o, 100) == Approx(6.508748048682).margin(1e-12));
  o.gamma = 0.5;
  CHECK(lightcurve::resolve_ncp_prior(o, 100) == Approx(std::log(2.0)));
  o.ncp_prior = 3.0;
  CHECK(lightcurve::resolve_ncp_prior(o, 100) == 3.0);
  BlocksOptions bad;
  bad.p0 = 1.5;
  CHECK_THROWS_AS(lightcurve::resolve_ncp_prior(bad, 10), core::ConfigError);
  CHECK_THROWS_AS(lightcurve::parse_fitness("bogus"), core::ConfigError);
  CHECK(lightcurve::parse_fitness("regular_events") == Fitness::regular_events);
}

TEST_CASE("events oracle rows", "[blocks][data]") {
  NUFLARE_REQUIRE_DATA(test::oracle_file("events_rng42.txt"));
  auto t = read_columns("events_rng42.txt", 1)[0];
  REQUIRE(t.size() == 100);
  auto b = lightcurve::bayesian_blocks(t, {}, {}, opts(Fitness::events, 0.05));
  require_edges(b.edges, {-1.95103519, -1.01861547, 0.95442154, 2.1416476}, 1e-8);
  CHECK(b.n_unique == 100);

  for (std::size_t i = 0; i < 20; ++i)
    t[80 + i] = t[i];
  b = lightcurve::bayesian_blocks(t, {}, {}, opts(Fitness::events, 0.01));
  require_edges(b.edges, {-1.95103519, -1.08663566, 1.17575682, 2.1416476}, 1e-8);
  CHECK(b.n_unique == 80);
}

TEST_CASE("regular_events oracle row", "[blocks][data]") {
  NUFLARE_REQUIRE_DATA(test::oracle_file("regular_rng42_x.txt"));
  auto x = read_columns("regular_rng42_x.txt", 1)[0];
  REQUIRE(x.size() == 1000);
  std::vector<double> t(1000);
  for (std::size_t i = 0; i < t.size(); ++i)
    t[i] = 0.01 * static_cast<double>(i);
  auto o = opts(Fitness::regular_events);
  o.dt = 0.01;
  auto b = lightcurve::bayesian_blocks(t, x, {}, o);
  require_edges(b.edges, {0, 4.365, 4.995, 9.99});
  o.dt = 0;
  CHECK_THROWS_AS(lightcurve::bayesian_blocks(t, x, {}, o), core::ConfigError);
}

TEST_CASE("measures oracle rows", "[blocks][data]") {
  NUFLARE_REQUIRE_DATA(test::oracle_file("measures_rng42.txt"));
  auto cols = read_columns("measures_rng42.txt", 2);
  const std::vector<double> want{1.39362877, 44.30811196, 49.46626158, 54.37232704, 92.7562551};
  auto b = lightcurve::bayesian_blocks(cols[0], cols[1], one(0.1), opts(Fitness::measures, 0.05));
  require_edges(b.edges, want, 1e-8);
  BlocksOptions o;
  o.ncp_prior = 4.129998814105;
  require_edges(lightcurve::bayesian_blocks(cols[0], cols[1], one(0.1), o).edges, want, 1e-8);

  // Narrow Gaussian pulse on a coarse grid
  std::vector<double> t(11), x(11);
  for (std::size_t i = 0; i < 11; ++i) {
    t[i] = 0.1 * static_cast<double>(i);
    x[i] = std::exp(-0.5 * (t[i] - 0.5) * (t[i] - 0.5) / 1e-4);
  }
  require_edges(lightcurve::bayesian_blocks(t, x, one(0.05), BlocksOptions{}).edges,
                {0, 0.45, 0.55, 1});
}

TEST_CASE("measures: step light curve", "[blocks]") {
  const auto t = range(20);
  std::vector<double> x(20, 1.0);
  for (std::size_t i = 10; i < 15; ++i)
    x[i] = 3.0;
  for (double s : {0.1, 0.7}) {
    auto b = lightcurve::bayesian_blocks(t, x, one(s), BlocksOptions{});
    require_edges(b.edges, {0, 9.5, 14.5, 19});
    REQUIRE(b.flux.size() == 3);
    CHECK(b.flux[0] == Approx(1.0));
    CHECK(b.flux[1] == Approx(3.0));
    CHECK(b.flux[2] == Approx(1.0));
  }
  std::vector<double> s(20, 0.5);
  require_edges(lightcurve::bayesian_blocks(t, x, s, BlocksOptions{}).edges, {0, 9.5, 14.5, 19});
  require_edges(lightcurve::bayesian_blocks(t, x, one(1.0), BlocksOptions{}).edges, {0, 19});
  std::vector<double> flat(20, 1.0);
  require_edges(lightcurve::bayesian_blocks(t, flat, one(0.1), BlocksOptions{}).edges, {0, 19});
}

TEST_CASE("measures: unsorted input, sigma sorted with t", "[blocks]") {
  const std::vector<double> t{5, 1, 3, 2, 4, 0}, x{10, 1, 1, 1, 10, 1};
  require_edges(lightcurve::bayesian_blocks(t, x, one(0.1), BlocksOptions{}).edges, {0, 3.5, 5});
  // Per-point sigma must travel with its point (astropy forgets this).
  const std::vector<double> s{0.1, 0.2, 0.3, 0.4, 0.5, 0.6};
  auto a = lightcurve::bayesian_blocks(t, x, s, BlocksOptions{});
  const std::vector<double> ts{0, 1, 2, 3, 4, 5}, xs{1, 1, 1, 1, 10, 10},
      ss{0.6, 0.2, 0.4, 0.3, 0.5, 0.1};
  auto b = lightcurve::bayesian_blocks(ts, xs, ss, BlocksOptions{});
  require_edges(a.edges, b.edges, 0);
  for (std::size_t i = 0; i < a.flux.size(); ++i)
    CHECK(a.flux[i] == b.flux[i]);
}

TEST_CASE("events: repeated times aggregate, binned counts, zero counts", "[blocks]") {
  // ORACLES.md lists [1, 2] here, but that is astropy's dropped-edge bug again
  // (docs/methods.md, Bayesian Blocks): the optimum puts each of the two unique times in its own
  // block, 8 ln 16 + ln 2 - 2 ncp = 16.8151 > 9 ln 9 - ncp = 16.7457 (ncp = 3.02936), so the
  // correct edges are [1, 1.5, 2].
  auto counts = lightcurve::bayesian_blocks(std::vector<double>{1, 1, 1, 1, 1, 1, 1, 1, 2}, {}, {},
                                            opts(Fitness::events));
  require_edges(counts.edges, {1, 1.5, 2});
  CHECK(counts.ncp_prior == Approx(3.0293631396535137).epsilon(1e-14));
  CHECK(counts.flux.at(0) == Approx(16.0)); // 8 events in half a unit of time
  require_edges(lightcurve::bayesian_blocks(std::vector<double>{0, 0, 0, 1, 2, 3, 3}, {}, {},
                                            opts(Fitness::events))
                    .edges,
                {0, 3});
  // x[0] = 0: astropy 5.2.1 computes 0·ln 0 = NaN and returns [0, 0.5, 99];
  // the limit 0·ln 0 = 0 gives the oracle answer.
  const auto t = range(100);
  std::vector<double> x(100, 1.0);
  x[0] = 0;
  x[50] = 999;
  require_edges(lightcurve::bayesian_blocks(t, x, {}, opts(Fitness::events)).edges,
                {0, 49.5, 50.5, 99});
  x[3] = 1.5;
  CHECK_THROWS_AS(lightcurve::bayesian_blocks(t, x, {}, opts(Fitness::events)), core::InputError);
}

TEST_CASE("astropy-is-wrong rows: every point its own block", "[blocks]") {
  // astropy drops the first interior edge here (docs/methods.md, Bayesian Blocks); the correct
  // answer:
  require_edges(lightcurve::bayesian_blocks(std::vector<double>{0, 1, 2},
                                            std::vector<double>{1, 5, 1}, one(0.1), BlocksOptions{})
                    .edges,
                {0, 0.5, 1.5, 2});
  auto b = lightcurve::bayesian_blocks(std::vector<double>{0, 1}, std::vector<double>{1, 5},
                                       one(0.1), BlocksOptions{});
  require_edges(b.edges, {0, 0.5, 1});
  REQUIRE(b.flux.size() == 2);
  CHECK(b.flux[1] == 5.0);
  auto single = lightcurve::bayesian_blocks(std::vector<double>{3}, std::vector<double>{1},
                                            one(0.1), BlocksOptions{});
  require_edges(single.edges, {3});
  CHECK(single.flux.at(0) == 1.0);
}

TEST_CASE("bad input", "[blocks]") {
  const std::vector<double> t{0, 1, 1}, x{1, 2, 3};
  CHECK_THROWS_AS(lightcurve::bayesian_blocks(t, x, one(0.1), BlocksOptions{}), core::InputError);
  const std::vector<double> t2{0, 1, 2};
  CHECK_THROWS_AS(lightcurve::bayesian_blocks(t2, x, one(0.0), BlocksOptions{}), core::InputError);
  CHECK_THROWS_AS(lightcurve::bayesian_blocks(t2, {}, {}, BlocksOptions{}), core::InputError);
  CHECK_THROWS_AS(lightcurve::bayesian_blocks(std::vector<double>{}, {}, {}, opts(Fitness::events)),
                  core::InputError);
  const std::vector<double> tn{0, NAN, 2};
  CHECK_THROWS_AS(lightcurve::bayesian_blocks(tn, x, one(0.1), BlocksOptions{}), core::InputError);
  CHECK_THROWS_AS(
      lightcurve::bayesian_blocks(t2, std::vector<double>{1, 2}, one(0.1), BlocksOptions{}),
      core::InputError);
}

TEST_CASE("PELT pruning never changes the edges", "[blocks]") {
  // Pruning is exact by construction (bayesian_blocks.cpp); check it on 400
  // random curves of every kind: flat, steps, red noise, spikes, tiny errors.
  std::mt19937_64 rng(7);
  std::uniform_real_distribution<double> u(0, 1);
  std::normal_distribution<double> g(0, 1);
  std::size_t n_blocks_total = 0;
  for (int c = 0; c < 400; ++c) {
    const auto n = static_cast<std::size_t>(2 + (c % 7 == 0 ? 600 : 80) * u(rng));
    std::vector<double> t(n), x(n), s(n);
    double walk = 0;
    const int kind = c % 4;
    for (std::size_t i = 0; i < n; ++i) {
      t[i] = 1000 * u(rng);
      s[i] = std::pow(10.0, -2 + 2 * u(rng));
      walk += 0.1 * g(rng);
      const double signal = kind == 0   ? 0.0
                            : kind == 1 ? (t[i] > 300 && t[i] < 500 ? 1.0 : 0.0)
                            : kind == 2 ? walk
                                        : (u(rng) < 0.05 ? 50.0 : 0.0);
      x[i] = 1e3 * (kind == 3) + signal + s[i] * g(rng);
    }
    for (double p0 : {0.05, 0.01}) {
      BlocksOptions on, off;
      on.p0 = off.p0 = p0;
      off.prune = false;
      const auto a = lightcurve::bayesian_blocks(t, x, s, on);
      const auto b = lightcurve::bayesian_blocks(t, x, s, off);
      REQUIRE(a.edges == b.edges);
      REQUIRE(a.flux == b.flux);
      n_blocks_total += a.n_blocks();
    }
  }
  CHECK(n_blocks_total > 2000); // the cases do exercise many change points
}

TEST_CASE("Pruning never changes the edges of events and regular events", "[blocks]") {
  // The events programme prunes starts (PELT) and skips the logarithms of
  // starts whose tangent bound cannot win (bayesian_blocks.cpp); both must
  // give the full programme's edges and values. Cases: arrival times with
  // repeats and bursts, counts with zeros, regular ticks with events in the
  // half-length first and last cells (where eq. C23 is not subadditive), and
  // an irregular grid given as regular_events (pruning off).
  std::mt19937_64 rng(11);
  std::uniform_real_distribution<double> u(0, 1);
  std::normal_distribution<double> g(0, 1);
  std::size_t n_blocks_total = 0;
  for (int c = 0; c < 600; ++c) {
    const auto n = static_cast<std::size_t>(3 + (c % 9 == 0 ? 500 : 70) * u(rng));
    std::vector<double> t(n), x;
    BlocksOptions on;
    const int kind = c % 4;
    if (kind == 0) { // unbinned arrival times, some repeated, a burst
      for (auto& v : t)
        v = 100 * u(rng);
      for (std::size_t i = 0; i < n / 5; ++i)
        t[i] = 40 + 0.5 * u(rng);
      if (n > 6)
        t[n - 1] = t[n - 2];
      on.fitness = Fitness::events;
    } else if (kind == 1) { // counts with zeros at unique times
      for (std::size_t i = 0; i < n; ++i) {
        t[i] = static_cast<double>(i) + 0.3 * u(rng);
        x.push_back(std::floor(std::max(0.0, (i > n / 2 ? 3.0 : 0.7) + g(rng))));
      }
      on.fitness = Fitness::events;
    } else { // ticks; kind 3: an irregular grid
      on.fitness = Fitness::regular_events;
      on.dt = 0.5;
      const double p_lo = 0.05 + 0.3 * u(rng), p_hi = 0.3 + 0.65 * u(rng);
      for (std::size_t i = 0; i < n; ++i) {
        t[i] = on.dt * static_cast<double>(i) + (kind == 3 ? 0.2 * on.dt * u(rng) : 0.0);
        const bool busy = i > n / 3 && i < n / 2;
        x.push_back(u(rng) < (busy ? p_hi : p_lo) || i == 0 || i + 1 == n ? 1.0 : 0.0);
      }
    }
    for (double p0 : {0.05, 0.01}) {
      BlocksOptions off = on;
      on.p0 = off.p0 = p0;
      off.prune = false;
      const auto a = lightcurve::bayesian_blocks(t, x, {}, on);
      const auto b = lightcurve::bayesian_blocks(t, x, {}, off);
      REQUIRE(a.edges == b.edges);
      REQUIRE(a.flux.size() == b.flux.size());
      for (std::size_t i = 0; i < a.flux.size(); ++i)
        REQUIRE((a.flux[i] == b.flux[i] || (std::isnan(a.flux[i]) && std::isnan(b.flux[i]))));
      n_blocks_total += a.n_blocks();
    }
  }
  CHECK(n_blocks_total > 1500); // the cases do exercise many change points

  // Short dense tick series with small priors: without the exemptions of the
  // first start, the last step and irregular grids, pruning changes the
  // edges of, e.g., x = 01111 on a regular grid with ncp_prior = 0.68.
  std::size_t n_differ_possible = 0;
  for (int c = 0; c < 4000; ++c) {
    const auto n = static_cast<std::size_t>(3 + 12 * u(rng));
    const bool irregular = c % 3 == 0;
    const double p = u(rng);
    std::vector<double> t(n), x(n);
    for (std::size_t i = 0; i < n; ++i) {
      t[i] = static_cast<double>(i) + (irregular ? 0.6 * u(rng) : 0.0);
      x[i] = u(rng) < p || (i + 1 == n && c % 2 == 0) ? 1.0 : 0.0;
    }
    BlocksOptions on;
    on.fitness = Fitness::regular_events;
    on.dt = 1;
    on.ncp_prior = 4 * u(rng);
    BlocksOptions off = on;
    off.prune = false;
    const auto a = lightcurve::bayesian_blocks(t, x, {}, on);
    const auto b = lightcurve::bayesian_blocks(t, x, {}, off);
    REQUIRE(a.edges == b.edges);
    n_differ_possible += a.n_blocks() > 1;
  }
  CHECK(n_differ_possible > 1000);
}
