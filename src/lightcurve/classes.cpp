#include "nuflare/lightcurve/classes.hpp"

#include <algorithm>

namespace nuflare::lightcurve {

std::string_view class_name(FlareClass c) noexcept {
  switch (c) {
  case FlareClass::nfs:
    return "NFS";
  case FlareClass::cfs:
    return "CFS";
  case FlareClass::txs_like:
    return "TXS-like";
  case FlareClass::none:
    break;
  }
  return "none";
}

Stages flaring_stages(const IntervalSet& high_flares, const IntervalSet& low_flares,
                      const Interval& high_span, const Interval& low_span) {
  Stages s;
  s.common_span = {std::max(high_span.start, low_span.start),
                   std::min(high_span.stop, low_span.stop)};
  if (s.common_span.stop < s.common_span.start)
    s.common_span.stop = s.common_span.start; // disjoint spans: nothing in common
  s.high = clip(high_flares, s.common_span);
  s.low = clip(low_flares, s.common_span);
  s.simultaneous = intersect(s.high, s.low);
  s.high_only = subtract(s.high, s.low);
  s.low_only = subtract(s.low, s.high);
  const double both = total_length_days(unite(s.high, s.low));
  s.rho = both > 0 ? total_length_days(s.simultaneous) / both : 0.0;
  return s;
}

namespace {

//! The individual flares of one band clipped to the span (dropping empty ones).
IntervalSet clipped_flares(const IntervalSet& flares, const Interval& span) {
  IntervalSet out;
  for (const auto& f : flares) {
    const Interval c{std::max(f.start, span.start), std::min(f.stop, span.stop)};
    if (c.stop > c.start)
      out.push_back(c);
  }
  return out;
}

} // namespace

FlareClass classify(const Stages& s, const IntervalSet& high_flares, const IntervalSet& low_flares,
                    const ClassOptions& o) {
  const IntervalSet hs = clipped_flares(high_flares, s.common_span);
  const IntervalSet ls = clipped_flares(low_flares, s.common_span);
  if (hs.empty() || ls.empty())
    return FlareClass::none;

  // TXS-like (§4.2.4, Fig. 1): a long low-energy flare l starting after a short
  // γ-ray flare h, lag < 500 d, little overlap, l not full of γ-ray flares.
  if (s.rho <= o.txs_max_rho) {
    for (const auto& l : ls) {
      std::size_t gamma_inside = 0; // γ-ray flares contained in l (§4.2.4 "contained inside")
      for (const auto& h : hs)
        gamma_inside += h.start >= l.start && h.stop <= l.stop;
      if (gamma_inside > o.txs_max_gamma_in_low)
        continue;
      for (const auto& h : hs) {
        const double union_len = h.length_days() + l.length_days() - overlap_days(h, l); // |h ∪ l|
        if (h.start < l.start && l.start - h.stop < o.txs_max_lag_days &&
            l.length_days() > h.length_days() &&
            overlap_days(h, l) <= o.txs_max_pair_overlap * union_len)
          return FlareClass::txs_like;
      }
    }
  }
  if (s.rho > o.cfs_min_rho)
    return FlareClass::cfs;
  if (s.rho <= o.nfs_max_rho)
    return FlareClass::nfs;
  return FlareClass::none;
}

} // namespace nuflare::lightcurve
