// Format recognition (io/formats.hpp) and tables built once (io/tables.hpp):
// the follow-up table rule, the hints' sniffing of every input format, rows
// into columns, exact CSV and rounded human text, precision in the archive.
#include "nuflare_catch.hpp"

#include "nuflare/core/validation.hpp"
#include "nuflare/io/formats.hpp"
#include "nuflare/io/tables.hpp"

#include <cmath>
#include <fstream>
#include <sstream>

using namespace nuflare;
using io::InputFormat;

namespace {
std::string write(const std::filesystem::path& dir, const std::string& name,
                  const std::string& text) {
  const auto path = dir / name;
  std::ofstream(path) << text;
  return path.string();
}
} // namespace

TEST_CASE("every input format recognised from its header", "[formats]") {
  const auto dir = test::temp_dir("formats_sniff");
  const std::pair<std::string, InputFormat> cases[] = {
      {"source,band,mjd,flux,flux_err,upper_limit\n", InputFormat::long_lightcurves},
      {"\"Date(UTC)\",\"Julian Date\",\"MET\",\"TS\",\"Photon Flux [0.1-100 GeV](photons cm-2 "
       "s-1)\"\n",
       InputFormat::fermi_lcr},
      {"Source_Name,bin,MET_start,MET_stop,Flux_History\n", InputFormat::fermi_4fgl_history},
      {",ra,dec,mjd,W1_mag,W1_flux,orig_id\n", InputFormat::wise_photometry},
      {"orig_id,name,tpeak,ra,dec\n", InputFormat::wise_sample},
      {"OVERVIEW,,,,\n", InputFormat::ztf_overview},
      {"name,ra,dec,ra_plus,ra_minus\n", InputFormat::followup_campaign},
      {"NAME,RUNID,EVENTID,START,EVENTMJD,RA,DEC\n", InputFormat::icecat_alerts},
      {"#     MJD[days]  log10(E/GeV)   AngErr[deg]\n", InputFormat::icecube_events},
      {"name,ra,dec,group\n", InputFormat::source_catalog},
      {" ! Swift/XRT lightcurve\nREAD TERR 1 2\n", InputFormat::xrt_qdp},
      {"#mjd,flux,flux err\n", InputFormat::ovro_csv},
      {"t,x,sigma\n", InputFormat::unknown},
  };
  int k = 0;
  for (const auto& [text, format] : cases) {
    INFO(text);
    CHECK(io::sniff_format(write(dir, "f" + std::to_string(k++) + ".csv", text)) == format);
  }
  CHECK(io::sniff_format((dir / "missing.csv").string()) == InputFormat::unknown);
  std::filesystem::remove_all(dir);
}

TEST_CASE("real files recognised", "[formats][data]") {
  const auto lcr = test::data_file("fermi_lcr_lightcurves/4FGL_J1256.1-0547_monthly_2_20_2025.csv");
  const auto wise = test::data_file(
      "wise_neowise_photometry_timewise_testdata/raw_photometry_allwise_p3as_mep__chunk0.csv");
  const auto history = test::data_file("fermi_4fgl_dr2/4fgl_dr2_v27_flux_history_yearly.csv");
  const auto overview = test::data_file("nuztfpaper/followup_xlsx_as_csv/OVERVIEW_FU.csv");
  const auto qdp = test::data_file("swift_xrt_blazars/OJ287_swift_xrt_curve.qdp");
  const auto ovro = test::data_file("radio_ovro_blazars/Mrk421_15GHz.csv");
  for (const auto& p : {lcr, wise, history, overview, qdp, ovro})
    NUFLARE_REQUIRE_DATA(p);
  CHECK(io::sniff_format(lcr.string()) == InputFormat::fermi_lcr);
  CHECK(io::sniff_format(wise.string()) == InputFormat::wise_photometry);
  CHECK(io::sniff_format(history.string()) == InputFormat::fermi_4fgl_history);
  CHECK(io::sniff_format(overview.string()) == InputFormat::ztf_overview);
  CHECK(io::sniff_format(qdp.string()) == InputFormat::xrt_qdp);
  CHECK(io::sniff_format(ovro.string()) == InputFormat::ovro_csv);
}

namespace {
struct Row {
  std::string name;
  double p;
  std::size_t n;
  bool flag;
};
} // namespace

TEST_CASE("rows into columns: types follow the values", "[tables]") {
  const std::vector<Row> rows{{"a", 0.001998001998001998, 3, true}, {"b,c", NAN, 4, false}};
  const std::vector<io::ColumnOf<Row>> columns{
      {"name", "", "a name", &Row::name},
      {"p_value", "", "a p-value", &Row::p, 4},
      {"n", "", "a count", [](const Row& r) { return r.n * 2; }},
      {"flag", "", "a flag", &Row::flag},
  };
  const auto t = io::make_table(rows, columns);
  REQUIRE(t.rows() == 2);
  CHECK(std::get<std::vector<std::string>>(t.column("name").values)[1] == "b,c");
  CHECK(std::get<std::vector<std::int64_t>>(t.column("n").values) ==
        std::vector<std::int64_t>{6, 8});
  CHECK(std::get<std::vector<std::int64_t>>(t.column("flag").values) ==
        std::vector<std::int64_t>{1, 0});
  CHECK(t.column("p_value").precision == 4);

  std::ostringstream csv, md;
  io::print_csv(csv, t);
  CHECK(csv.str() == "name,p_value,n,flag\na,0.001998001998001998,6,1\n\"b,c\",nan,8,0\n");
  io::print_markdown(md, t);
  CHECK(md.str() == "| name | p_value  | n   | flag |\n"
                    "| ---- | -------- | --- | ---- |\n"
                    "| a    | 0.001998 | 6   | 1    |\n"
                    "| b,c  | nan      | 8   | 0    |\n");
  const auto two = io::select_columns(t, {"n", "name"});
  REQUIRE(two.columns.size() == 2);
  CHECK(two.columns[0].name == "n");
  CHECK_THROWS_AS(io::select_columns(t, {"nope"}), core::InputError);
  CHECK_THROWS_AS(io::print_table(csv, t, "xml"), core::FieldError);
}

TEST_CASE("numbers: exact and rounded text", "[tables]") {
  CHECK(io::format_number(-15.84899999999999) == "-15.84899999999999");
  CHECK(io::format_rounded(-15.84899999999999, 0) == "-15.849");
  CHECK(io::format_rounded(125.95744680851064, 0) == "125.957");
  CHECK(io::format_rounded(0.001998001998001998, 3) == "0.002");
  CHECK(io::format_rounded(55694.99494443, 7) == "55694.99");
  CHECK(io::format_rounded(INFINITY, 3) == "inf");
  CHECK(io::format_number(std::optional<double>()).empty());
}
