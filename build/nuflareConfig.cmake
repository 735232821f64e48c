
####### Expanded from @PACKAGE_INIT@ by configure_package_config_file() #######
####### Any changes to this file will be overwritten by the next CMake run ####
####### The input file was nuflareConfig.cmake.in                            ########

get_filename_component(PACKAGE_PREFIX_DIR "${CMAKE_CURRENT_LIST_DIR}/../../../" ABSOLUTE)

macro(set_and_check _var _file)
  set(${_var} "${_file}")
  if(NOT EXISTS "${_file}")
    message(FATAL_ERROR "File or directory ${_file} referenced by variable ${_var} does not exist !")
  endif()
endmacro()

macro(check_required_components _NAME)
  foreach(comp ${${_NAME}_FIND_COMPONENTS})
    if(NOT ${_NAME}_${comp}_FOUND)
      if(${_NAME}_FIND_REQUIRED_${comp})
        set(${_NAME}_FOUND FALSE)
      endif()
    endif()
  endforeach()
endmacro()

####################################################################################
include(CMakeFindDependencyMacro)
find_dependency(MPI COMPONENTS C CXX)
set(HDF5_PREFER_PARALLEL TRUE)
find_dependency(HDF5 COMPONENTS C)
find_dependency(Boost 1.74 COMPONENTS program_options)
find_dependency(Eigen3 3.3 NO_MODULE)
find_dependency(PkgConfig)
pkg_check_modules(CFITSIO REQUIRED IMPORTED_TARGET cfitsio)
find_dependency(LibLZMA)
find_dependency(ZLIB)
if(NOT TARGET Random123::Random123)
  find_path(RANDOM123_INCLUDE_DIR Random123/philox.h REQUIRED)
  add_library(Random123::Random123 INTERFACE IMPORTED)
  set_target_properties(Random123::Random123 PROPERTIES
    INTERFACE_INCLUDE_DIRECTORIES "${RANDOM123_INCLUDE_DIR}")
endif()
include("${CMAKE_CURRENT_LIST_DIR}/nuflareTargets.cmake")
check_required_components(nuflare)
