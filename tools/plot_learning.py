#!/usr/bin/env python3
"""Plot the learning curves of `mlglass train` from its metrics.csv.

Usage: plot_learning.py METRICS_CSV PNG

METRICS_CSV is the metrics.csv that `mlglass train` writes into its output directory, one row per
epoch with the columns epoch,step,lr,train_loss,val_auc,val_accuracy,seconds (in any order; other
columns are ignored). The PNG has two panels against epoch: the training loss (top) and the
validation AUC and accuracy (bottom), each with the learning rate on a twin axis. The best epoch
(highest validation AUC) is marked. The PNG is written under a temporary name and renamed, so it is
either complete or absent.
"""
import csv
import math
import os
import sys

REQUIRED = ("epoch", "step", "lr", "train_loss", "val_auc", "val_accuracy", "seconds")

from mlglass_plot import pyplot, save_png

plt = pyplot("plot_learning.py")


def fail(msg):
    sys.exit(f"plot_learning.py: error: {msg}")


def read_metrics(path):
    """Columns of the CSV as lists of floats, keyed by name; exits with a clear error if bad."""
    try:
        with open(path, newline="") as f:
            reader = csv.reader(f)
            header = next(reader, None)
            if header is None:
                fail(f"{path}: empty file (expected the header {','.join(REQUIRED)})")
            header = [h.strip() for h in header]
            missing = [c for c in REQUIRED if c not in header]
            if missing:
                fail(f"{path}: not a metrics.csv of mlglass train: missing column(s) "
                     f"{', '.join(missing)} (header: {','.join(header)})")
            cols = {c: [] for c in REQUIRED}
            for lineno, row in enumerate(reader, start=2):
                if not row or all(not x.strip() for x in row):
                    continue
                if len(row) != len(header):
                    fail(f"{path}:{lineno}: {len(row)} fields, the header has {len(header)}")
                for c in REQUIRED:
                    text = row[header.index(c)].strip()
                    try:
                        value = float(text)
                    except ValueError:
                        fail(f"{path}:{lineno}: column {c}: not a number: '{text}'")
                    if math.isinf(value):
                        fail(f"{path}:{lineno}: column {c}: infinite value")
                    cols[c].append(value)
    except FileNotFoundError:
        fail(f"{path}: no such file")
    except (OSError, UnicodeDecodeError, csv.Error) as err:
        fail(f"cannot read {path}: {err}")
    if not cols["epoch"]:
        fail(f"{path}: no epochs (header only)")
    return cols


def plot(cols, title, png_path):
    epoch = cols["epoch"]
    fig, (ax_loss, ax_val) = plt.subplots(2, 1, sharex=True, figsize=(7, 6.5))

    ax_loss.plot(epoch, cols["train_loss"], "o-", color="C0", ms=3, label="training loss (BCE)")
    ax_loss.set_ylabel("training loss")
    ax_loss.set_title(title)

    ax_val.plot(epoch, cols["val_auc"], "o-", color="C1", ms=3, label="validation AUC")
    ax_val.plot(epoch, cols["val_accuracy"], "s--", color="C2", ms=3, label="validation accuracy")
    ax_val.set_ylabel("validation AUC / accuracy")
    ax_val.set_xlabel("epoch")
    finite_auc = [(a, e) for a, e in zip(cols["val_auc"], epoch) if not math.isnan(a)]
    if finite_auc:
        # the first epoch with the highest AUC: the one best.pt holds (mlglass train keeps a new
        # best only when it is strictly better)
        best_auc = max(a for a, _ in finite_auc)
        best_epoch = min(e for a, e in finite_auc if a == best_auc)
        ax_val.axvline(best_epoch, color="0.6", lw=0.8, ls=":")
        near_end = best_epoch > epoch[0] + 0.7 * (epoch[-1] - epoch[0])
        ax_val.annotate(f"best AUC {best_auc:.3f}\n(epoch {best_epoch:g})",
                        xy=(best_epoch, best_auc), xytext=(-75 if near_end else 5, -30),
                        textcoords="offset points", fontsize=8)

    for ax in (ax_loss, ax_val):
        twin = ax.twinx()
        (line,) = twin.plot(epoch, cols["lr"], "-", color="0.5", lw=1.0, label="learning rate")
        twin.set_ylabel("learning rate", color="0.4")
        twin.tick_params(axis="y", colors="0.4")
        twin.ticklabel_format(axis="y", style="sci", scilimits=(-2, 2))
        h, _ = ax.get_legend_handles_labels()
        ax.legend(h + [line], [x.get_label() for x in h + [line]], fontsize=8, loc="best")
        ax.grid(alpha=0.3)

    fig.tight_layout()
    try:
        save_png(fig, png_path, "plot_learning.py")
    finally:
        plt.close(fig)


def main(argv):
    if len(argv) != 3 or argv[1] in ("-h", "--help"):
        sys.exit(__doc__)
    csv_path, png_path = argv[1:]
    cols = read_metrics(csv_path)
    total = sum(cols["seconds"])
    title = f"{os.path.basename(os.path.dirname(os.path.abspath(csv_path))) or csv_path}: " \
            f"{len(cols['epoch'])} epochs, {int(cols['step'][-1])} steps, {total:.0f} s"
    plot(cols, title, png_path)


if __name__ == "__main__":
    main(sys.argv)
