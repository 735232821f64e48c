#include "nuflare/io/output_lock.hpp"

#include "nuflare/core/error.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <iostream>
#include <system_error>
#include <vector>

namespace nuflare::io {

namespace fs = std::filesystem;

namespace {

//! The error for a failed system call on the lock file: the disk or the
//! device failing is an I/O error (exit 74), anything else (no such folder,
//! no permission, read-only file system) a problem with --output (exit 2).
[[noreturn]] void fail_on(const fs::path& file, const std::string& what, int err) {
  const std::string message =
      file.string() + ": " + what + ": " + std::generic_category().message(err);
  if (err == ENOSPC || err == EDQUOT || err == EIO)
    throw core::IoError(message);
  throw core::ConfigError(message + " (check the folder of --output)");
}

//! "pid 1234 on host x" as the holder wrote it, or a placeholder while the
//! holder has not written it yet.
std::string holder_of(int fd) {
  std::array<char, 512> buf{};
  const ssize_t n = ::pread(fd, buf.data(), buf.size() - 1, 0);
  std::string text(buf.data(), n > 0 ? static_cast<std::size_t>(n) : 0);
  text.erase(std::find(text.begin(), text.end(), '\n'), text.end());
  return text.rfind("pid ", 0) == 0 ? text : "pid and host not recorded yet";
}

std::string host_name() {
  std::array<char, 256> buf{};
  if (::gethostname(buf.data(), buf.size() - 1) != 0)
    return "unknown";
  return buf.data();
}

//! Creates the missing folders above `file`; returns them, deepest first.
std::vector<fs::path> create_folders_for(const fs::path& file) {
  std::vector<fs::path> created;
  if (file.parent_path().empty())
    return created; // in the current folder
  for (fs::path dir = file.parent_path(); !dir.empty() && !fs::exists(dir);
       dir = dir.parent_path()) {
    created.push_back(dir);
    if (dir == dir.parent_path())
      break;
  }
  std::error_code ec;
  fs::create_directories(file.parent_path(), ec);
  if (ec) {
    for (const auto& dir : created)
      fs::remove(dir, ec);
    fail_on(file.parent_path(), "cannot create the folder", ec.value());
  }
  return created;
}

//! Rank 0's part: opens and locks `lock`, records pid and host, returns the
//! descriptor; -1 when the file system has no locks (a warning is printed).
int acquire(const fs::path& lock, const fs::path& output) {
  // The holder removes the lock file when it ends. A process that opened the
  // file just before that removal gets the lock on the removed inode, which
  // guards nothing: compare the locked inode with the one now at the path and
  // try again with the new file when they differ.
  for (int attempt = 0; attempt < 64; ++attempt) {
    const int fd = ::open(lock.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0)
      fail_on(lock, "cannot create the lock file", errno);
    if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
      const int err = errno;
      if (err == EWOULDBLOCK) {
        const std::string holder = holder_of(fd);
        ::close(fd);
        throw core::ConfigError(output.string() + ": another nuflare run is writing this output (" +
                                holder + "); wait for it or choose another --output");
      }
      if (err == ENOLCK || err == EOPNOTSUPP || err == ENOSYS) {
        ::close(fd);
        ::unlink(lock.c_str());
        std::cerr << "nuflare: warning: " << lock.string()
                  << ": this file system has no file locks; a second run writing the same "
                     "output would not be noticed\n";
        return -1;
      }
      ::close(fd);
      fail_on(lock, "cannot lock", err);
    }
    struct stat locked {};
    struct stat named {};
    if (::fstat(fd, &locked) == 0 && ::stat(lock.c_str(), &named) == 0 &&
        locked.st_dev == named.st_dev && locked.st_ino == named.st_ino) {
      const std::string text =
          "pid " + std::to_string(::getpid()) + " on host " + host_name() + "\n";
      if (::ftruncate(fd, 0) != 0 ||
          ::pwrite(fd, text.data(), text.size(), 0) != static_cast<ssize_t>(text.size())) {
        const int err = errno;
        ::unlink(lock.c_str());
        ::close(fd);
        fail_on(lock, "cannot write the lock file", err);
      }
      return fd;
    }
    ::close(fd);
  }
  throw core::ConfigError(lock.string() +
                          ": the lock file keeps being replaced; is another run starting?");
}

} // namespace

fs::path OutputLock::lock_path(const fs::path& output) {
  fs::path p = output;
  if (p.filename().empty()) // "sky/" names the folder sky
    p = p.parent_path();
  return p.string() + ".lock";
}

OutputLock::OutputLock(const fs::path& output, MPI_Comm comm) : path_(lock_path(output)) {
  // MPI_COMM_NULL: one process without MPI (docs/cli.md, "When nuflare starts MPI").
  const bool parallel = comm != MPI_COMM_NULL;
  int rank = 0;
  if (parallel)
    MPI_Comm_rank(comm, &rank);
  // 0: locked; 2: refused or bad --output; 74: I/O error. Rank 0 decides.
  int status = 0;
  std::string message;
  if (rank == 0) {
    try {
      created_ = create_folders_for(path_);
      try {
        fd_ = acquire(path_, output);
      } catch (...) {
        remove_created_folders();
        throw;
      }
    } catch (const core::Error& e) {
      status = e.exit_status();
      message = e.what();
    }
  }
  if (parallel) {
    int length = static_cast<int>(message.size());
    MPI_Bcast(&status, 1, MPI_INT, 0, comm);
    MPI_Bcast(&length, 1, MPI_INT, 0, comm);
    message.resize(static_cast<std::size_t>(length));
    MPI_Bcast(message.data(), length, MPI_CHAR, 0, comm);
  }
  if (status == 74)
    throw core::IoError(message);
  if (status != 0)
    throw core::ConfigError(message);
}

OutputLock::~OutputLock() {
  if (fd_ >= 0) {
    // Remove first, release second: whoever waits on this inode then finds
    // it gone from the path (see acquire).
    ::unlink(path_.c_str());
    ::close(fd_);
  }
  remove_created_folders();
}

void OutputLock::remove_created_folders() noexcept {
  // Only the folders this lock created, and only while empty: a failed run
  // leaves no trace, a finished one keeps its output's folder.
  std::error_code ec;
  for (const auto& dir : created_)
    if (!fs::remove(dir, ec))
      break;
  created_.clear();
}

} // namespace nuflare::io
