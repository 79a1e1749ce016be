#!/usr/bin/env python3
"""The reproduction's control classifier (classify.sh baseline): P(glass) from nothing but the
mean potential energy per particle of a window (the c_pea column the cooling runs dump), on the
same train/test runs as the cross-dataset matrix. For each dataset: 4 random periodic square
windows of side WINDOW per configuration (the D-MPNN's test windows), the sign of the score
(lower energy = glass, or the reverse) chosen on the training runs, the AUC on the test runs.
Also the whole-configuration energy (one number per configuration).

  baseline.py CLASSIFY_DIR WINDOW NTRAIN
CLASSIFY_DIR holds ds<i>-train.csv and ds<i>-test.csv (classify.sh cross).
"""
import csv
import os
import sys

import numpy as np


def frames(dump, wanted):
    """{timestep: (L, xy, pe)} of the wanted timesteps of a LAMMPS text dump (id type xs ys c_pea)."""
    out = {}
    with open(dump) as f:
        while wanted - out.keys():
            line = f.readline()
            if not line:
                break
            if not line.startswith("ITEM: TIMESTEP"):
                continue
            step = int(f.readline())
            f.readline()
            n = int(f.readline())
            f.readline()
            lo, hi = map(float, f.readline().split()[:2])
            f.readline()
            f.readline()
            cols = f.readline().split()[2:]
            if step not in wanted:
                for _ in range(n):
                    f.readline()
                continue
            data = np.array([f.readline().split() for _ in range(n)], dtype=float)
            ix, iy, ip = cols.index("xs"), cols.index("ys"), cols.index("c_pea")
            out[step] = (hi - lo, data[:, [ix, iy]] * (hi - lo), data[:, ip])
    return out


def load(manifest):
    base = os.path.dirname(manifest)
    rows = list(csv.DictReader(open(manifest)))
    by_file = {}
    for r in rows:
        by_file.setdefault(os.path.normpath(os.path.join(base, r["file"])), set()).add(int(r["timestep"]))
    data = {f: frames(f, steps) for f, steps in by_file.items()}
    return [(data[os.path.normpath(os.path.join(base, r["file"]))][int(r["timestep"])], int(r["label"]))
            for r in rows]


def window_scores(configs, side, rng, per_config=4):
    s, y = [], []
    for (L, xy, pe), label in configs:
        for _ in range(per_config):
            o = rng.uniform(0, L, 2)
            d = (xy - o) % L
            inside = (d[:, 0] < side) & (d[:, 1] < side)
            s.append(pe[inside].mean())
            y.append(label)
    return np.array(s), np.array(y)


def auc(score, y):
    """Mann-Whitney AUC of score for label 1 (ties count half)."""
    order = np.argsort(score, kind="mergesort")
    ranks = np.empty(len(score))
    sorted_s = score[order]
    i = 0
    while i < len(score):
        j = i
        while j + 1 < len(score) and sorted_s[j + 1] == sorted_s[i]:
            j += 1
        ranks[order[i:j + 1]] = 0.5 * (i + j) + 1
        i = j + 1
    n1, n0 = (y == 1).sum(), (y == 0).sum()
    return (ranks[y == 1].sum() - n1 * (n1 + 1) / 2) / (n1 * n0)


def main():
    cdir, side = sys.argv[1], float(sys.argv[2])
    print("dataset,window_pe_auc,whole_pe_auc,glass_pe_mean,liquid_pe_mean")
    for i in range(1, 7):
        train = load(f"{cdir}/ds{i}-train.csv")
        test = load(f"{cdir}/ds{i}-test.csv")
        rng = np.random.default_rng(i)
        s_tr, y_tr = window_scores(train, side, rng)
        sign = 1.0 if auc(s_tr, y_tr) >= 0.5 else -1.0
        s_te, y_te = window_scores(test, side, rng)
        whole = np.array([pe.mean() for (_, _, pe), _ in test])
        y_whole = np.array([label for _, label in test])
        whole_sign = 1.0 if auc(np.array([pe.mean() for (_, _, pe), _ in train]),
                                np.array([label for _, label in train])) >= 0.5 else -1.0
        print(f"ds{i},{auc(sign * s_te, y_te):.4f},{auc(whole_sign * whole, y_whole):.4f},"
              f"{whole[y_whole == 1].mean():.4f},{whole[y_whole == 0].mean():.4f}")


if __name__ == "__main__":
    main()
