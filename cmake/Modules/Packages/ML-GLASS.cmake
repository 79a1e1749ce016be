# ML-GLASS as an in-tree LAMMPS package (PKG_ML-GLASS=on). tools/install-in-tree.sh copies this
# file to <lammps>/cmake/Modules/Packages/, MLGLASSCommon.cmake to <lammps>/cmake/Modules/, and the
# sources mlglass_style_closure() names plus headers to <lammps>/src/ML-GLASS/. The plugin build
# uses the same lists and the same mlglass_add_dependencies() from MLGLASSCommon.cmake.
include(${CMAKE_CURRENT_LIST_DIR}/../MLGLASSCommon.cmake)

# LAMMPS compiles every .cpp in src/ML-GLASS: they must be exactly the sources the lists name (a
# stale copy of an older install, or a file added by hand, would be compiled into liblammps)
mlglass_style_closure(_mlglass_expected)
list(TRANSFORM _mlglass_expected REPLACE ".*/" "")
list(SORT _mlglass_expected)
file(GLOB _mlglass_present RELATIVE "${LAMMPS_SOURCE_DIR}/ML-GLASS" "${LAMMPS_SOURCE_DIR}/ML-GLASS/*.cpp")
list(SORT _mlglass_present)
if(NOT _mlglass_present STREQUAL _mlglass_expected)
  message(FATAL_ERROR "ML-GLASS: ${LAMMPS_SOURCE_DIR}/ML-GLASS holds ${_mlglass_present}, but "
                      "cmake/MLGLASSCommon.cmake names ${_mlglass_expected}: run "
                      "tools/install-in-tree.sh again")
endif()
mlglass_add_dependencies(lammps "${LAMMPS_SOURCE_DIR}")
