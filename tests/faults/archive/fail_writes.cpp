// Fault injection for tests/faults/archive/write_error.sh, loaded with
// LD_PRELOAD: a write that the disk space reservation could not foresee
// (an I/O error, a quota enforced only on write). Once FAIL_WRITES_AFTER
// bytes have gone to files whose path ends in FAIL_WRITES_MATCH (default
// ".h5.partial"), every further write to them fails with ENOSPC — on the MPI
// rank FAIL_WRITES_RANK only (OMPI_COMM_WORLD_RANK; every process when unset).
// Writes smaller than FAIL_WRITES_MIN_BYTES (default 0) always go through:
// with 8192 only the per-trial rows' chunks fail, not HDF5's own small
// metadata writes — HDF5 1.10 leaves its collective calls on the first error
// of one rank (see docs/archive-format.md, "Write errors"), which no caller
// can repair.
#include <dlfcn.h>
#include <sys/uio.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace {

long long budget = -2; // -2: not read yet; -1: inactive
long long min_bytes = 0;

bool watched(int fd) {
  if (budget == -2) {
    const char* after = std::getenv("FAIL_WRITES_AFTER");
    const char* rank = std::getenv("FAIL_WRITES_RANK");
    const char* me = std::getenv("OMPI_COMM_WORLD_RANK");
    budget = after != nullptr ? std::atoll(after) : -1;
    const char* smallest = std::getenv("FAIL_WRITES_MIN_BYTES");
    min_bytes = smallest != nullptr ? std::atoll(smallest) : 0;
    if (rank != nullptr &&
        (me == nullptr ? std::strcmp(rank, "0") != 0 : std::strcmp(rank, me) != 0))
      budget = -1;
  }
  if (budget < 0)
    return false;
  char link[64], path[PATH_MAX];
  std::snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
  const ssize_t n = readlink(link, path, sizeof path - 1);
  if (n <= 0)
    return false;
  path[n] = '\0';
  const char* match = std::getenv("FAIL_WRITES_MATCH");
  if (match == nullptr)
    match = ".h5.partial";
  const std::size_t n_path = std::strlen(path), n_match = std::strlen(match);
  return n_path >= n_match && std::strcmp(path + n_path - n_match, match) == 0;
}

//! True when this write must fail (errno set).
bool refuse(int fd, std::size_t n) {
  if (!watched(fd) || static_cast<long long>(n) < min_bytes)
    return false;
  if (static_cast<long long>(n) > budget) {
    budget = 0;
    errno = ENOSPC;
    return true;
  }
  budget -= static_cast<long long>(n);
  return false;
}

std::size_t total(const iovec* v, int count) {
  std::size_t n = 0;
  for (int i = 0; i < count; ++i)
    n += v[i].iov_len;
  return n;
}

template <class F>
F real(const char* name) {
  return reinterpret_cast<F>(dlsym(RTLD_NEXT, name));
}

} // namespace

extern "C" {

ssize_t write(int fd, const void* buf, size_t n) {
  static auto next = real<ssize_t (*)(int, const void*, size_t)>("write");
  return refuse(fd, n) ? -1 : next(fd, buf, n);
}
ssize_t pwrite(int fd, const void* buf, size_t n, off_t at) {
  static auto next = real<ssize_t (*)(int, const void*, size_t, off_t)>("pwrite");
  return refuse(fd, n) ? -1 : next(fd, buf, n, at);
}
ssize_t pwrite64(int fd, const void* buf, size_t n, off_t at) {
  static auto next = real<ssize_t (*)(int, const void*, size_t, off_t)>("pwrite64");
  return refuse(fd, n) ? -1 : next(fd, buf, n, at);
}
ssize_t writev(int fd, const iovec* v, int count) {
  static auto next = real<ssize_t (*)(int, const iovec*, int)>("writev");
  return refuse(fd, total(v, count)) ? -1 : next(fd, v, count);
}
ssize_t pwritev(int fd, const iovec* v, int count, off_t at) {
  static auto next = real<ssize_t (*)(int, const iovec*, int, off_t)>("pwritev");
  return refuse(fd, total(v, count)) ? -1 : next(fd, v, count, at);
}
ssize_t pwritev64(int fd, const iovec* v, int count, off_t at) {
  static auto next = real<ssize_t (*)(int, const iovec*, int, off_t)>("pwritev64");
  return refuse(fd, total(v, count)) ? -1 : next(fd, v, count, at);
}

} // extern "C"
