#pragma once
//! Options declared once (docs/cli.md). Every setting of a config struct is
//! one row of that struct's option table: its key, the member it sets, its
//! unit, help line and allowed values, and — read from a default-constructed
//! struct — its default. From the tables come the command line and the deck
//! keys of `nuflare`, its `--help`, the key tables of inputs/README.md and
//! docs/cli.md (`nuflare help-tables`), the reading of values from text, and
//! the range checks of each config's validate().
//!
//! A table is declared next to its struct, e.g.
//!
//!     static const auto table = core::OptionTable<SpatialConfig>()
//!         .add("log10e_step", &SpatialConfig::log10e_step, "dex", "threshold step",
//!              core::POSITIVE);
//!
//! and a struct made of others includes their tables. Keys are snake_case
//! field names (deck keys; the command line writes `_` as `-`). The library
//! names fields by these keys in its errors (core/validation.hpp); it never
//! names a command-line flag. No command-line library is used here: src/app
//! binds the tables to Boost.Program_options.
#include "nuflare/core/validation.hpp"

#include <cstdint>
#include <functional>
#include <iosfwd>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

namespace nuflare::core {

// ---- allowed values ------------------------------------------------------------

//! The allowed values of a real option; open ends exclude the bound.
struct Range {
  double lo = -std::numeric_limits<double>::infinity();
  double hi = std::numeric_limits<double>::infinity();
  bool lo_open = false;
  bool hi_open = false;
  [[nodiscard]] bool contains(double x) const noexcept;
  //! "> 0", ">= 0", "in [0, 1)", or "" for any finite number.
  [[nodiscard]] std::string text() const;
};
inline constexpr Range ANY{};
inline constexpr Range POSITIVE{0, std::numeric_limits<double>::infinity(), true, false};
inline constexpr Range NON_NEGATIVE{0, std::numeric_limits<double>::infinity(), false, false};
inline constexpr Range UNIT_INTERVAL{0, 1, false, false};    //!< [0, 1]
inline constexpr Range OPEN_UNIT_INTERVAL{0, 1, true, true}; //!< (0, 1)

//! The allowed values of an integer option: [min, max]. Integer options are
//! counts, seeds and indices: decimal digits only, no sign.
struct Count {
  std::uint64_t min = 0;
  std::uint64_t max = std::numeric_limits<std::uint64_t>::max();
};

// ---- one option, whatever its struct ------------------------------------------

//! What an option's value is written as.
enum class Kind {
  real,    //!< a finite number in the range
  integer, //!< decimal digits in [count.min, count.max]
  flag,    //!< a switch: present or not (a deck writes true or false)
  boolean, //!< true/false, yes/no, on/off, 1/0
  text,    //!< a word or a path; with `choices`, one of them (any case)
  list,    //!< several words or paths
};

//! An option as the command line, decks and documentation see it.
struct OptionSpec {
  std::string key; //!< deck key and field name: `log10e_step`, `events.per_season`
  Kind kind = Kind::text;
  std::string unit;                 //!< "days", "deg", "erg cm^-2 s^-1"; "" when none
  std::string help;                 //!< one line
  Range range;                      //!< real
  Count count;                      //!< integer
  std::vector<std::string> choices; //!< text: the accepted words; empty: any text
  //! text: checks a value in place of `choices` (an error message, or ""),
  //! for options whose parser has its own words (the choices then document).
  std::function<std::string(std::string_view)> check;
  bool required = false;
  bool has_default = true;  //!< false: unset unless given
  std::string default_text; //!< the default as documented; "" when there is none
  bool path = false;        //!< text, list: file paths (relative to a deck's folder)
  bool output = false;      //!< path: written, not read (not an input)
  bool composing = false;   //!< list: every occurrence adds one value
  bool implicit = false;    //!< boolean: the option alone means true
  bool run_control = false; //!< does not change results: kept out of the archive's /config
  std::string section;      //!< heading of a group of options in `--help`; "" for the first

  //! The command-line name: the key with `_` written as `-`.
  [[nodiscard]] std::string flag() const;
  //! The help line for people: the help, the unit, the allowed values and
  //! what an option without a default means.
  [[nodiscard]] std::string describe() const;
  //! The value type for documentation: "double > 0", "count 1 … 10^10",
  //! "ellipse | rectangle", "path", "paths", "bool", "string".
  [[nodiscard]] std::string type_text() const;
};

//! The words of a choice option and the values they stand for.
template <class T>
using Choices = std::vector<std::pair<std::string, T>>;

//! A value read from text or taken from a struct; monostate: unset.
using Value = std::variant<std::monostate, double, std::uint64_t, bool, std::string,
                           std::vector<std::string>>;

//! What is wrong with `text` as one value of `spec`, or "" when nothing:
//! `must be > 0, got "0"`, `not finite: "inf"`, `"-5" is not an integer in
//! [1, 10^10]`, `not true or false: "maybe"`, `expected a, b or c, got "x"`.
[[nodiscard]] std::string text_problem(const OptionSpec& spec, std::string_view text);
//! The value `text` spells for `spec` (a list: one element). Throws
//! FieldError(spec.key, text_problem) when the text is bad.
[[nodiscard]] Value parse_text(const OptionSpec& spec, std::string_view text);
//! The value written back as text: doubles with 17 significant digits (the
//! archive's /config keeps them exact), integers in digits, true/false,
//! lists joined by blanks.
[[nodiscard]] std::string canonical_text(const Value& value);
//! The same for people: doubles as the shortest text that reads back the same.
[[nodiscard]] std::string display_text(const Value& value);
//! 10^k for k >= 4 and 2^64-1, 2^63-1 for those limits; digits otherwise.
[[nodiscard]] std::string integer_text(std::uint64_t value);
//! Comma-separated names, blanks around each trimmed, empty ones dropped.
[[nodiscard]] std::vector<std::string> split_names(std::string_view text);
//! The names joined by commas.
[[nodiscard]] std::string join_names(const std::vector<std::string>& names);
//! The finite numbers of a comma-separated list ("30,90,180") in field
//! `field`; anything else, an empty list included, is a FieldError.
[[nodiscard]] std::vector<double> number_list(const std::string& field, std::string_view text);
//! Equal but for the case of ASCII letters (how choice words are matched).
[[nodiscard]] bool same_word(std::string_view a, std::string_view b) noexcept;
//! The choices as a message lists them: "a, b or c".
[[nodiscard]] std::string choice_list(const std::vector<std::string>& choices);

//! `specs` as a Markdown table: the option as `name` writes it (the deck key
//! for inputs/README.md, the command-line flag for docs/cli.md) under the
//! heading `heading`, then type, default, unit and meaning; a new table per
//! section.
void print_key_table(std::ostream& out, const std::vector<OptionSpec>& specs,
                     const std::string& heading,
                     const std::function<std::string(const OptionSpec&)>& name);

// ---- a struct's table -------------------------------------------------------------

namespace detail {

template <class T>
struct optional_of {
  using type = T;
  static constexpr bool is_optional = false;
};
template <class T>
struct optional_of<std::optional<T>> {
  using type = T;
  static constexpr bool is_optional = true;
};

//! The member a row sets: `config.*member` or `member(config)`.
template <class Config, class M>
decltype(auto) member_of(Config& config, const M& member) {
  if constexpr (std::is_member_object_pointer_v<M>)
    return (config.*member);
  else
    return member(config);
}

//! The words of a choice and the values they stand for (the member's type).
template <class Config, class M>
using Words = std::vector<std::pair<
    std::string, std::decay_t<decltype(member_of(std::declval<Config&>(), std::declval<M>()))>>>;

template <class T>
Value to_value(const T& v) {
  if constexpr (std::is_same_v<T, bool>)
    return v;
  else if constexpr (std::is_integral_v<T>)
    return static_cast<std::uint64_t>(v);
  else if constexpr (std::is_floating_point_v<T>)
    return static_cast<double>(v);
  else
    return v; // std::string, std::vector<std::string>
}

template <class T>
T from_value(const Value& v) {
  if constexpr (std::is_same_v<T, bool>)
    return std::get<bool>(v);
  else if constexpr (std::is_integral_v<T>)
    return static_cast<T>(std::get<std::uint64_t>(v));
  else if constexpr (std::is_floating_point_v<T>)
    return static_cast<T>(std::get<double>(v));
  else
    return std::get<T>(v);
}

void check_range(const OptionSpec& spec, const Value& value); // in options.cpp

} // namespace detail

template <class Config>
class OptionTable {
public:
  //! One option of a Config: its spec and how it reads and sets the member.
  struct Row {
    OptionSpec spec;
    std::function<Value(const Config&)> get;
    std::function<void(Config&, const Value&)> set;
  };

  //! An option for member `member` (or for what `ref(config)` returns): a
  //! double is a real (checked against `range`), an integer an integer, a
  //! bool a boolean, a std::string a text, a std::vector<std::string> a
  //! list; a std::optional of one of them has no default (unset unless given).
  template <class M, class Limits = Range>
  OptionTable& add(std::string key, M member, std::string unit, std::string help,
                   Limits limits = {});

  //! A text option that takes one of `words` and sets `member` to the value
  //! paired with the word (any type: an enum, a bool).
  template <class M>
  OptionTable& choice(std::string key, M member, detail::Words<Config, M> words, std::string help);

  //! A text option of comma-separated names ("A, B C, D": blanks around
  //! the commas ignored) for a std::vector<std::string> member.
  template <class M>
  OptionTable& names(std::string key, M member, std::string help);

  //! The rows of `inner`'s table for member `member`, keys prefixed by `prefix`.
  template <class M, class Inner>
  OptionTable& include(M member, const OptionTable<Inner>& inner, std::string prefix = "");

  // Modifiers of the option added last.
  OptionTable& required();                      //!< must be given
  OptionTable& no_default(std::string meaning); //!< unset unless given; `meaning` documents it
  OptionTable& paths();                         //!< file paths read by the run
  OptionTable& output();                        //!< the path the run writes
  OptionTable& as_flag();                       //!< a boolean given as a switch
  OptionTable& composing();                     //!< a list given one value per occurrence
  OptionTable& implicit();                      //!< a boolean that alone means true
  OptionTable& run_control();                   //!< changes how a run goes, not its results
  OptionTable& shown_default(std::string text); //!< documents the default so
  OptionTable& check(std::function<std::string(std::string_view)> check); //!< text check
  OptionTable& among(std::vector<std::string> words); //!< a text that must be one of `words`
  //! The options added from now on are listed under `title` in `--help`.
  OptionTable& section(std::string title);

  [[nodiscard]] const std::vector<Row>& rows() const noexcept { return rows_; }
  //! Every spec, its default text read from a default-constructed Config.
  [[nodiscard]] std::vector<OptionSpec> specs() const;
  //! The same with the defaults of `defaults`.
  [[nodiscard]] std::vector<OptionSpec> specs(const Config& defaults) const;
  //! The row of `key`, or nullptr.
  [[nodiscard]] const Row* find(std::string_view key) const;
  //! Checks every set number of `config` against its row's range (FieldError
  //! naming the key): the range half of a config's validate().
  void check_ranges(const Config& config) const;

private:
  Row& last();
  void push(Row row);
  std::vector<Row> rows_;
  std::string section_;
};

// ---- implementation ---------------------------------------------------------------

template <class Config>
template <class M, class Limits>
OptionTable<Config>& OptionTable<Config>::add(std::string key, M member, std::string unit,
                                              std::string help, Limits limits) {
  using Stored = std::decay_t<decltype(detail::member_of(std::declval<Config&>(), member))>;
  using T = typename detail::optional_of<Stored>::type;
  OptionSpec spec;
  spec.key = std::move(key);
  spec.unit = std::move(unit);
  spec.help = std::move(help);
  spec.has_default = !detail::optional_of<Stored>::is_optional;
  if constexpr (std::is_same_v<T, bool>) {
    spec.kind = Kind::boolean;
  } else if constexpr (std::is_integral_v<T>) {
    spec.kind = Kind::integer;
    if constexpr (std::is_same_v<Limits, Count>)
      spec.count = limits;
    else
      spec.count.max = static_cast<std::uint64_t>(std::numeric_limits<T>::max());
  } else if constexpr (std::is_floating_point_v<T>) {
    spec.kind = Kind::real;
    if constexpr (std::is_same_v<Limits, Range>)
      spec.range = limits;
  } else if constexpr (std::is_same_v<T, std::string>) {
    spec.kind = Kind::text;
  } else {
    static_assert(std::is_same_v<T, std::vector<std::string>>,
                  "an option's member is a number, an integer, a bool, text or a list of text; "
                  "other types take choice()");
    spec.kind = Kind::list;
  }
  Row row{std::move(spec), nullptr, nullptr};
  row.get = [member](const Config& c) -> Value {
    const auto& v = detail::member_of(const_cast<Config&>(c), member);
    if constexpr (detail::optional_of<Stored>::is_optional)
      return v ? detail::to_value(*v) : Value{};
    else
      return detail::to_value(v);
  };
  row.set = [member](Config& c, const Value& v) {
    detail::member_of(c, member) = detail::from_value<T>(v);
  };
  push(std::move(row));
  return *this;
}

template <class Config>
template <class M>
OptionTable<Config>& OptionTable<Config>::choice(std::string key, M member,
                                                 detail::Words<Config, M> words, std::string help) {
  OptionSpec spec;
  spec.key = std::move(key);
  spec.kind = Kind::text;
  spec.help = std::move(help);
  for (const auto& w : words)
    spec.choices.push_back(w.first);
  Row row{std::move(spec), nullptr, nullptr};
  row.get = [member, words](const Config& c) -> Value {
    const auto& v = detail::member_of(const_cast<Config&>(c), member);
    for (const auto& [word, value] : words)
      if (value == v)
        return word;
    return Value{};
  };
  row.set = [member, words, key = row.spec.key](Config& c, const Value& v) {
    const auto& text = std::get<std::string>(v);
    for (const auto& [word, value] : words)
      if (same_word(word, text)) {
        detail::member_of(c, member) = value;
        return;
      }
    std::vector<std::string> names;
    for (const auto& w : words)
      names.push_back(w.first);
    throw FieldError(key, "expected " + choice_list(names) + ", got \"" + text + "\"");
  };
  push(std::move(row));
  return *this;
}

template <class Config>
template <class M>
OptionTable<Config>& OptionTable<Config>::names(std::string key, M member, std::string help) {
  OptionSpec spec;
  spec.key = std::move(key);
  spec.kind = Kind::text;
  spec.help = std::move(help);
  Row row{std::move(spec), nullptr, nullptr};
  row.get = [member](const Config& c) -> Value {
    return join_names(detail::member_of(const_cast<Config&>(c), member));
  };
  row.set = [member](Config& c, const Value& v) {
    detail::member_of(c, member) = split_names(std::get<std::string>(v));
  };
  push(std::move(row));
  return *this;
}

template <class Config>
template <class M, class Inner>
OptionTable<Config>& OptionTable<Config>::include(M member, const OptionTable<Inner>& inner,
                                                  std::string prefix) {
  for (const auto& r : inner.rows()) {
    Row row{r.spec, nullptr, nullptr};
    row.spec.key = prefix + row.spec.key;
    row.get = [member, get = r.get](const Config& c) {
      return get(detail::member_of(const_cast<Config&>(c), member));
    };
    row.set = [member, set = r.set](Config& c, const Value& v) {
      set(detail::member_of(c, member), v);
    };
    push(std::move(row));
  }
  return *this;
}

template <class Config>
typename OptionTable<Config>::Row& OptionTable<Config>::last() {
  return rows_.back();
}

template <class Config>
void OptionTable<Config>::push(Row row) {
  if (row.spec.section.empty())
    row.spec.section = section_;
  rows_.push_back(std::move(row));
}

template <class Config>
OptionTable<Config>& OptionTable<Config>::section(std::string title) {
  section_ = std::move(title);
  return *this;
}

template <class Config>
OptionTable<Config>& OptionTable<Config>::among(std::vector<std::string> words) {
  last().spec.choices = std::move(words);
  return *this;
}

template <class Config>
OptionTable<Config>& OptionTable<Config>::required() {
  last().spec.required = true;
  last().spec.has_default = false;
  return *this;
}
template <class Config>
OptionTable<Config>& OptionTable<Config>::no_default(std::string meaning) {
  last().spec.has_default = false;
  last().spec.default_text = std::move(meaning);
  return *this;
}
template <class Config>
OptionTable<Config>& OptionTable<Config>::paths() {
  last().spec.path = true;
  return *this;
}
template <class Config>
OptionTable<Config>& OptionTable<Config>::output() {
  last().spec.path = true;
  last().spec.output = true;
  return *this;
}
template <class Config>
OptionTable<Config>& OptionTable<Config>::as_flag() {
  last().spec.kind = Kind::flag;
  return *this;
}
template <class Config>
OptionTable<Config>& OptionTable<Config>::composing() {
  last().spec.composing = true;
  return *this;
}
template <class Config>
OptionTable<Config>& OptionTable<Config>::implicit() {
  last().spec.implicit = true;
  return *this;
}
template <class Config>
OptionTable<Config>& OptionTable<Config>::run_control() {
  last().spec.run_control = true;
  return *this;
}
template <class Config>
OptionTable<Config>& OptionTable<Config>::shown_default(std::string text) {
  last().spec.default_text = std::move(text);
  return *this;
}
template <class Config>
OptionTable<Config>& OptionTable<Config>::check(std::function<std::string(std::string_view)> c) {
  last().spec.check = std::move(c);
  return *this;
}

template <class Config>
std::vector<OptionSpec> OptionTable<Config>::specs() const {
  static const Config defaults{};
  return specs(defaults);
}

template <class Config>
std::vector<OptionSpec> OptionTable<Config>::specs(const Config& defaults) const {
  std::vector<OptionSpec> out;
  for (const auto& r : rows_) {
    out.push_back(r.spec);
    auto& s = out.back();
    if (s.has_default && s.default_text.empty())
      s.default_text = display_text(r.get(defaults));
  }
  return out;
}

template <class Config>
const typename OptionTable<Config>::Row* OptionTable<Config>::find(std::string_view key) const {
  for (const auto& r : rows_)
    if (r.spec.key == key)
      return &r;
  return nullptr;
}

template <class Config>
void OptionTable<Config>::check_ranges(const Config& config) const {
  for (const auto& r : rows_)
    detail::check_range(r.spec, r.get(config));
}

} // namespace nuflare::core
