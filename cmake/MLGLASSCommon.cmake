# Shared by both ways of building ML-GLASS: the plugin (top-level CMakeLists.txt) and the in-tree
# LAMMPS package (cmake/Modules/Packages/ML-GLASS.cmake). One list of sources, one version probe.

get_filename_component(MLGLASS_ROOT "${CMAKE_CURRENT_LIST_DIR}/.." ABSOLUTE)
if(EXISTS "${MLGLASS_ROOT}/src/core/knn.cpp")
  set(MLGLASS_CORE_DIR "${MLGLASS_ROOT}/src/core")
  set(MLGLASS_STYLE_DIR "${MLGLASS_ROOT}/src/ML-GLASS")
  set(MLGLASS_MODEL_DIR "${MLGLASS_ROOT}/src/model")
endif()

# LAMMPS-independent core library (no LAMMPS, no LibTorch): kNN, windows and graphs, B-graph
# metrics, FIRE, dump reader, datasets, T_g fit, statistics. The model has its own list below.
set(MLGLASS_CORE_SOURCES
  cell_list.cpp
  knn.cpp
  windows.cpp
  window_graph.cpp
  bgraph.cpp
  fire.cpp
  classification.cpp
  dataset.cpp
  labelling.cpp
  tg.cpp
  byte_source.cpp
  dump_reader.cpp
  render.cpp
)

# The model: the D-MPNN (TorchScript), the model file format (metadata) and the window classifier
# that compute glass/mpnn runs.
set(MLGLASS_MODEL_SOURCES
  block_cache.cpp
  dmpnn.cpp
  model_file.cpp
  glass_classifier.cpp
)

# LAMMPS styles (thin adapters over the core library).
set(MLGLASS_STYLE_SOURCES
  compute_bgraph.cpp
  compute_glass_mpnn.cpp
  fix_inherent.cpp
)

# LAMMPS_VERSION_NUMBER (YYYYMMDD) from a LAMMPS tree's src/version.h, e.g. "29 Sep 2021" -> 20210929.
function(mlglass_lammps_version_number lammps_src_dir out_var)
  file(STRINGS "${lammps_src_dir}/version.h" _line REGEX "LAMMPS_VERSION \"")
  if(NOT _line MATCHES "\"([0-9]+) ([A-Za-z]+) ([0-9]+)\"")
    message(FATAL_ERROR "Cannot parse LAMMPS version from ${lammps_src_dir}/version.h: ${_line}")
  endif()
  set(_day ${CMAKE_MATCH_1})
  set(_mon ${CMAKE_MATCH_2})
  set(_year ${CMAKE_MATCH_3})
  set(_months Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec)
  list(FIND _months ${_mon} _idx)
  if(_idx LESS 0)
    message(FATAL_ERROR "Unknown month '${_mon}' in ${lammps_src_dir}/version.h")
  endif()
  math(EXPR _num "${_year} * 10000 + (${_idx} + 1) * 100 + ${_day}")
  set(${out_var} ${_num} PARENT_SCOPE)
endfunction()

# Compile settings and third-party dependencies of the ML-GLASS styles, applied to the plugin
# target (plugin build) or to the `lammps` target (in-tree package build): one place for both.
function(mlglass_add_dependencies target lammps_src_dir)
  mlglass_lammps_version_number("${lammps_src_dir}" _version)
  target_compile_definitions(${target} PRIVATE LAMMPS_VERSION_NUMBER=${_version})
  target_compile_features(${target} PUBLIC cxx_std_17)
  # The core library's dump reader reads .gz dumps through zlib; the in-tree package compiles the
  # core sources into the lammps target itself, so that target needs it too.
  find_package(ZLIB REQUIRED)
  target_link_libraries(${target} PRIVATE ZLIB::ZLIB)
  # compute glass/mpnn runs TorchScript models through LibTorch and reads their JSON metadata.
  # SYSTEM: torch's headers are not held to our warning flags.
  find_package(Torch REQUIRED)
  find_package(nlohmann_json 3 REQUIRED)
  target_include_directories(${target} SYSTEM PRIVATE ${TORCH_INCLUDE_DIRS})
  target_link_libraries(${target} PRIVATE ${TORCH_LIBRARIES} nlohmann_json::nlohmann_json)
endfunction()
