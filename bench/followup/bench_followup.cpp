// Times the `nuflare followup` workload (ZTF paper §6): P_detectable and the 90% CL
// f limit for 4 evolutions x 25 absolute magnitudes (−27 ... −15 in 0.5 steps),
// exact quadrature and the stein2023 grid (goal: < 1 s for the exact sweep),
// and the archive curves.
// Cross-check values (not timed here) come from astropy + scipy; see
// docs/methods.md (ZTF follow-up).
#include "nuflare/followup/detection.hpp"
#include "nuflare/followup/limits.hpp"
#include "nuflare/followup/redshift.hpp"

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

// The archive curves of `nuflare followup` (Fig. 16–19): P_det of the ZTF and
// the deep survey for 4 evolutions × 121 magnitudes (−27 ... −15 in 0.1
// steps), with the grid form of DetectionModel::p_detectable (`grid` = 1) and,
// for the ratio, one magnitude at a time (`grid` = 0). Both give the same bits.
void curves(benchmark::State& state, GridMode mode) {
  const bool grid = state.range(0) != 0;
  const std::vector<Evolution> evolutions{Evolution::sfr, Evolution::grb, Evolution::blazar,
                                          Evolution::madau};
  const auto mags = magnitude_grid(-27.0, -15.0, 0.1);
  RedshiftConfig rc;
  rc.mode = mode;
  std::vector<RedshiftPdf> pdfs;
  for (auto e : evolutions)
    pdfs.emplace_back(e, rc);
  const DetectionModel ztf(DetectionConfig::ztf()), deep(DetectionConfig::deep_survey());
  for (auto _ : state) {
    double sum = 0;
    for (const auto& pdf : pdfs)
      for (const DetectionModel* model : {&ztf, &deep}) {
        if (grid) {
          for (double p : model->p_detectable(pdf, mags))
            sum += p;
        } else {
          for (double m : mags)
            sum += model->p_detectable(pdf, m);
        }
      }
    benchmark::DoNotOptimize(sum);
  }
  state.counters["p_det"] = static_cast<double>(2 * evolutions.size() * mags.size());
}

void BM_curves_exact(benchmark::State& state) {
  curves(state, GridMode::exact);
}
void BM_curves_stein2023(benchmark::State& state) {
  curves(state, GridMode::stein2023);
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
BENCHMARK(BM_curves_exact)->ArgName("grid")->Arg(1)->Arg(0)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_curves_stein2023)->ArgName("grid")->Arg(1)->Arg(0)->Unit(benchmark::kMillisecond);
BENCHMARK_MAIN();
