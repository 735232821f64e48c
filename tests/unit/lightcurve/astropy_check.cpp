// Compares nuflare's Bayesian Blocks with astropy's edges on the random cases
// written by astropy_cases.py (run with /usr/bin/python3, see run_astropy.sh).
// Usage: lightcurve_astropy_check CASES.txt  -> exit 0 when all agree to 1e-9.
#include "nuflare/lightcurve/bayesian_blocks.hpp"

#include <cmath>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

using namespace nuflare::lightcurve;

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: " << argv[0] << " CASES.txt\n";
    return 2;
  }
  std::ifstream in(argv[1]);
  if (!in) {
    std::cerr << argv[1] << ": cannot open\n";
    return 2;
  }
  std::size_t n_cases = 0, n_bad = 0, n_fixed = 0, n_points = 0;
  std::string word;
  while (in >> word) {
    if (word != "case") {
      std::cerr << "malformed case file near '" << word << "'\n";
      return 2;
    }
    std::string id, fitness, kind;
    double value = 0, dt = 0;
    std::size_t n = 0;
    int fixed = 0;
    in >> id >> fitness >> kind >> value >> dt >> n >> fixed;
    std::vector<double> t(n), x(n), s(n);
    for (std::size_t i = 0; i < n; ++i) {
      std::string xs, ss;
      in >> t[i] >> xs >> ss;
      x[i] = std::stod(xs);
      s[i] = std::stod(ss);
    }
    std::size_t m = 0;
    in >> word >> m;
    std::vector<double> want(m);
    for (auto& e : want)
      in >> e;
    if (!in) {
      std::cerr << "malformed case " << id << "\n";
      return 2;
    }
    BlocksOptions o;
    o.fitness = parse_fitness(fitness);
    if (kind == "p0")
      o.p0 = value;
    else if (kind == "gamma")
      o.gamma = value;
    else
      o.ncp_prior = value;
    o.dt = dt;
    const bool has_x = !std::isnan(x[0]);
    const bool has_s = !std::isnan(s[0]);
    const std::span<const double> xs =
        has_x ? std::span<const double>(x) : std::span<const double>{};
    const std::span<const double> ss =
        has_s ? std::span<const double>(s) : std::span<const double>{};
    // default (PELT-pruned for measures) and the plain O(N^2) programme
    bool ok = true;
    Blocks b;
    for (bool prune : {true, false}) {
      o.prune = prune;
      b = bayesian_blocks(t, xs, ss, o);
      ok = ok && b.edges.size() == want.size();
      for (std::size_t i = 0; ok && i < want.size(); ++i)
        ok = std::abs(b.edges[i] - want[i]) <= 1e-9 * std::abs(want[i]) || b.edges[i] == want[i];
    }
    ++n_cases;
    n_points += n;
    n_fixed += static_cast<std::size_t>(fixed);
    if (!ok) {
      ++n_bad;
      if (n_bad <= 10) {
        std::cerr << "case " << id << " (" << fitness << ", n=" << n << ") differs:\n  astropy";
        for (double e : want)
          std::fprintf(stderr, " %.17g", e);
        std::cerr << "\n  nuflare";
        for (double e : b.edges)
          std::fprintf(stderr, " %.17g", e);
        std::cerr << "\n";
      }
    }
  }
  std::cout << n_cases << " random cases (" << n_points << " points, " << n_fixed
            << " with astropy's dropped edge corrected) compared with astropy: " << n_bad
            << " differ\n";
  return n_bad == 0 && n_cases >= 1000 ? 0 : 1;
}
