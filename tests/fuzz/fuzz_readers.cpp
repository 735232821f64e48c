// libFuzzer target for the text readers (SPEC §1): whatever the bytes, a
// reader returns or throws core::InputError; anything else (another
// exception, a sanitizer report, a crash) is a bug. The first input byte picks
// the reader (low 4 bits) and whether the file is named `.xz` (bit 7), the
// rest is the file's content.
#include "nuflare/core/error.hpp"
#include "nuflare/io/alerts.hpp"
#include "nuflare/io/catalog.hpp"
#include "nuflare/io/icecube.hpp"
#include "nuflare/io/lightcurves.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <string>
#include <unistd.h>

namespace {

std::string scratch_file(bool xz) {
  static const std::filesystem::path dir = [] {
    auto d =
        std::filesystem::temp_directory_path() / ("nuflare_fuzz_" + std::to_string(::getpid()));
    std::filesystem::create_directories(d);
    return d;
  }();
  return (dir / (xz ? "IC40_exp.csv.xz" : "IC40_exp.csv")).string();
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace nuflare;
  if (size == 0)
    return 0;
  const unsigned selector = data[0] & 0x0f;
  const bool xz = (data[0] & 0x80) != 0;
  const std::string path = scratch_file(xz);
  if (std::FILE* f = std::fopen(path.c_str(), "wb")) {
    std::fwrite(data + 1, 1, size - 1, f);
    std::fclose(f);
  } else {
    return 0;
  }
  try {
    switch (selector % 9) {
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
    default:
      (void)io::read_4fgl_flux_history(path);
      break;
    }
  } catch (const core::InputError&) {
    // the expected outcome for bad input
  }
  return 0;
}
