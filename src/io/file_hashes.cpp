#include "nuflare/io/file_hashes.hpp"

#include "nuflare/io/sha256.hpp"

#include <sched.h>
#include <sys/stat.h>

#include <algorithm>
#include <atomic>
#include <exception>
#include <mutex>
#include <thread>
#include <unordered_map>
#include <utility>

namespace nuflare::io {

namespace {

//! The hashes known so far, by absolute path. A process-wide memo of a pure
//! function of the file's bytes: what it returns never depends on whether an
//! entry was there, only how long it takes.
struct Memo {
  std::mutex mutex;
  std::unordered_map<std::string, std::pair<FileStamp, std::string>> known;
};

Memo& memo() {
  static Memo m;
  return m;
}

std::string key_of(const std::filesystem::path& path) {
  std::error_code ec;
  const auto absolute = std::filesystem::absolute(path, ec);
  return (ec ? path : absolute).lexically_normal().string();
}

std::optional<std::string> recall(const std::string& key, const FileStamp& stamp) {
  auto& m = memo();
  const std::lock_guard lock(m.mutex);
  const auto it = m.known.find(key);
  if (it == m.known.end() || !(it->second.first == stamp))
    return std::nullopt;
  return it->second.second;
}

void remember(const std::string& key, const FileStamp& stamp, const std::string& hex) {
  auto& m = memo();
  const std::lock_guard lock(m.mutex);
  m.known.insert_or_assign(key, std::make_pair(stamp, hex));
}

} // namespace

std::optional<FileStamp> file_stamp(const std::filesystem::path& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode))
    return std::nullopt;
  return FileStamp{static_cast<std::uint64_t>(st.st_size),
                   static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1'000'000'000 +
                       static_cast<std::int64_t>(st.st_mtim.tv_nsec)};
}

std::string input_sha256(const std::filesystem::path& path) {
  // The stamp is taken before reading: a file changed while it is hashed
  // gets a later stamp, so the hash is not reused for the new bytes.
  const auto stamp = file_stamp(path);
  if (!stamp) // not a regular file (a pipe, say): hashed, never remembered
    return sha256_file(path);
  const std::string key = key_of(path);
  if (auto hex = recall(key, *stamp))
    return *hex;
  std::string hex = sha256_file(path);
  remember(key, *stamp, hex);
  return hex;
}

std::vector<std::string> input_sha256(std::span<const std::filesystem::path> paths,
                                      unsigned threads) {
  if (paths.empty())
    return {};
  std::vector<std::string> out(paths.size());
  std::vector<std::exception_ptr> errors(paths.size());
  std::atomic<std::size_t> next{0};
  const auto work = [&] {
    for (std::size_t i = next++; i < paths.size(); i = next++) {
      try {
        out[i] = input_sha256(paths[i]);
      } catch (...) {
        errors[i] = std::current_exception();
      }
    }
  };
  if (threads == 0) {
    cpu_set_t cpus;
    CPU_ZERO(&cpus);
    threads = sched_getaffinity(0, sizeof cpus, &cpus) == 0
                  ? static_cast<unsigned>(std::max(1, CPU_COUNT(&cpus)))
                  : 1U;
  }
  const unsigned n = std::clamp<unsigned>(threads, 1, static_cast<unsigned>(paths.size()));
  std::vector<std::thread> pool;
  for (unsigned t = 1; t < n; ++t)
    pool.emplace_back(work);
  work();
  for (auto& t : pool)
    t.join();
  for (const auto& e : errors)
    if (e)
      std::rethrow_exception(e);
  return out;
}

void remember_input_sha256(const std::filesystem::path& path, const FileStamp& stamp,
                           const std::string& hex) {
  const auto here = file_stamp(path);
  if (here && *here == stamp)
    remember(key_of(path), stamp, hex);
}

} // namespace nuflare::io
