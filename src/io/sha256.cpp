// SHA-256 (FIPS 180-4): portable C++ and the x86 SHA extensions.
#include "nuflare/io/sha256.hpp"

#include "nuflare/core/error.hpp"

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <cpuid.h>
#include <immintrin.h>
#endif

#include <algorithm>
#include <cstring>
#include <fstream>
#include <vector>

namespace nuflare::io {

namespace {
constexpr std::array<std::uint32_t, 64> SHA256_K = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2};

inline std::uint32_t rotr(std::uint32_t x, int n) {
  return (x >> n) | (x << (32 - n));
}

void sha256_blocks_portable(std::uint32_t* h, const unsigned char* data, std::size_t n_blocks) {
  for (; n_blocks > 0; --n_blocks, data += 64) {
    std::array<std::uint32_t, 64> w{};
    for (int i = 0; i < 16; ++i)
      w[i] = (std::uint32_t(data[4 * i]) << 24) | (std::uint32_t(data[4 * i + 1]) << 16) |
             (std::uint32_t(data[4 * i + 2]) << 8) | std::uint32_t(data[4 * i + 3]);
    for (int i = 16; i < 64; ++i) {
      const std::uint32_t s0 = rotr(w[i - 15], 7) ^ rotr(w[i - 15], 18) ^ (w[i - 15] >> 3);
      const std::uint32_t s1 = rotr(w[i - 2], 17) ^ rotr(w[i - 2], 19) ^ (w[i - 2] >> 10);
      w[i] = w[i - 16] + s0 + w[i - 7] + s1;
    }
    std::uint32_t a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], hh = h[7];
    for (int i = 0; i < 64; ++i) {
      const std::uint32_t s1 = rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25);
      const std::uint32_t ch = (e & f) ^ (~e & g);
      const std::uint32_t t1 = hh + s1 + ch + SHA256_K[i] + w[i];
      const std::uint32_t s0 = rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22);
      const std::uint32_t maj = (a & b) ^ (a & c) ^ (b & c);
      const std::uint32_t t2 = s0 + maj;
      hh = g;
      g = f;
      f = e;
      e = d + t1;
      d = c;
      c = b;
      b = a;
      a = t1 + t2;
    }
    h[0] += a;
    h[1] += b;
    h[2] += c;
    h[3] += d;
    h[4] += e;
    h[5] += f;
    h[6] += g;
    h[7] += hh;
  }
}

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define NUFLARE_HAVE_SHA_NI 1
// Intel's SHA extensions: the state is kept as ABEF/CDGH, four rounds per
// 128-bit message group, the schedule from sha256msg1/msg2.
__attribute__((target("sha,sse4.1,ssse3"))) void
sha256_blocks_shani(std::uint32_t* h, const unsigned char* data, std::size_t n_blocks) {
  const __m128i byteswap = _mm_set_epi64x(0x0c0d0e0f08090a0bULL, 0x0405060700010203ULL);
  __m128i tmp = _mm_shuffle_epi32(_mm_loadu_si128(reinterpret_cast<const __m128i*>(h)), 0xB1);
  __m128i state1 =
      _mm_shuffle_epi32(_mm_loadu_si128(reinterpret_cast<const __m128i*>(h + 4)), 0x1B);
  __m128i state0 = _mm_alignr_epi8(tmp, state1, 8); // ABEF
  state1 = _mm_blend_epi16(state1, tmp, 0xF0);      // CDGH
  for (; n_blocks > 0; --n_blocks, data += 64) {
    const __m128i abef = state0, cdgh = state1;
    __m128i w[4]; // w[i % 4]: message words 4i .. 4i + 3
    for (int i = 0; i < 16; ++i) {
      if (i < 4) {
        w[i] = _mm_shuffle_epi8(_mm_loadu_si128(reinterpret_cast<const __m128i*>(data + 16 * i)),
                                byteswap);
      } else {
        const __m128i x = _mm_add_epi32(_mm_sha256msg1_epu32(w[i % 4], w[(i + 1) % 4]),
                                        _mm_alignr_epi8(w[(i + 3) % 4], w[(i + 2) % 4], 4));
        w[i % 4] = _mm_sha256msg2_epu32(x, w[(i + 3) % 4]);
      }
      __m128i msg = _mm_add_epi32(
          w[i % 4], _mm_loadu_si128(reinterpret_cast<const __m128i*>(&SHA256_K[4 * i])));
      state1 = _mm_sha256rnds2_epu32(state1, state0, msg);
      msg = _mm_shuffle_epi32(msg, 0x0E);
      state0 = _mm_sha256rnds2_epu32(state0, state1, msg);
    }
    state0 = _mm_add_epi32(state0, abef);
    state1 = _mm_add_epi32(state1, cdgh);
  }
  tmp = _mm_shuffle_epi32(state0, 0x1B);       // FEBA
  state1 = _mm_shuffle_epi32(state1, 0xB1);    // DCHG
  state0 = _mm_blend_epi16(tmp, state1, 0xF0); // DCBA
  state1 = _mm_alignr_epi8(state1, tmp, 8);    // HGFE
  _mm_storeu_si128(reinterpret_cast<__m128i*>(h), state0);
  _mm_storeu_si128(reinterpret_cast<__m128i*>(h + 4), state1);
}

bool cpu_has_sha_ni() {
  unsigned a = 0, b = 0, c = 0, d = 0;
  if (!__get_cpuid(1, &a, &b, &c, &d) || !(c & bit_SSE4_1) || !(c & bit_SSSE3))
    return false;
  if (!__get_cpuid_count(7, 0, &a, &b, &c, &d))
    return false;
  return (b & bit_SHA) != 0;
}
#endif

} // namespace

Sha256::Sha256(bool hardware)
    : h_{0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
         0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19},
      blocks_(sha256_blocks_portable) {
#ifdef NUFLARE_HAVE_SHA_NI
  static const bool has = cpu_has_sha_ni();
  if (hardware && has)
    blocks_ = sha256_blocks_shani;
#else
  (void)hardware;
#endif
}

void Sha256::update(const void* bytes, std::size_t n) {
  const auto* data = static_cast<const unsigned char*>(bytes);
  length_ += n;
  if (used_ > 0) { // complete the pending block first
    const std::size_t take = std::min(n, 64 - used_);
    std::memcpy(block_.data() + used_, data, take);
    used_ += take;
    data += take;
    n -= take;
    if (used_ < 64)
      return;
    blocks_(h_.data(), block_.data(), 1);
    used_ = 0;
  }
  blocks_(h_.data(), data, n / 64); // whole blocks straight from the input
  std::memcpy(block_.data(), data + n / 64 * 64, n % 64);
  used_ = n % 64;
}

std::array<unsigned char, 32> Sha256::digest() {
  const std::uint64_t bits = length_ * 8;
  std::array<unsigned char, 72> pad{};
  pad[0] = 0x80;
  const std::size_t n_pad = (used_ < 56 ? 56 : 120) - used_;
  for (int i = 0; i < 8; ++i)
    pad[n_pad + i] = static_cast<unsigned char>(bits >> (56 - 8 * i));
  update(pad.data(), n_pad + 8);
  std::array<unsigned char, 32> out{};
  for (std::size_t i = 0; i < 8; ++i)
    for (std::size_t b = 0; b < 4; ++b)
      out[4 * i + b] = static_cast<unsigned char>(h_[i] >> (24 - 8 * b));
  return out;
}

std::string Sha256::hex() {
  static constexpr char digits[] = "0123456789abcdef";
  std::string out;
  for (unsigned char byte : digest()) {
    out += digits[byte >> 4];
    out += digits[byte & 0xf];
  }
  return out;
}

namespace detail {
std::string sha256_hex(std::string_view bytes, bool hardware) {
  Sha256 sha(hardware);
  sha.update(bytes.data(), bytes.size());
  return sha.hex();
}
} // namespace detail

std::string sha256_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in)
    throw core::InputError(path.string(), 0, "", "cannot open for hashing");
  Sha256 sha(true);
  std::vector<char> buffer(std::size_t{1} << 20);
  while (in) {
    in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
    sha.update(buffer.data(), static_cast<std::size_t>(in.gcount()));
  }
  return sha.hex();
}

} // namespace nuflare::io
