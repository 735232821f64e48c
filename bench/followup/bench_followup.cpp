// Times the `nuflare followup` workload (ZTF paper §6): P_detectable and the 90% CL
// f limit for 4 evolutions x 25 absolute magnitudes (−27 ... −15 in 0.5 steps),
// exact quadrature and the stein2023 grid. Goal: < 1 s for the exact sweep.
// Cross-check values (not timed here) come from astropy + scipy; see
// docs/methods.md (ZTF follow-up).
#include "nuflare/followup/limits.hpp"

#include <benchmark/benchmark.h>

#include <vector>

namespace {

using namespace nuflare::followup;

// P_astro·P_obs of the 24 alerts of ZTF paper Table 4 (rounded; the workload,
// not the values, matters here).
const std::vector<double> PRODUCTS{0.23, 0.39, 0.50, 0.42, 0.48, 0.37, 0.69, 0.32,
                                   0.27, 0.46, 0.21, 0.25, 0.29, 0.33, 0.77, 0.25,
                                   0.11, 0.12, 0.43, 0.43, 0.23, 0.24, 0.50, 0.62};

void run(benchmark::State& state, GridMode mode) {
  const std::vector<Evolution> evolutions{Evolution::sfr, Evolution::grb, Evolution::blazar,
                                          Evolution::madau};
  const auto mags = magnitude_grid(-27.0, -15.0, 0.5);
  FollowupConfig config;
  config.redshift.mode = mode;
  for (auto _ : state) {
    auto rows = limit_curve(PRODUCTS, evolutions, mags, config);
    benchmark::DoNotOptimize(rows.data());
  }
  state.counters["rows"] = static_cast<double>(evolutions.size() * mags.size());
}

void BM_followup_exact(benchmark::State& state) {
  run(state, GridMode::exact);
}
void BM_followup_stein2023(benchmark::State& state) {
  run(state, GridMode::stein2023);
}

} // namespace

BENCHMARK(BM_followup_exact)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_followup_stein2023)->Unit(benchmark::kMillisecond);
BENCHMARK_MAIN();
