# Forwards to Debian's Kokkos version file (see KokkosConfig.cmake beside this file).
file(GLOB _mlglass_debian_kokkos_version "/usr/lib/*/cmake/Kokkos/KokkosConfigVersion.cmake")
list(GET _mlglass_debian_kokkos_version 0 _mlglass_debian_kokkos_version)
include("${_mlglass_debian_kokkos_version}")
