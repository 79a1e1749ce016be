#!/usr/bin/env python3
"""Plot the glass-transition fit of `mlglass tg`: E_IS per particle against T, the glass and liquid
lines meeting at T_g, and the bootstrap interval of T_g.

Usage: plot_tg.py DATA JSON PNG

DATA is the file given to `mlglass tg` (e.g. is.dat from `fix inherent ... file`); JSON is what
`mlglass tg --json` wrote. `mlglass tg --plot PNG` runs this script itself. The PNG is written
under a temporary name and renamed, so it is either complete or absent.

JSON keys used (numbers; null where undefined):
  temp_col, energy_col   1-based columns of T and E_IS in DATA
  t_min, t_max           the T range given to the fit (null = unbounded); other points are grey
  tg                     intersection T of the two lines (null if they are parallel)
  tg_std                 bootstrap standard deviation of T_g (null without bootstrap)
  tg_lo, tg_hi           bootstrap percentile interval of T_g, at level interval_level
  interval_level         e.g. 0.95
  glass, liquid          {intercept, slope, n_points, t_min, t_max}: E = intercept + slope * T,
                         fitted to the points with t_min <= T <= t_max
  file                   DATA as given to mlglass tg (shown in the title)
"""
import json
import os
import sys

from mlglass_plot import pyplot, save_png

plt = pyplot("plot_tg.py")
try:
    import numpy as np
except ImportError as err:
    sys.exit(f"plot_tg.py: error: {err} in {sys.executable}; install python3-numpy")


def fail(msg):
    sys.exit(f"plot_tg.py: error: {msg}")


def read_data(path, col_t, col_e):
    try:
        data = np.loadtxt(path, comments="#", usecols=(col_t - 1, col_e - 1), ndmin=2)
    except (OSError, ValueError, IndexError) as err:
        fail(f"cannot read columns {col_t} and {col_e} of {path}: {err}")
    return data[:, 0], data[:, 1]


def main(argv):
    if len(argv) != 4:
        sys.exit(__doc__)
    data_path, json_path, png_path = argv[1:]
    try:
        with open(json_path) as f:
            fit = json.load(f)
        col_t, col_e = int(fit["temp_col"]), int(fit["energy_col"])
        glass, liquid = fit["glass"], fit["liquid"]
    except (OSError, ValueError, KeyError, TypeError) as err:
        fail(f"cannot read the fit from {json_path}: {err}")
    t, e = read_data(data_path, col_t, col_e)

    lo = fit.get("t_min") if fit.get("t_min") is not None else -np.inf
    hi = fit.get("t_max") if fit.get("t_max") is not None else np.inf
    used = (t >= lo) & (t <= hi)
    tg, std = fit.get("tg"), fit.get("tg_std")
    tg_lo, tg_hi = fit.get("tg_lo"), fit.get("tg_hi")

    fig, ax = plt.subplots(figsize=(6.4, 4.6), constrained_layout=True)
    in_glass = used & (t <= glass["t_max"])
    in_liquid = used & (t >= liquid["t_min"])
    ax.plot(t[in_glass], e[in_glass], "o", ms=4, color="tab:blue", label=f"glass ({glass['n_points']} points)")
    ax.plot(t[in_liquid], e[in_liquid], "s", ms=4, color="tab:red", label=f"liquid ({liquid['n_points']} points)")
    if (~used).any():
        ax.plot(t[~used], e[~used], "o", ms=4, mfc="none", color="0.6", label="outside --tmin/--tmax")

    # Each line over its own points (solid) and on to the intersection (dashed).
    for part, color in ((glass, "tab:blue"), (liquid, "tab:red")):
        a, b = part["t_min"], part["t_max"]
        ax.plot([a, b], [part["intercept"] + part["slope"] * a, part["intercept"] + part["slope"] * b],
                "-", color=color, lw=1.5)
        if tg is not None and not a <= tg <= b:
            end = a if tg < a else b
            ax.plot([end, tg], [part["intercept"] + part["slope"] * end, part["intercept"] + part["slope"] * tg],
                    "--", color=color, lw=1.2)

    level = 100 * (fit.get("interval_level") or 0.95)
    if tg is not None:
        ax.axvline(tg, color="k", lw=1.0, label=f"$T_g$ = {tg:.4g}")
        if tg_lo is not None and tg_hi is not None:
            ax.axvspan(tg_lo, tg_hi, color="0.5", alpha=0.25, lw=0,
                       label=f"{level:g}% interval [{tg_lo:.4g}, {tg_hi:.4g}]")
        title = f"$T_g$ = {tg:.4g}" + (f" ± {std:.2g}" if std is not None else "")
    else:
        title = "no $T_g$: the fitted lines are parallel"
    ax.set_title(f"{title}   ({os.path.basename(fit.get('file', data_path))})")
    ax.set_xlabel("T")
    ax.set_ylabel("E_IS per particle")
    ax.legend(loc="best", fontsize=8)

    save_png(fig, png_path, "plot_tg.py")
    print(f"wrote {png_path}")


if __name__ == "__main__":
    main(sys.argv)
