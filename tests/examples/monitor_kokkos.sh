#!/usr/bin/env bash
# The monitoring example (examples/monitor: fix inherent, compute bgraph, compute glass/mpnn) at a
# tiny scale, once plain and once with `-k on -sf kk` (KOKKOS atom style, pair style and
# integrators; with the plugin the plain ML-GLASS styles on host data, with ML-GLASS built in the
# /kk styles), both from one start written by a plain run. Both
# must run and give the same monitor.dat rows. The KOKKOS pair style sums forces in another order
# and the MD amplifies those last-bit differences (later samples differ like independent runs), so
# the numbers are compared as statistics: the first sample to 1e-3 (E_IS, P(glass)) and +-2 (graph
# counts), every sample in the physical range. Exact equality on one configuration, and the
# bit-identical KOKKOS trajectory with fix inherent, are tested in-process
# (tests/lammps/test_kokkos.cpp). Exit code 77 (ctest: skipped) when lmp has no KOKKOS.
#   monitor_kokkos.sh REPO BUILD_DIR LMP PLUGIN
# PLUGIN: mlglassplugin.so, or "builtin" for an lmp with ML-GLASS built in (the KOKKOS tree of
# tools/setup-lammps.sh, where -sf kk selects fix inherent/kk, compute bgraph/kk, glass/mpnn/kk)
set -euo pipefail
REPO=$1 BUILD=$2 LMP=$3 PLUGIN=$4
"$LMP" -h > /tmp/mlglass-lmp-h.$$ 2>&1 || true
if ! sed -n '/^Installed packages:/,/^List of individual style options/p' /tmp/mlglass-lmp-h.$$ | grep -qw KOKKOS; then
  rm -f /tmp/mlglass-lmp-h.$$
  echo "monitor_kokkos: $LMP has no KOKKOS package: skipped"
  exit 77
fi
rm -f /tmp/mlglass-lmp-h.$$
OUT=$(mktemp -d /tmp/mlglass-monitor-kokkos.XXXXXX)
trap '[ -n "${KEEP:-}" ] || rm -rf "$OUT"' EXIT
fail() { echo "monitor_kokkos: $*" >&2; exit 1; }
# one start for both runs: the violent soft-potential start of ka2d_start.lmp amplifies the
# last-bit differences of the KOKKOS styles into another configuration (4Feb2025: E_IS of the first
# sample -3.766 plain, -3.657 with -k on)
load=()
[ "$PLUGIN" = builtin ] || load=("plugin load $PLUGIN")
"$LMP" -in <(printf '%s\n' "${load[@]}" "variable natoms index 400" \
  "variable seed index 7" "variable mlglass index $REPO" "variable minstyle index cg" \
  "include $REPO/examples/common/ka2d_start.lmp" "write_data $OUT/start.data nocoeff") \
  -log "$OUT/log.start" -screen none || { tail -20 "$OUT/log.start"; fail "start failed"; }
# both minimizers: min cg (the example's default) and min fire, each in the Kokkos execution space
# under the /kk fix
for min in cg fire; do
for mode in plain kokkos kokkos-t2; do
  run="$OUT/$min-$mode"
  mkdir -p "$run"
  args=()
  [ "$mode" = kokkos ] && args=(-k on -sf kk)
  [ "$mode" = kokkos-t2 ] && args=(-k on t 2 -sf kk)    # two OpenMP threads where Kokkos has them
  "$LMP" "${args[@]}" -in "$REPO/examples/monitor/in.monitor" -var mlglass "$REPO" \
    -var plugin "$PLUGIN" -var natoms 400 -var equil 100 -var ramp 400 -var min "$min" \
    -var nsample 4 -var start "$OUT/start.data" -var out "$run" -log "$run/log.lammps" -screen none \
    || { tail -20 "$run/log.lammps"; fail "$min $mode run failed"; }
done
grep -q "lj/cut/kk" "$OUT/$min-kokkos/log.lammps" || grep -q "pair_style.*kk" "$OUT/$min-kokkos/log.lammps" \
  || fail "the -k on run did not use a KOKKOS pair style"
if [ "$PLUGIN" = builtin ]; then    # in-tree ML-GLASS: -sf kk selected the /kk fix
  grep -q "^# fix is inherent/kk:" "$OUT/$min-kokkos/is.dat" || fail "the -k on -sf kk run did not use fix inherent/kk"
fi
# columns: step T_ramp E_IS components B-B_links isolated_A P(glass) glass_fraction
for mode in kokkos kokkos-t2; do
paste <(grep -v '^#' "$OUT/$min-plain/monitor.dat") <(grep -v '^#' "$OUT/$min-$mode/monitor.dat") | awk '
  function abs(a) { return a < 0 ? -a : a }
  { rows++
    if (NF != 16) { print "row " rows ": " NF " columns"; bad = 1; next }
    if ($1 != $9 || $2 != $10) { print "row " rows ": steps differ"; bad = 1 }
    for (c = 3; c <= 16; c += 8)
      if ($c > -3 || $c < -4.5 || $(c + 4) < 0 || $(c + 4) > 1 || $(c + 5) < 0 || $(c + 5) > 1) {
        print "row " rows ": values out of range: " $0; bad = 1 }
    if (rows == 1) {
      if (abs($3 - $11) > 1e-3 * abs($3)) { print "first sample: E_IS " $3 " vs " $11; bad = 1 }
      if (abs($7 - $15) > 1e-3) { print "first sample: P(glass) " $7 " vs " $15; bad = 1 }
      for (c = 4; c <= 6; c++)
        if (abs($c - $(c + 8)) > 2) { print "first sample: graph column " c ": " $c " vs " $(c + 8); bad = 1 }
    }
  }
  END { if (rows != 5) { print rows " rows, expected 5"; bad = 1 } exit bad }' \
  || fail "min $min: plain and $mode runs disagree"
done
done
echo "monitor_kokkos: ok (examples/monitor runs under -k on -sf kk, 1 and 2 threads; first sample equals the plain run's)"
