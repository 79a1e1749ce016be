#!/usr/bin/env bash
# The monitoring example (examples/monitor: fix inherent, compute bgraph, compute glass/mpnn) at a
# tiny scale, once plain and once with `-k on -sf kk` (KOKKOS atom style, pair style, integrators;
# the ML-GLASS styles on host data): both run, and their monitor.dat agree: the same rows, bgraph
# counts equal, E_IS and P(glass) equal to rounding (the KOKKOS pair style sums forces in another
# order, so the MD differs in the last bits). Exit code 77 (ctest: skipped) when lmp has no KOKKOS.
#   monitor_kokkos.sh REPO BUILD_DIR LMP
set -euo pipefail
REPO=$1 BUILD=$2 LMP=$3
"$LMP" -h > /tmp/mlglass-lmp-h.$$ 2>&1 || true
if ! sed -n '/^Installed packages:/,/^List of individual style options/p' /tmp/mlglass-lmp-h.$$ | grep -qw KOKKOS; then
  rm -f /tmp/mlglass-lmp-h.$$
  echo "monitor_kokkos: $LMP has no KOKKOS package: skipped"
  exit 77
fi
rm -f /tmp/mlglass-lmp-h.$$
OUT=$(mktemp -d /tmp/mlglass-monitor-kokkos.XXXXXX)
trap 'rm -rf "$OUT"' EXIT
fail() { echo "monitor_kokkos: $*" >&2; exit 1; }
for mode in plain kokkos; do
  mkdir -p "$OUT/$mode"
  args=()
  [ "$mode" = kokkos ] && args=(-k on -sf kk)
  "$LMP" "${args[@]}" -in "$REPO/examples/monitor/in.monitor" -var mlglass "$REPO" \
    -var plugin "$BUILD/mlglassplugin.so" -var natoms 400 -var equil 100 -var ramp 400 \
    -var nsample 4 -var out "$OUT/$mode" -log "$OUT/$mode/log.lammps" -screen none \
    || { tail -20 "$OUT/$mode/log.lammps"; fail "$mode run failed"; }
done
grep -q "lj/cut/kk" "$OUT/kokkos/log.lammps" || grep -q "pair_style.*kk" "$OUT/kokkos/log.lammps" \
  || fail "the -k on run did not use a KOKKOS pair style"
# columns: step T_ramp E_IS components B-B_links isolated_A P(glass) glass_fraction
paste <(grep -v '^#' "$OUT/plain/monitor.dat") <(grep -v '^#' "$OUT/kokkos/monitor.dat") | awk '
  function rel(a, b) { d = a - b; if (d < 0) d = -d; s = (a < 0 ? -a : a); return s > 0 ? d / s : d }
  { rows++
    if (NF != 16) { print "row " rows ": " NF " columns"; bad = 1; next }
    if ($1 != $9 || $2 != $10) { print "row " rows ": steps differ"; bad = 1 }
    if (rel($3, $11) > 1e-8) { print "row " rows ": E_IS " $3 " vs " $11; bad = 1 }
    for (c = 4; c <= 6; c++) if ($c != $(c + 8)) { print "row " rows ": bgraph column " c " " $c " vs " $(c + 8); bad = 1 }
    if (rel($7, $15) > 1e-6 || rel($8, $16) > 1e-6) { print "row " rows ": P(glass) " $7 " vs " $15; bad = 1 }
  }
  END { if (rows != 5) { print rows " rows, expected 5"; bad = 1 } exit bad }' \
  || fail "plain and -k on -sf kk runs disagree"
echo "monitor_kokkos: ok (-k on -sf kk gives the plain run's E_IS, bgraph and P(glass))"
