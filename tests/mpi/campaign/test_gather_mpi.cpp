// Results of any size gathered in item order (campaign/gather.hpp) and the
// flares campaign on top of it (campaign/flares_campaign.hpp): the same
// results on every rank for 1, 2 and 4 ranks, the first error on every rank.
#include "nuflare/campaign/flares_campaign.hpp"
#include "nuflare/campaign/gather.hpp"

#include "nuflare_catch.hpp"

#include <mpi.h>

using namespace nuflare;

namespace {

struct Item {
  std::string name;
  std::vector<double> values;
  std::vector<bool> flags;
  std::vector<std::string> words;
  int kind = 0;
};

template <class A, campaign::Record<Item> R>
void fields(A& a, R& item) {
  a(item.name, item.values, item.flags, item.words, item.kind);
}

Item make(std::uint64_t i) {
  Item it;
  it.name = "item" + std::to_string(i);
  it.values.assign(i % 5, 0.1 * static_cast<double>(i)); // sizes differ, some are empty
  it.flags = {i % 2 == 0, true};
  it.words.assign(i % 3, std::string(i, 'x'));
  it.kind = static_cast<int>(i);
  return it;
}

} // namespace

TEST_CASE("results of any size come back in item order on every rank", "[gather]") {
  for (std::uint64_t n : {0, 1, 3, 17}) {
    const auto all = campaign::gather_in_order<Item>(
        MPI_COMM_WORLD, n, make, [](std::uint64_t i) { return std::to_string(i); });
    REQUIRE(all.size() == n);
    for (std::uint64_t i = 0; i < n; ++i) {
      const auto want = make(i);
      CHECK(all[i].name == want.name);
      CHECK(all[i].values == want.values);
      CHECK(all[i].flags == want.flags);
      CHECK(all[i].words == want.words);
      CHECK(all[i].kind == want.kind);
    }
  }
}

TEST_CASE("large arrays and plain structs travel inside the gathered bytes", "[gather]") {
  // Arrays above the packer's block size (64 KiB) go into the one buffer
  // (Arrays::in_buffer) that all_gather_bytes moves; plain structs as bytes.
  struct Span {
    double lo, hi;
    std::uint32_t event;
  };
  const auto make_big = [](std::uint64_t i) {
    std::vector<Span> spans(10000 + i);
    for (std::size_t k = 0; k < spans.size(); ++k)
      spans[k] = {0.5 * static_cast<double>(k), static_cast<double>(i),
                  static_cast<std::uint32_t>(k)};
    return spans;
  };
  const auto all = campaign::gather_in_order<std::vector<Span>>(
      MPI_COMM_WORLD, 5, make_big, [](std::uint64_t i) { return std::to_string(i); });
  REQUIRE(all.size() == 5);
  for (std::uint64_t i = 0; i < 5; ++i) {
    const auto want = make_big(i);
    REQUIRE(all[i].size() == want.size());
    CHECK(all[i].back().lo == want.back().lo);
    CHECK(all[i].back().hi == static_cast<double>(i));
    CHECK(all[i][777].event == 777);
  }
}

TEST_CASE("the lowest failing item's error reaches every rank", "[gather]") {
  const auto compute = [](std::uint64_t i) -> Item {
    if (i == 5)
      throw core::InputError("lc.csv", 12, "flux", "not a number");
    if (i == 9)
      throw core::NumericalError("no convergence");
    return make(i);
  };
  try {
    (void)campaign::gather_in_order<Item>(MPI_COMM_WORLD, 12, compute, [](std::uint64_t i) {
      return "source \"S" + std::to_string(i) + "\"";
    });
    FAIL("no error");
  } catch (const campaign::SharedError& e) {
    CHECK(std::string(e.what()) == "source \"S5\": lc.csv:12: flux: not a number");
    CHECK(e.exit_status() == 2);
  }
  try {
    (void)campaign::gather_in_order<Item>(
        MPI_COMM_WORLD, 12,
        [](std::uint64_t i) -> Item {
          if (i >= 7)
            throw std::runtime_error("boom " + std::to_string(i));
          return make(i);
        },
        [](std::uint64_t) { return std::string(); });
    FAIL("no error");
  } catch (const campaign::SharedError& e) {
    CHECK(std::string(e.what()) == "boom 7");
    CHECK(e.exit_status() == 3);
  }
}

TEST_CASE("rank 0's verdict and failure", "[gather]") {
  int rank = 0;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  CHECK(campaign::broadcast_from_root(MPI_COMM_WORLD, rank == 0 ? 42 : rank) == 42);
  CHECK_NOTHROW(campaign::run_on_root(MPI_COMM_WORLD, [] {}));
  try {
    campaign::run_on_root(MPI_COMM_WORLD, [] { throw core::IoError("disk full"); });
    FAIL("no error");
  } catch (const core::Error& e) {
    CHECK(e.exit_status() == 74);
    CHECK(std::string(e.what()) == (rank == 0 ? "disk full" : "failed on rank 0"));
  }
}

TEST_CASE("flares campaign: the same results as one process", "[gather][flares]") {
  std::vector<lightcurve::SourceCurves> sources;
  for (int s = 0; s < 7; ++s) {
    lightcurve::SourceCurves src{"S" + std::to_string(s), {}};
    for (const char* band : {"fermi", "wise_w2"}) {
      io::LightCurve lc;
      lc.source = src.name;
      lc.band = band;
      const int n = 5 + 7 * s;
      for (int i = 0; i < n; ++i) {
        lc.mjd.push_back(55000 + 20.0 * i);
        lc.flux.push_back(1.0 + (i > n / 2 && i < n / 2 + 4 ? 4.0 : 0.05 * (i % 4)));
        lc.flux_err.push_back(0.1);
      }
      src.curves.push_back(lc);
    }
    sources.push_back(src);
  }
  const lightcurve::FlaresConfig config;
  const auto all = campaign::run_flares_campaign(MPI_COMM_WORLD, sources, config);
  REQUIRE(all.size() == sources.size());
  for (std::size_t i = 0; i < sources.size(); ++i) {
    const auto one = lightcurve::analyse_curves(sources[i], config);
    CHECK(all[i].multi == one.multi);
    CHECK(all[i].flare_class == one.flare_class);
    CHECK(all[i].stages.high == one.stages.high);
    for (std::size_t b = 0; b < one.curves.size(); ++b) {
      CHECK(all[i].curves[b].prepared.curve.flux == one.curves[b].prepared.curve.flux);
      CHECK(all[i].curves[b].analysis.blocks.edges == one.curves[b].analysis.blocks.edges);
      CHECK(all[i].curves[b].analysis.flares.flaring_block ==
            one.curves[b].analysis.flares.flaring_block);
    }
  }
  const auto table = campaign::flares_summary_table(sources, all, config);
  CHECK(table.rows() == sources.size() * 3);
}
