#include "nuflare/campaign/read_once.hpp"

#include <new>
#include <stdexcept>

namespace nuflare::campaign::detail {

namespace {

//! An error of a kind this program does not name, with rank 0's exit status.
class RelayedError : public core::Error {
public:
  RelayedError(const std::string& message, int status) : core::Error(message), status_(status) {}
  [[nodiscard]] int exit_status() const noexcept override { return status_; }

private:
  int status_;
};

//! Header of a transfer: the packed bytes and the blocks that follow them.
struct Header {
  std::uint64_t bytes = 0, blocks = 0, block_bytes = 0;
};

} // namespace

Outcome describe(std::exception_ptr error) {
  Outcome out;
  try {
    std::rethrow_exception(error);
  } catch (const core::InputError& e) {
    out.kind = Outcome::input;
    out.file = e.file();
    out.line = e.line();
    out.field = e.field();
    // what() is "file:line: field: message"; the prefix is rebuilt on arrival.
    const std::string prefix = core::InputError(e.file(), e.line(), e.field(), "").what();
    out.message = std::string(e.what()).substr(prefix.size());
  } catch (const core::ConfigError& e) {
    out.kind = Outcome::config;
    out.message = e.what();
  } catch (const core::IoError& e) {
    out.kind = Outcome::io;
    out.message = e.what();
  } catch (const core::NumericalError& e) {
    out.kind = Outcome::numerical;
    out.message = e.what();
  } catch (const core::Error& e) {
    out.kind = Outcome::other;
    out.status = e.exit_status();
    out.message = e.what();
  } catch (const std::bad_alloc&) {
    out.kind = Outcome::no_memory;
  } catch (const std::exception& e) {
    out.kind = Outcome::internal;
    out.message = e.what();
  } catch (...) {
    out.kind = Outcome::internal;
    out.message = "unknown exception";
  }
  return out;
}

void rethrow(const Outcome& o) {
  switch (o.kind) {
  case Outcome::input:
    throw core::InputError(o.file, static_cast<std::size_t>(o.line), o.field, o.message);
  case Outcome::config:
    throw core::ConfigError(o.message);
  case Outcome::io:
    throw core::IoError(o.message);
  case Outcome::numerical:
    throw core::NumericalError(o.message);
  case Outcome::other:
    throw RelayedError(o.message, o.status);
  case Outcome::no_memory:
    throw std::bad_alloc();
  case Outcome::internal:
  case Outcome::ok:
    break;
  }
  throw std::runtime_error(o.message);
}

void send(MPI_Comm comm, const Packer& packed) {
  Header h{packed.bytes.size(), packed.blocks.size(), 0};
  for (const auto& b : packed.blocks)
    h.block_bytes += b.size();
  broadcast_quietly(&h, sizeof h, 0, comm);
  broadcast_quietly(const_cast<std::byte*>(packed.bytes.data()), packed.bytes.size(), 0, comm);
  for (const auto& b : packed.blocks)
    broadcast_quietly(const_cast<std::byte*>(b.data()), b.size(), 0, comm);
}

Received receive(MPI_Comm comm) {
  Header h;
  broadcast_quietly(&h, sizeof h, 0, comm);
  Received r{std::vector<std::byte>(h.bytes), h.blocks, h.block_bytes};
  broadcast_quietly(r.bytes.data(), r.bytes.size(), 0, comm);
  return r;
}

void receive_blocks(MPI_Comm comm, const Received& announced,
                    const std::vector<std::span<std::byte>>& blocks) {
  std::uint64_t total = 0;
  for (const auto& b : blocks)
    total += b.size();
  if (blocks.size() != announced.blocks || total != announced.block_bytes)
    throw core::Error("internal error: rank 0 sent " + std::to_string(announced.blocks) +
                      " arrays of " + std::to_string(announced.block_bytes) +
                      " bytes, this rank expected " + std::to_string(blocks.size()) + " of " +
                      std::to_string(total));
  for (const auto& b : blocks)
    broadcast_quietly(b.data(), b.size(), 0, comm);
}

} // namespace nuflare::campaign::detail
