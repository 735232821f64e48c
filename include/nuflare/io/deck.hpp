#pragma once
//! INI decks (inputs/README.md): `key = value` lines, `#` or `;` comments
//! (also after ` #` on a line), `[section]` headers and an optional UTF-8
//! byte-order mark (editors on Windows write one). One deck can serve several
//! subcommands: keys outside any section, and in the section named after the
//! subcommand, apply; sections named after the others are skipped.
#include <cstddef>
#include <set>
#include <string>
#include <vector>

namespace nuflare::io {

//! One `key = value` line.
struct DeckLine {
  std::string key;     //!< the key with `-` read as `_` (a field key: `log10e_min`)
  std::string written; //!< the key as the deck spells it, for messages
  std::string value;   //!< trimmed, inline comment removed
  std::string file;
  std::size_t line = 0;

  //! The value split at blanks (a list given on one line).
  [[nodiscard]] std::vector<std::string> words() const;
};

//! The lines of deck `path` that apply to `section`. `sections` are the
//! section names a deck may use; any other, an unterminated `[`, a line
//! without `=` or an empty key is a core::InputError naming the line.
[[nodiscard]] std::vector<DeckLine> read_deck(const std::string& path, const std::string& section,
                                              const std::set<std::string>& sections);

} // namespace nuflare::io
