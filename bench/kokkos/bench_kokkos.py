#!/usr/bin/env python3
"""fix inherent/kk against the plain fix under -k on: FIRE quenches of a 2D Kob-Andersen liquid
(in.bench_kokkos), timed by LAMMPS' loop time, with 1 and 2 OpenMP threads; for scale, LAMMPS' own
KOKKOS minimizer on the same configuration (min_style cg/kk: LAMMPS 4Feb2025 has no FIRE under -k on,
its plain min_style fire refuses to run there).

Needs an lmp with KOKKOS and ML-GLASS built in (tools/setup-lammps.sh kokkos). Prints a Markdown
table: per quench the wall time, FIRE iterations and force evaluations, time per evaluation, and
the speed-up of the /kk fix over the plain fix. A driver, not a test: nothing is asserted.

  bench_kokkos.py --lmp build/lammps-kokkos/lmp [--sides 66 316] [--threads 1 2] [--nquench 2]
                  [--ftol 1e-8] [--maxiter N] [--repeats 2] [--fire "min cg"]
"""
import argparse
import os
import re
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))


def run(lmp, side, threads, mode, style, nquench, ftol, maxiter, fire, workdir):
    args = [lmp, "-k", "on", "t", str(threads), "-sf", "kk", "-in", os.path.join(HERE, "in.bench_kokkos"),
            "-var", "mlglass", ROOT, "-var", "side", str(side), "-var", "mode", mode,
            "-var", "style", style, "-var", "nquench", str(nquench), "-var", "ftol", str(ftol), "-var", "maxiter", str(maxiter), "-var", "fire", fire,
            "-log", os.path.join(workdir, "log.lammps"), "-screen", "none"]
    env = dict(os.environ, OMP_PROC_BIND="false", OMP_NUM_THREADS=str(threads))
    subprocess.run(args, check=True, env=env, cwd=workdir)
    log = open(os.path.join(workdir, "log.lammps")).read()
    loops = [float(x) for x in re.findall(r"^Loop time of ([0-9.eE+-]+)", log, re.M)]
    eis = float(re.findall(r"^BENCH eis (\S+)", log, re.M)[-1])
    if mode == "minimize":
        m = re.findall(r"Iterations, force evaluations = (\d+) (\d+)", log)[-1]
        return loops[-1], 1, int(m[0]), int(m[1]), eis
    # the fix: per quench the values of the last one (all quenches start from near-identical MD
    # configurations); the loop holds nquench quenches and as many MD steps
    m = re.findall(r"^BENCH eis \S+ iterations (\S+) evaluations (\S+)", log, re.M)[-1]
    return loops[-1], nquench, int(float(m[0])), int(float(m[1])), eis


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--lmp", required=True)
    ap.add_argument("--sides", type=int, nargs="+", default=[66, 316], help="atoms = side^2 [66 316]")
    ap.add_argument("--threads", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--nquench", type=int, default=2)
    ap.add_argument("--ftol", type=float, default=1e-8)
    ap.add_argument("--maxiter", type=int, default=1000000, help="FIRE iterations at most per quench")
    ap.add_argument("--repeats", type=int, default=2, help="best of R runs per case (the machine is noisy)")
    ap.add_argument("--fire", default="tmax 4",
                    help="more fix keywords ['tmax 4']; 'min cg' compares the CG quenches")
    a = ap.parse_args()
    cases = [("fix", "inherent", "fix inherent (plain)"), ("fix", "inherent/kk", "fix inherent/kk"),
             ("minimize", "-", "min_style cg/kk + minimize")]
    print("| N | threads | quench by | ms per quench | iterations | evaluations | µs per evaluation "
          "| E_IS per atom | plain / kk |")
    print("|---:|---:|---|---:|---:|---:|---:|---:|---:|")
    for side in a.sides:
        for t in a.threads:
            times = {}
            for mode, style, name in cases:
                best = None
                for _ in range(a.repeats if mode == "fix" else 1):
                    with tempfile.TemporaryDirectory() as d:
                        r = run(a.lmp, side, t, mode, style, a.nquench, a.ftol, a.maxiter, a.fire, d)
                    if best is None or r[0] < best[0]:
                        best = r
                loop, nq, it, ev, eis = best
                per = loop / nq
                times[style] = per
                ratio = f"{times['inherent'] / per:.2f}" if style == "inherent/kk" else ""
                print(f"| {side * side} | {t} | {name} | {1e3 * per:.1f} | {it} | {ev} | "
                      f"{1e6 * per / max(ev, 1):.1f} | {eis:.10f} | {ratio} |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
