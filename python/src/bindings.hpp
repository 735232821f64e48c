#pragma once
//! Shared helpers of the `_nuflare` extension (docs/python.md). The extension
//! is a thin adapter: it copies numpy input into std::vector, releases the GIL
//! around the library call and hands plain numpy arrays and dicts back. The
//! keyword handling, defaults and docstrings live in the pure-Python package
//! `nuflare` (python/nuflare/).
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <type_traits>
#include <vector>

namespace nuflare::python {

namespace py = pybind11;

//! A C-contiguous float64 array (the Python front converts with numpy first).
using DoubleArray = py::array_t<double, py::array::c_style | py::array::forcecast>;

//! Copies a 1-D float64 array (the GIL is held), so the kernels can run without it.
[[nodiscard]] inline std::vector<double> to_vector(const DoubleArray& a) {
  const auto view = a.unchecked<1>();
  std::vector<double> out(static_cast<std::size_t>(view.shape(0)));
  for (std::size_t i = 0; i < out.size(); ++i)
    out[i] = view(static_cast<py::ssize_t>(i));
  return out;
}

//! A new float64 array holding `v`.
[[nodiscard]] inline py::array_t<double> to_array(const std::vector<double>& v) {
  py::array_t<double> out(static_cast<py::ssize_t>(v.size()));
  auto w = out.mutable_unchecked<1>();
  for (std::size_t i = 0; i < v.size(); ++i)
    w(static_cast<py::ssize_t>(i)) = v[i];
  return out;
}

//! A new bool array holding `v` (any container of values convertible to bool).
template <class Container>
[[nodiscard]] py::array_t<bool> to_bool_array(const Container& v) {
  py::array_t<bool> out(static_cast<py::ssize_t>(v.size()));
  auto w = out.mutable_unchecked<1>();
  py::ssize_t i = 0;
  for (const auto& x : v)
    w(i++) = static_cast<bool>(x);
  return out;
}

//! One column of a table of records, for a Python dict: `get` (a member
//! pointer or a function) of every row, as a float64 array (double), a bool
//! array (bool) or a list (strings and the rest).
template <class Rows, class Get>
[[nodiscard]] py::object column(const Rows& rows, Get&& get) {
  using T = std::decay_t<std::invoke_result_t<Get&, const typename Rows::value_type&>>;
  std::vector<T> values;
  values.reserve(rows.size());
  for (const auto& row : rows)
    values.push_back(std::invoke(get, row));
  if constexpr (std::is_same_v<T, bool>)
    return to_bool_array(values);
  else if constexpr (std::is_same_v<T, double>)
    return to_array(values);
  else
    return py::cast(values);
}

void bind_lightcurve(py::module_& m);
void bind_followup(py::module_& m);

} // namespace nuflare::python
