#include "cli.hpp"

#include "nuflare/campaign/gather.hpp"
#include "nuflare/campaign/rng.hpp"
#include "nuflare/core/error.hpp"
#include "nuflare/io/deck.hpp"

#include <boost/make_shared.hpp>

#include <algorithm>
#include <climits>
#include <cstdlib>
#include <iostream>
#include <map>
#include <set>

namespace nuflare::app {

using core::ConfigError;

namespace {

//! The spec of command-line name `name` (`log10e-min`), or nullptr.
const core::OptionSpec* find_spec(const std::vector<core::OptionSpec>& specs,
                                  const std::string& name) {
  const auto it =
      std::find_if(specs.begin(), specs.end(), [&](const auto& s) { return s.flag() == name; });
  return it == specs.end() ? nullptr : &*it;
}

//! The spec of key `key` (`log10e_min`), or nullptr.
const core::OptionSpec* find_key(const std::vector<core::OptionSpec>& specs,
                                 const std::string& key) {
  const auto it =
      std::find_if(specs.begin(), specs.end(), [&](const auto& s) { return s.key == key; });
  return it == specs.end() ? nullptr : &*it;
}

// ---- options as program_options sees them -----------------------------------------

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
  std::vector<po::options_description> sections; // options under a heading of their own
  std::string section;
  for (const auto& s : specs) {
    if (s.section != section)
      sections.emplace_back(section = s.section);
    (s.section.empty() ? desc : sections.back())
        .add(boost::make_shared<po::option_description>(s.flag().c_str(), semantic(s),
                                                        s.describe().c_str()));
  }
  for (const auto& section : sections)
    desc.add(section);
  return desc;
}

// ---- decks -------------------------------------------------------------------

//! The values of one deck line as program_options tokens: words for a list
//! given all at once, paths made relative to the deck's folder.
std::vector<std::string> deck_tokens(const io::DeckLine& e, const core::OptionSpec& spec) {
  std::vector<std::string> values = spec.kind == core::Kind::list && !spec.composing
                                        ? e.words()
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
void check_deck(const std::vector<io::DeckLine>& entries,
                const std::vector<core::OptionSpec>& specs, const Command& command) {
  std::map<std::string, std::size_t> first_line;
  for (const auto& e : entries) {
    const auto* spec = find_key(specs, e.key);
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
  const auto rest = message.find_first_not_of(' ', colon + 1);
  return core::InputError(it->second.file, it->second.line, it->second.key,
                          rest == std::string::npos ? "" : message.substr(rest))
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
  info.command_line = "nuflare";
  for (const auto& a : argv)
    info.command_line += " " + a;
  info.config = resolved();
  info.inputs = std::move(inputs);
  info.rng_scheme = campaign::RNG_SCHEME;
  if (const char* job = std::getenv("SLURM_JOB_ID"))
    info.job_id = job;
  return info;
}

// ---- parsing -------------------------------------------------------------------

bool parse(const Command& command, int argc, char** argv, Invocation& out) {
  out.command = command.name;
  out.specs = command.bind().options();
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
  std::set<std::string> sections;
  for (const auto& c : commands())
    sections.insert(c.name);
  std::vector<std::vector<io::DeckLine>> entries;
  for (const auto& deck : decks) {
    entries.push_back(io::read_deck(deck, command.name, sections));
    check_deck(entries.back(), out.specs, command);
  }
  for (std::size_t k = entries.size(); k-- > 0;) {
    for (const auto& e : entries[k]) {
      const auto& spec = *find_key(out.specs, e.key);
      const std::string name = spec.flag();
      po::parsed_options parsed(&desc);
      parsed.options.emplace_back(name, deck_tokens(e, spec));
      parsed.options.back().original_tokens = {name, e.value};
      try {
        po::store(parsed, vm);
      } catch (const po::error& err) {
        throw core::InputError(e.file, e.line, e.written, err.what());
      }
      if (out.from_command_line.count(name) == 0 && out.from_deck.count(name) == 0)
        out.from_deck[name] = {e.file, e.line, e.written, static_cast<int>(k)};
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

void throw_with_hint(const core::InputError& error, const FormatHints& hints) {
  const auto given = hints.given.find(error.file());
  const auto format =
      given == hints.given.end() ? io::InputFormat::unknown : io::sniff_format(error.file());
  if (format == io::InputFormat::unknown || format == given->second)
    throw error;
  const auto reader = hints.readers.find(format);
  throw core::Error(std::string(error.what()) + " (this looks like " +
                    std::string(io::describe(format)) +
                    (reader != hints.readers.end()
                         ? ": give it with " + reader->second + ")"
                         : ", which this option does not read; docs/input-formats.md)"));
}

FormatHints time_test_hints(const campaign::TemporalSelection& s) {
  using F = io::InputFormat;
  FormatHints h{{{s.alerts, F::icecat_alerts}, {s.sources, F::source_catalog}},
                {{F::long_lightcurves, "--lightcurves (--lightcurve-format long)"},
                 {F::fermi_lcr, "--lightcurves and --lightcurve-format fermi-lcr"},
                 {F::fermi_4fgl_history, "--lightcurves and --lightcurve-format 4fgl-yearly"},
                 {F::icecat_alerts, "--alerts"},
                 {F::source_catalog, "--sources"}}};
  const auto given = s.format == campaign::LightCurveFormat::long_csv    ? F::long_lightcurves
                     : s.format == campaign::LightCurveFormat::fermi_lcr ? F::fermi_lcr
                                                                         : F::fermi_4fgl_history;
  for (const auto& f : s.lightcurves)
    h.given.emplace(f, given);
  return h;
}

campaign::RunOutput claim_output(const Invocation& inv) {
  std::vector<campaign::NamedInput> inputs;
  std::vector<std::string> names{"config"}; // the decks, then every input path
  for (const auto& spec : inv.specs)
    if (spec.path && !spec.output)
      names.push_back(spec.flag());
  for (const auto& name : names)
    for (const auto& input : inv.texts(name))
      inputs.push_back({input, inv.mention(name, input)});
  const auto flag = [&](const char* name) { return inv.has(name) && inv.text(name) == "true"; };
  campaign::RunOutput output(inv.text("output"), inputs, flag("resume"), flag("overwrite"),
                             inv.comm);
  const auto partial = io::partial_path(output.path()).string();
  if (output.state() == campaign::OutputState::partial_exists)
    throw ConfigError(partial +
                      " exists: add --resume to continue it or --overwrite to start over");
  if (output.state() == campaign::OutputState::final_exists)
    throw ConfigError(output.path().string() +
                      " exists: add --overwrite to replace it or choose another --output");
  return output;
}

void check_sweep_point(const Invocation& inv, const campaign::RunnerOptions& runner,
                       std::uint64_t n_trials) {
  // Global trial indices p·N … p·N + N − 1 are stored as signed 64-bit
  // integers (first_trial_index): (p + 1)·N must not exceed 2^63.
  if (runner.sweep_point == 0)
    return;
  const std::uint64_t max_point = (std::uint64_t{1} << 63) / n_trials - 1;
  if (runner.sweep_point > max_point)
    inv.fail("sweep-point", "\"" + std::to_string(runner.sweep_point) + "\"" +
                                " is not an integer in [0, " + core::integer_text(max_point) +
                                "] (sweep_point·trials must fit in 63 bits with " +
                                inv.mention("trials", std::to_string(n_trials)) + ")");
}

} // namespace nuflare::app
