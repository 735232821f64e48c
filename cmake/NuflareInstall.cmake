# `cmake --install` puts the binary, the headers and a package config in place,
# so another project can `find_package(nuflare)` and link nuflare::nuflare.
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

install(TARGETS nuflare nuflare_app nuflare_hdf5 nuflare_warnings EXPORT nuflareTargets
        RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR}
        LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
        INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(DIRECTORY include/nuflare DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(FILES "${PROJECT_BINARY_DIR}/include/nuflare/version.hpp"
        DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/nuflare)
install(EXPORT nuflareTargets NAMESPACE nuflare::
        DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/nuflare)
configure_package_config_file(cmake/nuflareConfig.cmake.in
  "${PROJECT_BINARY_DIR}/nuflareConfig.cmake"
  INSTALL_DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/nuflare)
write_basic_package_version_file("${PROJECT_BINARY_DIR}/nuflareConfigVersion.cmake"
  COMPATIBILITY SameMinorVersion)
install(FILES "${PROJECT_BINARY_DIR}/nuflareConfig.cmake"
              "${PROJECT_BINARY_DIR}/nuflareConfigVersion.cmake"
        DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/nuflare)
