#include "nuflare/io/line_reader.hpp"

#include "nuflare/core/error.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <lzma.h>
#include <zlib.h>

namespace nuflare::io {

using core::InputError;

class LineReader::Source {
public:
  virtual ~Source() = default;
  //! Reads up to n bytes; returns 0 at the end.
  virtual std::size_t read(char* out, std::size_t n) = 0;
};

namespace {

constexpr std::size_t CHUNK = 1 << 16;

bool ends_with(const std::string& s, std::string_view suffix) {
  return s.size() >= suffix.size() &&
         s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// gzip and plain files: zlib's gz* reads both transparently.
class GzSource final : public LineReader::Source {
public:
  GzSource(const std::string& path, const std::string& name) : name_(name) {
    file_ = gzopen(path.c_str(), "rb");
    if (file_ == nullptr)
      throw InputError(name, 0, "", std::string("cannot open: ") + std::strerror(errno));
    gzbuffer(file_, CHUNK);
  }
  ~GzSource() override { gzclose(file_); }
  std::size_t read(char* out, std::size_t n) override {
    int got = gzread(file_, out, static_cast<unsigned>(n));
    if (got < 0) {
      int err = 0;
      throw InputError(name_, 0, "", std::string("read error: ") + gzerror(file_, &err));
    }
    return static_cast<std::size_t>(got);
  }

private:
  gzFile file_ = nullptr;
  std::string name_;
};

class XzSource final : public LineReader::Source {
public:
  XzSource(const std::string& path, const std::string& name) : name_(name) {
    file_ = std::fopen(path.c_str(), "rb");
    if (file_ == nullptr)
      throw InputError(name, 0, "", std::string("cannot open: ") + std::strerror(errno));
    if (lzma_stream_decoder(&stream_, UINT64_MAX, LZMA_CONCATENATED) != LZMA_OK) {
      std::fclose(file_);
      throw InputError(name, 0, "", "cannot start the xz decoder");
    }
    in_.resize(CHUNK);
  }
  ~XzSource() override {
    lzma_end(&stream_);
    std::fclose(file_);
  }
  std::size_t read(char* out, std::size_t n) override {
    if (done_)
      return 0;
    stream_.next_out = reinterpret_cast<uint8_t*>(out);
    stream_.avail_out = n;
    while (stream_.avail_out == n) {
      lzma_action action = LZMA_RUN;
      if (stream_.avail_in == 0 && !input_eof_) {
        stream_.next_in = reinterpret_cast<const uint8_t*>(in_.data());
        stream_.avail_in = std::fread(in_.data(), 1, in_.size(), file_);
        if (std::ferror(file_))
          throw InputError(name_, 0, "", "read error");
        if (std::feof(file_))
          input_eof_ = true;
      }
      if (input_eof_)
        action = LZMA_FINISH;
      lzma_ret ret = lzma_code(&stream_, action);
      if (ret == LZMA_STREAM_END) {
        done_ = true;
        break;
      }
      if (ret != LZMA_OK)
        throw InputError(name_, 0, "",
                         "not a valid xz file (lzma error " + std::to_string(ret) + ")");
    }
    return n - stream_.avail_out;
  }

private:
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
    source_ = std::make_unique<GzSource>(path_, display_name());
}

LineReader::~LineReader() = default;
LineReader::LineReader(LineReader&&) noexcept = default;
LineReader& LineReader::operator=(LineReader&&) noexcept = default;

std::string LineReader::display_name() const {
  return path_;
}

bool LineReader::fill() {
  if (eof_)
    return false;
  buffer_.erase(0, begin_);
  begin_ = 0;
  const std::size_t old = buffer_.size();
  buffer_.resize(old + CHUNK);
  const std::size_t got = source_->read(buffer_.data() + old, CHUNK);
  buffer_.resize(old + got);
  if (got == 0)
    eof_ = true;
  return got > 0;
}

bool LineReader::next(std::string_view& line) {
  std::size_t scan_from = begin_;
  for (;;) {
    const std::size_t nl = buffer_.find('\n', scan_from);
    if (nl != std::string::npos) {
      std::size_t end = nl;
      if (end > begin_ && buffer_[end - 1] == '\r')
        --end;
      line = std::string_view(buffer_).substr(begin_, end - begin_);
      begin_ = nl + 1;
      ++line_number_;
      return true;
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
      ++line_number_;
      return true;
    }
    scan_from = begin_ + consumed;
  }
}

} // namespace nuflare::io
