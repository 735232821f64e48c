// Bayesian Blocks `measures` speed (docs/methods.md, Bayesian Blocks). Reads the light curves
// written by bench/blocks/run.py (so nuflare and astropy time the same data and the driver can
// check the edges are identical); without a file it makes its own.
//
//   bench_blocks [CASES.txt [EDGES_OUT.txt]] [--benchmark_* flags]
//
// CASES.txt: per case a line "LABEL N", then N lines "t x sigma" (unsorted).
// Each case is timed with PELT pruning (the default) and without (plain O(N²)).
#include "nuflare/lightcurve/bayesian_blocks.hpp"

#include <benchmark/benchmark.h>

#include <cstdio>
#include <fstream>
#include <iostream>
#include <random>
#include <string>
#include <vector>

namespace {

struct Case {
  std::string label;
  std::vector<double> t, x, sigma;
};

std::vector<Case> read_cases(const std::string& path) {
  std::ifstream in(path);
  std::vector<Case> cases;
  std::string word;
  std::size_t n = 0;
  while (in >> word >> n) {
    Case c;
    c.label = word;
    c.t.resize(n);
    c.x.resize(n);
    c.sigma.resize(n);
    for (std::size_t i = 0; i < n; ++i)
      in >> c.t[i] >> c.x[i] >> c.sigma[i];
    cases.push_back(std::move(c));
  }
  return cases;
}

Case make_case(std::size_t n, unsigned seed) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> u(0, 1);
  std::normal_distribution<double> g(0, 1);
  Case c;
  c.label = "red-noise";
  double walk = 0;
  for (std::size_t i = 0; i < n; ++i) {
    c.t.push_back(static_cast<double>(n) * u(rng));
    walk += 0.05 * g(rng);
    c.sigma.push_back(0.05 + 0.1 * u(rng));
    c.x.push_back(5 + walk + c.sigma.back() * g(rng));
  }
  return c;
}

void bm_measures(benchmark::State& state, const Case* c, bool prune) {
  nuflare::lightcurve::BlocksOptions o; // measures, p0 = 0.05 (astropy's default)
  o.prune = prune;
  std::size_t blocks = 0;
  for (auto _ : state) {
    auto b = nuflare::lightcurve::bayesian_blocks(c->t, c->x, c->sigma, o);
    blocks = b.n_blocks();
    benchmark::DoNotOptimize(b.edges.data());
  }
  state.counters["N"] = static_cast<double>(c->t.size());
  state.counters["blocks"] = static_cast<double>(blocks);
}

} // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  static std::vector<Case> cases;
  if (argc > 1)
    cases = read_cases(argv[1]);
  else
    cases = {make_case(1000, 1), make_case(10000, 2)};
  if (cases.empty()) {
    std::cerr << "no cases read\n";
    return 2;
  }
  if (argc > 2) { // edges for the driver's comparison with astropy
    std::ofstream out(argv[2]);
    for (const auto& c : cases) {
      auto b = nuflare::lightcurve::bayesian_blocks(c.t, c.x, c.sigma, {});
      out << "edges " << b.edges.size();
      char buf[32];
      for (double e : b.edges) {
        std::snprintf(buf, sizeof buf, " %.17g", e);
        out << buf;
      }
      out << "\n";
    }
  }
  for (const auto& c : cases)
    for (bool prune : {true, false})
      benchmark::RegisterBenchmark(("measures/" + c.label + "/N=" + std::to_string(c.t.size()) +
                                    (prune ? "/pruned" : "/full"))
                                       .c_str(),
                                   bm_measures, &c, prune)
          ->Unit(benchmark::kMillisecond)
          ->Repetitions(c.t.size() >= 5000 ? 5 : 15)
          ->ReportAggregatesOnly(true);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
