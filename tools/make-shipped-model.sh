#!/usr/bin/env bash
# Regenerates potentials/ka2d-dmpnn.pt from scratch: cooling runs of this project's own example
# (2D Kob-Andersen, N = 4320, the fast ramp, several seeds), a labelled manifest, mlglass train,
# and the held-out evaluation quoted in potentials/ka2d-dmpnn.md.
#   tools/make-shipped-model.sh [data|dataset|train|eval|all]     (default all)
# Data go to data/ka2d/ (ignored by git, ~15 MB per seed); nothing is downloaded.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
stage=${1:-all}
DATA=${MLGLASS_DATA:-data/ka2d}
TRAIN_SEEDS=${TRAIN_SEEDS:-"1 2 3 4"}
TEST_SEEDS=${TEST_SEEDS:-"5"}
MLGLASS=build/mlglass/mlglass
RAMP=200000

if [ "$stage" = data ] || [ "$stage" = all ]; then
  # 100 dumps along the ramp (every 2000 steps, dT = 0.0195) + 10 at T = 0.05 during a
  # 20000-step hold; two quenches only (E_IS is not needed for training)
  for seed in $TRAIN_SEEDS $TEST_SEEDS; do
    out="$DATA/seed-$seed"
    [ -s "$out/done" ] && continue
    mkdir -p "$out"
    build/lammps/lmp -in examples/cooling/in.cooling -var mlglass "$ROOT" \
      -var plugin build/mlglass/mlglassplugin.so -var seed "$seed" -var out "$out" \
      -var ramp $RAMP -var ndump 100 -var hold 20000 -var nsample 2 \
      -log "$out/log.lammps" -screen none
    date > "$out/done"
  done
fi

# glass: T <= 0.1 (end of the ramp and the hold); liquid: 0.55 <= T <= 2.0 (every 4th frame,
# which keeps the classes near balance). One manifest for training, one for the held-out seeds.
manifest() {  # manifest OUT SEED...
  local out=$1; shift
  local dumps=()
  for s in "$@"; do dumps+=("$DATA/seed-$s/traj.dump"); done
  "$MLGLASS" dataset "${dumps[@]}" -o "$out.glass.csv" --ramp 2.0 0.05 $RAMP --glass-max 0.1 \
    --allow-one-class
  "$MLGLASS" dataset "${dumps[@]}" -o "$out.liquid.csv" --ramp 2.0 0.05 $RAMP \
    --liquid 1.275 --liquid-tol 0.725 --every 4 --allow-one-class
  { cat "$out.glass.csv"; tail -n +2 "$out.liquid.csv"; } > "$out"
}
if [ "$stage" = dataset ] || [ "$stage" = all ]; then
  manifest "$DATA/train.csv" $TRAIN_SEEDS
  # the held-out seeds: every frame, each labelled by its own temperature for per-T AUCs
  manifest "$DATA/test.csv" $TEST_SEEDS
fi
