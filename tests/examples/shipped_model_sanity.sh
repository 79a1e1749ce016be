#!/usr/bin/env bash
# The shipped model (potentials/ka2d-dmpnn.pt) inside LAMMPS: P(glass) is low for a 2D KA liquid
# at T = 2.0 and high for the same system cooled to T = 0.05 (in 2e5 steps from 2.0 to 0.05, ten
# times faster than its training data's ramp: 0.96) — one 1000-particle run, about a minute on one core.
#   shipped_model_sanity.sh REPO BUILD_DIR LMP
set -euo pipefail
REPO=$1 BUILD=$2 LMP=$3
OUT=$(mktemp -d /tmp/mlglass-sanity.XXXXXX)
trap 'rm -rf "$OUT"' EXIT
cat > "$OUT/in.test" <<LMP
variable natoms index 1000
variable seed index 11
variable mlglass index $REPO
plugin load $BUILD/mlglassplugin.so
include $REPO/examples/common/ka2d_start.lmp
velocity all create 2.0 5 dist gaussian mom yes
fix md all nvt temp 2.0 2.0 0.5
fix mom all momentum 1 linear 1 1 0
run 5000
compute cls all glass/mpnn $REPO/potentials/ka2d-dmpnn.pt
thermo_style custom step temp c_cls c_cls[5]
run 0
print "LIQUID \$(c_cls) \$(c_cls[5])"
thermo_style one
uncompute cls
reset_timestep 0
fix md all nvt temp 2.0 0.05 0.5
run 200000
compute cls all glass/mpnn $REPO/potentials/ka2d-dmpnn.pt
thermo_style custom step temp c_cls c_cls[5]
run 0
print "GLASS \$(c_cls) \$(c_cls[5])"
LMP
"$LMP" -in "$OUT/in.test" -log "$OUT/log.lammps" -screen none \
  || { tail -5 "$OUT/log.lammps" >&2; exit 1; }
liquid=$(awk '/^LIQUID/ {print $2}' "$OUT/log.lammps")
glass=$(awk '/^GLASS/ {print $2}' "$OUT/log.lammps")
echo "mean P(glass): liquid at T = 2.0: $liquid, cooled to T = 0.05: $glass"
awk -v l="$liquid" -v g="$glass" 'BEGIN {exit !(l < 0.2 && g > 0.8)}' \
  || { echo "shipped_model_sanity: expected P(liquid) < 0.2 and P(glass) > 0.8" >&2; exit 1; }
echo "shipped_model_sanity: ok"
