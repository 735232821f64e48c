// The shared line reader: compressed files that end early or are damaged, the
// UTF-8 byte-order mark, and what every text reader inherits from it.
#include "io_test_util.hpp"
#include "nuflare/io/alerts.hpp"
#include "nuflare/io/catalog.hpp"
#include "nuflare/io/icecube.hpp"
#include "nuflare/io/lightcurves.hpp"
#include "nuflare/io/line_reader.hpp"

#include <fstream>
#include <iterator>

using namespace nuflare;
using nuflare::test::require_input_error;
using nuflare::test::write_text;

namespace {

std::string read_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::vector<std::string> all_lines(const std::string& path) {
  io::LineReader r(path);
  std::vector<std::string> out;
  std::string_view line;
  while (r.next(line))
    out.emplace_back(line);
  return out;
}

//! 200 numbered lines of a light-curve table.
std::string table_text() {
  std::string text = "source,band,mjd,flux,flux_err,upper_limit\n";
  for (int i = 0; i < 200; ++i)
    text += "SRC" + std::to_string(i % 7) + ",fermi," + std::to_string(55000 + i) + "." +
            std::to_string(i % 10) + ",1.25e-7,2.5e-8,0\n";
  return text;
}

const std::string EVENT_HEADER =
    "#  MJD[days]  log10(E/GeV)  AngErr[deg]  RA[deg]  Dec[deg]  Azimuth[deg]  Zenith[deg]\n";

} // namespace

TEST_CASE("a compressed file cut anywhere is an error, never a shorter file", "[io][line_reader]") {
  const auto dir = test::temp_dir("line_reader_cut");
  const std::string text = table_text();
  for (const std::string tool : {"gzip", "xz"}) {
    SECTION(tool) {
      const auto whole = test::compress(write_text(dir, "lc.csv", text), tool);
      const std::string bytes = read_bytes(whole);
      REQUIRE(all_lines(whole).size() == 201);
      std::size_t truncated = 0, not_compressed = 0;
      // Every proper prefix: the decoder must notice that the stream has no end.
      for (std::size_t cut = 0; cut < bytes.size(); ++cut) {
        const auto p = write_text(dir, "cut.csv." + std::string(tool == "gzip" ? "gz" : "xz"),
                                  bytes.substr(0, cut));
        try {
          (void)all_lines(p);
          FAIL("no error for " << tool << " cut at byte " << cut << " of " << bytes.size());
        } catch (const core::InputError& e) {
          const std::string what = e.what();
          if (what.find("truncated compressed file") != std::string::npos) {
            ++truncated;
            // The line named is the last one the prefix holds complete.
            INFO(what);
            CHECK(e.line() <= 201);
          } else {
            INFO(what);
            CHECK(what.find("not a") != std::string::npos); // too short for the magic bytes
            CHECK(cut < 6);
            ++not_compressed;
          }
        }
      }
      CHECK(truncated + not_compressed == bytes.size());
      CHECK(truncated > bytes.size() - 8);
    }
  }
}

TEST_CASE("a damaged compressed file is an error or reads unchanged", "[io][line_reader]") {
  const auto dir = test::temp_dir("line_reader_flip");
  const std::string text = table_text();
  const auto expected = all_lines(write_text(dir, "plain.csv", text));
  for (const std::string tool : {"gzip", "xz"}) {
    SECTION(tool) {
      const auto whole = test::compress(write_text(dir, "lc.csv", text), tool);
      const std::string bytes = read_bytes(whole);
      std::size_t errors = 0;
      // Flip one byte at a time. Bytes the format does not check (the gzip
      // header's time stamp, the xz padding) may read the same lines; any
      // other outcome must be an input error.
      for (std::size_t at = 0; at < bytes.size(); ++at) {
        std::string damaged = bytes;
        damaged[at] = static_cast<char>(damaged[at] ^ 0x5a);
        const auto p =
            write_text(dir, "flip.csv." + std::string(tool == "gzip" ? "gz" : "xz"), damaged);
        try {
          const auto lines = all_lines(p);
          INFO(tool << " byte " << at << " flipped");
          CHECK(lines == expected);
        } catch (const core::InputError&) {
          ++errors;
        }
      }
      CHECK(errors > bytes.size() / 2);
    }
  }
}

TEST_CASE("truncated and corrupt files name the file and the last complete line",
          "[io][line_reader][bad]") {
  const auto dir = test::temp_dir("line_reader_messages");
  const std::string text = table_text();
  auto read = [](const std::string& p) { return [p] { (void)io::read_lightcurves_csv(p); }; };
  // Lines are 40 bytes or so; a prefix of 30 lines plus half a line.
  const std::size_t cut_at = text.find('\n', 1200) + 20;
  const std::size_t last_complete = static_cast<std::size_t>(
      std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(cut_at), '\n'));

  // The `format` stream of the first cut_at bytes without its last `drop`
  // bytes: truncated after line last_complete.
  const auto require_cut_stream = [&](const std::string& format, const std::string& name,
                                      std::size_t drop) {
    const auto part = test::compress(write_text(dir, "part.csv", text.substr(0, cut_at)), format);
    const std::string bytes = read_bytes(part);
    const auto p = write_text(dir, name, bytes.substr(0, bytes.size() - drop));
    require_input_error(read(p), p, last_complete, "",
                        "truncated compressed file: the " + format + " stream ends early; line " +
                            std::to_string(last_complete) + " is the last complete line");
  };
  SECTION("a gzip light curve cut inside a line says truncated, not a column count") {
    // The second reproducer: the gzip stream of the first cut_at
    // bytes, without its end.
    require_cut_stream("gzip", "t.csv.gz", 8);
  }
  SECTION("xz") {
    require_cut_stream("xz", "t.csv.xz", 12);
  }
  SECTION("a cut before the first line ends") {
    const auto whole = test::compress(write_text(dir, "lc.csv", text), "gzip");
    const auto p = write_text(dir, "tiny.csv.gz", read_bytes(whole).substr(0, 20));
    require_input_error(read(p), p, 0, "",
                        "truncated compressed file: the gzip stream ends early, before the first "
                        "complete line");
  }
  SECTION("corrupt xz data") {
    const auto whole = test::compress(write_text(dir, "lc.csv", text), "xz");
    std::string bytes = read_bytes(whole);
    bytes[bytes.size() / 2] = static_cast<char>(bytes[bytes.size() / 2] ^ 0xff);
    const auto p = write_text(dir, "bad.csv.xz", bytes);
    try {
      (void)io::read_lightcurves_csv(p);
      FAIL("no error for damaged xz data");
    } catch (const core::InputError& e) {
      // The line after which liblzma noticed the damage: part-way through.
      CHECK(e.line() < 201);
      CHECK_THAT(std::string(e.what()),
                 Catch::StartsWith(p + ":" + std::to_string(e.line()) +
                                   ": corrupt compressed file (xz: damaged data) after line " +
                                   std::to_string(e.line())));
    }
  }
  SECTION("a gzip checksum that does not match") {
    const auto whole = test::compress(write_text(dir, "lc.csv", text), "gzip");
    std::string bytes = read_bytes(whole);
    bytes[bytes.size() - 6] = static_cast<char>(bytes[bytes.size() - 6] ^ 0xff); // CRC-32
    const auto p = write_text(dir, "crc.csv.gz", bytes);
    // zlib checks the sum at the end of the stream; how much it hands out
    // before that depends on its buffers, so the line is not checked here.
    try {
      (void)io::read_lightcurves_csv(p);
      FAIL("no error for a wrong checksum");
    } catch (const core::InputError& e) {
      CHECK_THAT(std::string(e.what()),
                 Catch::StartsWith(p) &&
                     Catch::Contains("corrupt compressed file (gzip: incorrect data check)"));
    }
  }
  SECTION("files whose name promises compression") {
    const auto gz = write_text(dir, "plain.csv.gz", text);
    require_input_error(read(gz), gz, 0, "", "not a gzip file");
    const auto xz = write_text(dir, "plain.csv.xz", text);
    require_input_error(read(xz), xz, 0, "", "not an xz file");
    const auto empty = write_text(dir, "empty.csv.xz", "");
    require_input_error(read(empty), empty, 0, "", "not an xz file");
  }
  SECTION("UTF-16 text") {
    const auto p = write_text(dir, "utf16.csv", std::string("\xFF\xFEs\0o\0", 6) + "\n");
    require_input_error(read(p), p, 1, "", "UTF-16 text");
  }
  SECTION("a line longer than 1 MiB") {
    const auto p = write_text(dir, "long.csv",
                              "source,band,mjd,flux,flux_err\n" +
                                  std::string(io::LineReader::MAX_LINE_BYTES + 10, 'x'));
    require_input_error(read(p), p, 2, "", "line longer than 1 MiB");
  }
}

TEST_CASE("a UTF-8 byte-order mark is skipped by every text reader", "[io][line_reader]") {
  const auto dir = test::temp_dir("line_reader_bom");
  const std::string bom = "\xEF\xBB\xBF";
  // Without the mark removed, the first column name would not match
  // ("missing column") or the header would not be a comment line.
  const auto events = write_text(dir, "IC40_exp.csv",
                                 bom + EVENT_HEADER + "54562.4 3.31 0.48 203.0 16.7 218.3 106.7\n");
  CHECK(io::read_icecube_events(events).size() == 1);
  const auto runs =
      write_text(dir, "IC59_exp.csv", bom + "# MJD_start[days] MJD_stop[days]\n55001 55002\n");
  CHECK(io::read_good_run_list(runs).livetime_days() == 1);
  const auto aeff = write_text(dir, "IC79_effectiveArea.csv",
                               bom + "log10(E_nu/GeV)_min log10(E_nu/GeV)_max Dec_nu_min[deg] "
                                     "Dec_nu_max[deg] A_Eff[cm^2]\n2 2.2 -90 -80 1.5\n");
  CHECK(io::read_effective_area(aeff).area_cm2 == std::vector<double>{1.5});
  const auto alerts = write_text(dir, "alerts.csv",
                                 bom + "NAME,EVENTMJD,RA,DEC,RA_ERR_PLUS,RA_ERR_MINUS,DEC_ERR_PLUS,"
                                       "DEC_ERR_MINUS\nIC1,58000,1,2,1,1,1,1\n");
  CHECK(io::read_alerts(alerts).at(0).name == "IC1");
  const auto catalog = write_text(dir, "catalog.csv", bom + "name,ra,dec\nA,1,2\n");
  CHECK(io::read_catalog(catalog).name == std::vector<std::string>{"A"});
  const auto lc =
      write_text(dir, "lc.csv", bom + "source,band,mjd,flux,flux_err\nA,x,55001,1,0.1\n");
  CHECK(io::read_lightcurves_csv(lc).at(0).source == "A");
  const auto lcr = write_text(dir, "4FGL_J0000.0+0000_weekly.csv",
                              bom + "\"Julian Date\",\"TS\",\"Photon Flux [x]\",\"Photon Flux "
                                    "Error(x)\"\n\"2454687\",\"10\",\"2e-7\",\"4e-8\"\n");
  CHECK(io::read_fermi_lcr(lcr).flux == std::vector<double>{2e-7});
  const auto wise =
      write_text(dir, "wise.csv",
                 bom + "mjd,ra,dec,W1_flux,W1_flux_error,W2_flux,W2_flux_error,orig_id\n"
                       "55300.5,10,20,100,10,,,7\n");
  CHECK(io::read_wise_photometry({wise}).size() == 1); // W1 only
  const auto history = write_text(dir, "history.csv",
                                  bom + "Source_Name,bin,MET_start,MET_stop,Flux_History,Unc_Flux_"
                                        "History_lo,Unc_Flux_History_hi,Sqrt_TS_History\n"
                                        "S,0,239557417,270890000,1e-9,-1e-10,1e-10,5\n");
  CHECK(io::read_4fgl_flux_history(history).size() == 1);
  // And in compressed files.
  CHECK(io::read_catalog(test::compress(catalog, "gzip")).size() == 1);
  CHECK(io::read_catalog(test::compress(catalog, "xz")).size() == 1);
  // Only at the start of the file: elsewhere the mark is data.
  const auto later = write_text(dir, "later.csv", "name,ra,dec\n" + bom + "A,1,2\n");
  CHECK(io::read_catalog(later).name.at(0) == bom + "A");
}
