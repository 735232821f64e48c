#pragma once
//! How a campaign's global indices are split over MPI ranks: contiguous
//! blocks, the first (n mod size) ranks taking one extra (OpenMC's
//! `work_index`). The split only decides who computes what; the numbers a
//! trial draws depend on its global index alone (rng.hpp).
#include <cstdint>
#include <vector>

namespace nuflare::campaign {

//! Half-open range [begin, end) of global indices.
struct WorkRange {
  std::uint64_t begin = 0;
  std::uint64_t end = 0;
  [[nodiscard]] std::uint64_t size() const noexcept { return end - begin; }
  [[nodiscard]] bool empty() const noexcept { return end == begin; }
};

//! Prefix offsets of every rank's block: element r is rank r's first index,
//! element n_ranks is n_items.
std::vector<std::uint64_t> work_index(std::uint64_t n_items, int n_ranks);

//! The block of global indices that `rank` of `n_ranks` processes.
WorkRange work_range(std::uint64_t n_items, int rank, int n_ranks);

} // namespace nuflare::campaign
