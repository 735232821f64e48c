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

#include <mpi.h>

#include <cstdint>
#include <exception>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>

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

//! Calls `read` on rank 0 of `comm` and returns its value on the ranks
//! `deliver` names (collective). When `read` throws, every rank throws the
//! same error. The value's type must be default-constructible and packable
//! (serialize.hpp).
template <class Read>
[[nodiscard]] std::remove_cvref_t<std::invoke_result_t<Read&>>
read_once(MPI_Comm comm, Read&& read, Deliver deliver = Deliver::every_rank) {
  using T = std::remove_cvref_t<std::invoke_result_t<Read&>>;
  int rank = 0, size = 1;
  MPI_Comm_rank(comm, &rank);
  MPI_Comm_size(comm, &size);
  if (size == 1)
    return read();
  if (rank == 0) {
    std::optional<T> value;
    std::exception_ptr error;
    try {
      value.emplace(read());
    } catch (...) {
      error = std::current_exception();
    }
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
