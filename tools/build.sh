#!/usr/bin/env bash
# Everything ML-GLASS needs, from Debian packages: dependencies, LAMMPS (PLUGIN, MPI, KOKKOS), and
# the ML-GLASS plugin, core library, tests and benchmarks in build/mlglass. Idempotent/incremental.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

if [ "$(id -u)" -eq 0 ]; then
  bash tools/install-deps.sh
else
  echo "build.sh: not root, skipping apt-get (dependencies must already be installed)"
fi
bash tools/setup-lammps.sh
cmake -S . -B build/mlglass -G Ninja -DCMAKE_BUILD_TYPE=Release "$@"
cmake --build build/mlglass -j "${JOBS:-$(nproc)}"
