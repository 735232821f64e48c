#include "nuflare/campaign/gather.hpp"

#include "nuflare/campaign/partition.hpp"

#include <algorithm>
#include <chrono>
#include <climits>
#include <iostream>
#include <limits>
#include <thread>

namespace nuflare::campaign {

namespace {

struct Place {
  int rank = 0, size = 1;
};

Place place(MPI_Comm comm) {
  Place p;
  if (serial(comm))
    return p;
  MPI_Comm_rank(comm, &p.rank);
  MPI_Comm_size(comm, &p.size);
  return p;
}

//! Broadcasts `data` from `root` in pieces that MPI's int counts can hold.
void broadcast_bytes(MPI_Comm comm, std::byte* data, std::uint64_t n, int root) {
  if (serial(comm))
    return;
  constexpr std::uint64_t piece = std::uint64_t{1} << 30;
  for (std::uint64_t done = 0; done < n; done += piece)
    MPI_Bcast(data + done, static_cast<int>(std::min(piece, n - done)), MPI_BYTE, root, comm);
}

} // namespace

void agree_on_first_error(MPI_Comm comm, const std::optional<ItemError>& mine) {
  if (serial(comm)) {
    if (mine)
      throw SharedError(mine->message, mine->status);
    return;
  }
  const auto [rank, size] = place(comm);
  const std::uint64_t none = std::numeric_limits<std::uint64_t>::max();
  const std::uint64_t my_item = mine ? mine->item : none;
  std::uint64_t first = none;
  MPI_Allreduce(&my_item, &first, 1, MPI_UINT64_T, MPI_MIN, comm);
  if (first == none)
    return;
  // The lowest failing item's owner tells the others what went wrong.
  int owner = size;
  const int candidate = mine && mine->item == first ? rank : size;
  MPI_Allreduce(&candidate, &owner, 1, MPI_INT, MPI_MIN, comm);
  std::string message = mine ? mine->message : std::string();
  std::int64_t header[2] = {static_cast<std::int64_t>(message.size()), mine ? mine->status : 0};
  MPI_Bcast(header, 2, MPI_INT64_T, owner, comm);
  message.resize(static_cast<std::size_t>(header[0]));
  broadcast_bytes(comm, reinterpret_cast<std::byte*>(message.data()), message.size(), owner);
  throw SharedError(message, static_cast<int>(header[1]));
}

void run_on_root(MPI_Comm comm, const std::function<void()>& work) {
  const auto [rank, size] = place(comm);
  std::exception_ptr failure;
  int status = 0;
  if (rank == 0) {
    try {
      work();
    } catch (const core::Error& e) {
      status = e.exit_status();
      failure = std::current_exception();
    } catch (...) {
      status = 1;
      failure = std::current_exception();
    }
  }
  if (!serial(comm))
    MPI_Bcast(&status, 1, MPI_INT, 0, comm);
  if (failure)
    std::rethrow_exception(failure);
  if (status != 0)
    throw SharedError("failed on rank 0", status); // rank 0 prints its own message
}

int broadcast_from_root(MPI_Comm comm, int value) {
  if (!serial(comm))
    MPI_Bcast(&value, 1, MPI_INT, 0, comm);
  return value;
}

void synchronise(MPI_Comm comm) {
  if (!serial(comm))
    MPI_Barrier(comm);
}

namespace {
//! Seconds on a steady clock (MPI_Wtime needs MPI initialised).
double seconds_now() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}
} // namespace

PhaseTimer::PhaseTimer(MPI_Comm comm, std::ostream* out, bool on)
    : comm_(comm), out_(out), on_(on), last_(seconds_now()) {}

void PhaseTimer::mark(const char* phase) {
  if (!on_)
    return;
  synchronise(comm_);
  const double now = seconds_now();
  if (out_ != nullptr)
    *out_ << "timing: " << phase << " " << now - last_ << " s\n";
  last_ = now;
}

int end_after_error(MPI_Comm comm, const std::string& prefix, const std::string& message,
                    int status) {
  const auto [rank, size] = place(comm);
  bool together = size == 1;
  if (!together) {
    MPI_Request request;
    MPI_Ibarrier(comm, &request);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(3);
    int done = 0;
    while (!done && std::chrono::steady_clock::now() < deadline) {
      MPI_Test(&request, &done, MPI_STATUS_IGNORE);
      if (!done)
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    together = done != 0;
  }
  if (!together) {
    std::cerr << prefix << message << '\n' << std::flush;
    MPI_Abort(comm, status);
  }
  if (rank == 0)
    std::cerr << prefix << message << '\n';
  return status;
}

std::vector<std::byte> all_gather_bytes(MPI_Comm comm, const std::vector<std::byte>& mine) {
  if (serial(comm))
    return mine;
  const auto [rank, size] = place(comm);
  const auto my_count = static_cast<std::uint64_t>(mine.size());
  std::vector<std::uint64_t> counts(static_cast<std::size_t>(size));
  MPI_Allgather(&my_count, 1, MPI_UINT64_T, counts.data(), 1, MPI_UINT64_T, comm);
  std::vector<std::uint64_t> offset(counts.size() + 1, 0);
  for (std::size_t r = 0; r < counts.size(); ++r)
    offset[r + 1] = offset[r] + counts[r];
  std::vector<std::byte> all(offset.back());
  if (offset.back() <= static_cast<std::uint64_t>(INT_MAX)) {
    std::vector<int> icounts(counts.begin(), counts.end()),
        displs(offset.begin(), offset.end() - 1);
    MPI_Allgatherv(mine.data(), static_cast<int>(my_count), MPI_BYTE, all.data(), icounts.data(),
                   displs.data(), MPI_BYTE, comm);
    return all;
  }
  // More than MPI's int counts address: each rank's block in turn.
  std::copy(mine.begin(), mine.end(), all.begin() + static_cast<std::ptrdiff_t>(offset[rank]));
  for (int r = 0; r < size; ++r)
    broadcast_bytes(comm, all.data() + offset[r], counts[static_cast<std::size_t>(r)], r);
  return all;
}

namespace detail {

std::pair<std::uint64_t, std::uint64_t> my_block(MPI_Comm comm, std::uint64_t n) {
  const auto [rank, size] = place(comm);
  const auto range = work_range(n, rank, size);
  return {range.begin, range.end};
}

ItemError current_error(std::uint64_t i, const std::string& context) {
  const std::string prefix = context.empty() ? std::string() : context + ": ";
  try {
    throw;
  } catch (const core::Error& e) {
    return {i, prefix + e.what(), e.exit_status()};
  } catch (const std::exception& e) {
    return {i, prefix + e.what(), 3};
  } catch (...) {
    return {i, prefix + "unknown error", 3};
  }
}

} // namespace detail

} // namespace nuflare::campaign
