#!/usr/bin/env python3
"""g(r) of the reproduction's classes (datasets.sh): averages the per-run LAMMPS compute rdf
outputs OUT/gr-<class>.<run>.tmp (the last, running-average block of each) into gr-<class>.dat
(r, g_all, g_AA, g_AB, g_BB) and draws gr.png: each dataset's glass and liquid.
  plot_gr.py ANALYSIS_DIR "T1 T2 T3 T4 T5 T6"
"""
import glob
import os
import sys

import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np


def last_block(path):
    rows = [l.split() for l in open(path) if not l.startswith("#")]
    return np.array([r for r in rows if len(r) == 10][-250:], dtype=float)  # 250 bins (in.rdf)


def main():
    a, temps = sys.argv[1], sys.argv[2].split()
    curves = {}
    for cls in ["glass-slow", "glass-fast"] + [f"liquid-{i}" for i in range(1, 7)]:
        parts = sorted(glob.glob(f"{a}/gr-{cls}.*.tmp"))
        if not parts:
            continue
        blocks = [last_block(p) for p in parts]
        g = np.mean([b[:, [2, 4, 6, 8]] for b in blocks], axis=0)
        r = blocks[0][:, 1]
        np.savetxt(f"{a}/gr-{cls}.dat", np.column_stack([r, g]), fmt="%.6g",
                   header=f"r g_all g_AA g_AB g_BB, mean of {len(parts)} runs")
        for p in parts:
            os.remove(p)
        curves[cls] = (r, g)
    fig, axes = plt.subplots(2, 3, figsize=(13, 7), sharex=True)
    for i, ax in enumerate(axes.flat):
        glass = "glass-fast" if i == 5 else "glass-slow"
        for cls, label in ((glass, f"glass ({glass.split('-')[1]}, T = 0.05)"),
                           (f"liquid-{i + 1}", f"liquid (slow, T = {temps[i]})")):
            if cls in curves:
                ax.plot(curves[cls][0], curves[cls][1][:, 0], label=label)
        ax.set_title(f"dataset {i + 1}")
        ax.set_xlim(0.5, 5.0)
        ax.legend(fontsize=8)
        if i >= 3:
            ax.set_xlabel("r")
    axes[0][0].set_ylabel("g(r)")
    axes[1][0].set_ylabel("g(r)")
    fig.tight_layout()
    fig.savefig(f"{a}/gr.png", dpi=110)


if __name__ == "__main__":
    main()
