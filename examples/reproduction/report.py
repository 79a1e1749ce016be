#!/usr/bin/env python3
"""The reproduction's numbers as Markdown (the tables of REPRODUCTION.md), from the outputs of
cool.sh, datasets.sh and classify.sh under OUT (default examples/reproduction/out). Missing
steps are reported as 'not run'.
  report.py [OUT]
"""
import csv
import glob
import json
import os
import sys

import numpy as np
from scipy import stats

OUT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "out")
A, C = f"{OUT}/analysis", f"{OUT}/classify"


def load(path):
    try:
        return json.load(open(path))
    except (OSError, ValueError):
        return None


def section(title):
    print(f"\n### {title}\n")


def present(path):
    """True if the step's output exists; otherwise the section says so."""
    if os.path.exists(path):
        return True
    print("not run")
    return False


def mean_std(j, key="auc"):
    return f"{j[key]['mean']:.3f} ± {j[key]['std']:.3f}" if j else "not run"


def runs():
    section("Runs")
    for rate in ("slow", "fast"):
        done = sorted(glob.glob(f"{OUT}/{rate}/seed-*/done"))
        secs = [float(open(d).read().split(",")[-1].split()[0]) for d in done]
        print(f"- {rate}: {len(done)} runs, {sum(secs) / 3600:.2f} core-hours"
              f" ({open(done[0]).read().split(':')[1].split(',')[0].strip() if done else ''})")


def tg():
    section("T_g and the E_IS match of dataset 6")
    for rate in ("slow", "fast"):
        j = load(f"{A}/tg-{rate}.json")
        if j:
            print(f"- T_g ({rate}): {j['tg']:.3f}, 95 % interval [{j['tg_lo']:.3f}, {j['tg_hi']:.3f}]"
                  f"{'' if j['intersection_inside'] else ' (lines meet outside the data)'}")
    m = load(f"{A}/eis_match.json")
    if m:
        print(f"- E_IS per particle at T = 0.05: slow glass {m['slow_glass_eis']:.4f} ± "
              f"{m['slow_glass_eis_sem']:.4f}, fast glass {m['fast_glass_eis']:.4f} ± "
              f"{m['fast_glass_eis_sem']:.4f} (mean ± s.e. over runs)")
        print(f"- slow liquid with the fast glass' E_IS: T* = {m['t_star']:.3f}, 95 % interval "
              f"[{m['t_star_ci95'][0]:.3f}, {m['t_star_ci95'][1]:.3f}]")


def datasets():
    section("Datasets")
    print("| dataset | glass | liquid |\n|---|---:|---:|")
    for i in range(1, 7):
        p = f"{A}/ds{i}.csv"
        if os.path.exists(p):
            rows = list(csv.DictReader(open(p)))
            g = [r for r in rows if r["label"] == "1"]
            l = [r for r in rows if r["label"] == "0"]
            tl = np.mean([float(r["temperature"]) for r in l])
            print(f"| {i} | {len(g)} (T = 0.05, {'fast' if i == 6 else 'slow'}) | {len(l)} (T = {tl:.3f}, slow) |")


def cv():
    section("3-fold cross-validation (same folds for both models), held-out AUC mean ± std")
    print("| dataset | D-MPNN AUC | CNN AUC | D-MPNN accuracy | CNN accuracy |\n|---|---:|---:|---:|---:|")
    for i in range(1, 7):
        cells = []
        for key in ("auc", "accuracy"):
            for m in ("dmpnn", "cnn"):
                cells.append(mean_std(load(f"{C}/cv-{m}-ds{i}/cv.json"), key))
        print(f"| {i} | " + " | ".join(cells) + " |")
    cells = []    # dataset 6 on inherent structures (classify.sh isds6)
    for key in ("auc", "accuracy"):
        for m in ("dmpnn", "cnn"):
            cells.append(mean_std(load(f"{C}/cv-{m}-ds6-is/cv.json"), key))
    print("| 6, inherent structures | " + " | ".join(cells) + " |")


def cvbig():
    sides = sorted({p.rsplit("-w", 1)[1] for p in glob.glob(f"{C}/cv-*-ds?-w*") if os.path.isdir(p)})
    side = sides[0] if sides else "WINDOW_BIG"   # classify.sh names them cv-MODEL-dsI-wSIDE
    section(f"The same 3-fold cross-validation on windows of {side} sigma (classify.sh cvbig), held-out AUC")
    print("| dataset | D-MPNN AUC | CNN AUC |\n|---|---:|---:|")
    for i in range(1, 7):
        print(f"| {i} | " + " | ".join(mean_std(load(f"{C}/cv-{m}-ds{i}-w{side}/cv.json"))
                                        for m in ("dmpnn", "cnn")) + " |")


SEARCHED = {"dmpnn": {"batch", "depth", "dropout", "ffn_layers", "hidden", "k", "window"},
            "cnn": {"batch", "conv1", "conv2", "dropout", "fc", "window"}}


def hyperopt():
    section("Nested 3-fold cross-validation with TPE (classify.sh hyperopt): held-out AUC per outer fold")
    print("| model | dataset | outer folds done | AUC per fold | mean ± std | chosen (window as a fraction of the 30-sigma box) |")
    print("|---|---:|---:|---|---|---|")
    for m in ("dmpnn", "cnn"):
        for i in range(1, 7):
            res = [load(p) for p in sorted(glob.glob(f"{C}/hyperopt-{m}-ds{i}/outer-*/result.json"))]
            res = [r for r in res if r]
            if not res:
                continue
            aucs = [r["test"]["auc"] for r in res]
            keys = SEARCHED[m]    # older reports also list fields the search did not vary
            chosen = "; ".join(", ".join(f"{k} {v:g}" for k, v in sorted(r["chosen"].items()) if k in keys)
                               for r in res)
            spread = f"{np.mean(aucs):.3f} ± {np.std(aucs):.3f}" if len(aucs) > 1 else "–"
            print(f"| {m} | {i} | {len(res)} of 3 | " + ", ".join(f"{a:.4f}" for a in aucs) +
                  f" | {spread} | {chosen} |")


def shipped():
    section("The shipped model, and COMPARE_MODEL if given (classify.sh shipped): test runs, AUC / accuracy at 0.5")
    p = f"{C}/shipped.csv"
    if not present(p):
        return
    rows = list(csv.DictReader(open(p)))
    print("| model | " + " | ".join(f"ds{i}" for i in range(1, 7)) + " |\n|---|" + "---:|" * 6)
    for r in rows:
        print(f"| {r['model']} | " + " | ".join(f"{float(r[f'ds{i}_auc']):.3f} / {float(r[f'ds{i}_accuracy']):.3f}"
                                                for i in range(1, 7)) + " |")


def cross():
    for m in ("dmpnn", "cnn"):
        p = f"{C}/cross-{m}.csv"
        section(f"Cross-dataset AUC, {m} (row: trained on, column: tested on; test runs only)")
        if not present(p):
            continue
        print("| trained on | " + " | ".join(f"ds{j}" for j in range(1, 7)) + " | mean off-diagonal |")
        print("|---|" + "---:|" * 7)
        for row in csv.reader(open(p)):
            vals = [float(v) for v in row[1:]]
            i = int(row[0][2:]) - 1
            off = np.mean([v for j, v in enumerate(vals) if j != i])
            print(f"| {row[0]} | " + " | ".join(f"{v:.3f}" for v in vals) + f" | {off:.3f} |")


def text(name, title):
    section(title)
    p = f"{C}/{name}"
    print("```\n" + (open(p).read().strip() if os.path.exists(p) else "not run") + "\n```")


def attention():
    section("Attention D-MPNN on dataset 1 (test runs): high-attention graph metrics per window")
    p = f"{C}/attention/windows.csv"
    if not present(p):
        return
    rows = list(csv.DictReader(open(p)))
    print("| metric | glass mean | liquid mean | one-sided Mann-Whitney p (liquid > glass) |\n|---|---:|---:|---:|")
    for m in ("components", "bb_links", "isolated_a"):
        g = [float(r[m]) for r in rows if r["label"] == "1"]
        l = [float(r[m]) for r in rows if r["label"] == "0"]
        p_val = stats.mannwhitneyu(l, g, alternative="greater").pvalue
        print(f"| {m} | {np.mean(g):.3f} | {np.mean(l):.3f} | {p_val:.2g} |")


def metrics():
    section("B-graph metrics: kink at the slow T_g (y = b0 + b1 T + b2 D + b3 T D) and glass/liquid tests")
    j = load(f"{A}/metrics-ds1.json")
    if not j:
        print("not run")
        return
    print(f"T_g = {j['tg']:.3f}\n")
    print("| rule | metric | b3 | s.e. | p (b3 > 0) | n frames |\n|---|---|---:|---:|---:|---:|")
    for k in j["kink"]:
        f = k["fit"]
        print(f"| {k['rule']} | {k['metric']} | {f['beta'][3]:.3g} | {f['se'][3]:.2g} | {f['p_b3_greater']:.2g} | {f['n']} |")
    print("\nOne-sided Wilcoxon signed-rank, liquid > glass, paired by run (p):\n")
    print("| rule | metric | " + " | ".join(f"ds{i}" for i in range(1, 6)) + " |\n|---|---|" + "---:|" * 5)
    tests = {}
    for i in range(1, 6):
        ji = load(f"{A}/metrics-ds{i}.json")
        for w in (ji or {}).get("wilcoxon", []):
            tests.setdefault((w["rule"], w["metric"]), {})[i] = w["test"]["p_greater"]
    for (rule, metric), ps in tests.items():
        print(f"| {rule} | {metric} | " + " | ".join(f"{ps.get(i, float('nan')):.3g}" for i in range(1, 6)) + " |")


if __name__ == "__main__":
    runs()
    tg()
    datasets()
    cv()
    cvbig()
    hyperopt()
    cross()
    text("window.txt", "Window-size generalization (D-MPNN trained on ds1 windows of 12 sigma)")
    text("baseline.txt", "Control: per-window and whole-configuration energy alone, potential (pe) and "
         "inherent-structure (eis) (AUC, test runs)")
    attention()
    shipped()
    metrics()
