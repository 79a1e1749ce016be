#!/usr/bin/env bash
# The monitoring example (examples/monitor) at a tiny scale with the shipped model: it runs, its
# monitor.dat has the expected columns and values, and mlglass tg plus tools/plot_monitor.py
# accept it.
#   monitor_smoke.sh REPO BUILD_DIR LMP PYTHON
set -euo pipefail
REPO=$1 BUILD=$2 LMP=$3 PYTHON=$4
OUT=$(mktemp -d /tmp/mlglass-monitor-smoke.XXXXXX)
trap 'rm -rf "$OUT"' EXIT
fail() { echo "monitor_smoke: $*" >&2; exit 1; }
"$LMP" -in "$REPO/examples/monitor/in.monitor" -var mlglass "$REPO" \
  -var plugin "$BUILD/mlglassplugin.so" -var natoms 400 -var equil 200 -var ramp 4000 \
  -var nsample 8 -var out "$OUT" -log "$OUT/log.lammps" -screen none
# step, T_ramp, E_IS, 3 graph metrics, mean P(glass), glass fraction: 9 lines (steps 0..4000)
grep -q "^# TimeStep v_Tramp f_is c_bg\[1\] c_bg\[2\] c_bg\[3\] c_cls c_cls\[5\]$" "$OUT/monitor.dat" \
  || fail "monitor.dat header"
rows=$(grep -vc '^#' "$OUT/monitor.dat")
[ "$rows" -eq 9 ] || fail "monitor.dat has $rows lines, expected 9"
awk '!/^#/ && (NF != 8 || $7 < 0 || $7 > 1 || $8 < 0 || $8 > 1 || $3 > -3 || $3 < -4.5) {bad = 1}
     END {exit bad}' "$OUT/monitor.dat" || fail "monitor.dat: bad line"
# the dump carries P(glass) per atom (last column) in [0, 1]
awk '/^ITEM: ATOMS/ {n = NF - 2; on = 1; next} /^ITEM/ {on = 0}
     on && (NF != n || $NF < 0 || $NF > 1) {bad = 1} END {exit bad}' "$OUT/traj.dump" \
  || fail "traj.dump: per-atom P(glass) missing or out of range"
"${MLGLASS_CLI:-$BUILD/mlglass}" tg "$OUT/monitor.dat" --temp-col 2 --energy-col 3 --json "$OUT/tg.json" > /dev/null
"$PYTHON" "$REPO/tools/plot_monitor.py" "$OUT/monitor.dat" "$OUT/tg.json" "$OUT/monitor.png"
[ -s "$OUT/monitor.png" ] || fail "no plot"
echo "monitor_smoke: ok"
