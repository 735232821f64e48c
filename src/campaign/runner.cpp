#include "nuflare/campaign/runner.hpp"

#include "nuflare/campaign/collective.hpp"
#include "nuflare/core/validation.hpp"

#include <unistd.h>

#include <algorithm>
#include <climits>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <limits>
#include <sstream>

namespace nuflare::campaign {

namespace {

volatile std::sig_atomic_t g_stop = 0;
volatile std::sig_atomic_t g_first_signal_s = 0; //!< CLOCK_MONOTONIC seconds of the first

extern "C" void on_stop_signal(int sig) {
  timespec now{};
  clock_gettime(CLOCK_MONOTONIC, &now); // async-signal-safe, like everything here
  if (g_stop != 0 && now.tv_sec - g_first_signal_s >= 2) {
    // A second signal seconds after the first: whoever sends it means it
    // (the run may be stuck). Stop at once, as without a handler. Copies of
    // one signal (mpirun and the terminal both forwarding it) come together.
    struct sigaction dfl {};
    dfl.sa_handler = SIG_DFL;
    sigemptyset(&dfl.sa_mask);
    sigaction(sig, &dfl, nullptr);
    raise(sig);
    return;
  }
  if (g_stop == 0)
    g_first_signal_s = static_cast<std::sig_atomic_t>(now.tv_sec);
  g_stop = 1;
}

std::string duration_text(double seconds) {
  char buf[32];
  if (seconds < 0 || seconds > 1e7)
    return "?";
  const auto s = static_cast<long>(seconds + 0.5);
  if (s >= 3600)
    std::snprintf(buf, sizeof buf, "%ldh%02ldm", s / 3600, (s / 60) % 60);
  else if (s >= 60)
    std::snprintf(buf, sizeof buf, "%ldm%02lds", s / 60, s % 60);
  else
    std::snprintf(buf, sizeof buf, "%lds", s);
  return buf;
}

std::string bytes_text(double bytes) {
  char buf[32];
  const char* units[] = {"B", "kB", "MB", "GB", "TB", "PB", "EB"};
  int u = 0;
  while (bytes >= 1000 && u < 6) {
    bytes /= 1000;
    ++u;
  }
  std::snprintf(buf, sizeof buf, u == 0 ? "%.0f %s" : "%.1f %s", bytes, units[u]);
  return buf;
}

//! A number from a /proc or /sys file's line starting with `key` (the whole
//! file when `key` is empty); nullopt when absent or "max".
std::optional<double> read_number(const std::string& file, const std::string& key) {
  std::ifstream in(file);
  for (std::string line; std::getline(in, line);) {
    if (line.rfind(key, 0) != 0)
      continue;
    std::istringstream words(line.substr(key.size()));
    double value = 0;
    if (words >> value)
      return value;
    return std::nullopt;
  }
  return std::nullopt;
}

//! Memory this rank may use [bytes]: what the node has available (the
//! kernel's MemAvailable, or the job's cgroup limit when lower, as under
//! Slurm) shared by the ranks on the node; 0 when unknown.
double available_memory_per_rank(MPI_Comm comm) {
  std::optional<double> avail = read_number("/proc/meminfo", "MemAvailable:");
  if (avail)
    *avail *= 1024; // kB
  std::string cgroup;
  {
    std::ifstream in("/proc/self/cgroup");
    for (std::string line; std::getline(in, line);)
      if (line.rfind("0::", 0) == 0)
        cgroup = line.substr(3);
  }
  const std::string dir = "/sys/fs/cgroup" + cgroup;
  const auto limit = read_number(dir + "/memory.max", "");
  const auto used = read_number(dir + "/memory.current", "");
  if (limit && used && *limit > *used)
    avail = avail ? std::min(*avail, *limit - *used) : *limit - *used;
  return avail ? *avail / ranks_on_node(comm) : 0.0;
}

template <class T>
MPI_Datatype mpi_type();
template <>
MPI_Datatype mpi_type<double>() {
  return MPI_DOUBLE;
}
template <>
MPI_Datatype mpi_type<std::int64_t>() {
  return MPI_INT64_T;
}

//! Turns increasing row ranges into few RowBlocks: runs of equal length at a
//! constant stride (a rank's pieces of successive rounds) become one.
class BlockBuilder {
public:
  void add(std::uint64_t begin, std::uint64_t end) {
    if (end <= begin)
      return;
    const std::uint64_t n = end - begin;
    if (cur_.count == 1 && n == cur_.block && begin - cur_.first >= n) {
      cur_.stride = begin - cur_.first;
      cur_.count = 2;
      return;
    }
    if (cur_.count > 1 && n == cur_.block && begin == cur_.first + cur_.count * cur_.stride) {
      ++cur_.count;
      return;
    }
    if (cur_.count > 0)
      blocks_.push_back(cur_);
    cur_ = {begin, n, n, 1};
  }
  std::vector<io::RowBlocks> take() {
    if (cur_.count > 0)
      blocks_.push_back(cur_);
    cur_ = {};
    return std::move(blocks_);
  }

private:
  io::RowBlocks cur_{};
  std::vector<io::RowBlocks> blocks_;
};

//! How the ranks of a campaign agree on stops and checkpoints without
//! stopping for each other (docs/scaling.md, "Synchronisations"). Each rank
//! offers its state after a round with a non-blocking MPI_Iallreduce on a
//! communicator of its own (so the archive's collectives never interleave
//! with it) and tests it after its next rounds; only one is outstanding per
//! rank, so every rank sees the same sequence of results. A rank that is
//! ahead keeps computing meanwhile. One process without MPI (MPI_COMM_NULL)
//! agrees with itself: an offer completes at once, and the next poll returns
//! it, as a one-rank MPI_Iallreduce would.
class Agreement {
public:
  //! Reduced with MPI_MAX: any rank's stop or checkpoint, whether any rank
  //! still works, and (negated) the fewest rounds any rank has finished.
  struct State {
    std::int64_t stop = 0, checkpoint = 0, working = 0, neg_rounds_done = 0;
  };
  static_assert(sizeof(State) == 4 * sizeof(std::int64_t));
  explicit Agreement(MPI_Comm comm) {
    if (comm == MPI_COMM_NULL)
      return;
    // The ranks come from the group's archive writes at different times on a
    // busy node (rank 0 writes the data): they wait quietly (collective.hpp).
    MPI_Request request = MPI_REQUEST_NULL;
    MPI_Comm_idup(comm, &comm_, &request);
    wait_quietly(request);
  }
  ~Agreement() {
    if (comm_ != MPI_COMM_NULL)
      MPI_Comm_free(&comm_);
  }
  Agreement(const Agreement&) = delete;
  Agreement& operator=(const Agreement&) = delete;

  //! The result of the outstanding offer if it has completed; otherwise
  //! offers `mine` when nothing is outstanding. Never waits.
  std::optional<State> poll(const State& mine) {
    if (!outstanding_) {
      offer(mine);
      return std::nullopt;
    }
    if (comm_ != MPI_COMM_NULL) {
      int done = 0;
      MPI_Test(&request_, &done, MPI_STATUS_IGNORE);
      if (done == 0)
        return std::nullopt;
    }
    outstanding_ = false;
    return agreed_;
  }
  //! The result of the outstanding offer (or of `mine`, offered now), waiting quietly.
  State wait(const State& mine) {
    if (!outstanding_)
      offer(mine);
    if (comm_ != MPI_COMM_NULL)
      wait_quietly(request_);
    outstanding_ = false;
    return agreed_;
  }
  //! The fewest rounds any rank has finished now (collective, waits quietly):
  //! what a checkpoint can save.
  std::uint64_t least(std::uint64_t rounds_done) {
    if (comm_ == MPI_COMM_NULL)
      return rounds_done;
    std::uint64_t least = 0;
    MPI_Request request = MPI_REQUEST_NULL;
    MPI_Iallreduce(&rounds_done, &least, 1, MPI_UINT64_T, MPI_MIN, comm_, &request);
    wait_quietly(request);
    return least;
  }

private:
  void offer(const State& mine) {
    mine_ = mine;
    outstanding_ = true;
    if (comm_ == MPI_COMM_NULL)
      agreed_ = mine_;
    else
      MPI_Iallreduce(&mine_, &agreed_, 4, MPI_INT64_T, MPI_MAX, comm_, &request_);
  }
  MPI_Comm comm_ = MPI_COMM_NULL; //!< MPI_COMM_NULL: one process without MPI
  MPI_Request request_ = MPI_REQUEST_NULL;
  bool outstanding_ = false; //!< an offer whose result has not been returned yet
  State mine_, agreed_;
};

} // namespace

void install_signal_handlers() {
  struct sigaction action {};
  action.sa_handler = on_stop_signal;
  sigemptyset(&action.sa_mask);
  sigaction(SIGTERM, &action, nullptr);
  sigaction(SIGINT, &action, nullptr);
}

bool stop_requested() noexcept {
  return g_stop != 0;
}

void clear_stop_request() noexcept {
  g_stop = 0;
}

TrialRunner::TrialRunner(io::Archive& archive, MPI_Comm comm, std::string group,
                         std::uint64_t n_trials, RunnerOptions options)
    : archive_(archive), comm_(comm), group_(std::move(group)), n_trials_(n_trials),
      options_(std::move(options)) {
  rank_ = comm_rank(comm_);
  size_ = comm_size(comm_);
  if (options_.sweep_point > 0 &&
      n_trials_ > std::numeric_limits<std::uint64_t>::max() / (options_.sweep_point + 1))
    throw core::FieldError("sweep_point", "sweep point × trials exceeds the 64-bit trial index");
  first_index_ = options_.sweep_point * n_trials_;
  if (!options_.resume && archive_.exists(group_ + "/trials/done"))
    throw core::Error(archive_.path().string() + ": " + group_ + "/trials/done exists already");
  install_signal_handlers();
}

template <class T>
std::vector<std::vector<T>>& TrialRunner::local_rows() {
  if constexpr (std::is_same_v<T, double>)
    return f64_;
  else
    return i64_;
}
template <class T>
const std::vector<std::vector<T>>& TrialRunner::local_rows() const {
  return const_cast<TrialRunner*>(this)->local_rows<T>();
}

template <io::RowValue T>
std::size_t TrialRunner::add(const std::string& name, std::uint64_t n_cols, const std::string& unit,
                             const std::string& description,
                             std::optional<std::uint64_t> max_count) {
  constexpr bool integer = std::is_same_v<T, std::int64_t>;
  if (prepared_)
    throw core::Error("TrialRunner: datasets are declared before run()");
  if (!integer && max_count)
    throw core::Error("TrialRunner: " + name + ": max_count is for integer counts");
  const io::RowType type = !integer    ? io::RowType::f64
                           : max_count ? io::count_type(*max_count)
                                       : io::RowType::i64;
  datasets_.push_back(
      {name, group_ + "/trials/" + name, {n_cols, type, 1}, integer, unit, description});
  auto& rows = local_rows<T>();
  rows.emplace_back();
  return rows.size() - 1;
}
template std::size_t TrialRunner::add<double>(const std::string&, std::uint64_t, const std::string&,
                                              const std::string&, std::optional<std::uint64_t>);
template std::size_t TrialRunner::add<std::int64_t>(const std::string&, std::uint64_t,
                                                    const std::string&, const std::string&,
                                                    std::optional<std::uint64_t>);

WorkRange TrialRunner::piece(std::uint64_t round) const {
  const std::uint64_t lo = resumed_ + round * round_rows_;
  const auto w = work_range(std::min(round_rows_, n_trials_ - lo), rank_, size_);
  return {lo + w.begin, lo + w.end};
}

std::uint64_t TrialRunner::chunk_floor(std::uint64_t rows) const {
  // Only whole chunks are saved before the end: each chunk is then written
  // once, complete, and never rewritten (a rewrite in place is what a
  // failing write could leave half done).
  return rows >= n_trials_ ? n_trials_ : rows / chunk_rows_ * chunk_rows_;
}

void TrialRunner::check_memory() const {
  // Every rank keeps its own rows of this run and, for the summary, all
  // trials' rows gathered (gather<T>()), 8 bytes per value.
  double row_bytes = 0;
  for (const auto& d : datasets_)
    row_bytes += 8.0 * static_cast<double>(d.layout.n_cols);
  const double n = static_cast<double>(n_trials_);
  // The share also pays, while a checkpoint writes it, its `done` flags and
  // the values converted to their stored types.
  const double share =
      (std::ceil(n / size_) + static_cast<double>(per_round_)) * (2 * row_bytes + 8);
  const double gathered = n * row_bytes;
  const double available = available_memory_per_rank(comm_);
  double worst[2] = {share + gathered, available > 0 ? -available : 0.0};
  if (comm_ != MPI_COMM_NULL) { // largest need, smallest memory, waiting quietly
    MPI_Request request = MPI_REQUEST_NULL;
    MPI_Iallreduce(MPI_IN_PLACE, worst, 2, MPI_DOUBLE, MPI_MAX, comm_, &request);
    wait_quietly(request);
  }
  const double need = worst[0], avail = -worst[1];
  // Without a figure for the memory, only what no machine has is refused.
  const double limit = avail > 0 ? avail : 1e15;
  if (need <= limit)
    return;
  std::string advice = "use fewer trials";
  if (gathered < 0.9 * limit)
    advice += ", or more ranks spread over more nodes";
  throw core::ConfigError(group_ + ": " + std::to_string(n_trials_) + " trials need " +
                          bytes_text(need) + " of memory per rank (" + bytes_text(share) +
                          " for the rank's share, " + bytes_text(gathered) +
                          " for all trials gathered for the summary), but " +
                          (avail > 0 ? "about " + bytes_text(avail) + " is available per rank"
                                     : "that is more than any machine has") +
                          "; " + advice);
}

void TrialRunner::create_datasets() {
  const std::string trials = group_ + "/trials";
  archive_.create_group(trials);
  archive_.set_attribute(trials, "first_trial_index", static_cast<std::int64_t>(first_index_));
  archive_.set_attribute(trials, "n_trials", static_cast<std::int64_t>(n_trials_));
  archive_.set_attribute(trials, "rows", std::int64_t{0});
  for (const auto& d : datasets_)
    archive_.create_rows(d.path, d.layout, d.unit, d.description);
  archive_.flush(); // a signal from here on finds a valid file with no trials yet
}

std::uint64_t TrialRunner::check_resumed() {
  const std::string trials = group_ + "/trials";
  const std::string file = archive_.path().string();
  const auto refuse = [&](const std::string& field, const std::string& what) {
    throw core::InputError(file, 0, field, what + "; rerun without --resume");
  };
  // The commit record: rows [0, rows) were saved by the last checkpoint.
  for (const char* name : {"rows", "n_trials", "first_trial_index"})
    if (!archive_.has_attribute(trials, name))
      refuse(trials + "@" + name, "missing from the partial archive");
  const double rows_attr = archive_.number_attribute(trials, "rows");
  if (archive_.number_attribute(trials, "n_trials") != static_cast<double>(n_trials_))
    refuse(trials + "@n_trials", "partial archive has a different number of trials");
  if (archive_.number_attribute(trials, "first_trial_index") != static_cast<double>(first_index_))
    refuse(trials + "@first_trial_index", "partial archive is of another sweep point");
  if (!(rows_attr >= 0 && rows_attr <= static_cast<double>(n_trials_)) ||
      rows_attr != std::floor(rows_attr) ||
      chunk_floor(static_cast<std::uint64_t>(rows_attr)) != static_cast<std::uint64_t>(rows_attr))
    refuse(trials + "@rows", "not a checkpoint of " + std::to_string(n_trials_) +
                                 " trials in chunks of " + std::to_string(chunk_rows_) + " rows");
  const auto rows = static_cast<std::uint64_t>(rows_attr);

  // Every dataset, through a read-only look, before anything opens it for
  // writing: parallel HDF5 would allocate a dataset without storage as soon as
  // it is opened, whatever its size.
  const auto describe = [](const std::vector<std::uint64_t>& dims, const std::string& type,
                           const std::vector<std::uint64_t>& chunk, bool extendible, bool shuffle,
                           bool deflate) {
    std::string out = "[";
    for (std::size_t i = 0; i < dims.size(); ++i)
      out += (i ? " × " : "") + std::to_string(dims[i]);
    out += "] " + type;
    out += chunk.empty() ? ", not chunked" : ", chunks of " + std::to_string(chunk[0]) + " rows";
    out += shuffle ? ", shuffled" : "";
    out += deflate ? ", deflated" : ", not compressed";
    return out + (extendible ? "" : ", fixed size");
  };
  std::vector<std::string> expected_names{"done"};
  for (std::size_t k = 0; k < datasets_.size(); ++k) {
    const auto& d = datasets_[k];
    expected_names.push_back(d.name);
    const io::RowsInfo info = archive_.inspect_rows(d.path);
    if (!info.exists) {
      if (rows == 0) { // stopped while the datasets were being created
        archive_.create_rows(d.path, d.layout, d.unit, d.description);
        continue;
      }
      refuse(d.path, "missing from the partial archive");
    }
    const std::uint64_t cols = d.layout.n_cols;
    const std::string type(io::row_type_name(d.layout.type));
    const bool shuffled = io::row_type_bytes(d.layout.type) > 1;
    const std::string want =
        describe({rows, cols}, type, {chunk_rows_, cols}, true, shuffled, true);
    const bool shape_ok = info.dataset && info.dims.size() == 2 && info.dims[1] == cols &&
                          info.dims[0] >= rows && info.dims[0] <= n_trials_ &&
                          info.max_dims == std::vector<std::uint64_t>{io::ROWS_UNLIMITED, cols};
    const bool storage_ok = info.type == type &&
                            info.chunk == std::vector<std::uint64_t>{chunk_rows_, cols} &&
                            info.deflate && info.shuffle == shuffled;
    if (!info.dataset)
      refuse(d.path, "not a dataset; expected " + want);
    if (!shape_ok || !storage_ok) {
      const bool extendible = !info.max_dims.empty() && info.max_dims[0] == io::ROWS_UNLIMITED;
      refuse(d.path, "expected " + want + ", found " +
                         describe(info.dims, info.type, info.chunk, extendible, info.shuffle,
                                  info.deflate));
    }
    if (info.dims[0] > 0 && info.storage_bytes == 0)
      refuse(d.path, "its rows were never written");
    const auto sum = info.checksum ? io::RowChecksum::from_hex(*info.checksum) : std::nullopt;
    if (!sum)
      refuse(d.path + "@checksum", "missing or malformed");
    sums_[k] = *sum;
    // Rows beyond the commit record belong to a checkpoint that did not finish.
    if (info.dims[0] > rows)
      archive_.resize_rows(d.path, rows);
  }
  for (const auto& member : archive_.list(trials))
    if (std::find(expected_names.begin(), expected_names.end(), member) == expected_names.end())
      refuse(trials + "/" + member, "not a dataset this analysis writes");

  // The saved rows against their checksums, each rank a share.
  const auto share = work_range(rows, rank_, size_);
  for (std::size_t k = 0; k < datasets_.size(); ++k) {
    const auto& d = datasets_[k];
    const io::RowChecksum sum =
        archive_.checksum_rows(d.path, share.begin, share.end).summed(comm_);
    if (!(sum == sums_[k]))
      refuse(d.path, "checksum mismatch — the checkpoint was modified");
  }
  // `done` is 1 on every saved row (its checksum held above).
  const auto done = archive_.read_rows<std::int64_t>(datasets_.back().path, share.begin, share.end);
  int bad = std::any_of(done.begin(), done.end(), [](std::int64_t v) { return v != 1; }) ? 1 : 0;
  allreduce(std::span<int>(&bad, 1), MPI_MAX, comm_);
  if (bad != 0)
    refuse(datasets_.back().path, "a saved trial is not marked done");
  return rows;
}

void TrialRunner::prepare() {
  if (prepared_)
    return;
  prepared_ = true;
  per_round_ = std::max<std::uint64_t>(1, options_.round_trials);
  round_rows_ = per_round_ * static_cast<std::uint64_t>(size_);
  check_memory(); // before anything is allocated
  // `done` last: the declared datasets keep their indices.
  datasets_.push_back({"done",
                       group_ + "/trials/done",
                       {1, io::RowType::u8, 1},
                       true,
                       "",
                       "1 when the trial has been computed (checkpoint bookkeeping)"});
  std::uint64_t widest = 1;
  for (const auto& d : datasets_)
    widest = std::max(widest, d.layout.n_cols * io::row_type_bytes(d.layout.type));
  // One chunk height for all datasets, so that checkpoints save whole chunks of each.
  chunk_rows_ = io::chunk_rows_for(n_trials_, widest);
  for (auto& d : datasets_)
    d.layout.chunk_rows = chunk_rows_;
  sums_.assign(datasets_.size(), io::RowChecksum{});
  if (options_.resume && archive_.exists(group_ + "/trials/done"))
    resumed_ = check_resumed();
  else
    create_datasets();
  committed_ = resumed_;
  const std::uint64_t left = n_trials_ - resumed_;
  rounds_ = (left + round_rows_ - 1) / round_rows_;
  const std::uint64_t local_rows =
      rounds_ == 0 ? 0 : (rounds_ - 1) * per_round_ + piece(rounds_ - 1).size();
  std::size_t fi = 0, ii = 0;
  for (std::size_t k = 0; k + 1 < datasets_.size(); ++k) { // all but `done`
    const auto& d = datasets_[k];
    if (d.integer)
      i64_[ii++].assign(local_rows * d.layout.n_cols, 0);
    else
      f64_[fi++].assign(local_rows * d.layout.n_cols, 0.0);
  }
}

void TrialRunner::commit_rows(std::uint64_t target) {
  if (target <= committed_)
    return;
  // This rank's rows in [committed_, target): pieces of successive rounds,
  // back to back in the local buffers from `local_begin`.
  BlockBuilder builder;
  std::uint64_t local_begin = 0, local_rows = 0;
  bool first = true;
  for (std::uint64_t k = (committed_ - resumed_) / round_rows_; k < rounds_; ++k) {
    if (resumed_ + k * round_rows_ >= target)
      break;
    const WorkRange p = piece(k);
    const std::uint64_t lo = std::max(p.begin, committed_), hi = std::min(p.end, target);
    if (hi <= lo)
      continue;
    if (first)
      local_begin = k * per_round_ + (lo - p.begin);
    first = false;
    builder.add(lo, hi);
    local_rows += hi - lo;
  }
  const auto blocks = builder.take();
  const std::string trials = group_ + "/trials";
  try {
    std::uint64_t row_bytes = 0;
    for (const auto& d : datasets_)
      row_bytes += d.layout.n_cols * io::row_type_bytes(d.layout.type);
    const std::uint64_t bytes = (target - committed_) * row_bytes;
    const std::uint64_t chunks = (target - committed_) / chunk_rows_ + 1;
    // The whole checkpoint's space first: a full disk stops it before any change.
    archive_.reserve(bytes + bytes / 64 + chunks * 4096 * datasets_.size());
    const std::vector<std::int64_t> ones(local_rows, 1);
    std::size_t fi = 0, ii = 0;
    for (std::size_t k = 0; k < datasets_.size(); ++k) {
      const auto& d = datasets_[k];
      const std::uint64_t cols = d.layout.n_cols;
      archive_.resize_rows(d.path, target);
      if (k + 1 == datasets_.size()) // done
        sums_[k] += archive_.write_rows(d.path, blocks, std::span<const std::int64_t>(ones));
      else if (d.integer)
        sums_[k] += archive_.write_rows(d.path, blocks,
                                        std::span<const std::int64_t>(i64_[ii++])
                                            .subspan(local_begin * cols, local_rows * cols));
      else
        sums_[k] += archive_.write_rows(
            d.path, blocks,
            std::span<const double>(f64_[fi++]).subspan(local_begin * cols, local_rows * cols));
      archive_.set_attribute(d.path, "checksum", sums_[k].hex());
    }
    // The commit record last: a resume trusts rows [0, rows) only.
    archive_.set_attribute(trials, "rows", static_cast<std::int64_t>(target));
    archive_.flush();
  } catch (const core::IoError& e) {
    const std::string saved = group_ + ": the checkpoint of " + std::to_string(committed_) +
                              " of " + std::to_string(n_trials_) + " trials";
    throw core::IoError(std::string(e.what()) + "; " +
                        (archive_.intact()
                             ? saved + " is intact — free space and rerun with --resume"
                             : saved + " should have survived — rerun with --resume, which "
                                       "checks it"));
  }
  committed_ = target;
}

void TrialRunner::report_progress(std::uint64_t done_global, bool final) {
  if (options_.quiet || rank_ != 0)
    return;
  const double now = seconds_now();
  const bool tty = isatty(STDERR_FILENO) != 0;
  if (!final && !tty && now - last_report_ < options_.progress_seconds)
    return;
  if (!final && tty && now - last_report_ < 0.2)
    return;
  last_report_ = now;
  const double elapsed = std::max(now - started_, 1e-9);
  // Rate over all ranks, from this run's work (resumed trials excluded).
  const double rate = static_cast<double>(done_global - resumed_) / elapsed;
  const double eta = rate > 0 ? static_cast<double>(n_trials_ - done_global) / rate : -1;
  char line[200];
  std::snprintf(line, sizeof line, "[%s] %llu/%llu %s  %.0f/s  elapsed %s  ETA %s",
                group_.c_str() + (group_.empty() ? 0 : 1),
                static_cast<unsigned long long>(done_global),
                static_cast<unsigned long long>(n_trials_), options_.label.c_str(), rate,
                duration_text(elapsed).c_str(), final ? "0s" : duration_text(eta).c_str());
  if (tty)
    std::fprintf(stderr, "\r%s\033[K%s", line, final ? "\n" : "");
  else
    std::fprintf(stderr, "%s\n", line);
  std::fflush(stderr);
}

void TrialRunner::run(const std::function<void(std::uint64_t g, TrialRows& rows)>& trial) {
  run_batched([&](std::span<const std::uint64_t> g, std::span<TrialRows> rows) {
    for (std::size_t k = 0; k < g.size(); ++k)
      trial(g[k], rows[k]);
  });
}

void TrialRunner::run_batched(const BatchFunction& batch) {
  prepare();
  std::vector<std::uint64_t> pending;
  std::vector<TrialRows> rows;
  std::vector<std::uint64_t> f64_cols, i64_cols;
  for (std::size_t k = 0; k + 1 < datasets_.size(); ++k)
    (datasets_[k].integer ? i64_cols : f64_cols).push_back(datasets_[k].layout.n_cols);

  started_ = seconds_now();
  last_report_ = started_;
  double last_checkpoint = started_;
  // Ranks agree on stops and checkpoints without waiting for each other
  // (Agreement): a rank that finished a round offers its state and goes on.
  // Every rank sees the same results in the same order and acts on each
  // alike, so the checkpoints' collective writes match; ranks wait for each
  // other only there and at the end.
  Agreement agreement(comm_);
  std::uint64_t rounds_done = 0;
  const auto state = [&]() {
    const bool due = rank_ == 0 && options_.checkpoint_seconds > 0 &&
                     seconds_now() - last_checkpoint >= options_.checkpoint_seconds;
    return Agreement::State{stop_requested() ? 1 : 0, due ? 1 : 0, rounds_done < rounds_ ? 1 : 0,
                            -static_cast<std::int64_t>(rounds_done)};
  };
  // Acts on an agreed state; true when every rank has finished its rounds.
  const auto act = [&](const Agreement::State& agreed) {
    const bool finished = agreed.working == 0;
    if (agreed.stop > 0 || (agreed.checkpoint > 0 && !finished)) {
      // Save what every rank has finished by now (its rounds are a prefix).
      const std::uint64_t least = agreement.least(rounds_done);
      const std::uint64_t done = std::min(n_trials_, resumed_ + least * round_rows_);
      commit_rows(chunk_floor(done));
      if (agreed.stop > 0)
        throw Interrupted(group_ + ": interrupted after " + std::to_string(done) + " of " +
                          std::to_string(n_trials_) + " trials, " + std::to_string(committed_) +
                          " of them saved in " + archive_.path().string() +
                          " — rerun with --resume to continue");
      last_checkpoint = seconds_now();
    }
    const auto least = static_cast<std::uint64_t>(-agreed.neg_rounds_done);
    if (!finished) // the last line comes after the final write
      report_progress(std::min(n_trials_, resumed_ + least * round_rows_), false);
    return finished;
  };

  bool finished = rounds_ == 0;
  for (std::uint64_t round = 0; round < rounds_; ++round) {
    // This rank's piece of the round, handed over at once.
    const WorkRange p = piece(round);
    const std::uint64_t local = round * per_round_;
    pending.clear();
    for (std::uint64_t row = p.begin; row < p.end; ++row) {
      const std::uint64_t at = local + (row - p.begin);
      if (rows.size() == pending.size())
        rows.push_back({std::vector<std::span<double>>(f64_.size()),
                        std::vector<std::span<std::int64_t>>(i64_.size())});
      TrialRows& r = rows[pending.size()];
      for (std::size_t k = 0; k < f64_.size(); ++k)
        r.f64[k] = std::span<double>(f64_[k].data() + at * f64_cols[k], f64_cols[k]);
      for (std::size_t k = 0; k < i64_.size(); ++k)
        r.i64[k] = std::span<std::int64_t>(i64_[k].data() + at * i64_cols[k], i64_cols[k]);
      pending.push_back(first_index_ + row);
    }
    if (!pending.empty())
      batch(pending, std::span<TrialRows>(rows).first(pending.size()));
    computed_ += pending.size();
    rounds_done = round + 1;
    if (const auto agreed = agreement.poll(state()))
      finished = act(*agreed);
  }
  // Done here: wait (quietly) until every rank is, acting on what comes.
  while (!finished)
    finished = act(agreement.wait(state()));
  commit_rows(n_trials_);
  report_progress(n_trials_, true);
}

template <class T>
std::vector<T> TrialRunner::gather_rows(const Dataset& d, const std::vector<T>& local,
                                        int root) const {
  const std::uint64_t cols = d.layout.n_cols;
  const bool here = root < 0 || root == rank_;
  std::vector<T> out(here ? n_trials_ * cols : 0);
  // Rows of earlier runs: from the archive (their checksums held at the start).
  if (resumed_ > 0 && here) {
    const std::vector<T> earlier = archive_.read_rows<T>(d.path, 0, resumed_);
    std::copy(earlier.begin(), earlier.end(), out.begin());
  }
  T* const to = here ? out.data() : nullptr;
  // This run's rows: every full round holds each rank's piece of per_round_
  // rows at rank × per_round_, so one (all)gather with a strided receive type
  // puts every rank's pieces in place; the last, shorter round follows.
  const std::uint64_t full = (n_trials_ - resumed_) / round_rows_;
  const std::uint64_t tail = (n_trials_ - resumed_) % round_rows_;
  if (comm_ == MPI_COMM_NULL) { // one process: its rows of this run are in global order
    std::copy(local.begin(), local.end(),
              out.begin() + static_cast<std::ptrdiff_t>(resumed_ * cols));
    return out;
  }
  const MPI_Datatype type = mpi_type<T>();
  if (full > 0) {
    if (per_round_ * cols > INT_MAX || full > INT_MAX)
      throw core::Error("gather: too many rows per round for MPI counts");
    MPI_Datatype piece_type, pattern, placed;
    MPI_Type_contiguous(static_cast<int>(per_round_ * cols), type, &piece_type);
    MPI_Type_create_hvector(static_cast<int>(full), 1,
                            static_cast<MPI_Aint>(round_rows_ * cols * sizeof(T)), piece_type,
                            &pattern);
    MPI_Type_create_resized(pattern, 0, static_cast<MPI_Aint>(per_round_ * cols * sizeof(T)),
                            &placed);
    MPI_Type_commit(&piece_type);
    MPI_Type_commit(&placed);
    T* const first = to != nullptr ? to + resumed_ * cols : nullptr;
    // Waiting quietly (collective.hpp): the ranks come from the group's final
    // write at different times on a busy node (docs/scaling.md, "Synchronisations").
    MPI_Request request = MPI_REQUEST_NULL;
    if (root < 0)
      MPI_Iallgather(local.data(), static_cast<int>(full), piece_type, first, 1, placed, comm_,
                     &request);
    else
      MPI_Igather(local.data(), static_cast<int>(full), piece_type, first, 1, placed, root, comm_,
                  &request);
    wait_quietly(request);
    MPI_Type_free(&placed);
    MPI_Type_free(&pattern);
    MPI_Type_free(&piece_type);
  }
  if (tail > 0) {
    std::vector<int> counts(static_cast<std::size_t>(size_)), displs(counts.size());
    for (int r = 0; r < size_; ++r) {
      const auto w = work_range(tail, r, size_);
      counts[static_cast<std::size_t>(r)] = static_cast<int>(w.size() * cols);
      displs[static_cast<std::size_t>(r)] = static_cast<int>(w.begin * cols);
    }
    const T* mine = local.data() + full * per_round_ * cols;
    T* const last = to != nullptr ? to + (resumed_ + full * round_rows_) * cols : nullptr;
    const int n = counts[static_cast<std::size_t>(rank_)];
    MPI_Request request = MPI_REQUEST_NULL;
    if (root < 0)
      MPI_Iallgatherv(mine, n, type, last, counts.data(), displs.data(), type, comm_, &request);
    else
      MPI_Igatherv(mine, n, type, last, counts.data(), displs.data(), type, root, comm_, &request);
    wait_quietly(request);
  }
  return out;
}

template <io::RowValue T>
std::vector<T> TrialRunner::gather(std::size_t index, int root) const {
  constexpr bool integer = std::is_same_v<T, std::int64_t>;
  if (!prepared_)
    throw core::Error("TrialRunner::gather: call run() first");
  if (root >= size_)
    throw core::Error("TrialRunner::gather: no rank " + std::to_string(root));
  std::size_t k = 0;
  for (std::size_t j = 0; j + 1 < datasets_.size(); ++j) // all but `done`
    if (datasets_[j].integer == integer && k++ == index)
      return gather_rows(datasets_[j], local_rows<T>().at(index), root);
  throw core::Error("TrialRunner::gather: no such dataset");
}
template std::vector<double> TrialRunner::gather<double>(std::size_t, int) const;
template std::vector<std::int64_t> TrialRunner::gather<std::int64_t>(std::size_t, int) const;

} // namespace nuflare::campaign
