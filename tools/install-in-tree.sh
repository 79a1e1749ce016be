#!/usr/bin/env bash
# Add ML-GLASS to a LAMMPS source tree as the package ML-GLASS, enabled with -D PKG_ML-GLASS=on.
#
#   tools/install-in-tree.sh /path/to/lammps
#
# Copies what the styles need into <lammps>/src/ML-GLASS: the sources mlglass_style_closure() of
# cmake/MLGLASSCommon.cmake names (MLGLASS_STYLE_SOURCES, MLGLASS_MODEL_SOURCES and the part of
# MLGLASS_CORE_SOURCES their #includes reach: the lists the plugin build compiles too;
# LAMMPS compiles every .cpp of a package directory, so nothing else is copied: no CNN, T_g fit,
# renderer or labelling) plus the headers of src/ML-GLASS, src/core and src/model; the CMake module
# to <lammps>/cmake/Modules/Packages/ML-GLASS.cmake; the KOKKOS variants (MLGLASS_KOKKOS_FILES,
# src/ML-GLASS/KOKKOS) to <lammps>/src/KOKKOS, where LAMMPS compiles them with KOKKOS on, listed
# in src/KOKKOS/.ml-glass-installed; and adds ML-GLASS to the package lists of
# <lammps>/cmake/CMakeLists.txt. Running it again replaces the files (removing the KOKKOS files
# of the previous list) and leaves the package lists as they are.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
LMP=${1:?usage: install-in-tree.sh /path/to/lammps}
[ -f "$LMP/src/version.h" ] && [ -f "$LMP/cmake/CMakeLists.txt" ] || {
  echo "install-in-tree.sh: $LMP is not a LAMMPS source tree (no src/version.h, cmake/CMakeLists.txt)" >&2
  exit 1
}
command -v cmake > /dev/null || { echo "install-in-tree.sh: cmake not found" >&2; exit 1; }

# The source lists, read from cmake/MLGLASSCommon.cmake by CMake itself: one source of truth.
LISTS=$(mktemp)
trap 'rm -f "$LISTS" "$LISTS.cmake"' EXIT
cat > "$LISTS.cmake" <<CMAKE
cmake_minimum_required(VERSION 3.16)
include("$ROOT/cmake/MLGLASSCommon.cmake")
mlglass_style_closure(_sources)
foreach(_f \${_sources})
  file(APPEND "$LISTS" "\${_f}\n")
endforeach()
foreach(_f \${MLGLASS_KOKKOS_FILES})
  file(APPEND "$LISTS" "kokkos:\${_f}\n")
endforeach()
CMAKE
cmake -P "$LISTS.cmake"
mapfile -t SOURCES < <(grep -v '^kokkos:' "$LISTS")
mapfile -t KOKKOS_FILES < <(sed -n 's/^kokkos://p' "$LISTS")
[ "${#SOURCES[@]}" -gt 0 ] || { echo "install-in-tree.sh: empty source lists in cmake/MLGLASSCommon.cmake" >&2; exit 1; }

mkdir -p "$LMP/src/ML-GLASS" "$LMP/cmake/Modules/Packages"
rm -f "$LMP/src/ML-GLASS/"*.{h,cpp}
for f in "${SOURCES[@]}"; do
  [ -f "$f" ] || { echo "install-in-tree.sh: $f is listed in cmake/MLGLASSCommon.cmake but missing" >&2; exit 1; }
  cp -p "$f" "$LMP/src/ML-GLASS/"    # -p: unchanged files keep their time, rebuilds stay incremental
done
for f in "$ROOT"/src/ML-GLASS/*.h "$ROOT"/src/core/*.h "$ROOT"/src/model/*.h; do
  cp -p "$f" "$LMP/src/ML-GLASS/"    # -p: unchanged files keep their time, rebuilds stay incremental
done
# the KOKKOS variants into src/KOKKOS, where LAMMPS compiles them only with KOKKOS enabled (and
# only those whose plain style is registered, i.e. with ML-GLASS on); the files an earlier install
# put there go first (a variant removed from the list must not linger)
KOKKOS_MANIFEST="$LMP/src/KOKKOS/.ml-glass-installed"
if [ -f "$KOKKOS_MANIFEST" ]; then
  while read -r f; do rm -f "$LMP/src/KOKKOS/$f"; done < "$KOKKOS_MANIFEST"
  rm -f "$KOKKOS_MANIFEST"
fi
if [ -d "$LMP/src/KOKKOS" ]; then
  for f in "${KOKKOS_FILES[@]}"; do
    [ -f "$ROOT/src/ML-GLASS/KOKKOS/$f" ] || { echo "install-in-tree.sh: src/ML-GLASS/KOKKOS/$f is listed in cmake/MLGLASSCommon.cmake but missing" >&2; exit 1; }
    rm -f "$LMP/src/KOKKOS/$f"    # a symlinked tree (tests/intree) links into the original: replace the link
    cp -p "$ROOT/src/ML-GLASS/KOKKOS/$f" "$LMP/src/KOKKOS/$f"
    echo "$f" >> "$KOKKOS_MANIFEST"
  done
fi
cp "$ROOT/cmake/Modules/Packages/ML-GLASS.cmake" "$LMP/cmake/Modules/Packages/ML-GLASS.cmake"
# what was installed, for the package module's check (LAMMPS compiles every .cpp of the directory)
{
  echo "# written by tools/install-in-tree.sh: the ML-GLASS sources installed into src/ML-GLASS"
  printf 'set(MLGLASS_INSTALLED_SOURCES'
  for f in "${SOURCES[@]}"; do printf ' %s' "$(basename "$f")"; done
  printf ')\n'
} > "$LMP/cmake/Modules/Packages/ML-GLASS.sources.cmake"
cp "$ROOT/cmake/MLGLASSCommon.cmake" "$LMP/cmake/Modules/MLGLASSCommon.cmake"

CML="$LMP/cmake/CMakeLists.txt"
if ! grep -q "ML-GLASS" "$CML"; then
  # a package LAMMPS compiles (STANDARD_PACKAGES) and one with its own CMake module (PKG_WITH_INCL)
  sed -i -e 's/^set(STANDARD_PACKAGES$/set(STANDARD_PACKAGES\n  ML-GLASS/' \
         -e '0,/^foreach(PKG_WITH_INCL /s//foreach(PKG_WITH_INCL ML-GLASS /' "$CML"
  grep -q "^  ML-GLASS$" "$CML" && grep -q "foreach(PKG_WITH_INCL ML-GLASS" "$CML" || {
    echo "install-in-tree.sh: could not add ML-GLASS to the package lists in $CML" >&2
    exit 1
  }
fi
echo "install-in-tree.sh: ML-GLASS (${#SOURCES[@]} sources, ${#KOKKOS_FILES[@]} KOKKOS files) installed into $LMP; configure LAMMPS with -D PKG_ML-GLASS=on (the /kk styles also need -D PKG_KOKKOS=on)"
