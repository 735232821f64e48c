#pragma once
// Private to the io readers: the small text helpers every table reader needs,
// in one place so that they trim, compare and quote a field the same way.
#include <algorithm>
#include <cctype>
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

namespace nuflare::io::detail {

//! `s` without the characters of `front` at its start and of `back` at its
//! end. The defaults suit a line of a plain text table: blanks and tabs, and
//! a DOS line end's carriage return.
inline std::string_view trim(std::string_view s, std::string_view front = " \t",
                             std::string_view back = " \t\r") {
  while (!s.empty() && front.find(s.front()) != std::string_view::npos)
    s.remove_prefix(1);
  while (!s.empty() && back.find(s.back()) != std::string_view::npos)
    s.remove_suffix(1);
  return s;
}

//! How astropy and pandas write a masked (missing) entry in a text table:
//! two dashes. Spelt as characters so that the library's sources hold no
//! command-line flag spelling (flags belong to src/app/ alone).
inline constexpr char MASKED[] = {'-', '-', '\0'};

//! Equal but for ASCII case.
inline bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

//! `s` in ASCII lower case.
inline std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

//! A field as an error message shows it: quoted, cut after 40 characters.
inline std::string quoted(std::string_view s) {
  std::string out = "\"";
  out.append(s.substr(0, 40));
  if (s.size() > 40)
    out += "...";
  return out + "\"";
}

//! A number as messages show it: ten significant digits.
inline std::string fmt(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.10g", v);
  return buf;
}

} // namespace nuflare::io::detail
