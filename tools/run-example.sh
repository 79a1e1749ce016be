#!/usr/bin/env bash
# The README's main job: build everything, run the cooling example with the ML-GLASS styles, and
# plot its metrics against temperature (examples/bgraph/out/).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
bash tools/build.sh
OUT=examples/bgraph/out
mkdir -p "$OUT"
build/lammps/lmp -in examples/bgraph/in.bgraph -var plugin build/mlglass/mlglassplugin.so \
  -var out "$OUT" -log "$OUT/log.lammps" "$@"
python3 tools/plot_bgraph.py "$OUT/bgraph.dat" "$OUT/bgraph_vs_T.png"
echo "run-example.sh: metrics in $OUT/bgraph.dat, plot in $OUT/bgraph_vs_T.png"
