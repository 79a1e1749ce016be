#!/usr/bin/env python3
"""Plot a ROC curve written by `mlglass eval --roc` (columns threshold,fpr,tpr).

Usage: plot_roc.py ROC_CSV PNG [--title TEXT]

The AUC in the legend is the trapezoid area under the points (what mlglass eval prints, up to
rounding). The PNG is written under a temporary name and renamed.
"""
import argparse
import csv
import os
import sys
import textwrap

from mlglass_plot import pyplot, save_png

plt = pyplot("plot_roc.py")


def fail(msg):
    sys.exit(f"plot_roc.py: error: {msg}")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("csv")
    ap.add_argument("png")
    ap.add_argument("--title", default="")
    a = ap.parse_args()
    fpr, tpr = [], []
    try:
        with open(a.csv, newline="") as f:
            reader = csv.DictReader(f)
            if not reader.fieldnames or not {"fpr", "tpr"} <= set(reader.fieldnames):
                fail(f"{a.csv}: not a ROC CSV of mlglass eval (header {reader.fieldnames})")
            for line, row in enumerate(reader, start=2):
                try:
                    fpr.append(float(row["fpr"]))
                    tpr.append(float(row["tpr"]))
                except (TypeError, ValueError):
                    fail(f"{a.csv}:{line}: fpr/tpr not numbers")
    except OSError as err:
        fail(f"cannot read {a.csv}: {err}")
    if len(fpr) < 2:
        fail(f"{a.csv}: fewer than two ROC points")
    pts = sorted(zip(fpr, tpr))
    auc = sum((x1 - x0) * (y0 + y1) / 2 for (x0, y0), (x1, y1) in zip(pts, pts[1:]))
    fig, ax = plt.subplots(figsize=(4.8, 4.5))
    ax.plot([0, 1], [0, 1], ls=":", color="0.6", lw=0.8)
    ax.plot([p[0] for p in pts], [p[1] for p in pts], "-", color="C0", label=f"AUC {auc:.3f}")
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1.01)
    ax.set_xlabel("false positive rate (liquid called glass)")
    ax.set_ylabel("true positive rate (glass called glass)")
    # a long title (a path) is wrapped, not cut at the figure's edge
    title = a.title or f"ROC: {os.path.basename(a.csv)}"
    ax.set_title("\n".join(textwrap.wrap(title, 48)), fontsize=9)
    ax.legend(loc="lower right")
    ax.grid(alpha=0.3)
    fig.tight_layout()
    save_png(fig, a.png, "plot_roc.py")
    plt.close(fig)


if __name__ == "__main__":
    main()
