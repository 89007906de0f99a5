#!/usr/bin/env python
"""Figures of the planted-teacher study, from run logs grouped as `--study LABEL FILE...`.

    lr        objective against epoch, one line per initial eta (problem V2(c))
    width     objective against epoch, one line per r/r0 (V2(d), Livni et al. style)
    regimes   the width figure, one panel per named regime (V2(e))

Every seed is a thin line under the median over seeds. In the width and regimes figures each
panel says how many runs per width end with the exact objective above --threshold (stuck, or
not there yet), since seeds can split into runs that converge and runs that do not.
"""
import argparse
import math

import matplotlib.pyplot as plt

from overparam.logs import read_studies
from overparam.planted.summary import final_rows
from overparam.plots import curves, save

YLABEL = {"batch_objective": "average mini-batch objective",
          "population_objective": "population objective (exact)"}


def above(df, threshold):
    """'1: 2/5, ...' (r/r0: count): runs per width whose final exact objective is above
    `threshold` (a diverged run counts as above); 'none' when every run is below, 'all N' when
    every run is above."""
    last = final_rows(df)
    up = ~(last["population_objective"] <= threshold)
    if up.all():
        return f"all {len(up)}"
    parts = [f"{k}: {int(u.sum())}/{len(u)}" for k, u in up.groupby(last["r/r0"]) if u.any()]
    return ", ".join(parts) or "none"


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("kind", choices=["lr", "width", "regimes"])
    p.add_argument("--study", nargs="+", action="append", required=True, metavar="LABEL FILE",
                   help="a label and the Parquet logs of that study (repeatable)")
    p.add_argument("--y", choices=sorted(YLABEL), default="batch_objective")
    p.add_argument("--threshold", type=float, help="width and regimes: the level a converged run ends below")
    p.add_argument("--out", required=True, help="PDF to write (a PNG twin is written beside it)")
    a = p.parse_args(argv)
    if a.kind != "lr" and a.threshold is None:
        p.error(f"{a.kind} needs --threshold")

    runs = read_studies(a.study)
    runs["eta"] = runs["lr0"].map("{:g}".format)
    runs["r/r0"] = runs["r_over_r0"].map("{:g}".format)
    panels = list(dict.fromkeys(runs["study"]))  # in the order of --study
    runs = runs.sort_values(["r_over_r0", "lr0", "run_id", "epoch"], kind="stable")  # legend order
    hue = "eta" if a.kind == "lr" else "r/r0"
    cols = min(len(panels), 4)
    rows = math.ceil(len(panels) / cols)
    fig, axes = plt.subplots(rows, cols, figsize=(4.2 * cols, 4.0 * rows), squeeze=False)
    # each panel its own y range: regimes differ by orders of magnitude
    for ax, study in zip(axes.flat, panels):
        df = runs[runs["study"] == study]
        first = df.iloc[0]
        etas = df.groupby("r")["lr0"].first()
        eta = f"eta={etas.iloc[0]:g}" if etas.nunique() == 1 else "eta per width " + "/".join(f"{v:g}" for v in etas)
        title = (f"{study}: {first['optimizer']}, init {first['init_scale']:g}, m={first['batch_size']}"
                 + ("" if a.kind == "lr" else f", {eta}"))
        plotted = df[df["epoch"] > 0] if a.y == "batch_objective" else df
        curves(ax, plotted, "epoch", a.y, hue, title)
        ax.set_ylabel(YLABEL[a.y])
        ax.set_xlabel(f"epoch ({first['samples_per_epoch']:,} samples)")
        if a.kind != "lr":  # the split into stuck and converged seeds, stated in the panel
            title += f"\nruns ending above {a.threshold:g} (r/r0: count): {above(df, a.threshold)}"
            ax.set_title(title, fontsize=8)
        # below the panel, off the curves
        ax.legend(title=hue, loc="upper center", bbox_to_anchor=(0.5, -0.2), ncol=5, fontsize=7, title_fontsize=7)
    for ax in axes.flat[len(panels):]:
        ax.set_visible(False)
    seeds = runs.groupby("study")["seed"].nunique().min()
    fig.suptitle(f"Planted teacher D={first['D']}, n={first['n']}, r0={first['r0']}; "
                 f"median over {seeds} seeds, each seed a thin line", fontsize=9)
    fig.tight_layout()
    save(fig, a.out)


if __name__ == "__main__":
    main()
