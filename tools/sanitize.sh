#!/usr/bin/env bash
# AddressSanitizer + UndefinedBehaviorSanitizer run of ML-GLASS's own code: configures a separate
# build (build/sanitize, -DMLGLASS_SANITIZE=ON, Debug: -O0 -g, so inline functions stay out of
# line and one-definition-rule violations such as two different classes of one name show up),
# builds the core, model, trainer, analysis and CLI test executables (not the LAMMPS plugin or
# its tests: LAMMPS itself is not instrumented), and runs them under ctest. Any sanitizer report
# fails the run (halt_on_error).
#
#   tools/sanitize.sh [ctest arguments...]      e.g. tools/sanitize.sh -R model
#
# MLGLASS_SANITIZE_SCOPE=core builds and runs only the core library's tests (what tools/test.sh
# runs in CI: a few minutes); the default, all, also the model, trainer, analysis and CLI tests.
#
# Environment: MLGLASS_SANITIZE_DIR (build directory, default build/sanitize), JOBS (default 2),
# MLGLASS_SANITIZE_TRAINING=0 to leave out the tests that train models (the slow part).
# LibTorch, OpenMP and OpenBLAS come from Debian uninstrumented: the suppression files in
# tests/sanitize/ silence reports whose frames lie only in those libraries (each entry says why);
# nothing of ML-GLASS is suppressed.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${MLGLASS_SANITIZE_DIR:-$ROOT/build/sanitize}
JOBS=${JOBS:-2}

start=$(date +%s)
nice cmake -S "$ROOT" -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Debug -DMLGLASS_SANITIZE=ON \
  -DMLGLASS_BUILD_BENCH=OFF -DMLGLASS_TEST_INTREE=OFF >/dev/null
targets=(mlglass mlglass_core_tests mlglass_model_tests mlglass_block_cache_tests mlglass_stats_tests mlglass_tpe_tests
         mlglass_model_file_tests mlglass_trainer_tests mlglass_cv_tests mlglass_cnn_tests
         mlglass_analysis_tests)
scope=${MLGLASS_SANITIZE_SCOPE:-all}
case "$scope" in
  core) targets=(mlglass_core_tests); only=(-R '^core\.') ;;
  all) only=() ;;
  *) echo "sanitize.sh: MLGLASS_SANITIZE_SCOPE must be core or all, got '$scope'" >&2; exit 2 ;;
esac
nice cmake --build "$BUILD" -j "$JOBS" --target "${targets[@]}"
built=$(date +%s)

SUPP="$ROOT/tests/sanitize"
export ASAN_OPTIONS="halt_on_error=1:abort_on_error=0:detect_leaks=1:detect_odr_violation=2:detect_stack_use_after_return=0:strict_init_order=1:check_initialization_order=1:suppressions=$SUPP/asan.supp"
export LSAN_OPTIONS="suppressions=$SUPP/lsan.supp:print_suppressions=0"
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1:suppressions=$SUPP/ubsan.supp"

exclude='^(lammps|example|intree|tutorial|format)'
[ "${MLGLASS_SANITIZE_TRAINING:-1}" = 0 ] &&
  exclude='^(lammps|example|intree|tutorial|format|trainer|cv|cnn|cli\.analysis)'
rc=0
nice ctest --test-dir "$BUILD" -j "$JOBS" --output-on-failure -E "$exclude" "${only[@]}" "$@" || rc=$?
end=$(date +%s)
echo "sanitize.sh ($scope): configure + build $((built - start)) s, tests $((end - built)) s, total $((end - start)) s"
exit $rc
