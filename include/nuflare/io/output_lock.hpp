#pragma once
//! One writer per output: an exclusive lock on `OUTPUT.lock` beside a run's
//! archive (`RUN.h5.lock`) or `simulate`'s output folder (`SKY.lock`), held
//! from before the run creates anything until after its final rename.
//!
//! Rank 0 takes a non-blocking flock(2) on the lock file and writes its pid
//! and host name into it; the outcome is broadcast, so every rank of the job
//! throws the same error together (no rank waits in a collective call while
//! another has given up). The kernel drops a flock when its process dies, so
//! a lock file left by a killed run is simply reused; a normal end removes it.
//! The lock holds between processes of one host and, where the file system
//! passes flock through (NFS; Lustre mounted with `-o flock`), between hosts;
//! where it has no locks at all, a warning is printed and the run goes on
//! unlocked (docs/output-files.md).
#include <mpi.h>

#include <filesystem>
#include <string>
#include <vector>

namespace nuflare::io {

class OutputLock {
public:
  //! Takes the lock of `output` (collective over `comm`), creating the
  //! output's missing folders first. A lock held by
  //! another process is refused with core::ConfigError (exit status 2):
  //! `RUN.h5: another nuflare run is writing this output (pid 1234 on host x);
  //! wait for it or choose another --output`. A lock file that cannot be
  //! created is core::ConfigError (no such folder, no permission) or
  //! core::IoError (disk full, I/O error).
  OutputLock(const std::filesystem::path& output, MPI_Comm comm);
  //! Rank 0 removes the lock file and then releases the lock, and removes
  //! the folders it created for the output when they are still empty.
  ~OutputLock();
  OutputLock(const OutputLock&) = delete;
  OutputLock& operator=(const OutputLock&) = delete;

  //! `output` + ".lock".
  [[nodiscard]] static std::filesystem::path lock_path(const std::filesystem::path& output);
  [[nodiscard]] const std::filesystem::path& path() const noexcept { return path_; }

private:
  void remove_created_folders() noexcept;

  std::filesystem::path path_;                 //!< the lock file
  int fd_ = -1;                                //!< rank 0: the locked lock file; others: -1
  std::vector<std::filesystem::path> created_; //!< rank 0: folders made for it, deepest first
};

} // namespace nuflare::io
