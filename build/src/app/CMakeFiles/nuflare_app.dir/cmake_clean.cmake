file(REMOVE_RECURSE
  "CMakeFiles/nuflare_app.dir/main.cpp.o"
  "CMakeFiles/nuflare_app.dir/main.cpp.o.d"
  "nuflare"
  "nuflare.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang CXX)
  include(CMakeFiles/nuflare_app.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
