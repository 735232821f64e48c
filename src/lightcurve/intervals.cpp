#include "nuflare/lightcurve/intervals.hpp"

#include <algorithm>

namespace nuflare::lightcurve {

IntervalSet normalise(IntervalSet set) {
  std::erase_if(set, [](const Interval& i) { return !(i.stop > i.start); });
  std::sort(set.begin(), set.end(),
            [](const Interval& a, const Interval& b) { return a.start < b.start; });
  IntervalSet out;
  for (const auto& i : set) {
    if (!out.empty() && i.start <= out.back().stop)
      out.back().stop = std::max(out.back().stop, i.stop);
    else
      out.push_back(i);
  }
  return out;
}

IntervalSet unite(const IntervalSet& a, const IntervalSet& b) {
  IntervalSet all = a;
  all.insert(all.end(), b.begin(), b.end());
  return normalise(std::move(all));
}

IntervalSet intersect(const IntervalSet& a_in, const IntervalSet& b_in) {
  const IntervalSet a = normalise(a_in), b = normalise(b_in);
  IntervalSet out;
  std::size_t i = 0, j = 0;
  while (i < a.size() && j < b.size()) {
    const double lo = std::max(a[i].start, b[j].start);
    const double hi = std::min(a[i].stop, b[j].stop);
    if (hi > lo)
      out.push_back({lo, hi});
    if (a[i].stop < b[j].stop)
      ++i;
    else
      ++j;
  }
  return out;
}

IntervalSet subtract(const IntervalSet& a_in, const IntervalSet& b_in) {
  const IntervalSet a = normalise(a_in), b = normalise(b_in);
  IntervalSet out;
  std::size_t j = 0;
  for (const auto& piece : a) {
    double lo = piece.start;
    while (j < b.size() && b[j].stop <= lo)
      ++j;
    for (std::size_t k = j; k < b.size() && b[k].start < piece.stop; ++k) {
      if (b[k].start > lo)
        out.push_back({lo, b[k].start});
      lo = std::max(lo, b[k].stop);
    }
    if (piece.stop > lo)
      out.push_back({lo, piece.stop});
  }
  return out;
}

IntervalSet clip(const IntervalSet& a, const Interval& span) {
  return intersect(a, {span});
}

double total_length_days(const IntervalSet& a) {
  double sum = 0;
  for (const auto& i : normalise(a))
    sum += i.length_days();
  return sum;
}

double overlap_days(const Interval& a, const Interval& b) noexcept {
  return std::max(0.0, std::min(a.stop, b.stop) - std::max(a.start, b.start));
}

} // namespace nuflare::lightcurve
