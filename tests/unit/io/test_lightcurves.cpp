// Light-curve readers: long CSV, Fermi LCR export, WISE/NEOWISE photometry,
// 4FGL yearly flux history.
#include "io_test_util.hpp"
#include "nuflare/io/lightcurves.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

using namespace nuflare;
using nuflare::test::require_input_error;
using nuflare::test::write_text;

namespace {

const io::LightCurve& find_curve(const std::vector<io::LightCurve>& v, const std::string& source,
                                 const std::string& band) {
  auto it = std::find_if(v.begin(), v.end(), [&](const io::LightCurve& c) {
    return c.source == source && c.band == band;
  });
  REQUIRE(it != v.end());
  return *it;
}

bool strictly_increasing(const std::vector<double>& t) {
  return std::adjacent_find(t.begin(), t.end(), std::greater_equal<>()) == t.end();
}

const std::string LCR_HEADER =
    "\"Date(UTC)\",\"Julian Date\",\"MET\",\"TS\",\"Photon Flux [0.1-100 GeV](photons cm-2 "
    "s-1)\",\"Photon Flux Error(photons cm-2 s-1)\",\"Photon Index\",\"Photon Index "
    "Error\",\"Sun Distance\",\"Fit Tolerance\",\"MINUIT Return Code\",\"Analysis Log\"\n";

std::string lcr_row(const std::string& jd, const std::string& ts, const std::string& flux,
                    const std::string& err, const std::string& index = "-2.2") {
  return "\"Aug 08 2008\",\"" + jd + "\",\"239889601\",\"" + ts + "\",\"" + flux + "\",\"" + err +
         "\",\"" + index + "\",\"-\",\"58.82\",\"1e-8\",\"0\",\"bin1.log\"\n";
}

} // namespace

TEST_CASE("long-format light-curve CSV", "[io][lightcurves]") {
  const auto dir = test::temp_dir("lc_long");
  const std::string text = "source,band,mjd,flux,flux_err,upper_limit\n"
                           "A,fermi,58003,3.0,0.3,0\n"
                           "B,wise_w2,58001,-0.5,0.2,0\n"
                           "A,fermi,58001,1.0,0.1,0\n"
                           "A,wise_w2,58001,7.0,0.7,false\n"
                           "A,fermi,58002,2.0,,1\n";
  for (const std::string tool : {"", "gzip", "xz"}) {
    const auto plain = write_text(dir, "lc_" + tool + ".csv", text);
    const auto v = io::read_lightcurves_csv(tool.empty() ? plain : test::compress(plain, tool));
    REQUIRE(v.size() == 3);
    const auto& a = v[0];
    CHECK(a.source == "A");
    CHECK(a.band == "fermi");
    CHECK(a.mjd == std::vector<double>{58001, 58002, 58003});
    CHECK(a.flux == std::vector<double>{1.0, 2.0, 3.0});
    CHECK(a.flux_err == std::vector<double>{0.1, 0.0, 0.3});
    CHECK(a.upper_limit == std::vector<std::uint8_t>{0, 1, 0});
    CHECK(a.ts.empty());
    CHECK(v[1].source == "B");
    CHECK(v[1].flux.at(0) == -0.5);
    CHECK(v[2].band == "wise_w2");
  }
  // An upper limit may give its error as 0.
  const auto ul = write_text(dir, "ul_zero.csv",
                             "source,band,mjd,flux,flux_err,upper_limit\nA,x,55001,2,0,1\n");
  CHECK(io::read_lightcurves_csv(ul).at(0).flux_err == std::vector<double>{0.0});
  // upper_limit is optional.
  const auto p = write_text(dir, "no_ul.csv", "source,band,mjd,flux,flux_err\nA,x,55001,2,3\n");
  CHECK(io::read_lightcurves_csv(p).at(0).upper_limit == std::vector<std::uint8_t>{0});
}

TEST_CASE("bad long-format light curves are rejected", "[io][lightcurves][bad]") {
  const auto dir = test::temp_dir("lc_long_bad");
  const std::string h = "source,band,mjd,flux,flux_err,upper_limit\n";
  const std::string good = "A,fermi,58001,1.0,0.1,0\n";
  auto read = [](const std::string& p) { return [p] { (void)io::read_lightcurves_csv(p); }; };
  const test::BadRow cases[] = {
      {"bad_number", "A,fermi,58002,1.0e,0.1,0", "column 4 (flux)", "not a number: \"1.0e\""},
      {"nan", "A,fermi,58002,nan,0.1,0", "column 4 (flux)", "not a finite number"},
      {"inf", "A,fermi,Inf,1.0,0.1,0", "column 3 (mjd)", "not a finite number"},
      {"column_count", "A,fermi,58002,1.0,0.1,0,7", "columns", "expected 6 columns, found 7"},
      {"negative_error", "A,fermi,58002,1.0,-0.1,0", "column 5 (flux_err)",
       "-0.1 is outside the allowed range [1e-30, 1e+30] (a measured point needs an error > 0)"},
      // The reproducers: an error of 0 (which used to fail later without
      // file, line or field) and a flux of 1e308 (which made the variability NaN).
      {"zero_error", "A,fermi,58002,1.0,0,0", "column 5 (flux_err)",
       "0 is outside the allowed range [1e-30, 1e+30] (a measured point needs an error > 0)"},
      {"flux_huge", "A,fermi,58002,1e308,0.1,0", "column 4 (flux)",
       "1e308 is outside the allowed range [-1e+30, 1e+30]"},
      {"error_huge", "A,fermi,58002,1.0,1e308,0", "column 5 (flux_err)",
       "1e308 is outside the allowed range [1e-30, 1e+30]"},
      {"upper_limit_error", "A,fermi,58002,1.0,-1,1", "column 5 (flux_err)",
       "(or 0 or empty for an upper limit)"},
      {"mjd_huge", "A,fermi,1e308,1.0,0.1,0", "column 3 (mjd)",
       "1e308 is outside the allowed range [15020, 70000] MJD"},
      {"mjd_as_jd", "A,fermi,2458002.5,1.0,0.1,0", "column 3 (mjd)",
       "2458002.5 is outside the allowed range [15020, 70000] MJD"},
      {"mjd_as_year", "A,fermi,2017.5,1.0,0.1,0", "column 3 (mjd)",
       "2017.5 is outside the allowed range [15020, 70000] MJD"},
      {"error_missing", "A,fermi,58002,1.0,,0", "column 5 (flux_err)", "empty value"},
      {"duplicated_time", "A,fermi,58001,1.5,0.1,0", "column 3 (mjd)", "duplicated time 58001"},
      {"bad_flag", "A,fermi,58002,1.0,0.1,maybe", "column 6 (upper_limit)", "not a boolean"},
      {"empty_source", ",fermi,58002,1.0,0.1,0", "column 1 (source)", "empty source"},
  };
  test::require_bad_rows(dir, h + good, 3, cases, read);
  SECTION("duplicate found after sorting names the later row") {
    const auto p =
        write_text(dir, "dup_sorted.csv",
                   h + "A,x,55003,1,1,0\nA,x,55001,1,1,0\nB,x,55001,1,1,0\n" + "A,x,55003,1,1,0\n");
    require_input_error(read(p), p, 5, "column 3 (mjd)", "also at line 2");
  }
  SECTION("missing column, empty and missing file") {
    const auto p = write_text(dir, "missing.csv", "source,band,mjd,flux\nA,x,1,2\n");
    require_input_error(read(p), p, 1, "flux_err", "missing column");
    test::require_empty_and_absent(dir, h, read);
  }
}

TEST_CASE("Fermi LCR exports of four blazars", "[io][lightcurves][data]") {
  const auto path = test::data_file("fermi_lcr_lightcurves/4FGL_J1256.1-0547_weekly_2_20_2025.csv");
  NUFLARE_REQUIRE_DATA(path);
  const auto lc = io::read_fermi_lcr(path.string());
  CHECK(lc.source == "4FGL J1256.1-0547");
  CHECK(lc.band == "fermi");
  REQUIRE(lc.size() == 853);
  CHECK(lc.mjd.front() == 2454687 - 2400000.5);
  CHECK(lc.flux.front() == 2.67e-7);
  CHECK(lc.flux_err.front() == 4.00e-8);
  CHECK(lc.ts.front() == 138.65);
  CHECK(lc.photon_index.front() == -2.2);
  CHECK(lc.mjd.back() == Approx(2460720.9999537035 - 2400000.5).margin(1e-9));
  CHECK(strictly_increasing(lc.mjd));
  CHECK(std::accumulate(lc.upper_limit.begin(), lc.upper_limit.end(), 0) == 20);

  const auto m = io::read_fermi_lcr(
      test::data_file("fermi_lcr_lightcurves/4FGL_J2253.9+1609_monthly_2_20_2025.csv").string(),
      "3C 454.3", "fermi_monthly");
  CHECK(m.source == "3C 454.3");
  CHECK(m.band == "fermi_monthly");
  CHECK(std::accumulate(m.upper_limit.begin(), m.upper_limit.end(), 0) == 3);
  for (std::size_t i = 0; i < m.size(); ++i)
    if (m.upper_limit[i]) {
      CHECK(m.flux_err[i] == 0);
      CHECK(std::isnan(m.photon_index[i]));
      CHECK(m.flux[i] > 0);
    }
  // The first upper limit: "Nov 03 2011","2455868.499988426",...,"< 2.96e-8","-"
  auto first_ul = std::find(m.upper_limit.begin(), m.upper_limit.end(), 1) - m.upper_limit.begin();
  CHECK(m.flux[static_cast<std::size_t>(first_ul)] == 2.96e-8);
  CHECK(m.mjd[static_cast<std::size_t>(first_ul)] ==
        Approx(2455868.499988426 - 2400000.5).margin(1e-9));
}

TEST_CASE("Fermi LCR synthetic and bad exports", "[io][lightcurves][bad]") {
  const auto dir = test::temp_dir("lcr");
  const std::string good =
      lcr_row("2454687", "10", "2.0e-7", "4.0e-8") + lcr_row("2454694", "0.5", "< 3e-8", "-", "-");
  const auto ok = write_text(dir, "4FGL_J0000.0+0000_weekly_x.csv", LCR_HEADER + good);
  const auto lc = io::read_fermi_lcr(test::compress(ok, "xz"));
  CHECK(lc.source == "4FGL J0000.0+0000");
  CHECK(lc.upper_limit == std::vector<std::uint8_t>{0, 1});
  CHECK(lc.flux == std::vector<double>{2.0e-7, 3e-8});

  auto read = [](const std::string& p) { return [p] { (void)io::read_fermi_lcr(p); }; };
  const test::BadRow cases[] = {
      {"unsorted", lcr_row("2454690", "10", "2e-7", "1e-8"), "column 2 (Julian Date)", "sorted"},
      {"duplicated", lcr_row("2454694", "10", "2e-7", "1e-8"), "column 2 (Julian Date)",
       "without duplicates"},
      {"bad_number", lcr_row("2454701", "10", "2e-7x", "1e-8"), "column 5 (Photon Flux",
       "not a number"},
      {"bad_limit", lcr_row("2454701", "10", "< abc", "-"), "column 5 (Photon Flux",
       "not a number after '<'"},
      {"nan", lcr_row("2454701", "nan", "2e-7", "1e-8"), "column 4 (TS)", "not a finite number"},
      {"inf", lcr_row("inf", "1", "2e-7", "1e-8"), "column 2 (Julian Date)", "not a finite number"},
      {"negative_error", lcr_row("2454701", "10", "2e-7", "-1e-8"), "column 6 (Photon Flux Error",
       "-1e-8 is outside the allowed range [1e-30, 1e+30]"},
      {"zero_error", lcr_row("2454701", "10", "2e-7", "0"), "column 6 (Photon Flux Error",
       "a measured point needs an error > 0"},
      {"jd_huge", lcr_row("1e308", "10", "2e-7", "1e-8"), "column 2 (Julian Date)",
       "1e308 is outside the allowed range [2415020.5, 2470000.5] JD"},
      {"mjd_for_jd", lcr_row("58000", "10", "2e-7", "1e-8"), "column 2 (Julian Date)",
       "58000 is outside the allowed range [2415020.5, 2470000.5] JD"},
      {"flux_huge", lcr_row("2454701", "10", "1e308", "1e-8"), "column 5 (Photon Flux",
       "1e308 is outside the allowed range [0, 1e+30]"},
      {"negative_flux", lcr_row("2454701", "10", "-2e-7", "1e-8"), "column 5 (Photon Flux",
       "-2e-7 is outside the allowed range [0, 1e+30]"},
      {"limit_huge", lcr_row("2454701", "10", "< 1e308", "-"), "column 5 (Photon Flux",
       "< 1e308 is outside the allowed range [0, 1e+30] (an upper limit)"},
      {"ts_huge", lcr_row("2454701", "1e308", "2e-7", "1e-8"), "column 4 (TS)",
       "1e308 is outside the allowed range [0, 1e+08]"},
      {"ts_negative", lcr_row("2454701", "-3", "2e-7", "1e-8"), "column 4 (TS)",
       "-3 is outside the allowed range [0, 1e+08]"},
      {"index_huge", lcr_row("2454701", "10", "2e-7", "1e-8", "1e308"), "column 7 (Photon Index)",
       "1e308 is outside the allowed range [-10, 10]"},
      {"missing_error", lcr_row("2454701", "10", "2e-7", "-"), "column 6 (Photon Flux Error",
       "missing error"},
      {"column_count", "\"Aug 08 2008\",\"2454701\",\"1\"\n", "columns",
       "expected 12 columns, found 3"},
  };
  test::require_bad_rows(dir, LCR_HEADER + good, 4, cases, read);
  SECTION("missing column, empty and missing file") {
    const auto p = write_text(dir, "nots.csv",
                              "\"Julian Date\",\"Photon Flux [x]\",\"Photon Flux Error\"\n1,2,3\n");
    require_input_error(read(p), p, 1, "TS", "missing column");
    const auto q = write_text(dir, "noflux.csv", "\"Julian Date\",\"TS\"\n1,2\n");
    require_input_error(read(q), q, 1, "Photon Flux", "missing column");
    test::require_empty_and_absent(dir, LCR_HEADER, read);
  }
}

TEST_CASE("WISE / NEOWISE single-exposure photometry (timewise test data)",
          "[io][lightcurves][data]") {
  const auto base = test::data_file("wise_neowise_photometry_timewise_testdata");
  NUFLARE_REQUIRE_DATA(base);
  std::vector<std::string> files;
  for (auto name : {"raw_photometry_allwise_p3as_mep__chunk0.csv",
                    "raw_photometry_allwise_p3as_mep__chunk1.csv",
                    "raw_photometry_neowiser_p1bs_psd__chunk0.csv",
                    "raw_photometry_neowiser_p1bs_psd__chunk1.csv"})
    files.push_back((base / name).string());
  io::WiseReadOptions opt;
  opt.sample_table = (base / "test_sample.csv").string();
  const auto v = io::read_wise_photometry(files, opt);
  // 63 sources with W1 and W2, except orig_id 44 (no W2 detection at all).
  CHECK(v.size() == 2 * 63 - 1);
  const auto& dsg = find_curve(v, "AT2019dsg", "wise_w1");
  // 268 W1 detections, 2 of them in one exposure -> 266 epochs.
  CHECK(dsg.size() == 266);
  CHECK(strictly_increasing(dsg.mjd));
  CHECK(dsg.mjd.front() == 55328.5920322);
  CHECK(dsg.mjd.back() == 60442.61877059);
  CHECK(find_curve(v, "AT2019dsg", "wise_w2").size() == 267);
  CHECK(find_curve(v, "AT2019fdr", "wise_w1").size() == 317);
  CHECK(find_curve(v, "AT2019aalc", "wise_w1").size() == 282);
  for (const auto& c : v) {
    CHECK(strictly_increasing(c.mjd));
    CHECK(std::all_of(c.flux_err.begin(), c.flux_err.end(), [](double e) { return e >= 0; }));
  }
  // In the duplicated exposure (MJD 60442.61877059) the detection at the
  // source (W1 1138.9 DN, 13.12 mag) is kept, not the one 4.6" away.
  const double neowise_w1 = dsg.flux.back();
  CHECK(neowise_w1 == Approx(309.540e3 * std::pow(10.0, -0.4 * 13.12)).epsilon(0.02));
  // mJy from the Vega zero point reproduces the catalogue magnitudes for AllWISE
  // and NEOWISE alike, so the two surveys join without a step.
  const auto& fdr = find_curve(v, "AT2019fdr", "wise_w1");
  CHECK(fdr.flux.front() > 0);

  opt.unit = io::WiseFluxUnit::dn;
  const auto raw = io::read_wise_photometry(files, opt);
  CHECK(find_curve(raw, "AT2019dsg", "wise_w1").flux.back() == 1138.9);
}

TEST_CASE("WISE synthetic and bad photometry", "[io][lightcurves][bad]") {
  const auto dir = test::temp_dir("wise");
  const std::string h = ",ra,dec,mjd,cntr_mf,W1_mag,W1_mag_error,W2_mag,W2_mag_error,W1_flux,"
                        "W1_flux_error,W2_flux,W2_flux_error,orig_id\n";
  // AllWISE zero points 20.5 / 19.5: 100 DN = 15.5 / 14.5 mag.
  const std::string good = "0,10.0,20.0,55300.5,1,15.5,0.1,14.5,0.1,100,10,100,10,7\n"
                           "1,10.0,20.0,55300.2,1,15.5,0.1,,,100,10,,,7\n";
  const auto ok = write_text(dir, "wise.csv", h + good);
  const auto v = io::read_wise_photometry({test::compress(ok, "gzip")});
  REQUIRE(v.size() == 2);
  CHECK(v[0].source == "7");
  CHECK(v[0].band == "wise_w1");
  CHECK(v[0].mjd == std::vector<double>{55300.2, 55300.5});
  CHECK(v[0].flux[0] == Approx(309.540e3 * std::pow(10.0, -0.4 * 15.5)));
  CHECK(v[0].flux_err[0] == Approx(0.1 * v[0].flux[0]));
  CHECK(v[1].size() == 1);
  CHECK(v[1].flux[0] == Approx(171.787e3 * std::pow(10.0, -0.4 * 14.5)));

  auto read = [](const std::string& p) {
    return [p] { (void)io::read_wise_photometry(std::vector<std::string>{p}); };
  };
  const test::BadRow cases[] = {
      {"bad_number", "2,10,20,55301,1,15,0.1,14,0.1,1OO,10,100,10,7", "column 10 (W1_flux)",
       "not a number"},
      {"nan", "2,10,20,NaN,1,15,0.1,14,0.1,100,10,100,10,7", "column 4 (mjd)", "not a finite"},
      {"inf", "2,10,20,55301,1,15,0.1,14,0.1,100,10,-inf,10,7", "column 12 (W2_flux)",
       "not a finite"},
      {"negative_error", "2,10,20,55301,1,15,0.1,14,0.1,100,-10,100,10,7",
       "column 11 (W1_flux_error)", "-10 is outside the allowed range [1e-30, 1e+30]"},
      {"zero_error", "2,10,20,55301,1,15,0.1,14,0.1,100,0,100,10,7", "column 11 (W1_flux_error)",
       "a measured point needs an error > 0"},
      {"flux_huge", "2,10,20,55301,1,15,0.1,14,0.1,1e308,10,100,10,7", "column 10 (W1_flux)",
       "1e308 is outside the allowed range [-1e+30, 1e+30]"},
      {"mjd_huge", "2,10,20,1e308,1,15,0.1,14,0.1,100,10,100,10,7", "column 4 (mjd)",
       "1e308 is outside the allowed range [15020, 70000] MJD"},
      {"magnitude_range", "2,10,20,55301,1,99,0.1,14,0.1,100,10,100,10,7", "column 6 (W1_mag)",
       "99 is outside the allowed range [-10, 40] mag"},
      {"ra_range", "2,-10,20,55301,1,15,0.1,14,0.1,100,10,100,10,7", "column 2 (ra)",
       "-10 is outside the allowed range [0, 360] deg"},
      {"no_error", "2,10,20,55301,1,15,0.1,14,0.1,100,10,100,,7", "column 13 (W2_flux_error)",
       "without an error"},
      {"dec_range", "2,10,-91,55301,1,15,0.1,14,0.1,100,10,100,10,7", "column 3 (dec)",
       "-91 is outside the allowed range [-90, 90] deg"},
      {"column_count", "2,10,20,55301,1,15,0.1,14,0.1,100,10,100,10", "columns",
       "expected 14 columns, found 13"},
  };
  test::require_bad_rows(dir, h + good, 4, cases, read);
  SECTION("unknown source in the sample table") {
    const auto s = write_text(dir, "sample.csv", "orig_id,name,ra,dec\n8,AT1,10,20\n");
    const auto p = write_text(dir, "unknown.csv", h + good);
    io::WiseReadOptions opt;
    opt.sample_table = s;
    require_input_error([&] { (void)io::read_wise_photometry({p}, opt); }, p, 2,
                        "column 14 (orig_id)", "not in sample.csv");
  }
  SECTION("missing column, empty and missing file") {
    const auto p = write_text(dir, "missing.csv",
                              "mjd,ra,dec,W1_flux,W1_flux_error,orig_id\n55001,1,1,1,1,1\n");
    require_input_error(read(p), p, 1, "W2_flux", "missing column");
    test::require_empty_and_absent(dir, h, read);
  }
}

TEST_CASE("4FGL-DR2 yearly flux history", "[io][lightcurves][data]") {
  const auto path = test::data_file("fermi_4fgl_dr2/4fgl_dr2_v27_flux_history_yearly.csv");
  NUFLARE_REQUIRE_DATA(path);
  const auto v = io::read_4fgl_flux_history(path.string());
  // 5788 sources; the Crab IC component has a fixed flux and no errors.
  CHECK(v.size() == 5787);
  const auto& txs = find_curve(v, "4FGL J0509.4+0542", "fermi_yearly");
  REQUIRE(txs.size() == 10);
  const double ref[10] = {39.29, 55.59, 104.64, 50.34, 51.95, 56.31, 32.76, 51.78, 130.13, 194.45};
  for (int i = 0; i < 10; ++i)
    CHECK(txs.flux[static_cast<std::size_t>(i)] * 1e9 == Approx(ref[i]).margin(0.01));
  CHECK(strictly_increasing(txs.mjd));
  CHECK(txs.mjd.front() == Approx(io::mjd_from_met(0.5 * (239557417.5 + 270890000.0))));
  CHECK(txs.mjd.front() == Approx(54863.5).margin(1.0)); // mid 2009
  CHECK(std::none_of(txs.upper_limit.begin(), txs.upper_limit.end(), [](auto u) { return u; }));
  // First source: bin 0 is an upper limit (lower error NaN) at flux + 2 hi.
  const auto& first = v.front();
  CHECK(first.source == "4FGL J0000.3-7355");
  CHECK(first.upper_limit[0] == 1);
  CHECK(first.flux[0] == Approx(5.8015e-13 + 2 * 1.34204e-09));
  CHECK(first.flux_err[1] == Approx(0.5 * (1.48187e-09 + 1.64601e-09)));
  CHECK(first.ts[2] == Approx(3.565 * 3.565));
}

TEST_CASE("bad 4FGL flux histories are rejected", "[io][lightcurves][bad]") {
  const auto dir = test::temp_dir("fgl_hist");
  const std::string h = "Source_Name,bin,MET_start,MET_stop,Flux_History,Unc_Flux_History_lo,"
                        "Unc_Flux_History_hi,Sqrt_TS_History\n";
  const std::string good = "S,0,239557417,270890000,1e-9,-1e-10,1e-10,5\n";
  auto read = [](const std::string& p) { return [p] { (void)io::read_4fgl_flux_history(p); }; };
  const test::BadRow cases[] = {
      {"unsorted", "S,1,239000000,239557417,1e-9,-1e-10,1e-10,5", "column 3 (MET_start)", "sorted"},
      {"duplicated", "S,0,239557417,270890000,1e-9,-1e-10,1e-10,5", "column 3 (MET_start)",
       "without duplicates"},
      {"bad_number", "S,1,270890000,302450000,1e-9x,-1e-10,1e-10,5", "column 5 (Flux_History)",
       "not a number"},
      {"nan", "S,1,270890000,302450000,nan,-1e-10,1e-10,5", "column 5 (Flux_History)",
       "not a finite"},
      {"inf", "S,1,270890000,inf,1e-9,-1e-10,1e-10,5", "column 4 (MET_stop)", "not a finite"},
      {"negative_error", "S,1,270890000,302450000,1e-9,-1e-10,-1e-10,5",
       "column 7 (Unc_Flux_History_hi)", "-1e-10 is outside the allowed range [0, 1e+30]"},
      {"column_count", "S,1,270890000,302450000,1e-9,-1e-10,1e-10", "columns",
       "expected 8 columns, found 7"},
      {"half_missing_errors", "S,1,270890000,302450000,1e-9,nan,nan,5",
       "column 6 (Unc_Flux_History_lo)", "neither"},
      {"met_huge", "S,1,270890000,1e308,1e-9,-1e-10,1e-10,5", "column 4 (MET_stop)",
       "1e308 is outside the allowed range [0, 2e+09] s"},
      {"flux_huge", "S,1,270890000,302450000,1e308,-1e-10,1e-10,5", "column 5 (Flux_History)",
       "1e308 is outside the allowed range [0, 1e+30]"},
      {"zero_errors", "S,1,270890000,302450000,1e-9,0,0,5", "column 7 (Unc_Flux_History_hi)",
       "a measured bin needs an error > 0"},
      {"sqrt_ts_huge", "S,1,270890000,302450000,1e-9,-1e-10,1e-10,1e308",
       "column 8 (Sqrt_TS_History)", "1e308 is outside the allowed range [0, 10000]"},
  };
  test::require_bad_rows(dir, h + good, 3, cases, read);
  SECTION("missing column, empty and missing file") {
    const auto p = write_text(dir, "missing.csv", "Source_Name,MET_start,MET_stop\nS,1,2\n");
    require_input_error(read(p), p, 1, "Flux_History", "missing column");
    test::require_empty_and_absent(dir, "", read);
  }
}
