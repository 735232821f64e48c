// Counter-based trial RNG and the work partition (docs/methods.md).
#include "nuflare/campaign/partition.hpp"
#include "nuflare/campaign/rng.hpp"
#include "nuflare/campaign/temporal_campaign.hpp"

#include "nuflare_catch.hpp"

#include <Random123/philox.h>
#include <cmath>
#include <numeric>
#include <set>
#include <vector>

using namespace nuflare::campaign;

TEST_CASE("Philox4x64-10 reproduces Random123's known-answer vector", "[rng]") {
  // kat_vectors: philox4x64 10, counter 0, key 0.
  r123::Philox4x64 philox;
  const auto out = philox({{0, 0, 0, 0}}, {{0, 0}});
  CHECK(out.v[0] == 0x16554d9eca36314cULL);
  CHECK(out.v[1] == 0xdb20fe9d672d0fdcULL);
  CHECK(out.v[2] == 0xd7e772cee186176bULL);
  CHECK(out.v[3] == 0x7e68b68aec7ba23bULL);
}

TEST_CASE("a trial's numbers depend only on (seed, stream, global index)", "[rng]") {
  TrialRng a(42, "spatial.ra", 1234);
  TrialRng b(42, "spatial.ra", 1234);
  for (int i = 0; i < 100; ++i)
    REQUIRE(a.next_u64() == b.next_u64());
  TrialRng other_trial(42, "spatial.ra", 1235);
  TrialRng other_stream(42, "temporal.alert", 1234);
  TrialRng other_seed(43, "spatial.ra", 1234);
  TrialRng c(42, "spatial.ra", 1234);
  const auto first = c.next_u64();
  CHECK(other_trial.next_u64() != first);
  CHECK(other_stream.next_u64() != first);
  CHECK(other_seed.next_u64() != first);
  CHECK(stream_key("spatial.ra") != stream_key("spatial.rb"));
  CHECK(stream_key("") == 0xcbf29ce484222325ULL); // FNV-1a offset basis
}

TEST_CASE("uniform deviates are in [0,1) with the right moments", "[rng]") {
  TrialRng rng(7, "test", 0);
  const int n = 200000;
  double sum = 0, sum2 = 0;
  for (int i = 0; i < n; ++i) {
    const double u = rng.uniform();
    REQUIRE(u >= 0.0);
    REQUIRE(u < 1.0);
    sum += u;
    sum2 += u * u;
  }
  CHECK(std::abs(sum / n - 0.5) < 0.005);
  CHECK(std::abs(sum2 / n - sum / n * sum / n - 1.0 / 12) < 0.002);
  double nsum = 0, nsum2 = 0;
  for (int i = 0; i < n; ++i) {
    const double z = rng.normal();
    nsum += z;
    nsum2 += z * z;
  }
  CHECK(std::abs(nsum / n) < 0.01);
  CHECK(std::abs(nsum2 / n - 1.0) < 0.02);
}

TEST_CASE("below(n) is unbiased and in range", "[rng]") {
  TrialRng rng(1, "test", 99);
  std::vector<int> counts(7, 0);
  for (int i = 0; i < 70000; ++i) {
    const auto k = rng.below(7);
    REQUIRE(k < 7);
    ++counts[k];
  }
  for (int c : counts)
    CHECK(std::abs(c - 10000) < 500);
}

TEST_CASE("draw_control: the partial Fisher–Yates of TrialRng, draw for draw", "[rng]") {
  // draw_control makes its numbers 16 Philox blocks at a time and keeps its
  // permutation between calls; the draws must stay those of the plain form.
  const auto reference = [](std::uint64_t seed, std::uint64_t g, std::size_t pool,
                            std::size_t n_alerts, std::vector<std::uint32_t>& dp,
                            std::vector<std::uint32_t>& da) {
    TrialRng rng(seed, CONTROL_STREAM, g);
    std::vector<std::uint32_t> idx(pool);
    std::iota(idx.begin(), idx.end(), 0u);
    for (std::size_t j = 0; j < dp.size(); ++j) {
      const std::size_t r = j + rng.below(pool - j);
      std::swap(idx[j], idx[r]);
      dp[j] = idx[j];
    }
    for (auto& a : da)
      a = static_cast<std::uint32_t>(rng.below(n_alerts));
  };
  int bad = 0;
  for (std::size_t pool : {1, 2, 7, 165, 1000, 5000})
    for (std::size_t m : {0, 1, 5, 165, 999})
      for (std::size_t n_alerts : {std::size_t{1}, std::size_t{3}, std::size_t{80},
                                   (std::size_t{3} << 62) + 1}) // rejects a quarter
        for (std::uint64_t g = 0; g < 40 && m <= pool; ++g) {
          std::vector<std::uint32_t> dp(m), da(m), rp(m), ra(m);
          reference(7 * g + 1, g, pool, n_alerts, rp, ra);
          draw_control(7 * g + 1, g, pool, n_alerts, dp, da);
          bad += dp != rp || da != ra;
        }
  CHECK(bad == 0);
  std::vector<std::uint32_t> dp(3), da(3);
  CHECK_THROWS(draw_control(1, 0, 2, 5, dp, da)); // more sources than the pool holds
  CHECK_THROWS(draw_control(1, 0, 5, 0, dp, da)); // no alert to lend a time
}

TEST_CASE("work_index splits contiguous blocks like OpenMC", "[partition]") {
  CHECK(work_index(10, 3) == std::vector<std::uint64_t>{0, 4, 7, 10});
  CHECK(work_index(2, 4) == std::vector<std::uint64_t>{0, 1, 2, 2, 2});
  CHECK(work_index(0, 2) == std::vector<std::uint64_t>{0, 0, 0});
  for (std::uint64_t n : {1ULL, 7ULL, 100000ULL})
    for (int size = 1; size <= 5; ++size) {
      std::uint64_t covered = 0;
      for (int r = 0; r < size; ++r) {
        const auto w = work_range(n, r, size);
        CHECK(w.begin == covered);
        covered = w.end;
      }
      CHECK(covered == n);
    }
  CHECK_THROWS(work_index(10, 0));
}
