#!/usr/bin/env python
"""Figures of the GAN study (problem L5.2).

    samples  generator samples from the fixed latent batch: regimes as rows, epochs as columns
             (first seed of each regime), each cell a torchvision make_grid of 64 digits
    curves   per regime: discriminator and generator losses, and mean D(x) and D(G(z)), per epoch
    quality  classifier-based metrics against epoch, one line per regime, the real held-out
             digits as a dashed reference
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


def samples(regimes, paths, logs, out):
    source = pd.read_parquet(logs[0], columns=["source"])["source"].iloc[0]
    data = {}
    for name, path in zip(regimes, paths):
        with np.load(path) as f:
            data[name] = dict(zip(f["epochs"].tolist(), f["images"][:, :GRID]))
    epochs = sorted({e for d in data.values() for e in d})
    fig, axes = plt.subplots(len(regimes), len(epochs), figsize=(1.9 * len(epochs), 2.0 * len(regimes)),
                             squeeze=False)
    for i, name in enumerate(regimes):
        for j, e in enumerate(epochs):
            ax = axes[i, j]
            ax.set_xticks([])
            ax.set_yticks([])
            ax.grid(False)
            if i == 0:
                ax.set_title(f"epoch {e}", fontsize=9)
            if j == 0:
                ax.set_ylabel(name.replace("_", " "), fontsize=9)
            if e not in data[name]:
                ax.axis("off")
                continue
            img = torch.from_numpy(data[name][e]).unsqueeze(1).float() / 255
            grid = make_grid(img, nrow=8, padding=1, pad_value=1.0)
            ax.imshow(grid.permute(1, 2, 0).numpy(), cmap="gray", interpolation="nearest")
    fig.suptitle(f"Generator samples, fixed latent batch; data: {source}", fontsize=8)
    fig.tight_layout()
    save(fig, out)


def curves(logs, out):
    log = read_runs(logs)
    regimes = list(dict.fromkeys(log["regime"]))
    fig, axes = plt.subplots(2, len(regimes), figsize=(4 * len(regimes), 5.5), squeeze=False, sharex="col")
    for j, name in enumerate(regimes):
        d = log[log["regime"] == name]
        tidy = d.melt(id_vars=["epoch", "seed"], value_vars=["d_loss", "g_loss"], var_name="loss")
        sns.lineplot(data=tidy, x="epoch", y="value", hue="loss", errorbar=("pi", 100), ax=axes[0, j])
        axes[0, j].set_ylabel("loss (mean over the epoch)")
        first = d.iloc[0]
        axes[0, j].set_title(f"{name}: lr G {first['lr_g']:g}, lr D {first['lr_d']:g}, "
                             f"batch {first['batch_size']}", fontsize=9)
        tidy = d.rename(columns={"d_real": "D(x)", "d_fake": "D(G(z))"}).melt(
            id_vars=["epoch", "seed"], value_vars=["D(x)", "D(G(z))"], var_name="output")
        sns.lineplot(data=tidy, x="epoch", y="value", hue="output", errorbar=("pi", 100), ax=axes[1, j])
        axes[1, j].axhline(0.5, color="grey", lw=0.8, ls=":")
        axes[1, j].set_ylim(0, 1)
        axes[1, j].set_ylabel("mean discriminator output")
    fig.suptitle(f"data: {log['source'].iloc[0]}; {log['seed'].nunique()} seed(s)", fontsize=8)
    fig.tight_layout()
    save(fig, out)


METRICS = [("inception_score", "inception score (classifier)", False),
           ("frechet_distance", "Frechet distance (classifier features)", True),
           ("confident_fraction", "fraction with max p(y|x) > 0.9", False),
           ("classes_covered", "classes with >= 1% of samples", False)]


def quality(paths, reference, out):
    q = read_runs(paths)
    ref = pd.read_parquet(reference).iloc[0]
    fig, axes = plt.subplots(1, len(METRICS), figsize=(4 * len(METRICS), 3.4))
    for ax, (col, label, log_y) in zip(axes, METRICS):
        sns.lineplot(data=q, x="epoch", y=col, hue="regime", marker="o", errorbar=("pi", 100), ax=ax)
        ax.axhline(ref[col], color="black", ls="--", lw=1, label="real held-out digits")
        ax.set_ylabel(label)
        if log_y:
            ax.set_yscale("log")
        ax.legend(fontsize=7)
    fig.suptitle(f"{len(q[q['epoch'] == q['epoch'].min()])} run(s); {int(ref['n_holdout']) // 2} samples per "
                 f"point against {int(ref['n_holdout']) // 2} held-out digits; classifier held-out accuracy "
                 f"{ref['holdout_accuracy']:.3f}; data: {ref['source']}", fontsize=8)
    fig.tight_layout()
    save(fig, out)


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="figure", required=True)
    s = sub.add_parser("samples")
    s.add_argument("--regimes", nargs="+", required=True)
    s.add_argument("--samples", nargs="+", required=True, help="samples.npz, one per regime, same order")
    s.add_argument("--logs", nargs="+", required=True, help="log.parquet of the same runs (for the data source)")
    c = sub.add_parser("curves")
    c.add_argument("--logs", nargs="+", required=True)
    q = sub.add_parser("quality")
    q.add_argument("--quality", nargs="+", required=True)
    q.add_argument("--reference", required=True)
    for x in (s, c, q):
        x.add_argument("--out", required=True)
    a = p.parse_args(argv)
    if a.figure == "samples":
        samples(a.regimes, a.samples, a.logs, a.out)
    elif a.figure == "curves":
        curves(a.logs, a.out)
    else:
        quality(a.quality, a.reference, a.out)


if __name__ == "__main__":
    main()
