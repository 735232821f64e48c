// SHA-256 of the input provenance (docs/archive-format.md `/inputs/sha256`):
// FIPS 180-4 test vectors through both the portable code and the x86 SHA
// extensions (when the CPU has them), inputs that straddle block boundaries,
// and a file read in chunks.
#include "nuflare/io/archive.hpp"

#include "nuflare_catch.hpp"

#include <fstream>
#include <random>

using namespace nuflare;

TEST_CASE("SHA-256 test vectors, portable and hardware", "[sha256]") {
  const std::string million_a(1000000, 'a');
  const std::vector<std::pair<std::string, std::string>> vectors = {
      {"", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
      {"abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"},
      {"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
       "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"},
      {million_a, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"}};
  for (const auto& [text, digest] : vectors)
    for (bool hardware : {false, true}) {
      INFO("length " << text.size() << " hardware " << hardware);
      CHECK(io::detail::sha256_hex(text, hardware) == digest);
    }
}

TEST_CASE("SHA-256: both implementations agree at every length around block edges", "[sha256]") {
  std::mt19937 gen(3);
  std::string bytes(300, '\0');
  for (auto& c : bytes)
    c = static_cast<char>(gen());
  for (std::size_t n = 0; n <= bytes.size(); ++n) {
    const std::string_view v(bytes.data(), n);
    REQUIRE(io::detail::sha256_hex(v, true) == io::detail::sha256_hex(v, false));
  }
}

TEST_CASE("SHA-256 of a file read in chunks equals the one-shot digest", "[sha256]") {
  const auto dir = test::temp_dir("sha256");
  std::string bytes(3 * (1 << 20) + 77, '\0');
  std::mt19937 gen(5);
  for (auto& c : bytes)
    c = static_cast<char>(gen());
  {
    std::ofstream out(dir / "blob.bin", std::ios::binary);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  }
  CHECK(io::sha256_file(dir / "blob.bin") == io::detail::sha256_hex(bytes, false));
}
