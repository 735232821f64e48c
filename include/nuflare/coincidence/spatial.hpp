#pragma once
//! Spatial coincidence count of one trial (blazar paper §6.3,
//! Table 6, Table 2): the number of IceCube tracks that have at least one
//! source of a group inside their error circle, for every energy threshold at
//! once. Plain data in, plain data out: no MPI, no files.
//!
//! RA scrambling keeps every source's declination, so everything that depends
//! on declinations is computed once per group. The index holds the selected
//! events sorted by declination; a counter keeps, for every source, the
//! events whose circle its declination crosses, each as the exact RA interval
//! [α_e − h, α_e + h] in which the source lies inside the circle (h from the
//! haversine formula). A trial is then a one-dimensional lookup per source:
//! the intervals whose centre lies within the widest half-width of the
//! source's RA, found through a bucket table, tested by two comparisons. No
//! trigonometry and no search per (event, source) pair in the hot loop; a
//! bit set over the events counts an event near several sources once. Trials
//! are counted many at a time, source by source, so that each source's
//! tables come from memory once per batch.
//!
//! The counter reads the index and the tables through views (spans over
//! memory it does not own), so that one copy of them per node can serve every
//! rank of the node (docs/scaling.md); the owning classes build them.
#include "nuflare/core/options.hpp"
#include "nuflare/io/records.hpp"
#include "nuflare/sky/region.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

namespace nuflare::coincidence {

namespace detail {
//! The construct() of an allocator whose resize() leaves new elements
//! uninitialised (default-initialised), for buffers written in full before
//! they are read: no zero-fill pass over tens of MB (a measurable part of a
//! 1-trial run, docs/scaling.md).
struct DefaultInitConstruct {
  template <class U>
  void construct(U* p) noexcept(std::is_nothrow_default_constructible_v<U>) {
    ::new (static_cast<void*>(p)) U;
  }
  template <class U, class... Args>
  void construct(U* p, Args&&... args) {
    ::new (static_cast<void*>(p)) U(std::forward<Args>(args)...);
  }
};
//! Allocator for large tables read at random: 2 MiB-aligned blocks advised
//! as transparent huge pages (one TLB entry per 2 MiB instead of per 4 KiB).
template <class T>
struct HugePageAllocator : DefaultInitConstruct {
  using value_type = T;
  HugePageAllocator() = default;
  template <class U>
  HugePageAllocator(const HugePageAllocator<U>&) noexcept {}
  T* allocate(std::size_t n);
  void deallocate(T* p, std::size_t) noexcept;
  template <class U>
  bool operator==(const HugePageAllocator<U>&) const noexcept {
    return true;
  }
};
//! std::allocator without the zero fill.
template <class T>
struct UninitializedAllocator : std::allocator<T>, DefaultInitConstruct {
  template <class U>
  struct rebind {
    using other = UninitializedAllocator<U>;
  };
  UninitializedAllocator() = default;
  template <class U>
  UninitializedAllocator(const UninitializedAllocator<U>&) noexcept {}
};
void* allocate_huge(std::size_t bytes);
void deallocate_huge(void* p) noexcept;
template <class T>
T* HugePageAllocator<T>::allocate(std::size_t n) {
  return static_cast<T*>(allocate_huge(n * sizeof(T)));
}
template <class T>
void HugePageAllocator<T>::deallocate(T* p, std::size_t) noexcept {
  deallocate_huge(p);
}
} // namespace detail

//! Settings of the spatial test (blazar paper §6.3; docs/cli.md).
struct SpatialConfig {
  double log10e_min = 4.8;   //!< lowest threshold, log10(E/GeV)
  double log10e_max = 6.0;   //!< highest threshold, log10(E/GeV)
  double log10e_step = 0.1;  //!< threshold step [dex]
  double max_angerr_deg = 5; //!< events with AngErr above this are dropped [deg]
  double angerr_scale = 1;   //!< circle radius = angerr_scale × AngErr

  //! The keys of the event selection (docs/cli.md, `nuflare spatial`).
  static const core::OptionTable<SpatialConfig>& options();
};

inline const core::OptionTable<SpatialConfig>& SpatialConfig::options() {
  using S = SpatialConfig;
  static const auto table =
      core::OptionTable<S>()
          .add("log10e_min", &S::log10e_min, "log10(E/GeV)", "lowest threshold")
          .add("log10e_max", &S::log10e_max, "log10(E/GeV)", "highest threshold")
          .add("log10e_step", &S::log10e_step, "dex", "threshold step", core::POSITIVE)
          .add("max_angerr", &S::max_angerr_deg, "deg", "drop events with AngErr above this",
               core::POSITIVE)
          .add("angerr_scale", &S::angerr_scale, "", "circle radius = scale x AngErr",
               core::POSITIVE);
  return table;
}

//! Checks the settings (core::FieldError naming the key): every number in
//! its range, log10e_min <= log10e_max, at most 1000 thresholds.
void validate(const SpatialConfig& config);

//! The energy thresholds log10(E/GeV) of a configuration: min, min+step, …,
//! up to max (inclusive within 1e-9 step), each rounded to 9 decimals so that
//! 4.8 + 3 × 0.1 is the double nearest 5.1 and an event of log10E = 5.1
//! passes it. Validates the configuration first (validate()).
[[nodiscard]] std::vector<double> energy_thresholds(const SpatialConfig& config);

//! What the counter reads of an index: the selected events sorted by
//! declination (ties by input order), column-wise, and the thresholds. Spans
//! over memory the view does not own — a SpatialIndex's vectors, or memory
//! one rank per node filled for all its ranks (campaign/shared_spatial.hpp).
//! Position in this order is the event's number in a counter.
struct SpatialIndexView {
  std::span<const double> thresholds;         //!< log10(E/GeV), ascending
  std::span<const std::int64_t> events_above; //!< selected events ≥ each threshold
  std::span<const double> dec_deg, ra_deg;    //!< position [deg]
  std::span<const double> cos_dec;            //!< cos δ
  std::span<const double> radius_deg;         //!< r = angerr_scale × AngErr (≤ 180°)
  std::span<const double> hav_radius;         //!< sin²(r/2)
  std::span<const std::uint16_t> bin;         //!< highest threshold index the event passes
  double max_radius_deg = 0;

  [[nodiscard]] std::size_t n_selected() const noexcept { return dec_deg.size(); }
  [[nodiscard]] std::size_t n_thresholds() const noexcept { return thresholds.size(); }
};

//! Where an index's columns are written (SpatialSelection::write): spans of
//! n_selected() elements over memory the caller owns.
struct SpatialIndexOut {
  std::span<double> dec_deg, ra_deg, cos_dec, radius_deg, hav_radius;
  std::span<std::uint16_t> bin;
};

//! The first step of an index's build: the events selected (blazar paper
//! §6.3) and their declination order, with everything a view needs besides
//! the columns. The columns are then written where the caller wants them —
//! a SpatialIndex's vectors, or straight into memory a node's ranks share
//! (campaign/shared_spatial.hpp), so that the 42 bytes per event are not
//! built in private vectors and copied. Holds 48 bytes per selected event.
class SpatialSelection {
public:
  //! Selects events with AngErr ≤ max_angerr_deg and log10E ≥ the lowest
  //! threshold, and orders them by declination (ties by input order).
  SpatialSelection(const io::EventSample& events, const SpatialConfig& config);
  //! The selection of the parts (the seasons of a sample, say) taken one
  //! after the other: the same as of their concatenation, ties in order
  //! across the parts, without building the concatenation.
  SpatialSelection(std::span<const io::EventSample> parts, const SpatialConfig& config);
  //! The same, freeing each part once it is selected from (`parts` are left
  //! empty samples).
  SpatialSelection(std::vector<io::EventSample>&& parts, const SpatialConfig& config);

  [[nodiscard]] const std::vector<double>& thresholds() const noexcept { return thresholds_; }
  [[nodiscard]] std::size_t n_selected() const noexcept { return order_.size(); }
  [[nodiscard]] const std::vector<std::int64_t>& events_above() const noexcept {
    return events_above_;
  }
  [[nodiscard]] double max_radius_deg() const noexcept { return max_radius_deg_; }
  //! Writes rows [first, last) of the columns into `out`: any split of the
  //! rows (threads, say) writes the same bytes as one call over all of them.
  void write(const SpatialIndexOut& out, std::size_t first, std::size_t last) const;

private:
  friend class SpatialIndex;
  struct Chosen {
    double dec, ra, cos_dec, radius, hav;
    std::uint16_t bin;
  };
  //! The selection's steps: room for the parts' events, one part's chosen
  //! rows and their declination keys, then the counts and the order.
  void start(std::span<const io::EventSample> parts, std::vector<std::uint64_t>& key);
  void take(const io::EventSample& events, const SpatialConfig& config,
            std::vector<std::uint64_t>& key);
  void finish(std::vector<std::uint64_t>& key);

  std::vector<double> thresholds_;
  std::vector<std::int64_t> events_above_;
  double max_radius_deg_ = 0;
  std::vector<Chosen> chosen_; //!< in input order
  //! Declination order: row k is chosen_[order_[k]].
  std::vector<std::uint32_t, detail::UninitializedAllocator<std::uint32_t>> order_;
};

//! The selected events in their search structure (immutable; share it
//! between groups and threads). Memory: 42 bytes per selected event.
class SpatialIndex {
public:
  //! Selects events with AngErr ≤ max_angerr_deg and log10E ≥ the lowest
  //! threshold, and sorts them by declination.
  SpatialIndex(const io::EventSample& events, const SpatialConfig& config);
  //! The index of a selection, its columns in this object's vectors.
  explicit SpatialIndex(const SpatialSelection& selection);

  [[nodiscard]] const std::vector<double>& thresholds() const noexcept { return thresholds_; }
  [[nodiscard]] std::size_t n_thresholds() const noexcept { return thresholds_.size(); }
  //! Events that passed the selection.
  [[nodiscard]] std::size_t n_selected() const noexcept { return n_selected_; }
  //! Selected events at or above each threshold (the denominator of the counts).
  [[nodiscard]] const std::vector<std::int64_t>& events_above() const noexcept {
    return events_above_;
  }

  //! The selected events sorted by declination, column-wise (SpatialIndexView).
  struct Selected {
    std::vector<double> dec_deg, ra_deg; //!< position [deg]
    std::vector<double> cos_dec;         //!< cos δ
    std::vector<double> radius_deg;      //!< r = angerr_scale × AngErr (≤ 180°)
    std::vector<double> hav_radius;      //!< sin²(r/2)
    std::vector<std::uint16_t> bin;      //!< highest threshold index the event passes
    double max_radius_deg = 0;
  };
  [[nodiscard]] const Selected& selected() const noexcept { return selected_; }
  //! Spans over this index (valid while it lives).
  [[nodiscard]] SpatialIndexView view() const noexcept;

private:
  std::vector<double> thresholds_;
  std::size_t n_selected_ = 0;
  std::vector<std::int64_t> events_above_;
  Selected selected_;
};

//! One (source, event) interval: the RA range [lo, hi] [deg] in which the
//! source lies inside the event's circle (centre ± h), and the event number.
struct SpatialSpan {
  double lo, hi;
  std::uint32_t event; //!< event number (dec order)
};

//! The intervals of one source with half-widths in one octave, stored
//! bucket by bucket of their centres (the bucket table).
struct SpatialTier {
  std::uint32_t bucket_begin = 0; //!< first entry of the bucket starts
  std::uint32_t n_buckets = 1;
  double reach = 0;   //!< widest half-width (plus rounding margin) [deg]
  double origin = 0;  //!< lower edge of bucket 0 [deg]
  double per_deg = 0; //!< buckets per degree
  //! Bucket of a centre or a window edge (edges beyond the table clamp).
  //! Truncation is the floor here: b ≤ 0 clamps to bucket 0 first.
  [[nodiscard]] std::uint32_t bucket(double x) const noexcept {
    const double b = std::min((x - origin) * per_deg, static_cast<double>(n_buckets - 1));
    return b > 0 ? static_cast<std::uint32_t>(b) : 0u;
  }
};

//! The interval tables of a source group as the counter reads them: spans
//! over memory the view does not own (SpatialTables, or memory shared by the
//! ranks of a node). Source s owns tiers [tier_offset[s], tier_offset[s+1])
//! and intervals [span_offset[s], span_offset[s+1]); a tier's buckets are
//! bucket_start[bucket_begin …], indices into `spans`.
struct SpatialTablesView {
  std::span<const SpatialSpan> spans;
  std::span<const std::uint32_t> span_offset;  //!< [n_sources + 1]
  std::span<const std::uint32_t> bucket_start; //!< per tier: n_buckets + 1 entries
  std::span<const SpatialTier> tiers;
  std::span<const std::uint32_t> tier_offset; //!< [n_sources + 1]
  //! Events whose circle holds some source at every RA (any order, repeats allowed).
  std::span<const std::uint32_t> always_event;

  [[nodiscard]] std::size_t n_sources() const noexcept {
    return tier_offset.empty() ? 0 : tier_offset.size() - 1;
  }
};

//! The same arrays, writable: where SpatialTables::build() writes a group's tables.
struct SpatialTablesOut {
  std::span<SpatialSpan> spans;
  std::span<std::uint32_t> span_offset, bucket_start;
  std::span<SpatialTier> tiers;
  std::span<std::uint32_t> tier_offset, always_event;
};

//! Element counts of a group's tables (or of a part of them).
struct SpatialTablesSize {
  std::size_t sources = 0, spans = 0, bucket_starts = 0, tiers = 0, always = 0;
  SpatialTablesSize& operator+=(const SpatialTablesSize& o) noexcept {
    sources += o.sources;
    spans += o.spans;
    bucket_starts += o.bucket_starts;
    tiers += o.tiers;
    always += o.always;
    return *this;
  }
};

//! Builds and owns the interval tables of some sources: every source's RA
//! intervals, fixed under RA scrambling because they depend only on
//! declinations. Memory: 24 bytes per (source, event whose circle the
//! source's declination crosses) — about 24 MB for 409 sources over 250 000
//! tracks. The tables of consecutive sources can be built apart (on several
//! ranks), straight into a group's arrays (count(), build()): the result is
//! the same as one build.
class SpatialTables {
public:
  //! `index` must outlive the build only; `dec_deg` are the sources' declinations.
  SpatialTables(const SpatialIndexView& index, std::span<const double> dec_deg);

  [[nodiscard]] SpatialTablesView view() const noexcept;
  [[nodiscard]] SpatialTablesSize size() const noexcept;

  //! The sizes of the tables of the sources at `dec_deg`: what the
  //! constructor or build() makes of them, found by the same code, which here
  //! stores nothing (a counting pass, so that a group's arrays can be
  //! allocated before any part of them is built).
  [[nodiscard]] static SpatialTablesSize count(const SpatialIndexView& index,
                                               std::span<const double> dec_deg);
  //! Builds the tables of the sources at `dec_deg` straight into `out`, the
  //! arrays of a whole group, as the part that follows `before` (the sizes of
  //! the parts ahead of it); `mine` is count(index, dec_deg). The bytes are
  //! those of the constructor's tables, offsets shifted by what precedes the
  //! part: parts built this way side by side equal one build of all their
  //! sources. Every part writes its own elements only, so parts can be built
  //! at once by several threads or ranks; the group's first offsets
  //! (span_offset[0], tier_offset[0], both 0) are left to whoever provides
  //! `out`. Throws core::ConfigError when the group's tables exceed 32-bit
  //! indices or `out` is too small.
  static void build(const SpatialIndexView& index, std::span<const double> dec_deg,
                    const SpatialTablesOut& out, const SpatialTablesSize& before,
                    const SpatialTablesSize& mine);

private:
  std::vector<SpatialSpan, detail::HugePageAllocator<SpatialSpan>> span_;
  std::vector<std::uint32_t> span_offset_; //!< per source, into span_
  std::vector<std::uint32_t> bucket_start_;
  std::vector<SpatialTier> tiers_;
  std::vector<std::uint32_t> tier_offset_;  //!< per source, into tiers_
  std::vector<std::uint32_t> always_event_; //!< circles containing some source at any RA
};

//! Counts one source group against an index, many trials at a time, from the
//! group's interval tables (SpatialTables) and the per-trial scratch of one
//! thread. Memory of its own: the scratch, 4 bytes per hit of the trials
//! counted together, a bit set over the selected events and the order in
//! which it visits the sources (4 bytes per source).
class SpatialCounter {
public:
  //! Builds and owns the tables of the sources at `dec_deg`; `index` must
  //! outlive the counter.
  SpatialCounter(const SpatialIndex& index, std::span<const double> dec_deg);
  //! Counts with tables it does not own (built once per node, say); both
  //! views must stay valid while the counter lives.
  SpatialCounter(const SpatialIndexView& index, const SpatialTablesView& tables);

  //! N_obs per threshold for each of n trials: trial b puts source i at
  //! (`ra_deg`[b·n_sources + i], the constructor's dec[i]) and gets the events
  //! with at least one source within their circle, each event once (blazar paper §6.3),
  //! in `n_obs`[b·n_thresholds …]; n = n_obs.size() / n_thresholds. Any finite
  //! RA is taken modulo 360°. Results do not depend on how trials are
  //! grouped into calls; a call of a few hundred trials reads every source's
  //! intervals from memory once, not once per trial.
  void count(std::span<const double> ra_deg, std::span<std::int64_t> n_obs);

  [[nodiscard]] std::size_t n_sources() const noexcept { return tables_.n_sources(); }
  //! Stored (source, event) intervals, seam copies included.
  [[nodiscard]] std::size_t n_intervals() const noexcept { return tables_.spans.size(); }

private:
  void prepare();
  //! Appends source s's hits for the trials' RAs `ra` (wrapped) to hits_,
  //! streaming in the tables of source `next` (n_sources() for none).
  void collect_hits(std::size_t s, std::size_t next, std::span<const double> ra);
  //! N_obs of one trial from its hits, each event once (the bit set seen_
  //! is left with the hits set): counters in registers, for up to 16
  //! thresholds, or a histogram in memory.
  void count_new_in_lanes(std::span<const std::uint32_t> hit, std::span<std::int64_t> n_obs);
  void count_new_in_histogram(std::span<const std::uint32_t> hit, std::span<std::int64_t> n_obs);

  SpatialIndexView index_;
  std::unique_ptr<const SpatialTables> own_; //!< when the counter built its tables
  SpatialTablesView tables_;
  std::vector<std::uint64_t> always_seen_;     //!< always-hit events as a bit set
  std::vector<std::int64_t> always_histogram_; //!< always-hit events per threshold bin
  std::vector<std::uint32_t> visit_;           //!< sources by declination (collect_hits' order)
  // Scratch of one call.
  std::vector<double> ra_by_source_;             //!< [source × trial], in [0, 360)
  std::vector<std::vector<std::uint32_t>> hits_; //!< per trial: events hit, repeats kept
  std::vector<std::uint32_t> n_hits_;            //!< per trial
  std::vector<std::uint64_t> seen_;              //!< bit set over events
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

//! Trial statistics of one threshold (docs/methods.md; blazar paper §6.3).
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
//! non-retracted alert's 90 % region scaled by `factor` (docs/methods.md, Foundation) or carry
//! the warm_spot flag.
[[nodiscard]] PotentialSources
count_potential_sources(const io::SourceCatalog& catalog, std::span<const std::size_t> members,
                        std::span<const io::Alert> alerts, double factor = 1.0,
                        sky::RegionShape shape = sky::RegionShape::ellipse);

} // namespace nuflare::coincidence
