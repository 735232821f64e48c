#pragma once
//! Interval algebra on the time axis for flare intervals and multi-frequency
//! flaring stages (blazar paper §4.2.2, §4.2.4). Times in MJD or days.
#include <vector>

namespace nuflare::lightcurve {

//! A closed time interval [start, stop] [MJD].
struct Interval {
  double start = 0; //!< [MJD]
  double stop = 0;  //!< [MJD]
  //! stop - start [days].
  [[nodiscard]] double length_days() const noexcept { return stop - start; }
  friend bool operator==(const Interval&, const Interval&) = default;
};

//! A set of intervals. The operations below return *normalised* sets: sorted,
//! disjoint, no zero-length pieces; overlapping or touching pieces merged.
using IntervalSet = std::vector<Interval>;

//! Sorts, merges overlapping or touching intervals and drops empty ones.
[[nodiscard]] IntervalSet normalise(IntervalSet set);
//! a ∪ b.
[[nodiscard]] IntervalSet unite(const IntervalSet& a, const IntervalSet& b);
//! a ∩ b (pieces of zero length dropped).
[[nodiscard]] IntervalSet intersect(const IntervalSet& a, const IntervalSet& b);
//! a \ b.
[[nodiscard]] IntervalSet subtract(const IntervalSet& a, const IntervalSet& b);
//! a clipped to `span`.
[[nodiscard]] IntervalSet clip(const IntervalSet& a, const Interval& span);
//! Total length of the normalised set [days].
[[nodiscard]] double total_length_days(const IntervalSet& a);
//! Length of the overlap of two intervals (0 when disjoint) [days].
[[nodiscard]] double overlap_days(const Interval& a, const Interval& b) noexcept;

} // namespace nuflare::lightcurve
