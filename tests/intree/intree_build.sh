#!/usr/bin/env bash
# In-tree package build, end to end: a symlinked copy of the LAMMPS tree (the original stays
# untouched) gets ML-GLASS through tools/install-in-tree.sh, is configured with -D PKG_ML-GLASS=on
# (no plugin involved), built, and runs compute bgraph and compute glass/mpnn (LibTorch linked
# into LAMMPS itself). Incremental on re-runs.
#   intree_build.sh LAMMPS_TREE WORK_DIR [install-only]
# install-only: the installation checks alone (seconds; no LAMMPS build): the sources in
# src/ML-GLASS, the KOKKOS variants in src/KOKKOS, a reinstall removing what an older one left.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
TREE=$(cd "$1" && pwd)
WORK=$2
MODE=${3:-build}
mkdir -p "$WORK"
rm -rf "$WORK/lammps"
cp -rs "$TREE" "$WORK/lammps"
bash "$ROOT/tools/install-in-tree.sh" "$WORK/lammps"
# only what the styles need goes into liblammps: none of the mlglass program's sources
for f in cnn.cpp tg.cpp render.cpp labelling.cpp dataset.cpp dump_reader.cpp mlglassplugin.cpp; do
  [ ! -e "$WORK/lammps/src/ML-GLASS/$f" ] || { echo "intree_build.sh: $f was installed into the LAMMPS tree"; exit 1; }
done
for f in fix_inherent.cpp lammps_min_system.cpp md_snapshot.cpp compute_bgraph.cpp compute_glass_mpnn.cpp \
         knn.cpp min_system.cpp fire.cpp cg.cpp dmpnn.cpp glass_classifier.cpp; do
  [ -f "$WORK/lammps/src/ML-GLASS/$f" ] || { echo "intree_build.sh: $f missing from the LAMMPS tree"; exit 1; }
done

# the KOKKOS variants go to src/KOKKOS (compiled only with KOKKOS on), listed in a manifest; a
# reinstall removes the files of the previous manifest (here: a variant that no longer exists)
K="$WORK/lammps/src/KOKKOS"
for f in fix_inherent_kokkos.h fix_inherent_kokkos.cpp min_system_kokkos.h; do
  [ -f "$K/$f" ] && [ ! -L "$K/$f" ] || { echo "intree_build.sh: $f not installed into src/KOKKOS"; exit 1; }
  grep -qx "$f" "$K/.ml-glass-installed" || { echo "intree_build.sh: $f missing from the manifest"; exit 1; }
done
[ ! -e "$WORK/lammps/src/ML-GLASS/fix_inherent_kokkos.cpp" ] || { echo "intree_build.sh: a KOKKOS file in src/ML-GLASS"; exit 1; }
echo "compute_gone_kokkos.cpp" >> "$K/.ml-glass-installed"
touch "$K/compute_gone_kokkos.cpp"
bash "$ROOT/tools/install-in-tree.sh" "$WORK/lammps" > /dev/null
[ ! -e "$K/compute_gone_kokkos.cpp" ] || { echo "intree_build.sh: a reinstall left a stale KOKKOS file"; exit 1; }
[ -f "$K/fix_inherent_kokkos.cpp" ] || { echo "intree_build.sh: a reinstall lost fix_inherent_kokkos.cpp"; exit 1; }
if [ "$MODE" = install-only ]; then
  echo "intree_build.sh: installation checks pass"
  exit 0
fi

cmake -S "$WORK/lammps/cmake" -B "$WORK/build" -G Ninja -DCMAKE_BUILD_TYPE=Release \
  -DBUILD_MPI=on -DBUILD_OMP=off -DLAMMPS_EXCEPTIONS=on -DPKG_ML-GLASS=on -DDOWNLOAD_POTENTIALS=off \
  -DWITH_JPEG=off -DWITH_PNG=off -DWITH_FFMPEG=off > "$WORK/configure.log" 2>&1 || { tail -30 "$WORK/configure.log"; exit 1; }
cmake --build "$WORK/build" -j "${JOBS:-2}" > "$WORK/build.log" || { tail -50 "$WORK/build.log"; exit 1; }

"$WORK/build/lmp" -h > "$WORK/lmp-help.txt"   # no pipe into grep -q: SIGPIPE + pipefail
grep -q "^ML-GLASS" "$WORK/lmp-help.txt" || { echo "ML-GLASS missing from lmp -h"; exit 1; }
cat > "$WORK/in.intree" <<IN
units lj
dimension 2
atom_style atomic
lattice sq 1.2
region box block 0 24 0 24 -0.5 0.5
create_box 2 box
create_atoms 1 box
set type 1 type/ratio 2 0.35 777
include $ROOT/potentials/KA2D.lj
velocity all create 1.0 777
fix 1 all nve
fix 2 all enforce2d
compute bg all bgraph
compute cls all glass/mpnn $ROOT/potentials/ka2d-dmpnn.pt
thermo_style custom step c_bg[1] c_bg[2] c_bg[3] c_bg[5] c_cls
run 10
IN
(cd "$WORK" && ./build/lmp -in in.intree -log none -echo none > run.log)
# the thermo line at step 10: four metrics, links > 0, P(glass) in [0, 1]
awk '$1 == 10 && NF == 6 && $5 > 0 && $6 >= 0 && $6 <= 1 {ok = 1} END {exit !ok}' "$WORK/run.log" || {
  cat "$WORK/run.log"
  echo "intree_build.sh: no bgraph/glass/mpnn thermo output from the in-tree lmp"
  exit 1
}
echo "intree_build.sh: in-tree ML-GLASS build works"
