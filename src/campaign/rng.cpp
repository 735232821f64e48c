#include "nuflare/campaign/rng.hpp"

#include <Random123/philox.h>
#include <cmath>
#include <numbers>

namespace nuflare::campaign {

namespace {
__extension__ typedef unsigned __int128 u128; // GCC/Clang extension, silences -Wpedantic
} // namespace

void TrialRng::refill() noexcept {
  r123::Philox4x64 philox;
  const r123::Philox4x64::key_type key = {{key_[0], key_[1]}};
  const r123::Philox4x64::ctr_type ctr = {{trial_, block_++, 0, 0}};
  const auto out = philox(ctr, key);
  for (unsigned i = 0; i < 4; ++i)
    buffer_[i] = out.v[i];
  used_ = 0;
}

std::uint64_t TrialRng::below(std::uint64_t n) noexcept {
  // Lemire (2019), "Fast random integer generation in an interval".
  u128 m = static_cast<u128>(next_u64()) * n;
  auto low = static_cast<std::uint64_t>(m);
  if (low < n) {
    const std::uint64_t threshold = (0 - n) % n;
    while (low < threshold) {
      m = static_cast<u128>(next_u64()) * n;
      low = static_cast<std::uint64_t>(m);
    }
  }
  return static_cast<std::uint64_t>(m >> 64);
}

double TrialRng::normal() noexcept {
  const double u1 = 1.0 - uniform(); // (0, 1]
  const double u2 = uniform();
  return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * std::numbers::pi * u2);
}

} // namespace nuflare::campaign
