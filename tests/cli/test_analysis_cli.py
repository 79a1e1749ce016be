#!/usr/bin/env python3
"""`mlglass train` (learning-curve PNG), `eval --roc-png`, `export`, `info` and `attention` end to
end on a tiny synthetic set (2D "glass" = jittered triangular lattice, "liquid" = uniform random),
including bad input (missing model, a model without attention, a wrong manifest), exit codes and
messages, `--help` and the unknown-subcommand message. If /usr/bin/python3 (or the running
Python) can import torch, the exported model is also loaded in PyTorch and must give the same
logits as the training output it came from.

Usage: test_analysis_cli.py MLGLASS_EXECUTABLE WORK_DIR   (registered as ctest `cli.analysis`)
"""
import csv
import hashlib
import json
import math
import os
import random
import shutil
import subprocess
import sys

from cli_util import check, failures, frame


def run(*args, env=None):
    p = subprocess.run([MLGLASS, *args], capture_output=True, text=True, cwd=WORK,
                       env={**os.environ, **(env or {})})
    return p.returncode, p.stdout, p.stderr


def is_png(path):
    try:
        with open(path, "rb") as f:
            return f.read(8) == b"\x89PNG\r\n\x1a\n"
    except OSError:
        return False


def write(path, text):
    with open(path, "w") as f:
        f.write(text)


TRAIN = ["--k", "3", "--window", "0.5", "--hidden", "16", "--ffn-hidden", "16", "--batch", "8",
         "--warmup", "1", "--val-windows", "2", "--seed", "3", "--quiet"]


def python_check(model, original):
    """Loads both files in PyTorch (if the Python has torch) and compares their logits."""
    code = r"""
import json, sys, torch
def load(path):
    extra = {"mlglass_metadata.json": ""}
    m = torch.jit.load(path, _extra_files=extra)
    m.eval()
    return m, json.loads(extra["mlglass_metadata.json"])
m, meta = load(sys.argv[1])
o, _ = load(sys.argv[2])
assert "export" in meta and meta["attention"] is True, meta.keys()
g = torch.Generator().manual_seed(0)
n = 30
x = torch.nn.functional.one_hot(torch.randint(0, 2, (n,), generator=g), 2).float()
src = torch.arange(n).repeat_interleave(2)
dst = torch.stack([(torch.arange(n) + 1) % n, (torch.arange(n) + 2) % n], 1).reshape(-1)
src, dst = torch.cat([src, dst]), torch.cat([dst, src])
E = src.numel()
rev = torch.cat([torch.arange(E // 2) + E // 2, torch.arange(E // 2)])
e = torch.rand(E, 1, generator=g) + 0.8
e = (e + e[rev]) / 2
ng = torch.zeros(n, dtype=torch.long)
with torch.no_grad():
    a = m(x, e, src, dst, rev, ng, 1)
    b = o(x, e, src, dst, rev, ng, 1)
    la, alpha = m.forward_attention(x, e, src, dst, rev, ng, 1)
assert torch.equal(a, b), (a, b)
assert abs(float(alpha.sum()) - 1.0) < 1e-5
print("python ok", float(a[0]))
"""
    for py in (sys.executable, "/usr/bin/python3"):
        if subprocess.run([py, "-c", "import torch"], capture_output=True).returncode == 0:
            p = subprocess.run([py, "-c", code, model, original], capture_output=True, text=True)
            check(p.returncode == 0 and "python ok" in p.stdout,
                  f"exported model loads in PyTorch ({py}) with the same logits "
                  f"(stdout {p.stdout.strip()}; stderr {p.stderr.strip()[-400:]})")
            return
    print("skip PyTorch load check: no Python with torch")


def main():
    shutil.rmtree(WORK, ignore_errors=True)
    os.makedirs(WORK)
    rng = random.Random(5)
    rows = []
    with open(os.path.join(WORK, "set.dump"), "w") as f:
        for i in range(24):
            f.write(frame(100 * i, i % 2, rng))
            rows.append(f"set.dump,{100 * i},{i % 2}")
    write(os.path.join(WORK, "set.csv"), "file,timestep,label\n" + "\n".join(rows) + "\n")
    write(os.path.join(WORK, "bad.csv"), "file,step\nset.dump,0\n")

    # --help and the unknown-subcommand message name the new subcommands
    rc, so, se = run("--help")
    check(rc == 0 and all(s in so for s in ("export", "info", "attention")),
          "mlglass --help lists export, info, attention")
    rc, so, se = run("exprot")
    check(rc == 2 and "export, info, attention" in se, f"unknown subcommand lists them ({se.strip()})")

    # train with attention: learning.png written by default
    rc, so, se = run("train", "--manifest", "set.csv", "--out", "att", "--epochs", "3",
                     "--attention", *TRAIN)
    check(rc == 0, f"train --attention exits 0 (stderr {se.strip()[-400:]})")
    check(is_png(os.path.join(WORK, "att", "learning.png")), "train writes OUT/learning.png")
    check("learning curves: att/learning.png" in so, f"train names the plot ({so.strip()})")

    # no Python: a warning, not an error; --plot names another file
    rc, so, se = run("train", "--manifest", "set.csv", "--out", "plain", "--epochs", "1", *TRAIN,
                     "--plot", "plain-curves.png", env={"MLGLASS_PYTHON": "/nonexistent/python3"})
    check(rc == 0 and "warning: no learning-curve plot" in se,
          f"train without a Python warns and exits 0 (rc {rc}, stderr {se.strip()})")
    check(not os.path.exists(os.path.join(WORK, "plain-curves.png")), "no plot then")
    rc, so, se = run("train", "--manifest", "set.csv", "--out", "plain2", "--epochs", "1", *TRAIN,
                     "--no-plot")
    check(rc == 0 and not os.path.exists(os.path.join(WORK, "plain2", "learning.png")),
          "--no-plot writes no plot")

    # eval --roc-png
    rc, so, se = run("eval", "--model", "att/best.pt", "--manifest", "set.csv", "--roc-png", "roc.png")
    check(rc == 0 and is_png(os.path.join(WORK, "roc.png")), f"eval --roc-png (stderr {se.strip()})")
    check(not [f for f in os.listdir(WORK) if f.startswith("roc.png.")], "no scratch ROC CSV left")

    # info
    rc, so, se = run("info", "att/best.pt")
    check(rc == 0 and "attention yes" in so and "k = 3" in so, f"info summary ({so.strip()})")
    rc, so, se = run("info", "att/best.pt", "--json")
    check(rc == 0 and json.loads(so)["format"] == "mlglass-dmpnn", "info --json prints the metadata")
    rc, so, se = run("info", "set.csv")
    check(rc == 1 and "not a TorchScript model file" in se, f"info of a CSV exits 1 ({se.strip()})")

    # export
    rc, so, se = run("export", "att/best.pt", "deploy.pt")
    check(rc == 0 and "identical logits and attention weights" in so,
          f"export checks the reload (rc {rc}, {so.strip()} {se.strip()})")
    check(os.path.exists(os.path.join(WORK, "deploy.pt")) and
          not os.path.exists(os.path.join(WORK, "deploy.pt.tmp")), "export writes OUT, no .tmp")
    rc, so, se = run("info", "deploy.pt")
    check(rc == 0 and "exported:" in so, "info shows the export record")
    rc, so, se = run("export", os.path.join(WORK, "att", "best.pt"), "deploy.json", "--metadata-only")
    with open(os.path.join(WORK, "deploy.json")) as f:
        record = json.load(f).get("export", {})
    with open(os.path.join(WORK, "att", "best.pt"), "rb") as f:
        digest = hashlib.sha256(f.read()).hexdigest()
    check(rc == 0 and record.get("source") == {"file": "best.pt", "sha256": digest},
          f"export --metadata-only writes the JSON with the input's name and SHA-256 ({record})")
    check(record.get("command") == ["mlglass", "export", "best.pt", "deploy.json", "--metadata-only"],
          f"the export record keeps the command without directories ({record.get('command')})")
    rc, so, se = run("export", "nothere.pt", "x.pt")
    check(rc == 1 and "does not exist" in se and not os.path.exists(os.path.join(WORK, "x.pt")),
          f"export of a missing model exits 1 ({se.strip()})")
    rc, so, se = run("export", "att/best.pt")
    check(rc == 2, "export without OUT exits 2")
    # like dataset and train, export creates the folder it writes into (the tutorial's models/)
    rc, so, se = run("export", "att/best.pt", "new/dir/x.pt")
    check(rc == 0 and os.path.isfile(os.path.join(WORK, "new/dir/x.pt")),
          f"export into a missing directory creates it ({se.strip()})")
    # a folder that cannot be made (its parent is a file): exit 1, one short message, nothing left
    with open(os.path.join(WORK, "plainfile"), "w") as f:
        f.write("x")
    rc, so, se = run("export", "att/best.pt", "plainfile/x.pt")
    check(rc == 1 and "cannot create directory plainfile" in se and len(se) < 600,
          f"export under a plain file exits 1, one short message ({se.strip()})")
    python_check(os.path.join(WORK, "deploy.pt"), os.path.join(WORK, "att", "best.pt"))

    # attention
    rc, so, se = run("attention", "--model", "deploy.pt", "--manifest", "set.csv", "--out", "attn",
                     "--windows", "2")
    check(rc == 0, f"attention exits 0 (stderr {se.strip()[-400:]})")
    out = os.path.join(WORK, "attn")
    for name in ("edges.csv", "particles.csv", "windows.csv", "summary.csv", "summary.json"):
        check(os.path.exists(os.path.join(out, name)), f"attention writes {name}")
    check(is_png(os.path.join(out, "attention.png")), "attention writes attention.png")
    if rc == 0:
        with open(os.path.join(out, "edges.csv")) as f:
            edges = list(csv.DictReader(f))
        check(list(edges[0].keys()) == ["window", "src_id", "dst_id", "src_type", "dst_type",
                                        "distance", "attention", "high"], "edges.csv columns")
        sums = {}
        for e in edges:
            sums[e["window"]] = sums.get(e["window"], 0.0) + float(e["attention"])
        check(len(sums) == 48 and all(abs(s - 1) < 1e-4 for s in sums.values()),
              "48 windows, weights sum to 1 in each")
        with open(os.path.join(out, "summary.json")) as f:
            s = json.load(f)
        check(s["by_label"]["glass"]["windows"] == 24 and s["by_label"]["liquid"]["windows"] == 24,
              "summary.json: 24 glass and 24 liquid windows")
        check("components" in s["by_label"]["glass"] and "isolated_a" in s["by_label"]["liquid"],
              "summary.json has the graph metrics")
    rc, so, se = run("attention", "--model", "deploy.pt", "--manifest", "set.csv", "--out", "attq",
                     "--quantile", "0.9", "--no-plot")
    check(rc == 0 and "0.9-quantile" in so and not os.path.exists(os.path.join(WORK, "attq", "attention.png")),
          f"--quantile rule, --no-plot ({so.strip()})")
    rc, so, se = run("attention", "--model", "deploy.pt", "--manifest", "set.csv", "--out", "x",
                     "--quantile", "0.9", "--threshold", "2")
    check(rc == 2, "--quantile with --threshold exits 2")

    # bad input
    rc, so, se = run("attention", "--model", "plain/best.pt", "--manifest", "set.csv", "--out", "y")
    check(rc == 1 and "without attention" in se, f"a model without attention exits 1 ({se.strip()})")
    check(not os.path.exists(os.path.join(WORK, "y")), "and writes nothing")
    rc, so, se = run("attention", "--model", "missing.pt", "--manifest", "set.csv", "--out", "y")
    check(rc == 1 and "does not exist" in se, f"a missing model exits 1 ({se.strip()})")
    rc, so, se = run("attention", "--model", "deploy.pt", "--manifest", "bad.csv", "--out", "y")
    check(rc == 1 and "bad.csv" in se, f"a wrong manifest exits 1 ({se.strip()})")
    rc, so, se = run("attention", "--model", "deploy.pt", "--manifest", "nothere.csv", "--out", "y")
    check(rc == 1 and "nothere.csv" in se, f"a missing manifest exits 1 ({se.strip()})")

    print(f"{len(failures)} failure(s)")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    MLGLASS, WORK = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    main()
