// The long CSV read in parts (io/lightcurves.hpp, "the long CSV in parts"):
// for every way of cutting a file — one part, a few, a part per line, parts
// smaller than a line, empty parts — the merged parts equal
// read_lightcurves_csv bit for bit, and a bad file fails with exactly its
// message.
#include "io_test_util.hpp"
#include "nuflare/io/lightcurves.hpp"
#include "nuflare/io/line_reader.hpp"
#include "nuflare_lightcurves.hpp"

#include <filesystem>
#include <fstream>
#include <functional>

using namespace nuflare;
using nuflare::test::write_text;

namespace {

//! Cut offsets, counted from the first byte after the header.
using Cuts = std::vector<std::uint64_t>;

//! `path`'s layout with the cuts `at` instead of the default ones.
io::LightCurvesCsvLayout cut(const std::string& path, const Cuts& at) {
  auto layout = io::lightcurves_csv_layout(path, 0);
  std::vector<std::uint64_t> bounds{layout.data_begin};
  for (auto a : at)
    bounds.push_back(layout.data_begin + a);
  bounds.push_back(layout.bounds.back());
  layout.bounds = std::move(bounds);
  return layout;
}

std::vector<io::LightCurve> read_in_parts(const io::LightCurvesCsvLayout& layout) {
  std::vector<io::LightCurvesPart> parts;
  for (std::size_t k = 0; k < layout.parts(); ++k)
    parts.push_back(io::read_lightcurves_part(layout, k));
  return io::merge_lightcurves_parts(layout, std::move(parts));
}

//! Bytes after the header of a plain file.
std::uint64_t data_bytes(const std::string& path) {
  return std::filesystem::file_size(path) - io::lightcurves_csv_layout(path, 0).data_begin;
}

//! Offsets (after the header) at which the data's lines start.
Cuts line_starts(const std::string& path) {
  const auto begin = io::lightcurves_csv_layout(path, 0).data_begin;
  std::ifstream in(path, std::ios::binary);
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  Cuts out;
  for (std::uint64_t i = begin; i < text.size(); ++i)
    if (text[i - 1] == '\n' && i > begin)
      out.push_back(i - begin);
  return out;
}

//! The cuts tried on every file: 1, 2, 3 and 7 equal parts, empty parts (a
//! repeated cut, a cut at the start, cuts past the end), and for a small
//! file (`small`) a part per line, parts of 1 and 5 bytes and every two-part
//! cut at every byte, for a large one parts of 64 KiB and 4 KiB.
std::vector<Cuts> every_cut(const std::string& path, bool small) {
  const std::uint64_t n = data_bytes(path);
  std::vector<Cuts> out{{}};
  for (std::uint64_t parts : {2, 3, 7}) {
    Cuts c;
    for (std::uint64_t k = 1; k < parts; ++k)
      c.push_back(n * k / parts);
    out.push_back(c);
  }
  if (small) {
    out.push_back(line_starts(path));
  } else { // parts of 64 KiB (LineReader's chunk) and of 4 KiB, a part per line being too many
    for (std::uint64_t step : {std::uint64_t{65536}, std::uint64_t{4096}}) {
      Cuts c;
      for (std::uint64_t b = step; b < n; b += step)
        c.push_back(b);
      out.push_back(c);
    }
  }
  out.push_back({0});
  out.push_back({n / 2, n / 2, n / 2});
  out.push_back({n, n + 10});
  if (small) {
    for (std::uint64_t step : {1, 5}) {
      Cuts c;
      for (std::uint64_t b = step; b < n + step; b += step)
        c.push_back(b);
      out.push_back(c);
    }
    for (std::uint64_t b = 0; b <= n; ++b)
      out.push_back({b});
  }
  return out;
}

std::string describe(const Cuts& c) {
  std::string s = "cuts after the header at";
  for (std::size_t i = 0; i < c.size() && i < 12; ++i)
    s += " " + std::to_string(c[i]);
  return s + (c.size() > 12 ? " ... (" + std::to_string(c.size()) + " cuts)" : "");
}

void require_same_for_every_cut(const std::string& path, bool small) {
  const auto want = io::read_lightcurves_csv(path);
  for (const auto& c : every_cut(path, small)) {
    INFO(path << ": " << describe(c));
    test::require_same_curves(read_in_parts(cut(path, c)), want);
  }
}

//! What `read` throws (what()), or "" when it does not throw.
std::string error_of(const std::function<void()>& read) {
  try {
    read();
  } catch (const core::InputError& e) {
    return e.what();
  }
  return {};
}

//! The serial reader fails on `text` with `expected` (as the start of its
//! message), and every cut of the file fails with exactly its message.
void require_same_error_for_every_cut(const std::filesystem::path& dir, const std::string& name,
                                      const std::string& text, const std::string& expected) {
  const auto path = write_text(dir, name, text);
  const std::string serial = error_of([&] { (void)io::read_lightcurves_csv(path); });
  INFO(serial);
  REQUIRE(serial.rfind(path + expected, 0) == 0);
  for (const auto& c : every_cut(path, true)) {
    INFO(describe(c));
    CHECK(error_of([&] { (void)read_in_parts(cut(path, c)); }) == serial);
  }
}

const std::string ERG = "erg cm^-2 s^-1";

} // namespace

TEST_CASE("a long CSV read in parts equals the whole file read at once", "[io][lightcurves]") {
  const auto dir = test::temp_dir("lc_parts");
  // Interleaved curves, a comment before the header and between rows, blank
  // lines (one of blanks only), CRLF and LF line ends, a quoted field, units
  // and upper limits, and a last line without its newline.
  const std::string text = "# written by hand\r\n"
                           "source,band,mjd,flux,flux_err,upper_limit,flux_unit\r\n"
                           "A,fermi,58003,3.0,0.3,0," +
                           ERG +
                           "\r\n"
                           "B,xrt,58001,-0.5,0.2,0,s^-1\n"
                           "# a comment inside\n"
                           "\n"
                           "A,fermi,58001,1.0,0.1,0," +
                           ERG +
                           "\r\n"
                           "   \n"
                           "A,ovro,58001,7.0,0.7,false,Jy\n"
                           "\"B\",xrt,58002.5,1.5,,1,s^-1\n"
                           "C,fermi,58000,1e-12,1e-13,0," +
                           ERG +
                           "\n"
                           "A,fermi,58002,2.0,,1," +
                           ERG +
                           "\n"
                           "B,xrt,58000,0.25,0.05,0,s^-1";
  const auto path = write_text(dir, "interleaved.csv", text);
  const auto whole = io::read_lightcurves_csv(path);
  REQUIRE(whole.size() == 4);
  CHECK(whole[0].mjd == std::vector<double>{58001, 58002, 58003});
  CHECK(whole[1].mjd == std::vector<double>{58000, 58001, 58002.5});
  CHECK(whole[1].flux_unit == "s^-1");
  CHECK(whole[2].band == "ovro");
  require_same_for_every_cut(path, true);

  SECTION("without the optional columns") {
    const auto p = write_text(dir, "plain.csv",
                              "source,band,mjd,flux,flux_err\nA,x,55003,2,3\nB,y,55001,1,1\n"
                              "A,x,55001,2,3\nA,y,55002,4,1\n");
    require_same_for_every_cut(p, true);
  }
  SECTION("the default cut, and a compressed file as one part") {
    const auto layout = io::lightcurves_csv_layout(path, 40);
    CHECK(layout.parts() > 5);
    test::require_same_curves(read_in_parts(layout), whole);
    for (const std::string tool : {"gzip", "xz"}) {
      const auto packed = test::compress(path, tool);
      const auto one = io::lightcurves_csv_layout(packed, 40);
      CHECK(one.compressed);
      CHECK(one.parts() == 1);
      test::require_same_curves(read_in_parts(one), whole);
    }
  }
}

TEST_CASE("the demo sky's light curves read in parts", "[io][lightcurves]") {
  // The demo's 3.6 MB long CSV (inputs/demo), uncompressed to be cut.
  const auto dir = test::temp_dir("lc_parts_demo");
  io::LineReader lines((test::source_dir() / "inputs/demo/data/lightcurves.csv.xz").string());
  const auto path = (dir / "lightcurves.csv").string();
  std::string head; // its header and first 150 rows, cut everywhere
  {
    std::ofstream out(path, std::ios::binary);
    std::string_view line;
    while (lines.next(line)) {
      out << line << '\n';
      if (lines.line_number() <= 151)
        head.append(line).append("\n");
    }
  }
  require_same_for_every_cut(path, false);
  require_same_for_every_cut(write_text(dir, "head.csv", head), true);
}

TEST_CASE("a long CSV read in parts fails as the whole file does", "[io][lightcurves][bad]") {
  const auto dir = test::temp_dir("lc_parts_bad");
  const std::string h = "source,band,mjd,flux,flux_err,upper_limit,flux_unit\n";
  const auto row = [](const std::string& src, const std::string& mjd, const std::string& unit,
                      const std::string& flux = "1.0") {
    return src + ",fermi," + mjd + "," + flux + ",0.1,0," + unit + "\n";
  };
  const std::string a3 = row("A", "58001", ERG) + row("B", "58001", ERG) + row("A", "58002", ERG);

  require_same_error_for_every_cut(dir, "bad_number.csv",
                                   h + a3 + row("B", "58002", ERG, "1.0e") + row("A", "58003", ERG),
                                   ":5: column 4 (flux): not a number: \"1.0e\"");
  require_same_error_for_every_cut(
      dir, "empty_source.csv", h + a3 + "# c\n" + row("", "58002", ERG) + row("A", "58003", ERG),
      ":6: column 1 (source): empty source name");
  // The unit changes on line 6: the curve's rows before it may be in the same
  // part or another one.
  require_same_error_for_every_cut(dir, "unit_change.csv",
                                   h + a3 + row("B", "58002", ERG) + row("A", "58003", "Jy") +
                                       row("A", "58004", "Jy") + row("B", "58003", ERG),
                                   ":6: column 7 (flux_unit): unit Jy differs from " + ERG);
  // The same row also has a bad time: the unit is checked first.
  require_same_error_for_every_cut(dir, "unit_change_bad_time.csv",
                                   h + a3 + row("A", "1e308", "Jy") + row("A", "58004", "Jy"),
                                   ":5: column 7 (flux_unit): unit Jy differs from " + ERG);
  // Two rows of one time far apart: found only once every part is in.
  require_same_error_for_every_cut(
      dir, "duplicate.csv",
      h + a3 + row("B", "58002", ERG) + row("C", "58000", ERG) + row("A", "58001", ERG) +
          row("C", "58001", ERG),
      ":7: column 3 (mjd): duplicated time 58001 for A / fermi (also at line 2)");
  // Two bad rows: the first in the file wins, whichever part holds it.
  require_same_error_for_every_cut(dir, "two_errors.csv",
                                   h + row("A", "58001", ERG) + row("A", "58002", "Jy") +
                                       row("B", "58001", ERG) + row("B", "58001x", ERG) +
                                       row("", "58003", ERG),
                                   ":3: column 7 (flux_unit): unit Jy differs from " + ERG);
  require_same_error_for_every_cut(dir, "two_errors_rows.csv",
                                   h + a3 + row("A", "58003", "parsec") + "\n" +
                                       row("A", "58004", ERG) + "A,fermi,58005,1\n",
                                   ":5: column 7 (flux_unit): unknown unit \"parsec\"");
  require_same_error_for_every_cut(dir, "columns.csv",
                                   h + a3 + "A,fermi,58005,1\n" + row("", "1", ERG),
                                   ":5: columns: expected 7 columns, found 4");
  require_same_error_for_every_cut(dir, "quote.csv",
                                   h + a3 + "\"A,fermi,58005,1\n" + row("A", "5", ERG),
                                   ":5: column 1: unterminated quoted field");
  require_same_error_for_every_cut(dir, "no_points.csv", h + "# nothing\n\n  \n# yet\n",
                                   ": empty file: a header but no points");
}

TEST_CASE("a line too long for a text table is refused in any part", "[io][lightcurves][bad]") {
  // LineReader refuses a line once more than 1 MiB of it is buffered; a
  // part's reads end where the whole file's do, so a line just over the
  // limit is refused (or not) the same way whatever the cut.
  const auto dir = test::temp_dir("lc_parts_long_line");
  const std::string h = "source,band,mjd,flux,flux_err\nA,x,55001,1,1\n";
  for (const std::size_t extra : {std::size_t{100}, std::size_t{40000}, std::size_t{70000}}) {
    const std::string text = h + "A,x,55002,1," +
                             std::string(io::LineReader::MAX_LINE_BYTES + extra, '1') +
                             "\nA,x,55003,1,1\n";
    const auto path = write_text(dir, "long" + std::to_string(extra) + ".csv", text);
    const std::string serial = error_of([&] { (void)io::read_lightcurves_csv(path); });
    INFO(serial);
    const std::uint64_t n = data_bytes(path);
    for (const Cuts& c : std::vector<Cuts>{
             {}, {5}, {14}, {15}, {16}, {n / 2}, {n - 14}, {n - 13}, {5, n / 3, n / 2, n - 13}}) {
      INFO(describe(c));
      CHECK(error_of([&] { (void)read_in_parts(cut(path, c)); }) == serial);
    }
  }
}
