add_library(nuflare_warnings INTERFACE)
target_compile_options(nuflare_warnings INTERFACE -Wall -Wextra -Wpedantic)
# GCC 12 reports -Wrestrict inside libstdc++'s std::string operator+ when it
# is inlined at -O2 (GCC bug 105651, fixed in GCC 13): a false positive in
# library code, not ours.
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 13)
  target_compile_options(nuflare_warnings INTERFACE -Wno-restrict)
endif()
if(NUFLARE_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  add_link_options(-fsanitize=address,undefined)
endif()
