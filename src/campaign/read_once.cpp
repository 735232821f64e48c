#include "nuflare/campaign/read_once.hpp"

#include "nuflare/io/event_cache.hpp"
#include "nuflare/io/file_hashes.hpp"
#include "nuflare/io/icecube.hpp"

#include <sched.h>

#include <atomic>
#include <iostream>
#include <iterator>
#include <new>
#include <set>
#include <stdexcept>

namespace nuflare::io {
template <class A, campaign::Record<LightCurvesCsvLayout> R>
void fields(A& a, R& l) {
  a(l.path, l.columns, l.header_line, l.compressed, l.data_begin, l.bounds);
}
template <class A, campaign::Record<LightCurvesPart> R>
void fields(A& a, R& p) {
  a(p.curves, p.lines, p.first_line, p.newlines, p.failed, p.error_line, p.error_field,
    p.error_message);
}
} // namespace nuflare::io

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
    out.message = e.message(); // "file:line: field: " is rebuilt on arrival
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

unsigned cpus_allowed() {
  cpu_set_t cpus;
  CPU_ZERO(&cpus);
  return sched_getaffinity(0, sizeof cpus, &cpus) == 0
             ? static_cast<unsigned>(std::max(1, CPU_COUNT(&cpus)))
             : 1U;
}

std::uint64_t least(MPI_Comm comm, std::uint64_t first_bad) {
  std::uint64_t out = first_bad;
  MPI_Request request = MPI_REQUEST_NULL;
  MPI_Iallreduce(&first_bad, &out, 1, MPI_UINT64_T, MPI_MIN, comm, &request);
  wait_quietly(request);
  return out;
}

namespace {
constexpr std::size_t PIECE = std::size_t{1} << 30; //!< the most bytes an int count holds

void send_bytes(MPI_Comm comm, int dest, int tag, const void* data, std::size_t bytes) {
  const auto* at = static_cast<const unsigned char*>(data);
  for (std::size_t done = 0; done < bytes; done += PIECE) {
    MPI_Request request = MPI_REQUEST_NULL;
    MPI_Isend(at + done, static_cast<int>(std::min(PIECE, bytes - done)), MPI_BYTE, dest, tag, comm,
              &request);
    wait_quietly(request);
  }
}

void receive_bytes(MPI_Comm comm, int source, int tag, void* data, std::size_t bytes) {
  auto* at = static_cast<unsigned char*>(data);
  for (std::size_t done = 0; done < bytes; done += PIECE)
    MPI_Recv(at + done, static_cast<int>(std::min(PIECE, bytes - done)), MPI_BYTE, source, tag,
             comm, MPI_STATUS_IGNORE);
}
} // namespace

void send_to(MPI_Comm comm, int dest, int tag, const Packer& packed) {
  Header h{packed.bytes.size(), packed.blocks.size(), 0};
  for (const auto& b : packed.blocks)
    h.block_bytes += b.size();
  send_bytes(comm, dest, tag, &h, sizeof h);
  send_bytes(comm, dest, tag, packed.bytes.data(), packed.bytes.size());
  for (const auto& b : packed.blocks)
    send_bytes(comm, dest, tag, b.data(), b.size());
}

Received receive_from(MPI_Comm comm, int source, int tag) {
  Header h;
  receive_bytes(comm, source, tag, &h, sizeof h);
  Received r{std::vector<std::byte>(h.bytes), h.blocks, h.block_bytes};
  receive_bytes(comm, source, tag, r.bytes.data(), r.bytes.size());
  return r;
}

void receive_blocks_from(MPI_Comm comm, int source, int tag, const Received& announced,
                         const std::vector<std::span<std::byte>>& blocks) {
  std::uint64_t total = 0;
  for (const auto& b : blocks)
    total += b.size();
  if (blocks.size() != announced.blocks || total != announced.block_bytes)
    throw core::Error("internal error: rank " + std::to_string(source) + " sent " +
                      std::to_string(announced.blocks) + " arrays, this rank expected " +
                      std::to_string(blocks.size()));
  for (const auto& b : blocks)
    receive_bytes(comm, source, tag, b.data(), b.size());
}

Outcome share(MPI_Comm comm, int owner, const Outcome& outcome) {
  int rank = 0;
  MPI_Comm_rank(comm, &rank);
  if (rank == owner) {
    Packer packed;
    packed(outcome);
    std::uint64_t n = packed.bytes.size();
    broadcast_quietly(&n, sizeof n, owner, comm);
    broadcast_quietly(packed.bytes.data(), packed.bytes.size(), owner, comm);
    return outcome;
  }
  std::uint64_t n = 0;
  broadcast_quietly(&n, sizeof n, owner, comm);
  std::vector<std::byte> bytes(n);
  broadcast_quietly(bytes.data(), bytes.size(), owner, comm);
  Outcome out;
  Unpacker unpack(bytes);
  unpack(out);
  return out;
}

} // namespace nuflare::campaign::detail

namespace nuflare::campaign {

namespace {

//! One season file as a reading rank sends it to rank 0: its events, and the
//! hash it took of the file (for the cache), so that rank 0 need not read the
//! file again to record it in the archive (io/file_hashes.hpp).
struct Season {
  io::EventSample events;
  std::string sha256;  //!< empty when not taken (no cache)
  io::FileStamp stamp; //!< the file's stamp when hashed
};
template <class A, Record<Season> R>
void fields(A& a, R& s) {
  a(s.events, s.sha256, s.stamp);
}

Season read_season(const std::string& path, const io::EventCache& cache) {
  Season s;
  s.events = io::read_icecube_events_cached(path, cache);
  if (cache.on())
    if (const auto stamp = io::file_stamp(path)) {
      s.stamp = *stamp;
      s.sha256 = io::input_sha256(path); // remembered when the cache looked up the entry
    }
  return s;
}

//! The event cache of this job (io/event_cache.hpp): rank 0 opens the folder
//! the environment names, and a folder it cannot use is reported in one
//! warning per process and the job runs without a cache.
io::EventCache open_event_cache(MPI_Comm comm) {
  const std::string dir = read_once(comm, [] {
    const auto where = io::event_cache_dir_from_environment();
    if (!where)
      return std::string();
    std::string problem;
    if (io::EventCache::open(*where, problem).on())
      return where->string();
    static std::atomic<bool> warned{false};
    if (!warned.exchange(true))
      std::cerr << "nuflare: warning: event cache " + where->string() + ": " + problem +
                       "; reading the event files without it (NUFLARE_CACHE_DIR=off turns the "
                       "cache off)\n"
                << std::flush;
    return std::string();
  });
  if (dir.empty())
    return {};
  // Rank 0 probed the folder; an entry another rank cannot write is skipped.
  return io::EventCache::opened(dir, io::event_cache_debug_from_environment());
}

} // namespace

std::vector<io::EventSample> read_event_parts_once(MPI_Comm comm,
                                                   const std::vector<std::string>& paths) {
  std::set<std::string> seasons;
  for (const auto& p : paths)
    seasons.insert(io::season_from_path(p));
  std::vector<io::EventSample> out;
  if (paths.empty() || seasons.size() != paths.size()) { // the reader's own words for both
    auto all = read_once(
        comm, [&] { return io::read_icecube_events(paths); }, Deliver::first_rank);
    if (comm_rank(comm) == 0)
      out.push_back(std::move(all));
    return out;
  }
  const io::EventCache cache = open_event_cache(comm);
  auto parts = read_parts_once(
      comm, paths.size(), [&](std::size_t k) { return read_season(paths[k], cache); },
      Deliver::first_rank);
  // Rank 0 keeps the hashes the other readers took, for the archive.
  out.reserve(parts.size());
  for (std::size_t k = 0; k < parts.size(); ++k) {
    if (!parts[k].sha256.empty())
      io::remember_input_sha256(paths[k], parts[k].stamp, parts[k].sha256);
    out.push_back(std::move(parts[k].events));
  }
  return out;
}

io::EventSample read_events_once(MPI_Comm comm, const std::vector<std::string>& paths,
                                 Deliver deliver) {
  auto parts = read_event_parts_once(comm, paths);
  // Rank 0 puts the seasons one after the other, as the reader does.
  return read_once(
      comm,
      [&] {
        if (parts.size() == 1)
          return std::move(parts.front());
        io::EventSample all;
        std::size_t n = 0;
        for (const auto& p : parts)
          n += p.size();
        for (auto* column : {&all.mjd, &all.log10_e, &all.angerr_deg, &all.ra_deg, &all.dec_deg})
          column->reserve(n);
        all.season_index.reserve(n);
        for (auto& p : parts) {
          const auto offset = static_cast<std::uint32_t>(all.season.size());
          all.season.insert(all.season.end(), p.season.begin(), p.season.end());
          const auto append = [](std::vector<double>& to, std::vector<double>& from) {
            to.insert(to.end(), from.begin(), from.end());
            from = {};
          };
          append(all.mjd, p.mjd);
          append(all.log10_e, p.log10_e);
          append(all.angerr_deg, p.angerr_deg);
          append(all.ra_deg, p.ra_deg);
          append(all.dec_deg, p.dec_deg);
          for (std::uint32_t s : p.season_index)
            all.season_index.push_back(s + offset);
          p = {};
        }
        return all;
      },
      deliver);
}

LongCsvParts::LongCsvParts(MPI_Comm comm, const std::vector<std::string>& paths,
                           std::uint64_t part_bytes) {
  // Headers first, on rank 0; a bad one waits for its file's turn in take().
  layouts_ = read_once(comm, [&] {
    std::vector<io::LightCurvesCsvLayout> out;
    for (const auto& path : paths) {
      try {
        out.push_back(io::lightcurves_csv_layout(path, part_bytes));
      } catch (const core::InputError&) {
        layout_error_ = std::current_exception();
        break;
      }
    }
    return out;
  });
  std::vector<std::pair<std::size_t, std::size_t>> where; // (file, part) of every part
  for (std::size_t f = 0; f < layouts_.size(); ++f) {
    first_part_.push_back(where.size());
    for (std::size_t k = 0; k < layouts_[f].parts(); ++k)
      where.emplace_back(f, k);
  }
  first_part_.push_back(where.size());
  // Bad rows are data in a part; what a part throws (an I/O failure) stops every rank.
  parts_ = read_parts_once(
      comm, where.size(),
      [&](std::size_t g) {
        return io::read_lightcurves_part(layouts_[where[g].first], where[g].second);
      },
      Deliver::first_rank);
}

std::vector<io::LightCurve> LongCsvParts::take(std::size_t k) {
  if (k >= layouts_.size()) {
    if (layout_error_)
      std::rethrow_exception(layout_error_);
    throw std::out_of_range("LongCsvParts::take: no file " + std::to_string(k));
  }
  std::vector<io::LightCurvesPart> mine(
      std::make_move_iterator(parts_.begin() + static_cast<std::ptrdiff_t>(first_part_[k])),
      std::make_move_iterator(parts_.begin() + static_cast<std::ptrdiff_t>(first_part_[k + 1])));
  return io::merge_lightcurves_parts(layouts_[k], std::move(mine));
}

} // namespace nuflare::campaign
