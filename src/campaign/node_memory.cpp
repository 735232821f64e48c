#include "nuflare/campaign/node_memory.hpp"

#include "nuflare/campaign/collective.hpp"
#include "nuflare/coincidence/spatial.hpp" // detail::allocate_huge
#include "nuflare/core/error.hpp"

#include <sys/statvfs.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>
#include <thread>

namespace nuflare::campaign {

namespace {

//! Where Open MPI puts the files behind shared windows.
std::string backing_directory() {
  const char* dir = std::getenv("OMPI_MCA_osc_sm_backing_directory");
  return dir != nullptr && *dir != '\0' ? dir : "/dev/shm";
}

std::string megabytes(double bytes) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.0f MB", bytes / 1e6);
  return buf;
}

} // namespace

NodeGroup::NodeGroup(MPI_Comm comm) {
  if (comm == MPI_COMM_NULL) // one process without MPI: its own node, and leader
    return;
  MPI_Comm_dup(comm, &comm_);
  MPI_Comm_rank(comm_, &rank_);
  if (std::getenv("NUFLARE_NO_SHARED_MEMORY") != nullptr)
    MPI_Comm_split(comm_, rank_, 0, &node_); // every rank its own node
  else
    MPI_Comm_split_type(comm_, MPI_COMM_TYPE_SHARED, 0, MPI_INFO_NULL, &node_);
  MPI_Comm_rank(node_, &node_rank_);
  MPI_Comm_size(node_, &node_size_);
  MPI_Comm_split(comm_, node_rank_ == 0 ? 0 : MPI_UNDEFINED, rank_, &leaders_);
  if (leaders_ != MPI_COMM_NULL)
    MPI_Comm_size(leaders_, &n_nodes_);
  MPI_Bcast(&n_nodes_, 1, MPI_INT, 0, node_);
}

NodeGroup::~NodeGroup() {
  if (comm_ == MPI_COMM_NULL)
    return;
  if (leaders_ != MPI_COMM_NULL)
    MPI_Comm_free(&leaders_);
  MPI_Comm_free(&node_);
  MPI_Comm_free(&comm_);
}

SharedBlock::SharedBlock(const NodeGroup& group, std::size_t bytes)
    : group_(&group), bytes_(bytes) {
  if (group.node_size() == 1) {
    data_ = static_cast<std::byte*>(coincidence::detail::allocate_huge(bytes));
    return;
  }
  // The backing files live in a memory file system that a container may keep
  // small: touching pages beyond its size would kill the ranks (SIGBUS), so
  // the leader checks first and every rank learns the answer.
  int ok = 1;
  std::string dir;
  double free_bytes = 0;
  if (group.leader()) {
    dir = backing_directory();
    struct statvfs fs {};
    if (statvfs(dir.c_str(), &fs) == 0) {
      free_bytes = static_cast<double>(fs.f_bavail) * static_cast<double>(fs.f_frsize);
      ok = free_bytes >= static_cast<double>(bytes) * 1.05 + 16e6 ? 1 : 0;
    }
  }
  int all_ok = 1;
  MPI_Allreduce(&ok, &all_ok, 1, MPI_INT, MPI_MIN, group.comm());
  if (all_ok == 0)
    throw core::IoError(
        "node-shared memory: " +
        (ok == 0 ? dir + " has " + megabytes(free_bytes) + " free, "
                 : std::string("another node's shared-memory directory is too small; ")) +
        megabytes(static_cast<double>(bytes)) +
        " are needed for the tables its ranks share — make room there (or point "
        "OMPI_MCA_osc_sm_backing_directory elsewhere), or set NUFLARE_NO_SHARED_MEMORY=1 "
        "to give every rank its own copy");
  void* base = nullptr;
  MPI_Win_allocate_shared(static_cast<MPI_Aint>(group.leader() ? bytes : 0), 1, MPI_INFO_NULL,
                          group.node(), &base, &win_);
  MPI_Aint size = 0;
  int unit = 1;
  MPI_Win_shared_query(win_, 0, &size, &unit, &base);
  data_ = static_cast<std::byte*>(base);
  // One passive epoch for the block's life: plain loads and stores, ordered by
  // MPI_Win_sync and a barrier in publish() (the unified memory model).
  MPI_Win_lock_all(MPI_MODE_NOCHECK, win_);
}

SharedBlock::~SharedBlock() {
  if (win_ == MPI_WIN_NULL) {
    coincidence::detail::deallocate_huge(data_);
    return;
  }
  if (std::uncaught_exceptions() > 0) {
    // Freeing is collective: wait for the node's other ranks only if they
    // arrive within seconds (they share the error), else leave it to exit.
    MPI_Request request = MPI_REQUEST_NULL;
    MPI_Ibarrier(group_->node(), &request);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(3);
    int done = 0;
    while (done == 0 && std::chrono::steady_clock::now() < deadline) {
      MPI_Test(&request, &done, MPI_STATUS_IGNORE);
      if (done == 0)
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    if (done == 0)
      return;
  }
  MPI_Win_unlock_all(win_);
  MPI_Win_free(&win_);
}

void SharedBlock::publish() const {
  if (win_ == MPI_WIN_NULL)
    return;
  MPI_Win_sync(win_);
  barrier_quietly(group_->node());
  MPI_Win_sync(win_);
}

} // namespace nuflare::campaign
