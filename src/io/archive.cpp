#include "nuflare/io/archive.hpp"

#include "nuflare/core/error.hpp"
#include "nuflare/io/file_hashes.hpp"
#include "nuflare/version.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <hdf5.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <algorithm>
#include <bit>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <limits>
#include <thread>

namespace nuflare::io {

// Checksums hash the stored little-endian bytes straight from memory.
static_assert(std::endian::native == std::endian::little,
              "the archive's row checksums assume a little-endian host");

using core::Error;

//! Owning HDF5 identifier; closes with the function matching its type.
class Archive::Handle {
public:
  explicit Handle(hid_t id = H5I_INVALID_HID) : id_(id) {}
  ~Handle() { reset(); }
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;
  Handle(Handle&& o) noexcept : id_(o.id_) { o.id_ = H5I_INVALID_HID; }
  Handle& operator=(Handle&& o) noexcept {
    if (this != &o) {
      reset();
      id_ = o.id_;
      o.id_ = H5I_INVALID_HID;
    }
    return *this;
  }
  [[nodiscard]] hid_t get() const noexcept { return id_; }
  //! Forgets the identifier without closing it (HDF5 closes it at exit).
  void release() noexcept { id_ = H5I_INVALID_HID; }
  void reset() noexcept {
    if (id_ < 0)
      return;
    switch (H5Iget_type(id_)) {
    case H5I_FILE:
      H5Fclose(id_);
      break;
    case H5I_GROUP:
      H5Gclose(id_);
      break;
    case H5I_DATASET:
      H5Dclose(id_);
      break;
    case H5I_DATASPACE:
      H5Sclose(id_);
      break;
    case H5I_DATATYPE:
      H5Tclose(id_);
      break;
    case H5I_ATTR:
      H5Aclose(id_);
      break;
    case H5I_GENPROP_LST:
      H5Pclose(id_);
      break;
    default:
      break;
    }
    id_ = H5I_INVALID_HID;
  }

private:
  hid_t id_;
};

namespace {

using H = Archive::Handle;

//! Disk reserved beyond what a call says it writes: HDF5 writes its metadata
//! (object headers, chunk indices, attributes) at the next flush or when its
//! cache passes 256 KiB of dirty entries.
constexpr std::uint64_t RESERVE_MARGIN = 512 * 1024;
//! How far below the file's end a reservation starts: HDF5 may still write
//! metadata into space it allocated, but did not write, shortly before.
constexpr std::uint64_t RESERVE_BELOW_END = 16 * 1024 * 1024;
//! Metadata one structural change (a group, a dataset, an attribute) may add.
constexpr std::uint64_t METADATA_PER_OBJECT = 4096;
//! Rows read at a time when checksumming.
constexpr std::uint64_t CHECKSUM_SLICE_ROWS = 65536;
//! deflate level of per-trial datasets: on the shuffled counts of a 5 × 10⁶-
//! trial IC40 run level 1 gives 71.4 MB against level 4's 67.9 MB, with a
//! fifth less time in the final write (bench/archive).
constexpr unsigned DEFLATE_LEVEL = 1;

[[noreturn]] void fail(const std::string& what, const std::filesystem::path& file) {
  throw Error(file.string() + ": HDF5: " + what);
}

void check_status(herr_t status, const char* what, const std::filesystem::path& file) {
  if (status < 0)
    fail(what, file);
}

void silence_hdf5() {
  static const bool done = [] {
    // One process without MPI leaves HDF5's shutdown to its atexit handler,
    // which closes every file still open; but HDF5 1.10 can never close a
    // file whose flush failed (its metadata cache stays half-flushed:
    // "slist already enabled?"), and the handler crashes on it. Archives
    // close their files themselves, and under MPI HDF5 shuts down in
    // MPI_Finalize, so the handler is not needed. (Before any other HDF5
    // call: this is the first one nuflare makes.)
    H5dont_atexit();
    H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
    return true;
  }();
  (void)done;
}

//! The innermost message of HDF5's error stack (the cause, e.g. an MPI-IO
//! error string), on one line; clears the stack.
std::string hdf5_error_text() {
  std::string inner;
  H5Ewalk2(
      H5E_DEFAULT, H5E_WALK_DOWNWARD,
      [](unsigned, const H5E_error2_t* e, void* data) -> herr_t {
        if (e->desc != nullptr && e->desc[0] != '\0')
          *static_cast<std::string*>(data) = e->desc;
        return 0;
      },
      &inner);
  H5Eclear2(H5E_DEFAULT);
  std::replace(inner.begin(), inner.end(), '\n', ' ');
  // The default (sec2) driver's failed write: "file write failed: time = ...,
  // filename = ..., errno = 28, error message = 'No space left on device',
  // buf = ...". Keep the what and the why.
  const std::string quoted = "error message = '";
  if (const auto at = inner.find(": time = "), why = inner.find(quoted);
      at != std::string::npos && why != std::string::npos) {
    const auto begin = why + quoted.size(), end = inner.find('\'', begin);
    inner = inner.substr(0, at) + ": " + inner.substr(begin, end - begin);
  }
  return inner.empty() ? "HDF5 gave no reason" : inner;
}

hid_t link_create_plist() {
  static const hid_t lcpl = [] {
    hid_t p = H5Pcreate(H5P_LINK_CREATE);
    H5Pset_create_intermediate_group(p, 1);
    return p;
  }();
  return lcpl;
}

H string_type(std::size_t length) {
  H t(H5Tcopy(H5T_C_S1));
  H5Tset_size(t.get(), std::max<std::size_t>(1, length));
  H5Tset_strpad(t.get(), H5T_STR_NULLPAD);
  H5Tset_cset(t.get(), H5T_CSET_UTF8);
  return t;
}

std::string iso_time_utc() {
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::string human_bytes(std::uint64_t bytes) {
  char buf[32];
  const double b = static_cast<double>(bytes);
  if (b >= 1e9)
    std::snprintf(buf, sizeof buf, "%.1f GB", b / 1e9);
  else if (b >= 1e6)
    std::snprintf(buf, sizeof buf, "%.1f MB", b / 1e6);
  else
    std::snprintf(buf, sizeof buf, "%.0f kB", std::ceil(b / 1e3));
  return buf;
}

template <class T>
hid_t native_type();
template <>
hid_t native_type<double>() {
  return H5T_NATIVE_DOUBLE;
}
template <>
hid_t native_type<std::int64_t>() {
  return H5T_NATIVE_INT64;
}

//! The HDF5 types of a row type: on disk (little-endian, as numpy reads it
//! anywhere) and in memory.
struct Hdf5Types {
  hid_t file;
  hid_t memory;
};

Hdf5Types hdf5_types(RowType t) {
  switch (t) {
  case RowType::u8:
    return {H5T_STD_U8LE, H5T_NATIVE_UINT8};
  case RowType::u16:
    return {H5T_STD_U16LE, H5T_NATIVE_UINT16};
  case RowType::u32:
    return {H5T_STD_U32LE, H5T_NATIVE_UINT32};
  case RowType::i64:
    return {H5T_STD_I64LE, H5T_NATIVE_INT64};
  case RowType::f64:
    break;
  }
  return {H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE};
}

hid_t file_type(RowType t) {
  return hdf5_types(t).file;
}
hid_t memory_type(RowType t) {
  return hdf5_types(t).memory;
}

//! numpy's name of an HDF5 number type ("uint16", "float64"), or a short
//! description of anything else.
std::string type_name(hid_t type) {
  const H5T_class_t cls = H5Tget_class(type);
  const std::size_t bits = 8 * H5Tget_size(type);
  if (cls == H5T_INTEGER || cls == H5T_FLOAT) {
    const bool little = H5Tget_order(type) == H5T_ORDER_LE;
    std::string name = cls == H5T_FLOAT                    ? "float"
                       : H5Tget_sign(type) == H5T_SGN_NONE ? "uint"
                                                           : "int";
    name += std::to_string(bits);
    return little ? name : "big-endian " + name;
  }
  return cls == H5T_STRING ? "string" : "HDF5 type class " + std::to_string(static_cast<int>(cls));
}

std::optional<RowType> row_type_of(const std::string& name) {
  for (RowType t : {RowType::u8, RowType::u16, RowType::u32, RowType::i64, RowType::f64})
    if (name == row_type_name(t))
      return t;
  return std::nullopt;
}

//! Major number of a "2.0"-style version; 0 when there is none.
int major_of(const std::string& version) {
  int major = 0;
  for (char c : version) {
    if (c < '0' || c > '9')
      break;
    major = std::min(1000, major * 10 + (c - '0'));
  }
  return major;
}

std::string read_string_attribute(hid_t obj, const char* name) {
  if (H5Aexists(obj, name) <= 0)
    return {};
  H attr(H5Aopen(obj, name, H5P_DEFAULT));
  H type(H5Aget_type(attr.get()));
  if (H5Tget_class(type.get()) != H5T_STRING || H5Tis_variable_str(type.get()) > 0)
    return {};
  std::string buffer(H5Tget_size(type.get()), '\0');
  if (H5Aread(attr.get(), type.get(), buffer.data()) < 0)
    return {};
  buffer.erase(std::find(buffer.begin(), buffer.end(), '\0'), buffer.end());
  return buffer;
}

//! Asks the file system for the blocks of `path` from `below` bytes under its
//! end to `need` bytes past it, without changing its size, so that the writes
//! that follow cannot fail for want of space; 0 or an errno value, and in
//! `reserved_end` the end of the reservation. HDF5 allocates new space at its
//! end of allocation, which every flush makes the file's size (the MPI-IO
//! driver extends the file to it), and writes metadata it allocated but did
//! not write yet a little below. Nothing is asked when `reserved_end` (the
//! end reserved before) covers it already. Where the file system cannot
//! reserve (EOPNOTSUPP: NFSv3, some parallel file systems) the free space is
//! checked.
int reserve_blocks(const std::filesystem::path& path, std::uint64_t below, std::uint64_t need,
                   std::uint64_t& reserved_end) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
  if (fd < 0)
    return errno;
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    const int err = errno;
    ::close(fd);
    return err;
  }
  const auto size = static_cast<std::uint64_t>(st.st_size);
  const std::uint64_t begin = size > below ? size - below : 0;
  if (size + need <= reserved_end) { // reserved already: the file only grows
    ::close(fd);
    return 0;
  }
  int err = 0;
#ifdef __linux__
  if (::fallocate(fd, FALLOC_FL_KEEP_SIZE, static_cast<off_t>(begin),
                  static_cast<off_t>(size + need - begin)) != 0)
    err = errno;
  else
    reserved_end = size + need;
#else
  err = EOPNOTSUPP;
#endif
  if (err == EOPNOTSUPP || err == ENOSYS) { // checked, not reserved: ask again next time
    struct statvfs fs {};
    err = 0;
    if (::fstatvfs(fd, &fs) == 0 && need > std::uint64_t{fs.f_bavail} * fs.f_frsize)
      err = ENOSPC;
  }
  ::close(fd);
  return err;
}

//! Gives back the blocks reserved beyond the end of the closed file, if the
//! file at `path` is still the one with `identity` (device, inode): truncating
//! a file to its own size frees what lies beyond it (ext4, XFS, tmpfs; a hole
//! punched beyond the end is ignored by ext4).
void release_blocks(const std::filesystem::path& path, std::array<std::uint64_t, 2> identity) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
  if (fd < 0)
    return;
  struct stat st {};
  if (::fstat(fd, &st) == 0 && static_cast<std::uint64_t>(st.st_dev) == identity[0] &&
      static_cast<std::uint64_t>(st.st_ino) == identity[1])
    (void)::ftruncate(fd, st.st_size);
  ::close(fd);
}

std::array<std::uint64_t, 2> file_identity(const std::filesystem::path& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0)
    return {0, 0};
  return {static_cast<std::uint64_t>(st.st_dev), static_cast<std::uint64_t>(st.st_ino)};
}

//! MPI_COMM_NULL: one process without MPI (docs/cli.md, "When nuflare starts
//! MPI"); every collective step below is then one process's own.
bool parallel(MPI_Comm comm) {
  return comm != MPI_COMM_NULL;
}

void bcast_string(std::string& s, int root, MPI_Comm comm) {
  if (!parallel(comm))
    return;
  std::uint64_t n = s.size();
  MPI_Bcast(&n, 1, MPI_UINT64_T, root, comm);
  s.resize(n);
  if (n > 0)
    MPI_Bcast(s.data(), static_cast<int>(n), MPI_CHAR, root, comm);
}

//! RowsInfo of `path` in an open file (any handle; see Archive::inspect_rows).
RowsInfo inspect_in(hid_t file, const std::string& path) {
  RowsInfo info;
  // Walk the components: H5Lexists fails on a missing intermediate group.
  for (std::size_t pos = 1; pos <= path.size();) {
    const std::size_t next = path.find('/', pos);
    if (H5Lexists(file, path.substr(0, next).c_str(), H5P_DEFAULT) <= 0)
      return info;
    if (next == std::string::npos)
      break;
    pos = next + 1;
  }
  info.exists = true;
  H obj(H5Oopen(file, path.c_str(), H5P_DEFAULT));
  if (obj.get() < 0 || H5Iget_type(obj.get()) != H5I_DATASET)
    return info;
  info.dataset = true;
  H space(H5Dget_space(obj.get()));
  const int nd = std::max(0, H5Sget_simple_extent_ndims(space.get()));
  std::vector<hsize_t> dims(static_cast<std::size_t>(nd)), max_dims(dims.size());
  H5Sget_simple_extent_dims(space.get(), dims.data(), max_dims.data());
  info.dims.assign(dims.begin(), dims.end());
  for (hsize_t m : max_dims)
    info.max_dims.push_back(m == H5S_UNLIMITED ? ROWS_UNLIMITED : m);
  H dcpl(H5Dget_create_plist(obj.get()));
  if (H5Pget_layout(dcpl.get()) == H5D_CHUNKED) {
    std::vector<hsize_t> chunk(dims.size());
    H5Pget_chunk(dcpl.get(), nd, chunk.data());
    info.chunk.assign(chunk.begin(), chunk.end());
  }
  for (int i = 0; i < H5Pget_nfilters(dcpl.get()); ++i) {
    unsigned flags = 0;
    std::size_t n_values = 0;
    const H5Z_filter_t id = H5Pget_filter2(dcpl.get(), static_cast<unsigned>(i), &flags, &n_values,
                                           nullptr, 0, nullptr, nullptr);
    info.shuffle = info.shuffle || id == H5Z_FILTER_SHUFFLE;
    info.deflate = info.deflate || id == H5Z_FILTER_DEFLATE;
  }
  H type(H5Dget_type(obj.get()));
  info.type = type_name(type.get());
  info.storage_bytes = H5Dget_storage_size(obj.get());
  if (H5Aexists(obj.get(), "checksum") > 0)
    info.checksum = read_string_attribute(obj.get(), "checksum");
  return info;
}

//! Checksum of rows [begin, end) of a per-trial dataset as stored.
RowChecksum checksum_in(hid_t file, const std::string& path, std::uint64_t begin, std::uint64_t end,
                        const std::filesystem::path& fname) {
  H dset(H5Dopen2(file, path.c_str(), H5P_DEFAULT));
  if (dset.get() < 0)
    throw core::InputError(fname.string(), 0, path, "no such dataset");
  H type(H5Dget_type(dset.get()));
  const auto row_type = row_type_of(type_name(type.get()));
  H space(H5Dget_space(dset.get()));
  std::array<hsize_t, 2> dims{0, 0};
  if (!row_type || H5Sget_simple_extent_ndims(space.get()) != 2)
    throw core::InputError(fname.string(), 0, path, "not a per-trial dataset");
  H5Sget_simple_extent_dims(space.get(), dims.data(), nullptr);
  if (end > dims[0] || begin > end)
    throw core::InputError(fname.string(), 0, path, "row range out of bounds");
  const std::size_t row_bytes = dims[1] * row_type_bytes(*row_type);
  RowChecksum sum;
  std::vector<unsigned char> buffer;
  for (std::uint64_t lo = begin; lo < end; lo += CHECKSUM_SLICE_ROWS) {
    const std::uint64_t hi = std::min(end, lo + CHECKSUM_SLICE_ROWS);
    buffer.resize((hi - lo) * row_bytes);
    const std::array<hsize_t, 2> start{lo, 0};
    const std::array<hsize_t, 2> count{hi - lo, dims[1]};
    H5Sselect_hyperslab(space.get(), H5S_SELECT_SET, start.data(), nullptr, count.data(), nullptr);
    const std::array<hsize_t, 1> mem_dims{(hi - lo) * dims[1]};
    H mem(H5Screate_simple(1, mem_dims.data(), nullptr));
    if (mem_dims[0] > 0 && H5Dread(dset.get(), memory_type(*row_type), mem.get(), space.get(),
                                   H5P_DEFAULT, buffer.data()) < 0)
      throw core::InputError(fname.string(), 0, path,
                             "cannot read rows (" + hdf5_error_text() + ")");
    for (std::uint64_t r = lo; r < hi; ++r)
      sum.add_row(r, buffer.data() + (r - lo) * row_bytes, row_bytes);
  }
  return sum;
}

} // namespace

// ---------------------------------------------------------------- row types

RowType count_type(std::uint64_t max_count) {
  if (max_count <= std::numeric_limits<std::uint8_t>::max())
    return RowType::u8;
  if (max_count <= std::numeric_limits<std::uint16_t>::max())
    return RowType::u16;
  if (max_count <= std::numeric_limits<std::uint32_t>::max())
    return RowType::u32;
  return RowType::i64;
}

namespace {
//! numpy's name and the size in bytes of a row type.
std::pair<std::string_view, std::size_t> row_type_traits(RowType type) {
  switch (type) {
  case RowType::u8:
    return {"uint8", 1};
  case RowType::u16:
    return {"uint16", 2};
  case RowType::u32:
    return {"uint32", 4};
  case RowType::i64:
    return {"int64", 8};
  case RowType::f64:
    break;
  }
  return {"float64", 8};
}
} // namespace

std::string_view row_type_name(RowType type) {
  return row_type_traits(type).first;
}

std::size_t row_type_bytes(RowType type) {
  return row_type_traits(type).second;
}

std::uint64_t chunk_rows_for(std::uint64_t n_rows, std::uint64_t row_bytes) {
  constexpr std::uint64_t TARGET_CHUNK_BYTES = 256 * 1024;
  const std::uint64_t by_size =
      std::max<std::uint64_t>(1, TARGET_CHUNK_BYTES / std::max<std::uint64_t>(1, row_bytes));
  const std::uint64_t by_rows = std::max<std::uint64_t>(1, n_rows / 16 + (n_rows % 16 != 0));
  return std::min(by_size, by_rows);
}

// ---------------------------------------------------------------- checksums

void RowChecksum::add_row(std::uint64_t row, const unsigned char* bytes, std::size_t n) {
  Sha256 sha;
  sha.update(&row, sizeof row); // little-endian: the static_assert above
  sha.update(bytes, n);
  const auto digest = sha.digest();
  for (std::size_t lane = 0; lane < 4; ++lane) {
    std::uint64_t word = 0;
    std::memcpy(&word, digest.data() + 8 * lane, 8);
    lanes[lane] += word; // mod 2^64
  }
}

RowChecksum& RowChecksum::operator+=(const RowChecksum& other) {
  for (std::size_t lane = 0; lane < 4; ++lane)
    lanes[lane] += other.lanes[lane];
  return *this;
}

std::string RowChecksum::hex() const {
  static constexpr char digits[] = "0123456789abcdef";
  std::string out;
  for (std::uint64_t word : lanes)
    for (int shift = 60; shift >= 0; shift -= 4)
      out += digits[(word >> shift) & 0xf];
  return out;
}

std::optional<RowChecksum> RowChecksum::from_hex(std::string_view text) {
  if (text.size() != 64)
    return std::nullopt;
  RowChecksum out;
  for (std::size_t i = 0; i < 64; ++i) {
    const char c = text[i];
    const int v = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
    if (v < 0)
      return std::nullopt;
    out.lanes[i / 16] = (out.lanes[i / 16] << 4) | static_cast<std::uint64_t>(v);
  }
  return out;
}

RowChecksum RowChecksum::summed(MPI_Comm comm) const {
  if (!parallel(comm))
    return *this;
  RowChecksum out;
  MPI_Allreduce(lanes.data(), out.lanes.data(), 4, MPI_UINT64_T, MPI_SUM, comm);
  return out;
}

// ---------------------------------------------------------------- tables

std::size_t Column::size() const {
  return std::visit([](const auto& v) { return v.size(); }, values);
}

const Column& Table::column(const std::string& name) const {
  for (const auto& c : columns)
    if (c.name == name)
      return c;
  throw core::InputError("table", 0, name, "no such column");
}

std::filesystem::path partial_path(const std::filesystem::path& final_path) {
  return final_path.string() + ".partial";
}

// ---------------------------------------------------------------- opening and closing

Archive::Archive(Archive&& o) noexcept
    : path_(std::move(o.path_)), final_path_(std::move(o.final_path_)), comm_(o.comm_),
      rank_(o.rank_), file_(std::move(o.file_)), writable_(o.writable_),
      last_collective_(o.last_collective_), broken_(o.broken_), pending_(o.pending_),
      identity_(o.identity_), reserved_end_(o.reserved_end_) {
  o.comm_ = MPI_COMM_NULL;
}

Archive& Archive::operator=(Archive&& o) noexcept {
  if (this != &o) {
    this->~Archive();
    new (this) Archive(std::move(o));
  }
  return *this;
}

Archive::~Archive() {
  if (file_ && file_->get() >= 0) {
    if (!parallel(comm_)) {
      // A read-only file of this rank alone, or one process's archive.
      if (broken_)
        detach_from_disk();
      file_->reset();
      if (reserved_end_ > 0)
        release_blocks(path_, identity_);
    } else {
      // Closing is collective. When one rank failed alone the others may
      // never come (they wait in some other collective call until main()
      // aborts the job), so wait for them a few seconds only, then leave the
      // file to HDF5's own shutdown.
      MPI_Request request = MPI_REQUEST_NULL;
      MPI_Ibarrier(comm_, &request);
      const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(3);
      int arrived = 0;
      while (!arrived && std::chrono::steady_clock::now() < deadline) {
        MPI_Test(&request, &arrived, MPI_STATUS_IGNORE);
        if (!arrived)
          std::this_thread::sleep_for(std::chrono::milliseconds(2));
      }
      if (broken_)
        detach_from_disk();
      if (arrived) {
        file_->reset();
        if (rank_ == 0 && reserved_end_ > 0)
          release_blocks(path_, identity_);
      } else {
        file_->release();
        return; // the communicator is still in use by the pending barrier
      }
    }
  }
  if (parallel(comm_))
    MPI_Comm_free(&comm_);
}

void Archive::detach_from_disk() noexcept {
#ifdef __linux__
  // After a failed write HDF5 still holds the changes the failed step made
  // in its caches, and closing the file writes them: onto the last checkpoint
  // (spoiling it), or, when the disk refuses them too, H5Fclose fails and
  // HDF5 1.10 keeps a dangling identifier that crashes the process at exit.
  // So the descriptors under HDF5's handle are pointed at an anonymous memory
  // file: the close then succeeds everywhere without touching the disk, and
  // the partial file stays as the last successful flush left it.
  const int mem = ::memfd_create("nuflare-detached-archive", MFD_CLOEXEC);
  if (mem < 0)
    return;
  if (DIR* dir = ::opendir("/proc/self/fd")) {
    while (const dirent* entry = ::readdir(dir)) {
      const int fd = std::atoi(entry->d_name);
      struct stat st {};
      if (fd > 2 && fd != mem && ::fstat(fd, &st) == 0 && S_ISREG(st.st_mode) &&
          static_cast<std::uint64_t>(st.st_dev) == identity_[0] &&
          static_cast<std::uint64_t>(st.st_ino) == identity_[1])
        ::dup2(mem, fd);
    }
    ::closedir(dir);
  }
  ::close(mem);
#endif
}

void Archive::open_collective(unsigned flags) {
  H fapl(H5Pcreate(H5P_FILE_ACCESS));
  // One process without MPI writes through HDF5's default (sec2) driver: the
  // same datasets, layouts, filters and attributes, byte for byte.
  if (parallel(comm_)) {
    check_status(H5Pset_fapl_mpio(fapl.get(), comm_, MPI_INFO_NULL), "cannot select MPI-IO", path_);
    H5Pset_all_coll_metadata_ops(fapl.get(), 1);
    H5Pset_coll_metadata_write(fapl.get(), 1);
  }
  const bool creating = (flags & H5F_ACC_EXCL) != 0;
  const hid_t f = creating ? H5Fcreate(path_.c_str(), flags, H5P_DEFAULT, fapl.get())
                           : H5Fopen(path_.c_str(), flags, fapl.get());
  const std::string what = creating ? "cannot create the archive" : "cannot open the archive";
  if (f >= 0)
    file_ = std::make_unique<Handle>(f);
  check_all(f >= 0, f >= 0 ? "" : path_.string() + ": " + what + " (" + hdf5_error_text() + ")");
  writable_ = true;
  identity_ = file_identity(path_);
}

Archive Archive::unopened_partial(const std::filesystem::path& final_path, MPI_Comm comm) {
  silence_hdf5();
  Archive a;
  a.final_path_ = final_path;
  a.path_ = partial_path(final_path);
  if (parallel(comm)) {
    MPI_Comm_dup(comm, &a.comm_);
    MPI_Comm_rank(a.comm_, &a.rank_);
  }
  return a;
}

Archive Archive::create(const std::filesystem::path& final_path, MPI_Comm comm,
                        const RunInfo& info) {
  Archive a = unopened_partial(final_path, comm);
  // A new file replaces an old partial one instead of truncating it: a run
  // that still writes the old file (same --output) writes to its own,
  // now nameless, file and cannot damage this one.
  std::string problem;
  if (a.rank_ == 0) {
    std::error_code ec;
    if (final_path.has_parent_path())
      std::filesystem::create_directories(final_path.parent_path(), ec);
    if (!ec)
      std::filesystem::remove(a.path_, ec);
    if (ec)
      problem = a.path_.string() + ": cannot prepare the archive: " + ec.message();
  }
  problem = a.agreed_failure(problem.empty(), problem);
  if (!problem.empty())
    throw core::IoError(problem);
  a.open_collective(H5F_ACC_EXCL);
  a.write_root_attributes(info);
  a.flush(); // from here on the partial file is a valid archive
  return a;
}

Archive Archive::open_read(const std::filesystem::path& path) {
  silence_hdf5();
  if (!std::filesystem::exists(path))
    throw core::InputError(path.string(), 0, "", "no such file");
  Archive a;
  a.path_ = a.final_path_ = path;
  const hid_t f = H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  if (f < 0)
    throw core::InputError(path.string(), 0, "", "not an HDF5 file");
  a.file_ = std::make_unique<Handle>(f);
  if (!a.has_attribute("/", "format") || a.string_attribute("/", "format") != ARCHIVE_FORMAT)
    throw core::InputError(path.string(), 0, "format", "not a nuflare archive");
  // Every version up to this program's major number reads alike (tables and
  // per-trial rows keep their names); a later major number may not.
  const std::string version =
      a.has_attribute("/", "format_version") ? a.string_attribute("/", "format_version") : "";
  if (major_of(version) > ARCHIVE_FORMAT_MAJOR)
    throw core::InputError(path.string(), 0, "format_version",
                           "archive format " + version +
                               " is newer than this nuflare reads (up to " +
                               std::to_string(ARCHIVE_FORMAT_MAJOR) + ".x)");
  return a;
}

Archive Archive::open_partial(const std::filesystem::path& final_path, MPI_Comm comm) {
  Archive a = unopened_partial(final_path, comm);
  // Rank 0 looks through a read-only handle first: a file HDF5 cannot open,
  // or one of another format, is refused before any rank opens it for writing.
  std::string field, problem;
  if (a.rank_ == 0) {
    if (!std::filesystem::exists(a.path_)) {
      problem = "no partial archive to resume from";
    } else if (H f(H5Fopen(a.path_.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT)); f.get() < 0) {
      H5Eclear2(H5E_DEFAULT);
      problem = "corrupted partial archive (HDF5 cannot open it); rerun without --resume";
    } else if (read_string_attribute(f.get(), "format") != ARCHIVE_FORMAT) {
      field = "format";
      problem = "not a nuflare archive";
    } else if (const std::string version = read_string_attribute(f.get(), "format_version");
               major_of(version) != ARCHIVE_FORMAT_MAJOR) {
      field = "format_version";
      problem = "partial archive of format " + (version.empty() ? "(none)" : version) +
                ", this nuflare writes " + ARCHIVE_FORMAT_VERSION +
                "; it cannot be resumed — rerun without --resume";
    }
  }
  std::string both = a.agreed_failure(problem.empty(), field + '\n' + problem);
  if (!both.empty()) {
    const std::size_t cut = both.find('\n');
    throw core::InputError(a.path_.string(), 0, both.substr(0, cut), both.substr(cut + 1));
  }
  a.open_collective(H5F_ACC_RDWR);
  return a;
}

void Archive::write_root_attributes(const RunInfo& info) {
  set_attribute("/", "format", std::string(ARCHIVE_FORMAT));
  set_attribute("/", "format_version", std::string(ARCHIVE_FORMAT_VERSION));
  set_attribute("/", "nuflare_version", std::string(VERSION));
  set_attribute("/", "git_revision", std::string(GIT_REVISION));
  set_attribute("/", "analysis", info.analysis);
  set_attribute("/", "master_seed", static_cast<std::int64_t>(info.master_seed));
  set_attribute("/", "rng_scheme", info.rng_scheme);
  set_attribute("/", "checksum_scheme",
                std::string("per-trial dataset attribute checksum = lane-wise sum mod 2^64 of "
                            "SHA-256(row index as uint64 LE || row as stored, LE) read as four "
                            "uint64 LE words, over rows [0, trials@rows); 64 hex digits"));
  // The date and job id describe the run, not its results; rank-invariance
  // checks compare datasets, not these.
  std::string date = iso_time_utc();
  bcast_string(date, 0, comm_);
  set_attribute("/", "created_utc", date);
  set_attribute("/", "slurm_job_id", info.job_id);
  set_attribute("/", "command_line", info.command_line);
  int size = 1;
  if (parallel(comm_))
    MPI_Comm_size(comm_, &size);
  set_attribute("/", "mpi_ranks", static_cast<std::int64_t>(size));

  create_group("/config");
  for (const auto& [key, value] : info.config)
    set_attribute("/config", key, value);

  create_group("/inputs");
  std::vector<std::string> names, hashes(info.inputs.size());
  for (const auto& p : info.inputs)
    names.push_back(p.string());
  // Each file is hashed once per process, the files in parallel
  // (file_hashes.hpp): the event files were hashed already when the event
  // cache looked them up, and --resume asks for the same hashes.
  std::string unreadable; // the first input rank 0 could not hash
  if (rank_ == 0) {
    try {
      hashes = input_sha256(info.inputs, 0);
    } catch (const core::InputError& e) {
      unreadable = e.file();
    } catch (const core::Error& e) {
      unreadable = names.empty() ? std::string(e.what()) : names.front();
    }
  }
  // Every rank learns that rank 0 could not hash, instead of waiting for it.
  if (const auto bad = agreed_failure(unreadable.empty(), unreadable); !bad.empty())
    throw core::InputError(bad, 0, "", "cannot open for hashing");
  for (auto& h : hashes)
    bcast_string(h, 0, comm_);
  write_strings("/inputs/path", names, "input files as given on the command line");
  write_strings("/inputs/sha256", hashes, "SHA-256 of each input file's bytes");
}

// ---------------------------------------------------------------- agreement

std::string Archive::agreed_failure(bool ok, const std::string& message) const {
  if (comm_ == MPI_COMM_NULL)
    return ok ? std::string() : message;
  struct {
    int failed;
    int rank;
  } mine{ok ? 0 : 1, rank_}, first{0, 0};
  // MAXLOC keeps the lowest rank among those that failed.
  MPI_Allreduce(&mine, &first, 1, MPI_2INT, MPI_MAXLOC, comm_);
  if (first.failed == 0)
    return {};
  std::string text = rank_ == first.rank ? message : std::string();
  bcast_string(text, first.rank, comm_);
  return text.empty() ? path_.string() + ": write failed" : text;
}

void Archive::check_all(bool ok, const std::string& message) {
  const std::string failure = agreed_failure(ok, message);
  if (!failure.empty()) {
    broken_ = true;
    throw core::IoError(failure);
  }
}

void Archive::reserve(std::uint64_t bytes) {
  if (!file_ || !writable_)
    return;
  const std::uint64_t need = bytes + pending_ + RESERVE_MARGIN;
  int err = 0;
  if (rank_ == 0) {
    std::uint64_t end = reserved_end_;
    err = reserve_blocks(path_, RESERVE_BELOW_END, need, end);
    if (err == 0)
      reserved_end_ = std::max(reserved_end_, end);
  }
  if (parallel(comm_))
    MPI_Bcast(&err, 1, MPI_INT, 0, comm_);
  if (err != 0) {
    const bool full = err == ENOSPC || err == EDQUOT;
    throw core::IoError(path_.string() + ": " +
                        (full ? "disk full or quota exceeded" : "cannot reserve disk space") +
                        ": " + human_bytes(need) + " needed for the next write (" +
                        std::strerror(err) + ")");
  }
}

void Archive::flush() {
  if (!file_ || !writable_)
    return;
  reserve(0);
  const bool ok = H5Fflush(file_->get(), H5F_SCOPE_GLOBAL) >= 0;
  check_all(ok, ok ? "" : path_.string() + ": cannot flush (" + hdf5_error_text() + ")");
  pending_ = 0;
}

void Archive::close_file() {
  flush(); // a failure here leaves the file to the destructor, which detaches it
  const herr_t status = H5Fclose(file_->get());
  // The identifier is gone even when closing failed: never close it twice.
  file_->release();
  file_.reset();
  check_all(status >= 0,
            status >= 0 ? "" : path_.string() + ": cannot close (" + hdf5_error_text() + ")");
  if (rank_ == 0 && reserved_end_ > 0)
    release_blocks(path_, identity_);
}

// ---------------------------------------------------------------- structure

void Archive::create_group(const std::string& path) {
  if (exists(path))
    return;
  reserve(METADATA_PER_OBJECT);
  pending_ += METADATA_PER_OBJECT;
  H g(H5Gcreate2(file_->get(), path.c_str(), link_create_plist(), H5P_DEFAULT, H5P_DEFAULT));
  check_all(g.get() >= 0, g.get() >= 0 ? ""
                                       : path_.string() + ": " + path + ": cannot create group (" +
                                             hdf5_error_text() + ")");
}

bool Archive::exists(const std::string& path) const {
  if (path == "/")
    return true;
  // Walk the components: H5Lexists fails on a missing intermediate group.
  std::size_t pos = 1;
  while (pos <= path.size()) {
    const std::size_t next = path.find('/', pos);
    const std::string prefix = path.substr(0, next);
    if (H5Lexists(file_->get(), prefix.c_str(), H5P_DEFAULT) <= 0)
      return false;
    if (next == std::string::npos)
      break;
    pos = next + 1;
  }
  return true;
}

namespace {
//! Writes a scalar attribute; one of the same type and size is overwritten in
//! place (checkpoints rewrite the same attributes), anything else replaced.
bool write_attribute(hid_t file, const std::string& path, const std::string& name, hid_t type,
                     const void* data) {
  H obj(H5Oopen(file, path.c_str(), H5P_DEFAULT));
  if (obj.get() < 0)
    return false;
  if (H5Aexists(obj.get(), name.c_str()) > 0) {
    H attr(H5Aopen(obj.get(), name.c_str(), H5P_DEFAULT));
    H old_type(H5Aget_type(attr.get()));
    H old_space(H5Aget_space(attr.get()));
    if (H5Tequal(old_type.get(), type) > 0 &&
        H5Sget_simple_extent_type(old_space.get()) == H5S_SCALAR)
      return H5Awrite(attr.get(), type, data) >= 0;
    attr.reset();
    if (H5Adelete(obj.get(), name.c_str()) < 0)
      return false;
  }
  H space(H5Screate(H5S_SCALAR));
  H attr(H5Acreate2(obj.get(), name.c_str(), type, space.get(), H5P_DEFAULT, H5P_DEFAULT));
  return attr.get() >= 0 && H5Awrite(attr.get(), type, data) >= 0;
}
} // namespace

void Archive::set_attribute(const std::string& path, const std::string& name,
                            const std::string& value) {
  H t = string_type(value.size());
  std::string padded = value.empty() ? std::string(1, '\0') : value;
  reserve(value.size());
  pending_ += 256 + value.size();
  const bool ok = write_attribute(file_->get(), path, name, t.get(), padded.data());
  check_all(ok, ok ? ""
                   : path_.string() + ": " + path + "@" + name + ": cannot write attribute (" +
                         hdf5_error_text() + ")");
}

void Archive::set_attribute(const std::string& path, const std::string& name, double value) {
  reserve(0);
  pending_ += 256;
  const bool ok = write_attribute(file_->get(), path, name, H5T_NATIVE_DOUBLE, &value);
  check_all(ok, ok ? ""
                   : path_.string() + ": " + path + "@" + name + ": cannot write attribute (" +
                         hdf5_error_text() + ")");
}

void Archive::set_attribute(const std::string& path, const std::string& name, std::int64_t value) {
  reserve(0);
  pending_ += 256;
  const bool ok = write_attribute(file_->get(), path, name, H5T_NATIVE_INT64, &value);
  check_all(ok, ok ? ""
                   : path_.string() + ": " + path + "@" + name + ": cannot write attribute (" +
                         hdf5_error_text() + ")");
}

namespace {

//! Transfer properties for writing `dset`: collective in a file opened with
//! MPI-IO, HDF5's defaults in one process's file (HDF5 refuses collective
//! transfers there).
H transfer_plist(hid_t dset) {
  H dxpl(H5Pcreate(H5P_DATASET_XFER));
  H file(H5Iget_file_id(dset));
  H fapl(H5Fget_access_plist(file.get()));
  if (H5Pget_driver(fapl.get()) == H5FD_MPIO)
    H5Pset_dxpl_mpio(dxpl.get(), H5FD_MPIO_COLLECTIVE);
  return dxpl;
}

//! Collective write of a whole small dataset: rank 0 writes everything, the
//! other ranks select nothing (parallel HDF5 wants every rank in the call).
bool write_whole(hid_t dset, hid_t mem_type, const void* data, int rank) {
  H file_space(H5Dget_space(dset));
  if (H5Sget_simple_extent_npoints(file_space.get()) == 0)
    return true; // nothing to write (every rank sees the same shape)
  H mem_space(H5Scopy(file_space.get()));
  if (rank != 0) {
    H5Sselect_none(file_space.get());
    H5Sselect_none(mem_space.get());
  }
  H dxpl = transfer_plist(dset);
  return H5Dwrite(dset, mem_type, mem_space.get(), file_space.get(), dxpl.get(), data) >= 0;
}

H create_dataset(hid_t file, const std::string& path, hid_t type, const std::vector<hsize_t>& dims,
                 const std::vector<hsize_t>& max_dims = {}, hid_t dcpl = H5P_DEFAULT) {
  H space(H5Screate_simple(static_cast<int>(dims.size()), dims.data(),
                           max_dims.empty() ? nullptr : max_dims.data()));
  if (H5Lexists(file, path.c_str(), H5P_DEFAULT) > 0)
    H5Ldelete(file, path.c_str(), H5P_DEFAULT);
  return H(
      H5Dcreate2(file, path.c_str(), type, space.get(), link_create_plist(), dcpl, H5P_DEFAULT));
}

void describe(Archive& a, const std::string& path, const std::string& unit,
              const std::string& description) {
  a.set_attribute(path, "unit", unit);
  a.set_attribute(path, "description", description);
}

} // namespace

void Archive::write_whole_dataset(const std::string& path, std::int64_t file_type,
                                  std::int64_t memory_type, const void* data, std::size_t n,
                                  std::size_t bytes) {
  static_assert(std::is_same_v<hid_t, std::int64_t>, "hid_t is held as std::int64_t");
  reserve(bytes + METADATA_PER_OBJECT);
  pending_ += METADATA_PER_OBJECT;
  H d = create_dataset(file_->get(), path, file_type, {n});
  const bool ok = d.get() >= 0 && write_whole(d.get(), memory_type, data, rank_);
  check_all(ok,
            ok ? "" : path_.string() + ": " + path + ": cannot write (" + hdf5_error_text() + ")");
}

void Archive::write_vector(const std::string& path, std::span<const double> values,
                           const std::string& unit, const std::string& description) {
  write_whole_dataset(path, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, values.data(), values.size(),
                      values.size_bytes());
  describe(*this, path, unit, description);
}

void Archive::write_vector(const std::string& path, std::span<const std::int64_t> values,
                           const std::string& unit, const std::string& description) {
  write_whole_dataset(path, H5T_STD_I64LE, H5T_NATIVE_INT64, values.data(), values.size(),
                      values.size_bytes());
  describe(*this, path, unit, description);
}

void Archive::write_strings(const std::string& path, const std::vector<std::string>& values,
                            const std::string& description) {
  std::size_t width = 1;
  for (const auto& v : values)
    width = std::max(width, v.size());
  H t = string_type(width);
  std::string buffer(values.size() * width, '\0');
  for (std::size_t i = 0; i < values.size(); ++i)
    std::memcpy(buffer.data() + i * width, values[i].data(), values[i].size());
  write_whole_dataset(path, t.get(), t.get(), buffer.data(), values.size(), buffer.size());
  set_attribute(path, "description", description);
}

void Archive::write_table(const std::string& path, const Table& table) {
  create_group(path);
  std::string names;
  for (const auto& c : table.columns) {
    if (c.size() != table.rows())
      throw Error("table " + path + ": column " + c.name + " has " + std::to_string(c.size()) +
                  " rows, expected " + std::to_string(table.rows()));
    names += (names.empty() ? "" : ",") + c.name;
    const std::string col = path + "/" + c.name;
    std::visit(
        [&](const auto& v) {
          using V = std::decay_t<decltype(v)>;
          if constexpr (std::is_same_v<V, std::vector<std::string>>) {
            write_strings(col, v, c.description);
            set_attribute(col, "unit", c.unit);
          } else {
            write_vector(col, std::span(v), c.unit, c.description);
          }
        },
        c.values);
  }
  set_attribute(path, "kind", std::string("table"));
  set_attribute(path, "columns", names);
}

// ---------------------------------------------------------------- per-trial rows

void Archive::create_rows(const std::string& path, const RowLayout& layout, const std::string& unit,
                          const std::string& description) {
  const std::uint64_t chunk_bytes = layout.chunk_rows * layout.n_cols * row_type_bytes(layout.type);
  if (layout.n_cols == 0 || layout.chunk_rows == 0 || chunk_bytes >= (std::uint64_t{1} << 32))
    throw Error(path_.string() + ": " + path + ": no chunk layout for " +
                std::to_string(layout.n_cols) + " columns in chunks of " +
                std::to_string(layout.chunk_rows) + " rows");
  reserve(METADATA_PER_OBJECT);
  pending_ += METADATA_PER_OBJECT;
  H dcpl(H5Pcreate(H5P_DATASET_CREATE));
  const std::array<hsize_t, 2> chunk{layout.chunk_rows, layout.n_cols};
  H5Pset_chunk(dcpl.get(), 2, chunk.data());
  // Shuffling groups the bytes of equal significance, so the counts' high
  // bytes (mostly zero) deflate to almost nothing.
  if (row_type_bytes(layout.type) > 1)
    H5Pset_shuffle(dcpl.get());
  H5Pset_deflate(dcpl.get(), DEFLATE_LEVEL);
  // Chunks allocated when the rows are added, as parallel HDF5 always does:
  // a partial archive written by one process without MPI (serial HDF5 would
  // allocate at write time) is then one that a resume on several ranks can
  // write collectively — HDF5 1.10 hangs in a collective write of filtered
  // chunks allocated the serial way.
  H5Pset_alloc_time(dcpl.get(), H5D_ALLOC_TIME_EARLY);
  H d = create_dataset(file_->get(), path, file_type(layout.type), {0, layout.n_cols},
                       {H5S_UNLIMITED, layout.n_cols}, dcpl.get());
  check_all(d.get() >= 0, d.get() >= 0 ? ""
                                       : path_.string() + ": " + path +
                                             ": cannot create dataset (" + hdf5_error_text() + ")");
  d.reset();
  describe(*this, path, unit, description);
  set_attribute(path, "checksum", RowChecksum{}.hex());
}

template <RowValue T>
void Archive::create_rows(const std::string& path, std::uint64_t n_rows, std::uint64_t n_cols,
                          const std::string& unit, const std::string& description) {
  const RowType type = std::is_same_v<T, double> ? RowType::f64 : RowType::i64;
  create_rows(path, {n_cols, type, chunk_rows_for(n_rows, 8 * n_cols)}, unit, description);
  resize_rows(path, n_rows);
}
template void Archive::create_rows<double>(const std::string&, std::uint64_t, std::uint64_t,
                                           const std::string&, const std::string&);
template void Archive::create_rows<std::int64_t>(const std::string&, std::uint64_t, std::uint64_t,
                                                 const std::string&, const std::string&);

RowsInfo Archive::inspect_rows(const std::string& path) {
  flush(); // the read-only handle below reads what is on disk
  RowsInfo info;
  std::array<std::uint64_t, 14> n{};
  std::string checksum;
  if (rank_ == 0) {
    H f(H5Fopen(path_.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT));
    if (f.get() >= 0)
      info = inspect_in(f.get(), path);
    H5Eclear2(H5E_DEFAULT);
    const auto at = [](const std::vector<std::uint64_t>& v, std::size_t i) {
      return i < v.size() ? v[i] : 0;
    };
    n = {info.exists,          info.dataset,
         info.dims.size(),     at(info.dims, 0),
         at(info.dims, 1),     at(info.max_dims, 0),
         at(info.max_dims, 1), info.chunk.size(),
         at(info.chunk, 0),    at(info.chunk, 1),
         info.shuffle,         info.deflate,
         info.storage_bytes,   info.checksum.has_value()};
    checksum = info.checksum.value_or("");
  }
  std::string type = info.type;
  if (parallel(comm_)) {
    MPI_Bcast(n.data(), static_cast<int>(n.size()), MPI_UINT64_T, 0, comm_);
    bcast_string(type, 0, comm_);
    bcast_string(checksum, 0, comm_);
  }
  if (rank_ != 0) {
    // Only the first two extents travel: a per-trial dataset has two, and
    // one of another rank is refused on its rank alone.
    const auto first = [&n](std::size_t at, std::uint64_t size) {
      std::vector<std::uint64_t> v(
          n.begin() + static_cast<std::ptrdiff_t>(at),
          n.begin() + static_cast<std::ptrdiff_t>(at + std::min<std::uint64_t>(size, 2)));
      v.resize(size);
      return v;
    };
    info = RowsInfo{};
    info.exists = n[0] != 0;
    info.dataset = n[1] != 0;
    info.dims = first(3, n[2]);
    info.max_dims = first(5, n[2]);
    info.chunk = first(8, n[7]);
    info.type = type;
    info.shuffle = n[10] != 0;
    info.deflate = n[11] != 0;
    info.storage_bytes = n[12];
    if (n[13] != 0)
      info.checksum = checksum;
  }
  return info;
}

void Archive::resize_rows(const std::string& path, std::uint64_t rows) {
  reserve(METADATA_PER_OBJECT);
  pending_ += METADATA_PER_OBJECT;
  H dset(H5Dopen2(file_->get(), path.c_str(), H5P_DEFAULT));
  bool ok = dset.get() >= 0;
  if (ok) {
    H space(H5Dget_space(dset.get()));
    std::array<hsize_t, 2> dims{0, 0};
    ok = H5Sget_simple_extent_ndims(space.get()) == 2 &&
         H5Sget_simple_extent_dims(space.get(), dims.data(), nullptr) >= 0;
    dims[0] = rows;
    ok = ok && H5Dset_extent(dset.get(), dims.data()) >= 0;
  }
  check_all(ok, ok ? ""
                   : path_.string() + ": " + path + ": cannot resize to " + std::to_string(rows) +
                         " rows (" + hdf5_error_text() + ")");
}

template <class T>
RowChecksum Archive::write_rows_impl(const std::string& path, std::span<const RowBlocks> blocks,
                                     std::span<const T> values) {
  H dset(H5Dopen2(file_->get(), path.c_str(), H5P_DEFAULT));
  std::string problem;
  std::array<hsize_t, 2> dims{0, 0};
  std::optional<RowType> type;
  H file_space;
  if (dset.get() < 0) {
    problem = path_.string() + ": " + path + ": no such dataset";
  } else {
    file_space = H(H5Dget_space(dset.get()));
    H5Sget_simple_extent_dims(file_space.get(), dims.data(), nullptr);
    H t(H5Dget_type(dset.get()));
    type = row_type_of(type_name(t.get()));
    const bool matches = type && (*type == RowType::f64) == std::is_same_v<T, double>;
    std::uint64_t rows = 0;
    for (const auto& b : blocks) {
      rows += b.rows();
      if (b.count > 0 && b.block > 0 &&
          ((b.count > 1 && b.stride < b.block) ||
           b.first + (b.count - 1) * b.stride + b.block > dims[0]))
        problem = path_.string() + ": " + path + ": rows beyond the dataset's end";
    }
    if (!matches)
      problem = path_.string() + ": " + path + ": values of the wrong type for the dataset";
    else if (rows * dims[1] != values.size())
      problem = path_.string() + ": " + path + ": row data is not the rows' values";
  }
  // Values are converted to the stored type here, before anything is
  // written: a count that does not fit stops every rank, not just its own.
  const std::size_t width = type ? row_type_bytes(*type) : sizeof(T);
  std::vector<unsigned char> stored;
  const unsigned char* bytes = reinterpret_cast<const unsigned char*>(values.data());
  if (problem.empty() && width != sizeof(T)) {
    stored.resize(values.size() * width);
    const auto limit = static_cast<std::int64_t>((std::uint64_t{1} << (8 * width)) - 1);
    for (std::size_t i = 0; i < values.size(); ++i) {
      const auto v = static_cast<std::int64_t>(values[i]);
      if (v < 0 || v > limit) {
        problem = path_.string() + ": " + path + ": value " + std::to_string(v) +
                  " does not fit the dataset's type " + std::string(row_type_name(*type));
        break;
      }
      const auto u = static_cast<std::uint32_t>(v);
      std::memcpy(stored.data() + i * width, &u, width); // little-endian: low bytes first
    }
    bytes = stored.data();
  }
  if (const std::string failure = agreed_failure(problem.empty(), problem); !failure.empty())
    throw Error(failure);

  const std::uint64_t mine = values.size() * width;
  std::uint64_t total = mine;
  if (parallel(comm_))
    MPI_Allreduce(&mine, &total, 1, MPI_UINT64_T, MPI_SUM, comm_);
  reserve(total + total / 64 + 1024 * (total / (64 * 1024) + 1));
  pending_ += METADATA_PER_OBJECT;

  RowChecksum sum;
  const std::size_t row_bytes = dims[1] * width;
  std::size_t offset = 0;
  H5Sselect_none(file_space.get());
  for (const auto& b : blocks) {
    if (b.rows() == 0)
      continue;
    for (std::uint64_t k = 0; k < b.count; ++k)
      for (std::uint64_t r = 0; r < b.block; ++r, offset += row_bytes)
        sum.add_row(b.first + k * b.stride + r, bytes + offset, row_bytes);
    const std::array<hsize_t, 2> start{b.first, 0}, stride{std::max<hsize_t>(b.stride, 1), 1},
        count{b.count, 1}, block{b.block, dims[1]};
    H5Sselect_hyperslab(file_space.get(), H5S_SELECT_OR, start.data(), stride.data(), count.data(),
                        block.data());
  }
  const std::array<hsize_t, 1> mem_dims{std::max<hsize_t>(1, values.size())};
  H mem_space(H5Screate_simple(1, mem_dims.data(), nullptr));
  if (values.empty())
    H5Sselect_none(mem_space.get());
  H dxpl = transfer_plist(dset.get());
  // Without MPI, HDF5 keeps the chunks in the dataset's cache and writes them
  // when the dataset is closed, where a failed write goes unreported: write
  // them now, so that a failure stops this checkpoint before its commit record.
  const bool ok = H5Dwrite(dset.get(), memory_type(*type), mem_space.get(), file_space.get(),
                           dxpl.get(), bytes) >= 0 &&
                  (parallel(comm_) || H5Dflush(dset.get()) >= 0);
  check_all(ok,
            ok ? ""
               : path_.string() + ": " + path + ": cannot write rows (" + hdf5_error_text() + ")");
  H5D_mpio_actual_io_mode_t mode = H5D_MPIO_NO_COLLECTIVE;
  H5Pget_mpio_actual_io_mode(dxpl.get(), &mode);
  last_collective_ = mode != H5D_MPIO_NO_COLLECTIVE;
  return sum.summed(comm_);
}

RowChecksum Archive::write_rows(const std::string& path, std::span<const RowBlocks> blocks,
                                std::span<const double> values) {
  return write_rows_impl(path, blocks, values);
}

RowChecksum Archive::write_rows(const std::string& path, std::span<const RowBlocks> blocks,
                                std::span<const std::int64_t> values) {
  return write_rows_impl(path, blocks, values);
}

namespace {
//! The rows of `values` from `row_begin` as one block (none when empty).
template <class T>
RowBlocks one_block(const Archive& a, const std::string& path, std::uint64_t row_begin,
                    std::span<const T> values) {
  const auto shape = a.shape(path);
  const std::uint64_t n_cols = shape.size() == 2 ? shape[1] : 1;
  const std::uint64_t rows = n_cols == 0 ? 0 : values.size() / n_cols;
  return {row_begin, rows, rows, rows > 0 ? 1u : 0u};
}
} // namespace

void Archive::write_rows(const std::string& path, std::uint64_t row_begin,
                         std::span<const double> values) {
  const RowBlocks b = one_block(*this, path, row_begin, values);
  add_to_checksum(path, write_rows_impl(path, std::span<const RowBlocks>(&b, 1), values));
}

void Archive::write_rows(const std::string& path, std::uint64_t row_begin,
                         std::span<const std::int64_t> values) {
  const RowBlocks b = one_block(*this, path, row_begin, values);
  add_to_checksum(path, write_rows_impl(path, std::span<const RowBlocks>(&b, 1), values));
}

void Archive::add_to_checksum(const std::string& path, const RowChecksum& rows) {
  // Rows written in blocks, each once: the checksum of all written so far.
  RowChecksum sum;
  if (has_attribute(path, "checksum"))
    sum = RowChecksum::from_hex(string_attribute(path, "checksum")).value_or(RowChecksum{});
  sum += rows;
  set_attribute(path, "checksum", sum.hex());
}

RowChecksum Archive::checksum_rows(const std::string& path, std::uint64_t row_begin,
                                   std::uint64_t row_end) const {
  return checksum_in(file_->get(), path, row_begin, row_end, path_);
}

// ---------------------------------------------------------------- reading

std::vector<std::uint64_t> Archive::shape(const std::string& path) const {
  H dset(H5Dopen2(file_->get(), path.c_str(), H5P_DEFAULT));
  if (dset.get() < 0)
    throw core::InputError(path_.string(), 0, path, "no such dataset");
  H space(H5Dget_space(dset.get()));
  const int nd = H5Sget_simple_extent_ndims(space.get());
  std::vector<hsize_t> dims(static_cast<std::size_t>(std::max(nd, 0)));
  H5Sget_simple_extent_dims(space.get(), dims.data(), nullptr);
  return {dims.begin(), dims.end()};
}

namespace {
template <class T>
std::vector<T> read_all(hid_t file, const std::string& path, const std::filesystem::path& fname) {
  H dset(H5Dopen2(file, path.c_str(), H5P_DEFAULT));
  if (dset.get() < 0)
    throw core::InputError(fname.string(), 0, path, "no such dataset");
  H space(H5Dget_space(dset.get()));
  const auto n = static_cast<std::size_t>(H5Sget_simple_extent_npoints(space.get()));
  std::vector<T> out(n);
  if (n > 0)
    check_status(H5Dread(dset.get(), native_type<T>(), H5S_ALL, H5S_ALL, H5P_DEFAULT, out.data()),
                 "cannot read dataset", fname);
  return out;
}

template <class T>
std::vector<T> read_row_range(hid_t file, const std::string& path, std::uint64_t begin,
                              std::uint64_t end, const std::filesystem::path& fname) {
  H dset(H5Dopen2(file, path.c_str(), H5P_DEFAULT));
  if (dset.get() < 0)
    throw core::InputError(fname.string(), 0, path, "no such dataset");
  H space(H5Dget_space(dset.get()));
  std::array<hsize_t, 2> dims{0, 0};
  H5Sget_simple_extent_dims(space.get(), dims.data(), nullptr);
  if (end > dims[0] || begin > end)
    throw core::InputError(fname.string(), 0, path, "row range out of bounds");
  std::vector<T> out((end - begin) * dims[1]);
  if (out.empty())
    return out;
  const std::array<hsize_t, 2> start{begin, 0};
  const std::array<hsize_t, 2> count{end - begin, dims[1]};
  H5Sselect_hyperslab(space.get(), H5S_SELECT_SET, start.data(), nullptr, count.data(), nullptr);
  const std::array<hsize_t, 1> mem_dims{out.size()};
  H mem(H5Screate_simple(1, mem_dims.data(), nullptr));
  check_status(
      H5Dread(dset.get(), native_type<T>(), mem.get(), space.get(), H5P_DEFAULT, out.data()),
      "cannot read rows", fname);
  return out;
}
} // namespace

template <RowValue T>
std::vector<T> Archive::read(const std::string& path) const {
  return read_all<T>(file_->get(), path, path_);
}
template <RowValue T>
std::vector<T> Archive::read_rows(const std::string& path, std::uint64_t row_begin,
                                  std::uint64_t row_end) const {
  return read_row_range<T>(file_->get(), path, row_begin, row_end, path_);
}
template std::vector<double> Archive::read<double>(const std::string&) const;
template std::vector<std::int64_t> Archive::read<std::int64_t>(const std::string&) const;
template std::vector<double> Archive::read_rows<double>(const std::string&, std::uint64_t,
                                                        std::uint64_t) const;
template std::vector<std::int64_t>
Archive::read_rows<std::int64_t>(const std::string&, std::uint64_t, std::uint64_t) const;

std::vector<std::string> Archive::read_strings(const std::string& path) const {
  H dset(H5Dopen2(file_->get(), path.c_str(), H5P_DEFAULT));
  if (dset.get() < 0)
    throw core::InputError(path_.string(), 0, path, "no such dataset");
  H type(H5Dget_type(dset.get()));
  if (H5Tget_class(type.get()) != H5T_STRING || H5Tis_variable_str(type.get()) > 0)
    throw core::InputError(path_.string(), 0, path, "not a fixed-length string dataset");
  const std::size_t width = H5Tget_size(type.get());
  H space(H5Dget_space(dset.get()));
  const auto n = static_cast<std::size_t>(H5Sget_simple_extent_npoints(space.get()));
  std::string buffer(n * width, '\0');
  if (n > 0)
    check_status(H5Dread(dset.get(), type.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, buffer.data()),
                 "cannot read strings", path_);
  std::vector<std::string> out(n);
  for (std::size_t i = 0; i < n; ++i) {
    std::string s = buffer.substr(i * width, width);
    s.erase(std::find(s.begin(), s.end(), '\0'), s.end());
    out[i] = s;
  }
  return out;
}

bool Archive::has_attribute(const std::string& path, const std::string& name) const {
  if (!exists(path))
    return false;
  return H5Aexists_by_name(file_->get(), path.c_str(), name.c_str(), H5P_DEFAULT) > 0;
}

std::string Archive::string_attribute(const std::string& path, const std::string& name) const {
  H attr(H5Aopen_by_name(file_->get(), path.c_str(), name.c_str(), H5P_DEFAULT, H5P_DEFAULT));
  if (attr.get() < 0)
    throw core::InputError(path_.string(), 0, path + "@" + name, "no such attribute");
  H type(H5Aget_type(attr.get()));
  if (H5Tget_class(type.get()) != H5T_STRING)
    throw core::InputError(path_.string(), 0, path + "@" + name, "not a string attribute");
  if (H5Tis_variable_str(type.get()) > 0) {
    char* value = nullptr;
    H mem(H5Tcopy(H5T_C_S1));
    H5Tset_size(mem.get(), H5T_VARIABLE);
    check_status(H5Aread(attr.get(), mem.get(), &value), "cannot read attribute", path_);
    std::string out = value != nullptr ? value : "";
    H5free_memory(value);
    return out;
  }
  std::string buffer(H5Tget_size(type.get()), '\0');
  check_status(H5Aread(attr.get(), type.get(), buffer.data()), "cannot read attribute", path_);
  buffer.erase(std::find(buffer.begin(), buffer.end(), '\0'), buffer.end());
  return buffer;
}

double Archive::number_attribute(const std::string& path, const std::string& name) const {
  H attr(H5Aopen_by_name(file_->get(), path.c_str(), name.c_str(), H5P_DEFAULT, H5P_DEFAULT));
  if (attr.get() < 0)
    throw core::InputError(path_.string(), 0, path + "@" + name, "no such attribute");
  double value = 0;
  check_status(H5Aread(attr.get(), H5T_NATIVE_DOUBLE, &value), "cannot read attribute", path_);
  return value;
}

Table Archive::read_table(const std::string& path) const {
  if (!exists(path) || !has_attribute(path, "columns"))
    throw core::InputError(path_.string(), 0, path, "no such table");
  Table t;
  std::string names = string_attribute(path, "columns");
  std::size_t pos = 0;
  while (pos <= names.size() && !names.empty()) {
    const std::size_t comma = names.find(',', pos);
    const std::string name = names.substr(pos, comma - pos);
    const std::string col = path + "/" + name;
    Column c;
    c.name = name;
    c.unit = has_attribute(col, "unit") ? string_attribute(col, "unit") : "";
    c.description = has_attribute(col, "description") ? string_attribute(col, "description") : "";
    H dset(H5Dopen2(file_->get(), col.c_str(), H5P_DEFAULT));
    H type(H5Dget_type(dset.get()));
    switch (H5Tget_class(type.get())) {
    case H5T_STRING:
      c.values = read_strings(col);
      break;
    case H5T_INTEGER:
      c.values = read<std::int64_t>(col);
      break;
    default:
      c.values = read<double>(col);
      break;
    }
    t.columns.push_back(std::move(c));
    if (comma == std::string::npos)
      break;
    pos = comma + 1;
  }
  return t;
}

std::vector<std::string> Archive::list(const std::string& path) const {
  std::vector<std::string> out;
  H group(H5Oopen(file_->get(), path.c_str(), H5P_DEFAULT));
  if (group.get() < 0)
    throw core::InputError(path_.string(), 0, path, "no such group");
  H5Literate(
      group.get(), H5_INDEX_NAME, H5_ITER_INC, nullptr,
      [](hid_t, const char* name, const H5L_info_t*, void* data) -> herr_t {
        static_cast<std::vector<std::string>*>(data)->emplace_back(name);
        return 0;
      },
      &out);
  return out;
}

// ---------------------------------------------------------------- committing

void Archive::verify_rows_on_disk() const {
  // Is the partial file still the one this run created? A run started later
  // with the same --output replaces it by a new file (create()).
  std::string problem;
  if (rank_ == 0 && file_identity(path_) != identity_)
    problem = path_.string() +
              ": replaced by another run writing the same --output while this run wrote it; "
              "this run's results are not kept";
  if (problem = agreed_failure(problem.empty(), problem); !problem.empty())
    throw core::IoError(problem);

  // Every committed per-trial dataset (a `trials` group with a `rows`
  // attribute) against its checksum, through fresh read-only handles: what is
  // on disk now, whoever wrote it. Rank 0 lists them; each rank checks a share.
  std::string listing;
  if (rank_ == 0) {
    H f(H5Fopen(path_.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT));
    std::vector<std::string> names;
    if (f.get() >= 0)
      H5Lvisit(
          f.get(), H5_INDEX_NAME, H5_ITER_INC,
          [](hid_t, const char* name, const H5L_info_t*, void* data) -> herr_t {
            static_cast<std::vector<std::string>*>(data)->emplace_back(name);
            return 0;
          },
          &names);
    for (const auto& name : names) {
      const std::size_t slash = name.rfind('/');
      if (slash == std::string::npos)
        continue;
      const std::string parent = name.substr(0, slash);
      if (parent != "trials" && !parent.ends_with("/trials"))
        continue;
      H group(H5Oopen(f.get(), parent.c_str(), H5P_DEFAULT));
      H obj(H5Oopen(f.get(), name.c_str(), H5P_DEFAULT));
      if (group.get() < 0 || obj.get() < 0 || H5Iget_type(obj.get()) != H5I_DATASET ||
          H5Aexists(group.get(), "rows") <= 0 || H5Aexists(obj.get(), "checksum") <= 0)
        continue;
      std::int64_t rows = -1;
      H attr(H5Aopen(group.get(), "rows", H5P_DEFAULT));
      H5Aread(attr.get(), H5T_NATIVE_INT64, &rows);
      listing += "/" + name + '\t' + std::to_string(rows) + '\t' +
                 read_string_attribute(obj.get(), "checksum") + '\n';
    }
    H5Eclear2(H5E_DEFAULT);
  }
  bcast_string(listing, 0, comm_);
  int size = 1;
  if (parallel(comm_))
    MPI_Comm_size(comm_, &size);
  H f(H5Fopen(path_.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT));
  for (std::size_t pos = 0; pos < listing.size();) {
    const std::size_t tab1 = listing.find('\t', pos), tab2 = listing.find('\t', tab1 + 1),
                      end = listing.find('\n', tab2 + 1);
    const std::string name = listing.substr(pos, tab1 - pos);
    const auto rows = static_cast<std::uint64_t>(
        std::max<long long>(0, std::atoll(listing.substr(tab1 + 1, tab2 - tab1 - 1).c_str())));
    const auto expected = RowChecksum::from_hex(listing.substr(tab2 + 1, end - tab2 - 1));
    pos = end + 1;
    RowChecksum mine;
    std::string failure;
    try {
      if (f.get() < 0)
        throw Error("cannot reopen (" + hdf5_error_text() + ")");
      const std::uint64_t lo = rows * static_cast<std::uint64_t>(rank_) / size;
      const std::uint64_t hi = rows * static_cast<std::uint64_t>(rank_ + 1) / size;
      mine = checksum_in(f.get(), name, lo, hi, path_);
    } catch (const core::Error& e) {
      failure = e.what();
    }
    if (failure = agreed_failure(failure.empty(), failure); !failure.empty())
      throw core::IoError(failure);
    if (!expected || mine.summed(comm_) != *expected)
      throw core::IoError(path_.string() + ": " + name +
                          ": rows do not match their checksum after writing — another process "
                          "changed the file during the run (two runs with the same --output?); "
                          "not renamed to " +
                          final_path_.filename().string());
  }
}

void Archive::commit() {
  if (!file_)
    return;
  if (!writable_) { // a read-only archive has nothing to commit
    file_.reset();
    return;
  }
  reserve(0);
  close_file();
  verify_rows_on_disk();
  std::string problem;
  if (rank_ == 0) {
    std::error_code ec;
    std::filesystem::rename(path_, final_path_, ec);
    if (ec)
      problem = path_.string() + ": cannot rename to " + final_path_.string() + ": " + ec.message();
  }
  // Also a barrier: every rank sees the final file once commit() returns.
  if (problem = agreed_failure(problem.empty(), problem); !problem.empty())
    throw core::IoError(problem);
  path_ = final_path_;
  writable_ = false;
}

} // namespace nuflare::io
