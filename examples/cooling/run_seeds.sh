#!/usr/bin/env bash
# Several independent cooling runs (one per seed), each into examples/cooling/out/seed-S.
#   examples/cooling/run_seeds.sh [LMP_ARGS...] -- SEED [SEED ...]
# e.g. examples/cooling/run_seeds.sh -var ramp 20000000 -- 1 2 3 4
# Prefix with MPIRUN="mpirun -np 32" to run each seed in parallel on a cluster node.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
args=()
while [ $# -gt 0 ] && [ "$1" != "--" ]; do args+=("$1"); shift; done
[ "${1:-}" = "--" ] && shift
[ $# -gt 0 ] || { echo "usage: run_seeds.sh [LMP_ARGS...] -- SEED [SEED ...]" >&2; exit 2; }
for seed in "$@"; do
  out="$ROOT/examples/cooling/out/seed-$seed"
  mkdir -p "$out"
  ${MPIRUN:-} "$ROOT/build/lammps/lmp" -in "$ROOT/examples/cooling/in.cooling" \
    -var mlglass "$ROOT" -var plugin "$ROOT/build/mlglass/mlglassplugin.so" \
    -var seed "$seed" -var out "$out" -log "$out/log.lammps" "${args[@]}"
done
