#!/usr/bin/env python3
"""Plot high-attention graphs of `mlglass attention` over the particle configurations, one glass
and one liquid window side by side (after Figure 8 of Swanson et al., Soft Matter 16, 435 (2020)).

Usage: plot_attention.py DIR PNG [--glass W] [--liquid W] [--all-edges]

DIR is the output directory of `mlglass attention` (windows.csv, particles.csv, edges.csv).
Particles are discs coloured by type (A large, B small), high-attention links are black lines
(width growing with the larger of the two directed weights); --all-edges also draws the other kNN
links in light grey. By default the glass window with the highest P(glass) and the liquid window
with the lowest are shown; --glass / --liquid choose window numbers. Only x and y are drawn (a 3D
window is projected). The PNG is written under a temporary name and renamed.
"""
import argparse
import csv
import os
import sys

from mlglass_plot import pyplot, save_png

plt = pyplot("plot_attention.py")

TYPE_STYLE = {1: ("#3b75af", 0.50, "A"), 2: ("#ef8636", 0.36, "B")}


def fail(msg):
    sys.exit(f"plot_attention.py: error: {msg}")


def read(dir_, name, need):
    path = os.path.join(dir_, name)
    try:
        with open(path, newline="") as f:
            reader = csv.DictReader(f)
            missing = [c for c in need if c not in (reader.fieldnames or [])]
            if missing:
                fail(f"{path}: missing column(s) {', '.join(missing)}")
            return list(reader)
    except OSError as err:
        fail(f"cannot read {path}: {err}")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("dir")
    ap.add_argument("png")
    ap.add_argument("--glass", type=int)
    ap.add_argument("--liquid", type=int)
    ap.add_argument("--all-edges", action="store_true")
    a = ap.parse_args()
    windows = read(a.dir, "windows.csv", ["window", "label", "p_glass", "side", "components",
                                          "bb_links", "isolated_a"])
    particles = read(a.dir, "particles.csv", ["window", "id", "type", "x", "y"])
    edges = read(a.dir, "edges.csv", ["window", "src_id", "dst_id", "attention", "high"])
    if not windows:
        fail(f"{a.dir}: no windows")
    by_id = {int(w["window"]): w for w in windows}

    def pick(label, chosen, best):
        if chosen is not None:
            if chosen not in by_id:
                fail(f"no window {chosen} in {a.dir}/windows.csv")
            return by_id[chosen]
        cands = [w for w in windows if int(w["label"]) == label]
        return best(cands, key=lambda w: float(w["p_glass"])) if cands else None

    panels = [("glass", pick(1, a.glass, max)), ("liquid", pick(0, a.liquid, min))]
    panels = [(name, w) for name, w in panels if w is not None]
    fig, axes = plt.subplots(1, len(panels), figsize=(5.6 * len(panels), 5.8), squeeze=False)
    for ax, (name, w) in zip(axes[0], panels):
        wid = int(w["window"])
        pos, types = {}, {}
        for p in particles:
            if int(p["window"]) == wid:
                pos[p["id"]] = (float(p["x"]), float(p["y"]))
                types[p["id"]] = int(p["type"])
        links = {}
        for e in edges:
            if int(e["window"]) != wid:
                continue
            key = tuple(sorted((e["src_id"], e["dst_id"])))
            high, weight = links.get(key, (False, 0.0))
            links[key] = (high or e["high"] == "1", max(weight, float(e["attention"])))
        wmax = max((wt for h, wt in links.values() if h), default=1.0)
        for (i, j), (high, weight) in links.items():
            (x0, y0), (x1, y1) = pos[i], pos[j]
            if high:
                ax.plot([x0, x1], [y0, y1], "-", color="k", lw=0.8 + 2.2 * weight / wmax, zorder=3)
            elif a.all_edges:
                ax.plot([x0, x1], [y0, y1], "-", color="0.55", lw=0.6, zorder=2.5)
        for t in sorted(set(types.values())):
            color, radius, tname = TYPE_STYLE.get(t, ("0.5", 0.4, str(t)))
            pts = [pos[i] for i in pos if types[i] == t]
            for x, y in pts:
                ax.add_patch(plt.Circle((x, y), radius, color=color, alpha=0.75, lw=0, zorder=2))
            ax.plot([], [], "o", color=color, label=f"type {t} ({tname})")
        ax.plot([], [], "-", color="k", label="high-attention link")
        side = float(w["side"])
        ax.set_xlim(-0.6, side + 0.6)
        ax.set_ylim(-0.6, side + 0.6)
        ax.set_aspect("equal")
        ax.set_title(f"{name} window {wid} (label {w['label']}, P(glass) {float(w['p_glass']):.3f})\n"
                     f"components {float(w['components']):g}, B-B links {float(w['bb_links']):g}, "
                     f"isolated A {float(w['isolated_a']):g}", fontsize=9)
        ax.legend(fontsize=7, loc="upper right", framealpha=0.85)
        ax.set_xticks([])
        ax.set_yticks([])
    fig.suptitle("high-attention edges of the last message step (mlglass attention)", fontsize=10)
    fig.tight_layout(rect=(0, 0, 1, 0.95))
    save_png(fig, a.png, "plot_attention.py")
    plt.close(fig)


if __name__ == "__main__":
    main()
