#pragma once
//! A binary copy of each event file's parsed events, so that a run repeated
//! on the same files loads 40 bytes per track instead of parsing ~100 bytes
//! of CSV (docs/scaling.md, "Event cache"; the file layout is in
//! docs/input-formats.md, "Event cache").
//!
//! An entry holds what read_icecube_events(path) returns for one season file
//! — after every check, before any selection — and is named by the SHA-256 of
//! the file's bytes (file_hashes.hpp: the hash the archive records anyway)
//! and by the versions below. It is used only when its header names that
//! hash and these versions and its own SHA-256 checksum verifies; anything
//! else (missing, truncated, damaged, another version) is parsed again and the
//! entry rewritten. A cache therefore never changes a result, and never
//! stops a run: an entry that cannot be written is skipped.
//!
//! Entries are written to a temporary file and renamed into place, so two
//! jobs sharing a cache folder never see each other's half-written entry.
#include "nuflare/io/records.hpp"

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

namespace nuflare::io {

//! Layout of an entry (docs/input-formats.md, "Event cache").
inline constexpr std::uint32_t EVENT_CACHE_FORMAT = 1;
//! What read_icecube_events returns for given bytes. Raise it whenever the
//! reader's checks or conversions change, so that older entries are rebuilt.
inline constexpr std::uint32_t EVENT_READER_VERSION = 1;

//! The cache folder the environment names (docs/cli.md, "Environment"):
//! NUFLARE_CACHE_DIR, else $XDG_CACHE_HOME/nuflare, else $HOME/.cache/nuflare;
//! nullopt when NUFLARE_CACHE_DIR is `off` or no variable gives a folder.
[[nodiscard]] std::optional<std::filesystem::path> event_cache_dir_from_environment();

//! Whether NUFLARE_DEBUG_CACHE asks for one line per cache look-up on stderr.
[[nodiscard]] bool event_cache_debug_from_environment();

//! What identifies one version of a file without reading it, as strictly as
//! stat() can: device, inode, size, and the times of its last modification
//! and status change (the change time cannot be set back by a user).
struct FileSignature {
  std::uint64_t device = 0, inode = 0, size = 0;
  std::int64_t mtime_ns = 0, ctime_ns = 0; //!< [ns since the epoch]
  bool operator==(const FileSignature&) const = default;
};
//! The signature of `path` now; nullopt when it is not a regular file.
[[nodiscard]] std::optional<FileSignature> file_signature(const std::string& path);

//! A folder of event-cache entries, or no cache (default-constructed).
class EventCache {
public:
  EventCache() = default;

  //! The cache in `dir`, created if needed. When the folder cannot be
  //! created or written, returns no cache and says why in `problem`.
  [[nodiscard]] static EventCache open(const std::filesystem::path& dir, std::string& problem,
                                       bool debug = false);

  //! The cache in `dir`, which another process of the job found usable
  //! (open): no probe, so that a thousand ranks do not each write one into a
  //! shared folder.
  [[nodiscard]] static EventCache opened(const std::filesystem::path& dir, bool debug = false);

  [[nodiscard]] bool on() const noexcept { return !dir_.empty(); }
  [[nodiscard]] const std::filesystem::path& dir() const noexcept { return dir_; }
  [[nodiscard]] bool debug() const noexcept { return debug_; }

  //! The entry of a file whose bytes hash to `sha256` (64 hex digits).
  [[nodiscard]] std::filesystem::path entry(const std::string& sha256) const;

  //! The columns cached for a file of hash `sha256`, with `season` as its one
  //! season label; nullopt when the entry is missing or does not verify (the
  //! reason in `why`). Never throws for a bad entry.
  [[nodiscard]] std::optional<EventSample>
  load(const std::string& sha256, const std::string& season, std::string* why = nullptr) const;

  //! Writes the entry of one season's `events` atomically; returns false when
  //! it could not (a cache is optional: the caller goes on).
  bool store(const std::string& sha256, const EventSample& events) const noexcept;

  //! The SHA-256 a run recorded for the file `path` whose signature then was
  //! `now`; nullopt when none was, or the file has changed since (another
  //! signature). Lets a repeated run skip hashing its unchanged inputs, as
  //! git and make trust a file's stat() (docs/input-formats.md, "Event cache").
  [[nodiscard]] std::optional<std::string> recall_sha256(const std::string& path,
                                                         const FileSignature& now) const;
  //! Records `sha256` as the hash of `path` at signature `hashed`, unless the
  //! file was modified or changed less than 2 s before `now_ns` (a change in
  //! the same clock tick as the hashing could leave its signature unchanged).
  bool record_sha256(const std::string& path, const FileSignature& hashed,
                     const std::string& sha256, std::int64_t now_ns) const noexcept;

private:
  std::filesystem::path dir_;
  bool debug_ = false;
};

//! read_icecube_events(path) through `cache`: a verified entry is loaded,
//! otherwise the file is parsed and its entry (re)written. The same events,
//! bit for bit, with and without a cache; the reader's errors as they are.
[[nodiscard]] EventSample read_icecube_events_cached(const std::string& path,
                                                     const EventCache& cache);

} // namespace nuflare::io
