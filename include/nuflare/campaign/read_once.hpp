#pragma once
//! Read once per job (docs/scaling.md): rank 0 reads and checks an input with
//! the io/ readers, and the other ranks receive what it read as binary
//! arrays instead of parsing the same files again. Bad input still stops
//! every rank together with the same one-line message naming the file, line
//! and field: rank 0 sends the error instead of the data, and every rank
//! throws it (the same type, so `main` reports it as before). The other ranks
//! wait quietly (collective.hpp), leaving the processor to the reader.
//!
//!     const auto catalog = campaign::read_once(comm, [&] { return io::read_catalog(path); });
//!
//! With one rank the reader is simply called.
#include "nuflare/campaign/collective.hpp"
#include "nuflare/campaign/serialize.hpp"
#include "nuflare/io/lightcurves.hpp"

#include <mpi.h>

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <exception>
#include <optional>
#include <string>
#include <thread>
#include <type_traits>
#include <utility>
#include <vector>

namespace nuflare::campaign {

//! Who receives what rank 0 read.
enum class Deliver {
  every_rank, //!< every rank of the communicator
  //! rank 0 only (the others get a default-constructed value): for data that
  //! rank 0 turns into something smaller before sharing it, such as the
  //! events of SharedSpatialIndex. Errors still reach every rank.
  first_rank,
};

namespace detail {

//! What went wrong on rank 0, in a form every rank can throw again.
struct Outcome {
  enum Kind : std::uint8_t { ok, input, config, io, numerical, other, no_memory, internal };
  Kind kind = ok;
  std::int32_t status = 0; //!< exit status (`other`)
  std::string message;     //!< what() ; for `input` the message after file:line: field:
  std::string file, field; //!< `input`
  std::uint64_t line = 0;  //!< `input`
};
template <class A, Record<Outcome> R>
void fields(A& a, R& o) {
  a(o.kind, o.status, o.message, o.file, o.field, o.line);
}

//! The outcome of the exception `error` (rank 0).
[[nodiscard]] Outcome describe(std::exception_ptr error);
//! Throws the error `outcome` describes (the other ranks).
[[noreturn]] void rethrow(const Outcome& outcome);

//! Rank 0: sends `packed` (its bytes, then its blocks) to every rank.
void send(MPI_Comm comm, const Packer& packed);
//! What the other ranks receive first: the packed bytes, and the number and
//! total size of the blocks that follow them.
struct Received {
  std::vector<std::byte> bytes;
  std::uint64_t blocks = 0, block_bytes = 0;
};
//! The other ranks: receive the bytes of send().
[[nodiscard]] Received receive(MPI_Comm comm);
//! The other ranks: receive the blocks of send() into `blocks`, which must
//! match the sender's (core::Error otherwise: the two ends would describe a
//! record differently).
void receive_blocks(MPI_Comm comm, const Received& announced,
                    const std::vector<std::span<std::byte>>& blocks);

} // namespace detail

namespace detail {
//! This process's rank in `comm`, or −1 where there is no one to share a
//! read with: one process without MPI (MPI_COMM_NULL, docs/cli.md) or a
//! communicator of one rank, where the reader is simply called.
[[nodiscard]] inline int reader_rank(MPI_Comm comm) {
  return comm == MPI_COMM_NULL || comm_size(comm) == 1 ? -1 : comm_rank(comm);
}
//! Rank 0's call of `read`: its value, or no value and the error it threw in `error`.
template <class Read>
[[nodiscard]] std::optional<std::remove_cvref_t<std::invoke_result_t<Read&>>>
attempt(Read& read, std::exception_ptr& error) {
  try {
    return read();
  } catch (...) {
    error = std::current_exception();
    return std::nullopt;
  }
}
} // namespace detail

//! Calls `read` on rank 0 of `comm` and returns its value on the ranks
//! `deliver` names (collective). When `read` throws, every rank throws the
//! same error. The value's type must be default-constructible and packable
//! (serialize.hpp).
template <class Read>
[[nodiscard]] std::remove_cvref_t<std::invoke_result_t<Read&>>
read_once(MPI_Comm comm, Read&& read, Deliver deliver = Deliver::every_rank) {
  using T = std::remove_cvref_t<std::invoke_result_t<Read&>>;
  const int rank = detail::reader_rank(comm);
  if (rank < 0)
    return read();
  if (rank == 0) {
    std::exception_ptr error;
    std::optional<T> value = detail::attempt(read, error);
    detail::Outcome outcome = error ? detail::describe(error) : detail::Outcome{};
    Packer packed;
    packed(outcome);
    if (!error && deliver == Deliver::every_rank)
      packed(*value);
    detail::send(comm, packed);
    if (error)
      std::rethrow_exception(error);
    return std::move(*value);
  }
  const detail::Received received = detail::receive(comm);
  Unpacker unpack(received.bytes);
  detail::Outcome outcome;
  unpack(outcome);
  if (outcome.kind != detail::Outcome::ok)
    detail::rethrow(outcome);
  T value{};
  if (deliver == Deliver::every_rank) {
    unpack(value);
    detail::receive_blocks(comm, received, unpack.blocks);
  }
  return value;
}

namespace detail {
//! Processors this process may run on (its affinity mask).
[[nodiscard]] unsigned cpus_allowed();
//! The smallest `first_bad` of all ranks (collective, waits quietly).
[[nodiscard]] std::uint64_t least(MPI_Comm comm, std::uint64_t first_bad);
//! Point-to-point form of send()/receive() (tag `tag`), for one part.
void send_to(MPI_Comm comm, int dest, int tag, const Packer& packed);
[[nodiscard]] Received receive_from(MPI_Comm comm, int source, int tag);
void receive_blocks_from(MPI_Comm comm, int source, int tag, const Received& announced,
                         const std::vector<std::span<std::byte>>& blocks);
//! Every rank: the outcome `owner` sends (its own `outcome` there).
[[nodiscard]] Outcome share(MPI_Comm comm, int owner, const Outcome& outcome);
} // namespace detail

namespace detail {
//! The tag of the per-rank parts of read_once_split.
inline constexpr int SPLIT_TAG = 17017;
} // namespace detail

//! read_once for inputs that ranks use in parts (the light curves of the
//! sources a rank analyses, docs/scaling.md): rank 0 calls `read`, keeps the
//! whole value, and sends rank r only `part(value, r, size)` (collective).
//! When `read` throws, every rank throws the same error, as with read_once.
template <class Read, class Part>
[[nodiscard]] std::remove_cvref_t<std::invoke_result_t<Read&>>
read_once_split(MPI_Comm comm, Read&& read, Part&& part) {
  using T = std::remove_cvref_t<std::invoke_result_t<Read&>>;
  const int rank = detail::reader_rank(comm);
  if (rank < 0)
    return read();
  const int size = comm_size(comm);
  if (rank == 0) {
    std::exception_ptr error;
    std::optional<T> value = detail::attempt(read, error);
    Packer verdict;
    verdict(error ? detail::describe(error) : detail::Outcome{});
    detail::send(comm, verdict);
    if (error)
      std::rethrow_exception(error);
    for (int r = 1; r < size; ++r) {
      const T piece = part(std::as_const(*value), r, size);
      Packer packed;
      packed(piece);
      detail::send_to(comm, r, detail::SPLIT_TAG, packed);
    }
    return std::move(*value);
  }
  const detail::Received verdict = detail::receive(comm);
  Unpacker unpack_verdict(verdict.bytes);
  detail::Outcome outcome;
  unpack_verdict(outcome);
  if (outcome.kind != detail::Outcome::ok)
    detail::rethrow(outcome);
  const detail::Received received = detail::receive_from(comm, 0, detail::SPLIT_TAG);
  Unpacker unpack(received.bytes);
  T value{};
  unpack(value);
  detail::receive_blocks_from(comm, 0, detail::SPLIT_TAG, received, unpack.blocks);
  return value;
}

//! Reads an input made of several files — the seasons of an event sample —
//! part by part: part k (`read_part(k)`, k < n) by rank k mod size, with a
//! few threads where the node has processors to spare (one process without
//! MPI: as many threads as it may use), so every byte is still
//! read once, by many readers at a time. Returns the parts in order on the
//! ranks `deliver` names (collective). When parts fail, every rank throws the
//! error of the first failing part: what reading the parts one after the
//! other would have thrown.
template <class ReadPart>
[[nodiscard]] auto read_parts_once(MPI_Comm comm, std::size_t n, ReadPart&& read_part,
                                   Deliver deliver = Deliver::every_rank)
    -> std::vector<std::remove_cvref_t<std::invoke_result_t<ReadPart&, std::size_t>>> {
  using T = std::remove_cvref_t<std::invoke_result_t<ReadPart&, std::size_t>>;
  const bool alone = comm == MPI_COMM_NULL; // one process without MPI (docs/cli.md)
  int rank = 0, size = 1;
  if (!alone) {
    MPI_Comm_rank(comm, &rank);
    MPI_Comm_size(comm, &size);
  }
  const auto owner = [&](std::size_t k) {
    return static_cast<int>(k % static_cast<std::size_t>(size));
  };
  std::vector<std::size_t> mine;
  for (std::size_t k = 0; k < n; ++k)
    if (owner(k) == rank)
      mine.push_back(k);
  std::vector<std::optional<T>> parts(n);
  std::vector<std::exception_ptr> errors(n);
  const unsigned threads = std::min<unsigned>(
      alone ? detail::cpus_allowed() : threads_per_rank(comm), static_cast<unsigned>(mine.size()));
  {
    std::atomic<std::size_t> next{0};
    const auto work = [&] {
      for (std::size_t i = next++; i < mine.size(); i = next++) {
        try {
          parts[mine[i]].emplace(read_part(mine[i]));
        } catch (...) {
          errors[mine[i]] = std::current_exception();
        }
      }
    };
    std::vector<std::thread> pool;
    for (unsigned t = 1; t < threads; ++t)
      pool.emplace_back(work);
    work();
    for (auto& t : pool)
      t.join();
  }
  std::uint64_t first_bad = n;
  for (std::size_t k : mine)
    if (errors[k]) {
      first_bad = k;
      break;
    }
  if (alone) {
    if (first_bad < n)
      std::rethrow_exception(errors[first_bad]);
    std::vector<T> out;
    out.reserve(n);
    for (auto& part : parts)
      out.push_back(std::move(*part));
    return out;
  }
  first_bad = detail::least(comm, first_bad);
  if (first_bad < n) {
    const int from = owner(first_bad);
    const detail::Outcome outcome = detail::share(
        comm, from, rank == from ? detail::describe(errors[first_bad]) : detail::Outcome{});
    if (rank == from)
      std::rethrow_exception(errors[first_bad]);
    detail::rethrow(outcome);
  }
  // Rank 0 collects the parts in order.
  std::vector<T> out;
  if (rank == 0) {
    out.reserve(n);
    for (std::size_t k = 0; k < n; ++k) {
      if (owner(k) == 0) {
        out.push_back(std::move(*parts[k]));
        continue;
      }
      const detail::Received received = detail::receive_from(comm, owner(k), static_cast<int>(k));
      Unpacker unpack(received.bytes);
      T value{};
      unpack(value);
      detail::receive_blocks_from(comm, owner(k), static_cast<int>(k), received, unpack.blocks);
      out.push_back(std::move(value));
    }
  } else {
    for (std::size_t k : mine) {
      Packer packed;
      packed(*parts[k]);
      detail::send_to(comm, 0, static_cast<int>(k), packed);
      parts[k].reset();
    }
  }
  if (deliver == Deliver::every_rank)
    out = read_once(comm, [&] { return std::move(out); });
  return out;
}

//! The events of the season files `paths` as io::read_icecube_events(paths)
//! returns them, read once per job with read_parts_once (one season per
//! part), delivered to the ranks `deliver` names (collective). Each season
//! goes through the event cache (io/event_cache.hpp) of the folder the
//! environment names — rank 0 opens it, and warns once when it cannot — and
//! its file's hash is remembered on rank 0 for the archive
//! (io/file_hashes.hpp). Errors are the reader's own; two files of one
//! season are read by rank 0 alone, so that the reader reports them as it
//! always does.
[[nodiscard]] io::EventSample read_events_once(MPI_Comm comm, const std::vector<std::string>& paths,
                                               Deliver deliver = Deliver::every_rank);

//! The same seasons (one sample per file, in order; one sample of all where
//! the reader must see the files together, as above) on rank 0 alone, not
//! put one after the other: for rank 0 to select from them season by season
//! (SharedSpatialIndex) without building a concatenated sample. The other
//! ranks get none; errors reach every rank, as with read_events_once.
[[nodiscard]] std::vector<io::EventSample>
read_event_parts_once(MPI_Comm comm, const std::vector<std::string>& paths);

//! Long-CSV light-curve files read once per job in parts by every rank
//! (docs/scaling.md, "Read once per job"): each file is cut into byte ranges
//! of io::LIGHTCURVE_PART_BYTES (gzip and xz files: one part), the parts
//! are read by all ranks and threads with read_parts_once, and rank 0 keeps
//! them. take(k) then gives rank 0 file k's curves, exactly as
//! io::read_lightcurves_csv returns them, or throws exactly its error, at the
//! moment the caller reads that file: bad rows and headers are kept until
//! then, so an error in an input read before the light curves still comes
//! first. The cut does not depend on the number of ranks.
class LongCsvParts {
public:
  //! Collective over `comm` (MPI_COMM_NULL: one process, threads only);
  //! plain files are cut into parts of `part_bytes`.
  LongCsvParts(MPI_Comm comm, const std::vector<std::string>& paths,
               std::uint64_t part_bytes = io::LIGHTCURVE_PART_BYTES);
  //! Rank 0, k-th file in the order given, each once.
  [[nodiscard]] std::vector<io::LightCurve> take(std::size_t k);

private:
  std::vector<io::LightCurvesCsvLayout> layouts_; // up to the first file whose header failed
  std::exception_ptr layout_error_;               // rank 0: that file's error
  std::vector<std::size_t> first_part_;           // per file, then the total
  std::vector<io::LightCurvesPart> parts_;        // rank 0
};

//! Runs `step` on rank 0 of `comm` alone (collective): when it throws, every
//! rank throws the same error together, otherwise every rank returns.
template <class Step>
void on_first_rank(MPI_Comm comm, Step&& step) {
  (void)read_once(
      comm,
      [&] {
        step();
        return true;
      },
      Deliver::first_rank);
}

} // namespace nuflare::campaign
