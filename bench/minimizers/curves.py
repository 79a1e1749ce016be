#!/usr/bin/env python3
"""E_IS(T) and T_g of cooling runs with FIRE and CG on the same configurations (fix inherent's
min fire and min cg, both at the same ftol, two fixes in one run: bench/minimizers/in.curves).
Prints Markdown tables (bench/README.md) and writes curves.png into --out.

  /usr/bin/python3 bench/minimizers/curves.py --lmp build/lammps/lmp \\
      --plugin build/mlglass/mlglassplugin.so --mlglass build/mlglass/mlglass \\
      --out /tmp/curves [--seeds 1 2 3] [--nsample 48] [--ramp 200000]

Per seed: T_g of each minimizer from `mlglass tg` (the README main job's fit: T <= 1.2, ramp
temperature, bootstrap 95 % interval); the paired per-configuration difference E_cg - E_fire;
force evaluations per quench. Then all seeds pooled. Finished seeds are not rerun.
"""
import argparse
import json
import os
import random
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "tools"))
from mlglass_plot import pyplot, save_png  # noqa: E402  (tools/: the plot scripts' shared helpers)
MINIMIZERS = ("fire", "cg")
# |E_cg - E_fire| per particle below which the two count as one minimum: FIRE at ftol 1e-4 is
# converged to a few 1e-6 per particle (bench/README.md), CG to 1e-10
SAME = 1e-5


def read_is(path, ramp):
    """(ramp temperature, E_IS per particle, evaluations) per quench of a fix inherent file"""
    rows = []
    with open(path) as f:
        for line in f:
            if line.startswith("#") or not line.strip():
                continue
            c = line.split()
            step = int(c[0])
            rows.append((2.0 + (0.05 - 2.0) * step / ramp, float(c[2]), int(c[5])))
    return rows


def fit_tg(mlglass, rows, path):
    with open(path + ".txt", "w") as f:
        for t, e, _ in rows:
            f.write(f"{t:.8f} {e:.12f}\n")
    subprocess.run([mlglass, "tg", path + ".txt", "--temp-col", "1", "--energy-col", "2",
                    "--tmax", "1.2", "--json", path + ".json"], check=True,
                   stdout=subprocess.DEVNULL)
    with open(path + ".json") as f:
        return json.load(f)


def interval(fit):
    """the bootstrap 95 % interval of an `mlglass tg --json` fit"""
    return fit["tg_lo"], fit["tg_hi"]


def mean_ci(values, rng, n=2000):
    """mean and bootstrap 95 % interval"""
    m = sum(values) / len(values)
    boots = sorted(sum(rng.choice(values) for _ in values) / len(values) for _ in range(n))
    return m, boots[int(0.025 * n)], boots[int(0.975 * n) - 1]


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--lmp", required=True)
    ap.add_argument("--plugin", required=True)
    ap.add_argument("--mlglass", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3])
    ap.add_argument("--nsample", type=int, default=48)
    ap.add_argument("--ramp", type=int, default=200000)
    ap.add_argument("--ftol", default="1e-4")
    args = ap.parse_args()
    rng = random.Random(1)
    runs = {}
    for seed in args.seeds:
        out = os.path.join(args.out, f"seed-{seed}")
        os.makedirs(out, exist_ok=True)
        done = os.path.join(out, "done")
        if not os.path.exists(done):
            print(f"seed {seed}: cooling run with both minimizers", file=sys.stderr, flush=True)
            subprocess.run([os.path.abspath(args.lmp), "-in", os.path.join(HERE, "in.curves"),
                            "-var", "plugin", os.path.abspath(args.plugin), "-var", "mlglass",
                            ROOT, "-var", "seed", str(seed), "-var", "out", out, "-var",
                            "nsample", str(args.nsample), "-var", "ramp", str(args.ramp),
                            "-var", "ftol", args.ftol, "-log", os.path.join(out, "log.lammps"),
                            "-screen", "none"], check=True)
            open(done, "w").close()
        runs[seed] = {m: read_is(os.path.join(out, m + ".dat"), args.ramp) for m in MINIMIZERS}

    print(f"N = 4320, ramp {args.ramp} steps, {args.nsample} quenches per run and minimizer, "
          f"ftol {args.ftol}; T_g from T <= 1.2 (bootstrap 95 %).\n")
    print("| seed | minimizer | T_g | 95 % interval | width | mean evals per quench | "
          "mean E_cg - E_fire | \\|E_cg - E_fire\\| < 1e-5 |")
    print("|---:|---|---:|---|---:|---:|---:|---:|")
    pooled = {m: [] for m in MINIMIZERS}
    diffs = []
    for seed, r in runs.items():
        d = [c[1] - f[1] for f, c in zip(r["fire"], r["cg"])]
        same = sum(abs(x) < SAME for x in d)
        diffs += d
        for m in MINIMIZERS:
            pooled[m] += r[m]
            fit = fit_tg(args.mlglass, r[m], os.path.join(args.out, f"seed-{seed}", "tg-" + m))
            lo, hi = interval(fit)
            evals = sum(x[2] for x in r[m]) / len(r[m])
            extra = f"{sum(d) / len(d):+.2e} | {same}/{len(d)}" if m == "cg" else " | "
            print(f"| {seed} | {m} | {fit['tg']:.3f} | [{lo:.3f}, {hi:.3f}] | {hi - lo:.3f} | "
                  f"{evals:.0f} | {extra} |")
    fits = {}
    for m in MINIMIZERS:
        fits[m] = fit_tg(args.mlglass, pooled[m], os.path.join(args.out, "tg-pooled-" + m))
        lo, hi = interval(fits[m])
        evals = sum(x[2] for x in pooled[m]) / len(pooled[m])
        print(f"| all | {m} | {fits[m]['tg']:.3f} | [{lo:.3f}, {hi:.3f}] | {hi - lo:.3f} | "
              f"{evals:.0f} | | |")
    print()
    # paired differences by temperature band
    print("| T band | configurations | mean E_cg - E_fire (95 % interval) | \\|dE\\| < 1e-5 |")
    print("|---|---:|---|---:|")
    pairs = [(f[0], c[1] - f[1]) for r in runs.values() for f, c in zip(r["fire"], r["cg"])]
    for lo, hi in ((1.2, 2.01), (0.6, 1.2), (0.3, 0.6), (0.0, 0.3)):
        sel = [d for t, d in pairs if lo <= t < hi]
        if sel:
            m, a, b = mean_ci(sel, rng)
            print(f"| {lo:.1f} <= T < {hi:.2f} | {len(sel)} | {m:+.2e} [{a:+.2e}, {b:+.2e}] | "
                  f"{sum(abs(d) < SAME for d in sel)}/{len(sel)} |")
    ratio = (sum(x[2] for x in pooled["cg"]) / sum(x[2] for x in pooled["fire"]))
    print(f"\nCG / FIRE force evaluations over all quenches: {ratio:.3f}")
    plt = pyplot("curves.py")
    fig, ax = plt.subplots(1, 2, figsize=(11, 4))
    for m, mk in zip(MINIMIZERS, ("o", "x")):
        ax[0].plot([x[0] for x in pooled[m]], [x[1] for x in pooled[m]], mk, ms=4,
                   label=f"{m}: T_g {fits[m]['tg']:.3f} [{interval(fits[m])[0]:.3f}, "
                         f"{interval(fits[m])[1]:.3f}]")
        ax[0].axvline(fits[m]["tg"], ls="--" if m == "fire" else ":", color="k", lw=0.8)
    ax[0].set_xlabel("T (ramp)")
    ax[0].set_ylabel("E_IS per particle")
    ax[0].legend(fontsize=8)
    ax[0].set_title(f"{len(runs)} runs, N = 4320, ramp {args.ramp}")
    ax[1].plot([t for t, _ in pairs], [d for _, d in pairs], "o", ms=3)
    ax[1].axhline(0.0, color="k", lw=0.5)
    ax[1].set_xlabel("T (ramp)")
    ax[1].set_ylabel("E_IS(cg) - E_IS(fire) per particle")
    fig.tight_layout()
    save_png(fig, os.path.join(args.out, "curves.png"), "curves.py")


if __name__ == "__main__":
    main()
