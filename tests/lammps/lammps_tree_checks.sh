#!/usr/bin/env bash
# Configure-time checks of cmake/LAMMPSTree.cmake: ML-GLASS configured against a fake LAMMPS (a
# version.h and a CMakeCache.txt, nothing else) without PLUGIN, not a shared library, without MPI,
# or of a version outside the supported range must stop with a message saying which and what to do.
#   lammps_tree_checks.sh ML-GLASS_ROOT WORK_DIR
set -euo pipefail
ROOT=$1
WORK=$2
rm -rf "$WORK"
mkdir -p "$WORK"
fails=0

# fake_tree NAME "D Mon YYYY" PKG_PLUGIN BUILD_SHARED_LIBS BUILD_MPI
fake_tree() {
  mkdir -p "$WORK/$1/src" "$WORK/$1/build"
  printf '#define LAMMPS_VERSION "%s"\n' "$2" > "$WORK/$1/src/version.h"
  cat > "$WORK/$1/build/CMakeCache.txt" <<CACHE
PKG_PLUGIN:BOOL=$3
BUILD_SHARED_LIBS:BOOL=$4
BUILD_MPI:BOOL=$5
LAMMPS_SIZES:STRING=smallbig
CACHE
}

# expect NAME FRAGMENT...: configuring against tree NAME fails and the output has every fragment
expect() {
  local name=$1
  shift
  local log="$WORK/$name.log"
  if cmake -S "$ROOT" -B "$WORK/$name/mlglass" -DLAMMPS_SOURCE_DIR="$WORK/$name" \
       -DLAMMPS_BINARY_DIR="$WORK/$name/build" > "$log" 2>&1; then
    echo "FAIL $name: configure succeeded"
    fails=$((fails + 1))
    return
  fi
  local text
  text=$(tr -s ' \n' ' ' < "$log")    # CMake wraps long messages
  for fragment in "$@"; do
    if [[ "$text" != *"$fragment"* ]]; then
      echo "FAIL $name: no '$fragment' in the configure output:"
      cat "$log"
      fails=$((fails + 1))
      return
    fi
  done
  echo "ok   $name: $(grep -m1 -A1 'CMake Error' "$log" | tail -1 | cut -c1-100)..."
}

fake_tree noplugin "4 Jul 2026" off on on
expect noplugin "built without the PLUGIN package" "-D PKG_PLUGIN=on"
fake_tree static "29 Sep 2021" on off on
expect static "not built as a shared library" "-D BUILD_SHARED_LIBS=on"
fake_tree nompi "29 Sep 2021" on on off
expect nompi "built without MPI" "-D BUILD_MPI=on"
fake_tree tooold "27 May 2021" on on on
expect tooold "LAMMPS version 20210527" "outside the versions ML-GLASS supports, 20210929 to 20260704"
fake_tree toonew "10 Dec 2026" on on on
expect toonew "LAMMPS version 20261210" "MLGLASS_ALLOW_ANY_LAMMPS"

[ "$fails" -eq 0 ] || { echo "lammps_tree_checks.sh: $fails check(s) failed"; exit 1; }
echo "lammps_tree_checks.sh: every bad LAMMPS tree stops the configure with its message"
