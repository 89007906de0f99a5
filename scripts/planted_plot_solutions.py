#!/usr/bin/env python
"""Figures of the planted-teacher study's final solutions, from results/planted/solutions.parquet
(one row per run, written by planted_summary.py).

    distance  how far each run moved from its initialization, ||U_T - U_0||/||U_0|| and
              ||V_T - V_0||/||V_0||, against the width: one line per regime (median over seeds),
              every seed a dot. Lazy training keeps both small (Chizat, Oyallon and Bach).
    cosines   the cosine matrix between the student's and the teacher's hidden units (input
              weights) of one run: the run of --study at r = r0 with the highest final exact
              objective (of those that did not diverge), read from its final-weights table
              (given with --weights).
"""
import argparse

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns

from overparam.relu.two_layer import make_teacher
from overparam.planted.summary import cosines
from overparam.plots import save


def distance(sol: pd.DataFrame, out: str) -> None:
    sol = sol[sol["status"] == "ok"]
    fig, axes = plt.subplots(1, 2, figsize=(9, 3.6))
    for ax, col, name in zip(axes, ("U_dist", "V_dist"), ("U", "V")):
        sns.lineplot(data=sol, x="r", y=col, hue="study", estimator="median", errorbar=None, marker="o", ax=ax)
        np.random.seed(0)  # seaborn's strip-plot jitter draws from numpy's global stream
        sns.stripplot(data=sol, x="r", y=col, hue="study", native_scale=True, size=2.5, alpha=0.5,
                      legend=False, ax=ax)
        ax.set(xscale="log", yscale="log", xlabel="student width r",
               ylabel=f"||{name}_T - {name}_0|| / ||{name}_0||")
        ax.set_xticks(sorted(sol["r"].unique()), [str(r) for r in sorted(sol["r"].unique())])
        ax.minorticks_off()
        ax.legend(fontsize=6, ncol=2)
    fig.suptitle("Distance travelled from the initialization, relative to it (median over seeds, each seed a dot)",
                 fontsize=9)
    fig.tight_layout()
    save(fig, out)


def cosine_figure(sol: pd.DataFrame, weights: pd.DataFrame, study: str, out: str) -> None:
    s = sol[(sol["study"] == study) & (sol["r_over_r0"] == 1) & (sol["status"] == "ok")]  # diverged: no weights
    run = s.sort_values(["final_population", "seed"], ascending=[False, True]).iloc[0]
    w = weights[weights["run_id"] == run["run_id"]].sort_values("unit")
    first = w.iloc[0]
    teacher = make_teacher(int(first["D"]), int(first["n"]), int(first["r0"]), int(first["teacher_seed"]))
    cos = cosines(np.stack(w["v"].to_list(), 1).astype(np.float64), teacher.V0.numpy())
    # student units ordered by the teacher unit they are closest to, so shared teacher units show as
    # two bright cells in one column and uncovered ones as columns without a bright cell
    order = np.lexsort((-cos.max(1), cos.argmax(1)))
    fig, ax = plt.subplots(figsize=(5.4, 4.6))
    sns.heatmap(cos[order], vmin=-1, vmax=1, cmap="RdBu_r", ax=ax, xticklabels=10, yticklabels=10,
                cbar_kws={"label": "cosine of input weights"})
    ax.set(xlabel="teacher unit j", ylabel="student unit k (ordered by closest teacher unit)")
    state = "stuck" if run["stuck"] else "converged"
    ax.set_title(f"{study}, r = r0 = {int(run['r'])}, seed {int(run['seed'])} ({state}): final exact objective "
                 f"{run['final_population']:.2g}\nteacher units uncovered {int(run['teacher_uncovered'])}, "
                 f"shared {int(run['teacher_shared'])}; student units dead {int(run['dead_units'])}, "
                 f"other {int(run['other_units'])}", fontsize=7)
    fig.tight_layout()
    save(fig, out)


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("kind", choices=["distance", "cosines"])
    p.add_argument("--solutions", required=True, help="results/planted/solutions.parquet")
    p.add_argument("--weights", nargs="+", help="cosines: final-weights tables that include the run shown")
    p.add_argument("--study", default="width_test", help="cosines: the study whose r = r0 run is shown")
    p.add_argument("--out", required=True, help="PDF to write (a PNG twin is written beside it)")
    a = p.parse_args(argv)
    sol = pd.read_parquet(a.solutions)
    if a.kind == "distance":
        # the regimes only: (d) is regime paper, and the lr tests stop after a few epochs
        distance(sol[~sol["study"].str.endswith("lr_test") & (sol["study"] != "width_test")], a.out)
    else:
        if not a.weights:
            p.error("cosines needs --weights")
        cosine_figure(sol, pd.concat([pd.read_parquet(f) for f in a.weights]), a.study, a.out)


if __name__ == "__main__":
    main()
