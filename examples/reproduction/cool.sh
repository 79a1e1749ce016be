#!/usr/bin/env bash
# Step 1 of the reproduction (REPRODUCTION.md): the slow and fast cooling runs of the 2D
# Kob-Andersen mixture that every dataset is cut from, with examples/cooling/in.cooling.
#
#   bash examples/reproduction/cool.sh            # all runs, one after another, on one core
#
# Scale: SCALE=paper (scale.sh) runs the paper's system and rates; or, one by one (environment
# variables; SCALE=paper's values in brackets):
#   NATOMS=1080        particles per run                       [4320]
#   SLOW_RAMP=2000000  steps of the slow ramp 2.0 -> 0.05      [20000000]
#   FAST_RAMP=20000    steps of the fast ramp                  [200000]
#   NSEEDS=8           independent runs per rate               [48]
#   HOLD=100000        steps held at T = 0.05 after each ramp (glass frames)   [1000000]
#   DUMP_EVERY=1000    steps between dumped configurations     [10000]
#   MIN=fire           fix inherent's minimizer (fire: the recorded runs of REPRODUCTION.md; cg is
#                      10x cheaper with the same E_IS(T) and T_g, doc/fix_inherent.rst)
#   NSAMPLE_SLOW=100, NSAMPLE_FAST=10   E_IS samples (fix inherent quenches) along each ramp
#   MPIRUN="mpirun -np 16"              run each LAMMPS on several ranks (a cluster node)
#
# Output: examples/reproduction/out/{slow,fast}/seed-S/{traj.dump,eis.dat,bgraph.dat,is.dat}
# (OUT=... elsewhere). A run whose directory holds 'done' is skipped: rerunning the script
# resumes after the last completed run.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
OUT=${OUT:-$ROOT/examples/reproduction/out}
source "$ROOT/examples/reproduction/scale.sh"   # SCALE=here|paper: NATOMS, ramps, runs, ...
MIN=${MIN:-fire}
NSAMPLE_SLOW=${NSAMPLE_SLOW:-100}
NSAMPLE_FAST=${NSAMPLE_FAST:-10}
LMP=${LMP:-$ROOT/build/lammps/lmp}
PLUGIN=${PLUGIN:-$ROOT/build/mlglass/mlglassplugin.so}
[ -x "$LMP" ] && [ -f "$PLUGIN" ] || { echo "cool.sh: no $LMP or $PLUGIN: run tools/build.sh" >&2; exit 1; }

run() {  # rate ramp nsample seed
  local dir="$OUT/$1/seed-$4"
  [ -f "$dir/done" ] && { echo "cool.sh: $dir done, skipped"; return; }
  (( $2 % DUMP_EVERY == 0 )) || { echo "cool.sh: $1 ramp $2 is no multiple of DUMP_EVERY $DUMP_EVERY" >&2; exit 1; }
  rm -rf "$dir" && mkdir -p "$dir"
  local t0=$(date +%s)
  ${MPIRUN:-} "$LMP" -in "$ROOT/examples/cooling/in.cooling" -screen none -log "$dir/log.lammps" \
    -var mlglass "$ROOT" -var plugin "$PLUGIN" -var out "$dir" -var natoms "$NATOMS" \
    -var seed "$4" -var ramp "$2" -var nsample "$3" -var ndump $(( $2 / DUMP_EVERY )) \
    -var hold "$HOLD" -var dumppe yes -var min "$MIN"
  echo "$1 seed $4: N $NATOMS ramp $2 hold $HOLD, $(( $(date +%s) - t0 )) s" | tee "$dir/done"
}

for seed in $(seq 1 "$NSEEDS"); do
  run fast "$FAST_RAMP" "$NSAMPLE_FAST" "$seed"
done
for seed in $(seq 1 "$NSEEDS"); do
  run slow "$SLOW_RAMP" "$NSAMPLE_SLOW" "$seed"
done
echo "cool.sh: all runs in $OUT"
