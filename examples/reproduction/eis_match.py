#!/usr/bin/env python3
"""Dataset 6 of the reproduction: the temperature T* at which the slowly cooled liquid has the mean
inherent-structure energy of the fast-cooled glass at T = 0.05, from the E_IS samples that
fix inherent wrote along the runs (eis.dat: step, T, E_IS per particle, force evaluations).

  eis_match.py OUT JSON [--tmin 0.3]

OUT holds slow/seed-*/eis.dat and fast/seed-*/eis.dat. The fast glass value is the mean over the
samples at T = 0.05 (end of ramp and hold) of each fast run, averaged over the runs; the slow
liquid's E_IS(T) is the mean over the slow runs in temperature bins of 0.05, and T* is where it
crosses the fast glass value (linear interpolation between bins, searching down from T = 2).
The 95 % interval comes from 2000 bootstrap resamples of the runs (seeds) of both rates.
"""
import glob
import json
import sys

import numpy as np


def load(path):
    rows = [l.split() for l in open(path) if l.strip() and not l.startswith("#")]
    return np.array([[float(r[1]), float(r[2])] for r in rows])


def crossing(slow_runs, glass_value, tmin, width=0.05):
    edges = np.arange(tmin, 2.0 + width, width)
    centres, means = [], []
    for lo, hi in zip(edges[:-1], edges[1:]):
        vals = [e for run in slow_runs for t, e in run if lo <= t < hi]
        if vals:
            centres.append(0.5 * (lo + hi))
            means.append(np.mean(vals))
    centres, means = np.array(centres), np.array(means)
    for i in range(len(centres) - 1, 0, -1):  # from the hot end down
        a, b = means[i - 1], means[i]
        if (a - glass_value) * (b - glass_value) <= 0 and a != b:
            return centres[i - 1] + (glass_value - a) / (b - a) * (centres[i] - centres[i - 1])
    return float("nan")


def main():
    out, path = sys.argv[1], sys.argv[2]
    tmin = float(sys.argv[sys.argv.index("--tmin") + 1]) if "--tmin" in sys.argv else 0.3
    done = lambda rate: sorted(glob.glob(f"{out}/{rate}/seed-*/done"))  # completed runs only
    slow = [load(p[:-4] + "eis.dat") for p in done("slow")]
    fast = [load(p[:-4] + "eis.dat") for p in done("fast")]
    if not slow or not fast:
        sys.exit(f"eis_match.py: no slow or fast runs in {out}")
    fast_glass = np.array([run[np.isclose(run[:, 0], 0.05), 1].mean() for run in fast])
    slow_glass = np.array([run[np.isclose(run[:, 0], 0.05), 1].mean() for run in slow])
    t_star = crossing(slow, fast_glass.mean(), tmin)
    rng = np.random.default_rng(6)
    boot = []
    for _ in range(2000):
        s = [slow[i] for i in rng.integers(0, len(slow), len(slow))]
        f = fast_glass[rng.integers(0, len(fast), len(fast))]
        boot.append(crossing(s, f.mean(), tmin))
    boot = np.array(boot)
    boot = boot[np.isfinite(boot)]
    result = {
        "fast_glass_eis": fast_glass.mean(), "fast_glass_eis_sem": fast_glass.std(ddof=1) / np.sqrt(len(fast)),
        "slow_glass_eis": slow_glass.mean(), "slow_glass_eis_sem": slow_glass.std(ddof=1) / np.sqrt(len(slow)),
        "t_star": t_star, "t_star_ci95": [float(np.percentile(boot, 2.5)), float(np.percentile(boot, 97.5))],
        "runs": {"slow": len(slow), "fast": len(fast)}, "bootstrap_valid": int(len(boot)),
    }
    json.dump(result, open(path, "w"), indent=1)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
