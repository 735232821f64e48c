#pragma once
//! The spatial kernel's search structures once per node (docs/scaling.md;
//! blazar paper §6.3): the declination index of the selected tracks and every
//! source group's interval tables depend only on declinations, so RA
//! scrambling never changes them and every rank of a node can read one copy.
//!
//! - SharedSpatialIndex: rank 0 selects and sorts the events (it alone has
//!   read them, read_once.hpp, season by season if need be); the index, 42
//!   bytes per selected event, is written straight into memory shared by the
//!   node's ranks, and goes from there to one rank per other node.
//! - SharedSpatialTables: the interval tables of all groups, built split over
//!   the node's ranks (each builds the sources it is given, a static split
//!   weighted by each source's share of the index) straight into one shared
//!   block, sized by a counting pass first.
//!
//! Both are views for coincidence::SpatialCounter, which stays MPI-free: the
//! blocks belong to these objects and must outlive every counter that reads
//! them. Memory per node no longer grows with the ranks on it, and the build
//! is not repeated by every rank.
//!
//! On MPI_COMM_NULL (one process without MPI, docs/cli.md) both are that
//! process's own, in ordinary memory.
#include "nuflare/campaign/node_memory.hpp"
#include "nuflare/coincidence/spatial.hpp"
#include "nuflare/io/records.hpp"

#include <mpi.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <vector>

namespace nuflare::campaign {

//! The declination index of the selected events, one copy per node.
class SharedSpatialIndex {
public:
  //! Collective over `comm`. Rank 0 builds the index from `events` (the other
  //! ranks' `events` are not looked at: pass what read_once delivers with
  //! Deliver::first_rank). A configuration error stops every rank together.
  SharedSpatialIndex(MPI_Comm comm, const io::EventSample& events,
                     const coincidence::SpatialConfig& config);
  //! The same from the seasons of a sample, in order (read_event_parts_once
  //! delivers them to rank 0): the index of their concatenation, without
  //! building it.
  SharedSpatialIndex(MPI_Comm comm, std::span<const io::EventSample> seasons,
                     const coincidence::SpatialConfig& config);
  //! The same, freeing each season once rank 0 has selected from it.
  SharedSpatialIndex(MPI_Comm comm, std::vector<io::EventSample>&& seasons,
                     const coincidence::SpatialConfig& config);

  [[nodiscard]] const coincidence::SpatialIndexView& view() const noexcept { return view_; }
  operator const coincidence::SpatialIndexView&() const noexcept { return view_; }
  [[nodiscard]] const std::vector<double>& thresholds() const noexcept { return thresholds_; }
  [[nodiscard]] std::size_t n_thresholds() const noexcept { return thresholds_.size(); }
  [[nodiscard]] std::size_t n_selected() const noexcept { return view_.n_selected(); }
  [[nodiscard]] const std::vector<std::int64_t>& events_above() const noexcept {
    return events_above_;
  }

private:
  //! Collective: rank 0 calls `select`, the node's block receives the columns.
  void build(const std::function<std::unique_ptr<coincidence::SpatialSelection>()>& select);

  std::unique_ptr<NodeGroup> group_;
  std::vector<double> thresholds_;
  std::vector<std::int64_t> events_above_;
  std::unique_ptr<SharedBlock> block_;
  coincidence::SpatialIndexView view_;
};

//! The interval tables of several source groups against one index, one copy
//! per node, built split over the node's ranks.
class SharedSpatialTables {
public:
  //! Collective over `comm`; `dec_deg[j]` are group j's declinations [deg],
  //! the same on every rank. `index` must stay valid while the tables are built.
  //! Each rank builds its share on `threads` threads (0: as many as the
  //! processors it may use allow, collective.hpp); the tables do not depend
  //! on the number of ranks or threads, byte for byte.
  SharedSpatialTables(MPI_Comm comm, const coincidence::SpatialIndexView& index,
                      std::span<const std::vector<double>> dec_deg, unsigned threads = 0);

  [[nodiscard]] std::size_t n_groups() const noexcept { return views_.size(); }
  //! Group j's tables (valid while this object lives).
  [[nodiscard]] const coincidence::SpatialTablesView& group(std::size_t j) const {
    return views_.at(j);
  }

private:
  std::unique_ptr<NodeGroup> group_;
  std::vector<coincidence::SpatialTables> own_; //!< one rank and one thread: its own build
  std::unique_ptr<SharedBlock> block_;
  std::vector<coincidence::SpatialTablesView> views_;
};

} // namespace nuflare::campaign
