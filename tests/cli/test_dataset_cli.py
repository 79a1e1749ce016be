#!/usr/bin/env python3
"""`mlglass dataset` end to end: two tiny cooling runs (3 frames each, one per directory) and a
timestep -> T file as `fix ave/time` writes it; the manifest lines, labels and groups, --ramp,
--every, --group-by, exit codes 0/1/2 and their messages, and that a failed run writes no manifest.

Usage: test_dataset_cli.py MLGLASS_EXECUTABLE WORK_DIR   (registered as ctest `cli.dataset`)
"""
import os
import shutil
import subprocess
import sys

failures = []


def check(cond, what):
    print(("ok   " if cond else "FAIL ") + what)
    if not cond:
        failures.append(what)


def frame(step, n=4):
    lines = [
        "ITEM: TIMESTEP", str(step), "ITEM: NUMBER OF ATOMS", str(n),
        "ITEM: BOX BOUNDS pp pp pp", "0 4", "0 4", "-0.5 0.5", "ITEM: ATOMS id type x y z",
    ]
    for i in range(n):
        lines.append(f"{i + 1} {1 + i % 2} {0.5 + i} {0.25 * step / 100 + 0.5} 0")
    return "\n".join(lines) + "\n"


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text)


def run(*args):
    p = subprocess.run([MLGLASS, "dataset", *args], capture_output=True, text=True, cwd=WORK)
    return p.returncode, p.stdout, p.stderr


def manifest(path):
    with open(path) as f:
        lines = f.read().splitlines()
    return lines[0], [l.split(",") for l in lines[1:]]


def fresh(path):
    for p in (path, path + ".tmp"):
        if os.path.exists(p):
            os.remove(p)


RULES = ["--glass-max", "0.1", "--liquid", "2.0", "--liquid-tol", "0.3"]


def main():
    shutil.rmtree(WORK, ignore_errors=True)
    os.makedirs(WORK)
    for run_dir in ("run-a", "run-b"):
        write(os.path.join(WORK, run_dir, "traj.dump"), "".join(frame(s) for s in (0, 100, 200)))
    write(os.path.join(WORK, "eis.dat"),
          "# Time-averaged data for fix eis\n# TimeStep v_Tramp f_is f_is[3]\n"
          "0 2.0 -2.5 -10\n100 1.0 -2.6 -10.4\n200 0.05 -2.7 -10.8\n")
    write(os.path.join(WORK, "gap.dat"), "# TimeStep v_Tramp\n0 2.0\n200 0.05\n")
    dumps = ["run-a/traj.dump", "run-b/traj.dump"]
    out = os.path.join(WORK, "data", "ds.csv")

    # --temps: liquid at step 0, unlabelled at 100, glass at 200; paths relative to data/.
    rc, so, se = run(*dumps, "--temps", "eis.dat", *RULES, "-o", "data/ds.csv")
    check(rc == 0, f"--temps exits 0 (got {rc}; stderr: {se.strip()})")
    if rc == 0:
        header, rows = manifest(out)
        check(header == "file,timestep,label,temperature,group", f"header ({header})")
        expect = [["../run-a/traj.dump", "0", "0", "2", "run-a"],
                  ["../run-a/traj.dump", "200", "1", "0.05", "run-a"],
                  ["../run-b/traj.dump", "0", "0", "2", "run-b"],
                  ["../run-b/traj.dump", "200", "1", "0.05", "run-b"]]
        check(rows == expect, f"manifest rows {rows}")
        check("2 glass (1), 2 liquid (0), 2 unlabelled" in so, f"counts reported ({so.strip()})")
        check(not os.path.exists(out + ".tmp"), "no temporary file left")

    # --ramp gives the same labels (T(100) = 1.025 is in neither class), with --temp-col ignored.
    fresh(out)
    rc, so, se = run(*dumps, "--ramp", "2.0", "0.05", "200", *RULES, "-o", "data/ds.csv")
    check(rc == 0, f"--ramp exits 0 (got {rc}; stderr: {se.strip()})")
    if rc == 0:
        _, rows = manifest(out)
        check([(r[0], r[1], r[2], r[4]) for r in rows] ==
              [("../run-a/traj.dump", "0", "0", "run-a"), ("../run-a/traj.dump", "200", "1", "run-a"),
               ("../run-b/traj.dump", "0", "0", "run-b"), ("../run-b/traj.dump", "200", "1", "run-b")],
              f"--ramp rows {rows}")

    # dumps that end (step 200) before the stated ramp (2000 steps): the run used a shorter ramp,
    # and its glass frames would be labelled liquid (T(200) = 1.805). Refused, nothing written,
    # unless the run is declared cut short.
    fresh(out)
    rc, so, se = run(*dumps, "--ramp", "2.0", "0.05", "2000", "--liquid", "1.9", "--liquid-tol", "0.2",
                     "--allow-one-class", "-o", "data/ds.csv")
    check(rc == 1 and "run-a/traj.dump: the last frame is at timestep 200, before the end of --ramp"
          " (2000 steps)" in se and "--allow-partial-ramp" in se,
          f"a ramp longer than the dumps is refused (got {rc}; {se.strip()})")
    check(not os.path.exists(out), "no manifest for a ramp the dumps contradict")
    rc, so, se = run(*dumps, "--ramp", "2.0", "0.05", "2000", "--liquid", "1.9", "--liquid-tol", "0.2",
                     "--allow-one-class", "--allow-partial-ramp", "-o", "data/ds.csv")
    check(rc == 0 and os.path.exists(out), f"--allow-partial-ramp accepts it (got {rc}; {se.strip()})")

    # --every 2 keeps the 1st and 3rd labelled frame per file; --group-by file / none.
    fresh(out)
    rc, so, se = run(*dumps, "--ramp", "2.0", "0.05", "200", "--liquid", "1.0", "--liquid-tol", "1.5",
                     "--every", "2", "--group-by", "file", "--allow-one-class", "-o", "data/ds.csv")
    check(rc == 0, f"--every 2 exits 0 (got {rc}; stderr: {se.strip()})")
    if rc == 0:
        _, rows = manifest(out)
        check([(r[1], r[2]) for r in rows] == [("0", "0"), ("200", "0")] * 2, f"--every rows {rows}")
        check({r[4] for r in rows} == {"traj.dump"}, "--group-by file: the dump's file name")
        check("warning" in se and "group 'traj.dump'" in se, "warning about a shared file-name group")
    # only liquid frames: exit 1 without --allow-one-class, 0 with it
    fresh(out)
    rc, so, se = run(*dumps, "--ramp", "2.0", "0.05", "200", "--liquid", "1.0", "--liquid-tol", "1.5",
                     "--group-by", "none", "-o", "data/ds.csv")
    check(rc == 1 and "only liquid frames" in se and not os.path.exists(out),
          f"one class exits 1 and writes nothing (got {rc}; {se.strip()})")
    rc, so, se = run(*dumps, "--ramp", "2.0", "0.05", "200", "--liquid", "1.0", "--liquid-tol", "1.5",
                     "--group-by", "none", "--allow-one-class", "-o", "data/ds.csv")
    check(rc == 0, f"--allow-one-class exits 0 (got {rc}; {se.strip()})")
    if rc == 0:
        _, rows = manifest(out)
        check(len(rows) == 6 and all(r[4] == "" for r in rows), f"--group-by none rows {rows}")
    # an absolute manifest path elsewhere: absolute path on a different tree is still resolvable
    rc, so, se = run(os.path.join(WORK, "run-a", "traj.dump"), "--temps", "eis.dat", *RULES,
                     "-o", os.path.join(WORK, "run-a", "m.csv"))
    check(rc == 0, f"manifest next to the dump exits 0 (got {rc}; {se.strip()})")
    if rc == 0:
        _, rows = manifest(os.path.join(WORK, "run-a", "m.csv"))
        check(rows[0][0] == "traj.dump", f"path relative to the manifest ({rows[0][0]})")

    # ---- data errors: exit 1, no manifest ----
    fresh(out)
    rc, so, se = run(*dumps, "--temps", "gap.dat", *RULES, "-o", "data/ds.csv")
    check(rc == 1, f"missing temperature exits 1 (got {rc})")
    check("mlglass dataset: error: run-a/traj.dump: frame 1, timestep 100: no temperature" in se,
          f"message names the dump, frame and timestep ({se.strip()})")
    check(not os.path.exists(out) and not os.path.exists(out + ".tmp"), "no manifest after an error")
    rc, so, se = run("run-a/traj.dump", "missing.dump", "--temps", "eis.dat", *RULES, "-o", "data/ds.csv")
    check(rc == 1 and "missing.dump" in se and not os.path.exists(out),
          f"missing dump exits 1 naming it (got {rc}; {se.strip()})")
    rc, so, se = run(*dumps, "--temps", "nope.dat", *RULES, "-o", "data/ds.csv")
    check(rc == 1 and "nope.dat" in se, f"missing --temps file exits 1 (got {rc}; {se.strip()})")
    rc, so, se = run("run-a/traj.dump", "run-a/traj.dump", "--temps", "eis.dat", *RULES, "-o", "data/ds.csv")
    check(rc == 1 and "already in the manifest" in se, f"a dump twice exits 1 (got {rc}; {se.strip()})")

    # ---- usage errors: exit 2 ----
    for args, needle in [
        ((*dumps, "--temps", "eis.dat", "-o", "data/ds.csv"), "no labelling rule"),
        ((*dumps, *RULES, "-o", "data/ds.csv"), "exactly one of --ramp and --temps"),
        ((*dumps, "--temps", "eis.dat", "--ramp", "2", "0.05", "200", *RULES, "-o", "x.csv"), "excludes"),
        ((*dumps, "--ramp", "2", "0.05", "200", "--liquid", "2.0", "-o", "x.csv"), "--liquid needs --liquid-tol"),
        ((*dumps, "--ramp", "2", "0.05", "0", *RULES, "-o", "x.csv"), "STEPS"),
        ((*dumps, "--ramp", "2", "0.05", "200", "--glass-max", "1.8", "--liquid", "2.0",
          "--liquid-tol", "0.3", "-o", "x.csv"), "overlap"),
        ((*dumps, "--ramp", "2", "0.05", "200", *RULES, "--every", "0", "-o", "x.csv"), "--every"),
        ((*dumps, "--ramp", "2", "0.05", "200", *RULES, "--group-by", "seed", "-o", "x.csv"), "--group-by"),
        ((*dumps, "--ramp", "2", "0.05", "200", *RULES), "--output"),
    ]:
        rc, so, se = run(*args)
        check(rc == 2 and needle in se and "--help" in se,
              f"usage error '{needle}' exits 2 (got {rc}; {se.strip()})")
    check(not os.path.exists(out) and not os.path.exists(os.path.join(WORK, "x.csv")),
          "no manifest after usage errors")

    print(f"{len(failures)} failure(s)")
    return 1 if failures else 0


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    MLGLASS, WORK = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    sys.exit(main())
