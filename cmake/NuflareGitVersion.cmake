# The git revision is stamped into every archive (docs/archive-format.md).
find_package(Git QUIET)
set(NUFLARE_GIT_REVISION "unknown")
if(GIT_FOUND AND EXISTS "${PROJECT_SOURCE_DIR}/.git")
  execute_process(COMMAND "${GIT_EXECUTABLE}" describe --always --dirty --abbrev=12
                  WORKING_DIRECTORY "${PROJECT_SOURCE_DIR}"
                  OUTPUT_VARIABLE _rev OUTPUT_STRIP_TRAILING_WHITESPACE
                  ERROR_QUIET RESULT_VARIABLE _res)
  if(_res EQUAL 0 AND _rev)
    set(NUFLARE_GIT_REVISION "${_rev}")
  endif()
endif()
