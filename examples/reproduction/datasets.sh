#!/usr/bin/env bash
# Step 2 of the reproduction (REPRODUCTION.md), after cool.sh: from the cooling runs
#   - T_g of each cooling rate (mlglass tg on E_IS(T) of all its runs),
#   - dataset 6's liquid temperature T*: where the slow liquid's E_IS equals the fast glass' (eis_match.py),
#   - the six labelled manifests (mlglass dataset): glass = slow runs at T = 0.05 (1-5) or fast runs
#     at T = 0.05 (6); liquid = slow runs within TOL of 1.99, 1.76, 0.96, 0.55, 0.44 (1-5) or T* (6),
#   - g(r) of every class (LAMMPS compute rdf over the dumped frames, in.rdf),
#   - the B-graph metrics against T with the kink regression at T_g and the glass/liquid Wilcoxon
#     tests, both link rules (mlglass metrics on the slow runs).
#   bash examples/reproduction/datasets.sh        (the same SCALE, or ramps, as cool.sh)
# Output: OUT/analysis/ (tg-*.json/png, eis_match.json, ds1..ds6.csv, gr-*.dat, gr.png, metrics-*).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
OUT=${OUT:-$ROOT/examples/reproduction/out}
source "$ROOT/examples/reproduction/scale.sh"   # SCALE=here|paper: NATOMS, ramps, runs, ...
TOL=${TOL:-0.01}                 # liquid frames: |T - T_dataset| <= TOL
GLASS_EVERY=${GLASS_EVERY:-4}    # every 4th glass frame (the hold dumps 100 per run)
MLGLASS=${MLGLASS:-$ROOT/build/mlglass/mlglass}
LMP=${LMP:-$ROOT/build/lammps/lmp}
PY=${MLGLASS_PYTHON:-/usr/bin/python3}
A="$OUT/analysis"
mkdir -p "$A"
runs() { for d in "$OUT/$1"/seed-*; do [ -f "$d/done" ] && echo "$d/traj.dump"; done; }
mapfile -t SLOW < <(runs slow)
mapfile -t FAST < <(runs fast)
[ ${#SLOW[@]} -ge 3 ] && [ ${#FAST[@]} -ge 3 ] || { echo "datasets.sh: run cool.sh first" >&2; exit 1; }
echo "datasets.sh: ${#SLOW[@]} slow and ${#FAST[@]} fast runs"

# T_g per rate from every E_IS sample of its runs (T <= 1.2: supercooled liquid and glass)
for rate in slow fast; do
  for d in "$OUT/$rate"/seed-*; do [ -f "$d/done" ] && grep -v '^#' "$d/eis.dat"; done > "$A/eis-$rate.dat"
  "$MLGLASS" tg "$A/eis-$rate.dat" --temp-col 2 --energy-col 3 --tmax 1.2 \
    --json "$A/tg-$rate.json" --plot "$A/tg-$rate.png" | tail -1
done
"$PY" "$ROOT/examples/reproduction/eis_match.py" "$OUT" "$A/eis_match.json"
TSTAR=$("$PY" -c "import json; print(round(json.load(open('$A/eis_match.json'))['t_star'], 3))")
TG=$("$PY" -c "import json; print(json.load(open('$A/tg-slow.json'))['tg'])")
echo "datasets.sh: T* = $TSTAR (dataset 6 liquid), slow T_g = $TG"

# manifests: one class each, then the six datasets
label() {  # name ramp glass|T dumps...
  local name=$1 ramp=$2 rule=$3; shift 3
  if [ "$rule" = glass ]; then
    "$MLGLASS" dataset "$@" --ramp 2.0 0.05 "$ramp" --glass-max 0.05 --every "$GLASS_EVERY" \
      --allow-one-class -o "$A/$name.csv" | tail -1
  else
    "$MLGLASS" dataset "$@" --ramp 2.0 0.05 "$ramp" --liquid "$rule" --liquid-tol "$TOL" \
      --allow-one-class -o "$A/$name.csv" | tail -1
  fi
}
label glass-slow "$SLOW_RAMP" glass "${SLOW[@]}"
label glass-fast "$FAST_RAMP" glass "${FAST[@]}"
TEMPS=(1.99 1.76 0.96 0.55 0.44 "$TSTAR")
for i in 0 1 2 3 4 5; do label "liquid-$((i + 1))" "$SLOW_RAMP" "${TEMPS[$i]}" "${SLOW[@]}"; done
for i in 1 2 3 4 5 6; do
  glass=glass-slow; [ $i = 6 ] && glass=glass-fast
  { cat "$A/$glass.csv"; tail -n +2 "$A/liquid-$i.csv"; } > "$A/ds$i.csv"
  echo "ds$i: $(tail -n +2 "$A/ds$i.csv" | awk -F, '{n[$3]++} END {print n[1] " glass, " n[0] " liquid"}')" \
       "(liquid T = ${TEMPS[$((i - 1))]} +- $TOL)"
done

# g(r) per class, averaged over every run's frames in the class' temperature window
step_of() { "$PY" -c "print(int(round((2.0 - $1) * $2 / 1.95 / 1000)) * 1000)"; }
rdf() {  # name ramp first last dumps...
  local name=$1 ramp=$2 first=$3 last=$4; shift 4
  local k=0
  for dump in "$@"; do
    "$LMP" -in "$ROOT/examples/reproduction/in.rdf" -log none -screen none -var dump "$dump" \
      -var first "$first" -var last "$last" -var out "$A/gr-$name.$k.tmp"
    k=$((k + 1))
  done
}
rdf glass-slow "$SLOW_RAMP" "$SLOW_RAMP" 999999999 "${SLOW[@]}"
rdf glass-fast "$FAST_RAMP" "$FAST_RAMP" 999999999 "${FAST[@]}"
for i in 0 1 2 3 4 5; do
  T=${TEMPS[$i]}
  hi=$("$PY" -c "print(min(2.0, $T + $TOL))"); lo=$("$PY" -c "print($T - $TOL)")
  rdf "liquid-$((i + 1))" "$SLOW_RAMP" "$(step_of "$hi" "$SLOW_RAMP")" "$(step_of "$lo" "$SLOW_RAMP")" "${SLOW[@]}"
done
"$PY" "$ROOT/examples/reproduction/plot_gr.py" "$A" "${TEMPS[*]}"

# B-graph metrics against T: the kink at the slow T_g, and glass (T = 0.05) against the liquid of
# each dataset, paired by run
for i in 0 1 2 3 4; do
  "$MLGLASS" metrics "${SLOW[@]}" --ramp 2.0 0.05 "$SLOW_RAMP" --tg "$TG" --glass-max 0.05 \
    --liquid "${TEMPS[$i]}" --liquid-tol "$TOL" -o "$A/metrics.csv" --json "$A/metrics-ds$((i + 1)).json" \
    $([ $i = 4 ] && echo --plot "$A/metrics.png") | tail -2
done
echo "datasets.sh: done, $A"
