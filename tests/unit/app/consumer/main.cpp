// Uses the installed library: a sky distance and a Bayesian Blocks fit.
#include <nuflare/lightcurve/bayesian_blocks.hpp>
#include <nuflare/sky/coordinates.hpp>
#include <nuflare/version.hpp>

#include <cstdio>
#include <vector>

int main() {
  const std::vector<double> t{0, 1, 2, 3, 4, 5}, x{1, 1, 1, 9, 9, 9}, sigma{0.1};
  const auto blocks = nuflare::lightcurve::bayesian_blocks(t, x, sigma, {});
  std::printf("nuflare %s: %.6f deg, %zu blocks\n", nuflare::VERSION,
              nuflare::sky::angular_distance_deg(359.5, 0, 0.5, 0), blocks.n_blocks());
  return blocks.n_blocks() == 2 ? 0 : 1;
}
