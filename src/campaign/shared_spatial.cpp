// The spatial kernel's index and tables once per node (docs/scaling.md).
#include "nuflare/campaign/shared_spatial.hpp"

#include "nuflare/campaign/collective.hpp"
#include "nuflare/campaign/partition.hpp"
#include "nuflare/campaign/read_once.hpp"
#include "nuflare/core/error.hpp"

#include <algorithm>
#include <cstring>
#include <exception>
#include <functional>
#include <limits>
#include <numeric>
#include <thread>

namespace nuflare::campaign {

namespace {

//! Offsets of arrays laid out one after another in a block, each on a
//! 64-byte boundary (a cache line: no two ranks write one line of two arrays).
class Layout {
public:
  template <class T>
  std::size_t add(std::size_t n) {
    const std::size_t at = (end_ + 63) / 64 * 64;
    end_ = at + n * sizeof(T);
    return at;
  }
  [[nodiscard]] std::size_t bytes() const noexcept { return end_; }

private:
  std::size_t end_ = 0;
};

template <class T>
std::span<T> at(std::byte* base, std::size_t offset, std::size_t n) {
  return {reinterpret_cast<T*>(base + offset), n};
}

//! Where the index's columns lie in its block.
struct IndexLayout {
  std::size_t dec, ra, cos, radius, hav, bin, bytes;
  explicit IndexLayout(std::size_t n) {
    Layout l;
    dec = l.add<double>(n);
    ra = l.add<double>(n);
    cos = l.add<double>(n);
    radius = l.add<double>(n);
    hav = l.add<double>(n);
    bin = l.add<std::uint16_t>(n);
    bytes = l.bytes();
  }
};

//! Where one group's tables lie in the tables' block.
struct TablesLayout {
  std::size_t spans, span_offset, bucket_start, tiers, tier_offset, always;
  coincidence::SpatialTablesSize size;
  TablesLayout(Layout& l, const coincidence::SpatialTablesSize& s) : size(s) {
    spans = l.add<coincidence::SpatialSpan>(s.spans);
    span_offset = l.add<std::uint32_t>(s.sources + 1);
    bucket_start = l.add<std::uint32_t>(s.bucket_starts);
    tiers = l.add<coincidence::SpatialTier>(s.tiers);
    tier_offset = l.add<std::uint32_t>(s.sources + 1);
    always = l.add<std::uint32_t>(s.always);
  }
  [[nodiscard]] coincidence::SpatialTablesOut out(std::byte* base) const {
    return {at<coincidence::SpatialSpan>(base, spans, size.spans),
            at<std::uint32_t>(base, span_offset, size.sources + 1),
            at<std::uint32_t>(base, bucket_start, size.bucket_starts),
            at<coincidence::SpatialTier>(base, tiers, size.tiers),
            at<std::uint32_t>(base, tier_offset, size.sources + 1),
            at<std::uint32_t>(base, always, size.always)};
  }
};

//! Runs work(t) for t < n, on n − 1 threads and this one.
template <class Work>
void in_threads(unsigned n, const Work& work) {
  std::vector<std::thread> pool;
  std::vector<std::exception_ptr> errors(n);
  for (unsigned t = 1; t < n; ++t)
    pool.emplace_back([&, t] {
      try {
        work(t);
      } catch (...) {
        errors[t] = std::current_exception();
      }
    });
  try {
    work(0);
  } catch (...) {
    errors[0] = std::current_exception();
  }
  for (auto& thread : pool)
    thread.join();
  for (const auto& e : errors)
    if (e)
      std::rethrow_exception(e);
}

} // namespace

SharedSpatialIndex::SharedSpatialIndex(MPI_Comm comm, const io::EventSample& events,
                                       const coincidence::SpatialConfig& config)
    : SharedSpatialIndex(comm, std::span<const io::EventSample>(&events, 1), config) {}

SharedSpatialIndex::SharedSpatialIndex(MPI_Comm comm, std::span<const io::EventSample> seasons,
                                       const coincidence::SpatialConfig& config)
    : group_(std::make_unique<NodeGroup>(comm)) {
  build([&] { return std::make_unique<coincidence::SpatialSelection>(seasons, config); });
}

SharedSpatialIndex::SharedSpatialIndex(MPI_Comm comm, std::vector<io::EventSample>&& seasons,
                                       const coincidence::SpatialConfig& config)
    : group_(std::make_unique<NodeGroup>(comm)) {
  build(
      [&] { return std::make_unique<coincidence::SpatialSelection>(std::move(seasons), config); });
}

void SharedSpatialIndex::build(
    const std::function<std::unique_ptr<coincidence::SpatialSelection>()>& select) {
  const NodeGroup& g = *group_;
  // Rank 0 selects and orders the events (it alone holds them); the columns
  // are written once it knows how many rows the node's block needs.
  std::unique_ptr<coincidence::SpatialSelection> selection;
  on_first_rank(g.comm(), [&] { selection = select(); });

  // What every rank needs besides the columns: sizes, thresholds, counts.
  struct {
    std::uint64_t n_selected, n_thresholds;
    double max_radius_deg;
  } head{};
  if (selection)
    head = {selection->n_selected(), selection->thresholds().size(), selection->max_radius_deg()};
  broadcast_quietly(&head, sizeof head, 0, g.comm());
  thresholds_.resize(head.n_thresholds);
  events_above_.resize(head.n_thresholds);
  if (selection) {
    thresholds_ = selection->thresholds();
    events_above_ = selection->events_above();
  }
  broadcast_quietly(thresholds_.data(), thresholds_.size() * sizeof(double), 0, g.comm());
  broadcast_quietly(events_above_.data(), events_above_.size() * sizeof(std::int64_t), 0, g.comm());

  const std::size_t n = head.n_selected;
  // A job of one rank writes its block the same way (ordinary memory then,
  // node_memory.hpp): no zero-filled vectors, and the threads share the
  // writing and the fresh pages. Collective (it counts the node's ranks), so
  // taken on every rank; the threads write at least 64 k rows each.
  const unsigned n_threads =
      static_cast<unsigned>(std::clamp<std::size_t>(threads_per_rank(g.comm()), 1, 1 + n / 65536));
  const IndexLayout layout(n);
  block_ = std::make_unique<SharedBlock>(g, layout.bytes);
  std::byte* base = block_->data();
  if (selection) {
    // Rank 0 writes the columns straight into its node's block, split over
    // the threads it may use: no private copy of the 42 bytes per event to
    // fill, copy and free (docs/scaling.md, "Cost model").
    const coincidence::SpatialIndexOut out{
        at<double>(base, layout.dec, n), at<double>(base, layout.ra, n),
        at<double>(base, layout.cos, n), at<double>(base, layout.radius, n),
        at<double>(base, layout.hav, n), at<std::uint16_t>(base, layout.bin, n)};
    in_threads(n_threads, [&](unsigned t) {
      selection->write(out, n * t / n_threads, n * (t + 1) / n_threads);
    });
    selection.reset();
  }
  if (g.leader() && g.n_nodes() > 1)
    broadcast_quietly(base, layout.bytes, 0, g.leaders());
  block_->publish();
  view_ = {thresholds_,
           events_above_,
           at<const double>(base, layout.dec, n),
           at<const double>(base, layout.ra, n),
           at<const double>(base, layout.cos, n),
           at<const double>(base, layout.radius, n),
           at<const double>(base, layout.hav, n),
           at<const std::uint16_t>(base, layout.bin, n),
           head.max_radius_deg};
}

SharedSpatialTables::SharedSpatialTables(MPI_Comm comm, const coincidence::SpatialIndexView& index,
                                         std::span<const std::vector<double>> dec_deg,
                                         unsigned threads)
    : group_(std::make_unique<NodeGroup>(comm)) {
  const NodeGroup& g = *group_;
  const std::size_t n_groups = dec_deg.size();

  // A source's build reads the events its declination band holds: split the
  // sources of all groups over the node's ranks by that weight (the same
  // split on every rank), and each rank's over its threads.
  const double reach = index.max_radius_deg + 1e-9;
  std::vector<double> prefix(1, 0.0);
  for (const auto& decs : dec_deg)
    for (double d : decs) {
      const auto lo = std::lower_bound(index.dec_deg.begin(), index.dec_deg.end(), d - reach);
      const auto hi = std::upper_bound(lo, index.dec_deg.end(), d + reach);
      prefix.push_back(prefix.back() + 16.0 + static_cast<double>(hi - lo));
    }
  const auto cut = [&](double share) { // first source past `share` of the work
    return static_cast<std::size_t>(
        std::lower_bound(prefix.begin(), prefix.end() - 1, share * prefix.back()) - prefix.begin());
  };
  const double my_share = 1.0 / g.node_size();
  // The ranks of the machine share its processors whether or not they share
  // the tables (NUFLARE_NO_SHARED_MEMORY); g.comm() duplicates `comm`, so it
  // knows their number already (collective.hpp) and asks nobody.
  const unsigned n_threads = threads > 0 ? threads : threads_per_rank(g.comm());
  // Worker t builds the sources [cut(t), cut(t + 1)) of every group.
  std::vector<std::size_t> bounds;
  for (unsigned t = 0; t <= n_threads; ++t)
    bounds.push_back(cut(my_share * (g.node_rank() + static_cast<double>(t) / n_threads)));
  const auto part = [&](unsigned t, std::size_t j) { // worker t's sources of group j
    std::size_t first = 0;
    for (std::size_t i = 0; i < j; ++i)
      first += dec_deg[i].size();
    const std::size_t n = dec_deg[j].size();
    const std::size_t b = std::clamp(bounds[t], first, first + n) - first;
    const std::size_t e = std::clamp(bounds[t + 1], first, first + n) - first;
    return std::span<const double>(dec_deg[j]).subspan(b, e - b);
  };
  if (g.node_size() == 1 && n_threads == 1) { // nobody to share with: the tables as built
    own_.reserve(n_groups);
    for (std::size_t j = 0; j < n_groups; ++j) {
      own_.emplace_back(index, part(0, j));
      views_.push_back(own_.back().view());
    }
    return;
  }

  // A counting pass first (the build's own code, storing nothing), so that
  // the block is allocated before any table is built and every part is built
  // straight into it: no private copy of the tables to fill, copy and free,
  // and no moment when the node holds both (docs/scaling.md).
  std::vector<std::vector<coincidence::SpatialTablesSize>> part_size(
      n_threads, std::vector<coincidence::SpatialTablesSize>(n_groups)); // [thread][group]
  in_threads(n_threads, [&](unsigned t) {
    for (std::size_t j = 0; j < n_groups; ++j)
      part_size[t][j] = coincidence::SpatialTables::count(index, part(t, j));
  });

  // Every rank's part of every group (its threads' parts together), on every rank.
  constexpr std::size_t FIELDS = 5;
  std::vector<std::uint64_t> mine(n_groups * FIELDS, 0), sizes(mine.size() * g.node_size());
  for (const auto& thread_parts : part_size)
    for (std::size_t j = 0; j < n_groups; ++j) {
      const auto& s = thread_parts[j];
      const std::uint64_t v[FIELDS] = {s.sources, s.spans, s.bucket_starts, s.tiers, s.always};
      for (std::size_t f = 0; f < FIELDS; ++f)
        mine[j * FIELDS + f] += v[f];
    }
  if (g.node() == MPI_COMM_NULL) { // one process without MPI: its own sizes
    sizes = mine;
  } else {
    MPI_Request request = MPI_REQUEST_NULL;
    MPI_Iallgather(mine.data(), static_cast<int>(mine.size()), MPI_UINT64_T, sizes.data(),
                   static_cast<int>(mine.size()), MPI_UINT64_T, g.node(), &request);
    wait_quietly(request);
  }
  const auto size_of = [&](int r, std::size_t j) {
    const std::uint64_t* v = sizes.data() + (static_cast<std::size_t>(r) * n_groups + j) * FIELDS;
    return coincidence::SpatialTablesSize{v[0], v[1], v[2], v[3], v[4]};
  };

  // One block for all groups; each part goes where the parts before it end.
  // Every rank sees the same totals, so a group too large for 32-bit indices
  // stops every rank of the node together.
  Layout layout;
  std::vector<TablesLayout> where;
  constexpr std::size_t U32 = std::numeric_limits<std::uint32_t>::max();
  for (std::size_t j = 0; j < n_groups; ++j) {
    coincidence::SpatialTablesSize total;
    for (int r = 0; r < g.node_size(); ++r)
      total += size_of(r, j);
    if (total.spans > U32 || total.bucket_starts > U32 || total.tiers > U32)
      throw core::ConfigError(
          "spatial search: more than 2^32 (source, event) intervals in a group");
    where.emplace_back(layout, total);
  }
  block_ = std::make_unique<SharedBlock>(g, layout.bytes());
  std::byte* base = block_->data();
  std::vector<std::vector<coincidence::SpatialTablesSize>> before(
      n_threads, std::vector<coincidence::SpatialTablesSize>(n_groups));
  for (std::size_t j = 0; j < n_groups; ++j) {
    for (int r = 0; r < g.node_rank(); ++r)
      before[0][j] += size_of(r, j);
    for (unsigned t = 1; t < n_threads; ++t) {
      before[t][j] = before[t - 1][j];
      before[t][j] += part_size[t - 1][j];
    }
    if (g.leader()) { // the groups' first offsets, which no part writes
      const auto out = where[j].out(base);
      out.span_offset[0] = out.tier_offset[0] = 0;
    }
  }
  in_threads(n_threads, [&](unsigned t) {
    for (std::size_t j = 0; j < n_groups; ++j)
      coincidence::SpatialTables::build(index, part(t, j), where[j].out(base), before[t][j],
                                        part_size[t][j]);
  });
  block_->publish();
  for (const auto& w : where) {
    const auto out = w.out(base);
    views_.push_back({out.spans, out.span_offset, out.bucket_start, out.tiers, out.tier_offset,
                      out.always_event});
  }
}

} // namespace nuflare::campaign
