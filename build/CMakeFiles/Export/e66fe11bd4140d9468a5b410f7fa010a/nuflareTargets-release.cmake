#----------------------------------------------------------------
# Generated CMake target import file for configuration "Release".
#----------------------------------------------------------------

# Commands may need to know the format version.
set(CMAKE_IMPORT_FILE_VERSION 1)

# Import target "nuflare::nuflare" for configuration "Release"
set_property(TARGET nuflare::nuflare APPEND PROPERTY IMPORTED_CONFIGURATIONS RELEASE)
set_target_properties(nuflare::nuflare PROPERTIES
  IMPORTED_LINK_INTERFACE_LANGUAGES_RELEASE "CXX"
  IMPORTED_LOCATION_RELEASE "${_IMPORT_PREFIX}/lib/libnuflare.a"
  )

list(APPEND _cmake_import_check_targets nuflare::nuflare )
list(APPEND _cmake_import_check_files_for_nuflare::nuflare "${_IMPORT_PREFIX}/lib/libnuflare.a" )

# Import target "nuflare::nuflare_app" for configuration "Release"
set_property(TARGET nuflare::nuflare_app APPEND PROPERTY IMPORTED_CONFIGURATIONS RELEASE)
set_target_properties(nuflare::nuflare_app PROPERTIES
  IMPORTED_LOCATION_RELEASE "${_IMPORT_PREFIX}/bin/nuflare"
  )

list(APPEND _cmake_import_check_targets nuflare::nuflare_app )
list(APPEND _cmake_import_check_files_for_nuflare::nuflare_app "${_IMPORT_PREFIX}/bin/nuflare" )

# Commands beyond this point should not need to know the version.
set(CMAKE_IMPORT_FILE_VERSION)
