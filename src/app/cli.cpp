#include "cli.hpp"

#include "nuflare/campaign/gather.hpp"
#include "nuflare/core/error.hpp"
#include "nuflare/io/line_reader.hpp"

#include <boost/make_shared.hpp>

#include <algorithm>
#include <cctype>
#include <climits>
#include <iostream>
#include <map>
#include <set>
#include <sstream>

namespace nuflare::app {

using core::ConfigError;

namespace {

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

const core::OptionSpec* find_spec(const std::vector<core::OptionSpec>& specs,
                                  const std::string& name) {
  for (const auto& s : specs)
    if (s.flag() == name)
      return &s;
  return nullptr;
}

// ---- options as program_options sees them -----------------------------------------

//! The help line of an option: its help, unit, allowed values and what an
//! option without a default means.
std::string help_line(const core::OptionSpec& s) {
  std::string out = s.help;
  if (!s.unit.empty())
    out += " [" + s.unit + "]";
  if (!s.choices.empty())
    out += " (" + core::choice_list(s.choices) + ")";
  else if (s.kind == core::Kind::real && !s.range.text().empty())
    out += " (" + s.range.text() + ")";
  else if (s.kind == core::Kind::integer)
    out += " (" + core::integer_text(s.count.min) + " … " + core::integer_text(s.count.max) + ")";
  if (s.required)
    out += "; required";
  else if (!s.has_default && !s.default_text.empty())
    out += "; default: " + s.default_text;
  return out;
}

//! Every value stays text until the option tables read it (core::parse_text):
//! program_options only splits the command line, so one reader checks the
//! command line and the decks alike.
const po::value_semantic* semantic(const core::OptionSpec& s) {
  if (s.kind == core::Kind::flag)
    return po::bool_switch();
  if (s.kind == core::Kind::list) {
    auto* v = po::value<std::vector<std::string>>();
    if (s.composing)
      v->composing();
    else
      v->multitoken();
    return s.required ? v->required() : v;
  }
  auto* v = po::value<std::string>();
  if (s.implicit)
    v->implicit_value("true");
  if (s.required)
    return v->required();
  if (s.has_default)
    v->default_value(s.default_text);
  return v;
}

po::options_description describe(const Command& command,
                                 const std::vector<core::OptionSpec>& specs) {
  po::options_description desc(std::string("nuflare ") + command.name + " — " + command.summary +
                               "\n\nOptions");
  desc.add_options()("help,h", "show this help and exit")(
      "config", po::value<std::vector<std::string>>()->composing(),
      "INI deck (repeatable; later decks and the command line override earlier ones)");
  for (const auto& s : specs)
    desc.add(boost::make_shared<po::option_description>(s.flag().c_str(), semantic(s),
                                                        help_line(s).c_str()));
  return desc;
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

//! The values of one deck line as program_options tokens: words for a list
//! given all at once, paths made relative to the deck's folder.
std::vector<std::string> deck_tokens(const DeckEntry& e, const core::OptionSpec& spec) {
  std::vector<std::string> values = spec.kind == core::Kind::list && !spec.composing
                                        ? split_words(e.value)
                                        : std::vector<std::string>{e.value};
  const auto deck_dir = std::filesystem::path(e.file).parent_path();
  if (spec.path)
    for (auto& v : values)
      if (!v.empty() && std::filesystem::path(v).is_relative())
        v = (deck_dir / v).lexically_normal().string();
  return values;
}

//! Checks every line of a deck before any is used: known key, not repeated,
//! a valid value.
void check_deck(const std::vector<DeckEntry>& entries, const std::vector<core::OptionSpec>& specs,
                const Command& command) {
  std::map<std::string, std::size_t> first_line;
  for (const auto& e : entries) {
    const auto* spec = find_spec(specs, e.key);
    if (spec == nullptr)
      throw core::InputError(e.file, e.line, e.written,
                             std::string("unknown key for nuflare ") + command.name);
    const auto [it, fresh] = first_line.emplace(e.key, e.line);
    if (!fresh && !spec->composing)
      throw core::InputError(e.file, e.line, e.written,
                             "repeated key (first given on line " + std::to_string(it->second) +
                                 ")");
    for (const auto& token : deck_tokens(e, *spec))
      if (const auto problem = core::text_problem(*spec, token); !problem.empty())
        throw core::InputError(e.file, e.line, e.written, problem);
  }
}

} // namespace

// ---- Invocation ------------------------------------------------------------------

const core::OptionSpec* Invocation::spec(const std::string& name) const {
  return find_spec(specs, name);
}

std::string Invocation::text(const std::string& name) const {
  const auto& v = options[name].value();
  if (v.type() == typeid(bool))
    return boost::any_cast<bool>(v) ? "true" : "false";
  return options[name].as<std::string>();
}

std::vector<std::string> Invocation::texts(const std::string& name) const {
  if (!has(name))
    return {};
  const auto& v = options[name].value();
  if (v.type() == typeid(std::vector<std::string>))
    return boost::any_cast<std::vector<std::string>>(v);
  return {text(name)};
}

core::Value Invocation::value(const core::OptionSpec& s) const {
  const auto& v = options[s.flag()].value();
  if (v.type() == typeid(bool))
    return boost::any_cast<bool>(v);
  if (v.type() == typeid(std::vector<std::string>))
    return boost::any_cast<std::vector<std::string>>(v);
  return core::parse_text(s, boost::any_cast<std::string>(v));
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

std::string Invocation::blame(const std::string& a, const std::string& b) const {
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

std::string Invocation::locate(const core::FieldError& error) const {
  const auto flag = [](std::string key) {
    std::replace(key.begin(), key.end(), '_', '-');
    return key;
  };
  std::string name = flag(error.field()), message = error.message();
  if (const auto* relation = dynamic_cast<const core::RelationError*>(&error)) {
    const std::string first = flag(relation->first()), second = name;
    if (spec(first) != nullptr && spec(second) != nullptr) {
      name = blame(first, second);
      const bool second_wrong = name == second;
      message =
          relation->blame(second_wrong, second_wrong ? mention(first, relation->first_value())
                                                     : mention(second, relation->second_value()));
    }
  }
  if (spec(name) == nullptr)
    return error.what();
  try {
    fail(name, message);
  } catch (const core::Error& located) {
    return located.what();
  }
}

std::string Invocation::locate(const std::string& message) const {
  const auto colon = message.find(':');
  if (colon == std::string::npos || message.rfind("--", 0) == 0)
    return message;
  std::string name = message.substr(0, colon);
  std::replace(name.begin(), name.end(), '_', '-');
  const auto it = from_deck.find(name);
  if (it == from_deck.end())
    return message;
  return core::InputError(it->second.file, it->second.line, it->second.key,
                          trim(message.substr(colon + 1)))
      .what();
}

std::vector<std::pair<std::string, std::string>> Invocation::resolved() const {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& [key, value] : options) {
    // Run control (resuming, overwriting, progress) does not change results:
    // keep it out of /config so a resumed archive equals an uninterrupted one.
    const auto* s = spec(key);
    if (s == nullptr || s->run_control)
      continue;
    out.emplace_back(key, core::canonical_text(this->value(*s)));
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

// ---- parsing -------------------------------------------------------------------

bool parse(const Command& command, int argc, char** argv, Invocation& out) {
  out.command = command.name;
  out.specs = command.options();
  out.argv.assign(argv, argv + argc); // argv[0] is the subcommand
  const auto desc = describe(command, out.specs);
  po::parsed_options cli = [&] {
    try {
      return po::command_line_parser(argc, argv).options(desc).run();
    } catch (const po::error& e) {
      throw ConfigError(std::string("nuflare ") + command.name + ": " + e.what() +
                        " (see nuflare " + command.name + " --help)");
    }
  }();
  // Values are checked before program_options stores them, so a message names
  // the option: `--trials: "-5" is not an integer in [1, 10^10]`.
  for (const auto& o : cli.options) {
    const auto* spec = find_spec(out.specs, o.string_key);
    if (spec == nullptr)
      continue;
    for (const auto& token : o.value)
      if (const auto problem = core::text_problem(*spec, token); !problem.empty())
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
    if (out.prints())
      std::cout << desc << '\n';
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
    check_deck(entries.back(), out.specs, command);
  }
  for (std::size_t k = entries.size(); k-- > 0;) {
    for (const auto& e : entries[k]) {
      po::parsed_options parsed(&desc);
      parsed.options.emplace_back(e.key, deck_tokens(e, *find_spec(out.specs, e.key)));
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

void print_key_table(std::ostream& out, const std::vector<core::OptionSpec>& specs,
                     KeyStyle style) {
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
      out << (style == KeyStyle::deck ? "| key" : "| option")
          << " | type | default | unit | meaning |\n"
          << "|---|---|---|---|---|\n";
      section = s.section;
    }
    const bool none = !s.has_default || (s.kind == core::Kind::list && s.default_text.empty());
    const std::string value = s.required ? "required"
                              : none     ? (s.default_text.empty() ? "none" : s.default_text)
                              : s.kind == core::Kind::flag ? "off"
                              : s.default_text.empty()     ? "\"\""
                                                           : s.default_text;
    const std::string name = style == KeyStyle::deck ? s.key : "--" + s.flag();
    out << "| `" << name << "` | " << cell(s.type_text()) << " | " << cell(value) << " | "
        << cell(s.unit) << " | " << cell(s.help)
        << (s.run_control ? " (not stored in /config)" : "") << " |\n";
  }
}

std::vector<double> number_list(const std::string& field, const std::string& text) {
  core::OptionSpec number;
  number.key = field;
  number.kind = core::Kind::real;
  std::vector<double> out;
  std::stringstream in(text);
  for (std::string item; std::getline(in, item, ',');)
    out.push_back(std::get<double>(core::parse_text(number, trim(item))));
  if (out.empty())
    throw core::FieldError(field, "empty list");
  return out;
}

void rethrow_with_hint(const std::string& path, io::InputFormat expected,
                       const std::map<io::InputFormat, std::string>& readers) {
  const auto format = io::sniff_format(path);
  if (format == io::InputFormat::unknown || format == expected)
    throw;
  const auto reader = readers.find(format);
  const std::string hint = "this looks like " + std::string(io::describe(format)) +
                           (reader != readers.end() ? ": give it with " + reader->second
                                                    : ", which this option does not read "
                                                      "(docs/input-formats.md)");
  try {
    throw;
  } catch (const core::Error& e) {
    throw core::Error(std::string(e.what()) + " (" + hint + ")");
  }
}

void forget_partial_output(const std::filesystem::path& path) {
  std::error_code ec;
  std::filesystem::remove(io::partial_path(path), ec);
}

const core::OptionTable<OutputOptions>& output_options() {
  static const auto table =
      core::OptionTable<OutputOptions>()
          .add("output", &OutputOptions::output, "", "run archive RUN.h5")
          .required()
          .output()
          .add("overwrite", &OutputOptions::overwrite, "",
               "replace an existing RUN.h5 (when the run ends) or RUN.h5.partial (at once)")
          .as_flag()
          .run_control();
  return table;
}

const core::OptionTable<OutputOptions>& optional_output_options() {
  static const auto table =
      core::OptionTable<OutputOptions>()
          .add("output", &OutputOptions::output, "",
               "run archive RUN.h5 (`nuflare table --archive RUN.h5` prints its tables)")
          .no_default("no archive")
          .output()
          .add("overwrite", &OutputOptions::overwrite, "",
               "replace an existing RUN.h5 (when the run ends) or RUN.h5.partial (at once)")
          .as_flag()
          .run_control();
  return table;
}

void check_sweep_point(const Invocation& inv, const campaign::RunnerOptions& runner,
                       std::uint64_t n_trials) {
  // Global trial indices p·N … p·N + N − 1 are stored as signed 64-bit
  // integers (first_trial_index): (p + 1)·N must not exceed 2^63.
  if (runner.sweep_point == 0)
    return;
  const std::uint64_t max_point = (std::uint64_t{1} << 63) / n_trials - 1;
  if (runner.sweep_point > max_point)
    inv.fail("sweep-point", quoted(std::to_string(runner.sweep_point)) +
                                " is not an integer in [0, " + core::integer_text(max_point) +
                                "] (sweep_point·trials must fit in 63 bits with " +
                                inv.mention("trials", std::to_string(n_trials)) + ")");
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
    std::vector<std::string> inputs{"config"}; // the decks, then every input path
    for (const auto& spec : inv.specs)
      if (spec.path && !spec.output)
        inputs.push_back(spec.flag());
    for (const auto& name : inputs) {
      for (const auto& input : inv.texts(name))
        if (fs::equivalent(target, input, ec) && !ec)
          inv.fail("output", target.string() + what + " is the same file as " +
                                 inv.mention(name, input) + "; refusing to write over an input");
    }
  }
}

} // namespace

RunOutput::RunOutput(const Invocation& inv) : path_(inv.text("output")) {
  if (path_.extension() != ".h5" || path_.stem().empty())
    inv.fail("output", "the archive name must end in .h5, got " + quoted(path_.string()));
  refuse_inputs(inv, path_);
  lock_ = std::make_unique<io::OutputLock>(path_, inv.comm);

  const bool want_resume = inv.has("resume") && inv.text("resume") == "true";
  const bool overwrite = inv.has("overwrite") && inv.text("overwrite") == "true";
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
