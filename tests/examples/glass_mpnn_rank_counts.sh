#!/usr/bin/env bash
# compute glass/mpnn gives bit-identical window probabilities and per-atom values on 1, 2, 3 and 4
# MPI ranks (4 oversubscribed) for one configuration: a FIRE-quenched 2D 65:35 glass written by
# one rank, with the shipped model, overlapping windows (stride 4 < side 12), processor grids that
# cut windows along x and y (each rank classifies the windows whose origin it owns), and once more
# after the atoms were displaced across subdomain boundaries (displace_atoms: atoms
# migrate between ranks, positions stay exactly those of the 1-rank run).
#   glass_mpnn_rank_counts.sh REPO BUILD_DIR LMP PYTHON
# MLGLASS_RANK_COUNTS="1 2 3 4 8" compares other rank counts (the first is the reference).
set -euo pipefail
REPO=$1 BUILD=$2 LMP=$3 PYTHON=$4
MODEL="$REPO/potentials/ka2d-dmpnn.pt"
OUT=$(mktemp -d /tmp/mlglass-rank-counts.XXXXXX)
trap 'rm -rf "$OUT"' EXIT

cat > "$OUT/in.make" <<LMP
variable natoms index 1728
variable lx index 40
variable ly index 36
variable repo index $REPO
include $REPO/tests/examples/quenched_glass.lmp
write_data $OUT/glass.data nocoeff
LMP
"$LMP" -in "$OUT/in.make" -log none -screen none

cat > "$OUT/in.eval" <<LMP
plugin load $BUILD/mlglassplugin.so
units lj
dimension 2
atom_style atomic
read_data $OUT/glass.data
include $REPO/potentials/KA2D.lj
compute cls all glass/mpnn $MODEL stride 4
variable n equal count(all)
fix w all ave/time 1 1 1 c_cls[*] file \${out}.windows format " %.17g"
dump d all custom 1 \${out}.atoms id c_cls
dump_modify d sort id format float %.17g
run 0 post no
undump d
unfix w
displace_atoms all move 7.3 -5.1 0.0
fix w all ave/time 1 1 1 c_cls[*] file \${out}.windows2 format " %.17g"
dump d all custom 1 \${out}.atoms2 id c_cls
dump_modify d sort id format float %.17g
run 0 post no
LMP
for np in ${MLGLASS_RANK_COUNTS:-1 2 3 4}; do
  mpiexec -np $np --allow-run-as-root --oversubscribe "$LMP" -in "$OUT/in.eval" \
    -var out "$OUT/np$np" -log "$OUT/log.np$np" -screen none
done

"$PYTHON" - "$OUT" <<'PY'
import os, sys
out = sys.argv[1]
def vector(path):
    rows = [l.split() for l in open(path) if not l.startswith("#")]
    return rows[-1][1:]
def atoms(path):
    lines = open(path).read().splitlines()
    start = next(i for i, l in enumerate(lines) if l.startswith("ITEM: ATOMS")) + 1
    return lines[start:]
for suffix, what in (("", "as read"), ("2", "after displace_atoms")):
    ref_w = vector(f"{out}/np1.windows{suffix}")
    ref_a = atoms(f"{out}/np1.atoms{suffix}")
    nwin = int(float(ref_w[5]))
    assert nwin > 60, f"only {nwin} windows"
    counts = os.environ.get("MLGLASS_RANK_COUNTS", "1 2 3 4").split()
    for np in counts[1:]:
        w = vector(f"{out}/np{np}.windows{suffix}")
        a = atoms(f"{out}/np{np}.atoms{suffix}")
        bad = [i for i, (x, y) in enumerate(zip(ref_w, w)) if x != y]
        assert not bad, f"{what}, {np} ranks: vector entries {bad[:5]} differ from 1 rank"
        bad = [i for i, (x, y) in enumerate(zip(ref_a, a)) if x != y]
        assert len(a) == len(ref_a) and not bad, \
            f"{what}, {np} ranks: per-atom values of {len(bad)} atoms differ from 1 rank"
    print(f"{what}: {nwin} windows (window 1: P = {ref_w[6]}) and {len(ref_a)} per-atom values "
          f"identical on {', '.join(counts)} ranks")
PY
echo "glass_mpnn_rank_counts: ok"
