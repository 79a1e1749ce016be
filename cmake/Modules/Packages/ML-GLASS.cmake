# ML-GLASS as an in-tree LAMMPS package (PKG_ML-GLASS=on). tools/install-in-tree.sh copies this
# file to <lammps>/cmake/Modules/Packages/, MLGLASSCommon.cmake to <lammps>/cmake/Modules/, and the
# sources mlglass_style_closure() names plus headers to <lammps>/src/ML-GLASS/ (their list to
# ML-GLASS.sources.cmake here). The plugin build
# uses the same lists and the same mlglass_add_dependencies() from MLGLASSCommon.cmake.
include(${CMAKE_CURRENT_LIST_DIR}/../MLGLASSCommon.cmake)

# LAMMPS compiles every .cpp in src/ML-GLASS: they must be exactly the sources install-in-tree.sh
# installed (ML-GLASS.sources.cmake, next to this file: mlglass_style_closure() of the repository)
# and not a stale copy of an older install or a file added by hand.
include(${CMAKE_CURRENT_LIST_DIR}/ML-GLASS.sources.cmake)
set(_mlglass_expected ${MLGLASS_INSTALLED_SOURCES})
list(SORT _mlglass_expected)
file(GLOB _mlglass_present RELATIVE "${LAMMPS_SOURCE_DIR}/ML-GLASS" "${LAMMPS_SOURCE_DIR}/ML-GLASS/*.cpp")
list(SORT _mlglass_present)
if(NOT _mlglass_present STREQUAL _mlglass_expected)
  message(FATAL_ERROR "ML-GLASS: ${LAMMPS_SOURCE_DIR}/ML-GLASS holds ${_mlglass_present}, but "
                      "tools/install-in-tree.sh installed ${_mlglass_expected}: run it again")
endif()
mlglass_add_dependencies(lammps "${LAMMPS_SOURCE_DIR}")
