// Spatial coincidence count (blazar paper §6.3, Table 6, Table 2).
#include "nuflare/coincidence/spatial.hpp"

#include "nuflare/core/error.hpp"
#include "nuflare/core/validation.hpp"
#include "nuflare/sky/coordinates.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <new>
#include <numeric>
#include <sys/mman.h>

namespace nuflare::coincidence {

namespace {

__extension__ typedef __int128 Int128; // exact sums of squared counts

// Half-widths of one source's intervals are grouped in octaves above
// TIER_H0_DEG, so that a source visits, per tier, only centres within that
// tier's widest half-width rather than the widest of all.
constexpr double TIER_H0_DEG = 0.5;
constexpr std::uint32_t MAX_BUCKETS = 4096;
// Buckets are a quarter of the tier's reach wide: a lookup scans centres
// within about ±1.25 reach instead of ±reach.
constexpr double BUCKETS_PER_REACH = 4;

inline double haversine(double angle_rad) noexcept {
  const double s = std::sin(0.5 * angle_rad);
  return s * s;
}

//! A key whose unsigned order is the order of the finite double `x`, with
//! −0 and +0 equal (as `<` has them).
std::uint64_t order_key(double x) noexcept {
  const auto bits = std::bit_cast<std::uint64_t>(x == 0 ? 0.0 : x);
  return bits >> 63 != 0 ? ~bits : bits | (std::uint64_t{1} << 63);
}

//! The positions of `key` in increasing order, equal keys in their order
//! (an LSD radix sort, 16 bits a pass; passes whose digit is the same for
//! every key are skipped). The buffers are written before they are read: no
//! zero-fill pass over them.
std::vector<std::uint32_t, detail::UninitializedAllocator<std::uint32_t>>
stable_order(const std::vector<std::uint64_t>& key) {
  const std::size_t n = key.size();
  std::vector<std::uint32_t, detail::UninitializedAllocator<std::uint32_t>> order(n), next;
  std::iota(order.begin(), order.end(), 0u);
  std::vector<std::size_t> start(65536 + 1);
  for (int shift = 0; shift < 64; shift += 16) {
    std::fill(start.begin(), start.end(), 0);
    for (std::uint64_t k : key)
      ++start[((k >> shift) & 0xffff) + 1];
    if (n > 0 && start[((key[0] >> shift) & 0xffff) + 1] == n)
      continue; // one digit for all: this pass would keep the order
    for (std::size_t d = 0; d < 65536; ++d)
      start[d + 1] += start[d];
    next.resize(n);
    for (std::uint32_t i : order)
      next[start[(key[i] >> shift) & 0xffff]++] = i;
    order.swap(next);
  }
  return order;
}

std::size_t tier_of(double h_deg) noexcept {
  std::size_t t = 0;
  for (double edge = TIER_H0_DEG; h_deg > edge && t < 20; edge *= 2)
    ++t;
  return t;
}

} // namespace

namespace detail {
void* allocate_huge(std::size_t bytes) {
  constexpr std::size_t HUGE_PAGE = std::size_t{2} << 20;
  if (bytes < HUGE_PAGE) {
    if (void* p = std::malloc(std::max<std::size_t>(bytes, 1)))
      return p;
    throw std::bad_alloc();
  }
  const std::size_t rounded = (bytes + HUGE_PAGE - 1) / HUGE_PAGE * HUGE_PAGE;
  void* p = std::aligned_alloc(HUGE_PAGE, rounded);
  if (!p)
    throw std::bad_alloc();
  madvise(p, rounded, MADV_HUGEPAGE); // advice only: failure is harmless
  return p;
}
void deallocate_huge(void* p) noexcept {
  std::free(p);
}
} // namespace detail

void validate(const SpatialConfig& c) {
  SpatialConfig::options().check_ranges(c);
  core::require_order("log10e_min", c.log10e_min, "log10e_max", c.log10e_max, /*strict=*/false);
  if ((c.log10e_max - c.log10e_min) / c.log10e_step > 1000)
    throw core::FieldError("log10e_step", "more than 1000 energy thresholds; raise the step");
}

std::vector<double> energy_thresholds(const SpatialConfig& c) {
  validate(c);
  const double span = (c.log10e_max - c.log10e_min) / c.log10e_step;
  const auto n = static_cast<std::size_t>(std::floor(span + 1e-9)) + 1;
  std::vector<double> t(n);
  for (std::size_t i = 0; i < n; ++i)
    t[i] = std::round((c.log10e_min + static_cast<double>(i) * c.log10e_step) * 1e9) / 1e9;
  return t;
}

SpatialSelection::SpatialSelection(const io::EventSample& events, const SpatialConfig& config)
    : SpatialSelection(std::span<const io::EventSample>(&events, 1), config) {}

SpatialSelection::SpatialSelection(std::span<const io::EventSample> parts,
                                   const SpatialConfig& config)
    : thresholds_(energy_thresholds(config)) {
  std::vector<std::uint64_t> key;
  start(parts, key);
  for (const io::EventSample& part : parts)
    take(part, config, key);
  finish(key);
}

SpatialSelection::SpatialSelection(std::vector<io::EventSample>&& parts,
                                   const SpatialConfig& config)
    : thresholds_(energy_thresholds(config)) {
  std::vector<std::uint64_t> key;
  start(parts, key);
  for (io::EventSample& part : parts) {
    take(part, config, key);
    part = {}; // what the index needs of it is taken
  }
  finish(key);
}

void SpatialSelection::start(std::span<const io::EventSample> parts,
                             std::vector<std::uint64_t>& key) {
  const std::size_t n_thr = thresholds_.size();
  if (n_thr > std::numeric_limits<std::uint16_t>::max())
    throw core::ConfigError("too many energy thresholds");
  events_above_.assign(n_thr, 0);
  std::size_t n_in = 0;
  for (const io::EventSample& part : parts)
    n_in += part.size();
  // Reserved for every event: only the pages of the rows chosen are touched.
  chosen_.reserve(n_in);
  key.reserve(n_in);
}

void SpatialSelection::take(const io::EventSample& events, const SpatialConfig& config,
                            std::vector<std::uint64_t>& key) {
  // Selection (blazar paper §6.3), in input order: the columns are read
  // once, front to back, and what the counter needs is computed per event.
  // The counts above each threshold and the largest radius do not depend on
  // the order, so they are taken here and the rows can be written in parts.
  const std::size_t n_in = events.size();
  for (std::size_t i = 0; i < n_in; ++i) {
    const double e = events.log10_e[i], err = events.angerr_deg[i];
    const double dec = events.dec_deg[i];
    if (!(std::isfinite(e) && std::isfinite(err) && err <= config.max_angerr_deg &&
          e >= thresholds_.front() && std::isfinite(events.ra_deg[i]) && std::isfinite(dec)))
      continue;
    const auto bin = static_cast<std::uint16_t>(
        std::upper_bound(thresholds_.begin(), thresholds_.end(), e) - thresholds_.begin() - 1);
    const double radius = std::min(config.angerr_scale * err, 180.0);
    chosen_.push_back({dec, events.ra_deg[i], std::cos(dec * sky::DEG), radius,
                       haversine(radius * sky::DEG), bin});
    key.push_back(order_key(dec));
    ++events_above_[bin];
    max_radius_deg_ = std::max(max_radius_deg_, radius);
  }
}

void SpatialSelection::finish(std::vector<std::uint64_t>& key) {
  if (chosen_.size() > std::numeric_limits<std::uint32_t>::max())
    throw core::ConfigError("more than 2^32 selected events");
  for (std::size_t k = thresholds_.size() - 1; k-- > 0;)
    events_above_[k] += events_above_[k + 1];
  // Declination order, ties by input order (across the parts, as if they
  // were one sample): the layout is unique. A stable radix sort of the keys
  // (a comparison sort of 10⁶ pairs takes several times longer, and the
  // index is built before any rank can start).
  order_ = stable_order(key);
  key = {};
}

void SpatialSelection::write(const SpatialIndexOut& out, std::size_t first,
                             std::size_t last) const {
  for (std::size_t k = first; k < last; ++k) {
    const Chosen& c = chosen_[order_[k]];
    out.dec_deg[k] = c.dec;
    out.ra_deg[k] = c.ra;
    out.cos_dec[k] = c.cos_dec;
    out.radius_deg[k] = c.radius;
    out.hav_radius[k] = c.hav;
    out.bin[k] = c.bin;
  }
}

SpatialIndex::SpatialIndex(const io::EventSample& events, const SpatialConfig& config)
    : SpatialIndex(SpatialSelection(events, config)) {}

SpatialIndex::SpatialIndex(const SpatialSelection& selection)
    : thresholds_(selection.thresholds_), n_selected_(selection.n_selected()),
      events_above_(selection.events_above_) {
  Selected& sel = selected_;
  sel.max_radius_deg = selection.max_radius_deg_;
  // Reserved and appended, not resized: zeroing 25 MB of columns that are
  // overwritten at once was a measurable part of a 1-trial run (perf).
  for (auto* column : {&sel.dec_deg, &sel.ra_deg, &sel.cos_dec, &sel.radius_deg, &sel.hav_radius})
    column->reserve(n_selected_);
  sel.bin.reserve(n_selected_);
  for (std::uint32_t i : selection.order_) {
    const SpatialSelection::Chosen& c = selection.chosen_[i];
    sel.dec_deg.push_back(c.dec);
    sel.ra_deg.push_back(c.ra);
    sel.cos_dec.push_back(c.cos_dec);
    sel.radius_deg.push_back(c.radius);
    sel.hav_radius.push_back(c.hav);
    sel.bin.push_back(c.bin);
  }
}

SpatialIndexView SpatialIndex::view() const noexcept {
  const Selected& s = selected_;
  return {thresholds_,  events_above_, s.dec_deg, s.ra_deg,        s.cos_dec,
          s.radius_deg, s.hav_radius,  s.bin,     s.max_radius_deg};
}

namespace {

//! A source's interval around one event while the tables are built.
struct Interval {
  double centre, h;    //!< [deg]
  std::uint32_t event; //!< event number (dec order)
  std::uint32_t tier;  //!< half-width octave
};

//! Scratch of one builder (one thread), kept from source to source.
struct Scratch {
  std::vector<Interval> found;
  std::vector<SpatialTier> tiers;
  std::vector<std::uint32_t> slot, fill;
};

//! Where a build puts what it finds, source after source: a SpatialTables'
//! own vectors, the arrays of a whole group (straight into memory a node's
//! ranks share), or nowhere (the counting pass, which only sizes them). One
//! build routine (add_source) drives all three, so the sizes a count gives
//! are the sizes a build writes, and a group built in parts straight into its
//! arrays holds the bytes of one build.
class VectorSink {
public:
  static constexpr bool stores = true;
  VectorSink(std::vector<SpatialSpan, detail::HugePageAllocator<SpatialSpan>>& spans,
             std::vector<std::uint32_t>& span_offset, std::vector<std::uint32_t>& bucket_start,
             std::vector<SpatialTier>& tiers, std::vector<std::uint32_t>& tier_offset,
             std::vector<std::uint32_t>& always)
      : spans_(spans), span_offset_(span_offset), bucket_start_(bucket_start), tiers_(tiers),
        tier_offset_(tier_offset), always_(always) {}
  [[nodiscard]] std::size_t n_spans() const noexcept { return spans_.size(); }
  [[nodiscard]] std::size_t n_bucket_starts() const noexcept { return bucket_start_.size(); }
  void always(std::uint32_t e) { always_.push_back(e); }
  void bucket_start(std::uint32_t at) { bucket_start_.push_back(at); }
  void tier(const SpatialTier& t) { tiers_.push_back(t); }
  //! Room for `n` more intervals, returned as the place of the first.
  SpatialSpan* spans(std::size_t n) {
    const std::size_t base = spans_.size();
    spans_.resize(base + n);
    return spans_.data() + base;
  }
  void end_source() {
    tier_offset_.push_back(static_cast<std::uint32_t>(tiers_.size()));
    span_offset_.push_back(static_cast<std::uint32_t>(spans_.size()));
  }

private:
  std::vector<SpatialSpan, detail::HugePageAllocator<SpatialSpan>>& spans_;
  std::vector<std::uint32_t>&span_offset_, &bucket_start_;
  std::vector<SpatialTier>& tiers_;
  std::vector<std::uint32_t>&tier_offset_, &always_;
};

//! Counts what a build would store; stores nothing.
class CountSink {
public:
  static constexpr bool stores = false;
  [[nodiscard]] std::size_t n_spans() const noexcept { return size.spans; }
  [[nodiscard]] std::size_t n_bucket_starts() const noexcept { return size.bucket_starts; }
  void always(std::uint32_t) noexcept { ++size.always; }
  void bucket_start(std::uint32_t) noexcept { ++size.bucket_starts; }
  void tier(const SpatialTier&) noexcept { ++size.tiers; }
  SpatialSpan* spans(std::size_t n) noexcept {
    size.spans += n;
    return nullptr;
  }
  void end_source() noexcept { ++size.sources; }

  SpatialTablesSize size;
};

//! Writes a part straight into a group's arrays, after the parts `before`:
//! every offset it stores is already the group's (what the part's own
//! offsets plus those of the parts ahead of it would be). Each element is
//! written once, by one part, so parts can be written at once by several
//! threads or ranks. A write beyond the part's counted size (`end`) is an
//! internal error, thrown before it happens.
class ArraySink {
public:
  static constexpr bool stores = true;
  ArraySink(const SpatialTablesOut& out, const SpatialTablesSize& before,
            const SpatialTablesSize& end)
      : out_(out), at_(before), end_(end) {}
  [[nodiscard]] std::size_t n_spans() const noexcept { return at_.spans; }
  [[nodiscard]] std::size_t n_bucket_starts() const noexcept { return at_.bucket_starts; }
  void always(std::uint32_t e) { out_.always_event[room(at_.always, end_.always, 1)] = e; }
  void bucket_start(std::uint32_t at) {
    out_.bucket_start[room(at_.bucket_starts, end_.bucket_starts, 1)] = at;
  }
  void tier(const SpatialTier& t) { out_.tiers[room(at_.tiers, end_.tiers, 1)] = t; }
  SpatialSpan* spans(std::size_t n) { return out_.spans.data() + room(at_.spans, end_.spans, n); }
  void end_source() {
    const std::size_t s = room(at_.sources, end_.sources, 1) + 1;
    out_.span_offset[s] = static_cast<std::uint32_t>(at_.spans);
    out_.tier_offset[s] = static_cast<std::uint32_t>(at_.tiers);
  }
  [[nodiscard]] const SpatialTablesSize& at() const noexcept { return at_; }

private:
  //! The place of `n` more elements at `cursor`, which moves past them.
  static std::size_t room(std::size_t& cursor, std::size_t end, std::size_t n) {
    if (end - cursor < n)
      throw core::Error("internal error: spatial tables built past their counted size");
    cursor += n;
    return cursor - n;
  }
  SpatialTablesOut out_;
  SpatialTablesSize at_, end_;
};

//! A source's RA half-width h [deg] from Q = room / scale (below): the one
//! expression of the build and the count.
inline double half_width_deg(double q) noexcept {
  return 2.0 * std::asin(std::sqrt(q)) / sky::DEG;
}

//! The half-width as a function of Q rises (sqrt and asin within an ulp,
//! the products exact or correctly rounded), so a tier, whose edges are
//! half-widths, is an interval of Q: the tier of h(Q) is the number of these
//! thresholds at or below Q, each the least Q whose h(Q) passes an edge of
//! tier_of (found once, by bisection over the doubles in [0, 1)). The
//! counting pass then sizes the tiers without an arcsine per interval.
//! (Edges never passed hold +∞, so that the count of thresholds at or below
//! Q takes no branch.)
const std::array<double, 20>& tier_thresholds_q() {
  static const std::array<double, 20> thresholds = [] {
    std::array<double, 20> out;
    out.fill(std::numeric_limits<double>::infinity());
    double edge = TIER_H0_DEG;
    for (std::size_t t = 0; t < out.size(); ++t, edge *= 2) {
      std::uint64_t lo = 0, hi = std::bit_cast<std::uint64_t>(std::nextafter(1.0, 0.0));
      if (!(half_width_deg(std::bit_cast<double>(hi)) > edge))
        break;              // this edge and the wider ones are never passed
      while (hi - lo > 1) { // h(lo) ≤ edge < h(hi); non-negative doubles order as their bits
        const std::uint64_t mid = lo + (hi - lo) / 2;
        (half_width_deg(std::bit_cast<double>(mid)) > edge ? hi : lo) = mid;
      }
      out[t] = std::bit_cast<double>(hi);
    }
    return out;
  }();
  return thresholds;
}

//! What add_source adds for the source at `dec` to a CountSink, without the
//! intervals themselves: the same tests on every event, then per tier its
//! count and its widest half-width. An interval needs its own arcsine only
//! where the shortcuts could err: Q within 10⁻¹² of a tier threshold (where
//! rounding could put h on either side of the edge), Q near the tier's
//! largest so far (the widest is the largest h, not h of the largest Q, should
//! two such Q round the other way), and a centre within the tier's widest
//! possible half-width of 0° or 360° (the seam copies). Every size reaches
//! SpatialTables::build, which checks it against what it writes.
void count_source(const SpatialIndexView& ev, double dec, double cos_src, std::size_t first,
                  std::size_t last, CountSink& sink) {
  constexpr double NEAR = 1e-12; // relative; h errs by an ulp or so, 1e-16
  const std::array<double, 20>& threshold = tier_thresholds_q();
  constexpr std::size_t MAX_TIERS = 21; // tier_of() ≤ 20
  std::array<std::size_t, MAX_TIERS> in_tier{};
  std::array<double, MAX_TIERS> largest_q{}, widest_h{};
  std::size_t n_found = 0;
  for (std::size_t e = first; e < last; ++e) {
    if (std::abs(ev.dec_deg[e] - dec) > ev.radius_deg[e] + 1e-9)
      continue;
    const double d_dec = (ev.dec_deg[e] - dec) * sky::DEG;
    const double room = ev.hav_radius[e] - haversine(d_dec);
    if (room < 0)
      continue;
    const double scale = cos_src * ev.cos_dec[e];
    if (!(room < scale)) {
      sink.always(static_cast<std::uint32_t>(e));
      continue;
    }
    const double q = room / scale;
    std::size_t t = 0;
    for (const double at_least : threshold)
      t += q >= at_least ? 1 : 0;
    double h = -1; // not taken yet
    if ((t < threshold.size() && q >= threshold[t] * (1 - NEAR)) ||
        (t > 0 && q < threshold[t - 1] * (1 + NEAR))) {
      h = half_width_deg(q);
      t = tier_of(h);
    }
    if (q >= largest_q[t] * (1 - NEAR)) {
      if (h < 0)
        h = half_width_deg(q);
      largest_q[t] = std::max(largest_q[t], q);
      widest_h[t] = std::max(widest_h[t], h);
    }
    std::size_t copies = 1;
    // Seam copies (add_source): h is at most the tier's upper edge.
    const double h_max = t < threshold.size() ? TIER_H0_DEG * static_cast<double>(1u << t) : 181.0;
    const double centre = ev.ra_deg[e] - 360.0 * std::floor(ev.ra_deg[e] / 360.0);
    if (centre - h_max < 0 || centre + h_max >= 360.0) {
      if (h < 0)
        h = half_width_deg(q);
      copies += (centre - h < 0 ? 1 : 0) + (centre + h >= 360.0 ? 1 : 0);
    }
    in_tier[t] += copies;
    n_found += copies;
  }
  if (sink.n_spans() + n_found > std::numeric_limits<std::uint32_t>::max())
    throw core::ConfigError("spatial search: more than 2^32 (source, event) intervals");
  for (std::size_t t = 0; t < MAX_TIERS; ++t) {
    if (in_tier[t] == 0)
      continue;
    SpatialTier tr; // as add_source sizes it
    tr.reach = widest_h[t] * (1 + 1e-12) + 1e-9;
    const double span = 360.0 + 2 * tr.reach;
    const double want = std::ceil(span / tr.reach * BUCKETS_PER_REACH);
    tr.n_buckets = static_cast<std::uint32_t>(std::clamp<double>(
        std::min<double>(want, static_cast<double>(in_tier[t])), 1, MAX_BUCKETS));
    for (std::uint32_t k = 0; k <= tr.n_buckets; ++k)
      sink.bucket_start(0);
    sink.tier(tr);
  }
  sink.spans(n_found);
  sink.end_source();
}

//! Adds the intervals, tiers and bucket table of the source at `dec` to `sink`.
template <class Sink>
void add_source(const SpatialIndexView& ev, double dec, Scratch& scratch, Sink& sink) {
  if (!std::isfinite(dec) || std::abs(dec) > 90)
    throw core::ConfigError("spatial search: source declination outside [-90, 90]");
  const double cos_src = std::cos(dec * sky::DEG);
  // Events whose circle the source's declination can cross.
  const double reach = ev.max_radius_deg + 1e-9;
  const auto first = static_cast<std::size_t>(
      std::lower_bound(ev.dec_deg.begin(), ev.dec_deg.end(), dec - reach) - ev.dec_deg.begin());
  const auto last = static_cast<std::size_t>(
      std::upper_bound(ev.dec_deg.begin(), ev.dec_deg.end(), dec + reach) - ev.dec_deg.begin());
  if constexpr (std::is_same_v<Sink, CountSink>) {
    count_source(ev, dec, cos_src, first, last, sink);
    return;
  }

  // hav d = hav Δδ + cos δ_s cos δ_e hav Δα ≤ hav r  ⇔  hav Δα ≤ Q: the source
  // is inside the circle for |Δα| ≤ h = 2 asin √Q (Q ≥ 1: at every RA).
  std::vector<Interval>& found = scratch.found;
  found.clear();
  for (std::size_t e = first; e < last; ++e) {
    if (std::abs(ev.dec_deg[e] - dec) > ev.radius_deg[e] + 1e-9)
      continue; // cheap rejection; the exact test follows
    const double d_dec = (ev.dec_deg[e] - dec) * sky::DEG;
    const double room = ev.hav_radius[e] - haversine(d_dec);
    if (room < 0)
      continue; // the circle does not reach the source's declination
    const double scale = cos_src * ev.cos_dec[e];
    if (!(room < scale)) { // a pole, or the circle holds the whole parallel
      sink.always(static_cast<std::uint32_t>(e));
      continue;
    }
    const double h = half_width_deg(room / scale);
    found.push_back({ev.ra_deg[e] - 360.0 * std::floor(ev.ra_deg[e] / 360.0), h,
                     static_cast<std::uint32_t>(e), static_cast<std::uint32_t>(tier_of(h))});
  }

  // Seam copies: an interval reaching below 0° (above 360°) also appears
  // shifted by +360° (−360°), so a query RA in [0, 360) needs no wrapping.
  const std::size_t n_found = found.size();
  for (std::size_t i = 0; i < n_found; ++i) {
    const Interval iv = found[i];
    if (iv.centre - iv.h < 0)
      found.push_back({iv.centre + 360.0, iv.h, iv.event, iv.tier});
    if (iv.centre + iv.h >= 360.0)
      found.push_back({iv.centre - 360.0, iv.h, iv.event, iv.tier});
  }
  // Tiers by half-width octave, each with a bucket table over the interval
  // centres. The intervals are placed bucket by bucket (a counting sort; inside
  // a bucket in the order found, which is fixed: any order gives the same
  // counts).
  std::uint32_t n_local = 0;
  for (const Interval& iv : found)
    n_local = std::max(n_local, iv.tier + 1);
  std::vector<double> widest(n_local, 0.0);
  std::vector<std::size_t> in_tier(n_local, 0);
  for (const Interval& iv : found) {
    widest[iv.tier] = std::max(widest[iv.tier], iv.h);
    ++in_tier[iv.tier];
  }
  std::vector<SpatialTier>& tiers = scratch.tiers; // this source's, in order
  tiers.clear();
  std::vector<std::uint32_t> tier_index(n_local, 0), slot_base(n_local, 0);
  std::uint32_t n_slots = 0;
  for (std::uint32_t t = 0; t < n_local; ++t) {
    if (in_tier[t] == 0)
      continue;
    SpatialTier tr;
    // The margin covers the rounding of centre ± h against query ± reach.
    tr.reach = widest[t] * (1 + 1e-12) + 1e-9;
    tr.origin = -tr.reach;
    const double span = 360.0 + 2 * tr.reach;
    const double want = std::ceil(span / tr.reach * BUCKETS_PER_REACH);
    tr.n_buckets = static_cast<std::uint32_t>(std::clamp<double>(
        std::min<double>(want, static_cast<double>(in_tier[t])), 1, MAX_BUCKETS));
    tr.per_deg = tr.n_buckets / span;
    tier_index[t] = static_cast<std::uint32_t>(tiers.size());
    slot_base[t] = n_slots;
    n_slots += tr.n_buckets;
    tiers.push_back(tr);
  }
  std::vector<std::uint32_t>&slot = scratch.slot, &fill = scratch.fill;
  if constexpr (Sink::stores) {
    slot.resize(found.size());
    fill.assign(n_slots + 1, 0);
    for (std::size_t i = 0; i < found.size(); ++i) {
      const Interval& iv = found[i];
      slot[i] = slot_base[iv.tier] + tiers[tier_index[iv.tier]].bucket(iv.centre);
      ++fill[slot[i] + 1];
    }
    for (std::uint32_t k = 0; k < n_slots; ++k)
      fill[k + 1] += fill[k];
  }
  if (sink.n_spans() + found.size() > std::numeric_limits<std::uint32_t>::max())
    throw core::ConfigError("spatial search: more than 2^32 (source, event) intervals");
  const auto base = static_cast<std::uint32_t>(sink.n_spans());
  auto bucket_begin = static_cast<std::uint32_t>(sink.n_bucket_starts());
  for (std::uint32_t t = 0; t < n_local; ++t) {
    if (in_tier[t] == 0)
      continue;
    SpatialTier& tr = tiers[tier_index[t]];
    tr.bucket_begin = bucket_begin;
    bucket_begin += tr.n_buckets + 1;
    for (std::uint32_t k = 0; k <= tr.n_buckets; ++k)
      sink.bucket_start(Sink::stores ? base + fill[slot_base[t] + k] : 0);
  }
  for (const SpatialTier& tr : tiers)
    sink.tier(tr);
  SpatialSpan* out = sink.spans(found.size());
  if constexpr (Sink::stores)
    for (std::size_t i = 0; i < found.size(); ++i) {
      const Interval& iv = found[i];
      out[fill[slot[i]]++] = {iv.centre - iv.h, iv.centre + iv.h, iv.event};
    }
  sink.end_source();
}

} // namespace

SpatialTables::SpatialTables(const SpatialIndexView& ev, std::span<const double> dec_deg) {
  tier_offset_.push_back(0);
  span_offset_.push_back(0);
  // Reserve the interval table once (a cheap declination count bounds it):
  // growing a table of tens of MB would copy it and fault in fresh pages
  // several times over.
  std::size_t bound = 0;
  for (double dec : dec_deg) {
    const double reach = ev.max_radius_deg + 1e-9;
    const auto first = std::lower_bound(ev.dec_deg.begin(), ev.dec_deg.end(), dec - reach);
    const auto last = std::upper_bound(first, ev.dec_deg.end(), dec + reach);
    for (auto it = first; it != last; ++it) {
      const auto e = static_cast<std::size_t>(it - ev.dec_deg.begin());
      bound += std::abs(*it - dec) <= ev.radius_deg[e] + 1e-9 ? 1 : 0;
    }
  }
  span_.reserve(bound + bound / 16 + 64); // + seam copies
  Scratch scratch;
  VectorSink sink(span_, span_offset_, bucket_start_, tiers_, tier_offset_, always_event_);
  for (double dec : dec_deg)
    add_source(ev, dec, scratch, sink);
}

SpatialTablesView SpatialTables::view() const noexcept {
  return {span_, span_offset_, bucket_start_, tiers_, tier_offset_, always_event_};
}

SpatialTablesSize SpatialTables::size() const noexcept {
  return {tier_offset_.size() - 1, span_.size(), bucket_start_.size(), tiers_.size(),
          always_event_.size()};
}

SpatialTablesSize SpatialTables::count(const SpatialIndexView& index,
                                       std::span<const double> dec_deg) {
  Scratch scratch;
  CountSink sink;
  for (double dec : dec_deg)
    add_source(index, dec, scratch, sink);
  return sink.size;
}

void SpatialTables::build(const SpatialIndexView& index, std::span<const double> dec_deg,
                          const SpatialTablesOut& out, const SpatialTablesSize& before,
                          const SpatialTablesSize& mine) {
  SpatialTablesSize end = before;
  end += mine;
  constexpr std::size_t U32 = std::numeric_limits<std::uint32_t>::max();
  if (end.spans > U32 || end.bucket_starts > U32 || end.tiers > U32)
    throw core::ConfigError("spatial search: more than 2^32 (source, event) intervals in a group");
  if (out.spans.size() < end.spans || out.span_offset.size() < end.sources + 1 ||
      out.bucket_start.size() < end.bucket_starts || out.tiers.size() < end.tiers ||
      out.tier_offset.size() < end.sources + 1 || out.always_event.size() < end.always)
    throw core::ConfigError("SpatialTables::build: the group's arrays are too small");
  Scratch scratch;
  ArraySink sink(out, before, end);
  for (double dec : dec_deg)
    add_source(index, dec, scratch, sink);
  const SpatialTablesSize& at = sink.at();
  if (at.spans != end.spans || at.sources != end.sources || at.bucket_starts != end.bucket_starts ||
      at.tiers != end.tiers || at.always != end.always)
    throw core::Error("internal error: spatial tables built short of their counted size");
}

SpatialCounter::SpatialCounter(const SpatialIndex& index, std::span<const double> dec_deg)
    : index_(index.view()), own_(std::make_unique<const SpatialTables>(index_, dec_deg)),
      tables_(own_->view()) {
  prepare();
}

SpatialCounter::SpatialCounter(const SpatialIndexView& index, const SpatialTablesView& tables)
    : index_(index), tables_(tables) {
  prepare();
}

void SpatialCounter::prepare() {
  seen_.assign(index_.n_selected() / 64 + 1, 0);
  histogram_.assign(index_.n_thresholds(), 0);
  // The events hit at any RA, each once, as a bit set and per threshold bin.
  always_seen_.assign(seen_.size(), 0);
  always_histogram_.assign(histogram_.size(), 0);
  for (std::uint32_t e : tables_.always_event) {
    const std::uint64_t bit = std::uint64_t{1} << (e % 64);
    if ((always_seen_[e / 64] & bit) == 0)
      ++always_histogram_[index_.bin[e]];
    always_seen_[e / 64] |= bit;
  }
  seen_ = always_seen_; // count() restores this state after every trial

  // Sources are visited in the declination order of their events, so that
  // the hits of consecutive sources fall in one stretch of the index and the
  // bit set and `bin` are read from the cache when the hits are counted
  // (with the register lanes of count_new_in_lanes, 6 % of a paper-scale
  // NFS trial; bench/README.md, "spatial"). A source's place is the mean
  // event number of up to 64 of its intervals, evenly spread (they are
  // stored by RA, so any few of them sample its declination band); the
  // order only moves time, never a count.
  const std::size_t n_src = n_sources();
  std::vector<double> place(n_src, 0);
  for (std::size_t s = 0; s < n_src; ++s) {
    const std::size_t first = tables_.span_offset[s], n = tables_.span_offset[s + 1] - first;
    const std::size_t step = std::max<std::size_t>(1, n / 64);
    double sum = 0, taken = 0;
    for (std::size_t i = 0; i < n; i += step, ++taken)
      sum += tables_.spans[first + i].event;
    place[s] = taken > 0 ? sum / taken : 0;
  }
  visit_.resize(n_src);
  std::iota(visit_.begin(), visit_.end(), 0u);
  std::stable_sort(visit_.begin(), visit_.end(),
                   [&](std::uint32_t a, std::uint32_t b) { return place[a] < place[b]; });
}

namespace {
// Requests the cache lines of [begin, end) from memory in order, spread
// evenly over `calls` calls of advance().
class Stream {
public:
  Stream() = default;
  Stream(const void* begin, const void* end, std::size_t calls)
      : next_(static_cast<const char*>(begin)), end_(static_cast<const char*>(end)) {
    const auto lines = static_cast<std::size_t>(end_ - next_ + 63) / 64;
    step_ = 64 * ((lines + calls - 1) / calls);
  }
  void advance() noexcept {
    const char* stop = end_ - next_ > static_cast<std::ptrdiff_t>(step_) ? next_ + step_ : end_;
    for (; next_ < stop; next_ += 64)
      __builtin_prefetch(next_);
  }

private:
  const char* next_ = nullptr;
  const char* end_ = nullptr;
  std::size_t step_ = 0;
};

// Eight 16-bit counters in one 128-bit register (GCC/Clang vector extension);
// two of them hold the up to LANES thresholds of count_new_in_lanes.
constexpr std::size_t LANES = 16;
using Lanes8 = std::int16_t __attribute__((vector_size(16)));
struct Steps {
  Lanes8 low, high; //!< 1 in lanes [0, t), for t = 0 … 16
};
std::array<Steps, LANES + 1> make_steps() {
  std::array<Steps, LANES + 1> steps{};
  for (std::size_t t = 0; t <= LANES; ++t)
    for (std::size_t k = 0; k < t; ++k) {
      // One vector named per branch: GCC 12 with -fsanitize=undefined
      // miscompiles an element store through `(k < 8 ? low : high)[k % 8]`
      // (the upper lanes came out 0 but the last).
      if (k < 8)
        steps[t].low[k] = 1;
      else
        steps[t].high[k - 8] = 1;
    }
  return steps;
}
} // namespace

void SpatialCounter::collect_hits(std::size_t s, std::size_t next, std::span<const double> ra) {
  const SpatialSpan* span = tables_.spans.data();
  const std::uint32_t* starts = tables_.bucket_start.data();
  const std::uint32_t* span_offset = tables_.span_offset.data();
  const std::uint32_t* tier_offset = tables_.tier_offset.data();
  const SpatialTier* tiers = tables_.tiers.data();
  const std::size_t n_trials = ra.size();
  // The next source's tables are streamed in while source s is counted, a
  // slice per trial, so that they wait in the cache when their turn comes.
  // Worth it for batches only: a single trial reads a few lines of them.
  const bool stream = n_trials >= 32 && next < n_sources();
  Stream next_spans, next_starts;
  if (stream && tier_offset[next] < tier_offset[next + 1]) {
    next_spans = Stream(span + span_offset[next], span + span_offset[next + 1], n_trials);
    const SpatialTier& first = tiers[tier_offset[next]];
    const SpatialTier& last = tiers[tier_offset[next + 1] - 1];
    next_starts = Stream(starts + first.bucket_begin,
                         starts + last.bucket_begin + last.n_buckets + 1, n_trials);
  }
  const SpatialTier* tier_begin = tiers + tier_offset[s];
  const SpatialTier* tier_end = tiers + tier_offset[s + 1];
  for (std::size_t b = 0; b < n_trials; ++b) {
    next_spans.advance();
    next_starts.advance();
    const double x = ra[b];
    std::vector<std::uint32_t>& list = hits_[b];
    std::uint32_t n = n_hits_[b];
    // Hits are appended without a data-dependent branch (about two
    // candidates in three are hits, in no predictable pattern).
    for (const SpatialTier* tr = tier_begin; tr != tier_end; ++tr) {
      const std::uint32_t i0 = starts[tr->bucket_begin + tr->bucket(x - tr->reach)];
      const std::uint32_t i1 = starts[tr->bucket_begin + tr->bucket(x + tr->reach) + 1];
      if (list.size() < std::size_t{n} + (i1 - i0))
        list.resize(2 * (std::size_t{n} + (i1 - i0)));
      std::uint32_t* out = list.data();
      for (std::uint32_t i = i0; i < i1; ++i) {
        const SpatialSpan& sp = span[i];
        out[n] = sp.event;
        n += (sp.lo <= x) & (x <= sp.hi);
      }
    }
    n_hits_[b] = n;
  }
}

void SpatialCounter::count(std::span<const double> ra_deg, std::span<std::int64_t> n_obs) {
  const std::size_t n_src = n_sources(), n_thr = histogram_.size();
  const std::size_t n_trials = n_obs.size() / n_thr;
  if (n_obs.size() % n_thr != 0 || ra_deg.size() != n_trials * n_src)
    throw core::ConfigError("SpatialCounter::count: size mismatch");
  if (n_src > 0 && n_trials * n_src / n_src != n_trials)
    throw core::ConfigError("SpatialCounter::count: too many trials");

  // Source by source, every trial of the batch: one source's tables (tens of
  // kB) are read from memory once per batch and then served from the cache,
  // where trial by trial every source would be a fresh trip to memory.
  ra_by_source_.resize(n_src * n_trials);
  for (std::size_t b = 0; b < n_trials; ++b)
    for (std::size_t s = 0; s < n_src; ++s) {
      const double ra = ra_deg[b * n_src + s];
      ra_by_source_[s * n_trials + b] =
          ra >= 0 && ra < 360.0 ? ra : ra - 360.0 * std::floor(ra / 360.0);
    }
  if (hits_.size() < n_trials)
    hits_.resize(n_trials);
  n_hits_.assign(n_trials, 0);
  for (std::size_t k = 0; k < n_src; ++k) {
    const std::size_t s = visit_[k], next = k + 1 < n_src ? visit_[k + 1] : n_src;
    collect_hits(s, next, std::span<const double>(ra_by_source_).subspan(s * n_trials, n_trials));
  }

  // Per trial, each event once: a bit set over the events (it fits in the
  // second-level cache) that holds the events hit at any RA between trials.
  std::uint64_t* seen = seen_.data();
  const std::uint64_t* always = always_seen_.data();
  for (std::size_t b = 0; b < n_trials; ++b) {
    const std::span<const std::uint32_t> hit(hits_[b].data(), n_hits_[b]);
    const std::span<std::int64_t> out = n_obs.subspan(b * n_thr, n_thr);
    if (n_thr <= LANES)
      count_new_in_lanes(hit, out);
    else
      count_new_in_histogram(hit, out);
    for (std::uint32_t e : hit) // back to the always-hit events only
      seen[e / 64] = always[e / 64];
  }
}

void SpatialCounter::count_new_in_lanes(std::span<const std::uint32_t> hit,
                                        std::span<std::int64_t> n_obs) {
  // N_obs[k] counts the new events of bin ≥ k: a new event of bin c adds 1
  // to lanes 0 … c, held in registers. A histogram in memory instead makes
  // each hit a read-modify-write of one of a few counters (most events lie
  // in the lowest bins), a chain through the store buffer that cost a
  // third of the counting (perf, paper-scale NFS).
  static const std::array<Steps, LANES + 1> steps = make_steps();
  std::uint64_t* seen = seen_.data();
  const std::uint16_t* bin = index_.bin.data();
  const std::size_t n_thr = n_obs.size();
  std::int64_t total[LANES] = {};
  // The bit set's word and the bin of the hit AHEAD places on are requested
  // early: they are gathered over a stretch of the index too wide for the
  // first-level cache (6 % of a paper-scale NFS trial; 16 to 32 ahead
  // measured alike).
  constexpr std::size_t AHEAD = 16;
  const std::size_t last_ahead = hit.size() > AHEAD ? hit.size() - AHEAD : 0;
  // 16-bit lanes take at most 32 767 hits at a time.
  for (std::size_t j0 = 0; j0 < hit.size(); j0 += 32767) {
    const std::size_t j1 = std::min(hit.size(), j0 + 32767);
    Lanes8 low = {}, high = {};
    const auto add = [&](std::uint32_t e) {
      const std::uint64_t bit = std::uint64_t{1} << (e % 64);
      const Steps& step = steps[(seen[e / 64] & bit) == 0 ? bin[e] + 1u : 0u];
      seen[e / 64] |= bit;
      low += step.low;
      high += step.high;
    };
    std::size_t j = j0;
    for (const std::size_t stop = std::min(j1, last_ahead); j < stop; ++j) {
      __builtin_prefetch(bin + hit[j + AHEAD]);
      __builtin_prefetch(seen + hit[j + AHEAD] / 64);
      add(hit[j]);
    }
    for (; j < j1; ++j)
      add(hit[j]);
    for (std::size_t k = 0; k < n_thr; ++k)
      total[k] += k < 8 ? low[k] : high[k - 8];
  }
  // The always-hit events, cumulative from the top.
  std::int64_t always = 0;
  for (std::size_t k = n_thr; k-- > 0;) {
    always += always_histogram_[k];
    n_obs[k] = total[k] + always;
  }
}

void SpatialCounter::count_new_in_histogram(std::span<const std::uint32_t> hit,
                                            std::span<std::int64_t> n_obs) {
  std::uint64_t* seen = seen_.data();
  std::int64_t* hist = histogram_.data();
  const std::uint16_t* bin = index_.bin.data();
  std::copy(always_histogram_.begin(), always_histogram_.end(), hist);
  for (const std::uint32_t e : hit) {
    const std::uint64_t bit = std::uint64_t{1} << (e % 64);
    hist[bin[e]] += (seen[e / 64] & bit) == 0 ? 1 : 0;
    seen[e / 64] |= bit;
  }
  // Cumulative from the top: an event above threshold k is above every lower one.
  std::int64_t running = 0;
  for (std::size_t k = n_obs.size(); k-- > 0;) {
    running += hist[k];
    n_obs[k] = running;
  }
}

std::vector<std::int64_t> count_near_sources(const SpatialIndex& index,
                                             std::span<const double> ra_deg,
                                             std::span<const double> dec_deg) {
  SpatialCounter counter(index, dec_deg);
  std::vector<std::int64_t> out(index.n_thresholds());
  counter.count(ra_deg, out);
  return out;
}

std::vector<std::int64_t> count_near_sources_brute_force(const io::EventSample& events,
                                                         const SpatialConfig& config,
                                                         std::span<const double> ra_deg,
                                                         std::span<const double> dec_deg) {
  const auto t = energy_thresholds(config);
  std::vector<std::int64_t> out(t.size(), 0);
  for (std::size_t i = 0; i < events.size(); ++i) {
    if (!(events.angerr_deg[i] <= config.max_angerr_deg))
      continue;
    const double radius = config.angerr_scale * events.angerr_deg[i];
    bool hit = false;
    for (std::size_t s = 0; s < ra_deg.size() && !hit; ++s)
      hit = sky::angular_distance_deg(events.ra_deg[i], events.dec_deg[i], ra_deg[s], dec_deg[s]) <=
            radius;
    if (!hit)
      continue;
    for (std::size_t k = 0; k < t.size(); ++k)
      if (events.log10_e[i] >= t[k])
        ++out[k];
  }
  return out;
}

std::vector<TrialSummary> summarize_trials(std::span<const std::int64_t> trials,
                                           std::span<const std::int64_t> n_observed) {
  const std::size_t n_thr = n_observed.size();
  if (n_thr == 0 || trials.size() % n_thr != 0)
    throw core::ConfigError("summarize_trials: trial table is not [n_trials × n_thresholds]");
  const std::size_t n = trials.size() / n_thr;
  const double nan = std::numeric_limits<double>::quiet_NaN();
  std::vector<TrialSummary> out(n_thr);
  std::vector<std::int64_t> column(n);
  for (std::size_t k = 0; k < n_thr; ++k) {
    TrialSummary& s = out[k];
    s.n_observed = n_observed[k];
    Int128 sum = 0, sum_sq = 0;
    std::int64_t m = 0;
    for (std::size_t g = 0; g < n; ++g) {
      const std::int64_t c = trials[g * n_thr + k];
      column[g] = c;
      sum += c;
      sum_sq += static_cast<Int128>(c) * c;
      m += c >= n_observed[k] ? 1 : 0;
    }
    s.n_at_least = m;
    s.p_value = static_cast<double>(m + 1) / static_cast<double>(n + 1);
    if (n == 0) {
      s.n_expected = s.sigma = s.p16 = s.p84 = s.excess = nan;
      continue;
    }
    // Exact integer moments: the mean and variance are the same whatever the
    // order the trials were computed in.
    s.n_expected = static_cast<double>(sum) / static_cast<double>(n);
    const Int128 num = static_cast<Int128>(n) * sum_sq - sum * sum; // n²·var·(n−1)/n
    s.sigma = n > 1 ? std::sqrt(static_cast<double>(num) /
                                (static_cast<double>(n) * static_cast<double>(n - 1)))
                    : nan;
    s.excess = static_cast<double>(s.n_observed) - s.n_expected;
    // Percentiles by linear interpolation between order statistics (numpy's
    // default); order statistics by selection, not a full sort.
    const auto order_statistic = [&](std::size_t i) {
      std::nth_element(column.begin(), column.begin() + static_cast<std::ptrdiff_t>(i),
                       column.end());
      return static_cast<double>(column[i]);
    };
    const auto percentile = [&](double q) {
      const double pos = q * static_cast<double>(n - 1);
      const auto i = static_cast<std::size_t>(std::floor(pos));
      const double f = pos - static_cast<double>(i);
      const double a = order_statistic(i);
      if (i + 1 >= n)
        return a;
      // After the selection of i, the next order statistic is the smallest above it.
      const double b = static_cast<double>(
          *std::min_element(column.begin() + static_cast<std::ptrdiff_t>(i) + 1, column.end()));
      return a + f * (b - a);
    };
    s.p16 = percentile(0.16);
    s.p84 = percentile(0.84);
  }
  return out;
}

PotentialSources count_potential_sources(const io::SourceCatalog& catalog,
                                         std::span<const std::size_t> members,
                                         std::span<const io::Alert> alerts, double factor,
                                         sky::RegionShape shape) {
  std::vector<io::Alert> live;
  for (const auto& a : alerts)
    if (!a.retracted)
      live.push_back(a);
  PotentialSources out;
  for (std::size_t i : members) {
    ++out.n_sources;
    const bool region =
        sky::in_any_region(live, catalog.ra_deg[i], catalog.dec_deg[i], factor, shape);
    const bool warm = i < catalog.warm_spot.size() && catalog.warm_spot[i] != 0;
    out.n_in_alert_region += region ? 1 : 0;
    out.n_warm_spot += warm ? 1 : 0;
    out.n_potential += (region || warm) ? 1 : 0;
  }
  return out;
}

} // namespace nuflare::coincidence
