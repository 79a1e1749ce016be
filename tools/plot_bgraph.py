#!/usr/bin/env python3
"""Plot compute bgraph metrics against temperature from a `fix ave/time` file.

Usage: plot_bgraph.py DATA PNG

DATA has the columns written by examples/bgraph/in.bgraph:
TimeStep c_thermo_temp c_bg[1] ... c_bg[6].
"""
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

NAMES = ["components", "B-B links", "isolated A", "isolated B", "links", "largest component"]


def main(argv):
    if len(argv) != 3:
        sys.exit(__doc__)
    data_path, png_path = argv[1], argv[2]
    try:
        data = np.loadtxt(data_path, comments="#", ndmin=2)
    except (OSError, ValueError) as err:
        sys.exit(f"plot_bgraph.py: cannot read {data_path}: {err}")
    if data.shape[0] == 0 or data.shape[1] < 2 + 3:
        sys.exit(f"plot_bgraph.py: {data_path} needs rows of step, T and >= 3 metrics")
    temp = data[:, 1]
    fig, axes = plt.subplots(1, 3, figsize=(12, 3.6), constrained_layout=True)
    for col, ax in enumerate(axes):
        ax.plot(temp, data[:, 2 + col], "o-", ms=3)
        ax.set_xlabel("T")
        ax.set_title(NAMES[col])
        ax.invert_xaxis()
    fig.suptitle("B-particle graph metrics along cooling (compute bgraph)")
    tmp = png_path + ".tmp.png"
    fig.savefig(tmp, dpi=120)
    import os

    os.replace(tmp, png_path)  # never leave a half-written plot behind
    print(f"wrote {png_path}")


if __name__ == "__main__":
    main(sys.argv)
