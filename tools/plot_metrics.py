#!/usr/bin/env python3
"""Plot the structural metrics of `mlglass metrics` against temperature with the kink fit.

Usage: plot_metrics.py FRAMES_CSV SUMMARY_JSON PNG

FRAMES_CSV is the per-frame output (-o) of mlglass metrics, SUMMARY_JSON its --json summary (with
--tg). One row of panels per link rule, one column per metric (components, B-B links, isolated
A): every frame as a point, the fitted line below T_g (b0 + b1 T) and above it
((b0 + b2) + (b1 + b3) T), T_g as a dashed line, b3 and its one-sided p-value in the title. The
PNG is written under a temporary name and renamed: complete or absent.
"""
import csv
import json
import sys

from mlglass_plot import pyplot, save_png

plt = pyplot("plot_metrics.py")
LABELS = {"components": "components", "bb_links": "B-B links", "isolated_a": "isolated A"}


def fail(msg):
    sys.exit(f"plot_metrics.py: error: {msg}")


def main(argv):
    if len(argv) != 4:
        sys.exit(__doc__)
    try:
        with open(argv[2]) as f:
            summary = json.load(f)
        with open(argv[1], newline="") as f:
            rows = list(csv.DictReader(f))
    except (OSError, ValueError) as err:
        fail(str(err))
    tg = summary.get("tg")
    if tg is None:
        fail(f"{argv[2]}: no T_g (run mlglass metrics with --tg)")
    rules = []
    for r in rows:
        if r["rule"] not in rules:
            rules.append(r["rule"])
    if not rules:
        fail(f"{argv[1]}: no frames")
    fits = {(k["rule"], k["metric"]): k for k in summary.get("kink", [])}
    fig, axes = plt.subplots(len(rules), 3, figsize=(13, 3.8 * len(rules)), squeeze=False,
                             constrained_layout=True)
    for i, rule in enumerate(rules):
        sel = [r for r in rows if r["rule"] == rule]
        temp = [float(r["temperature"]) for r in sel]
        for j, metric in enumerate(LABELS):
            ax = axes[i][j]
            ax.plot(temp, [float(r[metric]) for r in sel], ".", ms=3, alpha=0.5, color="0.4")
            ax.axvline(tg, color="grey", ls="--", lw=1)
            k = fits.get((rule, metric), {})
            fit = k.get("fit")
            if fit:
                b0, b1, b2, b3 = fit["beta"]
                lo, hi = min(temp), max(temp)
                ax.plot([lo, tg], [b0 + b1 * lo, b0 + b1 * tg], color="tab:blue", lw=2,
                        label="T <= T_g")
                ax.plot([tg, hi], [b0 + b2 + (b1 + b3) * tg, b0 + b2 + (b1 + b3) * hi],
                        color="tab:red", lw=2, label="T > T_g")
                ax.set_title(f"{rule}: b3 = {b3:.3g}, p(b3 > 0) = {fit['p_b3_greater']:.2g}",
                             fontsize=9)
                ax.legend(fontsize=8)
            else:
                ax.set_title(f"{rule}: not fitted", fontsize=9)
            ax.set_xlabel("T")
            ax.set_ylabel(LABELS[metric])
    save_png(fig, argv[3], "plot_metrics.py")


if __name__ == "__main__":
    main(sys.argv)
