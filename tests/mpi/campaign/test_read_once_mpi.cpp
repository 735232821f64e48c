// Read once per job (docs/scaling.md): rank 0 reads, every rank gets the
// same records or the same error. Registered at 1, 2 and 4 ranks.
#include "nuflare/campaign/read_once.hpp"
#include "nuflare/campaign/runner.hpp"
#include "nuflare/io/catalog.hpp"
#include "nuflare/io/icecube.hpp"

#include "nuflare_events.hpp"
#include "nuflare_mpi.hpp"

#include <mpi.h>

#include <cmath>
#include <fstream>
#include <limits>
#include <new>
#include <random>

using namespace nuflare;
using test::check_same_events;

namespace {

//! Events whose columns are large enough to travel as blocks (> 64 KiB),
//! with NaN, infinities and signed zeros, which must arrive bit for bit.
io::EventSample events(std::size_t n) {
  std::mt19937_64 gen(3);
  std::uniform_real_distribution<double> u(0, 1);
  io::EventSample e;
  e.season = {"IC40", "IC59 with a long label", ""};
  for (std::size_t i = 0; i < n; ++i) {
    e.mjd.push_back(54562 + u(gen));
    e.log10_e.push_back(i == 7 ? std::numeric_limits<double>::quiet_NaN() : 3 + 4 * u(gen));
    e.angerr_deg.push_back(i == 8 ? std::numeric_limits<double>::infinity() : u(gen));
    e.ra_deg.push_back(i == 9 ? -0.0 : 360 * u(gen));
    e.dec_deg.push_back(180 * u(gen) - 90);
    e.season_index.push_back(static_cast<std::uint32_t>(i % 3));
  }
  return e;
}

std::vector<io::Alert> alerts() {
  std::vector<io::Alert> out(3);
  out[0].name = "IC190922B";
  out[0].mjd = 58748.9;
  out[0].signalness = 0.5;
  out[0].stream = "gfu-gold";
  out[1].name = "IC191001A, retracted";
  out[1].retracted = true;
  out[1].energy_tev = 217;
  out[1].area_rect_deg2 = 25.5;
  out[2].latency_hours = 0;
  out[2].line = 42;
  return out;
}

//! Runs read_once with a reader that throws `error` and returns what every
//! rank caught: the what() text and exit status (or "bad_alloc"/"std").
template <class Error>
std::pair<std::string, int> caught(const Error& error) {
  try {
    (void)campaign::read_once(MPI_COMM_WORLD, [&]() -> int { throw error; });
  } catch (const core::Error& e) {
    return {e.what(), e.exit_status()};
  } catch (const std::bad_alloc&) {
    return {"bad_alloc", 1};
  } catch (const std::exception& e) {
    return {std::string("std: ") + e.what(), 1};
  }
  return {"nothing thrown", 0};
}

} // namespace

TEST_CASE("read_once: every rank gets rank 0's records, bit for bit", "[read_once][mpi]") {
  int calls = 0;
  const auto got = campaign::read_once(MPI_COMM_WORLD, [&] {
    ++calls;
    return events(20000);
  });
  int total = 0;
  MPI_Allreduce(&calls, &total, 1, MPI_INT, MPI_SUM, MPI_COMM_WORLD);
  CHECK(total == 1); // read once in the whole job
  const auto want = events(20000);
  check_same_events(got, want);

  // Records of several kinds at once: optionals, flags, maps, paths.
  using Many = std::pair<std::vector<io::Alert>, std::map<std::string, double>>;
  const auto many = campaign::read_once(MPI_COMM_WORLD, [] {
    return Many{alerts(), {{"TXS 0506+056", 0.25}, {"PKS 1502+106", -1}}};
  });
  const auto a = alerts();
  REQUIRE(many.first.size() == a.size());
  for (std::size_t i = 0; i < a.size(); ++i) {
    CHECK(many.first[i].name == a[i].name);
    CHECK(many.first[i].retracted == a[i].retracted);
    CHECK(many.first[i].signalness == a[i].signalness);
    CHECK(many.first[i].energy_tev == a[i].energy_tev);
    CHECK(many.first[i].area_rect_deg2 == a[i].area_rect_deg2);
    CHECK(many.first[i].latency_hours == a[i].latency_hours);
    CHECK(many.first[i].stream == a[i].stream);
    CHECK(many.first[i].line == a[i].line);
  }
  CHECK(std::isnan(many.first[1].mjd));
  CHECK(many.second.at("PKS 1502+106") == -1);
  const auto paths = campaign::read_once(MPI_COMM_WORLD, [] {
    return std::vector<std::filesystem::path>{"a/b.csv", "c d.h5"};
  });
  CHECK(paths == std::vector<std::filesystem::path>{"a/b.csv", "c d.h5"});
}

TEST_CASE("read_once: Deliver::first_rank leaves the others a default value", "[read_once][mpi]") {
  const auto got = campaign::read_once(
      MPI_COMM_WORLD, [] { return events(100); }, campaign::Deliver::first_rank);
  CHECK(got.size() == (test::rank_of() == 0 ? 100u : 0u));
}

TEST_CASE("read_once: an error on rank 0 is thrown on every rank, the same", "[read_once][mpi]") {
  // Each kind keeps its exit status and its one-line message.
  const auto input =
      caught(core::InputError("events.csv", 1042, "column 3 (AngErr)", "not a number: \"0.4x\""));
  CHECK(input.first == "events.csv:1042: column 3 (AngErr): not a number: \"0.4x\"");
  CHECK(input.second == 2);
  CHECK(caught(core::InputError("x.csv", 0, "", "no sources")).first == "x.csv: no sources");
  CHECK(caught(core::ConfigError("--trials: too many")) ==
        std::pair<std::string, int>{"--trials: too many", 2});
  CHECK(caught(core::IoError("disk full")) == std::pair<std::string, int>{"disk full", 74});
  CHECK(caught(core::NumericalError("no root")) == std::pair<std::string, int>{"no root", 3});
  CHECK(caught(campaign::Interrupted("stopped")) == std::pair<std::string, int>{"stopped", 75});
  CHECK(caught(std::bad_alloc()).first == "bad_alloc");
  CHECK(caught(std::runtime_error("odd")).first == "std: odd");

  // And the type, so that `main` treats it as before (a ConfigError is
  // placed at its deck line).
  bool config = false;
  try {
    (void)campaign::read_once(MPI_COMM_WORLD,
                              []() -> int { throw core::ConfigError("--seed: bad"); });
  } catch (const core::ConfigError&) {
    config = true;
  }
  CHECK(config);
  try {
    (void)campaign::read_once(MPI_COMM_WORLD, []() -> int {
      throw core::InputError("f.csv", 3, "dec", "outside [-90, 90]");
    });
    FAIL("nothing thrown");
  } catch (const core::InputError& e) {
    CHECK(e.file() == "f.csv");
    CHECK(e.line() == 3);
    CHECK(e.field() == "dec");
  }
  // on_first_rank: the same for a step that returns nothing.
  int ran = 0;
  campaign::on_first_rank(MPI_COMM_WORLD, [&] { ++ran; });
  CHECK(ran == (test::rank_of() == 0 ? 1 : 0));
  CHECK_THROWS_WITH(
      campaign::on_first_rank(MPI_COMM_WORLD, [] { throw core::ConfigError("--x: bad"); }),
      "--x: bad");
}

TEST_CASE("read_once: a bad file read by rank 0 stops every rank with its line",
          "[read_once][mpi]") {
  const auto dir = test::shared_temp_dir("read_once_bad");
  if (test::rank_of() == 0) {
    std::ofstream(dir / "sources.csv") << "name,ra,dec\nA,10,20\nB,20,95\n";
    std::ofstream(dir / "IC40_exp.csv")
        << "# MJD[days] log10(E/GeV) AngErr[deg] RA[deg] Dec[deg] Azimuth[deg] Zenith[deg]\n"
           "54562.1 4.5 0.5 10 20 0 90\n"
           "54562.2 4.5 0.4x 10 20 0 90\n";
  }
  MPI_Barrier(MPI_COMM_WORLD);
  std::string catalog_error, events_error;
  try {
    (void)campaign::read_once(MPI_COMM_WORLD,
                              [&] { return io::read_catalog((dir / "sources.csv").string()); });
  } catch (const core::InputError& e) {
    catalog_error = e.what();
  }
  try {
    (void)campaign::read_once(
        MPI_COMM_WORLD, [&] { return io::read_icecube_events((dir / "IC40_exp.csv").string()); },
        campaign::Deliver::first_rank);
  } catch (const core::InputError& e) {
    events_error = e.what();
  }
  // What rank 0's reader said, on every rank (the reader's own wording).
  std::string expected_catalog, expected_events;
  if (test::rank_of() == 0) {
    try {
      (void)io::read_catalog((dir / "sources.csv").string());
    } catch (const core::InputError& e) {
      expected_catalog = e.what();
    }
    try {
      (void)io::read_icecube_events((dir / "IC40_exp.csv").string());
    } catch (const core::InputError& e) {
      expected_events = e.what();
    }
  }
  expected_catalog = test::broadcast(expected_catalog);
  expected_events = test::broadcast(expected_events);
  CHECK_THAT(expected_catalog, Catch::Contains("sources.csv:3"));
  CHECK_THAT(expected_events, Catch::Contains("IC40_exp.csv:3"));
  CHECK(catalog_error == expected_catalog);
  CHECK(events_error == expected_events);
  MPI_Barrier(MPI_COMM_WORLD);
  if (test::rank_of() == 0)
    std::filesystem::remove_all(dir);
}

namespace {
//! Season file `name` of `n` valid events (`bad_line` > 0: that line damaged).
void write_season(const std::filesystem::path& path, int n, int bad_line = 0) {
  std::ofstream f(path);
  f << "# MJD[days] log10(E/GeV) AngErr[deg] RA[deg] Dec[deg] Azimuth[deg] Zenith[deg]\n";
  for (int i = 0; i < n; ++i)
    f << 54562 + i * 0.01 << ' ' << 3 + (i % 40) * 0.1 << ' '
      << (i + 2 == bad_line ? "0.4x" : "0.5") << ' ' << (i * 7) % 360 << ' ' << (i % 180) - 89.5
      << " 0 90\n";
}
//! What rank 0 caught from `read`, on every rank.
template <class Read>
std::string rank0_error(Read&& read) {
  std::string s;
  if (test::rank_of() == 0) {
    try {
      read();
    } catch (const core::Error& e) {
      s = e.what();
    }
  }
  return test::broadcast(s);
}
} // namespace

TEST_CASE("read_events_once: seasons read in parts equal the reader's, errors too",
          "[read_once][mpi]") {
  const auto dir = test::shared_temp_dir("read_events_once");
  std::vector<std::string> good, bad, twice;
  for (int k = 1; k <= 5; ++k) {
    const auto name = "IC" + std::to_string(k) + "_exp.csv";
    good.push_back((dir / name).string());
    bad.push_back((dir / ("bad" + std::to_string(k)) / name).string());
  }
  twice = {good[0], good[1], (dir / "again" / "IC2_exp.csv").string()};
  if (test::rank_of() == 0) {
    for (int k = 0; k < 5; ++k) {
      write_season(good[static_cast<std::size_t>(k)], 3000 + 100 * k); // > 64 KiB columns
      std::filesystem::create_directories(
          std::filesystem::path(bad[static_cast<std::size_t>(k)]).parent_path());
      // Parts 1 and 3 are damaged: the error is part 1's, as one after the other.
      write_season(bad[static_cast<std::size_t>(k)], 50, k == 1 ? 7 : k == 3 ? 4 : 0);
    }
    std::filesystem::create_directories(dir / "again");
    write_season(twice[2], 10);
  }
  MPI_Barrier(MPI_COMM_WORLD);

  const auto want = io::read_icecube_events(good);
  const auto got = campaign::read_events_once(MPI_COMM_WORLD, good);
  check_same_events(got, want);
  const auto first =
      campaign::read_events_once(MPI_COMM_WORLD, good, campaign::Deliver::first_rank);
  CHECK(first.size() == (test::rank_of() == 0 ? want.size() : 0u));
  // The seasons as read, on rank 0 alone: one per file, in order, each the
  // reader's own of that file.
  const auto seasons = campaign::read_event_parts_once(MPI_COMM_WORLD, good);
  if (test::rank_of() == 0) {
    REQUIRE(seasons.size() == good.size());
    for (std::size_t k = 0; k < good.size(); ++k)
      check_same_events(seasons[k], io::read_icecube_events({good[k]}));
  } else {
    CHECK(seasons.empty());
  }

  for (const auto& paths : {bad, twice}) {
    const std::string expected = rank0_error([&] { (void)io::read_icecube_events(paths); });
    REQUIRE_FALSE(expected.empty());
    for (const bool in_parts : {false, true}) {
      std::string caught;
      try {
        if (in_parts)
          (void)campaign::read_event_parts_once(MPI_COMM_WORLD, paths);
        else
          (void)campaign::read_events_once(MPI_COMM_WORLD, paths);
      } catch (const core::InputError& e) {
        caught = e.what();
      }
      CHECK(caught == expected);
    }
  }
  CHECK_THAT(rank0_error([&] { (void)io::read_icecube_events(bad); }),
             Catch::Contains("IC2_exp.csv:7"));

  // Every part is read once in the whole job.
  std::vector<int> calls(7, 0);
  const auto parts = campaign::read_parts_once(MPI_COMM_WORLD, 7, [&](std::size_t k) {
    ++calls[k];
    return std::vector<double>(20000, static_cast<double>(k));
  });
  MPI_Allreduce(MPI_IN_PLACE, calls.data(), 7, MPI_INT, MPI_SUM, MPI_COMM_WORLD);
  CHECK(calls == std::vector<int>(7, 1));
  REQUIRE(parts.size() == 7);
  for (std::size_t k = 0; k < 7; ++k)
    CHECK(parts[k] == std::vector<double>(20000, static_cast<double>(k)));
  MPI_Barrier(MPI_COMM_WORLD);
  if (test::rank_of() == 0)
    std::filesystem::remove_all(dir);
}

TEST_CASE("read_once_split: rank 0 keeps the whole, each rank gets its part", "[read_once][mpi]") {
  int size = 1;
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  int reads = 0;
  // Parts large enough to travel as blocks, different for every rank.
  const auto part = [](const std::vector<double>& all, int rank, int) {
    return std::vector<double>(all.begin() + rank, all.begin() + rank + 20000);
  };
  const auto got = campaign::read_once_split(
      MPI_COMM_WORLD,
      [&] {
        ++reads;
        std::vector<double> all(20004);
        for (std::size_t i = 0; i < all.size(); ++i)
          all[i] = 0.5 * static_cast<double>(i);
        return all;
      },
      part);
  MPI_Allreduce(MPI_IN_PLACE, &reads, 1, MPI_INT, MPI_SUM, MPI_COMM_WORLD);
  CHECK(reads == 1);
  if (test::rank_of() == 0 || size == 1) {
    CHECK(got.size() == 20004);
  } else {
    REQUIRE(got.size() == 20000);
    CHECK(got.front() == 0.5 * test::rank_of());
    CHECK(got.back() == 0.5 * (test::rank_of() + 19999));
  }
  // Rank 0's error on every rank, with its type; no part is sent.
  try {
    (void)campaign::read_once_split(
        MPI_COMM_WORLD,
        []() -> std::vector<double> { throw core::InputError("lc.csv", 30, "flux", "nan"); }, part);
    FAIL("nothing thrown");
  } catch (const core::InputError& e) {
    CHECK(std::string(e.what()) == "lc.csv:30: flux: nan");
  }
}
