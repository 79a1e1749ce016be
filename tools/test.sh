#!/usr/bin/env bash
# The README's test command: build everything from Debian packages, then run the whole test suite
# against LAMMPS 29Sep2021 (Debian 12, with KOKKOS: core library, model, trainer, CLI, LAMMPS
# in-process with the plugin on 1/2/4 MPI ranks, -k on, examples, in-tree package), and every test
# that runs LAMMPS (ctest label `lammps`) once more against LAMMPS 4Jul2026 (tools/setup-lammps.sh
# newest; build/mlglass-newest builds only the plugin and the LAMMPS tests).
#
# Environment: MLGLASS_TREES="debian newest" (the default) or one of them; MLGLASS_TEST_SANITIZE=0
# leaves out the sanitizer run of the core tests (tools/sanitize.sh); MLGLASS_NEWEST_SRC and
# MLGLASS_NEWEST_BUILD override where the newest LAMMPS source and build go (defaults
# third_party/newest, build/lammps-newest); JOBS (default: nproc).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
JOBS=${JOBS:-$(nproc)}
export JOBS
TREES=${MLGLASS_TREES:-debian newest}
NEWEST_SRC=${MLGLASS_NEWEST_SRC:-$ROOT/third_party/newest}
NEWEST_BUILD=${MLGLASS_NEWEST_BUILD:-$ROOT/build/lammps-newest}
start=$(date +%s)
summary=()
phase() {    # phase NAME COMMAND...: run, time, remember
  local t0=$(date +%s)
  "${@:2}"
  summary+=("$1: $(( $(date +%s) - t0 )) s")
}

if [[ " $TREES " == *" debian "* ]]; then
  phase "build (deps, LAMMPS 29Sep2021, ML-GLASS)" bash tools/build.sh
  phase "tests against LAMMPS 29Sep2021" ctest --test-dir build/mlglass --output-on-failure -j "$JOBS"
fi

# AddressSanitizer + UBSan over the core library's tests (parsers, graphs, minimisers: the code
# that handles untrusted input and raw memory); tools/sanitize.sh without MLGLASS_SANITIZE_SCOPE
# runs model, trainer and CLI tests too (about 40 min more on 2 cores: not in CI)
if [ "${MLGLASS_TEST_SANITIZE:-1}" = 1 ]; then
  phase "sanitizers (core tests, ASan + UBSan)" env MLGLASS_SANITIZE_SCOPE=core bash tools/sanitize.sh
fi

if [[ " $TREES " == *" newest "* ]]; then
  phase "LAMMPS 4Jul2026 (fetch, build)" bash tools/setup-lammps.sh newest "$NEWEST_SRC" "$NEWEST_BUILD"
  cli=()
  [ -x build/mlglass/mlglass ] && cli=(-DMLGLASS_CLI="$ROOT/build/mlglass/mlglass")
  phase "ML-GLASS plugin + LAMMPS tests against 4Jul2026" bash -c '
    cmake -S . -B build/mlglass-newest -G Ninja -DCMAKE_BUILD_TYPE=Release -DMLGLASS_BUILD_BENCH=OFF \
      -DLAMMPS_SOURCE_DIR="$1/lammps-20260704" -DLAMMPS_BINARY_DIR="$2" "${@:3}" > /dev/null
    cmake --build build/mlglass-newest -j "$JOBS" --target mlglassplugin mlglass_lammps_tests' \
    _ "$NEWEST_SRC" "$NEWEST_BUILD" "${cli[@]}"
  if [ ${#cli[@]} -eq 0 ]; then
    # without the debian build's mlglass program the example tests need this build's
    phase "mlglass program for the examples" cmake --build build/mlglass-newest -j "$JOBS" --target mlglass
  fi
  phase "LAMMPS tests against LAMMPS 4Jul2026" \
    ctest --test-dir build/mlglass-newest --output-on-failure -j "$JOBS" -L lammps
fi

printf 'test.sh: %s\n' "${summary[@]}"
echo "test.sh: build + tests took $(( $(date +%s) - start )) s"
