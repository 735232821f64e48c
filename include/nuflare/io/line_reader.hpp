#pragma once
//! Streams the lines of a text file that may be plain, gzip (`.gz`) or xz
//! (`.xz`) compressed. Files are read once, in 64 KiB chunks, never loaded whole.
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

namespace nuflare::io {

class LineReader {
public:
  //! Opens `path`; throws core::InputError when it is missing or unreadable.
  explicit LineReader(std::string path);
  ~LineReader();
  LineReader(LineReader&&) noexcept;
  LineReader& operator=(LineReader&&) noexcept;

  //! Reads the next line without its end-of-line (`\n` or `\r\n`). The view
  //! stays valid until the next call. Returns false at the end of the file.
  bool next(std::string_view& line);
  //! 1-based number of the line last returned by next().
  [[nodiscard]] std::size_t line_number() const noexcept { return line_number_; }
  [[nodiscard]] const std::string& path() const noexcept { return path_; }
  //! File name without folders, as it appears in error messages.
  [[nodiscard]] std::string display_name() const;

  class Source; //!< decompressing byte source (implementation detail)

private:
  bool fill();

  std::string path_;
  std::unique_ptr<Source> source_;
  std::string buffer_;
  std::size_t begin_ = 0;
  std::string line_;
  std::size_t line_number_ = 0;
  bool eof_ = false;
};

} // namespace nuflare::io
