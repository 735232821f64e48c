// The binary event cache (io/event_cache.hpp) and the once-per-process input
// hashes (io/file_hashes.hpp): an entry is used only when it verifies, every
// damaged or foreign entry is rebuilt, and the events are the reader's own,
// bit for bit, with and without a cache.
#include "nuflare/io/event_cache.hpp"
#include "nuflare/io/file_hashes.hpp"
#include "nuflare/io/icecube.hpp"
#include "nuflare/io/sha256.hpp"
#include "nuflare/io/xxh64.hpp"

#include "io_test_util.hpp"
#include "nuflare_events.hpp"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>

using namespace nuflare;
using test::check_same_events;
namespace fs = std::filesystem;

namespace {

//! A fresh folder under the system's temporary one, removed at the end.
struct TempDir {
  fs::path path;
  TempDir() {
    std::random_device rd;
    path = fs::temp_directory_path() / ("nuflare-event-cache-" + std::to_string(rd()));
    fs::create_directories(path);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
};

//! A season file of `n` events whose numbers differ in their last digits.
std::string season_file(const fs::path& dir, const std::string& name, int n) {
  std::string text = "# MJD[days] log10(E/GeV) AngErr[deg] RA[deg] Dec[deg] Azimuth[deg] "
                     "Zenith[deg]\n";
  for (int i = 0; i < n; ++i) {
    char row[200];
    std::snprintf(row, sizeof row, "%.8f %.2f %.2f %.3f %.3f 10.0 20.0\n", 55000.123456789 + i,
                  2.0 + 0.01 * (i % 300), 0.2 + 0.001 * i, std::fmod(7.123 * i, 360.0),
                  -89.0 + (i % 178) + 0.0001 * (i % 1000));
    text += row;
  }
  return test::write_text(dir, name, text);
}

//! A temporary folder holding the season file `name` of `n` events (path)
//! and an event cache, on, in its folder cache/.
struct SeasonWithCache {
  TempDir tmp;
  std::string path;
  std::string problem; //!< what EventCache::open reported
  io::EventCache cache;
  SeasonWithCache(const std::string& name, int n)
      : path(season_file(tmp.path, name, n)),
        cache(io::EventCache::open(tmp.path / "cache", problem)) {
    REQUIRE(cache.on());
  }
};

std::vector<char> bytes_of(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void write_bytes(const fs::path& p, const std::vector<char>& b) {
  std::ofstream(p, std::ios::binary | std::ios::trunc).write(b.data(), std::streamsize(b.size()));
}

} // namespace

TEST_CASE("a cached season is the reader's events, bit for bit", "[io][cache]") {
  const SeasonWithCache season("SIM03_exp.csv", 3000);
  const auto& [tmp, path, problem, cache] = season;
  CHECK(problem.empty());
  const auto direct = io::read_icecube_events(path);
  const std::string sha = io::sha256_file(path);
  CHECK(io::input_sha256(path) == sha);

  const auto first = io::read_icecube_events_cached(path, cache); // parses, writes the entry
  check_same_events(first, direct);
  REQUIRE(fs::exists(cache.entry(sha)));
  CHECK(fs::file_size(cache.entry(sha)) == 96 + 3000 * 40 + 8);
  std::string why;
  const auto loaded = cache.load(sha, "SIM03", &why);
  REQUIRE(loaded);
  check_same_events(*loaded, direct);
  const auto second = io::read_icecube_events_cached(path, cache); // loads the entry
  check_same_events(second, direct);

  SECTION("the season label comes from the file name, not from the entry") {
    const auto copy = tmp.path / "SIM07_exp.csv";
    fs::copy_file(path, copy);
    const auto other = io::read_icecube_events_cached(copy.string(), cache);
    check_same_events(other, io::read_icecube_events(copy.string()));
    CHECK(other.season == std::vector<std::string>{"SIM07"});
  }
}

TEST_CASE("a damaged, foreign or misnamed entry is rebuilt, never used", "[io][cache]") {
  const SeasonWithCache season("SIM01_exp.csv", 500);
  const auto& [tmp, path, problem, cache] = season;
  const auto direct = io::read_icecube_events(path);
  const std::string sha = io::input_sha256(path);
  (void)io::read_icecube_events_cached(path, cache);
  const auto entry = cache.entry(sha);
  const auto good = bytes_of(entry);
  REQUIRE(good.size() == 96 + 500 * 40 + 8);

  struct Damage {
    const char* name;
    std::size_t at; //!< byte to change (or the size to cut to)
    bool truncate;
    const char* why;
  };
  for (const Damage& d :
       {Damage{"truncated in the columns", 96 + 1000, true, "wrong size"},
        Damage{"truncated in the header", 40, true, "truncated header"},
        Damage{"empty", 0, true, "truncated header"},
        Damage{"a flipped bit in a column", 96 + 12345, false, "checksum"},
        Damage{"a flipped bit in the checksum", good.size() - 1, false, "checksum"},
        Damage{"another format version", 8, false, "another version"},
        Damage{"another reader version", 12, false, "another version"},
        Damage{"another byte order", 16, false, "layout"},
        Damage{"another source hash", 40, false, "another file"}}) {
    INFO(d.name);
    auto bytes = good;
    if (d.truncate)
      bytes.resize(d.at);
    else
      bytes[d.at] = static_cast<char>(bytes[d.at] ^ 0x01);
    write_bytes(entry, bytes);
    std::string why;
    CHECK_FALSE(cache.load(sha, "SIM01", &why));
    CHECK(why.find(d.why) != std::string::npos);
    check_same_events(io::read_icecube_events_cached(path, cache), direct);
    CHECK(bytes_of(entry) == good); // rebuilt
  }
}

TEST_CASE("a folder that cannot hold a cache is reported, not fatal", "[io][cache]") {
  TempDir tmp;
  test::write_text(tmp.path, "plain-file", "x");
  std::string problem;
  const auto cache = io::EventCache::open(tmp.path / "plain-file" / "cache", problem);
  CHECK_FALSE(cache.on());
  CHECK(problem.find("cannot create the folder") != std::string::npos);
  const auto path = season_file(tmp.path, "SIM01_exp.csv", 10);
  check_same_events(io::read_icecube_events_cached(path, cache), io::read_icecube_events(path));
}

TEST_CASE("bad input through the cache is the reader's error", "[io][cache]") {
  TempDir tmp;
  std::string problem;
  const auto cache = io::EventCache::open(tmp.path / "cache", problem);
  const auto bad = test::write_text(tmp.path, "SIM01_exp.csv",
                                    "# MJD[days] log10(E/GeV) AngErr[deg] RA[deg] Dec[deg]\n"
                                    "55000 3.0 0.5 10.0 95.0\n");
  test::require_input_error([&] { (void)io::read_icecube_events_cached(bad, cache); }, bad, 2,
                            "Dec");
  CHECK(fs::is_empty(tmp.path / "cache"));
  test::require_input_error(
      [&] { (void)io::read_icecube_events_cached((tmp.path / "none.csv").string(), cache); },
      (tmp.path / "none.csv").string(), 0, "");
}

TEST_CASE("the cache folder the environment names", "[io][cache]") {
  const auto set = [](const char* name, const char* value) {
    if (value != nullptr)
      ::setenv(name, value, 1);
    else
      ::unsetenv(name);
  };
  const char* saved[] = {std::getenv("NUFLARE_CACHE_DIR"), std::getenv("XDG_CACHE_HOME"),
                         std::getenv("HOME")};
  const std::string keep[] = {saved[0] ? saved[0] : "", saved[1] ? saved[1] : "",
                              saved[2] ? saved[2] : ""};
  set("NUFLARE_CACHE_DIR", "/some/where");
  CHECK(io::event_cache_dir_from_environment() == fs::path("/some/where"));
  set("NUFLARE_CACHE_DIR", "off");
  CHECK_FALSE(io::event_cache_dir_from_environment());
  set("NUFLARE_CACHE_DIR", nullptr);
  set("XDG_CACHE_HOME", "/xdg");
  set("HOME", "/home/u");
  CHECK(io::event_cache_dir_from_environment() == fs::path("/xdg/nuflare"));
  set("XDG_CACHE_HOME", nullptr);
  CHECK(io::event_cache_dir_from_environment() == fs::path("/home/u/.cache/nuflare"));
  set("HOME", nullptr);
  CHECK_FALSE(io::event_cache_dir_from_environment());
  set("NUFLARE_CACHE_DIR", saved[0] ? keep[0].c_str() : nullptr);
  set("XDG_CACHE_HOME", saved[1] ? keep[1].c_str() : nullptr);
  set("HOME", saved[2] ? keep[2].c_str() : nullptr);
}

TEST_CASE("input hashes are taken once per file version", "[io][hash]") {
  TempDir tmp;
  const auto a = test::write_text(tmp.path, "a.csv", "first\n");
  const auto b = test::write_text(tmp.path, "b.csv", "second\n");
  const std::vector<fs::path> both = {a, b};
  const auto hashes = io::input_sha256(both, 2);
  REQUIRE(hashes.size() == 2);
  CHECK(hashes[0] == io::sha256_file(a));
  CHECK(hashes[1] == io::sha256_file(b));
  // A changed file (another size) is hashed again.
  test::write_text(tmp.path, "a.csv", "first, changed\n");
  CHECK(io::input_sha256(a) == io::sha256_file(a));
  // A hash remembered for another version of the file is not used.
  io::remember_input_sha256(b, io::FileStamp{1, 2}, std::string(64, '0'));
  CHECK(io::input_sha256(b) == io::sha256_file(b));
  // A missing file is the reader's usual error.
  test::require_input_error([&] { (void)io::input_sha256(tmp.path / "none.csv"); },
                            (tmp.path / "none.csv").string(), 0, "");
  const std::vector<fs::path> with_missing = {a, tmp.path / "none.csv"};
  test::require_input_error([&] { (void)io::input_sha256(with_missing, 2); },
                            (tmp.path / "none.csv").string(), 0, "");
}

TEST_CASE("XXH64 gives the reference values, in one piece or many", "[io][cache]") {
  const auto xxh = [](const std::string& s, std::size_t piece) {
    io::Xxh64 h;
    for (std::size_t i = 0; i < s.size(); i += piece)
      h.update(s.data() + i, std::min(piece, s.size() - i));
    return h.digest();
  };
  // The reference implementation's values (xxhsum -H64; python-xxhash's docs).
  for (std::size_t piece : {1, 3, 32, 1000}) {
    CHECK(xxh("", piece) == 0xef46db3751d8e999ULL);
    CHECK(xxh("a", piece) == 0xd24ec4f1a98c6e5bULL);
    CHECK(xxh("abc", piece) == 0x44bc2cf5ad770999ULL);
    CHECK(xxh("Nobody inspects the spammish repetition", piece) == 0xfbcea83c8a378bf1ULL);
  }
  const std::string long_text(1000, 'x');
  CHECK(xxh(long_text, 7) == xxh(long_text, 1000));
}

TEST_CASE("a recorded input hash is used only for the same file version", "[io][cache]") {
  const SeasonWithCache season("SIM01_exp.csv", 20);
  const auto& [tmp, path, problem, cache] = season;
  const auto sig = io::file_signature(path);
  REQUIRE(sig);
  const std::string sha = io::sha256_file(path);
  CHECK_FALSE(cache.recall_sha256(path, *sig));
  // A file changed less than 2 s before the hashing is not recorded: a second
  // change in the same clock tick could keep its signature.
  CHECK_FALSE(cache.record_sha256(path, *sig, sha, sig->ctime_ns + 1'000'000'000));
  CHECK_FALSE(cache.recall_sha256(path, *sig));
  REQUIRE(cache.record_sha256(path, *sig, sha, sig->ctime_ns + 3'000'000'000));
  CHECK(cache.recall_sha256(path, *sig) == sha);
  // Another version of the file (any field of the signature) is not trusted.
  for (auto changed : {&io::FileSignature::size, &io::FileSignature::inode}) {
    auto other = *sig;
    other.*changed += 1;
    CHECK_FALSE(cache.recall_sha256(path, other));
  }
  for (auto changed : {&io::FileSignature::mtime_ns, &io::FileSignature::ctime_ns}) {
    auto other = *sig;
    other.*changed += 1;
    CHECK_FALSE(cache.recall_sha256(path, other));
  }
  // Nor a record of another path, nor a damaged record.
  const auto copy = tmp.path / "SIM02_exp.csv";
  fs::copy_file(path, copy);
  CHECK_FALSE(cache.recall_sha256(copy.string(), *io::file_signature(copy.string())));
  for (const auto& entry : fs::directory_iterator(tmp.path / "cache"))
    if (entry.path().filename().string().rfind("hash-", 0) == 0)
      test::write_text(entry.path().parent_path(), entry.path().filename().string(),
                       "nuflare-input-sha256-1 1 2 3");
  CHECK_FALSE(cache.recall_sha256(path, *sig));
}
