#!/usr/bin/env bash
# The README's test command: build everything from Debian packages, then run the whole test suite
# against LAMMPS 29Sep2021 (Debian 12, with KOKKOS: core library, model, trainer, CLI, LAMMPS
# in-process with the plugin on 1/2/4 MPI ranks, -k on, examples, and the in-tree package build
# unless the KOKKOS tree below, itself an in-tree build, is built), and every test that runs LAMMPS
# (ctest label `lammps`) once more against LAMMPS 4Jul2026 (tools/setup-lammps.sh newest;
# build/mlglass-newest builds only the plugin and the LAMMPS test binaries).
#
# The KOKKOS tests (ctest label `kokkos`: the styles under -k on -sf kk, the /kk variants against
# the plain styles) run once more against LAMMPS 4Feb2025 with KOKKOS, Kokkos 4.6 and ML-GLASS
# built in (tools/setup-lammps.sh kokkos, build/mlglass-kokkos)
# when MLGLASS_KOKKOS_SOURCE names a Kokkos release source archive or MLGLASS_KOKKOS_DIR an
# installed Kokkos >= 4.5 (.ci/run sets the first); otherwise that phase says so and is skipped.
#
# Environment: MLGLASS_TREES="debian newest kokkos" (the default) or some of them;
# MLGLASS_TEST_SANITIZE=0 leaves out the sanitizer run of the core tests (tools/sanitize.sh);
# MLGLASS_{NEWEST,KOKKOS}_{SRC,BUILD} override where those LAMMPS sources and builds go (defaults
# third_party/{newest,kokkos}, build/lammps-{newest,kokkos}); JOBS (default: nproc).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
JOBS=${JOBS:-$(nproc)}
export JOBS
TREES=${MLGLASS_TREES:-debian newest kokkos}
NEWEST_SRC=${MLGLASS_NEWEST_SRC:-$ROOT/third_party/newest}
NEWEST_BUILD=${MLGLASS_NEWEST_BUILD:-$ROOT/build/lammps-newest}
KOKKOS_SRC=${MLGLASS_KOKKOS_SRC:-$ROOT/third_party/kokkos}
KOKKOS_BUILD=${MLGLASS_KOKKOS_BUILD:-$ROOT/build/lammps-kokkos}
start=$(date +%s)
summary=()
phase() {    # phase NAME COMMAND...: run, time, remember
  local t0=$(date +%s)
  "${@:2}"
  summary+=("$1: $(( $(date +%s) - t0 )) s")
}

# tests_against RELEASE SOURCE_TREE LAMMPS_BUILD BUILD LABEL TARGETS...: the TARGETS (test
# binaries, the plugin) built in BUILD against another LAMMPS tree, then the tests of ctest label LABEL
tests_against() {
  local cli=()
  [ -x build/mlglass/mlglass ] && cli=(-DMLGLASS_CLI="$ROOT/build/mlglass/mlglass")
  phase "ML-GLASS ${*:6} against $1" bash -c '
    cmake -S . -B "$3" -G Ninja -DCMAKE_BUILD_TYPE=Release -DMLGLASS_BUILD_BENCH=OFF \
      -DLAMMPS_SOURCE_DIR="$1" -DLAMMPS_BINARY_DIR="$2" "${@:5}" > /dev/null
    cmake --build "$3" -j "$JOBS" --target $4' \
    _ "$2" "$3" "$4" "${*:6}" "${cli[@]}"
  if [ ${#cli[@]} -eq 0 ] && [ "$5" = lammps ]; then
    # without the debian build's mlglass program the example tests need this build's
    phase "mlglass program for the examples" cmake --build "$4" -j "$JOBS" --target mlglass
  fi
  phase "tests labelled $5 against LAMMPS $1" ctest --test-dir "$4" --output-on-failure -j "$JOBS" -L "$5"
}

# The KOKKOS tree has ML-GLASS built in (tools/setup-lammps.sh kokkos installs it in-tree): its
# build is the in-tree package test. With it, the debian phase leaves out the separate in-tree
# build of LAMMPS 29Sep2021 (ctest label intree, about 8 minutes); without it, that test runs.
kokkos_phase=0
if [[ " $TREES " == *" kokkos "* ]] && [ -n "${MLGLASS_KOKKOS_SOURCE:-}${MLGLASS_KOKKOS_DIR:-}" ]; then
  kokkos_phase=1
fi

if [[ " $TREES " == *" debian "* ]]; then
  phase "build (deps, LAMMPS 29Sep2021, ML-GLASS)" bash tools/build.sh
  if [ "$kokkos_phase" = 1 ]; then
    phase "tests against LAMMPS 29Sep2021 (in-tree build: the KOKKOS tree)" \
      ctest --test-dir build/mlglass --output-on-failure -j "$JOBS" -LE intree
  else
    phase "tests against LAMMPS 29Sep2021" ctest --test-dir build/mlglass --output-on-failure -j "$JOBS"
  fi
fi

# AddressSanitizer + UBSan over the core library's tests (parsers, graphs, minimisers: the code
# that handles untrusted input and raw memory); tools/sanitize.sh without MLGLASS_SANITIZE_SCOPE
# runs model, trainer and CLI tests too (about 40 min more on 2 cores: not in CI)
if [ "${MLGLASS_TEST_SANITIZE:-1}" = 1 ]; then
  phase "sanitizers (core tests, ASan + UBSan)" env MLGLASS_SANITIZE_SCOPE=core bash tools/sanitize.sh
fi

if [[ " $TREES " == *" newest "* ]]; then
  phase "LAMMPS 4Jul2026 (fetch, build)" bash tools/setup-lammps.sh newest "$NEWEST_SRC" "$NEWEST_BUILD"
  tests_against 4Jul2026 "$NEWEST_SRC/lammps-20260704" "$NEWEST_BUILD" build/mlglass-newest lammps \
    mlglassplugin mlglass_lammps_tests mlglass_kokkos_tests
fi

if [[ " $TREES " == *" kokkos "* ]]; then
  t0=$(date +%s)
  status=0
  bash tools/setup-lammps.sh kokkos "$KOKKOS_SRC" "$KOKKOS_BUILD" || status=$?
  if [ "$status" = 3 ]; then
    summary+=("LAMMPS 4Feb2025 with KOKKOS: skipped (no Kokkos >= 4.5: see the message above)")
  elif [ "$status" != 0 ]; then
    exit "$status"
  else
    summary+=("LAMMPS 4Feb2025 with KOKKOS (Kokkos, fetch, build): $(( $(date +%s) - t0 )) s")
    # ML-GLASS is built into this LAMMPS: no plugin, only the -k on test binary
    tests_against 4Feb2025 "$KOKKOS_SRC/lammps-20250204" "$KOKKOS_BUILD" build/mlglass-kokkos kokkos \
      mlglass_kokkos_tests
  fi
fi

printf 'test.sh: %s\n' "${summary[@]}"
echo "test.sh: build + tests took $(( $(date +%s) - start )) s"
