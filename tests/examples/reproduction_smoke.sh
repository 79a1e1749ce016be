#!/usr/bin/env bash
# The reproduction's scripts end to end at a tiny scale (3 + 3 runs of 300 particles, one epoch per
# model): cool.sh, datasets.sh, every step of classify.sh and report.py run, and the report has a
# number in every table. Checks that the scripts regenerate REPRODUCTION.md, not its science.
# The D-MPNN runs every step, the CNN only the TPE search (the scripts treat both alike; each
# mlglass call costs ~0.5 s of start-up, and the cross step alone makes 42 of them per model).
#   reproduction_smoke.sh REPO BUILD_DIR LMP PYTHON
set -euo pipefail
REPO=$1 BUILD=$2 LMP=$3 PYTHON=$4
OUT=$(mktemp -d /tmp/mlglass-reproduction-smoke.XXXXXX)
trap 'rm -rf "$OUT"' EXIT
fail() {  # the failing step's log says why: show the newest one
  local log
  log=$(find "$OUT" -name '*.log' -newer "$OUT/cool.log" -printf '%T@ %p\n' 2>/dev/null | sort -n | tail -1 | cut -d' ' -f2)
  [ -n "$log" ] && { echo "== $log"; tail -20 "$log"; } >&2
  echo "reproduction_smoke: $*" >&2
  exit 1
}
touch "$OUT/cool.log"
export OUT LMP MLGLASS_PYTHON=$PYTHON PLUGIN=$BUILD/mlglassplugin.so MLGLASS=${MLGLASS_CLI:-$BUILD/mlglass}
# 300 particles: a box of 15.8 sigma, so windows of 6 and 8 sigma; a slow ramp of 2x10^4 steps
# dumped every 100 steps leaves ~10 frames per run within 0.05 of each dataset's temperature
export NATOMS=300 SLOW_RAMP=20000 FAST_RAMP=2000 HOLD=1000 DUMP_EVERY=100 NSEEDS=3 NTRAIN=2
export NSAMPLE_SLOW=20 NSAMPLE_FAST=10 MIN=cg TOL=0.05 GLASS_EVERY=1
export WINDOW=6 WINDOW_BIG=8 EPOCHS=1 TRIALS=2 TRIAL_EPOCHS=1 HIDDEN_MAX=100
export HYPEROPT_DATASETS=6 HYPEROPT_WINDOWS="0.3 0.5 0.1" MODELS=dmpnn HYPEROPT_MODELS="dmpnn cnn"
export COMPARE_MODEL=$REPO/potentials/ka2d-dmpnn.pt   # the shipped model twice: rows 'shipped', 'compared'
R=$REPO/examples/reproduction
bash "$R/cool.sh" > "$OUT/cool.log" 2>&1 || { cat "$OUT/cool.log"; fail "cool.sh failed"; }
bash "$R/datasets.sh" > "$OUT/datasets.log" 2>&1 || { cat "$OUT/datasets.log"; fail "datasets.sh failed"; }
for i in 1 2 3 4 5 6; do
  n=$(tail -n +2 "$OUT/analysis/ds$i.csv" | cut -d, -f3 | sort -u | wc -l)
  [ "$n" -eq 2 ] || fail "ds$i.csv does not hold both classes"
done
bash "$R/classify.sh" > "$OUT/classify.log" 2>&1 || { cat "$OUT/classify.log"; fail "classify.sh failed"; }
"$PYTHON" "$R/report.py" "$OUT" > "$OUT/report.md" || fail "report.py failed"
# every section has its numbers but the CNN's (its cells of the cv tables, its cross-dataset
# matrix: not run), and each table named below has a row
missing=$(grep -v "^| [0-9]" "$OUT/report.md" | grep -c "not run" || true)
[ "$missing" -eq 1 ] || { cat "$OUT/report.md"; fail "report.md: $missing sections not run, expected 1 (cnn cross)"; }
for want in "^| 6 | [0-9.]* ± [0-9.]* | not run" "^| dmpnn | 6 | 3 of 3" "^| cnn | 6 | 3 of 3" "^| ds6 | [0-9]" \
            "^| shipped | [0-9]" "^| compared | [0-9]" "^| symmetric | isolated_a | " "at 6, ds6 test runs at 8: AUC [0-9]"; do
  grep -q -- "$want" "$OUT/report.md" || { cat "$OUT/report.md"; fail "report.md has no line matching '$want'"; }
done
# classify.sh is resumable: a second run redoes no training (no new model file)
STEPS_LOG=$(bash "$R/classify.sh" cv cvbig attention hyperopt 2>&1) || fail "second classify.sh failed: $STEPS_LOG"
after=$(find "$OUT/classify" -name best.pt -newer "$OUT/report.md" | wc -l)
[ "$after" -eq 0 ] || fail "a second classify.sh trained again ($after new models)"
echo "reproduction_smoke: ok"
