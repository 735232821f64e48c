#include "nuflare/campaign/run_output.hpp"

#include "nuflare/campaign/gather.hpp"
#include "nuflare/core/validation.hpp"
#include "nuflare/io/file_hashes.hpp"

#include <algorithm>
#include <cstdlib>
#include <iostream>

namespace nuflare::campaign {

namespace {

//! Refuses an output that is one of the run's input files or decks: a run
//! writes RUN.h5.lock at once, RUN.h5.partial soon after and RUN.h5 at the
//! end, and any of them would destroy the input. Compared by file identity
//! (device and inode), so other spellings and links of a path count too.
void refuse_inputs(const std::filesystem::path& output, const std::vector<NamedInput>& inputs) {
  namespace fs = std::filesystem;
  const std::vector<std::pair<fs::path, std::string>> targets = {
      {output, ""},
      {io::partial_path(output), " (the partial archive)"},
      {io::OutputLock::lock_path(output), " (the lock file)"}};
  for (const auto& [target, what] : targets) {
    std::error_code ec;
    if (!fs::exists(target, ec))
      continue;
    for (const auto& input : inputs)
      if (fs::equivalent(target, input.path, ec) && !ec)
        throw core::FieldError("output", target.string() + what + " is the same file as " +
                                             input.label + "; refusing to write over an input");
  }
}

int rank_of(MPI_Comm comm) {
  int rank = 0;
  if (!serial(comm))
    MPI_Comm_rank(comm, &rank);
  return rank;
}

} // namespace

namespace {
core::OptionTable<OutputOptions> output_table(bool required) {
  auto table = core::OptionTable<OutputOptions>().add(
      "output", &OutputOptions::output, "",
      required ? "run archive RUN.h5"
               : "run archive RUN.h5 (`nuflare table --archive RUN.h5` prints its tables)");
  (required ? table.required() : table.no_default("no archive")).output();
  return table
      .add("overwrite", &OutputOptions::overwrite, "",
           "replace an existing RUN.h5 (when the run ends) or RUN.h5.partial (at once)")
      .as_flag()
      .run_control();
}
} // namespace

const core::OptionTable<OutputOptions>& OutputOptions::options() {
  static const auto table = output_table(true);
  return table;
}

const core::OptionTable<OutputOptions>& OutputOptions::optional_options() {
  static const auto table = output_table(false);
  return table;
}

RunOutput::RunOutput(const std::filesystem::path& output, const std::vector<NamedInput>& inputs,
                     bool resume, bool overwrite, MPI_Comm comm)
    : path_(output) {
  if (path_.extension() != ".h5" || path_.stem().empty())
    throw core::FieldError("output",
                           "the archive name must end in .h5, got \"" + path_.string() + "\"");
  refuse_inputs(path_, inputs);
  lock_ = std::make_unique<io::OutputLock>(path_, comm);
  // Rank 0 looks (under the lock, so nothing changes meanwhile); every rank
  // learns the verdict.
  auto state = OutputState::fresh;
  if (rank_of(comm) == 0) {
    std::error_code ec;
    const bool has_partial = std::filesystem::exists(io::partial_path(path_), ec);
    const bool has_final = std::filesystem::exists(path_, ec);
    if (has_partial && resume)
      state = OutputState::resume;
    else if (has_partial && !overwrite)
      state = OutputState::partial_exists;
    else if (has_final && !overwrite)
      state = OutputState::final_exists;
    if (resume && !has_partial && state == OutputState::fresh)
      std::cerr << "nuflare: note: " << io::partial_path(path_).string()
                << " does not exist; starting a fresh run\n";
  }
  state_ = static_cast<OutputState>(broadcast_from_root(comm, static_cast<int>(state)));
}

io::Archive RunOutput::open(const io::RunInfo& info, MPI_Comm comm) const {
  if (!resume())
    return io::Archive::create(path_, comm, info);
  auto archive = io::Archive::open_partial(path_, comm);
  const std::string file = io::partial_path(path_).string();
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
    if (hashes[i] != io::input_sha256(info.inputs[i])) // hashed once per run (io/file_hashes.hpp)
      throw core::InputError(file, 0, info.inputs[i].string(),
                             "input file changed since the partial archive was written");
  return archive;
}

void RunOutput::forget_partial(MPI_Comm comm) const {
  if (resume() || rank_of(comm) != 0)
    return;
  std::error_code ec;
  std::filesystem::remove(io::partial_path(path_), ec);
}

void refuse_guarded_folder(const std::filesystem::path& output,
                           const std::vector<std::string>& decks) {
  namespace fs = std::filesystem;
  const auto resolved = [](const fs::path& p) {
    std::error_code ec;
    fs::path q = fs::weakly_canonical(fs::absolute(p), ec);
    if (ec)
      q = fs::absolute(p).lexically_normal();
    if (q.filename().empty() && q.has_relative_path())
      q = q.parent_path(); // "a/b/" names a/b
    return q;
  };
  std::vector<std::pair<fs::path, std::string>> guarded;
  std::vector<fs::path> starts{resolved(fs::current_path())};
  guarded.emplace_back(starts.front(), "the current folder");
  for (const auto& deck : decks) {
    starts.push_back(resolved(deck).parent_path());
    guarded.emplace_back(starts.back(), "the folder of deck " + deck);
  }
  std::error_code ec;
  if (const auto exe = fs::read_symlink("/proc/self/exe", ec); !ec)
    starts.push_back(exe.parent_path());
  for (const auto& start : starts)
    for (fs::path dir = start;; dir = dir.parent_path()) {
      if (fs::exists(dir / ".git", ec)) {
        guarded.emplace_back(dir, "the git repository " + dir.string());
        break;
      }
      if (dir == dir.parent_path())
        break;
    }
  if (const char* home = std::getenv("HOME"); home != nullptr && *home != '\0')
    guarded.emplace_back(resolved(home), "$HOME");
  guarded.emplace_back(fs::path("/"), "/");

  const fs::path target = resolved(output);
  if (fs::exists(target / ".git", ec))
    guarded.emplace_back(target, "a git repository");
  for (const auto& [dir, what] : guarded) {
    // `target` contains `dir` when its components are a prefix of dir's.
    const auto [t, d] = std::mismatch(target.begin(), target.end(), dir.begin(), dir.end());
    if (t == target.end())
      throw core::FieldError("output", output.string() + " is or contains " + what +
                                           "; refusing to write there (choose a new folder)");
  }
}

void write_table_once(io::Archive& archive, const std::string& path, const io::Table& table) {
  if (!archive.exists(path))
    archive.write_table(path, table);
}

} // namespace nuflare::campaign
