#pragma once
//! Work over MPI ranks whose results are not per-trial rows: one result of
//! any size per item (a source's analysed light curves, say), computed by the
//! rank that owns the item and gathered on every rank in item order; and the
//! small agreements every collective step needs (the first error, a verdict
//! of rank 0).
//!
//! Items are split as trials are (partition.hpp: contiguous blocks), and a
//! result depends only on its item, so what every rank holds after a gather
//! is the same for any number of ranks (README.md, "results bit-identical").
//! Results travel as bytes, packed by serialize.hpp's Packer: a record takes
//! part by a `fields(a, record)` function that lists its members once, for
//! packing and unpacking (plain structs of numbers need none).
//!
//! Only this module and io/ call MPI.
//!
//! One process without MPI (nuflare outside a launcher, docs/cli.md "When
//! nuflare starts MPI") passes MPI_COMM_NULL as its communicator: every
//! collective here is then the identity of one rank of one, and no MPI
//! function is called, so MPI need not be initialised.
#include "nuflare/campaign/serialize.hpp"
#include "nuflare/core/error.hpp"

#include <mpi.h>

#include <cstddef>
#include <cstdint>
#include <exception>
#include <functional>
#include <iosfwd>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace nuflare::campaign {

//! True for the communicator of one process without MPI (MPI_COMM_NULL).
[[nodiscard]] inline bool serial(MPI_Comm comm) noexcept {
  return comm == MPI_COMM_NULL;
}

// ---- errors every rank agrees on ---------------------------------------------

//! An error raised on one rank and rethrown on every rank: its message and
//! exit status are the original's (main prints it once).
class SharedError : public core::Error {
public:
  SharedError(const std::string& message, int status) : core::Error(message), status_(status) {}
  [[nodiscard]] int exit_status() const noexcept override { return status_; }

private:
  int status_;
};

//! One rank's first failure: the item it failed on, the message, the status.
struct ItemError {
  std::uint64_t item = 0;
  std::string message;
  int status = 2;
};

//! Collective: when any rank passes an error, every rank throws SharedError
//! with the one of the lowest item (the error a one-rank run meets first);
//! otherwise returns.
void agree_on_first_error(MPI_Comm comm, const std::optional<ItemError>& mine);

//! Collective: rank 0 runs `work` (the others wait); its exception, if any,
//! is rethrown on rank 0 and answered on the others by a SharedError with
//! the same exit status ("failed on rank 0"), so main prints rank 0's line.
void run_on_root(MPI_Comm comm, const std::function<void()>& work);

//! Collective: `value` of rank 0 on every rank.
[[nodiscard]] int broadcast_from_root(MPI_Comm comm, int value);

//! Collective: returns when every rank has called it (phase timings).
void synchronise(MPI_Comm comm);

//! Wall time per phase of a run (`--timing`, bench/flares): mark(phase)
//! waits for every rank, then writes "timing: PHASE SECONDS s" to `out`
//! (rank 0's clock; no output where `out` is null). Collective when on.
class PhaseTimer {
public:
  PhaseTimer(MPI_Comm comm, std::ostream* out, bool on = true);
  void mark(const char* phase);

private:
  MPI_Comm comm_;
  std::ostream* out_;
  bool on_;
  double last_; //!< seconds on a steady clock
};

//! Ends a run after an error, on every rank that failed. When every rank
//! failed (bad input is read by all ranks), rank 0 prints `prefix` and
//! `message` on stderr and the function returns `status`; when only some
//! failed within a few seconds, a failing rank prints and aborts the job
//! (MPI_Abort with `status`), so that no rank waits forever in a collective call.
int end_after_error(MPI_Comm comm, const std::string& prefix, const std::string& message,
                    int status);

// ---- results as bytes (serialize.hpp) ------------------------------------

//! Collective: every rank's bytes, concatenated in rank order, on every rank
//! (any total size).
[[nodiscard]] std::vector<std::byte> all_gather_bytes(MPI_Comm comm,
                                                      const std::vector<std::byte>& mine);

//! Collective: computes `compute(i)` for this rank's block of the items
//! 0 … n−1 (campaign::work_range) and returns every result, in item order,
//! on every rank. An exception stops this rank's block; the error of the
//! lowest failing item is thrown on every rank as SharedError, its message
//! prefixed with `context(i)` and ": " (std::exception other than
//! core::Error: exit status 3, as a numerical failure).
template <class Result>
[[nodiscard]] std::vector<Result>
gather_in_order(MPI_Comm comm, std::uint64_t n, const std::function<Result(std::uint64_t)>& compute,
                const std::function<std::string(std::uint64_t)>& context);

// ---- implementation of gather_in_order ---------------------------------------

namespace detail {
//! This rank's block of [0, n).
std::pair<std::uint64_t, std::uint64_t> my_block(MPI_Comm comm, std::uint64_t n);
//! The ItemError of item i for the exception being handled.
ItemError current_error(std::uint64_t i, const std::string& context);
} // namespace detail

template <class Result>
std::vector<Result> gather_in_order(MPI_Comm comm, std::uint64_t n,
                                    const std::function<Result(std::uint64_t)>& compute,
                                    const std::function<std::string(std::uint64_t)>& context) {
  const auto [begin, end] = detail::my_block(comm, n);
  Packer out(Arrays::in_buffer); // one buffer per rank: all_gather_bytes moves it whole
  std::optional<ItemError> failed;
  for (std::uint64_t i = begin; i < end && !failed; ++i) {
    try {
      out(compute(i));
    } catch (...) {
      failed = detail::current_error(i, context(i));
    }
  }
  agree_on_first_error(comm, failed);
  const auto all = all_gather_bytes(comm, out.bytes);
  Unpacker in(all, Arrays::in_buffer);
  std::vector<Result> results(n);
  for (auto& r : results)
    in(r);
  if (!in.done())
    throw core::Error("internal: gathered results left unread");
  return results;
}

} // namespace nuflare::campaign
