#include "nuflare/core/options.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <ostream>

namespace nuflare::core {

namespace {

std::string quoted(std::string_view text) {
  return "\"" + std::string(text) + "\"";
}

std::string shortest(double x) {
  if (std::isinf(x))
    return x > 0 ? "inf" : "-inf";
  if (std::isnan(x))
    return "nan";
  std::array<char, 32> buf{};
  const auto r = std::to_chars(buf.data(), buf.data() + buf.size(), x);
  return std::string(buf.data(), r.ptr);
}

//! The double the whole of `text` spells ("1.5", "-2e3", "+4", also "inf"
//! and "nan"); nothing when `text` is not a number.
std::optional<double> read_real(std::string_view text) {
  const char* begin = text.data();
  const char* end = begin + text.size();
  if (begin != end && *begin == '+')
    ++begin;
  double value = 0;
  const auto r = std::from_chars(begin, end, value);
  if (begin == end || r.ec != std::errc() || r.ptr != end)
    return std::nullopt;
  return value;
}

//! Digits only, no sign; nothing beyond 2^64-1.
std::optional<std::uint64_t> read_integer(std::string_view text) {
  if (text.empty() ||
      !std::all_of(text.begin(), text.end(), [](unsigned char c) { return std::isdigit(c) != 0; }))
    return std::nullopt;
  std::uint64_t value = 0;
  const auto r = std::from_chars(text.data(), text.data() + text.size(), value);
  if (r.ec != std::errc())
    return std::nullopt;
  return value;
}

std::optional<bool> read_bool(std::string_view text) {
  std::string t(text);
  std::transform(t.begin(), t.end(), t.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (t == "true" || t == "yes" || t == "on" || t == "1")
    return true;
  if (t == "false" || t == "no" || t == "off" || t == "0")
    return false;
  return std::nullopt;
}

std::string count_text(const Count& c) {
  return "[" + integer_text(c.min) + ", " + integer_text(c.max) + "]";
}

} // namespace

bool Range::contains(double x) const noexcept {
  const bool above = lo_open ? x > lo : x >= lo;
  const bool below = hi_open ? x < hi : x <= hi;
  return above && below;
}

std::string Range::text() const {
  const bool has_lo = !std::isinf(lo), has_hi = !std::isinf(hi);
  if (has_lo && has_hi)
    return std::string("in ") + (lo_open ? "(" : "[") + shortest(lo) + ", " + shortest(hi) +
           (hi_open ? ")" : "]");
  if (has_lo)
    return std::string(lo_open ? "> " : ">= ") + shortest(lo);
  if (has_hi)
    return std::string(hi_open ? "< " : "<= ") + shortest(hi);
  return {};
}

std::string OptionSpec::flag() const {
  std::string out = key;
  std::replace(out.begin(), out.end(), '_', '-');
  return out;
}

std::string OptionSpec::describe() const {
  std::string out = help;
  if (!unit.empty())
    out += " [" + unit + "]";
  if (!choices.empty())
    out += " (" + choice_list(choices) + ")";
  else if (kind == Kind::real && !range.text().empty())
    out += " (" + range.text() + ")";
  else if (kind == Kind::integer)
    out += " (" + integer_text(count.min) + " … " + integer_text(count.max) + ")";
  if (required)
    out += "; required";
  else if (!has_default && !default_text.empty())
    out += (default_text.rfind("required", 0) == 0 ? "; " : "; default: ") + default_text;
  return out;
}

std::string OptionSpec::type_text() const {
  switch (kind) {
  case Kind::real: {
    const auto r = range.text();
    return r.empty() ? "double" : "double " + r;
  }
  case Kind::integer:
    return "count " + integer_text(count.min) + " … " + integer_text(count.max);
  case Kind::flag:
  case Kind::boolean:
    return "bool";
  case Kind::text:
    if (!choices.empty()) {
      std::string out;
      for (const auto& c : choices)
        out += (out.empty() ? "" : " | ") + c;
      return out;
    }
    return path ? "path" : "string";
  case Kind::list:
    return path ? "paths" : "strings";
  }
  return "string";
}

std::string integer_text(std::uint64_t x) {
  if (x == std::numeric_limits<std::uint64_t>::max())
    return "2^64-1";
  if (x == static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))
    return "2^63-1";
  int k = 0;
  std::uint64_t y = x;
  while (y >= 10 && y % 10 == 0) {
    y /= 10;
    ++k;
  }
  if (y == 1 && k >= 4)
    return "10^" + std::to_string(k);
  return std::to_string(x);
}

std::vector<std::string> split_names(std::string_view text) {
  std::vector<std::string> out;
  std::size_t pos = 0;
  while (pos <= text.size()) {
    const auto comma = std::min(text.find(',', pos), text.size());
    const auto item = text.substr(pos, comma - pos);
    const auto b = item.find_first_not_of(" \t");
    const auto e = item.find_last_not_of(" \t");
    if (b != std::string_view::npos)
      out.emplace_back(item.substr(b, e - b + 1));
    pos = comma + 1;
  }
  return out;
}

std::string join_names(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names)
    out += (out.empty() ? "" : ",") + n;
  return out;
}

std::vector<double> number_list(const std::string& field, std::string_view text) {
  OptionSpec number;
  number.key = field;
  number.kind = Kind::real;
  std::vector<double> out;
  std::size_t pos = 0;
  while (pos < text.size()) { // as std::getline: a trailing comma ends the list
    const auto comma = std::min(text.find(',', pos), text.size());
    auto item = text.substr(pos, comma - pos);
    const auto b = item.find_first_not_of(" \t");
    item = b == std::string_view::npos ? std::string_view() : item.substr(b);
    item = item.substr(0, item.find_last_not_of(" \t") + 1);
    out.push_back(std::get<double>(parse_text(number, item)));
    pos = comma + 1;
  }
  if (out.empty())
    throw FieldError(field, "empty list");
  return out;
}

void print_key_table(std::ostream& out, const std::vector<OptionSpec>& specs,
                     const std::string& heading,
                     const std::function<std::string(const OptionSpec&)>& name) {
  const auto cell = [](const std::string& text) {
    std::string escaped;
    for (char c : text)
      escaped += c == '|' ? std::string("\\|") : std::string(1, c);
    return escaped;
  };
  std::string section = "\x01";
  for (const auto& s : specs) {
    if (s.section != section) {
      if (!s.section.empty())
        out << "\n" << s.section << ":\n\n";
      out << "| " << heading << " | type | default | unit | meaning |\n|---|---|---|---|---|\n";
      section = s.section;
    }
    const bool none = !s.has_default || (s.kind == Kind::list && s.default_text.empty());
    const std::string value = s.required ? "required"
                              : none     ? (s.default_text.empty() ? "none" : s.default_text)
                              : s.kind == Kind::flag   ? "off"
                              : s.default_text.empty() ? "\"\""
                                                       : s.default_text;
    out << "| `" << name(s) << "` | " << cell(s.type_text()) << " | " << cell(value) << " | "
        << cell(s.unit) << " | " << cell(s.help)
        << (s.run_control ? " (not stored in /config)" : "") << " |\n";
  }
}

bool same_word(std::string_view a, std::string_view b) noexcept {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

std::string choice_list(const std::vector<std::string>& choices) {
  std::string out;
  for (std::size_t i = 0; i < choices.size(); ++i)
    out += (i == 0 ? "" : i + 1 == choices.size() ? " or " : ", ") + choices[i];
  return out;
}

std::string text_problem(const OptionSpec& spec, std::string_view text) {
  switch (spec.kind) {
  case Kind::real: {
    const auto value = read_real(text);
    if (!value)
      return "not a number: " + quoted(text);
    if (!std::isfinite(*value))
      return "not finite: " + quoted(text);
    if (!spec.range.contains(*value))
      return "must be " + spec.range.text() + ", got " + quoted(text);
    return {};
  }
  case Kind::integer: {
    const auto value = read_integer(text);
    if (!value || *value < spec.count.min || *value > spec.count.max)
      return quoted(text) + " is not an integer in " + count_text(spec.count);
    return {};
  }
  case Kind::flag:
  case Kind::boolean:
    return read_bool(text) ? std::string() : "not true or false: " + quoted(text);
  case Kind::text:
    if (spec.check)
      return spec.check(text);
    if (!spec.choices.empty() &&
        std::none_of(spec.choices.begin(), spec.choices.end(),
                     [&](const std::string& c) { return same_word(c, text); }))
      return "expected " + choice_list(spec.choices) + ", got " + quoted(text);
    return {};
  case Kind::list:
    return {};
  }
  return {};
}

Value parse_text(const OptionSpec& spec, std::string_view text) {
  if (const auto problem = text_problem(spec, text); !problem.empty())
    throw FieldError(spec.key, problem);
  switch (spec.kind) {
  case Kind::real:
    return *read_real(text);
  case Kind::integer:
    return *read_integer(text);
  case Kind::flag:
  case Kind::boolean:
    return *read_bool(text);
  case Kind::text:
    return std::string(text);
  case Kind::list:
    return std::vector<std::string>{std::string(text)};
  }
  return {};
}

namespace {
std::string join(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v)
    out += (out.empty() ? "" : " ") + s;
  return out;
}
} // namespace

std::string canonical_text(const Value& value) {
  return std::visit(
      [](const auto& v) -> std::string {
        using V = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<V, double>) {
          std::array<char, 64> buf{};
          std::snprintf(buf.data(), buf.size(), "%.17g", v);
          return buf.data();
        } else if constexpr (std::is_same_v<V, std::uint64_t>) {
          return std::to_string(v);
        } else if constexpr (std::is_same_v<V, bool>) {
          return v ? "true" : "false";
        } else if constexpr (std::is_same_v<V, std::string>) {
          return v;
        } else if constexpr (std::is_same_v<V, std::vector<std::string>>) {
          return join(v);
        } else {
          return {};
        }
      },
      value);
}

std::string display_text(const Value& value) {
  if (const auto* d = std::get_if<double>(&value))
    return shortest(*d);
  return canonical_text(value);
}

namespace detail {

void check_range(const OptionSpec& spec, const Value& value) {
  if (const auto* d = std::get_if<double>(&value)) {
    if (!std::isfinite(*d))
      throw FieldError(spec.key, "not finite: " + shortest(*d));
    if (!spec.range.contains(*d))
      throw FieldError(spec.key, "must be " + spec.range.text() + ", got " + shortest(*d));
  } else if (const auto* n = std::get_if<std::uint64_t>(&value)) {
    if (*n < spec.count.min || *n > spec.count.max)
      throw FieldError(spec.key,
                       std::to_string(*n) + " is not an integer in " + count_text(spec.count));
  }
}

} // namespace detail

} // namespace nuflare::core
