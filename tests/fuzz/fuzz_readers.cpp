// libFuzzer target for the text readers (docs/input-formats.md): whatever the
// bytes, a reader returns or throws core::InputError; anything else (another
// exception, a sanitizer report, a crash) is a bug.
//
// Input layout: byte 0 picks the reader (low 4 bits) and how the file is
// written (high 4 bits, see Container); byte 1 is a parameter of the
// container (where to cut or which byte to damage); the rest is the text.
// The compressed containers fuzz both paths of issue 12: text compressed here
// and read back through zlib / liblzma, and compressed streams that are cut
// or damaged, or raw bytes under a `.gz` / `.xz` name.
#include "nuflare/core/error.hpp"
#include "nuflare/io/alerts.hpp"
#include "nuflare/io/catalog.hpp"
#include "nuflare/io/icecube.hpp"
#include "nuflare/io/lightcurves.hpp"
#include "nuflare/io/ztf_tables.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <lzma.h>
#include <string>
#include <unistd.h>
#include <zlib.h>

namespace {

enum class Container : unsigned {
  plain,    //!< the text as `.csv`
  raw_gz,   //!< the bytes as they are, named `.gz`
  raw_xz,   //!< the bytes as they are, named `.xz`
  gzip,     //!< the text gzip-compressed, named `.gz`
  xz,       //!< the text xz-compressed, named `.xz`
  gzip_cut, //!< gzip-compressed, then cut at parameter/256 of its length
  xz_cut,   //!< xz-compressed, then cut
  damaged,  //!< gzip (even parameter) or xz (odd), one byte flipped
};
constexpr unsigned CONTAINERS = 8;

std::string gzip_bytes(const std::string& text) {
  z_stream z{};
  // windowBits 15 + 16: a gzip wrapper, as the gzip tool writes.
  if (deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
    return {};
  std::string out(deflateBound(&z, text.size()), '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(text.data()));
  z.avail_in = static_cast<uInt>(text.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  const int ret = deflate(&z, Z_FINISH);
  out.resize(z.total_out);
  deflateEnd(&z);
  return ret == Z_STREAM_END ? out : std::string{};
}

std::string xz_bytes(const std::string& text) {
  std::string out(lzma_stream_buffer_bound(text.size()), '\0');
  std::size_t pos = 0;
  if (lzma_easy_buffer_encode(0, LZMA_CHECK_CRC64, nullptr,
                              reinterpret_cast<const uint8_t*>(text.data()), text.size(),
                              reinterpret_cast<uint8_t*>(out.data()), &pos, out.size()) != LZMA_OK)
    return {};
  out.resize(pos);
  return out;
}

//! The file's bytes and its suffix for `container`.
std::pair<std::string, const char*> file_for(Container container, unsigned parameter,
                                             const std::string& text) {
  switch (container) {
  case Container::plain:
    return {text, ""};
  case Container::raw_gz:
    return {text, ".gz"};
  case Container::raw_xz:
    return {text, ".xz"};
  case Container::gzip:
    return {gzip_bytes(text), ".gz"};
  case Container::xz:
    return {xz_bytes(text), ".xz"};
  case Container::gzip_cut:
  case Container::xz_cut: {
    const bool gz = container == Container::gzip_cut;
    std::string bytes = gz ? gzip_bytes(text) : xz_bytes(text);
    bytes.resize(bytes.size() * parameter / 256); // always shorter than the whole
    return {bytes, gz ? ".gz" : ".xz"};
  }
  case Container::damaged: {
    const bool gz = parameter % 2 == 0;
    std::string bytes = gz ? gzip_bytes(text) : xz_bytes(text);
    if (!bytes.empty()) {
      const std::size_t at = bytes.size() * parameter / 256;
      bytes[at] = static_cast<char>(bytes[at] ^ 0xa5);
    }
    return {bytes, gz ? ".gz" : ".xz"};
  }
  }
  return {text, ""};
}

std::string scratch_file(const char* suffix) {
  static const std::filesystem::path dir = [] {
    auto d =
        std::filesystem::temp_directory_path() / ("nuflare_fuzz_" + std::to_string(::getpid()));
    std::filesystem::create_directories(d);
    return d;
  }();
  // The IceCube readers take the season from the name.
  return (dir / (std::string("IC40_exp.csv") + suffix)).string();
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace nuflare;
  if (size < 2)
    return 0;
  const unsigned selector = data[0] & 0x0f;
  const auto container = static_cast<Container>((data[0] >> 4) % CONTAINERS);
  const unsigned parameter = data[1];
  const std::string text(reinterpret_cast<const char*>(data + 2), size - 2);
  const auto [bytes, suffix] = file_for(container, parameter, text);
  const std::string path = scratch_file(suffix);
  if (std::FILE* f = std::fopen(path.c_str(), "wb")) {
    std::fwrite(bytes.data(), 1, bytes.size(), f);
    std::fclose(f);
  } else {
    return 0;
  }
  try {
    switch (selector % 12) {
    case 0:
      (void)io::read_icecube_events(path);
      break;
    case 1:
      (void)io::read_good_run_list(path);
      break;
    case 2:
      (void)io::read_effective_area(path);
      break;
    case 3:
      (void)io::read_alerts(path);
      break;
    case 4:
      (void)io::read_catalog_csv(path);
      break;
    case 5:
      (void)io::read_lightcurves_csv(path);
      break;
    case 6:
      (void)io::read_fermi_lcr(path);
      break;
    case 7:
      (void)io::read_wise_photometry(std::vector<std::string>{path});
      break;
    case 8:
      (void)io::read_4fgl_flux_history(path);
      break;
    case 9:
      (void)io::read_overview_fu(path);
      break;
    case 10:
      (void)io::read_overview_not_fu(path);
      break;
    default:
      (void)io::read_campaign_csv(path);
      break;
    }
  } catch (const core::InputError&) {
    // the expected outcome for bad input
  }
  std::remove(path.c_str());
  return 0;
}
