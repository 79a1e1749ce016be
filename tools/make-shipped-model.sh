#!/usr/bin/env bash
# Regenerates potentials/ka2d-dmpnn.pt from scratch: the slow cooling runs of the reproduction
# (examples/reproduction/cool.sh: 2D Kob-Andersen, N = 1080, ramp 2.0 -> 0.05 in 2x10^6 steps,
# 10^5 steps held at T = 0.05), a labelled manifest, mlglass train, and the held-out evaluation
# quoted in potentials/ka2d-dmpnn.md.
#   tools/make-shipped-model.sh [data|dataset|train|eval|all|reexport]     (default all)
# data     the cooling runs (cool.sh, 8 seeds per rate, 1.6 core-hours; skipped where done)
# dataset  manifests: training (slow seeds 1-4), validation (slow seed 5), and the held-out tests
#          (seeds 6-8: the slow glass against the slow liquid at each of the paper's temperatures,
#          test-T.csv; the glass of the fast runs, ramp 2x10^4 steps, against the liquid at 1.99,
#          test-fast.csv)
# train    mlglass train + mlglass export -> MODEL_OUT
# eval     every test manifest with --tile (the windows compute glass/mpnn evaluates)
# reexport export MODEL_OUT again, e.g. to renew its provenance record (weights unchanged, the old
#          record kept as export.previous)
# Data: DATA (default examples/reproduction/out: the reproduction's own runs, so its cooling runs
# serve both); manifests and the training run in MODEL_DIR (default DATA/shipped). Nothing is
# downloaded.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
stage=${1:-all}
DATA=${MLGLASS_DATA:-examples/reproduction/out}
MODEL_DIR=${MODEL_DIR:-$DATA/shipped}
MODEL_OUT=${MODEL_OUT:-potentials/ka2d-dmpnn.pt}
MLGLASS=${MLGLASS:-build/mlglass/mlglass}
THREADS=${THREADS:-1}
EPOCHS=${EPOCHS:-150}
SCALE=here source examples/reproduction/scale.sh   # the runs' ramps (SLOW_RAMP, FAST_RAMP), as cool.sh
TRAIN_SEEDS="1 2 3 4" VAL_SEEDS="5" TEST_SEEDS="6 7 8"

if [ "$stage" = data ] || [ "$stage" = all ]; then
  OUT=$DATA SCALE=here bash examples/reproduction/cool.sh
fi

dumps() {  # rate seed...: the runs' dumps
  local rate=$1; shift
  for s in "$@"; do
    [ -f "$DATA/$rate/seed-$s/done" ] || { echo "make-shipped-model.sh: no $DATA/$rate/seed-$s: run the data stage" >&2; exit 1; }
    echo "$DATA/$rate/seed-$s/traj.dump"
  done
}
# glass: every 4th frame with T <= 0.1 (the end of the ramp and the hold: ~38 per run); liquid:
# every 60th frame with 0.55 <= T <= 2.0 (~25 per run), which keeps the classes near balance
labelled() {  # out seed...
  local out=$1; shift
  mapfile -t d < <(dumps slow "$@")
  "$MLGLASS" dataset "${d[@]}" -o "$out.glass" --ramp 2.0 0.05 $SLOW_RAMP --glass-max 0.1 --every 4 \
    --allow-one-class | tail -1
  "$MLGLASS" dataset "${d[@]}" -o "$out.liquid" --ramp 2.0 0.05 $SLOW_RAMP --liquid 1.275 \
    --liquid-tol 0.725 --every 60 --allow-one-class | tail -1
  { cat "$out.glass"; tail -n +2 "$out.liquid"; } > "$out"
  rm -f "$out.glass" "$out.liquid"
}
if [ "$stage" = dataset ] || [ "$stage" = all ]; then
  mkdir -p "$MODEL_DIR"
  labelled "$MODEL_DIR/train.csv" $TRAIN_SEEDS
  labelled "$MODEL_DIR/val.csv" $VAL_SEEDS
  # tests: every 4th glass frame (T <= 0.1) of the slow or the fast test runs, against every
  # liquid frame within 0.01 of T of the slow test runs (~21 per run)
  mapfile -t slow < <(dumps slow $TEST_SEEDS)
  mapfile -t fast < <(dumps fast $TEST_SEEDS)
  "$MLGLASS" dataset "${slow[@]}" -o "$MODEL_DIR/glass-slow.part" --ramp 2.0 0.05 $SLOW_RAMP \
    --glass-max 0.1 --every 4 --allow-one-class | tail -1
  "$MLGLASS" dataset "${fast[@]}" -o "$MODEL_DIR/glass-fast.part" --ramp 2.0 0.05 $FAST_RAMP \
    --glass-max 0.1 --every 4 --allow-one-class | tail -1
  for T in 1.99 1.76 0.96 0.55 0.44; do
    "$MLGLASS" dataset "${slow[@]}" -o "$MODEL_DIR/liquid.part" --ramp 2.0 0.05 $SLOW_RAMP \
      --liquid "$T" --liquid-tol 0.01 --allow-one-class | tail -1
    { cat "$MODEL_DIR/glass-slow.part"; tail -n +2 "$MODEL_DIR/liquid.part"; } > "$MODEL_DIR/test-$T.csv"
    if [ "$T" = 1.99 ]; then
      { cat "$MODEL_DIR/glass-fast.part"; tail -n +2 "$MODEL_DIR/liquid.part"; } > "$MODEL_DIR/test-fast.csv"
    fi
  done
  rm -f "$MODEL_DIR"/*.part
fi

# hidden 300, depth 3, k 2, windows of side 12 (0.2 of the paper's 60-sigma box, ~173 particles)
# in distance units, so the model keeps its window on boxes of any size; one random window per
# configuration per epoch, 150 epochs: ~38,000 windows
if [ "$stage" = train ] || [ "$stage" = all ]; then
  "$MLGLASS" train --manifest "$MODEL_DIR/train.csv" --val-manifest "$MODEL_DIR/val.csv" \
    --out "$MODEL_DIR/model" --k 2 --window 12 --window-units distance --hidden 300 --depth 3 \
    --batch 25 --epochs "$EPOCHS" --warmup 5 --val-windows 8 --seed 1 --threads "$THREADS" --quiet \
    --overwrite
  "$MLGLASS" export "$MODEL_DIR/model/best.pt" "$MODEL_OUT"   # checked, with an export record
fi

if [ "$stage" = reexport ]; then
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  cp "$MODEL_OUT" "$tmp/$(basename "$MODEL_OUT")"   # export refuses to overwrite its input
  "$MLGLASS" export "$tmp/$(basename "$MODEL_OUT")" "$MODEL_OUT"
fi

# held-out AUC per test set, with the tiling the LAMMPS compute uses
if [ "$stage" = eval ] || [ "$stage" = all ]; then
  for t in 1.99 1.76 0.96 0.55 0.44 fast; do
    echo "== $MODEL_DIR/test-$t.csv (seeds $TEST_SEEDS)"
    "$MLGLASS" eval --model "$MODEL_OUT" --manifest "$MODEL_DIR/test-$t.csv" --tile --threads "$THREADS"
  done
  ls -l "$MODEL_OUT"
fi
