#pragma once
//! Spatial coincidence count of one trial (SPEC §7; blazar paper §6.3,
//! Table 6, Table 2): the number of IceCube tracks that have at least one
//! source of a group inside their error circle, for every energy threshold at
//! once. Plain data in, plain data out: no MPI, no files.
//!
//! The kernel keeps the selected events in a search index: events are split
//! into classes of similar circle radius, each class into declination bands,
//! each band sorted by right ascension. A source visits the bands its largest
//! circle can reach, finds the RA window by binary search and tests the
//! candidates by one dot product of unit vectors against the precomputed
//! cos(radius) — no trigonometry per (event, source) pair. A per-event stamp
//! counts an event near several sources once.
#include "nuflare/io/records.hpp"
#include "nuflare/sky/region.hpp"

#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace nuflare::coincidence {

//! Settings of the spatial test (SPEC §7, §11).
struct SpatialConfig {
  double log10e_min = 4.8;   //!< lowest threshold, log10(E/GeV)
  double log10e_max = 6.0;   //!< highest threshold, log10(E/GeV)
  double log10e_step = 0.1;  //!< threshold step [dex]
  double max_angerr_deg = 5; //!< events with AngErr above this are dropped [deg]
  double angerr_scale = 1;   //!< circle radius = angerr_scale × AngErr
};

//! The energy thresholds log10(E/GeV) of a configuration: min, min+step, …,
//! up to max (inclusive within 1e-9 step), each rounded to 9 decimals so that
//! 4.8 + 3 × 0.1 is the double nearest 5.1 and an event of log10E = 5.1
//! passes it. Throws core::ConfigError for step ≤ 0, max < min, or > 1000
//! thresholds.
[[nodiscard]] std::vector<double> energy_thresholds(const SpatialConfig& config);

//! The selected events in their search structure (immutable; share it
//! between groups and threads).
class SpatialIndex {
public:
  //! Selects events with AngErr ≤ max_angerr_deg and log10E ≥ the lowest
  //! threshold, and builds the radius-class / declination-band / RA index.
  SpatialIndex(const io::EventSample& events, const SpatialConfig& config);

  [[nodiscard]] const std::vector<double>& thresholds() const noexcept { return thresholds_; }
  [[nodiscard]] std::size_t n_thresholds() const noexcept { return thresholds_.size(); }
  //! Events that passed the selection.
  [[nodiscard]] std::size_t n_selected() const noexcept { return n_selected_; }
  //! Selected events at or above each threshold (the denominator of the counts).
  [[nodiscard]] const std::vector<std::int64_t>& events_above() const noexcept {
    return events_above_;
  }

  //! One radius class: bands of events sorted by RA, stored column-wise.
  struct RadiusClass {
    double max_radius_deg = 0;              //!< largest circle radius in the class
    double band_height_deg = 0;             //!< declination band height
    std::vector<std::uint32_t> band_offset; //!< n_bands + 1 prefix offsets
    //! RA cells per band: a source's RA window starts its binary search
    //! inside one cell instead of the whole band.
    std::uint32_t n_cells = 1;
    double cells_per_deg = 1.0 / 360.0;
    std::vector<std::uint32_t> cell_start; //!< [band × (n_cells + 1)] entry offsets
    std::vector<double> ra_deg;            //!< per entry, sorted within a band
    std::vector<double> x, y, z;           //!< unit vector of the event
    std::vector<double> cos_radius;        //!< cos(circle radius)
    std::vector<std::uint32_t> id;         //!< event number among the selected events
    std::vector<std::uint16_t> bin;        //!< highest threshold index the event passes
  };
  [[nodiscard]] const std::vector<RadiusClass>& classes() const noexcept { return classes_; }

private:
  std::vector<double> thresholds_;
  std::size_t n_selected_ = 0;
  std::vector<std::int64_t> events_above_;
  std::vector<RadiusClass> classes_;
};

//! Counts one source group against an index, trial after trial. Holds the
//! declination-only part of every source's search window (fixed under RA
//! scrambling) and the per-event scratch stamps: one counter per thread.
class SpatialCounter {
public:
  //! `index` must outlive the counter; `dec_deg` are the group's declinations.
  SpatialCounter(const SpatialIndex& index, std::span<const double> dec_deg);

  //! N_obs per threshold (size index.n_thresholds()) for sources at
  //! (`ra_deg`[i], the constructor's dec[i]): events with at least one source
  //! within their circle, each event once (SPEC §7).
  void count(std::span<const double> ra_deg, std::span<std::int64_t> n_obs);

  [[nodiscard]] std::size_t n_sources() const noexcept { return sin_dec_.size(); }

private:
  //! Search window of one source in one radius class.
  struct Window {
    std::uint32_t band_begin = 0, band_end = 0; //!< bands [begin, end)
    double half_width_ra_deg = 0;               //!< ≥ 180: the whole band
  };
  const SpatialIndex* index_;
  std::vector<double> sin_dec_, cos_dec_;
  std::vector<Window> windows_;         //!< [source × class]
  std::vector<std::size_t> class_base_; //!< first stamp of each radius class
  std::vector<std::uint32_t> stamp_;
  std::uint32_t token_ = 0;
  std::vector<std::int64_t> histogram_;
};

//! N_obs for one source configuration (builds a counter; convenience).
[[nodiscard]] std::vector<std::int64_t> count_near_sources(const SpatialIndex& index,
                                                           std::span<const double> ra_deg,
                                                           std::span<const double> dec_deg);

//! Brute-force reference: every (event, source) pair by Vincenty distance.
//! Slow; for tests and benchmarks.
[[nodiscard]] std::vector<std::int64_t>
count_near_sources_brute_force(const io::EventSample& events, const SpatialConfig& config,
                               std::span<const double> ra_deg, std::span<const double> dec_deg);

//! Trial statistics of one threshold (SPEC §6, §7).
struct TrialSummary {
  std::int64_t n_observed = 0;
  double n_expected = 0;       //!< mean over trials
  double sigma = 0;            //!< standard deviation over trials (N − 1 denominator)
  double p16 = 0, p84 = 0;     //!< 16th / 84th percentiles (linear interpolation)
  std::int64_t n_at_least = 0; //!< M: trials with a count ≥ n_observed
  double p_value = 0;          //!< (M + 1) / (N + 1), right-tailed
  double excess = 0;           //!< n_observed − n_expected
};

//! Summaries per threshold from the integer trial counts `trials`
//! (row-major [n_trials × n_thresholds]) and the observed counts. Sums are
//! exact integers, so the result does not depend on how trials were split.
[[nodiscard]] std::vector<TrialSummary> summarize_trials(std::span<const std::int64_t> trials,
                                                         std::span<const std::int64_t> n_observed);

//! Potential neutrino sources of a group (blazar paper Table 2, §6.3).
struct PotentialSources {
  std::int64_t n_sources = 0;
  std::int64_t n_in_alert_region = 0; //!< inside at least one alert's region
  std::int64_t n_warm_spot = 0;       //!< flagged warm_spot
  std::int64_t n_potential = 0;       //!< in a region or a warm spot (each source once)
  [[nodiscard]] double fraction() const noexcept {
    return n_sources > 0 ? static_cast<double>(n_potential) / static_cast<double>(n_sources) : 0;
  }
};

//! Counts the sources `members` of `catalog` that lie inside any
//! non-retracted alert's 90 % region scaled by `factor` (SPEC §5) or carry
//! the warm_spot flag.
[[nodiscard]] PotentialSources
count_potential_sources(const io::SourceCatalog& catalog, std::span<const std::size_t> members,
                        std::span<const io::Alert> alerts, double factor = 1.0,
                        sky::RegionShape shape = sky::RegionShape::ellipse);

} // namespace nuflare::coincidence
