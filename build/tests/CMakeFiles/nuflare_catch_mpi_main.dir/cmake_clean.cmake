file(REMOVE_RECURSE
  "CMakeFiles/nuflare_catch_mpi_main.dir/support/mpi_main.cpp.o"
  "CMakeFiles/nuflare_catch_mpi_main.dir/support/mpi_main.cpp.o.d"
)

# Per-language clean rules from dependency scanning.
foreach(lang CXX)
  include(CMakeFiles/nuflare_catch_mpi_main.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
