#include "nuflare/campaign/runner.hpp"

#include "nuflare/campaign/partition.hpp"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <csignal>
#include <cstdio>
#include <limits>

namespace nuflare::campaign {

namespace {

volatile std::sig_atomic_t g_stop = 0;

extern "C" void on_stop_signal(int) {
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
  MPI_Comm_rank(comm_, &rank_);
  MPI_Comm_size(comm_, &size_);
  if (options_.sweep_point > 0 &&
      n_trials_ > std::numeric_limits<std::uint64_t>::max() / (options_.sweep_point + 1))
    throw core::ConfigError("--sweep-point × trials exceeds the 64-bit trial index");
  first_index_ = options_.sweep_point * n_trials_;
  const auto work = work_range(n_trials_, rank_, size_);
  begin_ = work.begin;
  end_ = work.end;
  done_.assign(work.size(), 0);
  const std::string done_path = group_ + "/trials/done";
  if (archive_.exists(done_path)) {
    if (!options_.resume)
      throw core::Error(archive_.path().string() + ": " + done_path + " exists already");
    if (archive_.shape(done_path) != std::vector<std::uint64_t>{n_trials_, 1})
      throw core::InputError(archive_.path().string(), 0, done_path,
                             "partial archive has a different number of trials");
    done_ = archive_.read_rows_i64(done_path, begin_, end_);
  } else {
    archive_.create_group(group_ + "/trials");
    archive_.set_attribute(group_ + "/trials", "first_trial_index",
                           static_cast<std::int64_t>(first_index_));
    archive_.create_rows_i64(done_path, n_trials_, 1, "",
                             "1 when the trial has been computed (checkpoint bookkeeping)");
  }
  install_signal_handlers();
}

std::size_t TrialRunner::add_f64(const std::string& name, std::uint64_t n_cols,
                                 const std::string& unit, const std::string& description) {
  const std::string path = group_ + "/trials/" + name;
  if (archive_.exists(path)) {
    if (archive_.shape(path) != std::vector<std::uint64_t>{n_trials_, n_cols})
      throw core::InputError(archive_.path().string(), 0, path,
                             "partial archive has a different shape");
    f64_.push_back(archive_.read_rows_f64(path, begin_, end_));
  } else {
    archive_.create_rows_f64(path, n_trials_, n_cols, unit, description);
    f64_.emplace_back((end_ - begin_) * n_cols, 0.0);
  }
  datasets_.push_back({path, n_cols, false});
  return f64_.size() - 1;
}

std::size_t TrialRunner::add_i64(const std::string& name, std::uint64_t n_cols,
                                 const std::string& unit, const std::string& description) {
  const std::string path = group_ + "/trials/" + name;
  if (archive_.exists(path)) {
    if (archive_.shape(path) != std::vector<std::uint64_t>{n_trials_, n_cols})
      throw core::InputError(archive_.path().string(), 0, path,
                             "partial archive has a different shape");
    i64_.push_back(archive_.read_rows_i64(path, begin_, end_));
  } else {
    archive_.create_rows_i64(path, n_trials_, n_cols, unit, description);
    i64_.emplace_back((end_ - begin_) * n_cols, 0);
  }
  datasets_.push_back({path, n_cols, true});
  return i64_.size() - 1;
}

void TrialRunner::flush() {
  std::size_t fi = 0, ii = 0;
  for (const auto& d : datasets_) {
    if (d.integer)
      archive_.write_rows(d.path, begin_, std::span<const std::int64_t>(i64_[ii++]));
    else
      archive_.write_rows(d.path, begin_, std::span<const double>(f64_[fi++]));
  }
  archive_.write_rows(group_ + "/trials/done", begin_, std::span<const std::int64_t>(done_));
  archive_.flush();
}

void TrialRunner::report_progress(std::uint64_t done_global, bool final) {
  if (options_.quiet || rank_ != 0)
    return;
  const double now = MPI_Wtime();
  const bool tty = isatty(STDERR_FILENO) != 0;
  if (!final && !tty && now - last_report_ < options_.progress_seconds)
    return;
  if (!final && tty && now - last_report_ < 0.2)
    return;
  last_report_ = now;
  const double elapsed = std::max(now - started_, 1e-9);
  // Rate over all ranks, from this run's work (resumed trials excluded).
  const double rate = static_cast<double>(done_global - done_at_start_) / elapsed;
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
  const auto index = work_index(n_trials_, size_);
  std::uint64_t max_block = 0;
  for (int r = 0; r < size_; ++r)
    max_block = std::max(max_block, index[r + 1] - index[r]);
  const std::uint64_t per_round = std::max<std::uint64_t>(1, options_.round_trials);
  const std::uint64_t rounds = (max_block + per_round - 1) / per_round;

  std::vector<std::uint64_t> pending;
  std::vector<TrialRows> rows;
  std::vector<std::uint64_t> f64_cols, i64_cols;
  for (const auto& d : datasets_)
    (d.integer ? i64_cols : f64_cols).push_back(d.n_cols);

  std::int64_t local_done = 0, global_done = 0;
  for (auto d : done_)
    local_done += d;
  MPI_Allreduce(&local_done, &global_done, 1, MPI_INT64_T, MPI_SUM, comm_);
  done_at_start_ = static_cast<std::uint64_t>(global_done);
  started_ = MPI_Wtime();
  last_report_ = started_;
  double last_checkpoint = started_;
  for (std::uint64_t round = 0; round < rounds; ++round) {
    const std::uint64_t lo = std::min(end_, begin_ + round * per_round);
    const std::uint64_t hi = std::min(end_, lo + per_round);
    // This round's trials not done by an earlier run, handed over at once.
    pending.clear();
    for (std::uint64_t g = lo; g < hi; ++g) {
      const std::uint64_t local = g - begin_;
      if (done_[local] != 0)
        continue;
      if (rows.size() == pending.size())
        rows.push_back({std::vector<std::span<double>>(f64_.size()),
                        std::vector<std::span<std::int64_t>>(i64_.size())});
      TrialRows& r = rows[pending.size()];
      for (std::size_t k = 0; k < f64_.size(); ++k)
        r.f64[k] = std::span<double>(f64_[k].data() + local * f64_cols[k], f64_cols[k]);
      for (std::size_t k = 0; k < i64_.size(); ++k)
        r.i64[k] = std::span<std::int64_t>(i64_[k].data() + local * i64_cols[k], i64_cols[k]);
      pending.push_back(first_index_ + g);
    }
    if (!pending.empty())
      batch(pending, std::span<TrialRows>(rows).first(pending.size()));
    for (std::uint64_t g : pending)
      done_[g - first_index_ - begin_] = 1;
    computed_ += pending.size();
    // Synchronise: how far are we, and does anyone want a checkpoint or a stop?
    std::int64_t local_state[3] = {0, 0, 0};
    for (auto d : done_)
      local_state[0] += d;
    local_state[1] = stop_requested() ? 1 : 0;
    local_state[2] = options_.checkpoint_seconds > 0 &&
                             MPI_Wtime() - last_checkpoint >= options_.checkpoint_seconds
                         ? 1
                         : 0;
    std::int64_t state[3];
    MPI_Allreduce(local_state, state, 3, MPI_INT64_T, MPI_SUM, comm_);
    if (static_cast<std::uint64_t>(state[0]) < n_trials_) // the last line comes after the flush
      report_progress(static_cast<std::uint64_t>(state[0]), false);
    if (state[1] > 0) {
      flush();
      throw Interrupted("interrupted after " + std::to_string(state[0]) + " of " +
                        std::to_string(n_trials_) + " trials; completed trials are in " +
                        archive_.path().string() + " — rerun with --resume to continue");
    }
    if (state[2] > 0) {
      // Rank 0's clock decides, so every rank flushes in the same round.
      flush();
      last_checkpoint = MPI_Wtime();
    }
  }
  flush();
  report_progress(n_trials_, true);
}

namespace {
template <class T>
std::vector<T> gather(const std::vector<T>& local, MPI_Datatype type, std::uint64_t n_cols,
                      std::uint64_t n_trials, MPI_Comm comm, int size) {
  const auto index = work_index(n_trials, size);
  std::vector<int> counts(size), displs(size);
  for (int r = 0; r < size; ++r) {
    counts[r] = static_cast<int>((index[r + 1] - index[r]) * n_cols);
    displs[r] = static_cast<int>(index[r] * n_cols);
  }
  std::vector<T> out(n_trials * n_cols);
  MPI_Allgatherv(local.data(), static_cast<int>(local.size()), type, out.data(), counts.data(),
                 displs.data(), type, comm);
  return out;
}
} // namespace

std::vector<double> TrialRunner::gather_f64(std::size_t index) const {
  std::size_t k = 0;
  for (const auto& d : datasets_)
    if (!d.integer && k++ == index)
      return gather(f64_.at(index), MPI_DOUBLE, d.n_cols, n_trials_, comm_, size_);
  throw core::Error("gather_f64: no such dataset");
}

std::vector<std::int64_t> TrialRunner::gather_i64(std::size_t index) const {
  std::size_t k = 0;
  for (const auto& d : datasets_)
    if (d.integer && k++ == index)
      return gather(i64_.at(index), MPI_INT64_T, d.n_cols, n_trials_, comm_, size_);
  throw core::Error("gather_i64: no such dataset");
}

} // namespace nuflare::campaign
