#pragma once
//! Arrays compared byte for byte: what a copy, a broadcast or a build in
//! parts must reproduce exactly (for doubles NaN equals NaN, −0 differs
//! from +0).
#include <cstring>
#include <span>

namespace nuflare::test {

template <class T>
bool same_bytes(std::span<const T> a, std::span<const T> b) {
  return a.size() == b.size() &&
         (a.empty() || std::memcmp(a.data(), b.data(), a.size_bytes()) == 0);
}

} // namespace nuflare::test
