#include "nuflare/campaign/collective.hpp"

#include <sched.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <thread>

namespace nuflare::campaign {

namespace {

bool one_process(MPI_Comm comm) {
  return comm == MPI_COMM_NULL;
}

template <class T>
void allreduce_in_place(std::span<T> values, MPI_Datatype type, MPI_Op op, MPI_Comm comm) {
  if (one_process(comm) || values.empty())
    return;
  MPI_Allreduce(MPI_IN_PLACE, values.data(), static_cast<int>(values.size()), type, op, comm);
}

} // namespace

int comm_rank(MPI_Comm comm) {
  int rank = 0;
  if (!one_process(comm))
    MPI_Comm_rank(comm, &rank);
  return rank;
}

int comm_size(MPI_Comm comm) {
  int size = 1;
  if (!one_process(comm))
    MPI_Comm_size(comm, &size);
  return size;
}

void allreduce(std::span<double> values, MPI_Op op, MPI_Comm comm) {
  allreduce_in_place(values, MPI_DOUBLE, op, comm);
}
void allreduce(std::span<int> values, MPI_Op op, MPI_Comm comm) {
  allreduce_in_place(values, MPI_INT, op, comm);
}
void allreduce(std::span<std::int64_t> values, MPI_Op op, MPI_Comm comm) {
  allreduce_in_place(values, MPI_INT64_T, op, comm);
}
void allreduce(std::span<std::uint64_t> values, MPI_Op op, MPI_Comm comm) {
  allreduce_in_place(values, MPI_UINT64_T, op, comm);
}

double seconds_now() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

void wait_quietly(MPI_Request& request) {
  int done = 0;
  MPI_Test(&request, &done, MPI_STATUS_IGNORE);
  // A step that ends at once (every rank was there) costs no sleep; one that
  // waits for another rank's work sleeps in growing steps, so that a long
  // wait costs a thousand tests per second rather than a busy core.
  auto pause = std::chrono::microseconds(50);
  while (done == 0) {
    std::this_thread::sleep_for(pause);
    pause = std::min<std::chrono::microseconds>(pause * 2, std::chrono::milliseconds(1));
    MPI_Test(&request, &done, MPI_STATUS_IGNORE);
  }
}

void barrier_quietly(MPI_Comm comm) {
  if (one_process(comm))
    return;
  MPI_Request request = MPI_REQUEST_NULL;
  MPI_Ibarrier(comm, &request);
  wait_quietly(request);
}

void broadcast_quietly(void* data, std::size_t bytes, int root, MPI_Comm comm) {
  if (one_process(comm))
    return;
  constexpr std::size_t PIECE = std::size_t{1} << 30;
  auto* at = static_cast<unsigned char*>(data);
  for (std::size_t done = 0; done < bytes; done += PIECE) {
    const std::size_t n = std::min(PIECE, bytes - done);
    MPI_Request request = MPI_REQUEST_NULL;
    MPI_Ibcast(at + done, static_cast<int>(n), MPI_BYTE, root, comm, &request);
    wait_quietly(request);
  }
}

int ranks_on_node(MPI_Comm comm) {
  if (one_process(comm))
    return 1;
  // Several steps of a run ask (the readers' and the builders' threads, the
  // runner's memory check of every group), and each answer cost a split of
  // the communicator: a blocking collective in which the ranks that arrive
  // first poll. The answer is kept on the communicator as an MPI attribute
  // (MPI_Comm_dup copies it, MPI_Comm_free drops it), so only the first call
  // on a communicator, or on the one it was duplicated from, splits it
  // (docs/scaling.md, "Cost model"). Every rank of `comm` makes the same calls
  // on it, so every rank finds the attribute, or none does.
  static const int key = [] {
    int k = MPI_KEYVAL_INVALID;
    MPI_Comm_create_keyval(MPI_COMM_DUP_FN, MPI_COMM_NULL_DELETE_FN, &k, nullptr);
    return k;
  }();
  void* kept = nullptr;
  int found = 0;
  MPI_Comm_get_attr(comm, key, &kept, &found);
  if (found != 0)
    return static_cast<int>(reinterpret_cast<std::intptr_t>(kept));
  MPI_Comm node = MPI_COMM_NULL;
  MPI_Comm_split_type(comm, MPI_COMM_TYPE_SHARED, 0, MPI_INFO_NULL, &node);
  int n = 1;
  MPI_Comm_size(node, &n);
  MPI_Comm_free(&node);
  MPI_Comm_set_attr(comm, key, reinterpret_cast<void*>(static_cast<std::intptr_t>(n)));
  return n;
}

} // namespace nuflare::campaign

namespace nuflare::campaign {

unsigned threads_per_rank(MPI_Comm comm) {
  cpu_set_t cpus;
  CPU_ZERO(&cpus);
  const int allowed = sched_getaffinity(0, sizeof cpus, &cpus) == 0 ? CPU_COUNT(&cpus) : 1;
  return static_cast<unsigned>(std::max(1, allowed / std::max(1, ranks_on_node(comm))));
}

} // namespace nuflare::campaign
