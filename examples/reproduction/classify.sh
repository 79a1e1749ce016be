#!/usr/bin/env bash
# Step 3 of the reproduction (REPRODUCTION.md), after datasets.sh: the classifiers.
#   cv      D-MPNN and CNN, 3-fold cross-validation on each dataset (the same group-aware folds:
#           runs are kept whole), the authors' default hyperparameters
#   cvbig   the same on windows of WINDOW_BIG (the largest of the paper's range)
#   cross   the 6 x 6 cross-dataset AUC matrix: per model and dataset, train on the runs of seeds
#           1..NTRAIN, evaluate on the other runs of every dataset (no configuration, and no run,
#           is in both)
#   window  window-size generalization: the D-MPNN of dataset 1 (trained on WINDOW) on windows
#           of WINDOW_BIG of the test runs
#   quench  the inherent structure (fix inherent, min cg) of every configuration of the six
#           datasets, with per-atom energies (in.quench_frames), into OUT/quenched/<run>/is.dump
#   isds6   D-MPNN and CNN 3-fold cross-validation on dataset 6 made of the quenched configurations
#   baseline  per-window mean potential energy as the only feature (baseline.py), on the test runs;
#           also per-window mean inherent-structure energy when the quench step ran
#   attention the attention D-MPNN on dataset 1 (train runs), its AUC and the three high-attention
#           graph metrics with their Wilcoxon tests on the test runs (mlglass attention)
#   shipped the shipped model (potentials/ka2d-dmpnn.pt) and COMPARE_MODEL (if set) on the test
#           runs of the six datasets
#   hyperopt  the nested 3-fold cross-validation with TPE of each of HYPEROPT_MODELS (the paper's
#           model selection: TRIALS configurations of TRIAL_EPOCHS epochs per outer fold), on
#           HYPEROPT_DATASETS
#   bash examples/reproduction/classify.sh [cv] [cvbig] [cross] [window] [quench] [isds6] [baseline]
#        [attention] [shipped] [hyperopt]   (default: all)
# Scale (environment): WINDOW=12 (distance units: the paper's 0.2 of a 60-sigma box, ~173
# particles), WINDOW_BIG=18, EPOCHS=30, NTRAIN=5 (of the 8 seeds), THREADS=1, MODELS="dmpnn cnn",
# TRIALS=15, TRIAL_EPOCHS=10, HYPEROPT_DATASETS="6 4 5 1 2 3" (the hard ones first),
# HYPEROPT_MODELS="dmpnn cnn" (per dataset the D-MPNN's search, then the CNN's),
# HYPEROPT_WINDOWS="0.2 0.6 0.1" (min, max, step as fractions of this 30-sigma box: the paper's
# 0.1-0.3 of its 60-sigma box, the same 6-18 sigma), HIDDEN_MAX=600 (the paper's 2400: compute),
# COMPARE_MODEL (unset); SCALE=paper (scale.sh) sets NTRAIN=30 (of 48 seeds), HIDDEN_MAX=2400 and
# HYPEROPT_WINDOWS for the paper's 60-sigma box.
# Output: OUT/classify/. Finished steps are not repeated (delete their directory to redo them).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
OUT=${OUT:-$ROOT/examples/reproduction/out}
A="$OUT/analysis"
C="$OUT/classify"
WINDOW=${WINDOW:-12}
WINDOW_BIG=${WINDOW_BIG:-18}
EPOCHS=${EPOCHS:-30}
THREADS=${THREADS:-1}
MODELS=${MODELS:-dmpnn cnn}
MLGLASS=${MLGLASS:-$ROOT/build/mlglass/mlglass}
PY=${MLGLASS_PYTHON:-/usr/bin/python3}
TRIALS=${TRIALS:-15}
TRIAL_EPOCHS=${TRIAL_EPOCHS:-10}
HYPEROPT_DATASETS=${HYPEROPT_DATASETS:-6 4 5 1 2 3}
HYPEROPT_MODELS=${HYPEROPT_MODELS:-dmpnn cnn}
source "$ROOT/examples/reproduction/scale.sh"   # SCALE=here|paper: NATOMS, ramps, runs, ...
read -r WMIN WMAX WSTEP <<< "$HYPEROPT_WINDOWS"
STEPS=${*:-cv cvbig cross window quench isds6 baseline attention shipped hyperopt}
LMP=${LMP:-$ROOT/build/lammps/lmp}
PLUGIN=${PLUGIN:-$ROOT/build/mlglass/mlglassplugin.so}
mkdir -p "$C"
[ -f "$A/ds6.csv" ] || { echo "classify.sh: run datasets.sh first" >&2; exit 1; }
common=(--window-units distance --epochs "$EPOCHS" --threads "$THREADS" --quiet)   # and --window

# train/test manifests by run: seeds 1..NTRAIN train, the others test
split() {  # ds (once: a second classify.sh may be reading them)
  [ -f "$C/$1-test.csv" ] && return
  awk -F, -v n="$NTRAIN" -v out="$C/$1" 'NR == 1 {print > out "-train.csv"; print > out "-test.csv"; next}
    {s = $5; sub(/^seed-/, "", s); print > (out ((s + 0 <= n) ? "-train.csv" : "-test.csv"))}' "$A/$1.csv"
  # the manifests' file paths are relative to their directory: analysis/ -> classify/
  sed -i "2,\$s|^|../analysis/|" "$C/$1-train.csv" "$C/$1-test.csv"
}
auc_of() { grep -E '^AUC' | head -1 | awk '{print $2}'; }
acc_of() { grep -E '^accuracy' | head -1 | awk '{print $2}'; }
# cv MODEL MANIFEST NAME [SIDE]: 3-fold cross-validation on windows of SIDE (default WINDOW) into
# $C/cv-MODEL-NAME (once)
cv() {
  local dir="$C/cv-$1-$3"
  [ -f "$dir/cv.json" ] && return
  echo "classify.sh: cv $1 $3"
  "$MLGLASS" cv --manifest "$2" --out "$dir" --folds 3 --model "$1" --window "${4:-$WINDOW}" "${common[@]}" \
    --overwrite > "$dir.log" 2>&1 || { echo "classify.sh: cv $1 $3 failed: $dir.log" >&2; exit 1; }
  tail -4 "$dir.log" | head -2
}
# the folder of a run's quenched configurations (quench step): OUT/quenched/<the run's directory
# relative to OUT, / as ->, e.g. OUT/quenched/slow-seed-3 for OUT/slow/seed-3/traj.dump
quenched_dir() { echo "$OUT/quenched/$(realpath --relative-to="$OUT" "$(dirname "$1")" | tr / -)"; }

for step in $STEPS; do
  case $step in
  cv)
    for m in $MODELS; do
      for i in 1 2 3 4 5 6; do cv "$m" "$A/ds$i.csv" "ds$i"; done
    done ;;
  cvbig)
    # the same cross-validation with windows of WINDOW_BIG (the paper's largest, 0.3 of its box;
    # what the TPE search picked on dataset 6), the defaults otherwise
    for m in $MODELS; do
      for i in 1 2 3 4 5 6; do cv "$m" "$A/ds$i.csv" "ds$i-w$WINDOW_BIG" "$WINDOW_BIG"; done
    done ;;
  cross)
    for i in 1 2 3 4 5 6; do split "ds$i"; done
    for m in $MODELS; do
      for i in 1 2 3 4 5 6; do
        dir="$C/train-$m-ds$i"
        if [ ! -f "$dir/best.pt" ]; then
          echo "classify.sh: train $m on ds$i (seeds 1-$NTRAIN)"
          "$MLGLASS" train --manifest "$C/ds$i-train.csv" --out "$dir" --model "$m" --window "$WINDOW" "${common[@]}" \
            --overwrite --no-plot > "$dir.log" 2>&1 || { echo "classify.sh: train failed: $dir.log" >&2; exit 1; }
        fi
      done
      : > "$C/cross-$m.csv"
      for i in 1 2 3 4 5 6; do
        row="ds$i"
        for j in 1 2 3 4 5 6; do
          row="$row,$("$MLGLASS" eval --model "$C/train-$m-ds$i/best.pt" --manifest "$C/ds$j-test.csv" \
                      --windows 4 --threads "$THREADS" | auc_of)"
        done
        echo "$row" | tee -a "$C/cross-$m.csv"
      done
    done ;;
  window)
    for j in 1 6; do
      for w in "$WINDOW" "$WINDOW_BIG"; do
        echo "window: dmpnn trained on ds1 at $WINDOW, ds$j test runs at $w: AUC" \
             "$("$MLGLASS" eval --model "$C/train-dmpnn-ds1/best.pt" --manifest "$C/ds$j-test.csv" \
                --windows 4 --window "$w" --threads "$THREADS" | auc_of)"
      done
    done | tee "$C/window.txt" ;;
  quench)
    for i in 1 2 3 4 5 6; do split "ds$i"; done
    Q="$OUT/quenched"
    mkdir -p "$Q"
    # the distinct (dump, timestep) pairs of all manifests, one steps file per run
    tail -q -n +2 "$C"/ds?-train.csv "$C"/ds?-test.csv | cut -d, -f1,2 | sort -u |
      while IFS=, read -r file step; do
        tmp=$(quenched_dir "$C/$file").tmp
        mkdir -p "$tmp"
        realpath "$C/$file" > "$tmp/dump"
        echo "$step" >> "$tmp/steps.txt"
      done
    for tmp in "$Q"/*.tmp; do
      run=$(basename "$tmp" .tmp)
      if [ -f "$Q/$run/is.dump" ]; then rm -rf "$tmp"; continue; fi
      sort -n -u "$tmp/steps.txt" -o "$tmp/steps.txt"
      echo "classify.sh: quench $(wc -l < "$tmp/steps.txt") frames of $run"
      "$LMP" -in "$ROOT/examples/reproduction/in.quench_frames" -var plugin "$PLUGIN" \
        -var mlglass "$ROOT" -var dump "$(cat "$tmp/dump")" -var steps "$tmp/steps.txt" \
        -var out "$tmp/is.dump" -log "$tmp/log.lammps" -screen none ||
        { echo "classify.sh: quench of $run failed: $tmp/log.lammps" >&2; exit 1; }
      sed -i 's/^ITEM: ATOMS id type f_is\[1\] f_is\[2\] f_is\[4\]$/ITEM: ATOMS id type x y f_is[4]/' "$tmp/is.dump"
      rm -rf "$Q/$run" && mv "$tmp" "$Q/$run"    # complete runs only
    done ;;
  isds6)
    # dataset 6 on inherent structures: the same configurations, labels and runs, quenched (the
    # quench step), so that neither class carries its temperature in its vibrations
    [ -d "$OUT/quenched" ] || { echo "classify.sh: run the quench step first" >&2; exit 1; }
    {
      head -1 "$A/ds6.csv"
      tail -n +2 "$A/ds6.csv" | while IFS=, read -r file rest; do
        echo "$(quenched_dir "$A/$file")/is.dump,$rest"
      done
    } > "$C/ds6-is.csv"
    for m in $MODELS; do cv "$m" "$C/ds6-is.csv" ds6-is; done ;;
  baseline)
    "$PY" "$ROOT/examples/reproduction/baseline.py" "$C" "$WINDOW" "$NTRAIN" | tee "$C/baseline.txt" ;;
  attention)
    dir="$C/train-attention-ds1"
    if [ ! -f "$dir/best.pt" ]; then
      "$MLGLASS" train --manifest "$C/ds1-train.csv" --out "$dir" --attention --window "$WINDOW" "${common[@]}" \
        --overwrite --no-plot > "$dir.log" 2>&1 || { echo "classify.sh: train failed: $dir.log" >&2; exit 1; }
    fi
    echo "attention: AUC on the ds1 test runs" \
         "$("$MLGLASS" eval --model "$dir/best.pt" --manifest "$C/ds1-test.csv" --windows 4 | auc_of)" \
      | tee "$C/attention.txt"
    "$MLGLASS" attention --model "$dir/best.pt" --manifest "$C/ds1-test.csv" --out "$C/attention" \
      --windows 4 | tee -a "$C/attention.txt" ;;
  shipped)
    # the shipped model (potentials/ka2d-dmpnn.pt, tools/make-shipped-model.sh: trained on the
    # slow runs of seeds 1-5) and, if set, COMPARE_MODEL (another model file, e.g. an older shipped
    # one) on the test runs of the six datasets: AUC and accuracy at P = 0.5 into shipped.csv
    for i in 1 2 3 4 5 6; do split "ds$i"; done
    h="model" a=""
    for j in 1 2 3 4 5 6; do h="$h,ds${j}_auc" a="$a,ds${j}_accuracy"; done
    echo "$h$a" > "$C/shipped.csv"
    models=(shipped:"$ROOT/potentials/ka2d-dmpnn.pt")
    [ -n "${COMPARE_MODEL:-}" ] && models+=(compared:"$COMPARE_MODEL")
    for model in "${models[@]}"; do
      aucs="" accs=""
      for j in 1 2 3 4 5 6; do
        r=$("$MLGLASS" eval --model "${model#*:}" --manifest "$C/ds$j-test.csv" --windows 4 --threads "$THREADS")
        aucs="$aucs,$(echo "$r" | auc_of)"
        accs="$accs,$(echo "$r" | acc_of)"
      done
      echo "${model%%:*}$aucs$accs" >> "$C/shipped.csv"
    done
    cat "$C/shipped.csv" ;;
  hyperopt)
    for i in $HYPEROPT_DATASETS; do
    for m in $HYPEROPT_MODELS; do
      dir="$C/hyperopt-$m-ds$i"
      [ -f "$dir/hyperopt.json" ] && continue
      echo "classify.sh: hyperopt $m ds$i ($TRIALS trials x $TRIAL_EPOCHS epochs per outer fold)"
      mkdir -p "$dir"
      resume=(--overwrite)
      [ -d "$dir/outer-0" ] && resume=(--resume)    # an interrupted search continues
      "$MLGLASS" hyperopt --manifest "$A/ds$i.csv" --out "$dir" --model "$m" --outer-folds 3 \
        --trials "$TRIALS" --epochs "$TRIAL_EPOCHS" --search tpe --window-min "$WMIN" \
        --window-max "$WMAX" --window-step "$WSTEP" --hidden-max "$HIDDEN_MAX" \
        --threads "$THREADS" --quiet "${resume[@]}" >> "$dir.log" 2>&1 ||
        { echo "classify.sh: hyperopt $m ds$i failed: $dir.log" >&2; exit 1; }
      tail -4 "$dir.log" | head -2
    done
    done ;;
  *) echo "classify.sh: unknown step $step (cv, cvbig, cross, window, quench, isds6, baseline, attention, shipped, hyperopt)" >&2; exit 2 ;;
  esac
done
