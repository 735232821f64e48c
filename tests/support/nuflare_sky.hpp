#pragma once
//! Synthetic skies the campaign tests share.
#include "nuflare/io/records.hpp"

#include <cmath>
#include <cstdint>
#include <random>

namespace nuflare::test {

//! `n` events isotropic on the sky at MJD 55000 in one season "SIM", drawn
//! from mt19937_64(seed), so every rank makes the same: log10(E/GeV) uniform
//! in [log10e_min, log10e_min + log10e_span], AngErr 0.2 deg + angerr_span
//! times the product of two uniforms (mostly small, a few large).
inline io::EventSample isotropic_events(std::size_t n, std::uint64_t seed, double log10e_min,
                                        double log10e_span, double angerr_span) {
  std::mt19937_64 gen(seed);
  std::uniform_real_distribution<double> u(0, 1);
  io::EventSample ev;
  ev.season = {"SIM"};
  for (std::size_t i = 0; i < n; ++i) {
    ev.mjd.push_back(55000);
    ev.log10_e.push_back(log10e_min + log10e_span * u(gen));
    ev.angerr_deg.push_back(0.2 + angerr_span * u(gen) * u(gen));
    ev.ra_deg.push_back(360 * u(gen));
    ev.dec_deg.push_back(std::asin(2 * u(gen) - 1) * 57.29577951308232);
    ev.season_index.push_back(0);
  }
  return ev;
}

} // namespace nuflare::test
