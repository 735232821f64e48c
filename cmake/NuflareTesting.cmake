# nuflare_add_test(NAME <name> SOURCES <files...> [RANKS <n...>] [LABELS <l...>] [DATA])
#
# Without RANKS the test runs as a plain program (label "unit" unless LABELS
# says otherwise). With RANKS it is linked against the MPI Catch2 main and
# registered once per rank count, as <name>_np<k> (label "mpi"), following
# Cabana's habit of running every MPI test at 1, 2 and 4 ranks.
#
# DATA: some test cases need files under ../shared (tag [data], guarded by
# NUFLARE_REQUIRE_DATA). They become their own ctest entry <name>_data, which
# ctest reports as skipped (exit 77) when the files are absent, while <name>
# runs the other cases.
set(NUFLARE_MPIEXEC_FLAGS --oversubscribe CACHE STRING "Extra flags for mpiexec in tests")

# Every test may start MPI: allow root (CI runs as root), allow more ranks than
# cores, make Open MPI's PMIx authenticate its local processes natively, and
# use the shared-memory transport of one node. Without PMIx's native
# authentication a machine with munge installed but munged stopped (the Slurm
# packages before slurm.sh starts it) waits 2.3 s in every mpiexec while PMIx
# retries the munge socket; without ob1/vader every rank spends ~0.2 s
# initialising UCX for a network the tests never use.
#
# The event cache (docs/scaling.md, "Event cache") is on by default in the
# user's ~/.cache: tests keep theirs in the build tree instead (tests of the
# cache itself set their own folder).
set(NUFLARE_TEST_MPI_ENV
    "OMPI_ALLOW_RUN_AS_ROOT=1;OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1;OMPI_MCA_rmaps_base_oversubscribe=1;PMIX_MCA_psec=native;OMPI_MCA_pml=ob1;OMPI_MCA_btl=self,vader;NUFLARE_CACHE_DIR=${PROJECT_BINARY_DIR}/test-cache")

function(nuflare_add_test)
  cmake_parse_arguments(T "DATA" "NAME" "SOURCES;RANKS;LABELS" ${ARGN})
  add_executable(${T_NAME} ${T_SOURCES})
  target_link_libraries(${T_NAME} PRIVATE nuflare::nuflare nuflare_test_support nuflare_warnings)
  if(T_RANKS)
    target_link_libraries(${T_NAME} PRIVATE nuflare_catch_mpi_main)
    if(NOT T_LABELS)
      set(T_LABELS mpi)
    endif()
    foreach(np IN LISTS T_RANKS)
      add_test(NAME ${T_NAME}_np${np}
               COMMAND ${MPIEXEC_EXECUTABLE} ${MPIEXEC_NUMPROC_FLAG} ${np} ${NUFLARE_MPIEXEC_FLAGS}
                       $<TARGET_FILE:${T_NAME}>)
      set_tests_properties(${T_NAME}_np${np} PROPERTIES LABELS "${T_LABELS}" PROCESSORS ${np}
        SKIP_RETURN_CODE 77 ENVIRONMENT "${NUFLARE_TEST_MPI_ENV}")
    endforeach()
  else()
    target_link_libraries(${T_NAME} PRIVATE nuflare_catch_main)
    if(NOT T_LABELS)
      set(T_LABELS unit)
    endif()
    if(T_DATA)
      add_test(NAME ${T_NAME} COMMAND ${T_NAME} "~[data]")
      add_test(NAME ${T_NAME}_data COMMAND ${T_NAME} "[data]")
      set(names ${T_NAME} ${T_NAME}_data)
    else()
      add_test(NAME ${T_NAME} COMMAND ${T_NAME})
      set(names ${T_NAME})
    endif()
    set_tests_properties(${names} PROPERTIES LABELS "${T_LABELS}" SKIP_RETURN_CODE 77
      ENVIRONMENT "${NUFLARE_TEST_MPI_ENV}")
  endif()
endfunction()

# nuflare_add_script_test(NAME <name> COMMAND <cmd...> [LABELS <l...>])
# A test driven by a shell or Python script (CLI contract, bad input, astropy).
function(nuflare_add_script_test)
  cmake_parse_arguments(T "" "NAME" "COMMAND;LABELS" ${ARGN})
  add_test(NAME ${T_NAME} COMMAND ${T_COMMAND})
  if(NOT T_LABELS)
    set(T_LABELS cli)
  endif()
  # Script tests start their own MPI jobs (often 2 ranks): reserve both cores
  # so `ctest -j 2` never oversubscribes them further.
  set_tests_properties(${T_NAME} PROPERTIES LABELS "${T_LABELS}" PROCESSORS 2
    SKIP_RETURN_CODE 77
    ENVIRONMENT "NUFLARE_BIN=$<TARGET_FILE:nuflare_app>;NUFLARE_SHARED_DIR=${NUFLARE_SHARED_DIR};NUFLARE_SOURCE_DIR=${PROJECT_SOURCE_DIR};${NUFLARE_TEST_MPI_ENV};MPIEXEC=${MPIEXEC_EXECUTABLE}")
endfunction()
