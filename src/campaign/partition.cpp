#include "nuflare/campaign/partition.hpp"

#include "nuflare/core/error.hpp"

namespace nuflare::campaign {

std::vector<std::uint64_t> work_index(std::uint64_t n_items, int n_ranks) {
  if (n_ranks <= 0)
    throw core::ConfigError("work_index: the number of ranks must be positive");
  const auto size = static_cast<std::uint64_t>(n_ranks);
  const std::uint64_t min_work = n_items / size;
  const std::uint64_t remainder = n_items % size;
  std::vector<std::uint64_t> index(size + 1, 0);
  for (std::uint64_t r = 0; r < size; ++r)
    index[r + 1] = index[r] + min_work + (r < remainder ? 1 : 0);
  return index;
}

WorkRange work_range(std::uint64_t n_items, int rank, int n_ranks) {
  const auto index = work_index(n_items, n_ranks);
  return {index.at(static_cast<std::size_t>(rank)), index.at(static_cast<std::size_t>(rank) + 1)};
}

} // namespace nuflare::campaign
