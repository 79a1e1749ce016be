#!/usr/bin/env bash
# compute glass/mpnn inside LAMMPS and `mlglass eval --tile` on the frame LAMMPS dumped at the same
# step give the same P(glass) for every window (<= 1e-5), with overlapping windows (stride < side),
# on NP MPI ranks. Uses the shipped model.
#   glass_mpnn_vs_eval.sh REPO BUILD_DIR LMP PYTHON NP
set -euo pipefail
REPO=$1 BUILD=$2 LMP=$3 PYTHON=$4 NP=$5
MODEL="$REPO/potentials/ka2d-dmpnn.pt"
OUT=$(mktemp -d /tmp/mlglass-vs-eval.XXXXXX)
trap 'rm -rf "$OUT"' EXIT
cat > "$OUT/in.test" <<LMP
plugin load $BUILD/mlglassplugin.so
variable natoms index 1000
variable lx index 28.8675
variable ly index 28.8675
variable repo index $REPO
include $REPO/tests/examples/quenched_glass.lmp
reset_timestep 0
compute cls all glass/mpnn $MODEL stride 7
fix w all ave/time 1 1 1 c_cls[*] file $OUT/windows.dat
dump d all custom 1 $OUT/frame.dump id type x y z
dump_modify d sort id format float %.17g
run 0
LMP
mpiexec -np "$NP" --allow-run-as-root --oversubscribe "$LMP" -in "$OUT/in.test" \
  -log "$OUT/log.lammps" -screen none
step=$(awk '!/^#/ {s = $1} END {print s}' "$OUT/windows.dat")
printf 'file,timestep,label\nframe.dump,%s,1\n' "$step" > "$OUT/manifest.csv"
"${MLGLASS_CLI:-$BUILD/mlglass}" eval --model "$MODEL" --manifest "$OUT/manifest.csv" --tile --stride 7 \
  --probabilities "$OUT/eval.csv" > /dev/null
"$PYTHON" - "$OUT/windows.dat" "$OUT/eval.csv" <<'PY'
import csv, sys
rows = [l.split() for l in open(sys.argv[1]) if not l.startswith("#")]
vec = [float(v) for v in rows[-1][1:]]
nwin = int(vec[5])
lammps = vec[6:6 + nwin]
ev = [float(r["p"]) for r in csv.DictReader(open(sys.argv[2]))]
assert len(ev) == nwin, f"eval has {len(ev)} windows, the compute {nwin}"
assert nwin > 4, f"only {nwin} windows"
diff = max(abs(a - b) for a, b in zip(lammps, ev))
spread = max(ev) - min(ev)
print(f"{nwin} windows, max |compute - eval| = {diff:.2e}, spread of P over windows {spread:.3f}")
assert diff <= 1e-5, "compute glass/mpnn and mlglass eval --tile disagree"
PY
echo "glass_mpnn_vs_eval (np $NP): ok"
