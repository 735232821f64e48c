#pragma once
//! SHA-256 of input files, each read once per process (docs/scaling.md,
//! "Hashing the inputs once"). The event cache names its entries by the hash
//! of the file they were parsed from (event_cache.hpp), the archive records
//! the same hashes as provenance (/inputs/sha256, docs/archive-format.md) and
//! `--resume` compares them with a partial archive's: all three ask here, and
//! a file is hashed the first time only. A hash is remembered under the
//! file's path and stamp (size and modification time), so a file that changes
//! during the run is hashed again.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace nuflare::io {

//! One version of a file, without reading it: its size and modification time.
struct FileStamp {
  std::uint64_t size = 0;
  std::int64_t mtime_ns = 0; //!< [ns since the epoch]
  bool operator==(const FileStamp&) const = default;
};

//! The stamp of `path` now, or nullopt when it cannot be examined.
[[nodiscard]] std::optional<FileStamp> file_stamp(const std::filesystem::path& path);

//! SHA-256 of the file's bytes as 64 hex digits (sha256_file, whose errors it
//! throws), remembered for the rest of the process. Thread-safe.
[[nodiscard]] std::string input_sha256(const std::filesystem::path& path);

//! The hashes of `paths` in order, those not yet known computed by up to
//! `threads` threads at a time (0: as many as this process may run on).
//! Throws the error of the first failing path.
[[nodiscard]] std::vector<std::string> input_sha256(std::span<const std::filesystem::path> paths,
                                                    unsigned threads);

//! Remembers `hex` as the hash of `path` at `stamp`: a hash that another rank
//! of the job computed (read_once.hpp), so that this one need not read the
//! file again. Ignored when the file's stamp here is another.
void remember_input_sha256(const std::filesystem::path& path, const FileStamp& stamp,
                           const std::string& hex);

} // namespace nuflare::io
