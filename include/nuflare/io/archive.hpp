#pragma once
//! The run archive: one parallel HDF5 file per run (docs/archive-format.md), written by all
//! ranks together. A small RAII layer over the HDF5 C API in the spirit of
//! HighFive: every call that changes the file is collective (all ranks call it
//! with the same arguments); per-trial rows are written with a collective
//! transfer, each rank its own rows.
//!
//! A run writes `NAME.h5.partial` and renames it to `NAME.h5` in commit(), so
//! a file named `NAME.h5` is always complete. The partial file is a valid
//! archive at every moment a signal can stop the run: per-trial datasets grow
//! with the trials instead of being allocated at creation, every checkpoint
//! ends with a flush, and the rows a checkpoint saved carry checksums that
//! `--resume` verifies. Every collective step ends with an agreement: when any
//! rank's part failed (disk full, quota, I/O error), all ranks throw the same
//! one-line core::IoError together. The layout is documented in
//! docs/archive-format.md.
#include "nuflare/io/sha256.hpp"

#include <mpi.h>

#include <array>
#include <concepts>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace nuflare::io {

inline constexpr const char* ARCHIVE_FORMAT = "nuflare-archive"; //!< root attribute `format`
inline constexpr const char* ARCHIVE_FORMAT_VERSION = "2.0"; //!< root attribute `format_version`
//! Major number of ARCHIVE_FORMAT_VERSION: readers accept archives up to it;
//! `--resume` accepts only partial files of exactly this major number.
inline constexpr int ARCHIVE_FORMAT_MAJOR = 2;

//! What the root attributes record about a run.
struct RunInfo {
  std::string analysis; //!< subcommand, e.g. "spatial"
  std::uint64_t master_seed = 0;
  std::string command_line;                                //!< argv joined with blanks
  std::vector<std::pair<std::string, std::string>> config; //!< resolved key = value pairs
  std::vector<std::filesystem::path> inputs;               //!< input files, hashed into /inputs
  std::string rng_scheme; //!< how trials draw random numbers (campaign::RNG_SCHEME)
  std::string job_id;     //!< the batch system's job id (Slurm's SLURM_JOB_ID); "" outside one
};

//! How a per-trial dataset stores its values: doubles, or the narrowest
//! unsigned integer that holds every count the analysis can produce
//! (docs/archive-format.md, "Per-trial datasets"). Values are converted when
//! written and read back as int64 or double.
enum class RowType : std::uint8_t { u8, u16, u32, i64, f64 };

//! The value types the archive reads and writes rows of, in memory: double
//! (float64 on disk) and std::int64_t (int64, or a narrower count type).
template <class T>
concept RowValue = std::same_as<T, double> || std::same_as<T, std::int64_t>;

//! The narrowest unsigned type for counts in [0, max_count]; i64 above 2³² − 1.
[[nodiscard]] RowType count_type(std::uint64_t max_count);
//! "uint8", "uint16", "uint32", "int64" or "float64" (numpy's names).
[[nodiscard]] std::string_view row_type_name(RowType type);
//! Bytes per value of `type`.
[[nodiscard]] std::size_t row_type_bytes(RowType type);

//! A per-trial dataset: rows of `n_cols` values of `type`, stored in chunks of
//! `chunk_rows` rows, byte-shuffled and deflated, extendible in rows.
struct RowLayout {
  std::uint64_t n_cols = 1;
  RowType type = RowType::f64;
  std::uint64_t chunk_rows = 1;
};

//! Rows per chunk for a dataset of `n_rows` rows of `row_bytes` bytes (the
//! widest of a campaign's datasets): about 256 KiB per chunk, which deflate
//! compresses well, but at most ⌈n_rows / 16⌉ rows, so that a checkpoint saves
//! work long before the end (a checkpoint saves whole chunks; see
//! campaign::TrialRunner). Depends on neither the rank count nor the machine.
[[nodiscard]] std::uint64_t chunk_rows_for(std::uint64_t n_rows, std::uint64_t row_bytes);

//! `max_dims` entry of an extendible dimension.
inline constexpr std::uint64_t ROWS_UNLIMITED = ~std::uint64_t{0};

//! What a per-trial dataset looks like on disk: read through a separate
//! read-only handle, so that looking at a damaged or crafted dataset never
//! makes parallel HDF5 allocate its storage (it allocates a whole dataset
//! that has none the moment the dataset is opened for writing).
struct RowsInfo {
  bool exists = false;                 //!< something has that name
  bool dataset = false;                //!< ... and it is a dataset
  std::vector<std::uint64_t> dims;     //!< current shape
  std::vector<std::uint64_t> max_dims; //!< ROWS_UNLIMITED where extendible
  std::vector<std::uint64_t> chunk;    //!< chunk shape; empty when not chunked
  std::string type;                    //!< "uint8" … "float64", or a description of another type
  bool shuffle = false, deflate = false;
  std::uint64_t storage_bytes = 0;     //!< bytes of written chunks
  std::optional<std::string> checksum; //!< the `checksum` attribute, when present
};

//! Rows a rank writes: `count` blocks of `block` rows, `stride` rows apart,
//! the first starting at row `first`.
struct RowBlocks {
  std::uint64_t first = 0, block = 0, stride = 0, count = 0;
  [[nodiscard]] std::uint64_t rows() const noexcept { return block * count; }
};

//! Order-independent checksum of per-trial rows (docs/archive-format.md,
//! "Checksums"): the lane-wise sum mod 2⁶⁴ of SHA-256(row index ‖ row bytes)
//! read as four little-endian 64-bit words. Ranks sum their own rows in any
//! split and order and add the sums: the result depends only on the rows.
struct RowChecksum {
  std::array<std::uint64_t, 4> lanes{};
  //! Adds row `row` (archive row index) whose stored bytes are `bytes`.
  void add_row(std::uint64_t row, const unsigned char* bytes, std::size_t n);
  RowChecksum& operator+=(const RowChecksum& other);
  bool operator==(const RowChecksum&) const = default;
  //! 64 hex digits: the four sums in order, each most significant digit first.
  [[nodiscard]] std::string hex() const;
  //! The checksum written by hex(); nullopt for anything else.
  [[nodiscard]] static std::optional<RowChecksum> from_hex(std::string_view text);
  //! The sum over every rank of `comm` (collective).
  [[nodiscard]] RowChecksum summed(MPI_Comm comm) const;
};

//! A column of a summary table: doubles, 64-bit integers or strings.
struct Column {
  std::string name;
  std::variant<std::vector<double>, std::vector<std::int64_t>, std::vector<std::string>> values;
  std::string unit;        //!< "" when dimensionless
  std::string description; //!< one line
  int precision = 0;       //!< significant digits in human tables (io/tables.hpp; 0: the default)
  [[nodiscard]] std::size_t size() const;
};

//! A summary table: named columns of equal length, printed by `nuflare table`.
struct Table {
  std::vector<Column> columns;
  [[nodiscard]] std::size_t rows() const { return columns.empty() ? 0 : columns.front().size(); }
  //! The column called `name`; throws core::InputError when absent.
  [[nodiscard]] const Column& column(const std::string& name) const;
};

class Archive {
public:
  //! Creates `final_path` + ".partial" on every rank of `comm` (collective),
  //! writes the root attributes and the /config and /inputs groups, and
  //! flushes: from then on the partial file is a valid archive. An existing
  //! partial file is removed first and a new file is created in its place
  //! (never truncated), so a run still writing the old one cannot damage it.
  //! `comm` = MPI_COMM_NULL: one process without MPI writes the same file
  //! through HDF5's default driver (also for open_partial).
  static Archive create(const std::filesystem::path& final_path, MPI_Comm comm,
                        const RunInfo& info);
  //! Opens a complete archive for reading on the calling rank only. Accepts
  //! every format version up to ARCHIVE_FORMAT_MAJOR (1.0 archives included).
  static Archive open_read(const std::filesystem::path& path);
  //! Opens `final_path` + ".partial" for appending (resume), collectively,
  //! after checking through a read-only handle that HDF5 can open it and that
  //! it has this program's format version; else core::InputError.
  static Archive open_partial(const std::filesystem::path& final_path, MPI_Comm comm);

  Archive(Archive&&) noexcept;
  Archive& operator=(Archive&&) noexcept;
  //! Closes the file (collective); an uncommitted file stays `.partial`. When
  //! the other ranks do not arrive within seconds (one rank failed alone), the
  //! file is left for HDF5 to close at exit rather than wait forever.
  ~Archive();

  // --- structure and small data (collective; rank 0's values are written) ---
  void create_group(const std::string& path);
  [[nodiscard]] bool exists(const std::string& path) const;
  void set_attribute(const std::string& path, const std::string& name, const std::string& value);
  void set_attribute(const std::string& path, const std::string& name, double value);
  void set_attribute(const std::string& path, const std::string& name, std::int64_t value);
  void write_vector(const std::string& path, std::span<const double> values,
                    const std::string& unit = "", const std::string& description = "");
  void write_vector(const std::string& path, std::span<const std::int64_t> values,
                    const std::string& unit = "", const std::string& description = "");
  void write_strings(const std::string& path, const std::vector<std::string>& values,
                     const std::string& description = "");
  //! Writes a summary table as a group of column datasets (see archive-format.md).
  void write_table(const std::string& path, const Table& table);

  // --- per-trial rows (collective) ---
  //! Creates an empty per-trial dataset (0 rows × layout.n_cols) that grows
  //! with resize_rows(); its `checksum` attribute starts as the empty sum.
  void create_rows(const std::string& path, const RowLayout& layout, const std::string& unit,
                   const std::string& description);
  //! A per-trial dataset of `n_rows` rows of T (double: float64, int64: int64)
  //! from the start (create_rows() + resize_rows()), for callers that write
  //! blocks of a known total with write_rows(path, row_begin, values).
  template <RowValue T>
  void create_rows(const std::string& path, std::uint64_t n_rows, std::uint64_t n_cols,
                   const std::string& unit, const std::string& description);
  //! Shape, type, chunking and checksum of `path` on disk, without opening it
  //! for writing (see RowsInfo). Collective: flushes, then rank 0 looks and
  //! tells the others.
  [[nodiscard]] RowsInfo inspect_rows(const std::string& path);
  //! Grows (or shrinks) a per-trial dataset to `rows` rows.
  void resize_rows(const std::string& path, std::uint64_t rows);
  //! Writes this rank's rows `blocks` (in increasing row order; possibly none),
  //! whose values are `values` back to back, row-major. Integers are checked
  //! against the dataset's type (core::Error when one does not fit) and
  //! converted. The transfer is MPI-IO collective. Returns the checksum of
  //! every rank's written rows together.
  RowChecksum write_rows(const std::string& path, std::span<const RowBlocks> blocks,
                         std::span<const double> values);
  RowChecksum write_rows(const std::string& path, std::span<const RowBlocks> blocks,
                         std::span<const std::int64_t> values);
  //! Every rank calls; each passes its rows [row_begin, row_begin + values.size()/n_cols)
  //! (possibly none). The dataset's `checksum` then covers every row written
  //! this way (each once).
  void write_rows(const std::string& path, std::uint64_t row_begin, std::span<const double> values);
  void write_rows(const std::string& path, std::uint64_t row_begin,
                  std::span<const std::int64_t> values);
  //! Checksum of rows [row_begin, row_end) of `path` as stored, read in slices
  //! by this rank. Every rank calls (HDF5 opens datasets collectively), each
  //! with its own range.
  [[nodiscard]] RowChecksum checksum_rows(const std::string& path, std::uint64_t row_begin,
                                          std::uint64_t row_end) const;

  // --- reading (any rank, independent) ---
  [[nodiscard]] std::vector<std::uint64_t> shape(const std::string& path) const;
  //! A whole dataset as T, row-major.
  template <RowValue T>
  [[nodiscard]] std::vector<T> read(const std::string& path) const;
  [[nodiscard]] std::vector<std::string> read_strings(const std::string& path) const;
  //! Rows [row_begin, row_end) of a 2-D dataset as T, row-major.
  template <RowValue T>
  [[nodiscard]] std::vector<T> read_rows(const std::string& path, std::uint64_t row_begin,
                                         std::uint64_t row_end) const;
  [[nodiscard]] std::string string_attribute(const std::string& path,
                                             const std::string& name) const;
  [[nodiscard]] double number_attribute(const std::string& path, const std::string& name) const;
  [[nodiscard]] bool has_attribute(const std::string& path, const std::string& name) const;
  [[nodiscard]] Table read_table(const std::string& path) const;
  //! Names of the members of a group, in creation order.
  [[nodiscard]] std::vector<std::string> list(const std::string& path) const;

  //! True when the last write_rows() really ran as a collective MPI-IO transfer.
  [[nodiscard]] bool last_transfer_collective() const noexcept { return last_collective_; }
  //! Reserves disk blocks for the next `bytes` the file will grow by, plus a
  //! margin for HDF5's own metadata (collective). A full disk or an exceeded
  //! quota then fails here, before HDF5 has changed anything, with
  //! core::IoError on every rank, and the file stays as the last flush left it.
  //! Every writing call reserves what it needs itself; a caller about to write
  //! much in several calls (a checkpoint) reserves the total first.
  void reserve(std::uint64_t bytes);
  //! Flushes buffers to disk (collective), e.g. at a checkpoint.
  void flush();
  //! False once an HDF5 write failed: what the file holds after the last
  //! successful flush is then all one can count on.
  [[nodiscard]] bool intact() const noexcept { return !broken_; }
  //! Closes the file, checks that the partial file is still the one this run
  //! created and that every per-trial dataset's rows match their checksums,
  //! and renames `.partial` to the final name (collective). Anything else is
  //! refused with core::IoError and nothing is renamed. The archive is unusable
  //! afterwards.
  void commit();

  [[nodiscard]] const std::filesystem::path& path() const noexcept { return path_; }

  class Handle; //!< owning hid_t (implementation detail)

private:
  Archive() = default;
  //! An archive not yet opened whose file is the partial one of
  //! `final_path`, on a copy of `comm` when the run is parallel.
  static Archive unopened_partial(const std::filesystem::path& final_path, MPI_Comm comm);
  template <class T>
  RowChecksum write_rows_impl(const std::string& path, std::span<const RowBlocks> blocks,
                              std::span<const T> values);
  //! Creates the 1-D dataset `path` of `n` values of HDF5 type `file_type`
  //! and writes `data` (of HDF5 type `memory_type`, `bytes` long) from rank 0.
  //! The types are hid_t, held here as the integer it is.
  void write_whole_dataset(const std::string& path, std::int64_t file_type,
                           std::int64_t memory_type, const void* data, std::size_t n,
                           std::size_t bytes);
  void write_root_attributes(const RunInfo& info);
  void open_collective(unsigned flags);
  //! Empty when every rank's `ok` holds; else, on every rank, the `message`
  //! of the lowest failing rank (collective).
  [[nodiscard]] std::string agreed_failure(bool ok, const std::string& message) const;
  //! Throws core::IoError on every rank when any rank's HDF5 step failed.
  void check_all(bool ok, const std::string& message);
  void close_file();
  //! Points HDF5's file descriptors at a memory file, so that closing after a
  //! failed write neither changes the partial file nor fails (Linux).
  void detach_from_disk() noexcept;
  void verify_rows_on_disk() const;
  void add_to_checksum(const std::string& path, const RowChecksum& rows);

  std::filesystem::path path_;       //!< file currently open (.partial while writing)
  std::filesystem::path final_path_; //!< rename target
  MPI_Comm comm_ = MPI_COMM_NULL;    //!< private duplicate of the run's communicator
                                     //!< (none: read-only, or one process without MPI)
  int rank_ = 0;
  std::unique_ptr<Handle> file_;
  bool writable_ = false;
  bool last_collective_ = false;
  bool broken_ = false;                     //!< an HDF5 write failed (see intact())
  std::uint64_t pending_ = 0;               //!< bytes written or changed since the last flush
  std::array<std::uint64_t, 2> identity_{}; //!< device and inode of the partial file (rank 0)
  std::uint64_t reserved_end_ = 0;          //!< end of the blocks reserved so far (rank 0)
};

//! Path of the partial file for a final archive path.
std::filesystem::path partial_path(const std::filesystem::path& final_path);

} // namespace nuflare::io
