#include "nuflare/sim/catalog.hpp"

#include "nuflare/campaign/rng.hpp"
#include "nuflare/sim/quantize.hpp"
#include "nuflare/sim/random.hpp"
#include "nuflare/sky/coordinates.hpp"

#include <cmath>
#include <cstdio>
#include <set>

namespace nuflare::sim {

std::string source_name(double ra_deg, double dec_deg) {
  // 4FGL convention: RA as hhmm.m, Dec as +ddmm, truncated.
  const double ra_h = ra_deg / 15.0;
  int hh = static_cast<int>(ra_h);
  double mm = std::floor((ra_h - hh) * 600.0) / 10.0;
  const char sign = dec_deg < 0 ? '-' : '+';
  const double ad = std::abs(dec_deg);
  const int dd = static_cast<int>(ad);
  const int dm = static_cast<int>((ad - dd) * 60.0);
  char buf[40];
  std::snprintf(buf, sizeof buf, "SIM J%02d%04.1f%c%02d%02d", hh, mm, sign, dd, dm);
  return buf;
}

io::SourceCatalog simulate_catalog(const CatalogConfig& config, std::uint64_t seed) {
  campaign::TrialRng rng(seed, "sim.catalog", 0);
  io::SourceCatalog cat;
  std::set<std::string> names;
  // Class counts are fixed fractions (rounded), so a small catalogue still
  // has every class; their order along the catalogue is random.
  const auto n = config.count;
  const auto n_cfs = static_cast<std::size_t>(std::llround(config.fraction_cfs * n));
  const auto n_nfs = static_cast<std::size_t>(std::llround(config.fraction_nfs * n));
  const auto n_txs = static_cast<std::size_t>(std::llround(config.fraction_txs * n));
  std::vector<std::string> groups;
  groups.insert(groups.end(), n_cfs, GROUP_CFS);
  groups.insert(groups.end(), n_nfs, GROUP_NFS);
  groups.insert(groups.end(), n_txs, GROUP_TXS);
  if (groups.size() > n)
    groups.resize(n);
  groups.resize(n, GROUP_QUIET);
  for (std::size_t i = n; i > 1; --i) // Fisher-Yates
    std::swap(groups[i - 1], groups[rng.below(i)]);

  for (std::size_t i = 0; i < n; ++i) {
    double ra = 0, dec = 0;
    sky::Galactic g;
    std::string name;
    do {
      ra = quantize_ra(rng.uniform(0.0, 360.0), 4);
      dec = quantize(std::asin(rng.uniform(-1.0, 1.0)) / sky::DEG, 4);
      g = sky::to_galactic(ra, dec);
      name = source_name(ra, dec);
    } while (std::abs(g.b_deg) < config.min_abs_glat_deg || names.count(name) != 0);
    names.insert(name);
    cat.name.push_back(name);
    cat.ra_deg.push_back(ra);
    cat.dec_deg.push_back(dec);
    cat.glon_deg.push_back(quantize_ra(g.l_deg, 4));
    cat.glat_deg.push_back(quantize(g.b_deg, 4));
    // Variability index: log-normal; flaring classes are more variable (4FGL:
    // median ~ 20, a long tail to 10^4).
    const bool flaring = groups[i] != GROUP_QUIET;
    cat.variability_index.push_back(
        quantize(draw_lognormal(rng, flaring ? 60.0 : 12.0, flaring ? 1.2 : 0.8), 2));
    cat.group.push_back(groups[i]);
    cat.warm_spot.push_back(rng.uniform() < config.warm_spot_fraction ? 1 : 0);
  }
  return cat;
}

} // namespace nuflare::sim
