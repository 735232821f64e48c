#include "cli.hpp"

#include "nuflare/campaign/gather.hpp"
#include "nuflare/core/error.hpp"
#include "nuflare/io/line_reader.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <climits>
#include <cmath>
#include <cstdlib>
#include <iostream>
#include <map>
#include <set>
#include <sstream>
#include <typeinfo>

namespace nuflare::app {

using core::ConfigError;

namespace {

//! Program_options prints double defaults with 17 digits ("(=4.7999999999999998)");
//! shows them as the shortest text that reads back to the same double
//! ("(=4.8)"), padding so the description column stays aligned.
std::string tidy_help_defaults(const std::string& text) {
  std::string out;
  std::size_t pos = 0;
  while (true) {
    const std::size_t open = text.find("(=", pos);
    if (open == std::string::npos)
      break;
    const std::size_t close = text.find(')', open);
    if (close == std::string::npos)
      break;
    const std::string value = text.substr(open + 2, close - open - 2);
    out.append(text, pos, open - pos);
    char* end = nullptr;
    const double x = std::strtod(value.c_str(), &end);
    std::array<char, 64> shortest{};
    const auto r = std::to_chars(shortest.data(), shortest.data() + shortest.size(), x);
    const std::string tidy(shortest.data(), r.ptr);
    if (value.find('.') != std::string::npos && end == value.c_str() + value.size() &&
        r.ec == std::errc() && tidy.size() < value.size()) {
      out += "(=" + tidy + ")";
      const std::size_t eol = text.find('\n', close);
      const bool more_on_line = text.find_first_not_of(' ', close + 1) < eol;
      if (more_on_line)
        out.append(value.size() - tidy.size(), ' ');
    } else {
      out.append(text, open, close + 1 - open);
    }
    pos = close + 1;
  }
  out.append(text, pos, std::string::npos);
  return out;
}

std::string trim(std::string s) {
  const auto not_space = [](unsigned char c) { return !std::isspace(c); };
  s.erase(s.begin(), std::find_if(s.begin(), s.end(), not_space));
  s.erase(std::find_if(s.rbegin(), s.rend(), not_space).base(), s.end());
  return s;
}

std::string join(const std::vector<std::string>& parts, const std::string& sep) {
  std::string out;
  for (const auto& p : parts)
    out += (out.empty() ? "" : sep) + p;
  return out;
}

std::string quoted(const std::string& text) {
  return "\"" + text + "\"";
}

// ---- number options --------------------------------------------------------

//! Implemented by the option types that check their own text (real, integer).
class CheckedText {
public:
  virtual ~CheckedText() = default;
  //! Empty when `text` is a valid value, else what is wrong with it (without
  //! the option's name), e.g. `"-5" is not an integer in [1, 10^10]`.
  [[nodiscard]] virtual std::string problem(const std::string& text) const = 0;
};

//! The double the whole of `text` spells ("1.5", "-2e3", "+4", also "inf"
//! and "nan", flagged by `finite`); nothing when `text` is not a number.
std::optional<double> read_real(const std::string& text, bool& finite) {
  const char* begin = text.data();
  const char* end = begin + text.size();
  if (begin != end && *begin == '+')
    ++begin;
  double value = 0;
  const auto r = std::from_chars(begin, end, value);
  if (begin == end || r.ec != std::errc() || r.ptr != end)
    return std::nullopt;
  finite = std::isfinite(value);
  return value;
}

std::string bound_text(double x) {
  if (std::isinf(x))
    return x > 0 ? "inf" : "-inf";
  std::array<char, 32> buf{};
  const auto r = std::to_chars(buf.data(), buf.data() + buf.size(), x);
  return std::string(buf.data(), r.ptr);
}

//! "must be > 0", "must be in [0, 1)", ...
std::string bounds_text(const Bounds& b) {
  const bool has_lo = !std::isinf(b.lo), has_hi = !std::isinf(b.hi);
  if (has_lo && has_hi)
    return std::string("must be in ") + (b.lo_open ? "(" : "[") + bound_text(b.lo) + ", " +
           bound_text(b.hi) + (b.hi_open ? ")" : "]");
  if (has_lo)
    return std::string("must be ") + (b.lo_open ? "> " : ">= ") + bound_text(b.lo);
  return std::string("must be ") + (b.hi_open ? "< " : "<= ") + bound_text(b.hi);
}

std::string real_problem(const std::string& text, const Bounds& b) {
  bool finite = false;
  const auto value = read_real(text, finite);
  if (!value)
    return "not a number: " + quoted(text);
  if (!finite)
    return "not finite: " + quoted(text);
  const bool below = b.lo_open ? !(*value > b.lo) : !(*value >= b.lo);
  const bool above = b.hi_open ? !(*value < b.hi) : !(*value <= b.hi);
  if (below || above)
    return bounds_text(b) + ", got " + quoted(text);
  return {};
}

class RealValue : public po::typed_value<double>, public CheckedText {
public:
  explicit RealValue(Bounds bounds) : po::typed_value<double>(nullptr), bounds_(bounds) {}
  [[nodiscard]] std::string problem(const std::string& text) const override {
    return real_problem(text, bounds_);
  }
  void xparse(boost::any& store, const std::vector<std::string>& tokens) const override {
    if (tokens.empty()) // an implicit value
      return po::typed_value<double>::xparse(store, tokens);
    po::validators::check_first_occurrence(store);
    const std::string& text = po::validators::get_single_string(tokens);
    bool finite = false;
    const auto value = read_real(text, finite);
    if (!value || !problem(text).empty())
      throw po::invalid_option_value(text);
    store = boost::any(*value);
  }

private:
  Bounds bounds_;
};

//! 10^k for k >= 4 and 2^64-1 / 2^63-1 read better than their digits.
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

//! Digits only, no sign: every integer option is a count, a seed or an index.
std::optional<std::uint64_t> read_integer(const std::string& text) {
  if (text.empty() ||
      !std::all_of(text.begin(), text.end(), [](unsigned char c) { return std::isdigit(c) != 0; }))
    return std::nullopt;
  std::uint64_t value = 0;
  const auto r = std::from_chars(text.data(), text.data() + text.size(), value);
  if (r.ec != std::errc())
    return std::nullopt; // more than 2^64-1
  return value;
}

std::string integer_problem(const std::string& text, std::uint64_t lo, std::uint64_t hi) {
  const auto value = read_integer(text);
  if (!value || *value < lo || *value > hi)
    return quoted(text) + " is not an integer in [" + integer_text(lo) + ", " + integer_text(hi) +
           "]";
  return {};
}

template <class T>
class IntegerValue : public po::typed_value<T>, public CheckedText {
public:
  IntegerValue(T lo, T hi) : po::typed_value<T>(nullptr), lo_(lo), hi_(hi) {}
  [[nodiscard]] std::string problem(const std::string& text) const override {
    return integer_problem(text, static_cast<std::uint64_t>(lo_), static_cast<std::uint64_t>(hi_));
  }
  void xparse(boost::any& store, const std::vector<std::string>& tokens) const override {
    if (tokens.empty())
      return po::typed_value<T>::xparse(store, tokens);
    po::validators::check_first_occurrence(store);
    const std::string& text = po::validators::get_single_string(tokens);
    if (!problem(text).empty())
      throw po::invalid_option_value(text);
    store = boost::any(static_cast<T>(*read_integer(text)));
  }

private:
  T lo_, hi_;
};

//! What is wrong with `text` as a value of `option`; empty when nothing. The
//! option types of this file check themselves; plain program_options numbers
//! and booleans get the same strict reading.
std::string value_problem(const po::option_description& option, const std::string& text) {
  const po::value_semantic* semantic = option.semantic().get();
  if (const auto* checked = dynamic_cast<const CheckedText*>(semantic))
    return checked->problem(text);
  if (dynamic_cast<const po::typed_value<double>*>(semantic) != nullptr)
    return real_problem(text, {});
  if (dynamic_cast<const po::typed_value<std::uint64_t>*>(semantic) != nullptr)
    return integer_problem(text, 0, std::numeric_limits<std::uint64_t>::max());
  if (dynamic_cast<const po::typed_value<int>*>(semantic) != nullptr)
    return integer_problem(text, 0, INT_MAX);
  if (dynamic_cast<const po::typed_value<bool>*>(semantic) != nullptr) {
    std::string t = text;
    std::transform(t.begin(), t.end(), t.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    static const std::set<std::string> words = {"true", "false", "yes", "no",
                                                "on",   "off",   "1",   "0"};
    if (words.count(t) == 0)
      return "not true or false: " + quoted(text);
  }
  return {};
}

// ---- decks -------------------------------------------------------------------

//! One `key = value` line of a deck.
struct DeckEntry {
  std::string key;     //!< option name ('_' read as '-')
  std::string written; //!< the key as the deck spells it, for messages
  std::string value;
  std::string file;
  std::size_t line;
};

//! Reads an INI deck: `key = value`, `#`/`;` comments, `[section]` headers,
//! an optional UTF-8 byte-order mark (editors on Windows write one). Keys in a
//! section named after this subcommand apply; sections named after other
//! subcommands are skipped (one deck can serve several analyses).
std::vector<DeckEntry> read_deck(const std::string& path, const std::string& command) {
  std::set<std::string> known;
  for (const auto& c : commands())
    known.insert(c.name);
  io::LineReader lines(path);
  std::vector<DeckEntry> out;
  std::string section;
  std::string_view raw;
  while (lines.next(raw)) {
    if (lines.line_number() == 1 && raw.substr(0, 3) == "\xEF\xBB\xBF")
      raw.remove_prefix(3);
    std::string line = trim(std::string(raw));
    if (line.empty() || line[0] == '#' || line[0] == ';')
      continue;
    if (line.front() == '[') {
      if (line.back() != ']')
        throw core::InputError(path, lines.line_number(), "", "unterminated [section]");
      section = trim(line.substr(1, line.size() - 2));
      if (!section.empty() && known.count(section) == 0)
        throw core::InputError(path, lines.line_number(), "[" + section + "]",
                               "unknown section (expected a subcommand name)");
      continue;
    }
    const auto eq = line.find('=');
    if (eq == std::string::npos)
      throw core::InputError(path, lines.line_number(), "", "expected key = value");
    std::string written = trim(line.substr(0, eq));
    std::string value = trim(line.substr(eq + 1));
    // An inline comment starts at " #".
    if (auto hash = value.find(" #"); hash != std::string::npos)
      value = trim(value.substr(0, hash));
    std::string key = written;
    std::replace(key.begin(), key.end(), '_', '-');
    if (key.empty())
      throw core::InputError(path, lines.line_number(), "", "empty key");
    if (!section.empty() && section != command)
      continue;
    out.push_back({key, written, value, path, lines.line_number()});
  }
  return out;
}

std::vector<std::string> split_words(const std::string& value) {
  std::istringstream in(value);
  std::vector<std::string> out;
  for (std::string w; in >> w;)
    out.push_back(w);
  return out;
}

//! The values of one deck line as program_options tokens: words for an
//! option that takes several, paths made relative to the deck's folder.
std::vector<std::string> deck_tokens(const DeckEntry& e, const po::option_description& option,
                                     const Command& command) {
  std::vector<std::string> values = option.semantic()->max_tokens() > 1
                                        ? split_words(e.value)
                                        : std::vector<std::string>{e.value};
  const bool is_path = std::find(command.path_options.begin(), command.path_options.end(), e.key) !=
                       command.path_options.end();
  const auto deck_dir = std::filesystem::path(e.file).parent_path();
  if (is_path)
    for (auto& v : values)
      if (!v.empty() && std::filesystem::path(v).is_relative())
        v = (deck_dir / v).lexically_normal().string();
  return values;
}

//! Checks every line of a deck before any is used: known key, not repeated,
//! a valid value.
void check_deck(const std::vector<DeckEntry>& entries, const po::options_description& desc,
                const Command& command) {
  std::map<std::string, std::size_t> first_line;
  for (const auto& e : entries) {
    const auto* option = desc.find_nothrow(e.key, false);
    if (option == nullptr || e.key == "config" || e.key == "help")
      throw core::InputError(e.file, e.line, e.written,
                             std::string("unknown key for nuflare ") + command.name);
    const auto [it, fresh] = first_line.emplace(e.key, e.line);
    if (!fresh && !option->semantic()->is_composing())
      throw core::InputError(e.file, e.line, e.written,
                             "repeated key (first given on line " + std::to_string(it->second) +
                                 ")");
    for (const auto& token : deck_tokens(e, *option, command))
      if (const auto problem = value_problem(*option, token); !problem.empty())
        throw core::InputError(e.file, e.line, e.written, problem);
  }
}

std::string any_to_string(const boost::any& v) {
  if (v.type() == typeid(std::string))
    return boost::any_cast<std::string>(v);
  if (v.type() == typeid(double)) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.17g", boost::any_cast<double>(v));
    return buf;
  }
  if (v.type() == typeid(int))
    return std::to_string(boost::any_cast<int>(v));
  if (v.type() == typeid(long))
    return std::to_string(boost::any_cast<long>(v));
  if (v.type() == typeid(unsigned long))
    return std::to_string(boost::any_cast<unsigned long>(v));
  if (v.type() == typeid(unsigned long long))
    return std::to_string(boost::any_cast<unsigned long long>(v));
  if (v.type() == typeid(bool))
    return boost::any_cast<bool>(v) ? "true" : "false";
  if (v.type() == typeid(std::vector<std::string>))
    return join(boost::any_cast<std::vector<std::string>>(v), " ");
  return "?";
}

//! The text values of a string or string-list option.
std::vector<std::string> text_values(const po::variable_value& v) {
  if (v.value().type() == typeid(std::string))
    return {v.as<std::string>()};
  if (v.value().type() == typeid(std::vector<std::string>))
    return v.as<std::vector<std::string>>();
  return {};
}

} // namespace

po::typed_value<double>* real(Bounds bounds) {
  return new RealValue(bounds);
}

template <class T>
po::typed_value<T>* integer(T lo, T hi) {
  return new IntegerValue<T>(lo, hi);
}
template po::typed_value<std::uint64_t>* integer(std::uint64_t, std::uint64_t);
template po::typed_value<int>* integer(int, int);

void require_order(const Invocation& inv, const std::string& lo, const std::string& hi,
                   bool strict) {
  const double a = inv.get<double>(lo), b = inv.get<double>(hi);
  if (strict ? a < b : a <= b)
    return;
  const std::string& wrong = inv.blame(lo, hi);
  if (wrong == hi)
    inv.fail(hi, bound_text(b) + (strict ? " is not above " : " is below ") +
                     inv.mention(lo, bound_text(a)));
  inv.fail(lo, bound_text(a) + (strict ? " is not below " : " is above ") +
                   inv.mention(hi, bound_text(b)));
}

po::typed_value<std::uint64_t>* trials_value(std::uint64_t n) {
  return integer<std::uint64_t>(1, MAX_TRIALS)->default_value(n);
}

po::typed_value<std::uint64_t>* seed_value(std::uint64_t seed) {
  return integer<std::uint64_t>(0, std::numeric_limits<std::uint64_t>::max())->default_value(seed);
}

std::string Invocation::label(const std::string& name) const {
  if (const auto it = from_deck.find(name); it != from_deck.end())
    return it->second.key + " (" + it->second.file + ":" + std::to_string(it->second.line) + ")";
  return "--" + name;
}

std::string Invocation::mention(const std::string& name, const std::string& value) const {
  if (const auto it = from_deck.find(name); it != from_deck.end())
    return it->second.key + " = " + value + " (" + it->second.file + ":" +
           std::to_string(it->second.line) + ")";
  return "--" + name + " " + value + (from_command_line.count(name) > 0 ? "" : " (the default)");
}

void Invocation::fail(const std::string& name, const std::string& message) const {
  if (const auto it = from_deck.find(name); it != from_deck.end())
    throw core::InputError(it->second.file, it->second.line, it->second.key, message);
  throw ConfigError("--" + name + ": " + message);
}

const std::string& Invocation::blame(const std::string& a, const std::string& b) const {
  // (source, line): defaults lowest, then decks in --config order, then the
  // command line.
  const auto when = [&](const std::string& name) -> std::pair<long, std::size_t> {
    if (from_command_line.count(name) > 0)
      return {LONG_MAX, 0};
    if (const auto it = from_deck.find(name); it != from_deck.end())
      return {it->second.deck, it->second.line};
    return {-1, 0};
  };
  return when(a) > when(b) ? a : b;
}

std::optional<std::string> Invocation::locate(const std::string& message) const {
  std::string name, rest;
  if (message.rfind("--", 0) == 0) {
    const auto end = message.find_first_of(" :", 2);
    if (end == std::string::npos)
      return std::nullopt;
    name = message.substr(2, end - 2);
    rest = message.substr(end);
  } else {
    const auto colon = message.find(':');
    if (colon == std::string::npos)
      return std::nullopt;
    name = message.substr(0, colon);
    rest = message.substr(colon);
  }
  const auto it = from_deck.find(name);
  if (it == from_deck.end())
    return std::nullopt;
  rest = trim(rest.substr(rest.front() == ':' ? 1 : 0));
  return core::InputError(it->second.file, it->second.line, it->second.key, rest).what();
}

std::vector<std::pair<std::string, std::string>> Invocation::resolved() const {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& [key, value] : options) {
    // Run control (resuming, overwriting, progress) does not change results:
    // keep it out of /config so a resumed archive equals an uninterrupted one.
    if (key == "config" || key == "help" || key == "resume" || key == "overwrite" ||
        key == "checkpoint-seconds" || key == "quiet" || key == "progress-seconds")
      continue;
    out.emplace_back(key, any_to_string(value.value()));
  }
  return out; // variables_map is a std::map: already sorted by key
}

io::RunInfo Invocation::run_info(std::uint64_t seed,
                                 std::vector<std::filesystem::path> inputs) const {
  io::RunInfo info;
  info.analysis = command;
  info.master_seed = seed;
  info.command_line = "nuflare " + join(argv, " ");
  info.config = resolved();
  info.inputs = std::move(inputs);
  return info;
}

bool parse(const Command& command, int argc, char** argv, Invocation& out) {
  po::options_description desc(std::string("nuflare ") + command.name + " — " + command.summary +
                               "\n\nOptions");
  desc.add_options()("help,h", "show this help and exit")(
      "config", po::value<std::vector<std::string>>()->composing(),
      "INI deck (repeatable; later decks and the command line override earlier ones)");
  command.add_options(desc);

  out.command = command.name;
  out.argv.assign(argv, argv + argc); // argv[0] is the subcommand
  out.input_options = {"config"};
  for (const auto& name : command.path_options)
    if (name != "output")
      out.input_options.push_back(name);
  po::parsed_options cli = [&] {
    try {
      return po::command_line_parser(argc, argv).options(desc).run();
    } catch (const po::error& e) {
      throw ConfigError(std::string("nuflare ") + command.name + ": " + e.what() +
                        " (see nuflare " + command.name + " --help)");
    }
  }();
  // Values are checked before program_options reads them, so a message names
  // the option: `--trials: "-5" is not an integer in [1, 10^10]`.
  for (const auto& o : cli.options) {
    const auto* option = desc.find_nothrow(o.string_key, false);
    if (option == nullptr)
      continue;
    for (const auto& token : o.value)
      if (const auto problem = value_problem(*option, token); !problem.empty())
        throw ConfigError("--" + o.string_key + ": " + problem);
    out.from_command_line.insert(o.string_key);
  }
  po::variables_map vm;
  try {
    po::store(cli, vm);
  } catch (const po::error& e) {
    throw ConfigError(std::string("nuflare ") + command.name + ": " + e.what());
  }
  if (vm.count("help")) {
    if (out.prints()) {
      std::ostringstream text;
      text << desc;
      std::cout << tidy_help_defaults(text.str()) << '\n';
    }
    return false;
  }
  // Every deck is read and checked whole before any value is used; then, as
  // program_options keeps the first value stored, the decks are stored from
  // the last to the first (the command line is already in). One line at a
  // time, so an error names its line.
  std::vector<std::string> decks;
  if (vm.count("config"))
    decks = vm["config"].as<std::vector<std::string>>();
  std::vector<std::vector<DeckEntry>> entries;
  for (const auto& deck : decks) {
    entries.push_back(read_deck(deck, command.name));
    check_deck(entries.back(), desc, command);
  }
  for (std::size_t k = entries.size(); k-- > 0;) {
    for (const auto& e : entries[k]) {
      const auto* option = desc.find_nothrow(e.key, false);
      po::parsed_options parsed(&desc);
      parsed.options.emplace_back(e.key, deck_tokens(e, *option, command));
      parsed.options.back().original_tokens = {e.key, e.value};
      try {
        po::store(parsed, vm);
      } catch (const po::error& err) {
        throw core::InputError(e.file, e.line, e.written, err.what());
      }
      if (out.from_command_line.count(e.key) == 0 && out.from_deck.count(e.key) == 0)
        out.from_deck[e.key] = {e.file, e.line, e.written, static_cast<int>(k)};
    }
  }
  try {
    po::notify(vm);
  } catch (const po::error& e) {
    throw ConfigError(std::string("nuflare ") + command.name + ": " + e.what() + " (see nuflare " +
                      command.name + " --help)");
  }
  out.options = std::move(vm);
  return true;
}

std::vector<double> parse_number_list(const Invocation& inv, const std::string& option) {
  std::vector<double> out;
  std::stringstream in(inv.get<std::string>(option));
  for (std::string item; std::getline(in, item, ',');) {
    item = trim(item);
    if (const auto problem = real_problem(item, {}); !problem.empty())
      inv.fail(option, problem);
    bool finite = false;
    out.push_back(*read_real(item, finite));
  }
  if (out.empty())
    inv.fail(option, "empty list");
  return out;
}

void forget_partial_output(const std::filesystem::path& path) {
  std::error_code ec;
  std::filesystem::remove(io::partial_path(path), ec);
}

} // namespace nuflare::app

namespace nuflare::app {

namespace {

//! Refuses an output that is one of the run's input files or decks: a run
//! writes RUN.h5.lock at once, RUN.h5.partial soon after and RUN.h5 at the
//! end, and any of them would destroy the input. Compared by file identity
//! (device and inode), so other spellings and links of a path count too.
void refuse_inputs(const Invocation& inv, const std::filesystem::path& output) {
  namespace fs = std::filesystem;
  const std::vector<std::pair<fs::path, std::string>> targets = {
      {output, ""},
      {io::partial_path(output), " (the partial archive)"},
      {io::OutputLock::lock_path(output), " (the lock file)"}};
  for (const auto& [target, what] : targets) {
    std::error_code ec;
    if (!fs::exists(target, ec))
      continue;
    for (const auto& name : inv.input_options) {
      if (!inv.has(name))
        continue;
      for (const auto& input : text_values(inv.options[name]))
        if (fs::equivalent(target, input, ec) && !ec)
          inv.fail("output", target.string() + what + " is the same file as " +
                                 inv.mention(name, input) + "; refusing to write over an input");
    }
  }
}

} // namespace

RunOutput::RunOutput(const Invocation& inv) : path_(inv.get<std::string>("output")) {
  if (path_.extension() != ".h5" || path_.stem().empty())
    inv.fail("output", "the archive name must end in .h5, got " + quoted(path_.string()));
  refuse_inputs(inv, path_);
  lock_ = std::make_unique<io::OutputLock>(path_, inv.comm);

  const bool want_resume = inv.has("resume") && inv.get<bool>("resume");
  const bool overwrite = inv.has("overwrite") && inv.get<bool>("overwrite");
  // Rank 0 looks (under the lock, so nothing changes meanwhile); every rank
  // learns the verdict and refuses together.
  enum Verdict : int { fresh, continue_partial, partial_exists, final_exists };
  int verdict = fresh;
  if (inv.rank == 0) {
    std::error_code ec;
    const bool has_partial = std::filesystem::exists(io::partial_path(path_), ec);
    const bool has_final = std::filesystem::exists(path_, ec);
    if (has_partial && want_resume)
      verdict = continue_partial;
    else if (has_partial && !overwrite)
      verdict = partial_exists;
    else if (has_final && !overwrite)
      verdict = final_exists;
    if (want_resume && !has_partial && verdict == fresh)
      std::cerr << "nuflare: note: " << io::partial_path(path_).string()
                << " does not exist; starting a fresh run\n";
  }
  verdict = campaign::broadcast_from_root(inv.comm, verdict);
  if (verdict == partial_exists)
    throw ConfigError(io::partial_path(path_).string() +
                      " exists: add --resume to continue it or --overwrite to start over");
  if (verdict == final_exists)
    throw ConfigError(path_.string() +
                      " exists: add --overwrite to replace it or choose another --output");
  resume_ = verdict == continue_partial;
}

void add_overwrite_option(po::options_description& desc) {
  desc.add_options()("overwrite", po::bool_switch(),
                     "replace an existing RUN.h5 (when the run ends) or RUN.h5.partial (at once)");
}

void add_campaign_options(po::options_description& desc) {
  desc.add_options()("checkpoint-seconds", real(NON_NEGATIVE)->default_value(0),
                     "flush completed trials to RUN.h5.partial every S seconds (0: only at the "
                     "end)")("resume", po::bool_switch(),
                             "continue RUN.h5.partial (same options and inputs); without one, "
                             "start a fresh run")("quiet", po::bool_switch(), "no progress output")(
      "progress-seconds", real(NON_NEGATIVE)->default_value(30),
      "interval of progress lines when stderr is not a terminal [s]")(
      "sweep-point",
      integer<std::uint64_t>(0, std::numeric_limits<std::int64_t>::max())->default_value(0),
      "sweep point p: trial k uses global index p*N + k (N = --trials; p*N + N must fit in 63 "
      "bits), so the points of a sweep draw independent trials from one seed");
  add_overwrite_option(desc);
}

campaign::RunnerOptions runner_options(const Invocation& inv) {
  campaign::RunnerOptions o;
  o.checkpoint_seconds = inv.get<double>("checkpoint-seconds");
  o.resume = inv.get<bool>("resume");
  o.quiet = inv.get<bool>("quiet");
  o.progress_seconds = inv.get<double>("progress-seconds");
  o.sweep_point = inv.get<std::uint64_t>("sweep-point");
  // Global trial indices p·N … p·N + N − 1 are stored as signed 64-bit
  // integers (first_trial_index): (p + 1)·N must not exceed 2^63.
  if (o.sweep_point > 0 && inv.has("trials")) {
    const std::uint64_t n = inv.get<std::uint64_t>("trials");
    const std::uint64_t max_point = (std::uint64_t{1} << 63) / n - 1;
    if (o.sweep_point > max_point)
      inv.fail("sweep-point", quoted(std::to_string(o.sweep_point)) + " is not an integer in [0, " +
                                  integer_text(max_point) + "] (sweep_point·trials must fit in " +
                                  "63 bits with " + inv.mention("trials", std::to_string(n)) + ")");
  }
  return o;
}

io::Archive open_archive(const RunOutput& output, const io::RunInfo& info, MPI_Comm comm) {
  if (!output.resume())
    return io::Archive::create(output.path(), comm, info);
  auto archive = io::Archive::open_partial(output.path(), comm);
  const std::string file = io::partial_path(output.path()).string();
  if (archive.string_attribute("/", "analysis") != info.analysis)
    throw core::InputError(file, 0, "analysis",
                           "partial archive is from nuflare " +
                               archive.string_attribute("/", "analysis"));
  for (const auto& [key, value] : info.config) {
    const std::string stored =
        archive.has_attribute("/config", key) ? archive.string_attribute("/config", key) : "(none)";
    if (stored != value)
      throw core::InputError(file, 0, key,
                             "partial archive was made with " + key + " = " + stored +
                                 ", this run has " + value + "; refusing to resume");
  }
  const auto hashes = archive.read_strings("/inputs/sha256");
  if (hashes.size() != info.inputs.size())
    throw core::InputError(file, 0, "inputs", "partial archive was made from other input files");
  for (std::size_t i = 0; i < hashes.size(); ++i)
    if (hashes[i] != io::sha256_file(info.inputs[i]))
      throw core::InputError(file, 0, info.inputs[i].string(),
                             "input file changed since the partial archive was written");
  return archive;
}

} // namespace nuflare::app
