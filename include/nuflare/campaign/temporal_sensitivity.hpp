#pragma once
//! Sensitivity and discovery potential of the time test (issue 7, beyond the
//! papers; docs/methods.md "Sensitivity and discovery potential"): background
//! trials are the alert-RA scrambles of `nuflare scan` (trial k = scan trial k,
//! R(0) at one (ΔT, factor) point), signal trials the same skies with flares
//! injected into the light curves of chosen (source, alert) pairs at the alert
//! times. Partitioned over MPI ranks by global trial index.
//!
//! Archive: /sensitivity (attribute test = "temporal"),
//! /sensitivity/background/trials/{statistic,n_pairs},
//! /sensitivity/signal/trials/{statistic,n_injected} (row s·N_signal + k),
//! /sensitivity/summary and /sensitivity/curve.
#include "nuflare/campaign/runner.hpp"
#include "nuflare/coincidence/injection.hpp"
#include "nuflare/coincidence/temporal.hpp"
#include "nuflare/io/archive.hpp"
#include "nuflare/sky/region.hpp"

#include <mpi.h>

#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace nuflare::campaign {

inline constexpr const char* FLARE_INJECTION_STREAM = "sensitivity.flare"; //!< pair choice

struct TemporalSensitivityConfig {
  std::string band;        //!< label only (the series are already of this band)
  double delta_t_days = 0; //!< ΔT of the test point
  double factor = 1.0;     //!< containment factor of the test point
  sky::RegionShape shape = sky::RegionShape::ellipse;
  double flare_cut = 0; //!< blazar paper §5 flare-level cut
  double amplitude = 5; //!< injected flare level [quiescent flux]
  std::uint64_t background_trials = 10000;
  std::uint64_t signal_trials = 1000; //!< per strength
  std::vector<double> strengths;      //!< injected flares per trial (whole numbers ≥ 0)
  std::uint64_t seed = 0;
  RunnerOptions runner;

  //! The keys of the time test's sensitivity point (docs/cli.md, `nuflare
  //! sensitivity --test temporal`); band, region, cut, trial counts, seed and
  //! strengths are given with the inputs.
  static const core::OptionTable<TemporalSensitivityConfig>& options();
};

inline const core::OptionTable<TemporalSensitivityConfig>& TemporalSensitivityConfig::options() {
  using C = TemporalSensitivityConfig;
  static const auto table =
      core::OptionTable<C>()
          .add("delta_t", &C::delta_t_days, "days", "time window of the test point", core::POSITIVE)
          .no_default("required with test = temporal")
          .add("factor", &C::factor, "",
               "containment factor of the alert regions at the test point", core::POSITIVE)
          .add("flare_amplitude", &C::amplitude, "quiescent flux", "injected flare level",
               core::POSITIVE);
  return table;
}

struct TemporalSensitivityResult {
  std::string band;
  double delta_t_days = 0, factor = 1, amplitude = 0;
  std::int64_t n_alerts = 0, n_sources = 0; //!< selected alerts and series
  double mean_pairs = 0;                    //!< mean pairs over the background skies
  std::vector<double> mean_injected;        //!< per strength: mean flares injected
  coincidence::SensitivityResult result;
};

//! The pairs signal trial g injects flares into: `n` of `n_pairs` drawn
//! without replacement from TrialRng(seed, "sensitivity.flare", g); all pairs
//! when n ≥ n_pairs.
[[nodiscard]] std::vector<std::uint32_t> draw_flare_pairs(std::uint64_t seed, std::uint64_t g,
                                                          std::size_t n_pairs, std::size_t n);

//! Runs background and signal trials (collective); every rank returns the
//! same result. Signal trial k of strength index s has global index
//! s·N_signal + k (the sweep convention of docs/methods.md) and the sky of background trial k.
[[nodiscard]] TemporalSensitivityResult run_temporal_sensitivity_campaign(
    io::Archive& archive, MPI_Comm comm, std::span<const coincidence::FlareSeries> series,
    std::span<const io::Alert> alerts, const TemporalSensitivityConfig& config);

//! One row: the test point, sensitivity, 3σ and 5σ discovery potential [flares].
[[nodiscard]] io::Table temporal_sensitivity_summary_table(const TemporalSensitivityResult& r);
//! One row per strength: the detection fractions behind the summary.
[[nodiscard]] io::Table temporal_sensitivity_curve_table(const TemporalSensitivityResult& r);

} // namespace nuflare::campaign
