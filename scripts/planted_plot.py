#!/usr/bin/env python
"""Figures of the planted-teacher study, from run logs grouped as `--study LABEL FILE...`.

    lr        objective against epoch, one line per initial eta (problem V2(c))
    width     objective against epoch, one line per r/r0 (V2(d), Livni et al. style)
    regimes   the width figure, one panel per named regime (V2(e))
"""
import argparse

import matplotlib.pyplot as plt

from overparam.logs import read_studies
from overparam.plots import curves, save

YLABEL = {"batch_objective": "average mini-batch objective",
          "population_objective": "population objective (exact)"}


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("kind", choices=["lr", "width", "regimes"])
    p.add_argument("--study", nargs="+", action="append", required=True, metavar="LABEL FILE",
                   help="a label and the Parquet logs of that study (repeatable)")
    p.add_argument("--y", choices=sorted(YLABEL), default="batch_objective")
    p.add_argument("--out", required=True, help="PDF to write (a PNG twin is written beside it)")
    a = p.parse_args(argv)

    runs = read_studies(a.study)
    runs = runs[runs["epoch"] > 0] if a.y == "batch_objective" else runs
    runs["eta"] = runs["lr0"].map("{:g}".format)
    runs["r/r0"] = runs["r_over_r0"].map("{:g}".format)
    hue = "eta" if a.kind == "lr" else "r/r0"
    panels = list(dict.fromkeys(runs["study"]))
    fig, axes = plt.subplots(1, len(panels), figsize=(4.2 * len(panels), 3.4), squeeze=False)
    # each panel its own y range: regimes differ by orders of magnitude
    for ax, study in zip(axes[0], panels):
        df = runs[runs["study"] == study]
        first = df.iloc[0]
        title = (f"{study}: {first['optimizer']}, init {first['init_scale']:g}, m={first['batch_size']}"
                 + ("" if a.kind == "lr" else f", eta={first['lr0']:g}"))
        curves(ax, df, "epoch", a.y, hue, title)
        ax.set_ylabel(YLABEL[a.y])
        ax.set_xlabel(f"epoch ({first['samples_per_epoch']:,} samples)")
    seeds = runs.groupby("study")["seed"].nunique().min()
    fig.suptitle(f"Planted teacher D={first['D']}, n={first['n']}, r0={first['r0']}; "
                 f"median and range over {seeds} seeds", fontsize=9)
    fig.tight_layout()
    save(fig, a.out)


if __name__ == "__main__":
    main()
