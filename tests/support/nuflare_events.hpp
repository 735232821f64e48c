#pragma once
//! Event samples compared bit for bit: a cached, broadcast or re-read sample
//! must be the reader's own, NaN, infinities and signed zeros included
//! (docs/scaling.md, "Event cache" and "Read once per job").
#include "nuflare/io/icecube.hpp"

#include "nuflare_bytes.hpp"
#include "nuflare_catch.hpp"

#include <vector>

namespace nuflare::test {

//! Bitwise equality of doubles (NaN == NaN, −0 ≠ +0).
inline bool same_bits(const std::vector<double>& a, const std::vector<double>& b) {
  return same_bytes<double>(a, b);
}

//! `got` holds `want`'s events, every column bit for bit.
inline void check_same_events(const io::EventSample& got, const io::EventSample& want) {
  CHECK(same_bits(got.mjd, want.mjd));
  CHECK(same_bits(got.log10_e, want.log10_e));
  CHECK(same_bits(got.angerr_deg, want.angerr_deg));
  CHECK(same_bits(got.ra_deg, want.ra_deg));
  CHECK(same_bits(got.dec_deg, want.dec_deg));
  CHECK(got.season == want.season);
  CHECK(got.season_index == want.season_index);
}

} // namespace nuflare::test
