#pragma once
//! Collective steps that wait without spinning (docs/scaling.md).
//!
//! MPI implementations poll while a rank waits in a collective call: on a
//! node with a core per rank that costs nothing, but with more ranks than
//! cores (a laptop, an oversubscribed test, a node shared with other jobs)
//! fifteen waiting ranks take the processor from the one that reads the
//! inputs or builds the tables they wait for. These helpers start the
//! non-blocking form of a step and then test it with short sleeps in between,
//! so a waiting rank costs microseconds per millisecond. They add at most
//! about a millisecond of latency to each step, which is why the trial loop
//! uses them only where ranks wait for one rank's work, at checkpoints and at
//! the end.
//!
//! Every helper takes MPI_COMM_NULL as one process without MPI (docs/cli.md,
//! "When nuflare starts MPI"): rank 0 of 1, reductions and broadcasts leave
//! the values as they are, waits return at once, and no MPI function is
//! called, so they serve a run that never called MPI_Init.
#include <mpi.h>

#include <cstddef>
#include <cstdint>
#include <span>

namespace nuflare::campaign {

//! This process's rank in `comm` (MPI_Comm_rank); 0 on MPI_COMM_NULL.
[[nodiscard]] int comm_rank(MPI_Comm comm);
//! The number of ranks of `comm` (MPI_Comm_size); 1 on MPI_COMM_NULL.
[[nodiscard]] int comm_size(MPI_Comm comm);

//! MPI_Allreduce of `values` in place with `op` (MPI_MIN, MPI_MAX, MPI_SUM, ...).
void allreduce(std::span<double> values, MPI_Op op, MPI_Comm comm);
void allreduce(std::span<int> values, MPI_Op op, MPI_Comm comm);
void allreduce(std::span<std::int64_t> values, MPI_Op op, MPI_Comm comm);
void allreduce(std::span<std::uint64_t> values, MPI_Op op, MPI_Comm comm);

//! Seconds on a steady clock: MPI_Wtime without MPI.
[[nodiscard]] double seconds_now();

//! Completes `request`, sleeping between tests (50 µs at first, then up to 1 ms).
void wait_quietly(MPI_Request& request);

//! MPI_Barrier that waits quietly.
void barrier_quietly(MPI_Comm comm);

//! MPI_Bcast of `bytes` bytes from `root` that waits quietly; any size (sent
//! in pieces of at most 1 GiB, the largest an int count of bytes holds).
void broadcast_quietly(void* data, std::size_t bytes, int root, MPI_Comm comm);

//! The number of ranks that share this rank's node (MPI_COMM_TYPE_SHARED;
//! collective over `comm` the first time, then kept on `comm` and on its
//! duplicates); 1 on MPI_COMM_NULL.
[[nodiscard]] int ranks_on_node(MPI_Comm comm);

//! Threads this rank may use for a step the others wait for (reading, a
//! build): the processors it may run on — its own affinity, as a batch system
//! binds it — shared by the ranks of its node; at least 1 (collective over
//! `comm` as ranks_on_node is).
[[nodiscard]] unsigned threads_per_rank(MPI_Comm comm);

} // namespace nuflare::campaign
