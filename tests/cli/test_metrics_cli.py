#!/usr/bin/env python3
"""`mlglass metrics` end to end on two small synthetic cooling runs (one per directory): one CSV row
per frame and link rule with the metrics of the B-particle graph, the kink regression with --tg,
the paired glass/liquid test with labelling rules, the JSON summary and the plot; exit codes 0/1/2
and their messages; a failed run writes nothing.

Usage: test_metrics_cli.py MLGLASS_EXECUTABLE WORK_DIR   (registered as ctest `cli.metrics`)
"""
import csv
import json
import os
import random
import shutil
import subprocess
import sys

failures = []
RAMP = 1000  # steps of the ramp 2.0 -> 0.05


def check(cond, what):
    print(("ok   " if cond else "FAIL ") + what)
    if not cond:
        failures.append(what)


def frame(step, rng, n=60, side=8.0):
    """n particles, a third of type 2, at random in a periodic square box."""
    lines = ["ITEM: TIMESTEP", str(step), "ITEM: NUMBER OF ATOMS", str(n),
             "ITEM: BOX BOUNDS pp pp pp", f"0 {side}", f"0 {side}", "-0.5 0.5",
             "ITEM: ATOMS id type x y z"]
    for i in range(n):
        lines.append(f"{i + 1} {2 if i % 3 == 0 else 1} {rng.uniform(0, side):.6f} "
                     f"{rng.uniform(0, side):.6f} 0")
    return "\n".join(lines) + "\n"


def write_run(path, seed, last_step=RAMP + 100):
    rng = random.Random(seed)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        for step in range(0, last_step + 1, 100):
            f.write(frame(step, rng))


def run(*args):
    p = subprocess.run([MLGLASS, "metrics", *args], capture_output=True, text=True, cwd=WORK)
    return p.returncode, p.stdout, p.stderr


def main():
    shutil.rmtree(WORK, ignore_errors=True)
    os.makedirs(WORK)
    write_run(os.path.join(WORK, "seed-1", "traj.dump"), 1)
    write_run(os.path.join(WORK, "seed-2", "traj.dump"), 2)
    dumps = ["seed-1/traj.dump", "seed-2/traj.dump"]
    ramp = ["--ramp", "2.0", "0.05", str(RAMP)]
    labels = ["--glass-max", "0.1", "--liquid", "1.5", "--liquid-tol", "0.5"]

    rc, out, err = run(*dumps, *ramp, "--tg", "0.8", *labels, "-o", "out/frames.csv",
                       "--json", "out/summary.json", "--plot", "out/metrics.png")
    check(rc == 0, f"metrics runs (rc {rc}: {err.strip()})")
    with open(os.path.join(WORK, "out/frames.csv"), newline="") as f:
        rows = list(csv.DictReader(f))
    check(len(rows) == 2 * 12 * 2, f"one row per frame and rule (24 frames x 2 rules), got {len(rows)}")
    check({r["rule"] for r in rows} == {"paper", "symmetric"}, "both link rules by default")
    first = rows[0]
    check(first["timestep"] == "0" and abs(float(first["temperature"]) - 2.0) < 1e-12,
          "temperature of timestep 0 is the start of the ramp")
    check(first["label"] == "0", "T = 2.0 is liquid under --liquid 1.5 --liquid-tol 0.5")
    end = [r for r in rows if r["timestep"] == str(RAMP + 100)][0]
    check(end["label"] == "1" and abs(float(end["temperature"]) - 0.05) < 1e-12,
          "after the ramp: T = 0.05, glass")
    check(all(r["group"] in ("seed-1", "seed-2") for r in rows), "groups are the run directories")
    n_b = 20
    for r in rows:
        if r["rule"] == "paper":
            # each B particle emits k = 2 links: at most 40 links, at least 20 (mutual pairs)
            if not (n_b <= int(r["links"]) <= 2 * n_b):
                check(False, f"paper rule link count {r['links']} outside [20, 40]")
                break
    with open(os.path.join(WORK, "out/summary.json")) as f:
        s = json.load(f)
    check(s["tg"] == 0.8 and len(s["kink"]) == 6, "summary: T_g and 2 rules x 3 metrics")
    check(all("fit" in k and len(k["fit"]["beta"]) == 4 for k in s["kink"]),
          "every kink regression fitted with 4 coefficients")
    check(len(s["wilcoxon"]) == 6 and all(w["groups"] == ["seed-1", "seed-2"] for w in s["wilcoxon"]),
          "paired tests over the two runs")
    check(all(0.0 <= w["test"]["p_greater"] <= 1.0 for w in s["wilcoxon"]), "p-values in [0, 1]")
    check(os.path.getsize(os.path.join(WORK, "out/metrics.png")) > 1000, "plot written")
    check("kink regression" in out and "Wilcoxon" in out, "summary printed")

    # one rule, no statistics: the CSV alone
    rc, out, err = run(*dumps, *ramp, "--rule", "paper", "-o", "paper.csv")
    with open(os.path.join(WORK, "paper.csv")) as f:
        check(rc == 0 and len(f.read().splitlines()) == 1 + 24, "--rule paper: 24 rows")
    check("no --tg" in out, "says the regression was skipped without --tg")

    # errors: exit code, message, nothing written
    def refused(args, code, needle, what):
        for p in ("bad.csv", "bad.json"):
            if os.path.exists(os.path.join(WORK, p)):
                os.remove(os.path.join(WORK, p))
        rc, out, err = run(*args, "-o", "bad.csv")
        check(rc == code and needle in err, f"{what}: exit {rc}, {err.strip()[:160]}")
        check(not os.path.exists(os.path.join(WORK, "bad.csv")), f"{what}: no CSV written")

    refused([*dumps], 2, "exactly one of --ramp and --temps", "no temperature source")
    refused([*dumps, *ramp, "--plot", "x.png"], 2, "--tg", "--plot without --tg")
    refused([*dumps, "--ramp", "2.0", "0.05", "5000"], 1, "before the end of --ramp",
            "a ramp longer than the runs")
    rc, _, _ = run(*dumps, "--ramp", "2.0", "0.05", "5000", "--allow-partial-ramp", "-o", "p.csv")
    check(rc == 0, "--allow-partial-ramp accepts it")
    refused([*dumps, *ramp, "--btype", "3"], 1, "no atom of --btype 3", "a B type absent")
    refused(["missing.dump", *ramp], 1, "missing.dump", "a missing dump")
    refused([*dumps, *ramp, "--tg", "0.8", "--json", "x/bad.json", "--plot", "bad.png",
             "--k", "0"], 2, "--k", "--k 0")
    refused([*dumps, *ramp, "--glass-max", "1.0", "--liquid", "1.0", "--liquid-tol", "0.5"], 2,
            "", "overlapping label rules")

    print(f"{len(failures)} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    MLGLASS, WORK = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    sys.exit(main())
