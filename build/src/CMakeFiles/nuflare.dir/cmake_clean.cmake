file(REMOVE_RECURSE
  "CMakeFiles/nuflare.dir/campaign/partition.cpp.o"
  "CMakeFiles/nuflare.dir/campaign/partition.cpp.o.d"
  "CMakeFiles/nuflare.dir/campaign/rng.cpp.o"
  "CMakeFiles/nuflare.dir/campaign/rng.cpp.o.d"
  "CMakeFiles/nuflare.dir/core/error.cpp.o"
  "CMakeFiles/nuflare.dir/core/error.cpp.o.d"
  "CMakeFiles/nuflare.dir/io/line_reader.cpp.o"
  "CMakeFiles/nuflare.dir/io/line_reader.cpp.o.d"
  "CMakeFiles/nuflare.dir/io/table_reader.cpp.o"
  "CMakeFiles/nuflare.dir/io/table_reader.cpp.o.d"
  "CMakeFiles/nuflare.dir/sky/coordinates.cpp.o"
  "CMakeFiles/nuflare.dir/sky/coordinates.cpp.o.d"
  "CMakeFiles/nuflare.dir/sky/region.cpp.o"
  "CMakeFiles/nuflare.dir/sky/region.cpp.o.d"
  "libnuflare.a"
  "libnuflare.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang CXX)
  include(CMakeFiles/nuflare.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
