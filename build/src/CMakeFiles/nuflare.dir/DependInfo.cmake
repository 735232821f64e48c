
# Consider dependencies only in project.
set(CMAKE_DEPENDS_IN_PROJECT_ONLY OFF)

# The set of languages for which implicit dependencies are needed:
set(CMAKE_DEPENDS_LANGUAGES
  )

# The set of dependency files which are needed:
set(CMAKE_DEPENDS_DEPENDENCY_FILES
  "/work/main/src/campaign/partition.cpp" "src/CMakeFiles/nuflare.dir/campaign/partition.cpp.o" "gcc" "src/CMakeFiles/nuflare.dir/campaign/partition.cpp.o.d"
  "/work/main/src/campaign/rng.cpp" "src/CMakeFiles/nuflare.dir/campaign/rng.cpp.o" "gcc" "src/CMakeFiles/nuflare.dir/campaign/rng.cpp.o.d"
  "/work/main/src/core/error.cpp" "src/CMakeFiles/nuflare.dir/core/error.cpp.o" "gcc" "src/CMakeFiles/nuflare.dir/core/error.cpp.o.d"
  "/work/main/src/io/line_reader.cpp" "src/CMakeFiles/nuflare.dir/io/line_reader.cpp.o" "gcc" "src/CMakeFiles/nuflare.dir/io/line_reader.cpp.o.d"
  "/work/main/src/io/table_reader.cpp" "src/CMakeFiles/nuflare.dir/io/table_reader.cpp.o" "gcc" "src/CMakeFiles/nuflare.dir/io/table_reader.cpp.o.d"
  "/work/main/src/sky/coordinates.cpp" "src/CMakeFiles/nuflare.dir/sky/coordinates.cpp.o" "gcc" "src/CMakeFiles/nuflare.dir/sky/coordinates.cpp.o.d"
  "/work/main/src/sky/region.cpp" "src/CMakeFiles/nuflare.dir/sky/region.cpp.o" "gcc" "src/CMakeFiles/nuflare.dir/sky/region.cpp.o.d"
  )

# Targets to which this target links.
set(CMAKE_TARGET_LINKED_INFO_FILES
  )

# Fortran module output directory.
set(CMAKE_Fortran_TARGET_MODULE_DIR "")
