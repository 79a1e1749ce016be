#!/usr/bin/env bash
# Add ML-GLASS to a LAMMPS source tree as the package ML-GLASS, enabled with -D PKG_ML-GLASS=on.
#
#   tools/install-in-tree.sh /path/to/lammps
#
# Copies src/ML-GLASS (without the plugin entry point), the core library and the model to
# <lammps>/src/ML-GLASS, the CMake module to <lammps>/cmake/Modules/Packages/ML-GLASS.cmake, and
# adds ML-GLASS to the package lists of <lammps>/cmake/CMakeLists.txt. Running it again updates
# the files and leaves the lists as they are.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
LMP=${1:?usage: install-in-tree.sh /path/to/lammps}
[ -f "$LMP/src/version.h" ] && [ -f "$LMP/cmake/CMakeLists.txt" ] || {
  echo "install-in-tree.sh: $LMP is not a LAMMPS source tree (no src/version.h, cmake/CMakeLists.txt)" >&2
  exit 1
}

mkdir -p "$LMP/src/ML-GLASS" "$LMP/cmake/Modules/Packages"
rm -f "$LMP/src/ML-GLASS/"*.{h,cpp}
for f in "$ROOT"/src/ML-GLASS/*.{h,cpp} "$ROOT"/src/core/*.{h,cpp} "$ROOT"/src/model/*.{h,cpp}; do
  [ "$(basename "$f")" = mlglassplugin.cpp ] && continue
  cp "$f" "$LMP/src/ML-GLASS/"
done
cp "$ROOT/cmake/Modules/Packages/ML-GLASS.cmake" "$LMP/cmake/Modules/Packages/ML-GLASS.cmake"
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
echo "install-in-tree.sh: ML-GLASS installed into $LMP; configure LAMMPS with -D PKG_ML-GLASS=on"
