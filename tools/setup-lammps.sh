#!/usr/bin/env bash
# Fetch the LAMMPS source from Debian's source package and build it as a shared library with
# PLUGIN, MPI and KOKKOS (external Kokkos from Trilinos, Serial backend), plus the `lmp` binary.
#
#   tools/setup-lammps.sh [SOURCE_PARENT] [BUILD_DIR]
#
# Defaults: source under third_party/ (git-ignored), build in build/lammps. Idempotent: an existing
# source tree is reused and the build is incremental. Users with their own LAMMPS tree skip this
# script and pass -DLAMMPS_SOURCE_DIR/-DLAMMPS_BINARY_DIR to the ML-GLASS configure (doc/build.rst).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SRC_PARENT=${1:-$ROOT/third_party}
BUILD_DIR=${2:-$ROOT/build/lammps}
JOBS=${JOBS:-$(nproc)}

mkdir -p "$SRC_PARENT"
LAMMPS_SRC=$(find "$SRC_PARENT" -maxdepth 1 -type d -name 'lammps-*' | sort | tail -n 1)
if [ -z "$LAMMPS_SRC" ] || [ ! -f "$LAMMPS_SRC/cmake/CMakeLists.txt" ]; then
  echo "setup-lammps.sh: fetching LAMMPS with 'apt-get source lammps' into $SRC_PARENT"
  (cd "$SRC_PARENT" && apt-get source -q lammps)
  LAMMPS_SRC=$(find "$SRC_PARENT" -maxdepth 1 -type d -name 'lammps-*' | sort | tail -n 1)
fi
[ -f "$LAMMPS_SRC/src/version.h" ] || { echo "setup-lammps.sh: no LAMMPS source in $SRC_PARENT" >&2; exit 1; }
echo "setup-lammps.sh: LAMMPS source $LAMMPS_SRC ($(grep -o '"[^"]*"' "$LAMMPS_SRC/src/version.h" | head -1))"

if [ ! -f "$BUILD_DIR/CMakeCache.txt" ]; then
  # Debian's KokkosConfig.cmake lists a wrong include dir; cmake/debian-kokkos wraps it with the fix.
  cmake -S "$LAMMPS_SRC/cmake" -B "$BUILD_DIR" -G Ninja \
    -DCMAKE_BUILD_TYPE=Release \
    -DCMAKE_CXX_FLAGS="-I/usr/include/trilinos" \
    -DBUILD_SHARED_LIBS=on -DBUILD_MPI=on -DBUILD_OMP=on -DLAMMPS_EXCEPTIONS=on \
    -DPKG_PLUGIN=on -DPKG_KOKKOS=on -DEXTERNAL_KOKKOS=on -DKokkos_DIR="$ROOT/cmake/debian-kokkos" \
    -DWITH_JPEG=off -DWITH_PNG=off -DWITH_FFMPEG=off -DWITH_GZIP=on
fi
cmake --build "$BUILD_DIR" -j "$JOBS"
echo "setup-lammps.sh: LAMMPS built in $BUILD_DIR (lmp, liblammps.so)"
