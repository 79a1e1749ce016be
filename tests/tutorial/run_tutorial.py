#!/usr/bin/env python3
"""Runs doc/tutorial.rst as written: every ``.. code-block:: bash`` block of the page, in order, in
one bash session, in an empty temporary folder, at the page's quick scale (SCALE=quick), with R set
to this repository. Then checks what the page promises: manifests, a trained and exported model, a
monitoring run that used that model, and the plot. Fails when the page and the tools drift apart.

    run_tutorial.py REPO WORK_DIR
"""
import csv
import os
import re
import shutil
import subprocess
import sys
import time


def bash_blocks(rst_text):
    """The bodies of the page's ``.. code-block:: bash`` directives, dedented, in page order."""
    blocks, lines, i = [], rst_text.splitlines(), 0
    while i < len(lines):
        if re.match(r"^\s*\.\. code-block:: bash\s*$", lines[i]):
            i += 1
            body = []
            while i < len(lines) and (lines[i].strip() == "" or lines[i].startswith("   ")):
                body.append(lines[i])
                i += 1
            while body and body[-1].strip() == "":
                body.pop()
            indent = min(len(l) - len(l.lstrip()) for l in body if l.strip())
            blocks.append("\n".join(l[indent:] for l in body))
        else:
            i += 1
    return blocks


def untracked(repo):
    out = subprocess.run(["git", "-C", repo, "status", "--porcelain", "--untracked-files=all"],
                         capture_output=True, text=True)
    return set(out.stdout.splitlines()) if out.returncode == 0 else set()


def fail(msg):
    print("tutorial: FAILED: " + msg)
    sys.exit(1)


def main():
    repo, work = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    page = os.path.join(repo, "doc", "tutorial.rst")
    blocks = bash_blocks(open(page, encoding="utf-8").read())
    if len(blocks) < 7:
        fail(f"{page} has {len(blocks)} bash blocks, the tutorial has 7 steps with commands")
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    script = os.path.join(work, "tutorial.sh")
    with open(script, "w") as f:
        f.write("set -euo pipefail\n")
        for n, b in enumerate(blocks, 1):
            f.write(f"echo '=== tutorial block {n} ==='\n{b}\n")
    before = untracked(repo)
    env = dict(os.environ, R=repo, SCALE="quick", HOME=work)
    start = time.time()
    r = subprocess.run(["bash", script], cwd=work, env=env)
    print(f"tutorial: {len(blocks)} blocks ran in {time.time() - start:.0f} s, exit {r.returncode}")
    if r.returncode != 0:
        fail(f"a command of {page} failed (script {script})")

    # what the page says each step leaves behind
    for rel in ["data/ka2d/train.csv", "data/ka2d/val.csv", "data/ka2d/test-0.55.csv",
                "data/ka2d/model/best.pt", "data/ka2d/model/metrics.csv",
                "data/ka2d/test-0.55.p.csv", "models/ka2d-mine.pt", "monitor/monitor.dat",
                "monitor/tg.json", "monitor/monitor.png"]:
        p = os.path.join(work, rel)
        if not (os.path.isfile(p) and os.path.getsize(p) > 0):
            fail(f"{rel} missing or empty after the tutorial")
    for name in ["train.csv", "val.csv"]:
        with open(os.path.join(work, "data/ka2d", name)) as f:
            labels = {row["label"] for row in csv.DictReader(f)}
        if labels != {"0", "1"}:
            fail(f"data/ka2d/{name} does not hold both classes: labels {sorted(labels)}")
    # the monitoring run used the freshly exported model, not the shipped one
    log = open(os.path.join(work, "monitor/log.lammps"), errors="replace").read()
    if "models/ka2d-mine.pt" not in log:
        fail("monitor/log.lammps does not show compute glass/mpnn loading models/ka2d-mine.pt")
    rows = [l.split() for l in open(os.path.join(work, "monitor/monitor.dat"))
            if l.strip() and not l.startswith("#")]
    if len(rows) < 3:
        fail(f"monitor/monitor.dat has {len(rows)} samples")
    for row in rows:  # step Tramp E_IS components BBlinks isolatedA P(glass) fraction
        p = float(row[6])
        if not 0.0 <= p <= 1.0:
            fail(f"monitor/monitor.dat: P(glass) {p} outside [0, 1] at step {row[0]}")
    new = untracked(repo) - before
    if new:
        fail("the tutorial wrote into the repository: " + ", ".join(sorted(new)[:5]))
    print("tutorial: passed")


if __name__ == "__main__":
    main()
