# Wrapper around Debian 12's Kokkos (libtrilinos-kokkos-dev 3.4.01) CMake config.
# Debian's file computes its include dir as <prefix>/lib/include, which does not exist; the headers
# live in /usr/include/trilinos. Point Kokkos_DIR here to load Debian's config with that fixed.
file(GLOB _mlglass_debian_kokkos "/usr/lib/*/cmake/Kokkos/KokkosConfig.cmake")
list(GET _mlglass_debian_kokkos 0 _mlglass_debian_kokkos)
if(NOT _mlglass_debian_kokkos)
  message(FATAL_ERROR "Debian Kokkos config not found: install libtrilinos-kokkos-dev")
endif()
include("${_mlglass_debian_kokkos}")
set_target_properties(Kokkos::kokkos PROPERTIES INTERFACE_INCLUDE_DIRECTORIES "/usr/include/trilinos")
