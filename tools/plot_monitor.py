#!/usr/bin/env python3
"""Plot an in-situ monitoring run (examples/monitor) against temperature, in one PNG.

Usage: plot_monitor.py MONITOR_DAT TG_JSON PNG

MONITOR_DAT is the `fix ave/time` file of examples/monitor/in.monitor; its header line
"# TimeStep v_Tramp f_is c_bg[1] c_bg[2] c_bg[3] c_cls c_cls[5]" names the columns, which are
found by name (v_Tramp, f_is, c_bg[1..3], c_cls; c_cls[5] optional). TG_JSON is what
`mlglass tg --json` wrote for the same file (or "-" for no T_g). Six panels in a 2x3 grid: E_IS per
particle with the two fitted lines and T_g, components, B-B links, isolated A, the mean P(glass)
over the windows, and the fraction of windows with P(glass) > 0.5 (left empty without c_cls[5]),
T_g marked on each. Several runs may follow each other in MONITOR_DAT (files concatenated, each
with its header): each is drawn as its own line. The PNG is written under a temporary name and
renamed: complete or absent.
"""
import json
import sys

import numpy as np
from mlglass_plot import pyplot, save_png

plt = pyplot("plot_monitor.py")

COLUMNS = [("f_is", "E_IS per particle"), ("c_bg[1]", "components"), ("c_bg[2]", "B-B links"),
           ("c_bg[3]", "isolated A"), ("c_cls", "mean P(glass)"),
           ("c_cls[5]", "windows with P(glass) > 0.5")]
OPTIONAL = {"c_cls[5]"}


def fail(msg):
    sys.exit(f"plot_monitor.py: error: {msg}")


def read_monitor(path):
    try:
        with open(path) as f:
            lines = f.read().splitlines()
    except OSError as err:
        fail(f"cannot read {path}: {err}")
    header = [l for l in lines if l.startswith("# TimeStep")]
    if not header:
        fail(f"{path}: no '# TimeStep ...' header line (not a fix ave/time file)")
    names = header[-1][1:].split()
    rows, runs, run = [], [], 0
    for n, line in enumerate(lines, 1):
        if line.startswith("# TimeStep") and rows:
            run += 1    # the header of the next concatenated run
        if not line.strip() or line.startswith("#"):
            continue
        fields = line.split()
        if len(fields) != len(names):
            fail(f"{path}:{n}: {len(fields)} columns, the header names {len(names)}")
        try:
            rows.append([float(v) for v in fields])
            runs.append(run)
        except ValueError:
            fail(f"{path}:{n}: non-numeric value")
    if not rows:
        fail(f"{path}: no data lines")
    data = np.array(rows)
    for need in ["v_Tramp"] + [c for c, _ in COLUMNS if c not in OPTIONAL]:
        if need not in names:
            fail(f"{path}: no column '{need}' in the header ({' '.join(names)})")
    cols = {name: data[:, i] for i, name in enumerate(names)}
    cols["run"] = np.array(runs)
    return cols


def main(argv):
    if len(argv) != 4:
        sys.exit(__doc__)
    cols = read_monitor(argv[1])
    tg = None
    if argv[2] != "-":
        try:
            with open(argv[2]) as f:
                tg = json.load(f)
        except (OSError, ValueError) as err:
            fail(f"cannot read {argv[2]}: {err}")
    temp = cols["v_Tramp"]
    fig, grid = plt.subplots(2, 3, figsize=(13, 7.5), constrained_layout=True)
    axes = grid.ravel()
    for ax, (name, label) in zip(axes, COLUMNS):
        if name not in cols:
            ax.set_axis_off()
            continue
        for r in np.unique(cols["run"]):
            sel = cols["run"] == r
            ax.plot(temp[sel], cols[name][sel], "o-", ms=3, lw=0.8, label=label if r == 0 else None)
        ax.set_xlabel("T (ramp)")
        ax.set_ylabel(label)
        if tg is not None and tg.get("tg") is not None:
            ax.axvline(tg["tg"], color="grey", ls="--", lw=1)
    if tg is not None and tg.get("tg") is not None:
        ax = axes[0]
        for part, colour in (("glass", "tab:blue"), ("liquid", "tab:red")):
            fit = tg[part]
            t = np.linspace(min(temp), max(temp), 50)
            ax.plot(t, fit["intercept"] + fit["slope"] * t, color=colour, lw=1, label=f"{part} fit")
        ax.set_title(f"T_g = {tg['tg']:.3f} [{tg['tg_lo']:.2f}, {tg['tg_hi']:.2f}]")
        ax.set_ylim(min(cols["f_is"]) - 0.02, max(cols["f_is"]) + 0.02)
        ax.legend(fontsize=8)
    for ax in axes[4:]:
        ax.set_ylim(-0.05, 1.05)
    save_png(fig, argv[3], "plot_monitor.py")


if __name__ == "__main__":
    main(sys.argv)
