#include "cli.hpp"

#include "nuflare/core/error.hpp"
#include "nuflare/io/line_reader.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <iostream>
#include <map>
#include <set>
#include <sstream>

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

//! One `key = value` line of a deck.
struct DeckEntry {
  std::string key;
  std::string value;
  std::string file;
  std::size_t line;
};

//! Reads an INI deck: `key = value`, `#`/`;` comments, `[section]` headers.
//! Keys in a section named after this subcommand apply; sections named after
//! other subcommands are skipped (one deck can serve several analyses).
std::vector<DeckEntry> read_deck(const std::string& path, const std::string& command) {
  std::set<std::string> known;
  for (const auto& c : commands())
    known.insert(c.name);
  io::LineReader lines(path);
  std::vector<DeckEntry> out;
  std::string section;
  std::string_view raw;
  while (lines.next(raw)) {
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
    std::string key = trim(line.substr(0, eq));
    std::string value = trim(line.substr(eq + 1));
    // An inline comment starts at " #".
    if (auto hash = value.find(" #"); hash != std::string::npos)
      value = trim(value.substr(0, hash));
    std::replace(key.begin(), key.end(), '_', '-');
    if (key.empty())
      throw core::InputError(path, lines.line_number(), "", "empty key");
    if (!section.empty() && section != command)
      continue;
    out.push_back({key, value, path, lines.line_number()});
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

} // namespace

std::vector<std::pair<std::string, std::string>> Invocation::resolved() const {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& [key, value] : options) {
    // Run control (resuming, progress) does not change results: keep it out
    // of /config so a resumed archive equals an uninterrupted one.
    if (key == "config" || key == "help" || key == "resume" || key == "checkpoint-seconds" ||
        key == "quiet" || key == "progress-seconds")
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
  po::parsed_options cli = [&] {
    try {
      return po::command_line_parser(argc, argv).options(desc).run();
    } catch (const po::error& e) {
      throw ConfigError(std::string("nuflare ") + command.name + ": " + e.what() +
                        " (see nuflare " + command.name + " --help)");
    }
  }();
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
  // program_options keeps the first value stored, so store the command line
  // first and the decks from the last to the first.
  std::vector<std::string> decks;
  if (vm.count("config"))
    decks = vm["config"].as<std::vector<std::string>>();
  for (auto it = decks.rbegin(); it != decks.rend(); ++it) {
    const auto entries = read_deck(*it, command.name);
    po::parsed_options parsed(&desc);
    const auto deck_dir = std::filesystem::path(*it).parent_path();
    for (const auto& e : entries) {
      const auto* opt = desc.find_nothrow(e.key, false);
      if (opt == nullptr || e.key == "config" || e.key == "help")
        throw core::InputError(e.file, e.line, e.key,
                               std::string("unknown key for nuflare ") + command.name);
      std::vector<std::string> values = opt->semantic()->max_tokens() > 1
                                            ? split_words(e.value)
                                            : std::vector<std::string>{e.value};
      const bool is_path = std::find(command.path_options.begin(), command.path_options.end(),
                                     e.key) != command.path_options.end();
      if (is_path)
        for (auto& v : values)
          if (!v.empty() && std::filesystem::path(v).is_relative())
            v = (deck_dir / v).lexically_normal().string();
      parsed.options.emplace_back(e.key, values);
      parsed.options.back().original_tokens = {e.key, e.value};
    }
    try {
      po::store(parsed, vm);
    } catch (const po::error& err) {
      throw ConfigError(*it + ": " + err.what());
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

std::vector<double> parse_number_list(const std::string& option, const std::string& text) {
  std::vector<double> out;
  std::stringstream in(text);
  for (std::string item; std::getline(in, item, ',');) {
    item = trim(item);
    std::size_t used = 0;
    double v = 0;
    try {
      v = std::stod(item, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (item.empty() || used != item.size() || !std::isfinite(v))
      throw ConfigError("--" + option + ": not a number: \"" + item + "\"");
    out.push_back(v);
  }
  if (out.empty())
    throw ConfigError("--" + option + ": empty list");
  return out;
}

std::filesystem::path output_path(const Invocation& inv) {
  const std::filesystem::path p = inv.get<std::string>("output");
  if (p.extension() != ".h5")
    throw ConfigError("--output: the archive name must end in .h5, got \"" + p.string() + "\"");
  return p;
}

void forget_partial_output(const std::filesystem::path& path) {
  std::error_code ec;
  std::filesystem::remove(io::partial_path(path), ec);
}

} // namespace nuflare::app

namespace nuflare::app {

void add_campaign_options(po::options_description& desc) {
  desc.add_options()(
      "checkpoint-seconds", po::value<double>()->default_value(0),
      "flush completed trials to RUN.h5.partial every S seconds (0: only at the end)")(
      "resume", po::bool_switch(), "continue from RUN.h5.partial (same options and inputs)")(
      "quiet", po::bool_switch(),
      "no progress output")("progress-seconds", po::value<double>()->default_value(30),
                            "interval of progress lines when stderr is not a terminal [s]")(
      "sweep-point", po::value<std::uint64_t>()->default_value(0),
      "sweep point p: trial k uses global index p*N + k (SPEC §6), so the points of a sweep "
      "draw independent trials from one seed");
}

campaign::RunnerOptions runner_options(const Invocation& inv) {
  campaign::RunnerOptions o;
  o.checkpoint_seconds = inv.get<double>("checkpoint-seconds");
  o.resume = inv.get<bool>("resume");
  o.quiet = inv.get<bool>("quiet");
  o.progress_seconds = inv.get<double>("progress-seconds");
  o.sweep_point = inv.get<std::uint64_t>("sweep-point");
  if (o.checkpoint_seconds < 0)
    throw ConfigError("--checkpoint-seconds must not be negative");
  return o;
}

io::Archive open_archive(const Invocation& inv, const std::filesystem::path& output,
                         const io::RunInfo& info) {
  if (!inv.has("resume") || !inv.get<bool>("resume"))
    return io::Archive::create(output, inv.comm, info);
  auto archive = io::Archive::open_partial(output, inv.comm);
  const std::string file = io::partial_path(output).string();
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
