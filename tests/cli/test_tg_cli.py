#!/usr/bin/env python3
"""`mlglass tg` end to end: a synthetic is.dat as `fix inherent ... file` writes it, the JSON
output, exit codes 0/1/2 and their messages, and that a failed run leaves no output files.

Usage: test_tg_cli.py MLGLASS_EXECUTABLE WORK_DIR   (registered as ctest `cli.tg`)
"""
import json
import os
import random
import shutil
import subprocess
import sys

TG, GLASS_SLOPE, LIQUID_SLOPE, E_TG, N_ATOMS = 0.40, 0.2, 0.8, -2.5, 1000
HEADER = (
    "# fix q inherent: one line per quench\n"
    "# step temp eis_atom eis_total iterations evaluations fnorm reason\n"
    "# reason: 0 max iterations, 1 max force evaluations, 2 energy tolerance, "
    "3 force tolerance, 11 max iterations with v.f negative\n"
)

failures = []


def check(cond, what):
    print(("ok   " if cond else "FAIL ") + what)
    if not cond:
        failures.append(what)


def is_dat_lines(seed=4):
    """Data lines of a cooling ramp from T = 1.0 to 0.05 with a kink at TG (noise sd 0.002)."""
    rng = random.Random(seed)
    lines = []
    for i in range(40):
        t = 1.0 - 0.95 * i / 39
        slope = GLASS_SLOPE if t < TG else LIQUID_SLOPE
        e = E_TG + slope * (t - TG) + rng.gauss(0.0, 0.002)
        lines.append(f"{1000 * (i + 1)} {t:.8g} {e:.12g} {e * N_ATOMS:.12g} 412 425 9.5e-09 3\n")
    return lines


def run(*args):
    p = subprocess.run([MLGLASS, *args], capture_output=True, text=True, cwd=WORK)
    return p.returncode, p.stdout, p.stderr


def main():
    os.makedirs(WORK, exist_ok=True)
    good = os.path.join(WORK, "is.dat")
    with open(good, "w") as f:
        f.write(HEADER + "".join(is_dat_lines()))

    # A good file: exit 0, summary, JSON near the truth.
    out = os.path.join(WORK, "out.json")
    for stale in (out, out + ".tmp"):
        if os.path.exists(stale):
            os.remove(stale)
    rc, so, se = run("tg", good, "--json", out)
    check(rc == 0, f"good file exits 0 (got {rc}; stderr: {se.strip()})")
    check("T_g = " in so and "glass" in so and "liquid" in so, "summary printed")
    check(os.path.exists(out) and not os.path.exists(out + ".tmp"), "JSON written, no .tmp left")
    if os.path.exists(out):
        with open(out) as f:
            fit = json.load(f)
        check(abs(fit["tg"] - TG) < 0.05, f"JSON tg {fit['tg']} within 0.05 of {TG}")
        check(0 < fit["tg_std"] < 0.05, f"JSON tg_std {fit['tg_std']} small")
        check(fit["tg_lo"] <= fit["tg"] <= fit["tg_hi"], "tg inside [tg_lo, tg_hi]")
        check(fit["glass"]["n_points"] + fit["liquid"]["n_points"] == 40, "40 points in the two regimes")
        check(fit["t_min"] is None and fit["bootstrap"] == 1000 and fit["seed"] == 12345, "defaults recorded")
        check(fit["intersection_inside"] is True, "intersection inside the data")

    # Non-numeric energy in line 5 (the second data line): exit 1, file and line named, no output.
    lines = HEADER.splitlines(keepends=True) + is_dat_lines()
    fields = lines[4].split()
    fields[2] = "-2.4x7"
    lines[4] = " ".join(fields) + "\n"
    bad = os.path.join(WORK, "bad.dat")
    with open(bad, "w") as f:
        f.write("".join(lines))
    bad_out = os.path.join(WORK, "bad.json")
    rc, so, se = run("tg", bad, "--json", bad_out)
    check(rc == 1, f"malformed file exits 1 (got {rc})")
    check(bad in se and "line 5" in se, f"message names the file and line 5: {se.strip()}")
    check(se.startswith("mlglass tg: error: "), "message starts with 'mlglass tg: error: '")
    check(not os.path.exists(bad_out) and not os.path.exists(bad_out + ".tmp"), "no JSON after a data error")

    rc, so, se = run("tg", os.path.join(WORK, "no_such_file.dat"))
    check(rc == 1 and "no_such_file.dat" in se, f"missing file exits 1 and is named (got {rc})")

    # Usage errors: exit 2.
    for args in (["tg"], ["tg", good, "--min-points", "1"], ["tg", good, "--bogus"],
                 ["tg", good, "--tmin", "0.8", "--tmax", "0.2"], ["frobnicate"]):
        rc, so, se = run(*args)
        check(rc == 2 and ": error: " in se, f"usage error {args[1:] or args} exits 2 (got {rc}: {se.strip()})")
    for args, expect in ((["--help"], "tg"), (["tg", "--help"], "--json")):
        rc, so, se = run(*args)
        check(rc == 0 and expect in so, f"mlglass {' '.join(args)} exits 0 and shows {expect}")

    # A failed plot (its directory does not exist) fails the run and leaves neither the JSON nor a PNG.
    half = os.path.join(WORK, "half.json")
    rc, so, se = run("tg", good, "--json", half, "--plot", os.path.join(WORK, "no_dir", "p.png"))
    check(rc == 1 and not os.path.exists(half) and not os.path.exists(half + ".tmp"),
          f"failed plot: exit 1, no JSON left (got {rc})")

    # The plot itself, where this Python has matplotlib (the build picks such a Python for mlglass).
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        print("skip plot: no matplotlib")
    else:
        png = os.path.join(WORK, "tg.png")
        if os.path.exists(png):
            os.remove(png)
        rc, so, se = run("tg", good, "--plot", png, "--bootstrap", "200")
        magic = b""
        if os.path.exists(png):
            with open(png, "rb") as f:
                magic = f.read(8)
        check(rc == 0 and magic == b"\x89PNG\r\n\x1a\n", f"--plot writes a PNG (got {rc}: {se.strip()})")

    print(f"cli.tg: {len(failures)} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    MLGLASS, WORK = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    shutil.rmtree(WORK, ignore_errors=True)
    sys.exit(main())
