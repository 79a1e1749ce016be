#!/usr/bin/env python3
"""Minimizer study for fix inherent: cost, convergence and basin fidelity of FIRE and CG against
the steepest-descent flow (min flow), on configurations of one cooling run of the 2D Kob-Andersen
mixture. Prints Markdown tables (bench/README.md) and writes results.csv and a PNG into --out.

  /usr/bin/python3 bench/minimizers/basins.py --lmp build/lammps/lmp \\
      --plugin build/mlglass/mlglassplugin.so --out /tmp/minimizers [--natoms 1024] [--seed 1]
      [--no-reference-check]

Same minimum as the reference: every particle within 0.01 sigma of its reference position
(minimum image). The reference itself stops at ftol 1e-5, where positions are converged to
~1e-4 sigma; distinct minima of this system differ by at least one local rearrangement
(displacements of 0.1-1 sigma). Energies are not part of the criterion: with the unshifted
cutoff, two minima a hair apart differ by V(rc) (-0.0163 for an A-A pair) when one pair sits on
either side of the cutoff. --from-csv re-renders the tables and the PNG of an earlier run.
"""
import argparse
import csv
import math
import os
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
TEMPS = ["2.00", "1.00", "0.60", "0.44", "0.30", "0.05"]
# label, pair_modify shift, fix inherent keywords; the first of each shift is the reference.
# All on the potential as shipped (pair_modify shift no). "cg" is fix inherent's default min cg,
# whose line searches see the energy shifted to zero at the cutoff (same forces, same minima);
# "cg shift no" is LAMMPS' own min_style cg on the unshifted energy, for the record.
RUNS = [
    ("flow", "no", "min flow ftol 1e-5 maxiter 1000000 maxeval 10000000"),
    ("flow flowtol 1e-4", "no", "min flow ftol 1e-5 flowtol 1e-4 maxiter 2000000 maxeval 10000000"),
    ("fire 1e-8", "no", "min fire ftol 1e-8"),
    ("fire 1e-6", "no", "min fire ftol 1e-6"),
    ("fire 1e-4", "no", "min fire ftol 1e-4"),
    ("cg 1e-8", "no", "min cg ftol 1e-8"),
    ("cg 1e-6", "no", "min cg ftol 1e-6"),
    ("cg 1e-4", "no", "min cg ftol 1e-4"),
    ("cg backtrack 1e-8", "no", "min cg line backtrack ftol 1e-8"),
    ("cg shift no 1e-8", "no", "min cg shift no ftol 1e-8"),
]
# the reference's own convergence (a tighter step tolerance) is checked at these temperatures
CHECK_REFERENCE_AT = ("0.44",)


def lammps(lmp, script, variables, log):
    cmd = [lmp, "-in", script, "-log", log, "-screen", "none"]
    for k, v in variables.items():
        cmd += ["-var", k, str(v)]
    t0 = time.perf_counter()
    subprocess.run(cmd, check=True)
    return time.perf_counter() - t0


def read_box_and_positions(data, dump):
    box = []
    with open(data) as f:
        for line in f:
            if line.strip().endswith(("xlo xhi", "ylo yhi")):
                lo, hi = map(float, line.split()[:2])
                box.append(hi - lo)
            if len(box) == 2:
                break
    pos = {}
    with open(dump) as f:
        lines = f.read().splitlines()
    start = next(i for i, l in enumerate(lines) if l.startswith("ITEM: ATOMS")) + 1
    for l in lines[start:]:
        i, x, y = l.split()
        pos[int(i)] = (float(x), float(y))
    return box, pos


def max_displacement(box, a, b):
    worst = 0.0
    for i, (xa, ya) in a.items():
        xb, yb = b[i]
        dx = xa - xb
        dy = ya - yb
        dx -= box[0] * round(dx / box[0])
        dy -= box[1] * round(dy / box[1])
        worst = max(worst, math.hypot(dx, dy))
    return worst


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--lmp", required=True)
    ap.add_argument("--plugin", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--natoms", type=int, default=1024)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--ramp", type=int, default=50000, help="cooling steps from T 2.0 to 0.05")
    ap.add_argument("--from-csv", action="store_true", help="only re-render OUT/results.csv")
    ap.add_argument("--no-reference-check", action="store_true",
                    help="skip the reference's own convergence check (flowtol 1e-4: ~3x the flow)")
    args = ap.parse_args()
    if args.from_csv:
        with open(os.path.join(args.out, "results.csv")) as f:
            rows = []
            for r in csv.DictReader(f):
                for k in ("eis", "fnorm", "wall_s", "dE_vs_flow", "maxdisp_vs_flow"):
                    r[k] = float(r[k])
                for k in ("iterations", "evaluations", "reason"):
                    r[k] = int(r[k])
                r["same_minimum"] = int(r["maxdisp_vs_flow"] < 0.01)
                rows.append(r)
        return report(args, rows)
    os.makedirs(args.out, exist_ok=True)
    lmp = os.path.abspath(args.lmp)
    if not os.path.exists(os.path.join(args.out, "T0.05.data")):
        print(f"cooling run: N = {args.natoms}, seed {args.seed}, ramp {args.ramp} steps",
              file=sys.stderr)
        lammps(lmp, os.path.join(HERE, "in.configs"),
               dict(natoms=args.natoms, seed=args.seed, ramp=args.ramp, mlglass=ROOT,
                    out=args.out), os.path.join(args.out, "log.configs"))
    # startup cost (plugin load, read_data, run 0 without quench) to subtract from wall times
    base = min(lammps(lmp, os.path.join(HERE, "in.quench"),
                      dict(plugin=os.path.abspath(args.plugin), data=os.path.join(args.out, "T2.00.data"),
                           mlglass=ROOT, shift="no", min="maxiter 1 maxeval 1",
                           dump=os.path.join(args.out, "base.dump")),
                      os.path.join(args.out, "log.base")) for _ in range(3))
    rows = []
    for T in TEMPS:
        data = os.path.join(args.out, f"T{T}.data")
        ref = {}
        for label, shift, keywords in RUNS:
            if label == "flow flowtol 1e-4" and (T not in CHECK_REFERENCE_AT or
                                                 args.no_reference_check):
                continue
            tag = f"T{T}_{shift}_{label.replace(' ', '_')}"
            dump = os.path.join(args.out, tag + ".dump")
            log = os.path.join(args.out, "log." + tag)
            # a quench that finished in an earlier, interrupted run is not repeated
            done = os.path.exists(dump) and os.path.exists(log + ".wall")
            if not done:
                wall = lammps(lmp, os.path.join(HERE, "in.quench"),
                              dict(plugin=os.path.abspath(args.plugin), data=data, mlglass=ROOT,
                                   shift=shift, min=keywords, dump=dump), log) - base
                with open(log + ".wall", "w") as f:
                    f.write(f"{wall}\n")
            with open(log + ".wall") as f:
                wall = float(f.read())
            with open(log) as f:
                res = [l.split() for l in f if l.startswith("RESULT")][-1]
            e, iters, evals, fnorm, reason = float(res[1]), int(float(res[2])), \
                int(float(res[3])), float(res[4]), int(float(res[5]))
            box, pos = read_box_and_positions(data, dump)
            if shift not in ref:
                if reason != 3:
                    sys.exit(f"the reference quench of T {T} (shift {shift}) stopped by reason "
                             f"{reason} at |F| {fnorm:.2e}, not by ftol: raise its maxiter")
                ref[shift] = (e, pos)
            de = e - ref[shift][0]
            disp = max_displacement(box, pos, ref[shift][1])
            same = disp < 0.01
            rows.append(dict(T=T, shift=shift, minimizer=label, eis=e, iterations=iters,
                             evaluations=evals, fnorm=fnorm, reason=reason, wall_s=round(wall, 3),
                             dE_vs_flow=de, maxdisp_vs_flow=disp, same_minimum=int(same)))
            print(f"T {T} shift {shift:3s} {label:20s} E {e:.10f} evals {evals:7d} "
                  f"|F| {fnorm:.2e} stop {reason:2d} {wall:7.2f} s  dE {de:+.2e} "
                  f"disp {disp:.3f} {'same' if same else 'OTHER'}", file=sys.stderr, flush=True)
    with open(os.path.join(args.out, "results.csv"), "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0].keys()))
        w.writeheader()
        w.writerows(rows)
    report(args, rows)


def report(args, rows):

    print(f"N = {args.natoms}, seed {args.seed}, cooling ramp {args.ramp} steps; one core.\n")
    print("| T | shift | minimizer | E_IS/atom | force evals | final \\|F\\| | stop | wall (s) "
          "| E - E_flow | max disp. vs flow | same minimum |")
    print("|---:|---|---|---:|---:|---:|---:|---:|---:|---:|---|")
    for r in rows:
        print(f"| {r['T']} | {r['shift']} | {r['minimizer']} | {r['eis']:.8f} | {r['evaluations']} "
              f"| {r['fnorm']:.1e} | {r['reason']} | {r['wall_s']:.2f} | {r['dE_vs_flow']:+.1e} "
              f"| {r['maxdisp_vs_flow']:.3f} | {'yes' if r['same_minimum'] else 'no'} |")
    print("\nSummary per minimizer (over the temperatures):\n")
    print("| shift | minimizer | same minimum as flow | mean evals | mean E - E_flow | "
          "max \\|E - E_tightest\\| |")
    print("|---|---|---:|---:|---:|---:|")
    for label, shift, _ in RUNS:
        sel = [r for r in rows if r["minimizer"] == label and r["shift"] == shift]
        if not sel:    # e.g. the reference check with --no-reference-check
            continue
        fam = label.split(" 1e")[0]
        tight = {r["T"]: r["eis"] for r in rows
                 if r["shift"] == shift and r["minimizer"] == fam + " 1e-8"}
        err = max((abs(r["eis"] - tight[r["T"]]) for r in sel if r["T"] in tight), default=float("nan"))
        print(f"| {shift} | {label} | {sum(r['same_minimum'] for r in sel)}/{len(sel)} "
              f"| {sum(r['evaluations'] for r in sel) / len(sel):.0f} "
              f"| {sum(r['dE_vs_flow'] for r in sel) / len(sel):+.1e} | {err:.1e} |")
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
        shifts = sorted({r["shift"] for r in rows})
        fig, ax = plt.subplots(1, len(shifts), figsize=(5 * len(shifts) + 1, 4), squeeze=False)
        for shift, a in zip(shifts, ax[0]):
            for label, s, _ in RUNS:
                if s != shift or label.startswith("flow"):
                    continue
                sel = [r for r in rows if r["minimizer"] == label and r["shift"] == shift]
                a.plot([float(r["T"]) for r in sel], [r["dE_vs_flow"] for r in sel], "o-",
                       label=label)
            a.axhline(0.0, color="k", lw=0.5)
            a.set_xlabel("T of the configuration")
            a.set_ylabel("E_IS - E_IS(flow) per particle")
            a.set_title(f"N = {args.natoms}, seed {args.seed}, pair_modify shift {shift}")
            a.legend(fontsize=7)
        fig.tight_layout()
        fig.savefig(os.path.join(args.out, "minimizers.png"), dpi=120)
    except ImportError:
        print("matplotlib missing: no PNG", file=sys.stderr)


if __name__ == "__main__":
    main()
