#!/usr/bin/env python3
"""Plot compute bgraph metrics against temperature from a `fix ave/time` file.

Usage: plot_bgraph.py DATA PNG [--tcol N] [--mcol N]

DATA: whitespace columns, '#' comments. --tcol is the 1-based column of the temperature
(default 2), --mcol the column of c_bg[1] (components; default 3), followed by c_bg[2] (B-B links)
and c_bg[3] (isolated A). examples/cooling/in.cooling writes step, T_ramp, T, c_bg[1..6]:
use --tcol 2 --mcol 4.
"""
import argparse
import sys

import numpy as np
from mlglass_plot import pyplot, save_png

plt = pyplot("plot_bgraph.py")

NAMES = ["components", "B-B links", "isolated A"]


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("data")
    ap.add_argument("png")
    ap.add_argument("--tcol", type=int, default=2)
    ap.add_argument("--mcol", type=int, default=3)
    a = ap.parse_args()
    try:
        data = np.loadtxt(a.data, comments="#", ndmin=2)
    except (OSError, ValueError) as err:
        sys.exit(f"plot_bgraph.py: cannot read {a.data}: {err}")
    need = max(a.tcol, a.mcol + 2)
    if data.shape[0] == 0 or data.shape[1] < need:
        sys.exit(f"plot_bgraph.py: {a.data} has {data.shape[1]} columns, need {need} "
                 f"(--tcol {a.tcol}, --mcol {a.mcol})")
    temp = data[:, a.tcol - 1]
    fig, axes = plt.subplots(1, 3, figsize=(12, 3.6), constrained_layout=True)
    for k, ax in enumerate(axes):
        ax.plot(temp, data[:, a.mcol - 1 + k], "o-", ms=3)
        ax.set_xlabel("T")
        ax.set_title(NAMES[k])
    fig.suptitle("B-particle graph metrics along cooling (compute bgraph)")
    save_png(fig, a.png, "plot_bgraph.py")
    print(f"wrote {a.png}")


if __name__ == "__main__":
    main()
