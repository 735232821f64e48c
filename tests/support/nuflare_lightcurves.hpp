#pragma once
//! Light curves compared bit for bit: curves read in parts, by other ranks or
//! merged must be the serial reader's own, in the same order
//! (docs/scaling.md, "Read once per job").
#include "nuflare/io/records.hpp"

#include "nuflare_bytes.hpp"
#include "nuflare_catch.hpp"

#include <span>
#include <vector>

namespace nuflare::test {

//! `got` holds `want`'s curves in order, every column bit for bit.
inline void require_same_curves(const std::vector<io::LightCurve>& got,
                                const std::vector<io::LightCurve>& want) {
  const auto same = [](const auto& a, const auto& b) {
    using T = typename std::remove_cvref_t<decltype(a)>::value_type;
    return same_bytes(std::span<const T>(a), std::span<const T>(b));
  };
  REQUIRE(got.size() == want.size());
  for (std::size_t i = 0; i < got.size(); ++i) {
    INFO("curve " << i << ": " << want[i].source << " / " << want[i].band);
    CHECK(got[i].source == want[i].source);
    CHECK(got[i].band == want[i].band);
    CHECK(got[i].flux_unit == want[i].flux_unit);
    CHECK(same(got[i].mjd, want[i].mjd));
    CHECK(same(got[i].flux, want[i].flux));
    CHECK(same(got[i].flux_err, want[i].flux_err));
    CHECK(same(got[i].upper_limit, want[i].upper_limit));
    CHECK(same(got[i].ts, want[i].ts));
    CHECK(same(got[i].photon_index, want[i].photon_index));
  }
}

} // namespace nuflare::test
