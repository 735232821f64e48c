// The compiled half of the Python module `nuflare` (docs/python.md). Importing
// it starts nothing: no MPI_Init, no threads, no files. Errors of the library
// become Python exceptions with the library's one-line message, the same text
// `nuflare <subcommand>` prints after "nuflare: ".
#include "bindings.hpp"

#include "nuflare/core/error.hpp"
#include "nuflare/version.hpp"

namespace py = pybind11;

PYBIND11_MODULE(_nuflare, m) {
  m.doc() = "nuflare's C++ kernels; use the `nuflare` package, not this module.";
  m.attr("__version__") = nuflare::VERSION;
  m.attr("git_revision") = nuflare::GIT_REVISION;

  // Bad input and bad options (exit status 2 on the command line) are
  // ValueError, as numpy and astropy raise for bad arguments; I/O failures
  // (exit 74) OSError; a numerical method that failed (exit 3) RuntimeError.
  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p)
        std::rethrow_exception(p);
    } catch (const nuflare::core::IoError& e) {
      PyErr_SetString(PyExc_OSError, e.what());
    } catch (const nuflare::core::NumericalError& e) {
      PyErr_SetString(PyExc_RuntimeError, e.what());
    } catch (const nuflare::core::Error& e) {
      PyErr_SetString(PyExc_ValueError, e.what());
    }
  });

  nuflare::python::bind_lightcurve(m);
  nuflare::python::bind_followup(m);
}
