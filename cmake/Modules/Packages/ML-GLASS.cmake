# ML-GLASS as an in-tree LAMMPS package (PKG_ML-GLASS=on). tools/install-in-tree.sh copies this
# file to <lammps>/cmake/Modules/Packages/, MLGLASSCommon.cmake to <lammps>/cmake/Modules/, and the
# styles plus the core library to <lammps>/src/ML-GLASS/. The plugin build uses the same
# mlglass_add_dependencies() from MLGLASSCommon.cmake.
include(${CMAKE_CURRENT_LIST_DIR}/../MLGLASSCommon.cmake)
mlglass_add_dependencies(lammps "${LAMMPS_SOURCE_DIR}")
