#pragma once
//! Which vector loop the control engine's table reads use (temporal_control.hpp).
//! Both add the same numbers in the same order (no fused multiply-add), so the
//! choice changes the speed, never a bit of the result. It is made by the
//! caller (the command line honours NUFLARE_NO_AVX2; tests run both), not
//! read from the environment inside the library.
namespace nuflare::coincidence {

enum class SimdLevel {
  sse2, //!< the baseline loop: SSE2 on x86-64, plain C++ elsewhere
  avx2, //!< four shifts per instruction (x86-64 processors with AVX2)
};

//! avx2 when this processor has AVX2 (and the build can target it), else sse2.
[[nodiscard]] SimdLevel best_simd_level() noexcept;

} // namespace nuflare::coincidence
