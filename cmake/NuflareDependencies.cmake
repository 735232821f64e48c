# One place for every external dependency; all come from Debian packages.
include(FeatureSummary)

find_package(MPI REQUIRED COMPONENTS C CXX)
set_package_properties(MPI PROPERTIES TYPE REQUIRED PURPOSE "trial campaigns over ranks")

# Debian's libhdf5-openmpi-dev: ask FindHDF5 for the parallel build and
# refuse a serial one, since the archive is written collectively.
set(HDF5_PREFER_PARALLEL TRUE)
find_package(HDF5 REQUIRED COMPONENTS C)
if(NOT HDF5_IS_PARALLEL)
  message(FATAL_ERROR
    "nuflare needs a parallel (MPI) HDF5, but ${HDF5_C_LIBRARIES} is serial. "
    "On Debian: apt-get install libhdf5-openmpi-dev")
endif()
set_package_properties(HDF5 PROPERTIES TYPE REQUIRED PURPOSE "parallel archive")

find_package(Boost 1.74 REQUIRED COMPONENTS program_options)
set_package_properties(Boost PROPERTIES TYPE REQUIRED PURPOSE "CLI, quadrature and root finding")

find_package(Eigen3 3.3 REQUIRED NO_MODULE)
set_package_properties(Eigen3 PROPERTIES TYPE REQUIRED PURPOSE "Levenberg-Marquardt fits")

find_package(PkgConfig REQUIRED)
pkg_check_modules(CFITSIO REQUIRED IMPORTED_TARGET cfitsio)
find_package(LibLZMA REQUIRED)
find_package(ZLIB REQUIRED)

find_path(RANDOM123_INCLUDE_DIR Random123/philox.h REQUIRED)
if(NOT TARGET Random123::Random123)
  add_library(Random123::Random123 INTERFACE IMPORTED)
  set_target_properties(Random123::Random123 PROPERTIES
    INTERFACE_INCLUDE_DIRECTORIES "${RANDOM123_INCLUDE_DIR}")
endif()

if(NUFLARE_BUILD_TESTS)
  find_package(Catch2 2 REQUIRED)
  set_package_properties(Catch2 PROPERTIES TYPE OPTIONAL PURPOSE "unit, MPI and regression tests")
endif()
if(NUFLARE_BUILD_BENCH)
  find_package(benchmark QUIET)
  set_package_properties(benchmark PROPERTIES TYPE OPTIONAL PURPOSE "bench/")
endif()

# The Python module (python/, docs/python.md): pybind11 and the Python headers
# from Debian (pybind11-dev, python3-dev). Its numpy, h5py and astropy are
# Debian's too, so the interpreter defaults to Debian's /usr/bin/python3
# rather than the first python3 on PATH (pyenv, conda), whose site-packages
# would lack them; -DPython_EXECUTABLE=... picks another. Found quietly: the
# top-level NUFLARE_BUILD_PYTHON defaults to ON when both are there.
set(NUFLARE_PYTHON_FOUND FALSE)
if(NOT DEFINED NUFLARE_BUILD_PYTHON OR NUFLARE_BUILD_PYTHON)
  if(NOT DEFINED Python_EXECUTABLE AND EXISTS /usr/bin/python3)
    set(Python_EXECUTABLE /usr/bin/python3 CACHE FILEPATH
        "Python interpreter the module nuflare is built for and tested with")
  endif()
  find_package(Python 3.9 QUIET COMPONENTS Interpreter Development.Module)
  if(Python_FOUND)
    set(PYBIND11_FINDPYTHON ON) # reuse the Python found above (FindPython)
    find_package(pybind11 2.6 CONFIG QUIET)
  endif()
  if(Python_FOUND AND pybind11_FOUND)
    set(NUFLARE_PYTHON_FOUND TRUE)
  endif()
endif()
set_package_properties(pybind11 PROPERTIES TYPE OPTIONAL PURPOSE "the Python module nuflare (python/)")

# HDF5 from FindHDF5 has no imported target on CMake 3.25 for every layout.
if(NOT TARGET nuflare_hdf5)
  add_library(nuflare_hdf5 INTERFACE)
  target_include_directories(nuflare_hdf5 SYSTEM INTERFACE ${HDF5_C_INCLUDE_DIRS})
  target_link_libraries(nuflare_hdf5 INTERFACE ${HDF5_C_LIBRARIES})
  target_compile_definitions(nuflare_hdf5 INTERFACE ${HDF5_C_DEFINITIONS})
endif()

function(nuflare_feature_summary)
  message(STATUS "nuflare ${PROJECT_VERSION} (${NUFLARE_GIT_REVISION})")
  message(STATUS "  MPI        ${MPI_CXX_VERSION} (${MPIEXEC_EXECUTABLE})")
  message(STATUS "  HDF5       ${HDF5_VERSION} parallel=${HDF5_IS_PARALLEL}")
  message(STATUS "  Boost      ${Boost_VERSION}")
  message(STATUS "  Eigen      ${Eigen3_VERSION}")
  message(STATUS "  cfitsio    ${CFITSIO_VERSION}")
  message(STATUS "  Random123  ${RANDOM123_INCLUDE_DIR}")
  message(STATUS "  Catch2     ${Catch2_VERSION} tests=${NUFLARE_BUILD_TESTS}")
  message(STATUS "  benchmark  ${benchmark_VERSION} found=${benchmark_FOUND}")
  message(STATUS "  pybind11   ${pybind11_VERSION} python=${NUFLARE_BUILD_PYTHON} (${Python_EXECUTABLE} ${Python_VERSION})")
  message(STATUS "  sanitizers ${NUFLARE_SANITIZE}")
endfunction()
