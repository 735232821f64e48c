#pragma once
//! Multi-band blazar light curves: damped-random-walk variability with
//! injected flares, sampled like Fermi-LAT (30-day bins with upper limits)
//! and WISE/NEOWISE (visits every ~6 months, survey gap 55600-56500 MJD)
//! (docs/methods.md (simulator) §4).
#include "nuflare/io/records.hpp"
#include "nuflare/sim/config.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace nuflare::sim {

//! Least gap between the gamma and the infrared flare of an NFS source [days]:
//! more than the 500-day TXS-like window of blazar paper §4.2, so NFS never looks TXS-like.
inline constexpr double NFS_SEPARATION_DAYS = 600.0;

//! One injected flare: a plateau [start, stop] of `amplitude` times the
//! quiescent flux on top of the red noise, with exponential edges.
struct Flare {
  std::string source;
  std::string band;
  std::string kind; //!< CFS, NFS, TXS-like or alert
  double start_mjd = 0, stop_mjd = 0;
  double amplitude = 0; //!< plateau excess / quiescent flux
};

//! Flare shape: 1 on [start, stop], exp(-distance / tau) outside with
//! tau = max(5 days, 0.1 (stop - start)).
[[nodiscard]] double flare_profile(double t_mjd, double start_mjd, double stop_mjd);

//! The flares of one source of catalogue group `group` (stream "sim.flares",
//! index = catalogue row): CFS one simultaneous flare in both bands; NFS a
//! gamma and an infrared flare at least NFS_SEPARATION_DAYS apart; TXS-like a gamma
//! flare followed, `txs_lag_days` later, by a longer infrared flare; quiet none.
[[nodiscard]] std::vector<Flare> schedule_flares(const LightCurvesConfig& config,
                                                 const std::string& source,
                                                 const std::string& group, std::uint64_t seed,
                                                 std::uint64_t index);

//! Flares in both bands around an alert time (signal injection).
[[nodiscard]] std::vector<Flare> alert_flares(const LightCurvesConfig& config,
                                              const std::string& source, double alert_mjd,
                                              double gamma_amplitude, double ir_amplitude);

//! The gamma-ray and infrared light curves of one source (stream "sim.lc",
//! index = catalogue row) with the given flares (only those naming this
//! source are used).
struct SourceCurves {
  io::LightCurve gamma;
  io::LightCurve ir;
};
[[nodiscard]] SourceCurves simulate_source_curves(const LightCurvesConfig& config,
                                                  const std::string& source,
                                                  const std::vector<Flare>& flares,
                                                  std::uint64_t seed, std::uint64_t index);

} // namespace nuflare::sim
