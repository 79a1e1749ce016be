#!/usr/bin/env bash
# The cooling example at a tiny scale: it runs, writes every output with the expected columns,
# and mlglass tg and both plot scripts accept them.
#   cooling_smoke.sh REPO BUILD_DIR LMP PYTHON
set -euo pipefail
REPO=$1 BUILD=$2 LMP=$3 PYTHON=$4
OUT=$(mktemp -d /tmp/mlglass-cooling-smoke.XXXXXX)
trap 'rm -rf "$OUT"' EXIT
"$LMP" -in "$REPO/examples/cooling/in.cooling" -var mlglass "$REPO" \
  -var plugin "$BUILD/mlglassplugin.so" -var natoms 300 -var equil 200 -var ramp 4000 -var nsample 8 \
  -var ndump 4 -var out "$OUT" -log "$OUT/log.lammps" -screen none
fail() { echo "cooling_smoke: $*" >&2; exit 1; }
# fix inherent file: 9 quenches (steps 0, 500, ..., 4000), 8 columns, converged (reason 3)
rows=$(grep -vc '^#' "$OUT/is.dat")
[ "$rows" -eq 9 ] || fail "is.dat has $rows quench lines, expected 9"
awk '!/^#/ && (NF != 8 || $8 != 3) {bad = 1} END {exit bad}' "$OUT/is.dat" || fail "is.dat: bad line"
# fix ave/time files: step, T_ramp, T, 6 metrics / step, T_ramp, E_IS, iterations
awk '!/^#/ && NF != 9 {bad = 1} END {exit bad}' "$OUT/bgraph.dat" || fail "bgraph.dat columns"
awk '!/^#/ && NF != 4 {bad = 1} END {exit bad}' "$OUT/eis.dat" || fail "eis.dat columns"
frames=$(grep -c "ITEM: TIMESTEP" "$OUT/traj.dump")
[ "$frames" -eq 5 ] || fail "traj.dump has $frames frames, expected 5"
"${MLGLASS_CLI:-$BUILD/mlglass}" tg "$OUT/is.dat" --json "$OUT/tg.json" --plot "$OUT/eis.png" > /dev/null
"$PYTHON" "$REPO/tools/plot_bgraph.py" "$OUT/bgraph.dat" "$OUT/bg.png" --tcol 2 --mcol 4 > /dev/null
[ -s "$OUT/eis.png" ] && [ -s "$OUT/bg.png" ] && [ -s "$OUT/tg.json" ] || fail "missing plot or json"
echo "cooling_smoke: ok"
