#!/usr/bin/env bash
# The README's test command: build everything from Debian packages, then run the whole test suite
# (core library, LAMMPS in-process with the plugin on 1/2/4 MPI ranks).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
start=$(date +%s)
bash tools/build.sh
ctest --test-dir build/mlglass --output-on-failure -j "${JOBS:-$(nproc)}"
echo "test.sh: build + tests took $(( $(date +%s) - start )) s"
