# Locate the LAMMPS tree ML-GLASS builds against and describe it as two targets:
#   mlglass::lammps_headers  headers + compile definitions matching the LAMMPS build (for the plugin)
#   mlglass::lammps          the shared liblammps (for tests and benchmarks that embed LAMMPS)
#
# Inputs (cache variables): LAMMPS_SOURCE_DIR (tree root or its src/), LAMMPS_BINARY_DIR (its CMake
# build dir with liblammps.so). Defaults: the tree tools/setup-lammps.sh fetches and builds.

if(NOT LAMMPS_SOURCE_DIR)
  file(GLOB _trees LIST_DIRECTORIES true "${MLGLASS_ROOT}/third_party/lammps-*")
  list(SORT _trees)
  list(REVERSE _trees)
  list(GET _trees 0 _tree)
  set(LAMMPS_SOURCE_DIR "${_tree}" CACHE PATH "LAMMPS source tree (root or src/)")
endif()
if(NOT LAMMPS_BINARY_DIR)
  set(LAMMPS_BINARY_DIR "${MLGLASS_ROOT}/build/lammps" CACHE PATH "LAMMPS CMake build directory")
endif()

if(EXISTS "${LAMMPS_SOURCE_DIR}/src/version.h")
  set(LAMMPS_SRC "${LAMMPS_SOURCE_DIR}/src")
elseif(EXISTS "${LAMMPS_SOURCE_DIR}/version.h")
  set(LAMMPS_SRC "${LAMMPS_SOURCE_DIR}")
else()
  message(FATAL_ERROR "No LAMMPS source at LAMMPS_SOURCE_DIR='${LAMMPS_SOURCE_DIR}'. "
                      "Run tools/setup-lammps.sh or pass -DLAMMPS_SOURCE_DIR=/path/to/lammps.")
endif()
if(NOT EXISTS "${LAMMPS_BINARY_DIR}/CMakeCache.txt")
  message(FATAL_ERROR "No LAMMPS CMake build at LAMMPS_BINARY_DIR='${LAMMPS_BINARY_DIR}'. "
                      "Run tools/setup-lammps.sh or pass -DLAMMPS_BINARY_DIR=/path/to/lammps/build.")
endif()

mlglass_lammps_version_number("${LAMMPS_SRC}" LAMMPS_VERSION_NUMBER)

# The LAMMPS releases ML-GLASS is known to build and pass its tests with (doc/build.rst).
set(MLGLASS_LAMMPS_OLDEST 20210929)   # 29 Sep 2021, Debian 12
set(MLGLASS_LAMMPS_NEWEST 20260704)   # 4 Jul 2026
option(MLGLASS_ALLOW_ANY_LAMMPS "Configure against a LAMMPS release outside the tested range" OFF)
if(NOT MLGLASS_ALLOW_ANY_LAMMPS AND (LAMMPS_VERSION_NUMBER LESS MLGLASS_LAMMPS_OLDEST OR
                                     LAMMPS_VERSION_NUMBER GREATER MLGLASS_LAMMPS_NEWEST))
  message(FATAL_ERROR "LAMMPS version ${LAMMPS_VERSION_NUMBER} (${LAMMPS_SRC}/version.h) is outside "
                      "the versions ML-GLASS supports, ${MLGLASS_LAMMPS_OLDEST} to ${MLGLASS_LAMMPS_NEWEST}. "
                      "Use a LAMMPS release in that range (tools/setup-lammps.sh builds 29Sep2021 or "
                      "4Jul2026), or pass -DMLGLASS_ALLOW_ANY_LAMMPS=ON to try this one anyway "
                      "(untested; see doc/build.rst for the checks to run).")
endif()

# The plugin must be compiled with the integer sizes and exception mode LAMMPS itself was built with.
load_cache("${LAMMPS_BINARY_DIR}" READ_WITH_PREFIX LMP_
           LAMMPS_SIZES LAMMPS_EXCEPTIONS BUILD_MPI PKG_PLUGIN BUILD_SHARED_LIBS PKG_KOKKOS
           PKG_ML-GLASS)
# A LAMMPS with ML-GLASS built in (tools/install-in-tree.sh; the KOKKOS tree of tools/setup-lammps.sh)
# has the styles already: the tests use those and load no plugin (a plugin's styles would replace
# them, its core code would sit beside liblammps' copy).
set(MLGLASS_LAMMPS_HAS_MLGLASS OFF)
if(LMP_PKG_ML-GLASS)
  set(MLGLASS_LAMMPS_HAS_MLGLASS ON)
  message(STATUS "ML-GLASS: this LAMMPS has ML-GLASS built in (in-tree package): tests use its "
                 "styles, not the plugin")
endif()
if(NOT LMP_LAMMPS_SIZES)
  set(LMP_LAMMPS_SIZES smallbig)
endif()
string(TOUPPER "${LMP_LAMMPS_SIZES}" _sizes)
if(NOT LMP_PKG_PLUGIN)
  message(FATAL_ERROR "LAMMPS in ${LAMMPS_BINARY_DIR} was built without the PLUGIN package "
                      "(PKG_PLUGIN is off in its CMakeCache.txt): it cannot 'plugin load' "
                      "mlglassplugin.so. Reconfigure that LAMMPS with -D PKG_PLUGIN=on and rebuild it, "
                      "or build ML-GLASS into it as a package (tools/install-in-tree.sh, doc/build.rst).")
endif()
if(NOT LMP_BUILD_SHARED_LIBS)
  message(FATAL_ERROR "LAMMPS in ${LAMMPS_BINARY_DIR} was not built as a shared library "
                      "(BUILD_SHARED_LIBS is off in its CMakeCache.txt): a plugin needs the LAMMPS "
                      "symbols exported from liblammps.so. Reconfigure that LAMMPS with "
                      "-D BUILD_SHARED_LIBS=on and rebuild it, or build ML-GLASS into it as a package "
                      "(tools/install-in-tree.sh, doc/build.rst).")
endif()
if(NOT LMP_BUILD_MPI)
  message(FATAL_ERROR "LAMMPS in ${LAMMPS_BINARY_DIR} was built without MPI (BUILD_MPI is off): "
                      "ML-GLASS needs an MPI LAMMPS. Reconfigure it with -D BUILD_MPI=on and rebuild it.")
endif()

add_library(mlglass_lammps_headers INTERFACE)
add_library(mlglass::lammps_headers ALIAS mlglass_lammps_headers)
target_include_directories(mlglass_lammps_headers SYSTEM INTERFACE "${LAMMPS_SRC}")
target_compile_definitions(mlglass_lammps_headers INTERFACE
  LAMMPS_${_sizes} LAMMPS_VERSION_NUMBER=${LAMMPS_VERSION_NUMBER})  # also for tests and benches
if(LMP_LAMMPS_EXCEPTIONS OR LAMMPS_VERSION_NUMBER GREATER_EQUAL 20220623)
  target_compile_definitions(mlglass_lammps_headers INTERFACE LAMMPS_EXCEPTIONS)
  set(MLGLASS_LAMMPS_EXCEPTIONS ON)
endif()
target_link_libraries(mlglass_lammps_headers INTERFACE MPI::MPI_CXX)

find_library(LAMMPS_LIBRARY NAMES lammps lammps_mpi HINTS "${LAMMPS_BINARY_DIR}" NO_DEFAULT_PATH)
find_program(LAMMPS_EXECUTABLE NAMES lmp lmp_mpi HINTS "${LAMMPS_BINARY_DIR}" NO_DEFAULT_PATH)
if(LAMMPS_LIBRARY)
  add_library(mlglass::lammps SHARED IMPORTED)
  set_target_properties(mlglass::lammps PROPERTIES IMPORTED_LOCATION "${LAMMPS_LIBRARY}")
  target_link_libraries(mlglass::lammps INTERFACE mlglass::lammps_headers)
endif()
message(STATUS "ML-GLASS: LAMMPS ${LAMMPS_VERSION_NUMBER} at ${LAMMPS_SRC}, "
               "library ${LAMMPS_LIBRARY}, lmp ${LAMMPS_EXECUTABLE}")
