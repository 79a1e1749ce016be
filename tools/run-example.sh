#!/usr/bin/env bash
# The README's main job: build everything, run the in-situ monitoring example (a 2D Kob-Andersen
# cooling run with fix inherent, compute bgraph and compute glass/mpnn with the shipped model
# potentials/ka2d-dmpnn.pt), fit T_g from E_IS(T) and draw E_IS, the three graph metrics and
# P(glass) against temperature, all into examples/monitor/out/. Extra arguments go to LAMMPS,
# e.g. -var ramp 400000 -var seed 2.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
bash tools/build.sh
# Debian's python3 has python3-matplotlib; a python3 earlier on PATH (a virtualenv) may not
PYTHON=${MLGLASS_PYTHON:-/usr/bin/python3}
OUT=examples/monitor/out
mkdir -p "$OUT"
start=$(date +%s)
build/lammps/lmp -in examples/monitor/in.monitor -var mlglass "$ROOT" \
  -var plugin build/mlglass/mlglassplugin.so -var out "$OUT" -log "$OUT/log.lammps" "$@"
# T_g from the supercooled-liquid and glass regimes (T <= 1.2) against the ramp temperature
build/mlglass/mlglass tg "$OUT/monitor.dat" --temp-col 2 --energy-col 3 --tmax 1.2 \
  --json "$OUT/tg.json" --plot "$OUT/eis_vs_T.png"
"$PYTHON" tools/plot_monitor.py "$OUT/monitor.dat" "$OUT/tg.json" "$OUT/monitor.png"
echo "run-example.sh: done in $(( $(date +%s) - start )) s: $OUT/monitor.png (E_IS with T_g, graph" \
     "metrics and P(glass) against T), $OUT/monitor.dat, $OUT/is.dat, $OUT/tg.json, $OUT/traj.dump"
