#!/usr/bin/env python3
"""compute bgraph/kk and compute glass/mpnn/kk against the plain computes under -k on: one
evaluation per MD step of a 2D Kob-Andersen liquid (in.bench_kokkos_computes), timed by LAMMPS'
loop time less that of the same MD without the compute, with 1 and 2 OpenMP threads.

Needs an lmp with KOKKOS and ML-GLASS built in (tools/setup-lammps.sh kokkos). Prints a Markdown
table: per evaluation the time of the plain and the /kk compute, their ratio, and the first value
of each (equal: the styles give the same numbers). A driver, not a test: nothing is asserted.

  bench_kokkos_computes.py --lmp build/lammps-kokkos/lmp [--sides 66 316] [--threads 1 2]
                           [--steps-bgraph 20] [--steps-glass 3] [--repeats 2]
"""
import argparse
import os
import re
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))


def run(lmp, side, threads, style, nsteps, workdir):
    args = [lmp, "-k", "on", "t", str(threads), "-sf", "kk",
            "-in", os.path.join(HERE, "in.bench_kokkos_computes"), "-var", "mlglass", ROOT,
            "-var", "side", str(side), "-var", "style", style, "-var", "nsteps", str(nsteps),
            "-log", os.path.join(workdir, "log.lammps"), "-screen", "none"]
    env = dict(os.environ, OMP_PROC_BIND="false", OMP_NUM_THREADS=str(threads))
    subprocess.run(args, check=True, env=env, cwd=workdir)
    log = open(os.path.join(workdir, "log.lammps")).read()
    loop = float(re.findall(r"^Loop time of ([0-9.eE+-]+)", log, re.M)[-1])
    value = re.findall(r"^BENCH c1 (\S+)", log, re.M)
    return loop, (value[-1] if value else "")


def best(lmp, side, threads, style, nsteps, repeats):
    out = None
    for _ in range(repeats):
        with tempfile.TemporaryDirectory() as d:
            r = run(lmp, side, threads, style, nsteps, d)
        if out is None or r[0] < out[0]:
            out = r
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--lmp", required=True)
    ap.add_argument("--sides", type=int, nargs="+", default=[66, 316], help="atoms = side^2 [66 316]")
    ap.add_argument("--threads", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--steps-bgraph", type=int, default=20, help="evaluations timed per run")
    ap.add_argument("--steps-glass", type=int, default=3)
    ap.add_argument("--repeats", type=int, default=2, help="best of R runs per case (the machine is noisy)")
    a = ap.parse_args()
    print("| N | threads | compute | plain ms | /kk ms | plain / kk | value (plain, /kk) |")
    print("|---:|---:|---|---:|---:|---:|---|")
    for side in a.sides:
        for t in a.threads:
            for name, steps in (("bgraph", a.steps_bgraph), ("glass/mpnn", a.steps_glass)):
                md, _ = best(a.lmp, side, t, "none", steps, a.repeats)
                plain, vp = best(a.lmp, side, t, name, steps, a.repeats)
                kk, vk = best(a.lmp, side, t, name + "/kk", steps, a.repeats)
                per_plain = max(plain - md, 0.0) / steps
                per_kk = max(kk - md, 0.0) / steps
                ratio = f"{per_plain / per_kk:.2f}" if per_kk > 0 else "-"
                print(f"| {side * side} | {t} | {name} | {1e3 * per_plain:.1f} | {1e3 * per_kk:.1f} | "
                      f"{ratio} | {vp}, {vk} |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
