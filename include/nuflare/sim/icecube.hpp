#pragma once
//! IceCube-like seasons: good-run lists, track events and effective areas
//! modelled on the public IC40 season (docs/methods.md (simulator) §1). Only fitted
//! parameters live here, never the data.
#include "nuflare/io/records.hpp"
#include "nuflare/sim/config.hpp"

#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace nuflare::campaign {
class TrialRng;
}

namespace nuflare::sim {

//! The IC40 parametrisation (fitted to icecube_10year_ps/events/IC40_exp.csv,
//! 36900 events; tools and numbers in docs/methods.md (simulator)).
namespace ic40 {
//! Probabilities of 20 equal bins of sin(Dec) on [-1, 1] (uniform inside a bin).
inline constexpr std::array<double, 20> SIN_DEC_PDF = {
    0.06214, 0.06187, 0.06136, 0.06122, 0.06222, 0.05843, 0.06149, 0.06119, 0.05973, 0.06767,
    0.06081, 0.04897, 0.04214, 0.03696, 0.03480, 0.03282, 0.03401, 0.03190, 0.03260, 0.02767};
//! log10(E/GeV) histograms: 18 bins of 0.25 on [2.5, 7.0], split at sin(Dec) = -0.1.
inline constexpr double LOG10_E_MIN = 2.5;
inline constexpr double LOG10_E_BIN = 0.25;
inline constexpr double SPLIT_SIN_DEC = -0.1;
//! Southern sky (sin Dec < -0.1): the down-going muon veto leaves only high energies.
inline constexpr std::array<double, 18> LOG10_E_PDF_SOUTH = {
    0.0,     0.0,     0.0,     0.0,     0.0,     0.0,     0.00429, 0.0145,  0.02731,
    0.04901, 0.08337, 0.16379, 0.34030, 0.25954, 0.04768, 0.00799, 0.00182, 0.00039};
//! Northern sky and horizon (sin Dec >= -0.1): atmospheric neutrinos, soft spectrum.
inline constexpr std::array<double, 18> LOG10_E_PDF_NORTH = {
    0.00096, 0.03466, 0.24130, 0.32627, 0.18793, 0.10633, 0.06276, 0.02389, 0.01029,
    0.00367, 0.00144, 0.00036, 0.00012, 0.0,     0.0,     0.0,     0.0,     0.0};
//! log10(AngErr/deg) = A + B log10(E/GeV) + SIGMA * N(0,1), truncated to [MIN, MAX].
inline constexpr double ANGERR_A = 0.1339;
inline constexpr double ANGERR_B = -0.06238;
inline constexpr double ANGERR_SIGMA = 0.2038;
inline constexpr double ANGERR_MIN_DEG = 0.2;
inline constexpr double ANGERR_MAX_DEG = 2.8;
} // namespace ic40

//! One simulated season: its name, good runs, events and effective area.
struct Season {
  io::GoodRunList runs;
  io::EventSample events; //!< one season; sorted by time
  io::EffectiveArea area;
  std::vector<double> azimuth_deg, zenith_deg; //!< per event, for the file format only
};

//! Name of season `index` (0-based): PREFIX01, PREFIX02, ...
[[nodiscard]] std::string season_name(const EventsConfig& config, int index);

//! Good-run list of season `index`: runs of about `run_hours` separated by
//! gaps so that livetime / length = `uptime`.
[[nodiscard]] io::GoodRunList simulate_good_runs(const EventsConfig& config, int index,
                                                 std::uint64_t seed);

//! Draws sin(Dec), log10 E and AngErr of one background event from the IC40
//! parametrisation.
struct EventDraw {
  double dec_deg, log10_e, angerr_deg;
};
[[nodiscard]] EventDraw draw_background_event(campaign::TrialRng& rng);
//! AngErr [deg] for an event of energy log10(E/GeV) (the IC40 fit).
[[nodiscard]] double draw_angerr_deg(campaign::TrialRng& rng, double log10_e);
//! A time uniform over the livetime of `runs` [MJD].
[[nodiscard]] double draw_uptime_mjd(campaign::TrialRng& rng, const io::GoodRunList& runs);

//! A neutrino source for signal injection: position and mean number of
//! events in this season.
struct SignalSource {
  double ra_deg, dec_deg;
  double mean_events;
};

//! A whole season: background events from the IC40 model plus signal events
//! around `signal` (energies E^-index, directions smeared by AngErr).
[[nodiscard]] Season simulate_season(const EventsConfig& config, const InjectionConfig& injection,
                                     int index, std::uint64_t seed,
                                     const std::vector<SignalSource>& signal);

//! Effective area table (20 log10 E bins on [2, 7] x 20 sin(Dec) bins): an
//! analytic shape whose declination dependence follows the IC40 event
//! distribution; see docs/methods.md (simulator).
[[nodiscard]] io::EffectiveArea simulate_effective_area(const std::string& season);

} // namespace nuflare::sim
