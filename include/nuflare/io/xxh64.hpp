#pragma once
//! XXH64 (Yann Collet's xxHash, 64-bit, seed 0): a fast checksum for bytes
//! that nuflare itself wrote and reads back (the event cache's entries,
//! event_cache.hpp), where SHA-256 would cost ten times as long and no
//! adversary is in play. Streaming: update() any number of times, digest()
//! whenever. Known values: "" → ef46db3751d8e999, "abc" → 44bc2cf5ad770999.
#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>

namespace nuflare::io {

//! XXH64 of everything given to update(), little-endian machines (x86, ARM).
class Xxh64 {
public:
  void update(const void* data, std::size_t n) {
    const auto* p = static_cast<const unsigned char*>(data);
    length_ += n;
    if (used_ > 0) {
      const std::size_t take = std::min(n, stripe_.size() - used_);
      std::memcpy(stripe_.data() + used_, p, take);
      used_ += take;
      p += take;
      n -= take;
      if (used_ < stripe_.size())
        return;
      consume(stripe_.data());
      used_ = 0;
    }
    for (; n >= 32; p += 32, n -= 32)
      consume(p);
    std::memcpy(stripe_.data(), p, n);
    used_ = n;
  }
  [[nodiscard]] std::uint64_t digest() const {
    std::uint64_t h;
    if (length_ >= 32) {
      h = rotl(v_[0], 1) + rotl(v_[1], 7) + rotl(v_[2], 12) + rotl(v_[3], 18);
      for (std::uint64_t v : v_)
        h = (h ^ round(0, v)) * P1 + P4;
    } else {
      h = P5;
    }
    h += length_;
    const unsigned char* p = stripe_.data();
    std::size_t n = used_;
    for (; n >= 8; p += 8, n -= 8)
      h = rotl(h ^ round(0, read64(p)), 27) * P1 + P4;
    if (n >= 4) {
      std::uint32_t k;
      std::memcpy(&k, p, 4);
      h = rotl(h ^ (std::uint64_t{k} * P1), 23) * P2 + P3;
      p += 4;
      n -= 4;
    }
    for (; n > 0; ++p, --n)
      h = rotl(h ^ (*p * P5), 11) * P1;
    h ^= h >> 33;
    h *= P2;
    h ^= h >> 29;
    h *= P3;
    h ^= h >> 32;
    return h;
  }

private:
  static constexpr std::uint64_t P1 = 0x9E3779B185EBCA87ULL, P2 = 0xC2B2AE3D27D4EB4FULL,
                                 P3 = 0x165667B19E3779F9ULL, P4 = 0x85EBCA77C2B2AE63ULL,
                                 P5 = 0x27D4EB2F165667C5ULL;
  static std::uint64_t rotl(std::uint64_t x, int r) { return (x << r) | (x >> (64 - r)); }
  static std::uint64_t round(std::uint64_t acc, std::uint64_t in) {
    return rotl(acc + in * P2, 31) * P1;
  }
  static std::uint64_t read64(const unsigned char* p) {
    std::uint64_t v;
    std::memcpy(&v, p, 8);
    return v;
  }
  void consume(const unsigned char* p) {
    for (int i = 0; i < 4; ++i)
      v_[i] = round(v_[i], read64(p + 8 * i));
  }
  std::array<std::uint64_t, 4> v_ = {P1 + P2, P2, 0, 0 - P1};
  std::array<unsigned char, 32> stripe_{};
  std::size_t used_ = 0;
  std::uint64_t length_ = 0;
};

} // namespace nuflare::io
