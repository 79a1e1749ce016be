#!/usr/bin/env python3
"""Robustness of `mlglass` (issue #12): what it must refuse, and how it fails.

* Full disk: every output (models, checkpoints, metrics, manifests, JSON, CSV) goes through the
  checked atomic writer. Under a file-size limit (RLIMIT_FSIZE with SIGXFSZ ignored: writes fail
  with EFBIG, as on a full disk with ENOSPC) export, train, dataset, tg and eval exit 1 with
  "cannot write FILE: File too large", never abort (134), and leave no FILE.tmp or partial FILE.
* eval (and attention) check every configuration against the model before sampling: a 3D dump with
  a 2D model, an atom type the model does not know (wherever it is).
* Numeric options are checked against their meaning (NaN, infinities, signs, ranges), naming the
  option; --window 0 is refused.
* train: --resume without a checkpoint, an OUT holding an earlier run without --overwrite, too few
  configurations for the validation split (a message naming --val-fraction, not "k = 10 folds"),
  --resume with other model options or a truncated checkpoint (the file, the cause, the fix, no
  LibTorch stack trace). cv and hyperopt: the same for their OUT, and too few for --folds.

Usage: test_robust_cli.py MLGLASS_EXECUTABLE WORK_DIR   (registered as ctest `cli.robust`)
"""
import glob
import math
import os
import random
import resource
import shutil
import signal
import subprocess
import sys

from cli_util import check, failures, frame


def limit_file_size(limit):
    def apply():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # inherited across exec: EFBIG, no signal
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    return apply


def run(*args, fsize=None):
    p = subprocess.run([MLGLASS, *args], capture_output=True, text=True, cwd=WORK,
                       preexec_fn=limit_file_size(fsize) if fsize is not None else None)
    return p.returncode, p.stdout, p.stderr


def write(name, text):
    with open(os.path.join(WORK, name), "w") as f:
        f.write(text)


def path(*parts):
    return os.path.join(WORK, *parts)


def tmp_files(where=None):
    return glob.glob(os.path.join(where or WORK, "**", "*.tmp*"), recursive=True)


TRAIN = ["--k", "3", "--window", "0.5", "--hidden", "16", "--ffn-hidden", "16", "--batch", "8",
         "--warmup", "1", "--val-windows", "2", "--seed", "3", "--quiet", "--no-plot"]
NO_TRACE = "Exception raised from"  # LibTorch's stack trace


def full_disk():
    # a model first (no limit), then each writer under a 4 kB file-size limit
    rc, so, se = run("train", "--manifest", "set.csv", "--out", "m", "--epochs", "1", *TRAIN)
    check(rc == 0, f"train exits 0 (stderr {se.strip()[-300:]})")
    model = path("m", "best.pt")
    size = os.path.getsize(model)

    rc, so, se = run("export", "m/best.pt", "deploy.pt", fsize=4096)
    check(rc == 1 and "cannot write deploy.pt: File too large" in se,
          f"export on a full disk: exit 1, 'cannot write deploy.pt: File too large' (rc {rc}, {se.strip()[-300:]})")
    check(not os.path.exists(path("deploy.pt")) and not tmp_files(),
          f"export on a full disk leaves no deploy.pt and no .tmp ({tmp_files()})")

    # an earlier model stays as it was
    shutil.copy(model, path("old.pt"))
    rc, so, se = run("export", "m/best.pt", "old.pt", fsize=4096)
    check(rc == 1 and os.path.getsize(path("old.pt")) == size, "a failed export leaves OUT as it was")

    rc, so, se = run("train", "--manifest", "set.csv", "--out", "full", "--epochs", "1", *TRAIN,
                     fsize=4096)
    check(rc == 1 and "cannot write full/" in se and "File too large" in se and NO_TRACE not in se,
          f"train on a full disk: exit 1 naming the file (rc {rc}, {se.strip()[-300:]})")
    check(not tmp_files(path("full")), f"train on a full disk leaves no .tmp ({tmp_files(path('full'))})")
    check(not glob.glob(path("full", "*.pt")), "train on a full disk leaves no half-written model")

    # the CSV and JSON writers: a manifest, T_g JSON, eval's ROC CSV
    big_rows = "".join(f"{i} {2.0 - 0.01 * i} {-2.6 - 0.002 * i + (0.001 * i if i > 100 else 0)}\n"
                       for i in range(200))
    write("eis.dat", "# step T E\n" + big_rows)
    rc, so, se = run("tg", "eis.dat", "--json", "tg.json", "--bootstrap", "0", fsize=64)
    check(rc == 1 and "cannot write tg.json: File too large" in se,
          f"tg --json on a full disk (rc {rc}, {se.strip()[-300:]})")
    check(not os.path.exists(path("tg.json")) and not tmp_files(), "tg leaves no tg.json, no .tmp")

    rc, so, se = run("dataset", "set.dump", "-o", "ds.csv", "--ramp", "2.0", "0.05", "2300",
                     "--glass-max", "0.5", "--liquid", "1.9", "--liquid-tol", "0.1", fsize=64)
    check(rc == 1 and "cannot write ds.csv: File too large" in se,
          f"dataset on a full disk (rc {rc}, {se.strip()[-300:]})")
    check(not os.path.exists(path("ds.csv")) and not tmp_files(), "dataset leaves no manifest, no .tmp")

    rc, so, se = run("eval", "--model", "m/best.pt", "--manifest", "set.csv", "--roc", "roc.csv",
                     fsize=64)
    check(rc == 1 and "cannot write roc.csv: File too large" in se,
          f"eval --roc on a full disk (rc {rc}, {se.strip()[-300:]})")
    check(not os.path.exists(path("roc.csv")) and not tmp_files(), "eval leaves no roc.csv, no .tmp")


def eval_refusals():
    rng = random.Random(9)
    with open(path("d3.dump"), "w") as f:
        f.write(frame(0, 0, rng, dim=3))
    write("d3.csv", "file,timestep,label\nd3.dump,0,0\n")
    for extra in ([], ["--tile"]):
        rc, so, se = run("eval", "--model", "m/best.pt", "--manifest", "d3.csv", *extra)
        check(rc == 1 and "d3.dump@0" in se and "trained on 2D configurations, the system is 3D" in se,
              f"eval {' '.join(extra)} refuses a 3D dump with a 2D model (rc {rc}, {se.strip()})")

    # type 3 on one atom of one frame: refused whatever the windows and the seed
    with open(path("t3.dump"), "w") as f:
        f.write(frame(0, 0, rng) + frame(100, 1, rng, ntypes=3))
    write("t3.csv", "file,timestep,label\nt3.dump,0,0\nt3.dump,100,1\n")
    for seed in ("1", "2", "3"):
        rc, so, se = run("eval", "--model", "m/best.pt", "--manifest", "t3.csv", "--seed", seed,
                         "--windows", "1")
        check(rc == 1 and "t3.dump@100" in se and "3 atom types" in se,
              f"eval --seed {seed} refuses atom type 3 (rc {rc}, {se.strip()})")
    rc, so, se = run("attention", "--model", "m/best.pt", "--manifest", "t3.csv", "--out", "att")
    check(rc == 1 and ("3 atom types" in se or "without attention" in se), f"attention refuses it too ({se.strip()})")


def bad_numbers():
    cases = [
        (["eval", "--model", "m/best.pt", "--manifest", "set.csv", "--window", "0"], "--window"),
        (["eval", "--model", "m/best.pt", "--manifest", "set.csv", "--window", "-1"], "--window"),
        (["eval", "--model", "m/best.pt", "--manifest", "set.csv", "--window", "nan"], "--window"),
        (["eval", "--model", "m/best.pt", "--manifest", "set.csv", "--tile", "--stride", "inf"], "--stride"),
        (["eval", "--model", "m/best.pt", "--manifest", "set.csv", "--seed", "-3"], "--seed"),
        (["train", "--manifest", "set.csv", "--out", "x", "--init-lr", "nan"], "--init-lr"),
        (["train", "--manifest", "set.csv", "--out", "x", "--max-lr", "inf"], "--max-lr"),
        (["train", "--manifest", "set.csv", "--out", "x", "--final-lr", "0"], "--final-lr"),
        (["train", "--manifest", "set.csv", "--out", "x", "--dropout", "nan"], "--dropout"),
        (["train", "--manifest", "set.csv", "--out", "x", "--clip", "-1"], "--clip"),
        (["train", "--manifest", "set.csv", "--out", "x", "--warmup", "nan"], "--warmup"),
        (["train", "--manifest", "set.csv", "--out", "x", "--window", "nan"], "--window"),
        (["train", "--manifest", "set.csv", "--out", "x", "--val-fraction", "nan"], "--val-fraction"),
        (["train", "--manifest", "set.csv", "--out", "x", "--weight-decay", "inf"], "--weight-decay"),
        (["train", "--manifest", "set.csv", "--out", "x", "--seed", "-1"], "--seed"),
        (["cv", "--manifest", "set.csv", "--out", "x", "--val-fraction", "0.7"], "--val-fraction"),
        (["hyperopt", "--manifest", "set.csv", "--out", "x", "--init-lr", "-1"], "--init-lr"),
        (["hyperopt", "--manifest", "set.csv", "--out", "x", "--window-min", "0.5", "--window-max", "0.3"],
         "--window-min"),
        (["hyperopt", "--manifest", "set.csv", "--out", "x", "--window-max", "1.5"], "--window-max"),
        (["hyperopt", "--manifest", "set.csv", "--out", "x", "--window-step", "0"], "--window-step"),
        (["hyperopt", "--manifest", "set.csv", "--out", "x", "--model", "rnn"], "--model"),
        (["hyperopt", "--manifest", "set.csv", "--out", "x", "--model", "cnn", "--fc-max", "0"], "--fc-max"),
        (["attention", "--model", "m/best.pt", "--manifest", "set.csv", "--out", "x",
          "--threshold", "nan"], "--threshold"),
    ]
    for args, option in cases:
        rc, so, se = run(*args)
        check(rc == 2 and option in se, f"{' '.join(args[:1] + args[-2:])}: exit 2 naming {option} "
              f"(rc {rc}, {se.strip()[:200]})")
    check(not os.path.exists(path("x")), "no output directory made for refused options")


def train_out_dir():
    rc, so, se = run("train", "--manifest", "set.csv", "--out", "fresh", "--resume", *TRAIN)
    check(rc == 2 and "fresh/checkpoint.pt does not exist" in se,
          f"--resume without a checkpoint is an error (rc {rc}, {se.strip()})")
    check(not os.path.exists(path("fresh", "best.pt")), "... and trains nothing")

    rc, so, se = run("train", "--manifest", "set.csv", "--out", "m", "--epochs", "1", *TRAIN)
    check(rc == 2 and "m holds an earlier run" in se and "--overwrite" in se,
          f"train into an earlier run without --resume/--overwrite is refused (rc {rc}, {se.strip()})")
    before = os.path.getmtime(path("m", "best.pt"))
    check(os.path.exists(path("m", "checkpoint.pt")), "... and the earlier run is kept")
    rc, so, se = run("train", "--manifest", "set.csv", "--out", "m", "--epochs", "1", "--overwrite",
                     *TRAIN)
    check(rc == 0 and os.path.getmtime(path("m", "best.pt")) >= before,
          f"--overwrite replaces it (rc {rc}, {se.strip()[-300:]})")
    rc, so, se = run("train", "--manifest", "set.csv", "--out", "m", "--resume", "--overwrite", *TRAIN)
    check(rc == 2 and "excludes" in se, f"--resume and --overwrite exclude each other ({se.strip()})")

    # --resume with other model options, and with a damaged checkpoint
    other = ["24" if TRAIN[i - 1] == "--hidden" else a for i, a in enumerate(TRAIN)]
    rc, so, se = run("train", "--manifest", "set.csv", "--out", "m", "--epochs", "2", "--resume",
                     *other)
    check(rc == 1 and "cannot resume from m/checkpoint.pt" in se and "other options" in se and
          "hidden 16 then, 24 now" in se and "--overwrite" in se and NO_TRACE not in se,
          f"--resume with another --hidden names the file, cause and fix (rc {rc}, {se.strip()[-500:]})")
    # options that keep every parameter shape, and other data, are refused the same way
    rc, so, se = run("train", "--manifest", "set.csv", "--out", "m", "--epochs", "2", "--resume",
                     "--dropout", "0.3", *TRAIN)
    check(rc == 1 and "other options" in se and "dropout" in se and "0.3 now" in se,
          f"--resume with another --dropout is refused naming it (rc {rc}, {se.strip()[-400:]})")
    write("half.csv", "".join(open(path("set.csv")).readlines()[:-2]))
    rc, so, se = run("train", "--manifest", "half.csv", "--out", "m", "--epochs", "2", "--resume",
                     *TRAIN)
    check(rc == 1 and "other options or data" in se and "training_data" in se,
          f"--resume with another manifest is refused (rc {rc}, {se.strip()[-400:]})")
    shutil.copytree(path("m"), path("cut"))
    ck = path("cut", "checkpoint.pt")
    with open(ck, "rb") as f:
        data = f.read()
    with open(ck, "wb") as f:
        f.write(data[: len(data) // 2])
    rc, so, se = run("train", "--manifest", "set.csv", "--out", "cut", "--epochs", "2", "--resume",
                     *TRAIN)
    check(rc == 1 and "cannot resume from cut/checkpoint.pt: the file is damaged" in se and
          NO_TRACE not in se, f"--resume from a truncated checkpoint (rc {rc}, {se.strip()[-500:]})")

    # too few configurations for the validation split: says which option, not "k = 10 folds"
    write("few.csv", "file,timestep,label\n" + "".join(f"set.dump,{100 * i},{i % 2}\n" for i in range(8)))
    rc, so, se = run("train", "--manifest", "few.csv", "--out", "few", *TRAIN)
    check(rc == 1 and "--val-fraction" in se and "--val-manifest" in se and "k = " not in se,
          f"too few configurations names --val-fraction (rc {rc}, {se.strip()})")

    # cv and hyperopt: the same rules for their OUT, and too few configurations for --folds
    rc, so, se = run("cv", "--manifest", "set.csv", "--out", "cvx", "--resume", *TRAIN[:-1])
    check(rc == 2 and "holds no earlier run" in se, f"cv --resume without a run (rc {rc}, {se.strip()})")
    os.makedirs(path("cvy", "fold-0"))
    rc, so, se = run("cv", "--manifest", "set.csv", "--out", "cvy", *TRAIN[:-1])
    check(rc == 2 and "cvy holds an earlier run" in se, f"cv into an earlier run (rc {rc}, {se.strip()})")
    rc, so, se = run("cv", "--manifest", "few.csv", "--out", "cvz", "--folds", "5", *TRAIN[:-1])
    check(rc == 1 and "--folds 5" in se and "k = " not in se,
          f"cv with too few configurations names --folds (rc {rc}, {se.strip()})")


def main():
    shutil.rmtree(WORK, ignore_errors=True)
    os.makedirs(WORK)
    rng = random.Random(5)
    rows = []
    with open(path("set.dump"), "w") as f:
        for i in range(24):
            f.write(frame(100 * i, i % 2, rng))
            rows.append(f"set.dump,{100 * i},{i % 2}")
    write("set.csv", "file,timestep,label\n" + "\n".join(rows) + "\n")
    full_disk()
    eval_refusals()
    bad_numbers()
    train_out_dir()
    if failures:
        print(f"{len(failures)} check(s) failed")
        return 1
    print("all checks passed")
    return 0


if __name__ == "__main__":
    MLGLASS = os.path.abspath(sys.argv[1])
    WORK = os.path.abspath(sys.argv[2])
    sys.exit(main())
