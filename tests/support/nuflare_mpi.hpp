#pragma once
//! The helpers every MPI test shares (they run at 1, 2 and 4 ranks): this
//! rank, the number of ranks, a string from rank 0, and one temporary folder
//! for all ranks.
#include "nuflare_catch.hpp"

#include <mpi.h>

#include <filesystem>
#include <string>
#include <utility>

namespace nuflare::test {

//! This process's rank in `comm`.
inline int rank_of(MPI_Comm comm = MPI_COMM_WORLD) {
  int rank = 0;
  MPI_Comm_rank(comm, &rank);
  return rank;
}

//! The number of ranks in `comm`.
inline int size_of(MPI_Comm comm = MPI_COMM_WORLD) {
  int size = 1;
  MPI_Comm_size(comm, &size);
  return size;
}

//! Rank 0's `text`, on every rank of `comm` (collective).
inline std::string broadcast(std::string text, MPI_Comm comm = MPI_COMM_WORLD) {
  int n = static_cast<int>(text.size());
  MPI_Bcast(&n, 1, MPI_INT, 0, comm);
  text.resize(static_cast<std::size_t>(n));
  MPI_Bcast(text.data(), n, MPI_CHAR, 0, comm);
  return text;
}

//! A fresh, empty temporary folder shared by all ranks of `comm` (collective):
//! rank 0 makes it with temp_dir, named `<tag>_np<ranks>` so that the runs at
//! 1, 2 and 4 ranks never meet, and sends its name to the others.
inline std::filesystem::path shared_temp_dir(const std::string& tag,
                                             MPI_Comm comm = MPI_COMM_WORLD) {
  std::string dir;
  if (rank_of(comm) == 0)
    dir = temp_dir(tag + "_np" + std::to_string(size_of(comm))).string();
  return broadcast(std::move(dir), comm);
}

} // namespace nuflare::test
