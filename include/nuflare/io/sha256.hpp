#pragma once
//! SHA-256 (FIPS 180-4): the provenance hashes of input files (`/inputs/sha256`)
//! and the checksums of per-trial rows (docs/archive-format.md, "Checksums").
//! Portable C++, and the x86 SHA extensions when the CPU has them (about ten
//! times faster: a 25 MB event list took 0.16 s of a run's serial start-up
//! with the portable code, and a checkpoint hashes every row it writes).
#include <array>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

namespace nuflare::io {

//! Incremental SHA-256: update() any number of times, then digest() once.
class Sha256 {
public:
  //! `hardware` = false forces the portable code (tests compare the two).
  explicit Sha256(bool hardware = true);
  void update(const void* data, std::size_t n);
  //! The 32-byte digest; the object is spent afterwards.
  [[nodiscard]] std::array<unsigned char, 32> digest();
  //! The digest as 64 lowercase hex digits; the object is spent afterwards.
  [[nodiscard]] std::string hex();

private:
  using Blocks = void (*)(std::uint32_t*, const unsigned char*, std::size_t);
  std::array<std::uint32_t, 8> h_;
  Blocks blocks_;
  std::uint64_t length_ = 0;
  std::array<unsigned char, 64> block_{};
  std::size_t used_ = 0;
};

//! SHA-256 of a file's bytes as 64 hex digits (input provenance).
std::string sha256_file(const std::filesystem::path& path);

namespace detail {
//! SHA-256 of bytes; `hardware` = false forces the portable code (tests).
std::string sha256_hex(std::string_view bytes, bool hardware);
} // namespace detail

} // namespace nuflare::io
