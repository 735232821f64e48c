#pragma once
//! Counter-based random numbers for trial campaigns (docs/methods.md).
//!
//! Every trial draws from Random123's Philox4x64-10 keyed by (master seed,
//! named stream) with the trial's *global* index in the counter. Trial g thus
//! sees the same numbers whichever rank runs it and however the work is split,
//! unlike `seed + rank` seeding (see STYLE.md). Streams separate independent
//! uses (e.g. "spatial.ra" and "temporal.alert") so adding one never shifts
//! another.
#include <array>
#include <cstdint>
#include <string_view>

namespace nuflare::campaign {

//! 64-bit FNV-1a hash of a stream name; the second half of the Philox key.
constexpr std::uint64_t stream_key(std::string_view name) noexcept {
  std::uint64_t h = 0xcbf29ce484222325ULL;
  for (char c : name) {
    h ^= static_cast<unsigned char>(c);
    h *= 0x100000001b3ULL;
  }
  return h;
}

//! Name of the scheme, stored in every archive.
inline constexpr const char* RNG_SCHEME =
    "Random123 Philox4x64-10; key = (master_seed, FNV-1a-64(stream)); "
    "counter = (global_trial_index, block, 0, 0)";

//! Unbiased integer in [0, n), n > 0, from a source of raw 64-bit values
//! (Lemire 2019, "Fast random integer generation in an interval": multiply,
//! reject the few biased low products). Shared by every generator here, so
//! all make the same draws from the same raw values.
template <class NextU64>
std::uint64_t below_from(std::uint64_t n, NextU64&& next_u64) noexcept {
  __extension__ typedef unsigned __int128 u128; // GCC/Clang extension
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

//! The random numbers of one trial in one stream.
class TrialRng {
public:
  TrialRng(std::uint64_t master_seed, std::string_view stream, std::uint64_t trial) noexcept
      : key_{master_seed, stream_key(stream)}, trial_(trial) {}

  //! Next raw 64-bit value.
  std::uint64_t next_u64() noexcept {
    if (used_ == 4)
      refill();
    return buffer_[used_++];
  }
  //! Uniform in [0, 1) with 53 random bits.
  double uniform() noexcept { return static_cast<double>(next_u64() >> 11) * 0x1.0p-53; }
  //! Uniform in [lo, hi).
  double uniform(double lo, double hi) noexcept { return lo + (hi - lo) * uniform(); }
  //! Unbiased integer in [0, n), n > 0 (Lemire's multiply-and-reject).
  std::uint64_t below(std::uint64_t n) noexcept {
    return below_from(n, [this] { return next_u64(); });
  }
  //! Standard normal deviate (Box–Muller, one value per call).
  double normal() noexcept;

  [[nodiscard]] std::uint64_t trial() const noexcept { return trial_; }

private:
  void refill() noexcept;

  std::array<std::uint64_t, 2> key_;
  std::uint64_t trial_;
  std::uint64_t block_ = 0;
  std::array<std::uint64_t, 4> buffer_{};
  unsigned used_ = 4;
};

} // namespace nuflare::campaign
