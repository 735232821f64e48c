#pragma once
//! Memory shared by the ranks of a node (MPI-3 shared-memory windows), so
//! that read-only tables built for a campaign exist once per node instead of
//! once per rank (docs/scaling.md, "Build once per node").
//!
//! NodeGroup splits a communicator into the ranks of each node
//! (MPI_Comm_split_type, MPI_COMM_TYPE_SHARED) and one leader per node.
//! SharedBlock is a byte array that every rank of the node sees at its own
//! address; the campaign layer owns it and hands the science code views
//! (spans) over it. With one rank on a node the block is ordinary memory
//! (advised as huge pages, as the kernels' own tables are).
//!
//! Open MPI backs the windows with files in /dev/shm (osc_sm_backing_directory);
//! a block that would not fit there is refused with core::IoError on every
//! rank, naming the directory and the sizes. NUFLARE_NO_SHARED_MEMORY (any
//! value) makes every rank its own "node", each holding its own copy, as
//! before shared memory.
//!
//! On MPI_COMM_NULL (one process without MPI, docs/cli.md) the group is that
//! process alone, every communicator MPI_COMM_NULL, and a block is ordinary
//! memory: the same views, no MPI call.
#include <mpi.h>

#include <cstddef>

namespace nuflare::campaign {

//! The ranks of a communicator grouped by node.
class NodeGroup {
public:
  //! Collective over `comm`; MPI_COMM_NULL: one process, its own node.
  explicit NodeGroup(MPI_Comm comm);
  ~NodeGroup();
  NodeGroup(const NodeGroup&) = delete;
  NodeGroup& operator=(const NodeGroup&) = delete;

  //! All ranks (a duplicate); MPI_COMM_NULL for one process without MPI.
  [[nodiscard]] MPI_Comm comm() const noexcept { return comm_; }
  [[nodiscard]] MPI_Comm node() const noexcept { return node_; } //!< the ranks of this node
  //! Rank 0 of every node, ordered by their rank in comm(); MPI_COMM_NULL on the others.
  [[nodiscard]] MPI_Comm leaders() const noexcept { return leaders_; }
  [[nodiscard]] int rank() const noexcept { return rank_; }           //!< in comm()
  [[nodiscard]] int node_rank() const noexcept { return node_rank_; } //!< in node()
  [[nodiscard]] int node_size() const noexcept { return node_size_; }
  [[nodiscard]] int n_nodes() const noexcept { return n_nodes_; }
  [[nodiscard]] bool leader() const noexcept { return node_rank_ == 0; }

private:
  MPI_Comm comm_ = MPI_COMM_NULL, node_ = MPI_COMM_NULL, leaders_ = MPI_COMM_NULL;
  int rank_ = 0, node_rank_ = 0, node_size_ = 1, n_nodes_ = 1;
};

//! `bytes` bytes shared by the ranks of a node: written by some of them
//! between construction and publish(), read by all afterwards.
class SharedBlock {
public:
  //! Collective over group.comm(): every rank must ask for the same size.
  SharedBlock(const NodeGroup& group, std::size_t bytes);
  //! Collective over the node (MPI_Win_free); when the block goes away during
  //! an error that not every rank of the node shares, it is left to the
  //! process's exit rather than waited for.
  ~SharedBlock();
  SharedBlock(const SharedBlock&) = delete;
  SharedBlock& operator=(const SharedBlock&) = delete;

  [[nodiscard]] std::byte* data() const noexcept { return data_; }
  [[nodiscard]] std::size_t size() const noexcept { return bytes_; }
  //! Makes the writes of every rank of the node visible to all of them
  //! (collective over the node; waits quietly).
  void publish() const;

private:
  const NodeGroup* group_;
  std::size_t bytes_;
  std::byte* data_ = nullptr;
  MPI_Win win_ = MPI_WIN_NULL; //!< MPI_WIN_NULL: ordinary memory (one rank on the node)
};

} // namespace nuflare::campaign
