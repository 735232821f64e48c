#include "nuflare/io/event_cache.hpp"

#include "nuflare/io/file_hashes.hpp"
#include "nuflare/io/icecube.hpp"
#include "nuflare/io/xxh64.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <memory>
#include <sstream>
#include <thread>

namespace nuflare::io {

namespace {

// Entry layout (docs/input-formats.md, "Event cache"): a 96-byte header, the
// five columns of `n` doubles one after the other, and the XXH64 of all that
// (8 bytes; xxh64.hpp: it detects damage at memory speed, where SHA-256
// took a fifth of a cached run). Native byte order, recorded by BYTE_ORDER_MARK: an entry written
// by a machine of the other order is foreign and rebuilt.
constexpr std::array<char, 8> MAGIC = {'N', 'U', 'F', 'L', 'E', 'V', 'C', '\0'};
constexpr std::uint32_t BYTE_ORDER_MARK = 0x01020304;
constexpr std::uint32_t COLUMNS = 5;

struct Header {
  std::array<char, 8> magic = MAGIC;
  std::uint32_t format = EVENT_CACHE_FORMAT;
  std::uint32_t reader = EVENT_READER_VERSION;
  std::uint32_t byte_order = BYTE_ORDER_MARK;
  std::uint32_t columns = COLUMNS;
  std::uint64_t n = 0;                  //!< events
  std::array<char, 64> source_sha256{}; //!< hex SHA-256 of the parsed file
};
static_assert(sizeof(Header) == 96, "the entry header is 96 bytes, without padding");

//! The columns of a sample, in entry order.
template <class Sample>
auto columns(Sample& e) {
  return std::array{&e.mjd, &e.log10_e, &e.angerr_deg, &e.ra_deg, &e.dec_deg};
}

struct FileCloser {
  void operator()(std::FILE* f) const noexcept { std::fclose(f); }
};
using File = std::unique_ptr<std::FILE, FileCloser>;

bool valid_sha256(const std::string& hex) {
  return hex.size() == 64 && hex.find_first_not_of("0123456789abcdef") == std::string::npos;
}

//! A name no other process or thread uses at the same time, in `dir`.
std::filesystem::path temporary_in(const std::filesystem::path& dir, const std::string& stem) {
  static std::atomic<unsigned> counter{0};
  std::ostringstream name;
  name << '.' << stem << '.' << ::getpid() << '.'
       << std::hash<std::thread::id>{}(std::this_thread::get_id()) << '.' << counter++ << ".tmp";
  return dir / name.str();
}

//! Puts `final_path` in place through a temporary in `dir` that `write`
//! fills (false: it failed). rename() replaces the file in one step: a
//! reader sees the old one or the new one, never a mixture (two jobs may
//! write the same entry). False when anything failed; no temporary is left.
template <class Write>
bool replace_whole(const std::filesystem::path& dir, const std::filesystem::path& final_path,
                   Write&& write) {
  const auto tmp = temporary_in(dir, final_path.filename().string());
  bool ok = write(tmp);
  std::error_code ec;
  if (ok) {
    std::filesystem::rename(tmp, final_path, ec);
    ok = !ec;
  }
  if (!ok)
    std::filesystem::remove(tmp, ec);
  return ok;
}

void say(const EventCache& cache, const std::string& line) {
  if (cache.debug())
    std::cerr << "nuflare: cache: " + line + "\n" << std::flush;
}

} // namespace

std::optional<std::filesystem::path> event_cache_dir_from_environment() {
  const auto value = [](const char* name) {
    const char* v = std::getenv(name);
    return v != nullptr ? std::string(v) : std::string();
  };
  const std::string dir = value("NUFLARE_CACHE_DIR");
  if (dir == "off")
    return std::nullopt;
  if (!dir.empty())
    return std::filesystem::path(dir);
  if (const std::string xdg = value("XDG_CACHE_HOME"); !xdg.empty())
    return std::filesystem::path(xdg) / "nuflare";
  if (const std::string home = value("HOME"); !home.empty())
    return std::filesystem::path(home) / ".cache" / "nuflare";
  return std::nullopt;
}

bool event_cache_debug_from_environment() {
  const char* v = std::getenv("NUFLARE_DEBUG_CACHE");
  return v != nullptr && *v != '\0' && std::string(v) != "0";
}

EventCache EventCache::open(const std::filesystem::path& dir, std::string& problem, bool debug) {
  problem.clear();
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) {
    problem = "cannot create the folder: " + ec.message();
    return {};
  }
  // Writable? A probe file says so where permission bits cannot (read-only
  // mounts, quotas, ACLs).
  const auto probe = temporary_in(dir, "probe");
  if (File f{std::fopen(probe.c_str(), "wb")}; !f) {
    problem = std::string("cannot write in the folder: ") + std::strerror(errno);
    return {};
  }
  std::filesystem::remove(probe, ec);
  EventCache cache;
  cache.dir_ = dir;
  cache.debug_ = debug;
  return cache;
}

EventCache EventCache::opened(const std::filesystem::path& dir, bool debug) {
  EventCache cache;
  cache.dir_ = dir;
  cache.debug_ = debug;
  return cache;
}

std::filesystem::path EventCache::entry(const std::string& sha256) const {
  return dir_ / ("events-" + sha256 + "-v" + std::to_string(EVENT_CACHE_FORMAT) + "." +
                 std::to_string(EVENT_READER_VERSION) + ".bin");
}

std::optional<EventSample> EventCache::load(const std::string& sha256, const std::string& season,
                                            std::string* why) const {
  const auto fail = [&](const char* reason) -> std::optional<EventSample> {
    if (why != nullptr)
      *why = reason;
    return std::nullopt;
  };
  if (!on() || !valid_sha256(sha256))
    return fail("no cache");
  const auto path = entry(sha256);
  File f{std::fopen(path.c_str(), "rb")};
  if (!f)
    return fail("absent");
  Header h;
  if (std::fread(&h, sizeof h, 1, f.get()) != 1)
    return fail("truncated header");
  if (h.magic != MAGIC || h.byte_order != BYTE_ORDER_MARK || h.columns != COLUMNS)
    return fail("not an entry of this machine's layout");
  if (h.format != EVENT_CACHE_FORMAT || h.reader != EVENT_READER_VERSION)
    return fail("another version");
  if (std::string(h.source_sha256.data(), h.source_sha256.size()) != sha256)
    return fail("made from another file");
  std::error_code ec;
  const auto size = std::filesystem::file_size(path, ec);
  constexpr std::uint64_t per_event = COLUMNS * sizeof(double);
  if (ec || h.n > size / per_event || size != sizeof h + h.n * per_event + sizeof(std::uint64_t))
    return fail("wrong size");
  Xxh64 sum;
  sum.update(&h, sizeof h);
  EventSample out;
  for (auto* column : columns(out)) {
    column->resize(h.n);
    if (h.n > 0 && std::fread(column->data(), sizeof(double), h.n, f.get()) != h.n)
      return fail("truncated");
    sum.update(column->data(), h.n * sizeof(double));
  }
  std::uint64_t stored = 0;
  if (std::fread(&stored, sizeof stored, 1, f.get()) != 1)
    return fail("truncated checksum");
  if (sum.digest() != stored)
    return fail("checksum mismatch");
  out.season = {season};
  out.season_index.assign(h.n, 0);
  return out;
}

bool EventCache::store(const std::string& sha256, const EventSample& events) const noexcept {
  if (!on() || !valid_sha256(sha256) || events.season.size() > 1)
    return false;
  try {
    Header h;
    h.n = events.size();
    std::memcpy(h.source_sha256.data(), sha256.data(), h.source_sha256.size());
    return replace_whole(dir_, entry(sha256), [&](const std::filesystem::path& tmp) {
      File f{std::fopen(tmp.c_str(), "wb")};
      if (!f)
        return false;
      Xxh64 sum;
      bool ok = std::fwrite(&h, sizeof h, 1, f.get()) == 1;
      sum.update(&h, sizeof h);
      for (const auto* column : columns(events)) {
        if (column->size() != h.n)
          return false;
        ok = ok && (h.n == 0 || std::fwrite(column->data(), sizeof(double), h.n, f.get()) == h.n);
        sum.update(column->data(), h.n * sizeof(double));
      }
      const std::uint64_t digest = sum.digest();
      ok = ok && std::fwrite(&digest, sizeof digest, 1, f.get()) == 1;
      return std::fflush(f.get()) == 0 && ok;
    });
  } catch (...) {
    return false;
  }
}

std::optional<FileSignature> file_signature(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode))
    return std::nullopt;
  const auto ns = [](const timespec& t) {
    return static_cast<std::int64_t>(t.tv_sec) * 1'000'000'000 + t.tv_nsec;
  };
  return FileSignature{static_cast<std::uint64_t>(st.st_dev), static_cast<std::uint64_t>(st.st_ino),
                       static_cast<std::uint64_t>(st.st_size), ns(st.st_mtim), ns(st.st_ctim)};
}

namespace {

constexpr const char* HASH_RECORD = "nuflare-input-sha256-1";

std::string absolute_of(const std::string& path) {
  std::error_code ec;
  const auto a = std::filesystem::absolute(path, ec);
  return (ec ? std::filesystem::path(path) : a).lexically_normal().string();
}

//! The record of a file's hash: `hash-XXH64(absolute path).txt`, one line
//! "nuflare-input-sha256-1 DEV INODE SIZE MTIME_NS CTIME_NS SHA256 PATH".
std::filesystem::path hash_record(const std::filesystem::path& dir, const std::string& absolute) {
  Xxh64 h;
  h.update(absolute.data(), absolute.size());
  std::ostringstream name;
  name << "hash-" << std::hex << std::setw(16) << std::setfill('0') << h.digest() << ".txt";
  return dir / name.str();
}

} // namespace

std::optional<std::string> EventCache::recall_sha256(const std::string& path,
                                                     const FileSignature& now) const {
  if (!on())
    return std::nullopt;
  const std::string absolute = absolute_of(path);
  std::ifstream in(hash_record(dir_, absolute));
  std::string tag, sha256, recorded_path;
  FileSignature s;
  if (!(in >> tag >> s.device >> s.inode >> s.size >> s.mtime_ns >> s.ctime_ns >> sha256) ||
      tag != HASH_RECORD || !valid_sha256(sha256))
    return std::nullopt;
  in.get(); // the space before the path, which may hold spaces itself
  if (!std::getline(in, recorded_path) || recorded_path != absolute || !(s == now))
    return std::nullopt;
  return sha256;
}

bool EventCache::record_sha256(const std::string& path, const FileSignature& hashed,
                               const std::string& sha256, std::int64_t now_ns) const noexcept {
  constexpr std::int64_t racy_ns = 2'000'000'000;
  if (!on() || !valid_sha256(sha256) || hashed.mtime_ns > now_ns - racy_ns ||
      hashed.ctime_ns > now_ns - racy_ns)
    return false;
  try {
    const std::string absolute = absolute_of(path);
    if (absolute.find('\n') != std::string::npos)
      return false;
    return replace_whole(dir_, hash_record(dir_, absolute), [&](const std::filesystem::path& tmp) {
      std::ofstream out(tmp, std::ios::trunc);
      out << HASH_RECORD << ' ' << hashed.device << ' ' << hashed.inode << ' ' << hashed.size << ' '
          << hashed.mtime_ns << ' ' << hashed.ctime_ns << ' ' << sha256 << ' ' << absolute << '\n';
      out.flush();
      return static_cast<bool>(out);
    });
  } catch (...) {
    return false;
  }
}

EventSample read_icecube_events_cached(const std::string& path, const EventCache& cache) {
  if (!cache.on())
    return read_icecube_events(path);
  const auto before = file_stamp(path);
  const auto signature = file_signature(path);
  std::string sha256;
  if (before && signature) {
    if (auto recorded = cache.recall_sha256(path, *signature)) {
      // A repeated run: the file is as it was when a run hashed it. The
      // archive records the same hash (file_hashes.hpp).
      sha256 = *recorded;
      remember_input_sha256(path, *before, sha256);
    } else {
      try {
        sha256 = input_sha256(path);
        const auto now = std::chrono::system_clock::now().time_since_epoch();
        if (file_signature(path) == signature)
          cache.record_sha256(path, *signature, sha256,
                              std::chrono::duration_cast<std::chrono::nanoseconds>(now).count());
      } catch (...) {
        // Unreadable: the reader below says so in its own words.
      }
    }
  }
  if (sha256.empty())
    return read_icecube_events(path);
  std::string why;
  if (auto events = cache.load(sha256, season_from_path(path), &why)) {
    say(cache, "hit " + path + " (" + cache.entry(sha256).string() + ")");
    return std::move(*events);
  }
  auto events = read_icecube_events(path);
  // Only bytes that did not change while they were read may be filed under
  // the hash taken before.
  const bool stored = file_stamp(path) == before && cache.store(sha256, events);
  say(cache, "miss " + path + " (" + why + "): " +
                 (stored ? "wrote " + cache.entry(sha256).string() : std::string("not stored")));
  return events;
}

} // namespace nuflare::io
