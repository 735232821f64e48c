// IceCube 10-year release readers: events, good-run lists, effective areas.
#include "io_test_util.hpp"
#include "nuflare/io/icecube.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>

using namespace nuflare;
using nuflare::test::require_input_error;
using nuflare::test::write_text;

namespace {

const char* EVENT_HEADER =
    "#     MJD[days]  log10(E/GeV)   AngErr[deg]       RA[deg]      Dec[deg]  "
    "Azimuth[deg]   Zenith[deg]\n";

std::string events_text() {
  return std::string(EVENT_HEADER) + "   54562.37911273          3.31          0.48       203.024  "
                                     "      16.760       218.374       106.712\n"
                                     "   54562.38662244          5.17          0.62        75.024  "
                                     "     -13.371       349.100        76.646\n"
                                     "   54562.40000000          4.80          1.00       359.999  "
                                     "     -90.000         0.000         0.000\n";
}

} // namespace

TEST_CASE("season labels come from file names", "[io][icecube]") {
  CHECK(io::season_from_path("/a/b/IC86_II_exp.csv.xz") == "IC86_II");
  CHECK(io::season_from_path("IC40_exp.csv") == "IC40");
  CHECK(io::season_from_path("irfs/IC59_effectiveArea.csv") == "IC59");
  CHECK(io::season_from_path("IC79_exp.csv.gz") == "IC79");
}

TEST_CASE("IC40 events from the real release", "[io][icecube][data]") {
  const auto path = test::data_file("icecube_10year_ps/events/IC40_exp.csv");
  NUFLARE_REQUIRE_DATA(path);
  const auto t0 = std::chrono::steady_clock::now();
  const auto ev = io::read_icecube_events(path.string());
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::printf("read_icecube_events(IC40_exp.csv): %zu events in %.3f s\n", ev.size(), seconds);

  REQUIRE(ev.size() == 36900);
  REQUIRE(ev.season.size() == 1);
  CHECK(ev.season[0] == "IC40");
  CHECK(std::all_of(ev.season_index.begin(), ev.season_index.end(), [](auto i) { return i == 0; }));
  CHECK(std::count_if(ev.log10_e.begin(), ev.log10_e.end(), [](double e) { return e >= 4.8; }) ==
        19260);
  CHECK(std::count_if(ev.dec_deg.begin(), ev.dec_deg.end(), [](double d) { return d > -5; }) ==
        16323);
  CHECK(ev.mjd.front() == Approx(54562.37911273).margin(1e-9));
  CHECK(ev.log10_e.front() == 3.31);
  CHECK(ev.angerr_deg.front() == 0.48);
  CHECK(ev.ra_deg.front() == 203.024);
  CHECK(ev.dec_deg.front() == 16.760);
  CHECK(ev.mjd.back() == Approx(54971.13279145).margin(1e-9));
  CHECK(ev.ra_deg.back() == 236.384);
  CHECK(ev.dec_deg.back() == 30.731);
  CHECK(*std::max_element(ev.angerr_deg.begin(), ev.angerr_deg.end()) == 2.80);
}

TEST_CASE("good-run lists and effective areas of the real release", "[io][icecube][data]") {
  const auto up = test::data_file("icecube_10year_ps/uptime/IC40_exp.csv");
  NUFLARE_REQUIRE_DATA(up);
  const auto grl = io::read_good_run_list(up.string());
  CHECK(grl.season == "IC40");
  CHECK(grl.start_mjd.size() == 1420);
  CHECK(grl.livetime_days() == Approx(376.360).margin(1e-3));
  CHECK(grl.start_mjd.front() == Approx(54562.3720).margin(1e-4));
  CHECK(grl.stop_mjd.back() == Approx(54971.1503).margin(1e-4));

  // Seasons whose runs overlap their predecessor (as published) still read.
  for (auto [season, runs, livetime] :
       {std::tuple{"IC86_V", 1343, 365.353}, std::tuple{"IC86_VII", 1444, 410.636}}) {
    const auto p = test::data_file(std::string("icecube_10year_ps/uptime/") + season + "_exp.csv");
    const auto g = io::read_good_run_list(p.string());
    CHECK(g.season == season);
    CHECK(g.start_mjd.size() == static_cast<std::size_t>(runs));
    CHECK(g.livetime_days() == Approx(livetime).margin(1e-3));
  }

  const auto irf = test::data_file("icecube_10year_ps/irfs/IC40_effectiveArea.csv");
  const auto aeff = io::read_effective_area(irf.string());
  CHECK(aeff.season == "IC40");
  REQUIRE(aeff.area_cm2.size() == 2000);
  CHECK(aeff.log10_e_min.front() == 2.00);
  CHECK(aeff.log10_e_max.front() == 2.20);
  CHECK(aeff.dec_min_deg.front() == -90.00);
  CHECK(aeff.dec_max_deg.front() == -73.74);
  CHECK(*std::max_element(aeff.area_cm2.begin(), aeff.area_cm2.end()) > 0);
}

TEST_CASE("events from plain, gzip and xz files, several seasons", "[io][icecube]") {
  const auto dir = test::temp_dir("icecube_events");
  const auto plain = write_text(dir, "IC40_exp.csv", events_text());
  const auto ic59 = write_text(dir, "IC59_exp.csv", events_text());
  const auto gz = test::compress(ic59, "gzip");
  const auto ic79 = write_text(dir, "IC79_exp.csv", events_text());
  const auto xz = test::compress(ic79, "xz");

  const auto ev = io::read_icecube_events(std::vector<std::string>{plain, gz, xz});
  REQUIRE(ev.size() == 9);
  CHECK(ev.season == std::vector<std::string>{"IC40", "IC59", "IC79"});
  CHECK(ev.season_index == std::vector<std::uint32_t>{0, 0, 0, 1, 1, 1, 2, 2, 2});
  CHECK(ev.ra_deg[7] == 75.024);
  CHECK(ev.dec_deg[8] == -90.0);
  CHECK(ev.log10_e[5] == 4.80);

  // The PSLab copy of the release has its header without '#'.
  const auto bare = write_text(dir, "IC86_I_exp.csv", events_text().substr(1));
  CHECK(io::read_icecube_events(bare).size() == 3);
}

TEST_CASE("events at the edges of their ranges are read; RA 360 is RA 0", "[io][icecube]") {
  const auto dir = test::temp_dir("icecube_edges");
  const auto p = write_text(dir, "IC40_exp.csv",
                            std::string(EVENT_HEADER) + "54000 0 180 360 -90 360 180\n" +
                                "70000 12 1e-9 0 90 0 0\n");
  const auto ev = io::read_icecube_events(p);
  REQUIRE(ev.size() == 2);
  CHECK(ev.mjd == std::vector<double>{54000, 70000});
  CHECK(ev.log10_e == std::vector<double>{0, 12});
  CHECK(ev.angerr_deg == std::vector<double>{180, 1e-9});
  CHECK(ev.ra_deg == std::vector<double>{0, 0}); // 360 is the same direction as 0
  CHECK(ev.dec_deg == std::vector<double>{-90, 90});
}

TEST_CASE("good runs overlapping by a rounding of their boundaries count once", "[io][icecube]") {
  const auto dir = test::temp_dir("icecube_overlap");
  // 0.5 s of overlap (IC86_V has 0.87 s), then a gap: livetime 1 + 1 - 0.5 s + 0.5 days.
  const auto p = write_text(dir, "IC86_V_exp.csv",
                            "#  MJD_start[days]  MJD_stop[days]\n"
                            "55010.0 55011.0\n"
                            "55010.9999942130 55012.0\n"
                            "55013.0 55013.5\n");
  const auto g = io::read_good_run_list(p);
  REQUIRE(g.start_mjd.size() == 3);
  CHECK(g.livetime_days() == Approx(2.5).margin(1e-9));

  // In memory the union is taken whatever the order and overlap.
  io::GoodRunList m;
  m.start_mjd = {10, 0, 5, 20};
  m.stop_mjd = {12, 8, 6, 20.5};
  CHECK(m.livetime_days() == Approx(8 + 2 + 0.5));
}

TEST_CASE("bad IceCube event files are rejected with file, line and column", "[io][icecube][bad]") {
  const auto dir = test::temp_dir("icecube_bad");
  const std::string h = EVENT_HEADER;
  const std::string good = "   54562.3 3.31 0.48 203.024 16.760 218.374 106.712\n";
  auto read = [](const std::string& p) { return [p] { (void)io::read_icecube_events(p); }; };
  const test::BadRow cases[] = {
      {"bad_number", "54562.4 3.31 0.4x 203.0 16.7 218.3 106.7\n", "column 3 (AngErr[deg])",
       "not a number: \"0.4x\""},
      {"nan", "54562.4 nan 0.48 203.0 16.7 218.3 106.7\n", "column 2 (log10(E/GeV))",
       "not a finite number"},
      {"inf", "54562.4 3.3 0.48 203.0 16.7 inf 106.7\n", "column 6 (Azimuth[deg])",
       "not a finite number"},
      {"column_count", "54562.4 3.3 0.48 203.0 16.7 218.3\n", "columns",
       "expected 7 columns, found 6"},
      {"negative_error", "54562.4 3.3 -0.48 203.0 16.7 218.3 106.7\n", "column 3 (AngErr[deg])",
       "-0.48 is outside the allowed range (0, 180] deg"},
      {"dec_range", "54562.4 3.3 0.48 203.0 90.5 218.3 106.7\n", "column 5 (Dec[deg])",
       "90.5 is outside the allowed range [-90, 90] deg"},
      {"ra_range", "54562.4 3.3 0.48 360.5 10.0 218.3 106.7\n", "column 4 (RA[deg])",
       "360.5 is outside the allowed range [0, 360] deg"},
      // The reproducers: placeholders and values in the wrong unit.
      {"mjd_huge", "1e308 3.3 0.48 203.0 10.0 218.3 106.7\n", "column 1 (MJD[days])",
       "1e308 is outside the allowed range [54000, 70000] MJD"},
      {"mjd_as_jd", "2454562.9 3.3 0.48 203.0 10.0 218.3 106.7\n", "column 1 (MJD[days])",
       "2454562.9 is outside the allowed range [54000, 70000] MJD"},
      {"log10e_huge", "54562.4 1e308 0.48 203.0 10.0 218.3 106.7\n", "column 2 (log10(E/GeV))",
       "1e308 is outside the allowed range [0, 12] log10(E/GeV)"},
      {"log10e_negative", "54562.4 -1 0.48 203.0 10.0 218.3 106.7\n", "column 2 (log10(E/GeV))",
       "-1 is outside the allowed range [0, 12]"},
      {"angerr_zero", "54562.4 3.3 0 203.0 10.0 218.3 106.7\n", "column 3 (AngErr[deg])",
       "0 is outside the allowed range (0, 180] deg"},
      {"angerr_huge", "54562.4 3.3 495.8 203.0 10.0 218.3 106.7\n", "column 3 (AngErr[deg])",
       "495.8 is outside the allowed range (0, 180] deg"},
      {"azimuth_range", "54562.4 3.3 0.48 203.0 10.0 -1 106.7\n", "column 6 (Azimuth[deg])",
       "-1 is outside the allowed range [0, 360] deg"},
      {"zenith_range", "54562.4 3.3 0.48 203.0 10.0 218.3 180.5\n", "column 7 (Zenith[deg])",
       "180.5 is outside the allowed range [0, 180] deg"},
  };
  test::require_bad_rows(dir, h + good, 3, cases, read, "_exp.csv");
  SECTION("bad value inside an xz file") {
    const auto p = write_text(dir, "IC59_exp.csv", h + good + good + "54563 2 3 4 5 6 x\n");
    const auto xz = test::compress(p, "xz");
    require_input_error(read(xz), xz, 4, "column 7 (Zenith[deg])", "not a number");
  }
  SECTION("missing column") {
    const auto p = write_text(dir, "missing_exp.csv",
                              "# MJD[days] log10(E/GeV) AngErr[deg] RA[deg] Decl Azimuth[deg] "
                              "Zenith[deg]\n" +
                                  good);
    require_input_error(read(p), p, 1, "Dec[deg] or Dec", "missing column");
  }
  SECTION("empty and missing file") {
    test::require_empty_and_absent(dir, h, read, "_exp.csv");
  }
  SECTION("the same season twice") {
    const auto p = write_text(dir, "IC40_exp.csv", h + good);
    std::filesystem::create_directories(dir / "other");
    const auto q = test::compress(write_text(dir / "other", "IC40_exp.csv", h + good), "gzip");
    require_input_error(
        [&] {
          (void)io::read_icecube_events(std::vector<std::string>{p, q});
        },
        q, 0, "season", "given twice");
  }
}

TEST_CASE("bad good-run lists and effective areas are rejected", "[io][icecube][bad]") {
  const auto dir = test::temp_dir("icecube_bad_grl");
  const std::string h = "#  MJD_start[days]  MJD_stop[days]\n";
  auto grl = [](const std::string& p) { return [p] { (void)io::read_good_run_list(p); }; };
  SECTION("unsorted runs name both lines") {
    const auto p =
        write_text(dir, "IC40_exp.csv", h + "55010 55011\n55012 55013\n55011.5 55011.8\n");
    require_input_error(grl(p), p, 4, "column 1 (MJD_start[days])",
                        "55011.5 is not after the start of the run of line 3 (55012): runs must "
                        "be sorted");
  }
  SECTION("duplicated run start") {
    const auto p = write_text(dir, "IC40_exp.csv", h + "55010 55011\n55010 55011\n");
    require_input_error(grl(p), p, 3, "column 1 (MJD_start[days])", "without duplicates");
  }
  SECTION("overlapping runs name both lines") {
    // Line 3 starts inside the run of line 2; in q line 4 inside that of line 3.
    const auto p =
        write_text(dir, "IC40_exp.csv", h + "55010 55012\n55010.5 55011\n55011.5 55013\n");
    require_input_error(grl(p), p, 3, "column 1 (MJD_start[days])",
                        "55010.5 is before the stop of the run of line 2 (55012): good runs must "
                        "not overlap");
    const auto q = write_text(dir, "IC59_exp.csv", h + "55010 55012\n55012 55013\n55012.5 55014\n");
    require_input_error(grl(q), q, 4, "column 1 (MJD_start[days])",
                        "before the stop of the run of line 3 (55013)");
  }
  SECTION("stop before start") {
    const auto p = write_text(dir, "IC40_exp.csv", h + "55010 55011\n55012 55012\n");
    require_input_error(grl(p), p, 3, "column 2 (MJD_stop[days])", "after its start");
  }
  SECTION("times outside the IceCube window") {
    // The reproducer: a stop of 1e308 gave a livetime of 1e308 days.
    const auto a = write_text(dir, "a.csv", h + "55010 55011\n55012 1e308\n");
    require_input_error(grl(a), a, 3, "column 2 (MJD_stop[days])",
                        "1e308 is outside the allowed range [54000, 70000] MJD");
    const auto b = write_text(dir, "b.csv", h + "-1 55011\n");
    require_input_error(grl(b), b, 2, "column 1 (MJD_start[days])",
                        "-1 is outside the allowed range [54000, 70000] MJD");
  }
  SECTION("bad number, NaN, inf, column count") {
    const auto a = write_text(dir, "a.csv", h + "55010 55011\n55012 1e\n");
    require_input_error(grl(a), a, 3, "column 2 (MJD_stop[days])", "not a number");
    const auto b = write_text(dir, "b.csv", h + "NaN 55011\n");
    require_input_error(grl(b), b, 2, "column 1 (MJD_start[days])", "not a finite number");
    const auto c = write_text(dir, "c.csv", h + "55010 -inf\n");
    require_input_error(grl(c), c, 2, "column 2 (MJD_stop[days])", "not a finite number");
    const auto d = write_text(dir, "d.csv", h + "55010 55011 55012\n");
    require_input_error(grl(d), d, 2, "columns", "expected 2 columns, found 3");
  }
  SECTION("missing column, empty and missing file") {
    const auto a = write_text(dir, "a.csv", "# MJD_start[days] stop\n55001 55002\n");
    require_input_error(grl(a), a, 1, "MJD_stop", "missing column");
    const auto b = write_text(dir, "b.csv", "\n\n");
    require_input_error(grl(b), b, 0, "", "empty file");
    require_input_error(grl((dir / "none.csv").string()), "none.csv", 0, "", "no such file");
  }

  const std::string ha = "#  log10(E_nu/GeV)_min  log10(E_nu/GeV)_max  Dec_nu_min[deg]  "
                         "Dec_nu_max[deg]   A_Eff[cm^2]\n";
  auto aeff = [](const std::string& p) { return [p] { (void)io::read_effective_area(p); }; };
  SECTION("effective area checks") {
    const auto a =
        write_text(dir, "a_effectiveArea.csv", ha + "2.0 2.2 -90 -80 1.0\n2.2 2.4 -90 -80 -1\n");
    require_input_error(aeff(a), a, 3, "column 5 (A_Eff[cm^2])",
                        "-1 is outside the allowed range [0, 1e+12] cm^2");
    const auto b = write_text(dir, "b_effectiveArea.csv", ha + "2.0 2.2 -90 -95 1.0\n");
    require_input_error(aeff(b), b, 2, "column 4 (Dec_nu_max[deg])",
                        "-95 is outside the allowed range [-90, 90] deg");
    const auto c = write_text(dir, "c_effectiveArea.csv", ha + "2.2 2.0 -90 -80 1.0\n");
    require_input_error(aeff(c), c, 2, "column 2 (log10(E_nu/GeV)_max)", "must exceed");
    const auto d = write_text(dir, "d_effectiveArea.csv", ha + "2.0 2.2 -90 -80 nan\n");
    require_input_error(aeff(d), d, 2, "column 5 (A_Eff[cm^2])", "not a finite number");
    const auto g = write_text(dir, "g_effectiveArea.csv", ha + "2.0 2.2 -90 -80 1e308\n");
    require_input_error(aeff(g), g, 2, "column 5 (A_Eff[cm^2])",
                        "1e308 is outside the allowed range [0, 1e+12] cm^2");
    const auto k = write_text(dir, "k_effectiveArea.csv", ha + "12.0 12.2 -90 -80 1\n");
    require_input_error(aeff(k), k, 2, "column 2 (log10(E_nu/GeV)_max)",
                        "12.2 is outside the allowed range [0, 12] log10(E/GeV)");
    const auto e = write_text(dir, "e_effectiveArea.csv", ha);
    require_input_error(aeff(e), e, 0, "", "empty file");
    const auto f = write_text(dir, "f_effectiveArea.csv", ha + "2.0 2.2 -90 -80\n");
    require_input_error(aeff(f), f, 2, "columns", "expected 5 columns, found 4");
  }
  SECTION("effective area from xz") {
    const auto p = write_text(dir, "IC79_effectiveArea.csv", ha + "2.0 2.2 -90 -80 1.5\n");
    const auto aeff_xz = io::read_effective_area(test::compress(p, "xz"));
    CHECK(aeff_xz.season == "IC79");
    CHECK(aeff_xz.area_cm2 == std::vector<double>{1.5});
  }
}
