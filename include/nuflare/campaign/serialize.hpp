#pragma once
//! Records as bytes, the one packer of the project: what one rank read, sent
//! to the others (read_once.hpp, docs/scaling.md), and results of any size
//! gathered from every rank (gather.hpp). Packer writes numbers, strings,
//! vectors, optionals, pairs, maps, plain structs and the records below into
//! a byte buffer; Unpacker reads them back in the same order. Both ends are
//! the same program, so numbers, enums and trivially copyable structs
//! (lightcurve::Interval, say) travel as their bytes.
//!
//! Large arrays of plain numbers (the columns of an event sample) are, by
//! default, not copied into the buffer: they are listed as blocks, which the
//! transport sends straight from the sender's vectors and receives straight
//! into the receiver's, so a 50 MB sample is never held twice. A transport
//! that moves one buffer (all_gather_bytes) asks for Arrays::in_buffer.
//!
//! A record is described once, by a `fields(a, record)` function that names
//! its members in order; the same function packs and unpacks. Records of other
//! modules get theirs here; a caller's own struct gets one in its namespace
//! (found by argument-dependent lookup), e.g.
//!
//!     template <class A, campaign::Record<Inputs> R> void fields(A& a, R& in) {
//!       a(in.alerts, in.series, in.files);
//!     }
#include "nuflare/coincidence/temporal_selection.hpp"
#include "nuflare/core/error.hpp"
#include "nuflare/io/records.hpp"

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <type_traits>
#include <unordered_map>
#include <utility>
#include <vector>

namespace nuflare::campaign {

//! `R` is the record type `T`, const or not: one fields() serves packing and unpacking.
template <class R, class T>
concept Record = std::same_as<std::remove_const_t<R>, T>;

// --- the records of io/ and coincidence/ (every member, in declaration order) ---

template <class A, Record<io::EventSample> R>
void fields(A& a, R& e) {
  a(e.mjd, e.log10_e, e.angerr_deg, e.ra_deg, e.dec_deg, e.season, e.season_index);
}
template <class A, Record<io::SourceCatalog> R>
void fields(A& a, R& c) {
  a(c.name, c.ra_deg, c.dec_deg, c.variability_index, c.glon_deg, c.glat_deg, c.group, c.warm_spot);
}
template <class A, Record<io::Alert> R>
void fields(A& a, R& x) {
  a(x.name, x.mjd, x.ra_deg, x.dec_deg, x.ra_plus_deg, x.ra_minus_deg, x.dec_plus_deg,
    x.dec_minus_deg, x.retracted, x.signalness, x.energy_tev, x.stream, x.alert_class,
    x.area_rect_deg2, x.area_obs_deg2, x.latency_hours, x.line);
}
template <class A, Record<io::LightCurve> R>
void fields(A& a, R& c) {
  a(c.source, c.band, c.mjd, c.flux, c.flux_unit, c.flux_err, c.upper_limit, c.ts, c.photon_index);
}
template <class A, Record<io::GoodRunList> R>
void fields(A& a, R& g) {
  a(g.season, g.start_mjd, g.stop_mjd);
}
template <class A, Record<io::EffectiveArea> R>
void fields(A& a, R& t) {
  a(t.season, t.log10_e_min, t.log10_e_max, t.dec_min_deg, t.dec_max_deg, t.area_cm2);
}
template <class A, Record<coincidence::FlareSeries> R>
void fields(A& a, R& s) {
  a(s.name, s.ra_deg, s.dec_deg, s.mjd, s.level);
}
template <class A, Record<coincidence::SeriesReport> R>
void fields(A& a, R& r) {
  a(r.cut_sky, r.cut_variability, r.no_lightcurve, r.cut_detections, r.cut_flux, r.bad_quiescent,
    r.excluded);
}

namespace detail {
template <class T>
struct IsVector : std::false_type {};
template <class T, class Al>
struct IsVector<std::vector<T, Al>> : std::true_type {};
template <class T>
struct IsOptional : std::false_type {};
template <class T>
struct IsOptional<std::optional<T>> : std::true_type {};
template <class T>
struct IsPair : std::false_type {};
template <class A, class B>
struct IsPair<std::pair<A, B>> : std::true_type {};
template <class T>
struct IsMap : std::false_type {};
template <class K, class V, class C, class Al>
struct IsMap<std::map<K, V, C, Al>> : std::true_type {};
template <class K, class V, class H, class E, class Al>
struct IsMap<std::unordered_map<K, V, H, E, Al>> : std::true_type {};
//! Numbers and enums: copied as their bytes (both ends are the same program).
template <class T>
inline constexpr bool plain = (std::is_arithmetic_v<T> ||
                               std::is_enum_v<T>)&&!std::is_same_v<T, bool>;
//! Structs of numbers (no pointers, no fields() needed): copied as their bytes.
template <class T>
inline constexpr bool plain_struct = std::is_class_v<T>&& std::is_trivially_copyable_v<T> &&
                                     !IsOptional<T>::value && !IsPair<T>::value;
//! Elements that a vector stores contiguously as their bytes.
template <class T>
inline constexpr bool bytes_like = plain<T> || plain_struct<T>;
//! Arrays at least this large travel as blocks, not through the buffer.
inline constexpr std::size_t BLOCK_BYTES = 64 * 1024;
} // namespace detail

//! Where large arrays of plain numbers go.
enum class Arrays {
  as_blocks, //!< listed in `blocks`, sent and received in place (read_once.hpp)
  in_buffer, //!< copied into the buffer like everything else (gather.hpp)
};

//! Writes values into `bytes`, listing large plain arrays in `blocks`
//! (Arrays::as_blocks) or copying them into `bytes` too (Arrays::in_buffer).
class Packer {
public:
  explicit Packer(Arrays arrays = Arrays::as_blocks)
      : block_bytes_(arrays == Arrays::as_blocks ? detail::BLOCK_BYTES : SIZE_MAX) {}
  template <class... T>
  void operator()(const T&... values) {
    (put(values), ...);
  }
  std::vector<std::byte> bytes;
  //! Large arrays, in packing order: pointers into the packed values, which
  //! must outlive the transfer.
  std::vector<std::span<const std::byte>> blocks;

private:
  void raw(const void* p, std::size_t n) {
    if (n == 0)
      return;
    const std::size_t at = bytes.size();
    bytes.resize(at + n);
    std::memcpy(bytes.data() + at, p, n);
  }
  void size(std::size_t n) {
    const auto v = static_cast<std::uint64_t>(n);
    raw(&v, sizeof v);
  }
  std::size_t block_bytes_;

  template <class T>
  void put(const T& v) {
    using detail::IsMap, detail::IsOptional, detail::IsPair, detail::IsVector;
    if constexpr (std::is_same_v<T, bool>) {
      const std::uint8_t b = v ? 1 : 0;
      raw(&b, 1);
    } else if constexpr (detail::plain<T>) {
      raw(&v, sizeof v);
    } else if constexpr (std::is_same_v<T, std::string>) {
      size(v.size());
      raw(v.data(), v.size());
    } else if constexpr (std::is_same_v<T, std::filesystem::path>) {
      put(v.string());
    } else if constexpr (IsVector<T>::value) {
      using E = typename T::value_type;
      size(v.size());
      if constexpr (detail::bytes_like<E>) {
        const std::size_t n = v.size() * sizeof(E);
        if (n >= block_bytes_)
          blocks.emplace_back(reinterpret_cast<const std::byte*>(v.data()), n);
        else
          raw(v.data(), n);
      } else {
        for (const auto& e : v) // std::vector<bool> too: its elements read as bool
          put(static_cast<const E&>(e));
      }
    } else if constexpr (IsOptional<T>::value) {
      put(v.has_value());
      if (v)
        put(*v);
    } else if constexpr (IsPair<T>::value) {
      put(v.first);
      put(v.second);
    } else if constexpr (IsMap<T>::value) {
      size(v.size());
      for (const auto& [key, value] : v) {
        put(key);
        put(value);
      }
    } else if constexpr (detail::plain_struct<T>) {
      raw(&v, sizeof v);
    } else {
      fields(*this, v); // a record: its fields() here or in its own namespace
    }
  }
};

//! Reads values written by Packer, in the same order and with the same
//! Arrays. Large arrays (Arrays::as_blocks) are sized and listed in `blocks`,
//! to be filled by the transport.
class Unpacker {
public:
  explicit Unpacker(std::span<const std::byte> bytes, Arrays arrays = Arrays::as_blocks)
      : bytes_(bytes), block_bytes_(arrays == Arrays::as_blocks ? detail::BLOCK_BYTES : SIZE_MAX) {}
  template <class... T>
  void operator()(T&... values) {
    (get(values), ...);
  }
  //! Where the sender's blocks go, in order.
  std::vector<std::span<std::byte>> blocks;
  //! True when every byte was read.
  [[nodiscard]] bool done() const noexcept { return at_ == bytes_.size(); }

private:
  void raw(void* p, std::size_t n) {
    if (n == 0)
      return;
    if (n > bytes_.size() - at_)
      throw core::Error("internal error: packed bytes end early (the two ends describe a record "
                        "differently)");
    std::memcpy(p, bytes_.data() + at_, n);
    at_ += n;
  }
  std::size_t size() {
    std::uint64_t v = 0;
    raw(&v, sizeof v);
    if (v > bytes_.size() + (std::uint64_t{1} << 40)) // a count no buffer could announce
      throw core::Error("internal error: packed bytes announce an impossible count");
    return static_cast<std::size_t>(v);
  }
  template <class T>
  void get(T& v) {
    using detail::IsMap, detail::IsOptional, detail::IsPair, detail::IsVector;
    if constexpr (std::is_same_v<T, bool>) {
      std::uint8_t b = 0;
      raw(&b, 1);
      v = b != 0;
    } else if constexpr (detail::plain<T>) {
      raw(&v, sizeof v);
    } else if constexpr (std::is_same_v<T, std::string>) {
      v.resize(size());
      raw(v.data(), v.size());
    } else if constexpr (std::is_same_v<T, std::filesystem::path>) {
      std::string s;
      get(s);
      v = s;
    } else if constexpr (IsVector<T>::value) {
      using E = typename T::value_type;
      v.resize(size());
      if constexpr (detail::bytes_like<E>) {
        const std::size_t n = v.size() * sizeof(E);
        if (n >= block_bytes_)
          blocks.emplace_back(reinterpret_cast<std::byte*>(v.data()), n);
        else
          raw(v.data(), n);
      } else {
        for (std::size_t i = 0; i < v.size(); ++i) {
          E e{};
          get(e);
          v[i] = std::move(e);
        }
      }
    } else if constexpr (IsOptional<T>::value) {
      bool has = false;
      get(has);
      v.reset();
      if (has) {
        typename T::value_type x{};
        get(x);
        v = std::move(x);
      }
    } else if constexpr (IsPair<T>::value) {
      get(v.first);
      get(v.second);
    } else if constexpr (IsMap<T>::value) {
      v.clear();
      const std::size_t n = size();
      for (std::size_t i = 0; i < n; ++i) {
        typename T::key_type key{};
        typename T::mapped_type value{};
        get(key);
        get(value);
        v.emplace(std::move(key), std::move(value));
      }
    } else if constexpr (detail::plain_struct<T>) {
      raw(&v, sizeof v);
    } else {
      fields(*this, v);
    }
  }

  std::span<const std::byte> bytes_;
  std::size_t block_bytes_;
  std::size_t at_ = 0;
};

} // namespace nuflare::campaign
