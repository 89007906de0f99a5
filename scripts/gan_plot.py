#!/usr/bin/env python
"""Figures of the GAN study (problem L5.2). Every seed's run is drawn (one line each); the
sample grids show the first seed.

    samples  generator samples from the fixed latent batch: regimes as rows, columns either the
             sample epochs (--epochs; each regime's last epoch too) or update counts
             (--updates: the regimes at equal numbers of updates), each cell a torchvision
             make_grid of 64 digits
    curves   discriminator and generator losses and mean D(x), D(G(z)) (means over each
             logged block of updates): per regime against epoch (--by epoch), or all regimes
             against updates (--by updates)
    quality  classifier-based metrics, one line per run, against epoch (top) and against
             updates (bottom), the real held-out digits as a dashed reference
"""
import argparse

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns
import torch
from torchvision.utils import make_grid

from overparam.logs import read_runs
from overparam.plots import save

GRID = 64  # digits per cell, 8 x 8


def samples(regimes, paths, logs, out, epochs=None, updates=None):
    """Columns: the sample epochs (and each regime's last), or the update counts given."""
    source = pd.read_parquet(logs[0], columns=["source"])["source"].iloc[0]
    data = {}
    for name, path in zip(regimes, paths):
        with np.load(path) as f:
            keys = f["epochs"].tolist() if updates is None else f["updates"].tolist()
            data[name] = dict(zip(keys, zip(f["images"][:, :GRID], f["epochs"].tolist())))
    if updates is None:
        columns = sorted(set(epochs) | {max(d) for d in data.values()})
        label = "epoch {:g}"
    else:
        columns = sorted(updates)
        label = "{:,} updates"
    fig, axes = plt.subplots(len(regimes), len(columns), figsize=(1.9 * len(columns), 2.0 * len(regimes)),
                             squeeze=False)
    for i, name in enumerate(regimes):
        for j, key in enumerate(columns):
            ax = axes[i, j]
            ax.set_xticks([])
            ax.set_yticks([])
            ax.grid(False)
            if i == 0:
                ax.set_title(label.format(key), fontsize=9)
            if j == 0:
                ax.set_ylabel(name.replace("_", " "), fontsize=9)
            if key not in data[name]:
                ax.axis("off")
                continue
            images, epoch = data[name][key]
            if updates is not None:
                ax.set_xlabel(f"epoch {epoch:.3g}", fontsize=8)
            img = torch.from_numpy(images).unsqueeze(1).float() / 255
            grid = make_grid(img, nrow=8, padding=1, pad_value=1.0)
            ax.imshow(grid.permute(1, 2, 0).numpy(), cmap="gray", interpolation="nearest")
    fig.suptitle(f"Generator samples, fixed latent batch, first seed; data: {source}", fontsize=8)
    fig.tight_layout()
    save(fig, out)


def with_epochs(log: pd.DataFrame) -> pd.DataFrame:
    """The log with `epochs` = updates / updates per epoch: fractional epochs for finer rows."""
    return log.assign(epochs=log["updates"] / log["updates_per_epoch"])


LOSSES = {"d_loss": "D loss", "g_loss": "G loss"}
OUTPUTS = {"d_real": "D(x)", "d_fake": "D(G(z))"}


def curves(logs, out, by):
    log = with_epochs(read_runs(logs))
    regimes = list(dict.fromkeys(log["regime"]))
    k = log["seed"].nunique()
    seeds = "one seed" if k == 1 else f"{k} seeds, one line each"
    if by == "updates":
        fig, axes = plt.subplots(2, 2, figsize=(9, 6.5), sharex=True)
        for ax, (col, label) in zip(axes.flat, {**LOSSES, **OUTPUTS}.items()):
            sns.lineplot(data=log, x="updates", y=col, hue="regime", hue_order=regimes, units="seed",
                         estimator=None, lw=0.9, ax=ax)
            ax.set_xscale("log")
            ax.set_ylabel(label + per_log(int(log["log_updates"].iloc[0])))
            ax.legend(fontsize=7)
        for ax in axes[1]:
            ax.axhline(0.5, color="grey", lw=0.8, ls=":")
            ax.set_ylim(0, 1)
        fig.suptitle(f"against updates (log scale); data: {log['source'].iloc[0]}; {seeds}", fontsize=8)
    else:
        fig, axes = plt.subplots(2, len(regimes), figsize=(4 * len(regimes), 5.5), squeeze=False, sharex="col")
        for j, name in enumerate(regimes):
            d = log[log["regime"] == name]
            for i, names in enumerate((LOSSES, OUTPUTS)):
                tidy = d.rename(columns=names).melt(id_vars=["epochs", "seed"], value_vars=list(names.values()),
                                                    var_name="curve")
                sns.lineplot(data=tidy, x="epochs", y="value", hue="curve", units="seed", estimator=None,
                             lw=0.9, ax=axes[i, j])
                axes[i, j].set_xlabel("epoch")
            axes[0, j].set_ylabel("loss" + per_log(int(d["log_updates"].iloc[0])))
            first = d.iloc[0]
            axes[0, j].set_title(f"{name}: lr G {first['lr_g']:g}, lr D {first['lr_d']:g}, "
                                 f"batch {first['batch_size']}", fontsize=9)
            axes[1, j].axhline(0.5, color="grey", lw=0.8, ls=":")
            axes[1, j].set_ylim(0, 1)
            axes[1, j].set_ylabel("mean discriminator output")
        fig.suptitle(f"data: {log['source'].iloc[0]}; {seeds}", fontsize=8)
    fig.tight_layout()
    save(fig, out)


METRICS = [("inception_score", "inception score (classifier)", False),
           ("frechet_distance", "Frechet distance (classifier features)", True),
           ("confident_fraction", "fraction with max p(y|x) > 0.9", False),
           ("classes_covered", "classes with >= 1% of samples", False)]


def quality(paths, reference, out):
    q = read_runs(paths)
    ref = pd.read_parquet(reference).iloc[0]
    regimes = list(dict.fromkeys(q["regime"]))
    fig, axes = plt.subplots(2, len(METRICS), figsize=(4 * len(METRICS), 6.6))
    for row, x in enumerate(("epoch", "updates")):
        for ax, (col, label, log_y) in zip(axes[row], METRICS):
            sns.lineplot(data=q, x=x, y=col, hue="regime", hue_order=regimes, units="seed", estimator=None,
                         marker="o", ms=3, lw=0.9, ax=ax)
            ax.axhline(ref[col], color="black", ls="--", lw=1, label="real held-out digits")
            ax.set_ylabel(label)
            if log_y:
                ax.set_yscale("log")
            if x == "updates":
                ax.set_xscale("log")
            ax.legend(fontsize=7)
    k = q["seed"].nunique()
    fig.suptitle(("one run per regime" if k == 1 else f"{k} seeds, one line per run") + f"; {int(ref['n_holdout']) // 2} samples "
                 f"per point against {int(ref['n_holdout']) // 2} held-out digits; classifier held-out accuracy "
                 f"{ref['holdout_accuracy']:.3f}; data: {ref['source']}", fontsize=8)
    fig.tight_layout()
    save(fig, out)


def per_log(k: int) -> str:
    """How a log row averages: ' (mean over 10 updates)', or ' (each update)' for one."""
    return " (each update)" if k == 1 else f" (mean over {k} updates)"


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="figure", required=True)
    s = sub.add_parser("samples")
    s.add_argument("--regimes", nargs="+", required=True)
    s.add_argument("--samples", nargs="+", required=True, help="samples.npz, one per regime, same order")
    s.add_argument("--logs", nargs="+", required=True, help="log.parquet of the same runs (for the data source)")
    cols = s.add_mutually_exclusive_group(required=True)
    cols.add_argument("--epochs", type=int, nargs="+", help="columns: these epochs and each regime's last")
    cols.add_argument("--updates", type=int, nargs="+", help="columns: these update counts")
    c = sub.add_parser("curves")
    c.add_argument("--logs", nargs="+", required=True)
    c.add_argument("--by", choices=["epoch", "updates"], default="epoch")
    q = sub.add_parser("quality")
    q.add_argument("--quality", nargs="+", required=True)
    q.add_argument("--reference", required=True)
    for x in (s, c, q):
        x.add_argument("--out", required=True)
    a = p.parse_args(argv)
    if a.figure == "samples":
        samples(a.regimes, a.samples, a.logs, a.out, epochs=a.epochs, updates=a.updates)
    elif a.figure == "curves":
        curves(a.logs, a.out, a.by)
    else:
        quality(a.quality, a.reference, a.out)


if __name__ == "__main__":
    main()
