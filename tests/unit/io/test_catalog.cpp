// Source catalogue readers: CSV with aliases and FITS through cfitsio.
#include "io_test_util.hpp"
#include "nuflare/io/catalog.hpp"

#include <algorithm>
#include <cmath>
#include <fitsio.h>

using namespace nuflare;
using nuflare::test::require_input_error;
using nuflare::test::write_text;

namespace {

std::size_t index_of(const io::SourceCatalog& c, const std::string& name) {
  auto it = std::find(c.name.begin(), c.name.end(), name);
  REQUIRE(it != c.name.end());
  return static_cast<std::size_t>(it - c.name.begin());
}

//! Writes a one-table FITS file with Source_Name, RAJ2000, DEJ2000 (without
//! DEJ2000 unless `with_dec`) and, when given, a double-precision
//! Variability_Index column.
std::string write_fits(const std::filesystem::path& dir, const std::string& name,
                       std::vector<std::string> names, std::vector<double> ra,
                       std::vector<double> dec, bool with_dec = true,
                       std::vector<double> variability = {}) {
  const std::string path = (dir / name).string();
  std::filesystem::remove(path);
  fitsfile* f = nullptr;
  int status = 0;
  fits_create_file(&f, path.c_str(), &status);
  char n1[] = "Source_Name", n2[] = "RAJ2000", n3[] = "DEJ2000", n4[] = "Variability_Index",
       f1[] = "18A", f2[] = "E", f3[] = "E", f4[] = "D", ext[] = "CAT";
  std::vector<char*> ttype = {n1, n2};
  std::vector<char*> tform = {f1, f2};
  if (with_dec) {
    ttype.push_back(n3);
    tform.push_back(f3);
  }
  if (!variability.empty()) {
    ttype.push_back(n4);
    tform.push_back(f4);
  }
  fits_create_tbl(f, BINARY_TBL, 0, static_cast<int>(ttype.size()), ttype.data(), tform.data(),
                  nullptr, ext, &status);
  std::vector<char*> ptrs;
  for (auto& s : names)
    ptrs.push_back(s.data());
  const auto n = static_cast<LONGLONG>(names.size());
  fits_write_col(f, TSTRING, 1, 1, 1, n, ptrs.data(), &status);
  fits_write_col(f, TDOUBLE, 2, 1, 1, n, ra.data(), &status);
  if (with_dec)
    fits_write_col(f, TDOUBLE, 3, 1, 1, n, dec.data(), &status);
  if (!variability.empty())
    fits_write_col(f, TDOUBLE, with_dec ? 4 : 3, 1, 1, n, variability.data(), &status);
  fits_close_file(f, &status);
  REQUIRE(status == 0);
  return path;
}

} // namespace

TEST_CASE("4FGL-DR2 FITS catalogue", "[io][catalog][data]") {
  const auto path = test::data_file("fermi_4fgl_dr2/gll_psc_v27.fit.gz");
  NUFLARE_REQUIRE_DATA(path);
  const auto c = io::read_catalog(path.string());
  REQUIRE(c.size() == 5788);
  const auto txs = index_of(c, "4FGL J0509.4+0542");
  CHECK(c.ra_deg[txs] == Approx(77.3593).margin(1e-4));
  CHECK(c.dec_deg[txs] == Approx(5.7014).margin(1e-4));
  CHECK(c.variability_index[txs] == Approx(1140.2).margin(0.1));
  CHECK(std::isfinite(c.glon_deg[txs]));
  CHECK(c.group[txs] == "all");
  const auto pks = index_of(c, "4FGL J1504.4+1029");
  CHECK(c.ra_deg[pks] == Approx(226.1033).margin(1e-4));
  CHECK(c.variability_index[pks] == Approx(13551.6).margin(0.1));
  CHECK(std::count_if(c.variability_index.begin(), c.variability_index.end(),
                      [](double v) { return v > 21.67; }) == 1525);

  // The derived CSV gives the same sources and positions (7 digits).
  const auto csv =
      io::read_catalog(test::data_file("fermi_4fgl_dr2/4fgl_dr2_v27_main.csv").string());
  REQUIRE(csv.size() == c.size());
  CHECK(csv.name == c.name);
  for (std::size_t i = 0; i < c.size(); i += 97) {
    CHECK(csv.ra_deg[i] == Approx(c.ra_deg[i]).margin(1e-3));
    CHECK(csv.dec_deg[i] == Approx(c.dec_deg[i]).margin(1e-3));
    CHECK(csv.glat_deg[i] == Approx(c.glat_deg[i]).margin(1e-3));
  }
}

TEST_CASE("4LAC-DR3 FITS and CSV catalogues", "[io][catalog][data]") {
  const auto h = test::data_file("fermi_4lac_dr3/table-4LAC-DR3-h.fits");
  NUFLARE_REQUIRE_DATA(h);
  const auto ch = io::read_catalog(h.string());
  const auto cl =
      io::read_catalog(test::data_file("fermi_4lac_dr3/table-4LAC-DR3-l.fits").string());
  CHECK(ch.size() == 3407);
  CHECK(cl.size() == 407);
  CHECK(std::all_of(ch.glat_deg.begin(), ch.glat_deg.end(),
                    [](double b) { return std::fabs(b) > 10; }));
  const auto csv =
      io::read_catalog(test::data_file("fermi_4lac_dr3/4lac_dr3_h_plus_l.csv").string());
  CHECK(csv.size() == 3814);
  CHECK(csv.name.front() == ch.name.front());
}

TEST_CASE("5BZCAT through column aliases", "[io][catalog][data]") {
  const auto path = test::data_file("blazar_catalogs/5BZCAT.csv");
  NUFLARE_REQUIRE_DATA(path);
  const auto c = io::read_catalog_csv(path.string());
  CHECK(c.size() == 3561);
  const auto txs = index_of(c, "5BZBJ0509+0541");
  CHECK(c.ra_deg[txs] == 77.35817);
  CHECK(c.dec_deg[txs] == 5.69314);
  CHECK(std::isnan(c.variability_index[txs]));
  CHECK(std::isnan(c.glon_deg[txs]));
  // One designation names two objects 3' apart; both are kept.
  CHECK(std::count(c.name.begin(), c.name.end(), "5BZBJ1701+3954") == 2);
}

TEST_CASE("synthetic CSV catalogues with optional columns", "[io][catalog]") {
  const auto dir = test::temp_dir("catalog");
  const std::string text =
      "Source_Name,RAJ2000,DEJ2000,Variability_Index,GLON,GLAT,Group,Warm_Spot\n"
      "A,10.5,-20.25,30.1,100.0,-45.0,fsrq,0\n"
      "B,359.99,90,,,,,true\n"
      "C,0,-90,nan,0,0,bll,no\n";
  for (const std::string tool : {"", "gzip", "xz"}) {
    const auto plain = write_text(dir, "cat_" + tool + ".csv", text);
    const auto c = io::read_catalog(tool.empty() ? plain : test::compress(plain, tool));
    REQUIRE(c.size() == 3);
    CHECK(c.name == std::vector<std::string>{"A", "B", "C"});
    CHECK(c.ra_deg[1] == 359.99);
    CHECK(c.dec_deg[2] == -90);
    CHECK(c.variability_index[0] == 30.1);
    CHECK(std::isnan(c.variability_index[1]));
    CHECK(c.glon_deg[0] == 100.0);
    CHECK(std::isnan(c.glat_deg[1]));
    CHECK(c.group == std::vector<std::string>{"fsrq", "all", "bll"});
    CHECK(c.warm_spot == std::vector<std::uint8_t>{0, 1, 0});
  }
  // RA 360 and GLON 360 (rounded 359.9996) are stored as 0, the same direction.
  const auto wrapped =
      io::read_catalog_csv(write_text(dir, "wrapped.csv", "name,ra,dec,glon\nX,360,2,360.0\n"));
  CHECK(wrapped.ra_deg.at(0) == 0);
  CHECK(wrapped.glon_deg.at(0) == 0);
  const auto glon = write_text(dir, "glon.csv", "name,ra,dec,glon\nX,1,2,-0.5\n");
  require_input_error([&] { (void)io::read_catalog_csv(glon); }, glon, 2, "column 4 (glon)",
                      "-0.5 is outside the allowed range [0, 360] deg");
  const auto minimal = write_text(dir, "minimal.csv", "name,ra,dec\nX,1,2\n");
  const auto m = io::read_catalog_csv(minimal);
  CHECK(m.group.at(0) == "all");
  CHECK(m.warm_spot.at(0) == 0);
  CHECK(std::isnan(m.glon_deg.at(0)));
}

TEST_CASE("synthetic FITS catalogue", "[io][catalog]") {
  const auto dir = test::temp_dir("catalog_fits");
  const auto p = write_fits(dir, "ok.fits", {"S1", "S2"}, {10, 20}, {-5, 5});
  const auto c = io::read_catalog(p);
  REQUIRE(c.size() == 2);
  CHECK(c.name[1] == "S2");
  CHECK(c.dec_deg[0] == -5);
  CHECK(std::isnan(c.variability_index[0]));
  // A null variability index is missing; RA 360 is RA 0.
  const auto q = write_fits(dir, "null.fits", {"S1", "S2"}, {360, 20}, {-5, 5}, true, {NAN, 12.5});
  const auto d = io::read_catalog(q);
  CHECK(d.ra_deg[0] == 0);
  CHECK(std::isnan(d.variability_index[0]));
  CHECK(d.variability_index[1] == 12.5);
}

TEST_CASE("bad catalogues are rejected with file, line and column", "[io][catalog][bad]") {
  const auto dir = test::temp_dir("catalog_bad");
  const std::string h = "name,ra,dec,variability_index,glat\n";
  const std::string good = "A,10,20,5,30\n";
  auto read = [](const std::string& p) { return [p] { (void)io::read_catalog(p); }; };
  const test::BadRow cases[] = {
      {"bad_number", "B,1O,20,5,30", "column 2 (ra)", "not a number: \"1O\""},
      {"nan", "B,10,NaN,5,30", "column 3 (dec)", "not a finite number"},
      {"inf", "B,10,20,inf,30", "column 4 (variability_index)", "not a finite number"},
      {"column_count", "B,10,20,5", "columns", "expected 5 columns, found 4"},
      {"dec_range", "B,10,-90.5,5,30", "column 3 (dec)",
       "-90.5 is outside the allowed range [-90, 90] deg"},
      {"ra_range", "B,360.5,20,5,30", "column 2 (ra)",
       "360.5 is outside the allowed range [0, 360] deg"},
      {"glat_range", "B,10,20,5,100", "column 5 (glat)",
       "100 is outside the allowed range [-90, 90] deg"},
      {"variability_huge", "B,10,20,1e308,30", "column 4 (variability_index)",
       "1e308 is outside the allowed range [0, 1e+07]"},
      {"variability_negative", "B,10,20,-1,30", "column 4 (variability_index)",
       "-1 is outside the allowed range [0, 1e+07]"},
      {"repeated_row", "A,10,20,6,30", "column 1 (name)", "duplicated source \"A\""},
  };
  test::require_bad_rows(dir, h + good, 3, cases, read);
  SECTION("missing column, empty and missing file") {
    const auto p = write_text(dir, "missing.csv", "name,ra,declination\nA,1,2\n");
    require_input_error(read(p), p, 1, "dec", "missing column");
    test::require_empty_and_absent(dir, h, read);
  }
  SECTION("bad FITS catalogues") {
    const auto dec = write_fits(dir, "dec.fits", {"S1", "S2"}, {10, 20}, {-5, 95});
    require_input_error(read(dec), dec, 2, "DEJ2000", "[-90, 90]");
    const auto nan = write_fits(dir, "nan.fits", {"S1", "S2"}, {NAN, 20}, {-5, 5});
    require_input_error(read(nan), nan, 1, "RAJ2000", "finite");
    const auto dup = write_fits(dir, "dup.fits", {"S1", "S1"}, {10, 10}, {-5, -5});
    require_input_error(read(dup), dup, 2, "Source_Name", "duplicated");
    const auto ra = write_fits(dir, "ra.fits", {"S1", "S2"}, {10, 361}, {-5, 5});
    require_input_error(read(ra), ra, 2, "RAJ2000",
                        "361 is outside the allowed range [0, 360] deg");
    const auto var = write_fits(dir, "var.fits", {"S1", "S2"}, {10, 20}, {-5, 5}, true, {3, 1e308});
    require_input_error(read(var), var, 2, "Variability_Index",
                        "1e+308 is outside the allowed range [0, 1e+07]");
    // cfitsio reads every IEEE special value (NaN, ±inf) of a float column as
    // null, so an infinite variability index is missing, like 4LAC's -inf
    // redshifts; an infinite position is an error (see nan.fits).
    const auto var_inf =
        write_fits(dir, "var_inf.fits", {"S1", "S2"}, {10, 20}, {-5, 5}, true, {INFINITY, 2});
    CHECK(std::isnan(io::read_catalog(var_inf).variability_index.at(0)));
    const auto nodec = write_fits(dir, "nodec.fits", {"S1"}, {10}, {0}, false);
    require_input_error(read(nodec), nodec, 0, "DEJ2000", "missing column");
    const auto junk = write_text(dir, "junk.fits", "this is not FITS\n");
    require_input_error(read(junk), junk, 0, "", "not a FITS file");
    require_input_error(read((dir / "absent.fits").string()), "absent.fits", 0, "", "no such file");
  }
}
