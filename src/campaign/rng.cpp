#include "nuflare/campaign/rng.hpp"

#include <Random123/philox.h>
#include <cmath>
#include <numbers>

namespace nuflare::campaign {

void TrialRng::refill() noexcept {
  r123::Philox4x64 philox;
  const r123::Philox4x64::key_type key = {{key_[0], key_[1]}};
  const r123::Philox4x64::ctr_type ctr = {{trial_, block_++, 0, 0}};
  const auto out = philox(ctr, key);
  for (unsigned i = 0; i < 4; ++i)
    buffer_[i] = out.v[i];
  used_ = 0;
}

double TrialRng::normal() noexcept {
  const double u1 = 1.0 - uniform(); // (0, 1]
  const double u2 = uniform();
  return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * std::numbers::pi * u2);
}

} // namespace nuflare::campaign
