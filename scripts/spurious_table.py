#!/usr/bin/env python
"""Our fraction of runs stuck in a spurious minimum per cell (k, n), with its 95% Wilson
interval, beside the published fraction of Safran and Shamir (2018); and the figure of both."""
import argparse

import matplotlib.pyplot as plt
import pandas as pd

from overparam.logs import read_runs, write_atomic
from overparam.plots import save
from overparam.sumrelu_summary import wilson


def table(cells: pd.DataFrame, anchor: pd.DataFrame, threshold: float) -> pd.DataFrame:
    """Per cell: runs ending at objective >= `threshold` (spurious), those stopped by the cap,
    the fraction with its 95% Wilson interval, and the published fraction beside it."""
    cells = cells.assign(hit_cap=~cells["converged"], stuck=cells["objective"] >= threshold)
    cells["stuck_at_cap"] = cells["stuck"] & cells["hit_cap"]
    t = (cells.groupby(["k", "n"])
         .agg(runs=("seed", "size"), stuck=("stuck", "sum"), hit_cap=("hit_cap", "sum"),
              stuck_at_cap=("stuck_at_cap", "sum"), max_iterations=("max_iterations", "first"),
              lr=("lr", "first"), tol=("tol", "first"),
              median_iterations=("iterations", "median"), cell_seconds=("cell_seconds", "first"))
         .reset_index())
    t["stuck_threshold"] = threshold
    t["fraction"] = t["stuck"] / t["runs"]
    t["ci_low"], t["ci_high"] = wilson(t["stuck"], t["runs"])
    # runs stopped by the cap while still above the threshold may yet have descended: counting
    # only the runs that converged (gradient below tol) at a spurious point gives a lower bound
    t["fraction_converged_only"] = (t["stuck"] - t["stuck_at_cap"]) / t["runs"]
    t = t.merge(anchor.rename(columns={"runs": "their_runs", "spurious_fraction": "their_fraction"}),
                on=["k", "n"], how="left")
    inside = (t["their_fraction"] >= t["ci_low"]) & (t["their_fraction"] <= t["ci_high"])
    t["their_in_our_ci"] = inside.where(t["their_fraction"].notna())  # empty where they released nothing
    return t


def figure(t: pd.DataFrame, out: str):
    fig, axes = plt.subplots(1, 2, figsize=(10, 3.6), sharey=True)
    for ax, extra in zip(axes, (0, 1)):
        c = t[t["n"] == t["k"] + extra]
        ax.errorbar(c["k"], c["fraction"], yerr=[c["fraction"] - c["ci_low"], c["ci_high"] - c["fraction"]],
                    marker="o", capsize=3, label=f"ours ({int(c['runs'].min())} runs per cell, 95% interval)")
        ax.plot(c["k"], c["fraction_converged_only"], "o", mfc="none", color="tab:blue",
                label="ours, runs that converged only (lower bound)")
        theirs = int(c["their_runs"].max()) if c["their_runs"].notna().any() else 0
        ax.plot(c["k"], c["their_fraction"], "s--", color="tab:red", label=f"Safran and Shamir ({theirs} runs)")
        ax.set_title("n = k" if extra == 0 else "n = k + 1")
        ax.set_xlabel("k (teacher neurons = input dimension)")
        ax.legend(fontsize=8)
    axes[0].set_ylabel("fraction of runs in a spurious minimum")
    fig.suptitle(f"Gradient descent on the exact loss, step {t['lr'].iloc[0]:g}, at most "
                 f"{int(t['max_iterations'].max()):,} steps; spurious: final (1/2)E(f_W - f_V)^2 >= "
                 f"{t['stuck_threshold'].iloc[0]:g}", fontsize=9)
    fig.tight_layout()
    save(fig, out)


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--cells", nargs="+", required=True, help="Parquet files written by train_spurious.py")
    p.add_argument("--anchor", required=True, help="CSV of the published fractions")
    p.add_argument("--stuck-threshold", type=float, required=True, help="spurious: final objective at least this")
    p.add_argument("--table-out", required=True)
    p.add_argument("--figure-out", required=True)
    a = p.parse_args(argv)
    t = table(read_runs(a.cells), pd.read_csv(a.anchor, comment="#"), a.stuck_threshold)
    write_atomic(t, a.table_out)
    figure(t, a.figure_out)
    print(t[["k", "n", "runs", "stuck", "fraction", "ci_low", "ci_high", "hit_cap", "stuck_at_cap", "their_fraction"]]
          .to_string(index=False))


if __name__ == "__main__":
    main()
