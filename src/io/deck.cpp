#include "nuflare/io/deck.hpp"

#include "nuflare/core/error.hpp"
#include "nuflare/io/line_reader.hpp"

#include <algorithm>
#include <cctype>
#include <sstream>

namespace nuflare::io {

namespace {

std::string trim(std::string s) {
  const auto not_space = [](unsigned char c) { return !std::isspace(c); };
  s.erase(s.begin(), std::find_if(s.begin(), s.end(), not_space));
  s.erase(std::find_if(s.rbegin(), s.rend(), not_space).base(), s.end());
  return s;
}

} // namespace

std::vector<std::string> DeckLine::words() const {
  std::istringstream in(value);
  std::vector<std::string> out;
  for (std::string w; in >> w;)
    out.push_back(w);
  return out;
}

std::vector<DeckLine> read_deck(const std::string& path, const std::string& section,
                                const std::set<std::string>& sections) {
  LineReader lines(path);
  std::vector<DeckLine> out;
  std::string current;
  std::string_view raw;
  while (lines.next(raw)) {
    const std::size_t n = lines.line_number();
    std::string line = trim(std::string(raw)); // LineReader has skipped a byte-order mark
    if (line.empty() || line[0] == '#' || line[0] == ';')
      continue;
    if (line.front() == '[') {
      if (line.back() != ']')
        throw core::InputError(path, n, "", "unterminated [section]");
      current = trim(line.substr(1, line.size() - 2));
      if (!current.empty() && sections.count(current) == 0)
        throw core::InputError(path, n, "[" + current + "]",
                               "unknown section (expected a subcommand name)");
      continue;
    }
    const auto eq = line.find('=');
    if (eq == std::string::npos)
      throw core::InputError(path, n, "", "expected key = value");
    DeckLine d;
    d.written = trim(line.substr(0, eq));
    d.value = trim(line.substr(eq + 1));
    if (const auto hash = d.value.find(" #"); hash != std::string::npos)
      d.value = trim(d.value.substr(0, hash));
    d.key = d.written;
    std::replace(d.key.begin(), d.key.end(), '-', '_');
    if (d.key.empty())
      throw core::InputError(path, n, "", "empty key");
    if (!current.empty() && current != section)
      continue;
    d.file = path;
    d.line = n;
    out.push_back(std::move(d));
  }
  return out;
}

} // namespace nuflare::io
