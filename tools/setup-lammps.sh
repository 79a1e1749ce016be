#!/usr/bin/env bash
# Fetch a LAMMPS source tree from Debian source packages and build it as a shared library with
# PLUGIN and MPI, plus the `lmp` binary, for ML-GLASS to build and test against.
#
#   tools/setup-lammps.sh [debian|newest] [SOURCE_PARENT] [BUILD_DIR]
#
#   debian (default)  LAMMPS 29Sep2021 (Debian 12 source package lammps 20220106.git7586adbb6a+ds1)
#                     with KOKKOS (external Kokkos from Trilinos, Serial backend) and OpenMP.
#                     Defaults: source under third_party/, build in build/lammps.
#   newest            LAMMPS 4Jul2026 (Debian sid source package lammps 20260704+dfsg-2, upstream
#                     tarball only) with PLUGIN and MPI and nothing else the tests do not need (no
#                     KOKKOS: its KOKKOS package needs Kokkos >= 5.1, which Debian 12 lacks).
#                     Defaults: source under third_party/newest/, build in build/lammps-newest.
#
# Both are idempotent: an existing source tree is reused and the build is incremental. The newest
# tree is fetched with a private apt configuration (a sid deb-src entry in a temporary directory,
# its own package lists): the machine's apt sources and lists are never touched, and no binary
# package comes from sid. Users with their own LAMMPS tree skip this script and pass
# -DLAMMPS_SOURCE_DIR/-DLAMMPS_BINARY_DIR to the ML-GLASS configure (doc/build.rst).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
FLAVOR=debian
case "${1:-}" in
  debian | newest) FLAVOR=$1; shift ;;
  -h | --help) sed -n '2,20p' "${BASH_SOURCE[0]}"; exit 0 ;;
esac
if [ "$FLAVOR" = debian ]; then
  SRC_PARENT=${1:-$ROOT/third_party}
  BUILD_DIR=${2:-$ROOT/build/lammps}
else
  SRC_PARENT=${1:-$ROOT/third_party/newest}
  BUILD_DIR=${2:-$ROOT/build/lammps-newest}
fi
JOBS=${JOBS:-$(nproc)}
NEWEST_DEB_VERSION=20260704+dfsg-2
NEWEST_DIR=lammps-20260704

# The Debian mirror and keyring of the machine's own bookworm entry (deb822 or one-line format).
debian_mirror() {
  local uri="" keyring=""
  if [ -f /etc/apt/sources.list.d/debian.sources ]; then
    uri=$(awk '/^URIs:/ {print $2; exit}' /etc/apt/sources.list.d/debian.sources)
    keyring=$(awk '/^Signed-By:/ {print $2; exit}' /etc/apt/sources.list.d/debian.sources)
  fi
  if [ -z "$uri" ] && [ -f /etc/apt/sources.list ]; then
    uri=$(awk '$1 == "deb" && / bookworm / {for (i = 2; i <= NF; i++) if ($i ~ /^[a-z]+:\/\//) {print $i; exit}}' /etc/apt/sources.list)
  fi
  echo "${uri:-http://deb.debian.org/debian} ${keyring:-/usr/share/keyrings/debian-archive-keyring.gpg}"
}

# lammps_<upstream>.orig.tar.* of the sid source package into $SRC_PARENT, unpacked to $NEWEST_DIR.
fetch_newest() {
  local tarball
  tarball=$(find "$SRC_PARENT" -maxdepth 1 -name 'lammps_20260704+dfsg.orig.tar.*' | head -n 1)
  if [ -z "$tarball" ]; then
    local mirror keyring apt_dir
    read -r mirror keyring < <(debian_mirror)
    apt_dir=$(mktemp -d)
    APT_TMP=$apt_dir
    mkdir -p "$apt_dir/lists/partial"
    echo "deb-src [signed-by=$keyring] $mirror sid main" > "$apt_dir/sid.list"
    local apt_opts=(-q -o "Dir::Etc::SourceList=$apt_dir/sid.list" -o "Dir::Etc::SourceParts=$apt_dir/none"
                    -o "Dir::State::Lists=$apt_dir/lists" -o APT::Sandbox::User=root)
    echo "setup-lammps.sh: fetching lammps=$NEWEST_DEB_VERSION (sid source package, $mirror) into $SRC_PARENT"
    apt-get "${apt_opts[@]}" update
    # The mirror has the orig tarball but not the .dsc/.debian.tar: apt fails after the tarball
    # arrived. Success is judged by the tarball alone.
    (cd "$SRC_PARENT" && apt-get "${apt_opts[@]}" source --download-only "lammps=$NEWEST_DEB_VERSION") ||
      echo "setup-lammps.sh: apt-get source reported errors (expected: no .dsc on the mirror); checking for the tarball"
    tarball=$(find "$SRC_PARENT" -maxdepth 1 -name 'lammps_20260704+dfsg.orig.tar.*' | head -n 1)
    [ -n "$tarball" ] || { echo "setup-lammps.sh: no lammps_20260704+dfsg.orig.tar.* arrived in $SRC_PARENT" >&2; exit 1; }
  fi
  local stage="$SRC_PARENT/.unpack"
  rm -rf "$stage"
  mkdir -p "$stage"
  echo "setup-lammps.sh: unpacking $(basename "$tarball")"
  tar -xf "$tarball" -C "$stage"
  # the dfsg tarball has no top-level directory; accept one as well
  local top="$stage"
  if [ ! -f "$stage/src/version.h" ]; then
    top=$(dirname "$(find "$stage" -mindepth 3 -maxdepth 3 -path '*/src/version.h' | head -n 1)")
  fi
  [ -f "$top/src/version.h" ] || { echo "setup-lammps.sh: $tarball holds no LAMMPS source" >&2; exit 1; }
  rm -rf "$SRC_PARENT/$NEWEST_DIR"
  mv "$top" "$SRC_PARENT/$NEWEST_DIR"
  rm -rf "$stage"
}

APT_TMP=""
trap '[ -z "$APT_TMP" ] || rm -rf "$APT_TMP"' EXIT
mkdir -p "$SRC_PARENT"
if [ "$FLAVOR" = debian ]; then
  LAMMPS_SRC=$(find "$SRC_PARENT" -maxdepth 1 -type d -name 'lammps-*' | sort | tail -n 1)
  if [ -z "$LAMMPS_SRC" ] || [ ! -f "$LAMMPS_SRC/cmake/CMakeLists.txt" ]; then
    echo "setup-lammps.sh: fetching LAMMPS with 'apt-get source lammps' into $SRC_PARENT"
    (cd "$SRC_PARENT" && apt-get source -q lammps)
    LAMMPS_SRC=$(find "$SRC_PARENT" -maxdepth 1 -type d -name 'lammps-*' | sort | tail -n 1)
  fi
else
  LAMMPS_SRC=$SRC_PARENT/$NEWEST_DIR
  [ -f "$LAMMPS_SRC/cmake/CMakeLists.txt" ] && [ -f "$LAMMPS_SRC/src/version.h" ] || fetch_newest
fi
[ -f "$LAMMPS_SRC/src/version.h" ] || { echo "setup-lammps.sh: no LAMMPS source in $SRC_PARENT" >&2; exit 1; }
echo "setup-lammps.sh: LAMMPS source $LAMMPS_SRC ($(grep -o '"[^"]*"' "$LAMMPS_SRC/src/version.h" | head -1))"

if [ ! -f "$BUILD_DIR/CMakeCache.txt" ]; then
  if [ "$FLAVOR" = debian ]; then
    # Debian's KokkosConfig.cmake lists a wrong include dir; cmake/debian-kokkos wraps it with the fix.
    cmake -S "$LAMMPS_SRC/cmake" -B "$BUILD_DIR" -G Ninja \
      -DCMAKE_BUILD_TYPE=Release \
      -DCMAKE_CXX_FLAGS="-I/usr/include/trilinos" \
      -DBUILD_SHARED_LIBS=on -DBUILD_MPI=on -DBUILD_OMP=on -DLAMMPS_EXCEPTIONS=on \
      -DPKG_PLUGIN=on -DPKG_KOKKOS=on -DEXTERNAL_KOKKOS=on -DKokkos_DIR="$ROOT/cmake/debian-kokkos" \
      -DWITH_JPEG=off -DWITH_PNG=off -DWITH_FFMPEG=off -DWITH_GZIP=on
  else
    # exceptions are always on in this LAMMPS; DOWNLOAD_POTENTIALS=off: nothing is downloaded
    cmake -S "$LAMMPS_SRC/cmake" -B "$BUILD_DIR" -G Ninja \
      -DCMAKE_BUILD_TYPE=Release \
      -DBUILD_SHARED_LIBS=on -DBUILD_MPI=on -DBUILD_OMP=off \
      -DPKG_PLUGIN=on -DDOWNLOAD_POTENTIALS=off \
      -DWITH_JPEG=off -DWITH_PNG=off -DWITH_FFMPEG=off -DWITH_GZIP=on
  fi
fi
cmake --build "$BUILD_DIR" -j "$JOBS"
echo "setup-lammps.sh: LAMMPS ($FLAVOR) built in $BUILD_DIR (lmp, liblammps.so)"
