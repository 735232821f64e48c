// Options declared once (core/options.hpp): text read and checked, defaults
// taken from a default-constructed struct, nested tables, choices, and the
// library's validation that names fields, never flags (core/validation.hpp).
#include "nuflare_catch.hpp"

#include "nuflare/coincidence/spatial.hpp"
#include "nuflare/core/options.hpp"
#include "nuflare/lightcurve/analyse.hpp"
#include "nuflare/sim/config.hpp"

#include <cmath>

using namespace nuflare;
using core::Kind;

namespace {

enum class Colour { red, green };

struct Inner {
  double width = 2.5;
  std::size_t count = 3;
  static const core::OptionTable<Inner>& options() {
    static const auto table = core::OptionTable<Inner>()
                                  .add("width", &Inner::width, "deg", "a width", core::POSITIVE)
                                  .add("count", &Inner::count, "", "a count", core::Count{1, 10});
    return table;
  }
};

struct Outer {
  std::string name = "x";
  std::optional<double> limit;
  bool fast = true;
  Colour colour = Colour::green;
  std::vector<std::string> files;
  std::vector<std::string> names{"a", "b"};
  Inner inner;
};

const core::OptionTable<Outer>& outer_options() {
  static const auto table =
      core::OptionTable<Outer>()
          .add("name", &Outer::name, "", "a name")
          .add("limit", &Outer::limit, "MJD", "a limit")
          .no_default("no limit")
          .add("fast", &Outer::fast, "", "go fast")
          .choice("colour", &Outer::colour, {{"red", Colour::red}, {"green", Colour::green}},
                  "a colour")
          .add("files", &Outer::files, "", "some files")
          .paths()
          .names("names", &Outer::names, "some names")
          .section("Inner")
          .include(&Outer::inner, Inner::options(), "inner.");
  return table;
}

std::string problem(Kind kind, const std::string& text, core::Range range = {},
                    core::Count count = {}) {
  core::OptionSpec s;
  s.key = "k";
  s.kind = kind;
  s.range = range;
  s.count = count;
  return core::text_problem(s, text);
}

} // namespace

TEST_CASE("values are read and checked from text", "[options]") {
  CHECK(problem(Kind::real, "4.8").empty());
  CHECK(problem(Kind::real, "+4e-3").empty());
  CHECK(problem(Kind::real, "5deg") == "not a number: \"5deg\"");
  CHECK(problem(Kind::real, "inf") == "not finite: \"inf\"");
  CHECK(problem(Kind::real, "0", core::POSITIVE) == "must be > 0, got \"0\"");
  CHECK(problem(Kind::real, "1", core::OPEN_UNIT_INTERVAL) == "must be in (0, 1), got \"1\"");
  CHECK(problem(Kind::integer, "-5", {}, {1, 10'000'000'000ULL}) ==
        "\"-5\" is not an integer in [1, 10^10]");
  CHECK(problem(Kind::integer, "18446744073709551616") ==
        "\"18446744073709551616\" is not an integer in [0, 2^64-1]");
  CHECK(problem(Kind::boolean, "Yes").empty());
  CHECK(problem(Kind::boolean, "maybe") == "not true or false: \"maybe\"");
  core::OptionSpec word;
  word.key = "mode";
  word.choices = {"auto", "on", "off"};
  CHECK(core::text_problem(word, "ON").empty());
  CHECK(core::text_problem(word, "x") == "expected auto, on or off, got \"x\"");
  CHECK_THROWS_AS(core::parse_text(word, "x"), core::FieldError);

  core::OptionSpec real;
  real.kind = Kind::real;
  const auto v = core::parse_text(real, "4.8");
  CHECK(core::canonical_text(v) == "4.7999999999999998"); // as the archive's /config keeps it
  CHECK(core::display_text(v) == "4.8");
  CHECK(core::integer_text(9223372036854775807ULL) == "2^63-1");
  CHECK(core::split_names(" A, B C ,, D ") == std::vector<std::string>{"A", "B C", "D"});
}

TEST_CASE("a table: kinds, defaults from the struct, nesting", "[options]") {
  const auto specs = outer_options().specs();
  REQUIRE(specs.size() == 8);
  CHECK(specs[0].kind == Kind::text);
  CHECK(specs[0].default_text == "x");
  CHECK(specs[1].kind == Kind::real);
  CHECK_FALSE(specs[1].has_default);
  CHECK(specs[1].default_text == "no limit");
  CHECK(specs[2].kind == Kind::boolean);
  CHECK(specs[2].default_text == "true");
  CHECK(specs[3].choices == std::vector<std::string>{"red", "green"});
  CHECK(specs[3].default_text == "green");
  CHECK(specs[4].kind == Kind::list);
  CHECK(specs[4].path);
  CHECK(specs[5].default_text == "a,b");
  CHECK(specs[6].key == "inner.width");
  CHECK(specs[6].flag() == "inner.width");
  CHECK(specs[6].type_text() == "double > 0");
  CHECK(specs[6].section == "Inner");
  CHECK(specs[7].type_text() == "count 1 … 10");

  Outer o;
  const auto set = [&](const std::string& key, const core::Value& v) {
    outer_options().find(key)->set(o, v);
  };
  set("limit", 59000.5);
  set("colour", std::string("RED"));
  set("names", std::string("P, Q"));
  set("inner.count", std::uint64_t{7});
  CHECK(*o.limit == 59000.5);
  CHECK(o.colour == Colour::red);
  CHECK(o.names == std::vector<std::string>{"P", "Q"});
  CHECK(o.inner.count == 7);
  CHECK_THROWS_AS(set("colour", std::string("blue")), core::FieldError);

  o.inner.width = -1;
  try {
    outer_options().check_ranges(o);
    FAIL("no error");
  } catch (const core::FieldError& e) {
    CHECK(e.field() == "inner.width");
    CHECK(std::string(e.what()) == "inner.width: must be > 0, got -1");
  }
}

TEST_CASE("relations between fields name both", "[validation]") {
  try {
    core::require_order("log10e_min", 5.5, "log10e_max", 5, false);
    FAIL("no error");
  } catch (const core::RelationError& e) {
    CHECK(std::string(e.what()) == "log10e_max: 5 is below log10e_min = 5.5");
    CHECK(e.blame(true, "log10e_min = 5.5 (deck.ini:7)") ==
          "5 is below log10e_min = 5.5 (deck.ini:7)");
    CHECK(e.blame(false, "--log10e-max 5") == "5.5 is above --log10e-max 5");
  }
  CHECK_NOTHROW(core::require_order("a", 1, "b", 1, false));
  CHECK_THROWS_AS(core::require_order("a", 1, "b", 1, true), core::RelationError);
}

TEST_CASE("library configs validate by field", "[validation]") {
  coincidence::SpatialConfig spatial;
  spatial.log10e_max = 4;
  CHECK_THROWS_WITH(coincidence::validate(spatial), "log10e_max: 4 is below log10e_min = 4.8");
  spatial = {};
  spatial.log10e_step = 1e-5;
  CHECK_THROWS_WITH(coincidence::validate(spatial),
                    "log10e_step: more than 1000 energy thresholds; raise the step");

  lightcurve::FlaresConfig flares;
  flares.low_band = flares.high_band;
  CHECK_THROWS_AS(lightcurve::validate(flares), core::RelationError);
  flares = {};
  flares.band.p0 = 1;
  CHECK_THROWS_WITH(lightcurve::validate(flares), "p0: must be in (0, 1), got 1");

  sim::SkyConfig sky;
  sky.alerts.stop_mjd = sky.alerts.start_mjd;
  try {
    sim::validate(sky);
    FAIL("no error");
  } catch (const core::FieldError& e) {
    CHECK(e.field() == "alerts.stop_mjd");
  }
  // Every key of a config's table is a field its validation can name.
  for (const auto& s : sim::sky_options().specs())
    CHECK(s.key.find('-') == std::string::npos);
}
