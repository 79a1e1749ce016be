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
  min_system.cpp
  fire.cpp
  cg.cpp
  flow.cpp
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
  lammps_min_system.cpp
  pair_energy_shift.cpp
  md_snapshot.cpp
)

# KOKKOS variants of the styles (src/ML-GLASS/KOKKOS): in-tree only (Kokkos lives statically in
# liblammps, so a plugin cannot carry Kokkos code). tools/install-in-tree.sh puts them into the
# LAMMPS tree's src/KOKKOS, where LAMMPS compiles foo_kokkos.cpp when KOKKOS is enabled and the
# style of foo.h is registered; the plugin build ignores them. Headers without a .cpp of their
# own (min_system_kokkos.h) are listed too: they are installed the same way.
set(MLGLASS_KOKKOS_FILES
  mlglass_kokkos.h
  fix_inherent_kokkos.h
  fix_inherent_kokkos.cpp
  min_system_kokkos.h
  compute_bgraph_kokkos.h
  compute_bgraph_kokkos.cpp
  compute_glass_mpnn_kokkos.h
  compute_glass_mpnn_kokkos.cpp
)

# Absolute paths of every source file the LAMMPS styles need, in out_var: MLGLASS_STYLE_SOURCES,
# MLGLASS_MODEL_SOURCES and the part of MLGLASS_CORE_SOURCES they reach. Found by following
# `#include "x.h"` from those sources through the headers and sources of src/ML-GLASS, src/model
# and src/core; a listed source x.cpp joins when its header x.h is reached. So a split of a core
# file (new x.h + x.cpp in MLGLASS_CORE_SOURCES) needs no edit here. The in-tree package build
# (tools/install-in-tree.sh) compiles exactly these: not the T_g fit, labelling, dataset, dump
# reader or CNN, which only the mlglass program needs.
# Sources whose headers the styles' code reaches for types only (model_file.h holds a RenderOptions
# member, no renderer call is made from LAMMPS): not followed.
set(MLGLASS_STYLE_CLOSURE_EXCLUDE render.cpp)
function(mlglass_style_closure out_var)
  set(_dirs "${MLGLASS_STYLE_DIR}" "${MLGLASS_MODEL_DIR}" "${MLGLASS_CORE_DIR}")
  set(_listed)
  foreach(_kind CORE MODEL STYLE)
    foreach(_f ${MLGLASS_${_kind}_SOURCES})
      list(APPEND _listed "${MLGLASS_${_kind}_DIR}/${_f}")
    endforeach()
  endforeach()
  set(_todo)
  foreach(_f ${MLGLASS_STYLE_SOURCES})
    list(APPEND _todo "${MLGLASS_STYLE_DIR}/${_f}")
  endforeach()
  foreach(_f ${MLGLASS_MODEL_SOURCES})
    list(APPEND _todo "${MLGLASS_MODEL_DIR}/${_f}")
  endforeach()
  set(_seen)
  set(_result)
  while(_todo)
    list(POP_FRONT _todo _file)
    if(_file IN_LIST _seen)
      continue()
    endif()
    list(APPEND _seen "${_file}")
    if(_file MATCHES "[.]cpp$")
      list(APPEND _result "${_file}")
    endif()
    file(STRINGS "${_file}" _includes REGEX "^#include \"[^\"]+\"")
    foreach(_line ${_includes})
      string(REGEX REPLACE "^#include \"([^\"]+)\".*" "\\1" _header "${_line}")
      get_filename_component(_stem "${_header}" NAME_WE)
      foreach(_dir ${_dirs})
        if(EXISTS "${_dir}/${_header}")
          list(APPEND _todo "${_dir}/${_header}")
          if("${_dir}/${_stem}.cpp" IN_LIST _listed AND
             NOT "${_stem}.cpp" IN_LIST MLGLASS_STYLE_CLOSURE_EXCLUDE)
            list(APPEND _todo "${_dir}/${_stem}.cpp")
          endif()
        endif()
      endforeach()
    endforeach()
  endwhile()
  set(${out_var} ${_result} PARENT_SCOPE)
endfunction()

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
  # compute glass/mpnn runs TorchScript models through LibTorch and reads their JSON metadata.
  # SYSTEM: torch's headers are not held to our warning flags.
  find_package(Torch REQUIRED)
  find_package(nlohmann_json 3 REQUIRED)
  target_include_directories(${target} SYSTEM PRIVATE ${TORCH_INCLUDE_DIRS})
  target_link_libraries(${target} PRIVATE ${TORCH_LIBRARIES} nlohmann_json::nlohmann_json)
  mlglass_nlohmann_first(${target})
endfunction()

# LAMMPS from 2025 on has its own src/nlohmann/json.hpp (namespace nlohmann_lmp) that stops with
# "Please include json.h instead". A target with LAMMPS' src/ on its include path (the in-tree
# `lammps` target, the in-process tests) would reach it for <nlohmann/json.hpp> before the system
# nlohmann-json in /usr/include, which no -I can put first (GCC drops system directories from -I).
# A directory holding only a link to the system's nlohmann/, first on the target's include path,
# does; LAMMPS' own json.h includes "nlohmann/json.hpp" relative to itself and is unaffected.
function(mlglass_nlohmann_first target)
  find_package(nlohmann_json 3 REQUIRED)
  get_target_property(_dirs nlohmann_json::nlohmann_json INTERFACE_INCLUDE_DIRECTORIES)
  foreach(_dir ${_dirs})
    if(EXISTS "${_dir}/nlohmann/json.hpp")
      set(_first "${CMAKE_BINARY_DIR}/mlglass-nlohmann")
      if(NOT EXISTS "${_first}/nlohmann/json.hpp")
        file(MAKE_DIRECTORY "${_first}")
        file(CREATE_LINK "${_dir}/nlohmann" "${_first}/nlohmann" SYMBOLIC)
      endif()
      target_include_directories(${target} BEFORE PRIVATE "${_first}")
      return()
    endif()
  endforeach()
endfunction()
