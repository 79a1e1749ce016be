#!/usr/bin/env python3
"""The reproduction's control classifier (classify.sh baseline): P(glass) from nothing but the
mean energy per particle of a window, on the same train/test runs as the cross-dataset matrix.
Two energies: the potential energy of the configuration as dumped (c_pea: thermal), and, when
classify.sh quench ran, the energy of its inherent structure (f_is[4] of OUT/quenched/<run>/is.dump:
the energy landscape's minimum the configuration belongs to, thermal motion removed). For each
dataset: 4 random periodic square windows of side WINDOW per configuration (the D-MPNN's test
windows), the sign of the score (lower energy = glass, or the reverse) chosen on the training runs,
the AUC on the test runs. Also the whole-configuration energy (one number per configuration).

  baseline.py CLASSIFY_DIR WINDOW NTRAIN
CLASSIFY_DIR holds ds<i>-train.csv and ds<i>-test.csv (classify.sh cross); its parent is OUT.
"""
import csv
import os
import sys

import numpy as np


def frames(dump, wanted, column="c_pea"):
    """{timestep: (L, xy, energy)} of the wanted timesteps of a LAMMPS text dump (id type, xs ys or
    x y, and the per-atom energy `column`); square box from lo to hi in x and y."""
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
            L = hi - lo
            ip = cols.index(column)
            if "xs" in cols:
                xy = data[:, [cols.index("xs"), cols.index("ys")]] * L
            else:
                xy = (data[:, [cols.index("x"), cols.index("y")]] - lo) % L
            out[step] = (L, xy, data[:, ip])
    return out


def quenched_dump(out, dump):
    """OUT/quenched/<run>/is.dump of a run's traj.dump (classify.sh quench), or None"""
    run = os.path.relpath(os.path.dirname(os.path.realpath(dump)), os.path.realpath(out))
    path = os.path.join(out, "quenched", run.replace(os.sep, "-"), "is.dump")
    return path if os.path.exists(path) else None


def load(manifest, inherent=False):
    """[((L, xy, energy), label)] of a manifest's configurations; inherent: the quenched energies"""
    base = os.path.dirname(manifest)
    out = os.path.dirname(os.path.abspath(base))
    rows = list(csv.DictReader(open(manifest)))
    by_file = {}
    for r in rows:
        by_file.setdefault(os.path.normpath(os.path.join(base, r["file"])), set()).add(int(r["timestep"]))
    if inherent:
        sources = {f: quenched_dump(out, f) for f in by_file}
        if None in sources.values():
            return None
        data = {f: frames(sources[f], steps, "f_is[4]") for f, steps in by_file.items()}
    else:
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


def scores(train, test, side, seed):
    """window AUC, whole-configuration AUC, mean energy of glass and liquid test configurations"""
    rng = np.random.default_rng(seed)
    s_tr, y_tr = window_scores(train, side, rng)
    sign = 1.0 if auc(s_tr, y_tr) >= 0.5 else -1.0
    s_te, y_te = window_scores(test, side, rng)
    whole = np.array([e.mean() for (_, _, e), _ in test])
    y_whole = np.array([label for _, label in test])
    whole_sign = 1.0 if auc(np.array([e.mean() for (_, _, e), _ in train]),
                            np.array([label for _, label in train])) >= 0.5 else -1.0
    return (auc(sign * s_te, y_te), auc(whole_sign * whole, y_whole), whole[y_whole == 1].mean(),
            whole[y_whole == 0].mean())


def main():
    cdir, side = sys.argv[1], float(sys.argv[2])
    print("dataset,window_pe_auc,whole_pe_auc,glass_pe_mean,liquid_pe_mean,"
          "window_eis_auc,whole_eis_auc,glass_eis_mean,liquid_eis_mean")
    for i in range(1, 7):
        pe = scores(load(f"{cdir}/ds{i}-train.csv"), load(f"{cdir}/ds{i}-test.csv"), side, i)
        train, test = load(f"{cdir}/ds{i}-train.csv", True), load(f"{cdir}/ds{i}-test.csv", True)
        eis = scores(train, test, side, i) if train and test else (float("nan"),) * 4
        print(f"ds{i}," + ",".join(f"{v:.4f}" for v in pe + eis))


if __name__ == "__main__":
    main()
