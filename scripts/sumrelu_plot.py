#!/usr/bin/env python
"""Figures of the sum-of-ReLUs study (problem L1.2).

    curves   f(W) against iterations for the given widths: the exact population loss of every
             seed (thin) and its median (thick), the Monte-Carlo estimate (dashed median)
    vs_m     against the width m: the fraction of stuck runs (95% Wilson interval), every
             run's final loss, the iterations to reach the threshold at eta = c/m and at a
             step chosen per m, and that chosen c
"""
import argparse

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.ticker import FixedFormatter, FixedLocator, NullLocator, ScalarFormatter

from overparam.logs import read_runs
from overparam.plots import save


def curves(log: pd.DataFrame, threshold: float, out: str):
    log = log[log["iteration"] > 0].copy()
    last = log[log["iteration"] == log["iteration"].max()]
    stuck = (last["exact_loss"] > threshold).groupby(last["m"]).sum()
    log["m"] = log["m"].map(lambda m: f"{m} ({stuck[m]} of {log.loc[log['m'] == m, 'seed'].nunique()} stuck)")
    fig, ax = plt.subplots(figsize=(5.5, 3.6))
    # every seed as a thin line: outcomes split into stuck and converged runs, which a band would hide
    sns.lineplot(data=log, x="iteration", y="exact_loss", hue="m", units="seed", estimator=None, lw=0.5,
                 alpha=0.35, palette="viridis", legend=False, ax=ax)
    sns.lineplot(data=log, x="iteration", y="exact_loss", hue="m", estimator="median", errorbar=None, lw=2,
                 palette="viridis", ax=ax)
    sns.lineplot(data=log, x="iteration", y="mc_loss", hue="m", estimator="median", errorbar=None,
                 palette="viridis", linestyle="--", legend=False, ax=ax)
    ax.axhline(threshold, color="gray", linestyle=":", lw=1)
    ax.set_yscale("log")
    ax.set_ylabel("f(W) = E (y - h)^2")
    first = log.iloc[0]
    ax.set_title(f"d={first['d']}, eta={first['lr_times_m']:g}/m, batch {first['batch_size']}; "
                 f"{log['seed'].nunique()} seeds\nthin: every seed; thick: median; dashed: Monte Carlo "
                 f"({first['mc_samples']:,} samples); dotted: threshold {threshold:g}", fontsize=8)
    fig.tight_layout()
    save(fig, out)


def width_axis(ax, ms):
    """Log-scaled width axis labelled at the widths that ran."""
    ax.set_xscale("log")
    ticks = [m for i, m in enumerate(sorted(ms)) if i == 0 or m >= 1.25 * sorted(ms)[i - 1]]
    ax.xaxis.set_major_locator(FixedLocator(ticks))
    ax.xaxis.set_major_formatter(FixedFormatter([str(m) for m in ticks]))
    ax.xaxis.set_minor_locator(NullLocator())
    ax.set_xlabel("student width m")


def vs_m(runs: pd.DataFrame, summary: pd.DataFrame, tuned: pd.DataFrame, out: str):
    fig, axes = plt.subplots(1, 4, figsize=(16, 3.6))
    ax = axes[0]
    ax.errorbar(summary["m"], summary["stuck_fraction"],
                yerr=[summary["stuck_fraction"] - summary["stuck_ci_low"],
                      summary["stuck_ci_high"] - summary["stuck_fraction"]], marker="o", capsize=3)
    ax.set_ylabel("fraction of runs stuck")
    ax.set_title(f"final exact loss > {summary['threshold'].iloc[0]:g} (95% Wilson interval)", fontsize=9)
    ax = axes[1]
    np.random.seed(0)  # seaborn's strip-plot jitter draws from numpy's global stream
    # legend words, not True/False; "below" is not "converged": a run below it may still have a large gradient
    thr = summary["threshold"].iloc[0]
    words = {True: f"stuck (above {thr:g})", False: f"below {thr:g}"}
    sns.stripplot(data=runs.assign(outcome=runs["stuck"].map(words)), x="m", y="final_exact_loss", hue="outcome",
                  native_scale=True, log_scale=(True, True), jitter=0.08, size=3,
                  palette={words[True]: "tab:red", words[False]: "tab:blue"}, ax=ax)
    ax.axhline(summary["threshold"].iloc[0], color="gray", linestyle=":")
    ax.set_ylabel("final exact loss, every run")
    ax = axes[2]
    reached = runs.dropna(subset=["iterations_to_threshold"])
    c = float((runs["lr"] * runs["m"]).median())
    sns.lineplot(data=reached, x="m", y="iterations_to_threshold", estimator="median",
                 errorbar=("pi", 50), marker="o", ax=ax, label=f"eta = {c:g}/m (median, IQR)")
    ax.plot(tuned["m"], tuned["iterations_to_threshold_median"], marker="s", color="tab:orange",
            label="eta chosen per m (median)")
    ax.set_ylabel("iterations to the threshold\n(runs that reached it)")
    ax.set_yscale("log")
    ax.legend(fontsize=7)
    ax = axes[3]
    ax.plot(tuned["m"], tuned["largest_stable_c"], marker="^", color="gray", linestyle="--",
            label="largest c with no test run diverged")
    ax.plot(tuned["m"], tuned["c"], marker="s", color="tab:orange", label="chosen c (lowest median test loss)")
    ax.axhline(c, color="tab:blue", linestyle=":", label=f"fixed c = {c:g}")
    ax.set_yscale("log", base=2)
    ax.yaxis.set_major_formatter(ScalarFormatter())
    ax.set_ylabel("c in eta = c/m")
    ax.set_title("lr test per width", fontsize=9)
    ax.legend(fontsize=7)
    for ax in axes:
        width_axis(ax, summary["m"])
    d, n = runs["d"].iloc[0], runs.groupby("m").size().min()
    fig.suptitle(f"Sum-of-ReLUs teacher, d={d}; {n} seeds per m", fontsize=9)
    fig.tight_layout()
    save(fig, out)


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("kind", choices=["curves", "vs_m"])
    p.add_argument("--logs", nargs="+", help="training logs (curves)")
    p.add_argument("--runs", help="per-run table (vs_m)")
    p.add_argument("--summary", help="per-m table (vs_m)")
    p.add_argument("--tuned", help="per-m table of the runs at a step chosen per m (vs_m)")
    p.add_argument("--threshold", type=float, help="stuck threshold (curves)")
    p.add_argument("--out", required=True)
    a = p.parse_args(argv)
    if a.kind == "curves":
        curves(read_runs(a.logs), a.threshold, a.out)
    else:
        vs_m(pd.read_parquet(a.runs), pd.read_csv(a.summary), pd.read_csv(a.tuned), a.out)


if __name__ == "__main__":
    main()
