#!/usr/bin/env bash
# The README's main job: build everything, run the in-situ monitoring example (2D Kob-Andersen
# cooling runs with fix inherent, compute bgraph and compute glass/mpnn with the shipped model
# potentials/ka2d-dmpnn.pt), fit T_g from E_IS(T) and draw E_IS, the three graph metrics and
# P(glass) against temperature, all into examples/monitor/out/. Two independent runs (seeds 7 and
# 8, one per core, each into out/seed-S/) are pooled for the T_g fit: more independent samples
# than one run can give in the same time. Extra arguments go to LAMMPS, e.g. -var ramp 400000.
# Environment: MLGLASS_EXAMPLE_SEEDS="7 8" (one run per seed, side by side).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
bash tools/build.sh
# Debian's python3 has python3-matplotlib; a python3 earlier on PATH (a virtualenv) may not
PYTHON=${MLGLASS_PYTHON:-/usr/bin/python3}
OUT=examples/monitor/out
read -ra SEEDS <<< "${MLGLASS_EXAMPLE_SEEDS:-7 8}"
mkdir -p "$OUT"
rm -f "$OUT/monitor.dat" "$OUT/tg.json" "$OUT/eis_vs_T.png" "$OUT/monitor.png"
start=$(date +%s)
pids=()
for seed in "${SEEDS[@]}"; do
  mkdir -p "$OUT/seed-$seed"
  OMP_NUM_THREADS=1 build/lammps/lmp -in examples/monitor/in.monitor -var mlglass "$ROOT" \
    -var plugin build/mlglass/mlglassplugin.so -var seed "$seed" -var out "$OUT/seed-$seed" \
    -log "$OUT/seed-$seed/log.lammps" -screen "$OUT/seed-$seed/screen.txt" "$@" &
  pids+=($!)
done
failed=()
for i in "${!SEEDS[@]}"; do
  wait "${pids[$i]}" || failed+=("${SEEDS[$i]}")
done
if [ ${#failed[@]} -gt 0 ]; then
  for seed in "${failed[@]}"; do
    echo "run-example.sh: the run of seed $seed failed: $OUT/seed-$seed/log.lammps ends with" >&2
    tail -5 "$OUT/seed-$seed/log.lammps" >&2
  done
  exit 1
fi
# all runs in one file (each with its header); T_g from the supercooled-liquid and glass regimes
# (T <= 1.2) against the ramp temperature
for seed in "${SEEDS[@]}"; do cat "$OUT/seed-$seed/monitor.dat"; done > "$OUT/monitor.dat.tmp"
mv "$OUT/monitor.dat.tmp" "$OUT/monitor.dat"
build/mlglass/mlglass tg "$OUT/monitor.dat" --temp-col 2 --energy-col 3 --tmax 1.2 \
  --json "$OUT/tg.json" --plot "$OUT/eis_vs_T.png"
"$PYTHON" tools/plot_monitor.py "$OUT/monitor.dat" "$OUT/tg.json" "$OUT/monitor.png"
echo "run-example.sh: done in $(( $(date +%s) - start )) s: $OUT/monitor.png (E_IS with T_g, graph" \
     "metrics and P(glass) against T; runs of seeds ${SEEDS[*]}), $OUT/monitor.dat, $OUT/tg.json," \
     "$OUT/seed-*/ (each run: is.dat, traj.dump, log.lammps)"
