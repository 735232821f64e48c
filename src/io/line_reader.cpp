#include "nuflare/io/line_reader.hpp"

#include "nuflare/core/error.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <lzma.h>
#include <zlib.h>

namespace nuflare::io {

using core::InputError;

//! A byte source. read() returns 0 at the end of the data; a stream that ends
//! early or is damaged sets fault() instead of throwing, so that LineReader can
//! name the last complete line in its message.
class LineReader::Source {
public:
  enum class Fault {
    none,
    truncated, //!< the compressed stream stops before its end marker
    corrupt,   //!< the compressed data are damaged
  };
  virtual ~Source() = default;
  //! Reads up to n bytes; returns 0 at the end.
  virtual std::size_t read(char* out, std::size_t n) = 0;
  [[nodiscard]] Fault fault() const noexcept { return fault_; }
  //! What the decoder said, e.g. "gzip: incorrect data check".
  [[nodiscard]] const std::string& fault_detail() const noexcept { return detail_; }
  //! "gzip" or "xz"; empty for a plain file.
  [[nodiscard]] virtual const char* format() const noexcept = 0;
  //! Moves to byte `offset` of a plain file; false where the source cannot.
  virtual bool seek(std::uint64_t /*offset*/) { return false; }

protected:
  void set_fault(Fault f, std::string detail) {
    fault_ = f;
    detail_ = std::move(detail);
  }

private:
  Fault fault_ = Fault::none;
  std::string detail_;
};

namespace {

constexpr std::size_t CHUNK = 1 << 16;
// xz files made with `xz -9` need 65 MiB to decode; a header asking for more
// than this is damaged or hostile.
constexpr std::uint64_t XZ_MEMORY_LIMIT = std::uint64_t{1} << 30;

bool ends_with(const std::string& s, std::string_view suffix) {
  return s.size() >= suffix.size() &&
         s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// gzip and plain files: zlib's gz* reads both transparently. A file named
// `.gz` must really be gzip data.
class GzSource final : public LineReader::Source {
public:
  GzSource(const std::string& path, const std::string& name, bool must_be_gzip) : name_(name) {
    file_ = gzopen(path.c_str(), "rb");
    if (file_ == nullptr)
      throw InputError(name, 0, "", std::string("cannot open: ") + std::strerror(errno));
    gzbuffer(file_, CHUNK);
    gzip_ = gzdirect(file_) == 0;
    if (must_be_gzip && !gzip_) {
      gzclose(file_);
      throw InputError(name, 0, "", "not a gzip file (no gzip header, but the name ends in .gz)");
    }
  }
  ~GzSource() override { gzclose(file_); }
  GzSource(const GzSource&) = delete;
  GzSource& operator=(const GzSource&) = delete;

  std::size_t read(char* out, std::size_t n) override {
    if (fault() != Fault::none)
      return 0;
    const int got = gzread(file_, out, static_cast<unsigned>(n));
    // gzread returns what it could decode and records a problem in gzerror:
    // Z_BUF_ERROR when the input ends inside the stream (a truncated file; a
    // short count or 0, never -1), Z_DATA_ERROR for damaged data, Z_ERRNO when
    // the operating system failed to read.
    int err = Z_OK;
    std::string_view message = gzerror(file_, &err);
    // zlib prefixes the path given to gzopen; the caller names the file.
    if (const auto colon = message.find(": "); colon != std::string_view::npos)
      message.remove_prefix(colon + 2);
    if (err == Z_ERRNO)
      throw core::IoError(name_ + ": read error: " + std::strerror(errno));
    if (err == Z_BUF_ERROR)
      set_fault(Fault::truncated, "");
    else if (err != Z_OK || got < 0)
      set_fault(Fault::corrupt, "gzip: " + std::string(message));
    return got > 0 ? static_cast<std::size_t>(got) : 0;
  }
  [[nodiscard]] const char* format() const noexcept override { return gzip_ ? "gzip" : ""; }
  bool seek(std::uint64_t offset) override {
    return !gzip_ && gzseek(file_, static_cast<z_off_t>(offset), SEEK_SET) >= 0;
  }

private:
  gzFile file_ = nullptr;
  std::string name_;
  bool gzip_ = false;
};

class XzSource final : public LineReader::Source {
public:
  XzSource(const std::string& path, const std::string& name) : name_(name) {
    file_ = std::fopen(path.c_str(), "rb");
    if (file_ == nullptr)
      throw InputError(name, 0, "", std::string("cannot open: ") + std::strerror(errno));
    in_.resize(CHUNK);
    // As for gzip, a file named `.xz` must start like one; liblzma alone would
    // call a short non-xz file truncated.
    const std::size_t got = std::fread(in_.data(), 1, in_.size(), file_);
    const bool read_error = std::ferror(file_) != 0;
    input_eof_ = std::feof(file_) != 0;
    static constexpr char MAGIC[] = "\xFD"
                                    "7zXZ"; // and the terminating '\0': 6 bytes
    if (read_error || got < sizeof MAGIC || std::memcmp(in_.data(), MAGIC, sizeof MAGIC) != 0) {
      std::fclose(file_);
      if (read_error)
        throw core::IoError(name + ": read error: " + std::strerror(errno));
      throw InputError(name, 0, "", "not an xz file (no xz header, but the name ends in .xz)");
    }
    if (lzma_stream_decoder(&stream_, XZ_MEMORY_LIMIT, LZMA_CONCATENATED) != LZMA_OK) {
      std::fclose(file_);
      throw InputError(name, 0, "", "cannot start the xz decoder");
    }
    stream_.next_in = reinterpret_cast<const uint8_t*>(in_.data());
    stream_.avail_in = got;
  }
  ~XzSource() override {
    lzma_end(&stream_);
    std::fclose(file_);
  }
  XzSource(const XzSource&) = delete;
  XzSource& operator=(const XzSource&) = delete;

  std::size_t read(char* out, std::size_t n) override {
    if (done_ || fault() != Fault::none)
      return 0;
    stream_.next_out = reinterpret_cast<uint8_t*>(out);
    stream_.avail_out = n;
    while (stream_.avail_out == n) {
      if (stream_.avail_in == 0 && !input_eof_) {
        stream_.next_in = reinterpret_cast<const uint8_t*>(in_.data());
        stream_.avail_in = std::fread(in_.data(), 1, in_.size(), file_);
        if (std::ferror(file_))
          throw core::IoError(name_ + ": read error: " + std::strerror(errno));
        if (std::feof(file_))
          input_eof_ = true;
      }
      // With LZMA_CONCATENATED only LZMA_FINISH at the end of the input
      // checks that the last stream is complete.
      const lzma_ret ret = lzma_code(&stream_, input_eof_ ? LZMA_FINISH : LZMA_RUN);
      if (ret == LZMA_STREAM_END) {
        done_ = true;
        break;
      }
      if (ret == LZMA_OK)
        continue;
      // LZMA_BUF_ERROR: no progress with all input given, i.e. the file
      // ends inside a stream (LZMA_FINISH makes liblzma report it).
      if (ret == LZMA_BUF_ERROR)
        set_fault(Fault::truncated, "");
      else
        set_fault(Fault::corrupt, "xz: " + describe(ret));
      break;
    }
    return n - stream_.avail_out;
  }
  [[nodiscard]] const char* format() const noexcept override { return "xz"; }

private:
  static std::string describe(lzma_ret ret) {
    switch (ret) {
    case LZMA_FORMAT_ERROR:
      return "not xz data";
    case LZMA_DATA_ERROR:
      return "damaged data";
    case LZMA_OPTIONS_ERROR:
      return "unsupported options";
    case LZMA_MEMLIMIT_ERROR:
    case LZMA_MEM_ERROR:
      return "needs more than 1 GiB of memory to decode";
    default:
      return "decoder error " + std::to_string(static_cast<int>(ret));
    }
  }

  std::FILE* file_ = nullptr;
  lzma_stream stream_ = LZMA_STREAM_INIT;
  std::string in_;
  std::string name_;
  bool input_eof_ = false;
  bool done_ = false;
};

} // namespace

LineReader::LineReader(std::string path) : path_(std::move(path)) {
  std::error_code ec;
  if (!std::filesystem::exists(path_, ec))
    throw InputError(display_name(), 0, "", "no such file");
  if (std::filesystem::is_directory(path_, ec))
    throw InputError(display_name(), 0, "", "is a directory, not a file");
  if (ends_with(path_, ".xz"))
    source_ = std::make_unique<XzSource>(path_, display_name());
  else
    source_ = std::make_unique<GzSource>(path_, display_name(), ends_with(path_, ".gz"));
}

LineReader::LineReader(std::string path, std::uint64_t begin, std::uint64_t end)
    : LineReader(std::move(path)) {
  if (compressed())
    throw InputError(path_, 0, "", "a compressed file cannot be read in byte ranges");
  end_ = end;
  buffer_offset_ = begin;
  if (begin == 0 || begin >= end)
    return;
  // Start one byte early: when that byte ends a line, a line starts at `begin`.
  if (!source_->seek(begin - 1))
    throw core::IoError(path_ + ": cannot seek to byte " + std::to_string(begin - 1));
  buffer_offset_ = begin - 1;
  if (fill() && buffer_.front() == '\n') {
    begin_ = 1;
    return;
  }
  // Skip the rest of a line begun before the range: it belongs to the range
  // before (and is checked there), so fill()'s line-length check must not see it.
  for (;;) {
    const std::size_t nl = buffer_.find('\n', begin_);
    if (nl != std::string::npos) {
      begin_ = nl + 1;
      ++line_number_;
      if (buffer_offset_ + nl < end_)
        ++newlines_;
      return;
    }
    begin_ = buffer_.size();
    if (!fill())
      return;
  }
}

LineReader::~LineReader() = default;
LineReader::LineReader(LineReader&&) noexcept = default;
LineReader& LineReader::operator=(LineReader&&) noexcept = default;

std::string LineReader::display_name() const {
  return path_;
}

bool LineReader::compressed() const noexcept {
  return source_->format()[0] != '\0';
}

void LineReader::fail_stream() const {
  // The lines still in the buffer are complete: count them, so that the
  // message names the true last complete line of the file (or, for damaged
  // data, the line after which the decoder found the damage).
  const auto pending = static_cast<std::size_t>(
      std::count(buffer_.begin() + static_cast<std::ptrdiff_t>(begin_), buffer_.end(), '\n'));
  const std::size_t last = line_number_ + pending;
  if (source_->fault() == Source::Fault::truncated)
    throw InputError(
        path_, last, "",
        std::string("truncated compressed file: the ") + source_->format() + " stream ends early" +
            (last == 0 ? ", before the first complete line"
                       : "; line " + std::to_string(last) + " is the last complete line"));
  throw InputError(path_, last, "",
                   "corrupt compressed file (" + source_->fault_detail() + ")" +
                       (last == 0 ? "" : " after line " + std::to_string(last)));
}

bool LineReader::fill() {
  if (eof_)
    return false;
  buffer_offset_ += begin_;
  buffer_.erase(0, begin_);
  begin_ = 0;
  if (buffer_.size() > MAX_LINE_BYTES)
    throw InputError(path_, line_number_ + 1, "",
                     "line longer than " + std::to_string(MAX_LINE_BYTES >> 20) +
                         " MiB: not a text table");
  const std::size_t old = buffer_.size();
  // Reads end on multiples of CHUNK in the file, also for a reader that
  // started mid-file: the line-length check above then sees a line exactly
  // as a reader of the whole file does.
  const std::size_t want = CHUNK - static_cast<std::size_t>((buffer_offset_ + old) % CHUNK);
  buffer_.resize(old + want);
  const std::size_t got = source_->read(buffer_.data() + old, want);
  buffer_.resize(old + got);
  if (source_->fault() != Source::Fault::none)
    fail_stream();
  if (got == 0)
    eof_ = true;
  return got > 0;
}

bool LineReader::next(std::string_view& line) {
  const std::uint64_t start = offset();
  if (start >= end_)
    return false; // the next line belongs to the range after
  std::size_t scan_from = begin_;
  for (;;) {
    const std::size_t nl = buffer_.find('\n', scan_from);
    if (nl != std::string::npos) {
      std::size_t end = nl;
      if (end > begin_ && buffer_[end - 1] == '\r')
        --end;
      line = std::string_view(buffer_).substr(begin_, end - begin_);
      begin_ = nl + 1;
      if (buffer_offset_ + nl < end_)
        ++newlines_;
      break;
    }
    const std::size_t consumed = buffer_.size() - begin_;
    if (!fill()) {
      if (begin_ >= buffer_.size())
        return false;
      // Last line without a newline.
      std::size_t end = buffer_.size();
      if (end > begin_ && buffer_[end - 1] == '\r')
        --end;
      line_.assign(buffer_, begin_, end - begin_);
      begin_ = buffer_.size();
      line = line_;
      break;
    }
    scan_from = begin_ + consumed;
  }
  ++line_number_;
  if (start == 0) {
    // Spreadsheet programs on Windows start UTF-8 text with a byte-order mark;
    // without this the first column name would carry it ("missing column").
    if (line.starts_with("\xEF\xBB\xBF"))
      line.remove_prefix(3);
    else if (line.starts_with("\xFF\xFE") || line.starts_with("\xFE\xFF"))
      throw InputError(path_, 1, "", "UTF-16 text: save the file as UTF-8 (or ASCII)");
  }
  return true;
}

} // namespace nuflare::io
