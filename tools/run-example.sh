#!/usr/bin/env bash
# The README's main job: build everything, run the cooling example (fix inherent + compute bgraph
# along a 2D Kob-Andersen cooling ramp), fit T_g from E_IS(T) and plot, all into
# examples/cooling/out/. Extra arguments go to LAMMPS, e.g. -var ramp 400000 -var seed 2.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
bash tools/build.sh
# Debian's python3 has python3-matplotlib; a python3 earlier on PATH (a virtualenv) may not
PYTHON=${MLGLASS_PYTHON:-/usr/bin/python3}
OUT=examples/cooling/out
mkdir -p "$OUT"
start=$(date +%s)
build/lammps/lmp -in examples/cooling/in.cooling -var mlglass "$ROOT" \
  -var plugin build/mlglass/mlglassplugin.so -var out "$OUT" -log "$OUT/log.lammps" "$@"
# T_g from the supercooled-liquid and glass regimes (T <= 1.2) against the ramp temperature
build/mlglass/mlglass tg "$OUT/eis.dat" --tmax 1.2 --json "$OUT/tg.json" --plot "$OUT/eis_vs_T.png"
"$PYTHON" tools/plot_bgraph.py "$OUT/bgraph.dat" "$OUT/bgraph_vs_T.png" --tcol 2 --mcol 4
echo "run-example.sh: done in $(( $(date +%s) - start )) s: $OUT/is.dat (E_IS per quench)," \
     "$OUT/tg.json, $OUT/eis_vs_T.png, $OUT/bgraph.dat, $OUT/bgraph_vs_T.png, $OUT/traj.dump"
