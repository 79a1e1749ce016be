#!/usr/bin/env bash
# The LAMMPS styles follow LAMMPS' own formatting (src/ML-GLASS/.clang-format, LAMMPS'
# src/.clang-format): clang-format --dry-run --Werror on every src/ML-GLASS/*.h, *.cpp and
# KOKKOS/*.h, *.cpp.
# Exit code 77 (ctest: skipped) when clang-format is not installed (tools/install-deps.sh installs it).
#   format_check.sh ML-GLASS_ROOT
set -euo pipefail
ROOT=$1
CF=${CLANG_FORMAT:-clang-format}
if ! command -v "$CF" > /dev/null; then
  echo "format_check: $CF not found (apt-get install clang-format): skipped"
  exit 77
fi
cd "$ROOT/src/ML-GLASS"
"$CF" --dry-run --Werror ./*.h ./*.cpp ./KOKKOS/*.h ./KOKKOS/*.cpp
echo "format_check: src/ML-GLASS is formatted ($("$CF" --version))"
