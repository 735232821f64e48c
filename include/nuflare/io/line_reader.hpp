#pragma once
//! Streams the lines of a text file that may be plain, gzip (`.gz`) or xz
//! (`.xz`) compressed. Files are read once, in 64 KiB chunks, never loaded whole.
//!
//! Every text reader of nuflare goes through this class, so what it checks
//! holds for all of them (docs/input-formats.md, "Every text file"):
//! - a compressed stream that ends before its end marker is an error
//!   "truncated compressed file" naming the last complete line, and a damaged
//!   stream (bad checksum, bad block) an error "corrupt compressed file", both
//!   raised before any line of the damaged part is handed out, so a cut file
//!   is never read as a shorter one;
//! - a file named `.gz` must be gzip data;
//! - a UTF-8 byte-order mark at the start of the file is skipped; a UTF-16 file
//!   is refused;
//! - a line longer than MAX_LINE_BYTES is refused (not a text table).
#include <cstddef>
#include <cstdint>
#include <limits>
#include <memory>
#include <string>
#include <string_view>

namespace nuflare::io {

class LineReader {
public:
  //! Longest accepted line [bytes]; real tables have lines of a few hundred.
  static constexpr std::size_t MAX_LINE_BYTES = std::size_t{1} << 20;

  //! Opens `path`; throws core::InputError when it is missing or unreadable.
  explicit LineReader(std::string path);
  //! Opens a plain (uncompressed) file to read only the lines that start in
  //! the byte range [begin, end): the first is the line that begins at or
  //! after `begin`, the last the one that contains byte end − 1, read to its
  //! end. line_number() then counts from the range's start (a line begun
  //! before `begin` and skipped counts as line 1), so the line of a file
  //! cut in parts is its part's number plus the newlines of the parts before
  //! (newlines()). Lines are checked exactly as when the file is read whole.
  //! A compressed file cannot be cut: core::InputError.
  LineReader(std::string path, std::uint64_t begin, std::uint64_t end);
  ~LineReader();
  LineReader(LineReader&&) noexcept;
  LineReader& operator=(LineReader&&) noexcept;

  //! Reads the next line without its end-of-line (`\n` or `\r\n`). The view
  //! stays valid until the next call. Returns false at the end of the file.
  //! Throws core::InputError for a truncated or corrupt compressed file and
  //! core::IoError when the operating system cannot read it.
  bool next(std::string_view& line);
  //! 1-based number of the line last returned by next().
  [[nodiscard]] std::size_t line_number() const noexcept { return line_number_; }
  [[nodiscard]] const std::string& path() const noexcept { return path_; }
  //! File name without folders, as it appears in error messages.
  [[nodiscard]] std::string display_name() const;
  //! Byte offset (in the decompressed text) of the next line next() returns.
  [[nodiscard]] std::uint64_t offset() const noexcept { return buffer_offset_ + begin_; }
  //! `\n` read so far that lie before the end of the range (all of them for a whole file).
  [[nodiscard]] std::uint64_t newlines() const noexcept { return newlines_; }
  //! True for gzip or xz data (whatever the file's name).
  [[nodiscard]] bool compressed() const noexcept;

  class Source; //!< decompressing byte source (implementation detail)

private:
  bool fill();
  [[noreturn]] void fail_stream() const;

  std::string path_;
  std::unique_ptr<Source> source_;
  std::string buffer_;
  std::size_t begin_ = 0;
  std::string line_;
  std::size_t line_number_ = 0;
  bool eof_ = false;
  std::uint64_t buffer_offset_ = 0; // offset of buffer_[0] in the text
  std::uint64_t end_ = std::numeric_limits<std::uint64_t>::max(); // lines start before it
  std::uint64_t newlines_ = 0;
};

} // namespace nuflare::io
