// The vector loops of the control engine's table reads and the choice
// between them (temporal_simd.hpp; add_pair in temporal_shift_sums.hpp).
#include "nuflare/coincidence/temporal_simd.hpp"

#include "temporal_shift_sums.hpp"

#include <cstring>

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>
#elif defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace nuflare::coincidence {

namespace {

// add_pair (temporal_shift_sums.hpp) two shifts at a time with SSE2, one at a
// time without.
inline void add_pair_sse2(double* __restrict sum_in, double* __restrict sum_out,
                          double* __restrict n_in, const double* __restrict values,
                          const std::uint16_t* __restrict counts, std::size_t bl, std::size_t bh,
                          std::size_t k0, std::size_t k1, double pn, std::size_t k_n) noexcept {
#if defined(__SSE2__)
  const __m128d PN = _mm_set1_pd(pn);
  const __m128d K0 = _mm_set1_pd(static_cast<double>(k0));
  const __m128d K1 = _mm_set1_pd(static_cast<double>(k1));
  const __m128d TWO = _mm_set1_pd(2.0);
  const __m128i ZERO = _mm_setzero_si128();
  __m128d kv = _mm_set_pd(1.0, 0.0);
  for (std::size_t k = 0; k < k_n; k += 2, kv = _mm_add_pd(kv, TWO)) {
    const __m128d in = _mm_andnot_pd(_mm_cmplt_pd(kv, K0), _mm_cmplt_pd(kv, K1));
    const __m128d vl = _mm_loadu_pd(values + bl + k);
    const __m128d vh = _mm_loadu_pd(values + bh + k);
    const __m128d d_in = _mm_sub_pd(vh, vl);
    const __m128d d_out = _mm_add_pd(_mm_sub_pd(PN, vh), vl);
    std::int32_t cl = 0, ch = 0;
    std::memcpy(&cl, counts + bl + k, sizeof cl);
    std::memcpy(&ch, counts + bh + k, sizeof ch);
    const __m128i c = _mm_sub_epi16(_mm_cvtsi32_si128(ch), _mm_cvtsi32_si128(cl));
    const __m128d d_n = _mm_cvtepi32_pd(_mm_unpacklo_epi16(c, ZERO));
    _mm_storeu_pd(sum_in + k, _mm_add_pd(_mm_loadu_pd(sum_in + k), _mm_and_pd(in, d_in)));
    _mm_storeu_pd(sum_out + k, _mm_add_pd(_mm_loadu_pd(sum_out + k),
                                          _mm_or_pd(_mm_and_pd(in, d_out), _mm_andnot_pd(in, PN))));
    _mm_storeu_pd(n_in + k, _mm_add_pd(_mm_loadu_pd(n_in + k), _mm_and_pd(in, d_n)));
  }
#else
  for (std::size_t k = 0; k < k_n; ++k) {
    const bool in = k >= k0 && k < k1;
    const double vl = values[bl + k], vh = values[bh + k];
    sum_in[k] += in ? vh - vl : 0.0;
    sum_out[k] += in ? (pn - vh) + vl : pn;
    n_in[k] += in ? static_cast<double>(counts[bh + k] - counts[bl + k]) : 0.0;
  }
#endif
}

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define NUFLARE_TEMPORAL_AVX2 1
//! add_pair() four shifts at a time (same operations per shift, no FMA, so
//! the same bits); called only where the processor has AVX2.
__attribute__((target("avx2"))) void
add_pair_avx2(double* __restrict sum_in, double* __restrict sum_out, double* __restrict n_in,
              const double* __restrict values, const std::uint16_t* __restrict counts,
              std::size_t bl, std::size_t bh, std::size_t k0, std::size_t k1, double pn,
              std::size_t k_n) noexcept {
  const __m256d PN = _mm256_set1_pd(pn);
  const __m256d K0 = _mm256_set1_pd(static_cast<double>(k0));
  const __m256d K1 = _mm256_set1_pd(static_cast<double>(k1));
  const __m256d FOUR = _mm256_set1_pd(4.0);
  __m256d kv = _mm256_set_pd(3.0, 2.0, 1.0, 0.0);
  for (std::size_t k = 0; k < k_n; k += 4, kv = _mm256_add_pd(kv, FOUR)) {
    const __m256d in =
        _mm256_andnot_pd(_mm256_cmp_pd(kv, K0, _CMP_LT_OQ), _mm256_cmp_pd(kv, K1, _CMP_LT_OQ));
    const __m256d vl = _mm256_loadu_pd(values + bl + k);
    const __m256d vh = _mm256_loadu_pd(values + bh + k);
    const __m256d d_in = _mm256_sub_pd(vh, vl);
    const __m256d d_out = _mm256_add_pd(_mm256_sub_pd(PN, vh), vl);
    const __m128i cl = _mm_loadl_epi64(reinterpret_cast<const __m128i*>(counts + bl + k));
    const __m128i ch = _mm_loadl_epi64(reinterpret_cast<const __m128i*>(counts + bh + k));
    const __m256d d_n = _mm256_cvtepi32_pd(_mm_cvtepu16_epi32(_mm_sub_epi16(ch, cl)));
    _mm256_storeu_pd(sum_in + k,
                     _mm256_add_pd(_mm256_loadu_pd(sum_in + k), _mm256_and_pd(in, d_in)));
    _mm256_storeu_pd(sum_out + k,
                     _mm256_add_pd(_mm256_loadu_pd(sum_out + k), _mm256_blendv_pd(PN, d_out, in)));
    _mm256_storeu_pd(n_in + k, _mm256_add_pd(_mm256_loadu_pd(n_in + k), _mm256_and_pd(in, d_n)));
  }
}
#endif

} // namespace

SimdLevel best_simd_level() noexcept {
#if defined(NUFLARE_TEMPORAL_AVX2)
  return __builtin_cpu_supports("avx2") ? SimdLevel::avx2 : SimdLevel::sse2;
#else
  return SimdLevel::sse2;
#endif
}

namespace detail {

void add_pair(SimdLevel simd, double* __restrict sum_in, double* __restrict sum_out,
              double* __restrict n_in, const double* __restrict values,
              const std::uint16_t* __restrict counts, std::size_t bl, std::size_t bh,
              std::size_t k0, std::size_t k1, double pn, std::size_t k_n) noexcept {
#if defined(NUFLARE_TEMPORAL_AVX2)
  if (simd == SimdLevel::avx2) {
    add_pair_avx2(sum_in, sum_out, n_in, values, counts, bl, bh, k0, k1, pn, k_n);
    return;
  }
#else
  (void)simd;
#endif
  add_pair_sse2(sum_in, sum_out, n_in, values, counts, bl, bh, k0, k1, pn, k_n);
}

} // namespace detail

} // namespace nuflare::coincidence
