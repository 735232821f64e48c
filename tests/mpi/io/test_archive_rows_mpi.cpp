// Per-trial datasets of archive format 2.0 (docs/archive-format.md): they
// grow with the rows written instead of being allocated at creation, are
// chunked, shuffled, deflated and stored in the narrowest count type, carry
// checksums that depend on the rows alone, and every failure stops all ranks
// together. Registered at 1, 2 and 4 ranks.
#include "nuflare/core/error.hpp"
#include "nuflare/io/archive.hpp"

#include "nuflare_mpi.hpp"

#include <hdf5.h>
#include <mpi.h>
#include <sys/stat.h>

using namespace nuflare;

namespace {
io::RunInfo toy_info() {
  io::RunInfo info;
  info.analysis = "toy";
  info.master_seed = 3;
  return info;
}
//! Row k of the toy dataset: three counts that need 16 bits.
std::int64_t toy_value(std::uint64_t k, std::uint64_t j) {
  return static_cast<std::int64_t>((k * 7919 + j * 104729) % 60000);
}
//! This rank's rows of [lo, hi) when rounds of `per_rank` rows per rank are
//! dealt out in turn (the campaign runner's pattern), and their values.
std::vector<io::RowBlocks> dealt_rows(std::uint64_t lo, std::uint64_t hi, std::uint64_t per_rank,
                                      std::vector<std::int64_t>& values) {
  const auto rank = static_cast<std::uint64_t>(test::rank_of());
  const auto size = static_cast<std::uint64_t>(test::size_of());
  std::vector<io::RowBlocks> blocks;
  values.clear();
  for (std::uint64_t first = lo + rank * per_rank; first < hi; first += per_rank * size) {
    const std::uint64_t last = std::min(hi, first + per_rank);
    blocks.push_back({first, last - first, last - first, 1});
    for (std::uint64_t k = first; k < last; ++k)
      for (std::uint64_t j = 0; j < 3; ++j)
        values.push_back(toy_value(k, j));
  }
  return blocks;
}
io::RowChecksum serial_checksum(std::uint64_t rows) {
  io::RowChecksum sum;
  for (std::uint64_t k = 0; k < rows; ++k) {
    std::uint16_t row[3];
    for (std::uint64_t j = 0; j < 3; ++j)
      row[j] = static_cast<std::uint16_t>(toy_value(k, j));
    sum.add_row(k, reinterpret_cast<const unsigned char*>(row), sizeof row);
  }
  return sum;
}
} // namespace

TEST_CASE("the row checksum is the documented sum of SHA-256 over rows", "[archive][checksum]") {
  // Rows k = 0..9 of a uint16 dataset [10 × 3] holding k·3 + j; the reference
  // comes from the Python snippet in docs/archive-format.md (hashlib, numpy).
  io::RowChecksum sum, backwards;
  for (std::uint16_t k = 0; k < 10; ++k) {
    const std::uint16_t row[3] = {static_cast<std::uint16_t>(3 * k),
                                  static_cast<std::uint16_t>(3 * k + 1),
                                  static_cast<std::uint16_t>(3 * k + 2)};
    sum.add_row(k, reinterpret_cast<const unsigned char*>(row), sizeof row);
  }
  CHECK(sum.hex() == "f1b60f034ca646d0e8d16a2a4541e2c54e41ee6d6555c3c31402f9484f2963d0");
  for (int k = 9; k >= 0; --k) { // any order
    const std::uint16_t row[3] = {static_cast<std::uint16_t>(3 * k),
                                  static_cast<std::uint16_t>(3 * k + 1),
                                  static_cast<std::uint16_t>(3 * k + 2)};
    backwards.add_row(static_cast<std::uint64_t>(k), reinterpret_cast<const unsigned char*>(row),
                      sizeof row);
  }
  CHECK(backwards == sum);
  CHECK(io::RowChecksum::from_hex(sum.hex()) == sum);
  CHECK_FALSE(io::RowChecksum::from_hex("f1b6"));
  CHECK_FALSE(io::RowChecksum::from_hex(std::string(64, 'g')));
  // One changed byte changes it.
  io::RowChecksum changed;
  for (std::uint16_t k = 0; k < 10; ++k) {
    const std::uint16_t row[3] = {static_cast<std::uint16_t>(3 * k + (k == 4 ? 1 : 0)),
                                  static_cast<std::uint16_t>(3 * k + 1),
                                  static_cast<std::uint16_t>(3 * k + 2)};
    changed.add_row(k, reinterpret_cast<const unsigned char*>(row), sizeof row);
  }
  CHECK_FALSE(changed == sum);
  CHECK(io::count_type(255) == io::RowType::u8);
  CHECK(io::count_type(256) == io::RowType::u16);
  CHECK(io::count_type(36900) == io::RowType::u16); // IC40's selected tracks
  CHECK(io::count_type(70000) == io::RowType::u32);
  CHECK(io::count_type(std::uint64_t{1} << 32) == io::RowType::i64);
}

TEST_CASE("per-trial datasets grow with the rows written, chunked and compressed",
          "[archive][rows][mpi]") {
  const auto dir = test::shared_temp_dir("rows_grow");
  auto archive = io::Archive::create(dir / "grow.h5", MPI_COMM_WORLD, toy_info());
  const std::string path = "/toy/trials/counts";
  const io::RowLayout layout{3, io::count_type(59999), 100};
  archive.create_rows(path, layout, "events", "three counts per trial");

  // Nothing is allocated at creation: 0 rows, no storage.
  io::RowsInfo info = archive.inspect_rows(path);
  CHECK(info.dims == std::vector<std::uint64_t>{0, 3});
  CHECK(info.max_dims == std::vector<std::uint64_t>{io::ROWS_UNLIMITED, 3});
  CHECK(info.chunk == std::vector<std::uint64_t>{100, 3});
  CHECK(info.type == "uint16");
  CHECK(info.shuffle);
  CHECK(info.deflate);
  CHECK(info.storage_bytes == 0);
  CHECK(info.checksum == io::RowChecksum{}.hex());

  // Grow in steps of whole chunks, each rank writing its rounds of 30 rows.
  io::RowChecksum total;
  std::vector<std::int64_t> values;
  std::uint64_t written = 0;
  for (std::uint64_t rows : {300u, 700u, 1000u}) {
    archive.resize_rows(path, rows);
    const auto blocks = dealt_rows(written, rows, 30, values);
    written = rows;
    total += archive.write_rows(path, blocks, std::span<const std::int64_t>(values));
    CHECK(archive.last_transfer_collective());
    archive.set_attribute(path, "checksum", total.hex());
    info = archive.inspect_rows(path);
    CHECK(info.dims == std::vector<std::uint64_t>{rows, 3});
    CHECK(info.storage_bytes > 0);
    // 16-bit storage: well under a third of the int64 size (these counts are
    // pseudo-random, so deflate gains little on them).
    CHECK(info.storage_bytes < rows * 3 * 8 / 3);
    // The checksum of the rows written equals a serial one over the same rows.
    CHECK(total == serial_checksum(rows));
    const auto share_lo = rows * static_cast<std::uint64_t>(test::rank_of()) / test::size_of();
    const auto share_hi = rows * static_cast<std::uint64_t>(test::rank_of() + 1) / test::size_of();
    CHECK(archive.checksum_rows(path, share_lo, share_hi).summed(MPI_COMM_WORLD) == total);
  }
  const auto back = archive.read_rows<std::int64_t>(path, 0, 1000);
  for (std::uint64_t k = 0; k < 1000; ++k)
    for (std::uint64_t j = 0; j < 3; ++j)
      REQUIRE(back[k * 3 + j] == toy_value(k, j));
  archive.create_group("/toy/trials");
  archive.set_attribute("/toy/trials", "rows", std::int64_t{1000});
  archive.commit(); // verifies every committed dataset against its checksum
  MPI_Barrier(MPI_COMM_WORLD);
  if (test::rank_of() == 0) {
    auto a = io::Archive::open_read(dir / "grow.h5");
    CHECK(a.string_attribute("/", "format_version") == io::ARCHIVE_FORMAT_VERSION);
    CHECK(a.read<std::int64_t>(path) == back);
    CHECK(a.string_attribute(path, "checksum") == serial_checksum(1000).hex());
    std::filesystem::remove_all(dir);
  }
}

TEST_CASE("a count that does not fit the stored type stops every rank", "[archive][rows][mpi]") {
  const auto dir = test::shared_temp_dir("rows_overflow");
  auto archive = io::Archive::create(dir / "overflow.h5", MPI_COMM_WORLD, toy_info());
  archive.create_rows("/toy/trials/n", {1, io::RowType::u8, 16}, "", "");
  archive.resize_rows("/toy/trials/n", static_cast<std::uint64_t>(test::size_of()));
  // Only the last rank's value is too large for uint8; every rank throws.
  const std::int64_t mine = test::rank_of() == test::size_of() - 1 ? 256 : 7;
  const io::RowBlocks block{static_cast<std::uint64_t>(test::rank_of()), 1, 1, 1};
  CHECK_THROWS_WITH(archive.write_rows("/toy/trials/n", std::span<const io::RowBlocks>(&block, 1),
                                       std::span<const std::int64_t>(&mine, 1)),
                    Catch::Contains("value 256 does not fit the dataset's type uint8"));
  // The ranks still agree afterwards: a collective write goes through.
  const std::int64_t fine = 9;
  archive.write_rows("/toy/trials/n", std::span<const io::RowBlocks>(&block, 1),
                     std::span<const std::int64_t>(&fine, 1));
  CHECK(archive.read<std::int64_t>("/toy/trials/n") ==
        std::vector<std::int64_t>(static_cast<std::size_t>(test::size_of()), 9));
  archive.commit();
  if (test::rank_of() == 0)
    std::filesystem::remove_all(dir);
}

TEST_CASE("looking at a crafted huge dataset allocates nothing", "[archive][rows][mpi]") {
  const auto dir = test::shared_temp_dir("rows_crafted");
  { // a partial archive, left uncommitted
    auto archive = io::Archive::create(dir / "run.h5", MPI_COMM_WORLD, toy_info());
    archive.create_rows("/toy/trials/done", {1, io::RowType::u8, 64}, "", "");
  }
  const auto partial = io::partial_path(dir / "run.h5");
  if (test::rank_of() == 0) {
    // Replace `done` by a chunked dataset of 10^12 rows that holds no data:
    // parallel HDF5 allocates all of it when it is opened for writing.
    const hid_t f = H5Fopen(partial.c_str(), H5F_ACC_RDWR, H5P_DEFAULT);
    REQUIRE(f >= 0);
    H5Ldelete(f, "/toy/trials/done", H5P_DEFAULT);
    const hsize_t dims[2] = {1000000000000ull, 1}, max_dims[2] = {H5S_UNLIMITED, 1},
                  chunk[2] = {1000, 1};
    const hid_t space = H5Screate_simple(2, dims, max_dims);
    const hid_t dcpl = H5Pcreate(H5P_DATASET_CREATE);
    H5Pset_chunk(dcpl, 2, chunk);
    const hid_t d =
        H5Dcreate2(f, "/toy/trials/done", H5T_STD_U8LE, space, H5P_DEFAULT, dcpl, H5P_DEFAULT);
    REQUIRE(d >= 0);
    H5Dclose(d);
    H5Pclose(dcpl);
    H5Sclose(space);
    H5Fclose(f);
  }
  MPI_Barrier(MPI_COMM_WORLD);
  struct stat before {};
  ::stat(partial.c_str(), &before);
  auto archive = io::Archive::open_partial(dir / "run.h5", MPI_COMM_WORLD);
  const auto info = archive.inspect_rows("/toy/trials/done");
  CHECK(info.dims == std::vector<std::uint64_t>{1000000000000ull, 1});
  CHECK(info.chunk == std::vector<std::uint64_t>{1000, 1});
  CHECK(info.storage_bytes == 0);
  CHECK_FALSE(info.deflate);
  CHECK_FALSE(archive.inspect_rows("/toy/trials/absent").exists);
  struct stat after {};
  ::stat(partial.c_str(), &after);
  CHECK(after.st_size < before.st_size + 1000000); // nothing near 10^12 bytes
  MPI_Barrier(MPI_COMM_WORLD);
  if (test::rank_of() == 0)
    std::filesystem::remove_all(dir);
}

TEST_CASE("commit refuses a partial file that another run replaced", "[archive][mpi]") {
  const auto dir = test::shared_temp_dir("rows_replaced");
  auto archive = io::Archive::create(dir / "run.h5", MPI_COMM_WORLD, toy_info());
  archive.create_group("/toy");
  MPI_Barrier(MPI_COMM_WORLD);
  if (test::rank_of() == 0) {
    // What a second run with the same --output does: a new file in its place.
    const auto partial = io::partial_path(dir / "run.h5");
    std::filesystem::remove(partial);
    const hid_t f = H5Fcreate(partial.c_str(), H5F_ACC_EXCL, H5P_DEFAULT, H5P_DEFAULT);
    H5Fclose(f);
  }
  MPI_Barrier(MPI_COMM_WORLD);
  try {
    archive.commit();
    FAIL("commit went through");
  } catch (const core::IoError& e) {
    CHECK_THAT(e.what(), Catch::Contains("replaced by another run writing the same --output"));
    CHECK(e.exit_status() == 74);
  }
  MPI_Barrier(MPI_COMM_WORLD);
  CHECK_FALSE(std::filesystem::exists(dir / "run.h5"));             // nothing renamed
  CHECK(std::filesystem::exists(io::partial_path(dir / "run.h5"))); // the other run's file
  MPI_Barrier(MPI_COMM_WORLD);
  if (test::rank_of() == 0)
    std::filesystem::remove_all(dir);
}

TEST_CASE("resuming a partial archive of another format is refused", "[archive][mpi]") {
  const auto dir = test::shared_temp_dir("rows_format");
  {
    auto archive = io::Archive::create(dir / "run.h5", MPI_COMM_WORLD, toy_info());
    archive.set_attribute("/", "format_version", std::string("1.0"));
  }
  try {
    auto archive = io::Archive::open_partial(dir / "run.h5", MPI_COMM_WORLD);
    FAIL("a 1.0 partial archive was opened for resuming");
  } catch (const core::InputError& e) {
    CHECK(e.field() == "format_version");
    CHECK_THAT(e.what(), Catch::Contains("partial archive of format 1.0"));
  }
  MPI_Barrier(MPI_COMM_WORLD);
  if (test::rank_of() == 0)
    std::filesystem::remove_all(dir);
}

TEST_CASE("rows written in blocks of a known total keep their checksum", "[archive][rows][mpi]") {
  const auto dir = test::shared_temp_dir("rows_blocks");
  auto archive = io::Archive::create(dir / "blocks.h5", MPI_COMM_WORLD, toy_info());
  constexpr std::uint64_t n = 1001;
  archive.create_rows<std::int64_t>("/toy/trials/counts", n, 3, "", "three counts");
  const auto rank = static_cast<std::uint64_t>(test::rank_of());
  const auto size = static_cast<std::uint64_t>(test::size_of());
  const std::uint64_t lo = n * rank / size, hi = n * (rank + 1) / size;
  std::vector<std::int64_t> mine;
  for (std::uint64_t k = lo; k < hi; ++k)
    for (std::uint64_t j = 0; j < 3; ++j)
      mine.push_back(toy_value(k, j));
  archive.write_rows("/toy/trials/counts", lo, std::span<const std::int64_t>(mine));
  io::RowChecksum expected;
  for (std::uint64_t k = 0; k < n; ++k) {
    std::int64_t row[3];
    for (std::uint64_t j = 0; j < 3; ++j)
      row[j] = toy_value(k, j);
    expected.add_row(k, reinterpret_cast<const unsigned char*>(row), sizeof row);
  }
  CHECK(archive.string_attribute("/toy/trials/counts", "checksum") == expected.hex());
  const auto info = archive.inspect_rows("/toy/trials/counts");
  CHECK(info.type == "int64");
  CHECK(info.dims == std::vector<std::uint64_t>{n, 3});
  archive.commit();
  if (test::rank_of() == 0)
    std::filesystem::remove_all(dir);
}
