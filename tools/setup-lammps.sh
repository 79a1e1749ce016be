#!/usr/bin/env bash
# Fetch a LAMMPS source tree from Debian source packages and build it as a shared library with
# PLUGIN and MPI, plus the `lmp` binary, for ML-GLASS to build and test against.
#
#   tools/setup-lammps.sh [debian|newest|kokkos] [SOURCE_PARENT] [BUILD_DIR]
#
#   debian (default)  LAMMPS 29Sep2021 (Debian 12 source package lammps 20220106.git7586adbb6a+ds1)
#                     with KOKKOS (external Kokkos from Trilinos, Serial backend) and OpenMP.
#                     Defaults: source under third_party/, build in build/lammps.
#   newest            LAMMPS 4Jul2026 (Debian sid source package lammps 20260704+dfsg-2, upstream
#                     tarball only) with PLUGIN and MPI and nothing else the tests do not need (no
#                     KOKKOS: its KOKKOS package needs Kokkos >= 5.1, which Debian 12 lacks).
#                     Defaults: source under third_party/newest/, build in build/lammps-newest.
#   kokkos            LAMMPS 4Feb2025 (Debian trixie source package lammps 20250204+dfsg.1-2,
#                     upstream tarball only) with KOKKOS (Serial + OpenMP), OpenMP, PLUGIN, MPI
#                     and ML-GLASS in-tree with its /kk styles (tools/install-in-tree.sh),
#                     against a Kokkos >= 4.5 that Debian 12 does not have: either the release
#                     source archive named by MLGLASS_KOKKOS_SOURCE (kokkos-X.Y.Z.tar.*, built
#                     static with -fPIC into BUILD_DIR/kokkos) or an installed Kokkos whose
#                     KokkosConfig.cmake directory MLGLASS_KOKKOS_DIR names. With neither, the
#                     script says so and exits with status 3 (tools/test.sh then skips the tests
#                     of this tree). Defaults: source under third_party/kokkos/, build in
#                     build/lammps-kokkos.
#
# All are idempotent: an existing source tree is reused and the build is incremental. The newer
# trees are fetched with a private apt configuration (a sid or trixie deb-src entry in a temporary
# directory, its own package lists): the machine's apt sources and lists are never touched, and no
# binary package comes from those suites. Users with their own LAMMPS tree skip this script and
# pass -DLAMMPS_SOURCE_DIR/-DLAMMPS_BINARY_DIR to the ML-GLASS configure (doc/build.rst).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
FLAVOR=debian
case "${1:-}" in
  debian | newest | kokkos) FLAVOR=$1; shift ;;
  -h | --help) sed -n '2,29p' "${BASH_SOURCE[0]}"; exit 0 ;;
esac
case "$FLAVOR" in
  debian) SRC_PARENT=${1:-$ROOT/third_party}; BUILD_DIR=${2:-$ROOT/build/lammps} ;;
  newest) SRC_PARENT=${1:-$ROOT/third_party/newest}; BUILD_DIR=${2:-$ROOT/build/lammps-newest} ;;
  kokkos) SRC_PARENT=${1:-$ROOT/third_party/kokkos}; BUILD_DIR=${2:-$ROOT/build/lammps-kokkos} ;;
esac
JOBS=${JOBS:-$(nproc)}
# suite, Debian version, upstream tarball prefix and directory of the two newer trees
if [ "$FLAVOR" = newest ]; then
  SUITE=sid DEB_VERSION=20260704+dfsg-2 ORIG=lammps_20260704+dfsg.orig.tar NEWER_DIR=lammps-20260704
else
  SUITE=trixie DEB_VERSION=20250204+dfsg.1-2 ORIG=lammps_20250204+dfsg.1.orig.tar NEWER_DIR=lammps-20250204
fi

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

# lammps_<upstream>.orig.tar.* of the $SUITE source package into $SRC_PARENT, unpacked to $NEWER_DIR.
fetch_newer() {
  local tarball
  tarball=$(find "$SRC_PARENT" -maxdepth 1 -name "$ORIG.*" | head -n 1)
  if [ -z "$tarball" ]; then
    local mirror keyring apt_dir
    read -r mirror keyring < <(debian_mirror)
    apt_dir=$(mktemp -d)
    APT_TMP=$apt_dir
    mkdir -p "$apt_dir/lists/partial"
    echo "deb-src [signed-by=$keyring] $mirror $SUITE main" > "$apt_dir/$SUITE.list"
    local apt_opts=(-q -o "Dir::Etc::SourceList=$apt_dir/$SUITE.list" -o "Dir::Etc::SourceParts=$apt_dir/none"
                    -o "Dir::State::Lists=$apt_dir/lists" -o APT::Sandbox::User=root)
    echo "setup-lammps.sh: fetching lammps=$DEB_VERSION ($SUITE source package, $mirror) into $SRC_PARENT"
    apt-get "${apt_opts[@]}" update
    # The mirror has the orig tarball but not the .dsc/.debian.tar: apt fails after the tarball
    # arrived. Success is judged by the tarball alone.
    (cd "$SRC_PARENT" && apt-get "${apt_opts[@]}" source --download-only "lammps=$DEB_VERSION") ||
      echo "setup-lammps.sh: apt-get source reported errors (expected: no .dsc on the mirror); checking for the tarball"
    tarball=$(find "$SRC_PARENT" -maxdepth 1 -name "$ORIG.*" | head -n 1)
    [ -n "$tarball" ] || { echo "setup-lammps.sh: no $ORIG.* arrived in $SRC_PARENT" >&2; exit 1; }
  fi
  local stage="$SRC_PARENT/.unpack"
  rm -rf "$stage"
  mkdir -p "$stage"
  echo "setup-lammps.sh: unpacking $(basename "$tarball")"
  tar -xf "$tarball" -C "$stage"
  # the dfsg tarball has no top-level directory; accept one as well
  local top="$stage"
  if [ ! -f "$stage/src/version.h" ]; then
    top=$(find "$stage" -mindepth 3 -maxdepth 3 -path '*/src/version.h' | head -n 1)
    top=${top%/src/version.h}
  fi
  [ -f "$top/src/version.h" ] || { echo "setup-lammps.sh: $tarball holds no LAMMPS source" >&2; exit 1; }
  rm -rf "$SRC_PARENT/$NEWER_DIR"
  mv "$top" "$SRC_PARENT/$NEWER_DIR"
  rm -rf "$stage"
}

# The KokkosConfig.cmake directory for the kokkos tree: MLGLASS_KOKKOS_DIR, or the release archive
# MLGLASS_KOKKOS_SOURCE built static with -fPIC (liblammps.so links it) into $BUILD_DIR/kokkos.
kokkos_config_dir() {
  if [ -n "${MLGLASS_KOKKOS_DIR:-}" ]; then
    [ -f "$MLGLASS_KOKKOS_DIR/KokkosConfig.cmake" ] || {
      echo "setup-lammps.sh: MLGLASS_KOKKOS_DIR=$MLGLASS_KOKKOS_DIR holds no KokkosConfig.cmake" >&2
      exit 1
    }
    echo "$MLGLASS_KOKKOS_DIR"
    return
  fi
  local archive=${MLGLASS_KOKKOS_SOURCE:-}
  if [ -z "$archive" ]; then
    cat >&2 << 'MSG'
setup-lammps.sh: no Kokkos for the KOKKOS LAMMPS tree (LAMMPS 4Feb2025 needs Kokkos >= 4.5, which
Debian 12 does not ship): set MLGLASS_KOKKOS_SOURCE to a Kokkos release source archive
(kokkos-4.6.01.tar.gz from github.com/kokkos/kokkos/releases, fetched by you) or MLGLASS_KOKKOS_DIR
to the lib/cmake/Kokkos directory of an installed Kokkos >= 4.5 built with -fPIC; or build
ML-GLASS into your own KOKKOS LAMMPS (doc/build.rst). Skipped.
MSG
    exit 3
  fi
  [ -f "$archive" ] || { echo "setup-lammps.sh: MLGLASS_KOKKOS_SOURCE=$archive: no such file" >&2; exit 1; }
  local base=$BUILD_DIR/kokkos
  local prefix=$base/install
  if [ ! -f "$prefix/lib/cmake/Kokkos/KokkosConfig.cmake" ]; then
    echo "setup-lammps.sh: building Kokkos from $(basename "$archive") into $prefix" >&2
    rm -rf "$base/src" "$base/build"
    mkdir -p "$base/src"
    tar -xf "$archive" -C "$base/src"
    # a git archive has no top-level directory, a GitHub release tarball has one
    local src=$base/src
    [ -f "$src/CMakeLists.txt" ] || src=$(dirname "$(find "$base/src" -mindepth 2 -maxdepth 2 -name CMakeLists.txt | head -n 1)")
    [ -f "$src/CMakeLists.txt" ] && [ -d "$src/core" ] || { echo "setup-lammps.sh: $archive holds no Kokkos source" >&2; exit 1; }
    cmake -S "$src" -B "$base/build" -G Ninja -DCMAKE_BUILD_TYPE=Release \
      -DCMAKE_INSTALL_PREFIX="$prefix" -DCMAKE_INSTALL_LIBDIR=lib -DCMAKE_CXX_STANDARD=17 \
      -DKokkos_ENABLE_SERIAL=ON -DKokkos_ENABLE_OPENMP=ON -DCMAKE_POSITION_INDEPENDENT_CODE=ON >&2
    cmake --build "$base/build" -j "$JOBS" >&2
    cmake --install "$base/build" >&2
  fi
  echo "$prefix/lib/cmake/Kokkos"
}

APT_TMP=""
trap '[ -z "$APT_TMP" ] || rm -rf "$APT_TMP"' EXIT
mkdir -p "$SRC_PARENT"
if [ "$FLAVOR" = kokkos ]; then
  KOKKOS_CONFIG=$(kokkos_config_dir)    # first: without a Kokkos there is nothing to fetch
fi
if [ "$FLAVOR" = debian ]; then
  LAMMPS_SRC=$(find "$SRC_PARENT" -maxdepth 1 -type d -name 'lammps-*' | sort | tail -n 1)
  if [ -z "$LAMMPS_SRC" ] || [ ! -f "$LAMMPS_SRC/cmake/CMakeLists.txt" ]; then
    echo "setup-lammps.sh: fetching LAMMPS with 'apt-get source lammps' into $SRC_PARENT"
    (cd "$SRC_PARENT" && apt-get source -q lammps)
    LAMMPS_SRC=$(find "$SRC_PARENT" -maxdepth 1 -type d -name 'lammps-*' | sort | tail -n 1)
  fi
else
  LAMMPS_SRC=$SRC_PARENT/$NEWER_DIR
  [ -f "$LAMMPS_SRC/cmake/CMakeLists.txt" ] && [ -f "$LAMMPS_SRC/src/version.h" ] || fetch_newer
fi
[ -f "$LAMMPS_SRC/src/version.h" ] || { echo "setup-lammps.sh: no LAMMPS source in $SRC_PARENT" >&2; exit 1; }
echo "setup-lammps.sh: LAMMPS source $LAMMPS_SRC ($(grep -o '"[^"]*"' "$LAMMPS_SRC/src/version.h" | head -1))"

# The KOKKOS tree carries ML-GLASS in-tree: the /kk styles cannot live in a plugin (Kokkos is
# static inside liblammps). Installed on every run (unchanged files keep their time stamps, so the
# rebuild is incremental); the plain styles are built in too, so no plugin is loaded into it.
reconfigure=0
if [ "$FLAVOR" = kokkos ]; then
  bash "$ROOT/tools/install-in-tree.sh" "$LAMMPS_SRC"
  grep -q '^PKG_ML-GLASS:BOOL=ON' "$BUILD_DIR/CMakeCache.txt" 2> /dev/null || reconfigure=1
fi

# configure unless a configure finished (a failed one leaves a CMakeCache.txt but no build.ninja)
if [ ! -f "$BUILD_DIR/build.ninja" ] || [ "$reconfigure" = 1 ]; then
  if [ "$FLAVOR" = debian ]; then
    # Debian's KokkosConfig.cmake lists a wrong include dir; cmake/debian-kokkos wraps it with the fix.
    cmake -S "$LAMMPS_SRC/cmake" -B "$BUILD_DIR" -G Ninja \
      -DCMAKE_BUILD_TYPE=Release \
      -DCMAKE_CXX_FLAGS="-I/usr/include/trilinos" \
      -DBUILD_SHARED_LIBS=on -DBUILD_MPI=on -DBUILD_OMP=on -DLAMMPS_EXCEPTIONS=on \
      -DPKG_PLUGIN=on -DPKG_KOKKOS=on -DEXTERNAL_KOKKOS=on -DKokkos_DIR="$ROOT/cmake/debian-kokkos" \
      -DWITH_JPEG=off -DWITH_PNG=off -DWITH_FFMPEG=off -DWITH_GZIP=on
  elif [ "$FLAVOR" = kokkos ]; then
    cmake -S "$LAMMPS_SRC/cmake" -B "$BUILD_DIR" -G Ninja \
      -DCMAKE_BUILD_TYPE=Release \
      -DBUILD_SHARED_LIBS=on -DBUILD_MPI=on -DBUILD_OMP=on \
      -DPKG_PLUGIN=on -DDOWNLOAD_POTENTIALS=off -DPKG_ML-GLASS=on \
      -DPKG_KOKKOS=on -DEXTERNAL_KOKKOS=on -DKokkos_DIR="$KOKKOS_CONFIG" \
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
