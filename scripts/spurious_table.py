#!/usr/bin/env python
"""Our fraction of runs ending in a spurious minimum per cell (k, n), with its 95% Wilson
interval and a two-sample test against the published count of Safran and Shamir (2018); our
spurious end points by family (objective value) beside theirs; the check of the early decision
(the same seeds taken to the tolerance); and the figures."""
import argparse
import math
from functools import reduce

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from scipy.stats import false_discovery_control, fisher_exact

from overparam.logs import read_runs, write_atomic
from overparam.plots import save
from overparam.spurious import FAMILY_ATOL
from overparam.sumrelu_summary import wilson


def label(cells: pd.DataFrame, threshold: float) -> pd.DataFrame:
    """Adds `stuck` (final objective >= threshold). A run the early decision stopped ended
    below decide_below <= threshold, so its label is settled; refuse a threshold below that."""
    low = cells.loc[cells["stop"].eq("below_level"), "decide_below"]
    if len(low) and threshold < low.max():
        raise SystemExit(f"spurious.stuck_threshold={threshold:g} is below the cells' spurious.decide_below="
                         f"{low.max():g}: runs stopped below {low.max():g} cannot be labelled at {threshold:g}")
    return cells.assign(stuck=cells["objective"] >= threshold)


def two_sample_p(stuck, runs, their_fraction, their_runs):
    """Fisher's exact test of our count against theirs (their count from their fraction)."""
    if pd.isna(their_fraction):
        return np.nan
    theirs = round(their_fraction * their_runs)
    return fisher_exact([[stuck, runs - stuck], [theirs, their_runs - theirs]]).pvalue


REPLICATED = 0.01  # a common factor g of f family counts arises by chance with probability g^-f


def families(cells: pd.DataFrame, theirs: pd.DataFrame) -> pd.DataFrame:
    """Per cell and family of spurious end points (one objective value): our count beside theirs.
    Our spurious runs and their families, sorted by objective, form one family wherever
    neighbours lie within FAMILY_ATOL; a family one side never reached has 0."""
    both = pd.concat([cells.loc[cells["stuck"], ["k", "n", "objective"]].assign(ours=1, theirs=0),
                      theirs[["k", "n", "objective"]].assign(ours=0, theirs=theirs["count"])])
    both = both.sort_values(["k", "n", "objective"])
    gap = both.groupby(["k", "n"])["objective"].diff()
    both["family"] = (gap.isna() | (gap > FAMILY_ATOL)).cumsum()
    return (both.groupby(["k", "n", "family"])
            .agg(objective=("objective", "min"), ours=("ours", "sum"), theirs=("theirs", "sum"))
            .reset_index().drop(columns="family"))


def replication(theirs: pd.DataFrame) -> pd.DataFrame:
    """Per published cell: the greatest common factor g of their family counts and the chance
    g^-f that f independent counts share it. A cell whose counts share a factor that chance
    explains below REPLICATED looks like 1000/g runs repeated g times: its effective runs."""
    rows = []
    for (k, n), c in theirs.groupby(["k", "n"]):
        g = reduce(math.gcd, c["count"].astype(int))
        chance = float(g) ** -len(c) if g > 1 and len(c) > 1 else 1.0
        rows.append(dict(k=k, n=n, their_families=len(c), their_gcd=g, their_gcd_chance=chance))
    return pd.DataFrame(rows)


def table(cells: pd.DataFrame, anchor: pd.DataFrame, threshold: float, theirs_by_family: pd.DataFrame,
          fam: pd.DataFrame) -> pd.DataFrame:
    """Per cell of the labelled runs (`label`): runs, spurious runs, our fraction with its 95% Wilson interval, how the runs
    stopped (tolerance, early decision, safety cap), restarts, steps, the largest rise of the
    objective, the cost; the published fraction beside ours, whether it lies in our interval,
    Fisher's exact p-value of the difference (raw and Benjamini-Hochberg adjusted), and the same
    with their runs counted as effective runs where their family counts look replicated; the
    families of each cell (theirs, ours, theirs that we also found)."""
    by = cells.assign(
        at_tolerance=cells["stop"].eq("tolerance"), decided_below=cells["stop"].eq("below_level"),
        at_cap=cells["stop"].eq("cap"), restarted=cells["restarts"].gt(0),
        stuck_at_cap=cells["stuck"] & cells["stop"].eq("cap"),
        steps_at_tolerance=cells["steps"].where(cells["stop"].eq("tolerance")),
        spurious_grad_norm=cells["grad_norm"].where(cells["stuck"]),
    ).groupby(["k", "n"])
    t = by.agg(runs=("seed", "size"), stuck=("stuck", "sum"), at_tolerance=("at_tolerance", "sum"),
               decided_below=("decided_below", "sum"), at_cap=("at_cap", "sum"), stuck_at_cap=("stuck_at_cap", "sum"),
               restarted=("restarted", "sum"), median_steps=("steps", "median"), max_steps=("steps", "max"),
               max_steps_at_tolerance=("steps_at_tolerance", "max"), max_spurious_grad_norm=("spurious_grad_norm", "max"),
               max_rise=("max_rise", "max"), lr=("lr", "first"), tol=("tol", "first"), cap=("cap", "first"),
               decide_below=("decide_below", "first"), restart_above=("restart_above", "first"),
               cell_seconds=("cell_seconds", "first"), cell_cpu_seconds=("cell_cpu_seconds", "first"),
               run_steps_total=("run_steps_total", "first"),
               threads=("prov_threads", "first")).reset_index()
    t["stuck_threshold"] = threshold
    t["fraction"] = t["stuck"] / t["runs"]
    t["ci_low"], t["ci_high"] = wilson(t["stuck"], t["runs"])
    t = t.merge(anchor.rename(columns={"runs": "their_runs", "spurious_fraction": "their_fraction"}),
                on=["k", "n"], how="left")
    inside = (t["their_fraction"] >= t["ci_low"]) & (t["their_fraction"] <= t["ci_high"])
    t["their_in_our_ci"] = inside.where(t["their_fraction"].notna())  # empty where they released nothing
    t = t.merge(replication(theirs_by_family), on=["k", "n"], how="left")
    replicated = t["their_gcd_chance"] < REPLICATED
    t["their_effective_runs"] = t["their_runs"].where(~replicated, t["their_runs"] / t["their_gcd"])
    has = t["their_fraction"].notna()
    for col, runs in (("fisher_p", "their_runs"), ("fisher_p_effective", "their_effective_runs")):
        t[col] = [two_sample_p(*r) for r in t[["stuck", "runs", "their_fraction", runs]].to_numpy()]
        t[f"{col}_bh"] = np.nan
        if has.any():
            t.loc[has, f"{col}_bh"] = false_discovery_control(t.loc[has, col].to_numpy())
    # both directions: their families (10 runs or more) among ours, and ours among theirs
    per = fam.assign(both=(fam["ours"] > 0) & (fam["theirs"] > 0), major=fam["theirs"] >= 10,
                     major_found=(fam["theirs"] >= 10) & (fam["ours"] > 0),
                     our_major=fam["ours"] >= 10, our_major_found=(fam["ours"] >= 10) & (fam["theirs"] > 0))
    per = per.groupby(["k", "n"]).agg(our_families=("ours", lambda x: int((x > 0).sum())),
                                      shared_families=("both", "sum"), their_major_families=("major", "sum"),
                                      their_major_found=("major_found", "sum"), our_major_families=("our_major", "sum"),
                                      our_major_found=("our_major_found", "sum")).reset_index()
    return t.merge(per, on=["k", "n"], how="left")


def check_table(cells: pd.DataFrame, check: pd.DataFrame, threshold: float) -> pd.DataFrame:
    """Per check cell: its seeds, taken to the tolerance with no early decision, against the same
    seeds of the grid (labelled runs, `label`): labels that agree, runs the grid decided early, steps to the tolerance,
    the largest rise of the objective and the largest final objective of the runs the grid
    decided early (below decide_below by the rule; this says where they really end)."""
    if check.empty:
        return pd.DataFrame(columns=["k", "n", "runs", "agree", "decided_below_in_grid"])
    both = label(check, threshold).merge(cells[["k", "n", "seed", "stuck", "stop"]],
                                         on=["k", "n", "seed"], suffixes=("", "_grid"))
    both["agree"] = both["stuck"] == both["stuck_grid"]
    both["early"] = both["stop_grid"].eq("below_level")
    both["early_final"] = both["objective"].where(both["early"])
    return (both.groupby(["k", "n"])
            .agg(runs=("seed", "size"), agree=("agree", "sum"), stuck=("stuck", "sum"),
                 decided_below_in_grid=("early", "sum"), at_tolerance=("stop", lambda s: int(s.eq("tolerance").sum())),
                 median_steps=("steps", "median"), max_steps=("steps", "max"), max_rise=("max_rise", "max"),
                 max_final_of_early=("early_final", "max"), cell_seconds=("cell_seconds", "first"))
            .reset_index())


def figure(t: pd.DataFrame, out: str):
    fig, axes = plt.subplots(1, 2, figsize=(10, 3.6), sharey=True)
    for ax, extra in zip(axes, (0, 1)):
        c = t[t["n"] == t["k"] + extra]
        ax.errorbar(c["k"], c["fraction"], yerr=[c["fraction"] - c["ci_low"], c["ci_high"] - c["fraction"]],
                    marker="o", capsize=3, label=f"ours ({int(c['runs'].min())} runs per cell, 95% interval)")
        runs = sorted({int(v) for v in c.loc[c["their_fraction"].notna(), "their_runs"]})
        if runs:  # no published cell in this panel: nothing of theirs to draw
            each = f"{runs[0]}" if len(runs) == 1 else f"{runs[0]}-{runs[-1]}"
            ax.plot(c["k"], c["their_fraction"], "s--", color="tab:red", label=f"Safran and Shamir ({each} runs per cell)")
        ax.set_title("n = k" if extra == 0 else "n = k + 1")
        ax.set_xlabel("k (teacher units = input dimension)")
        ax.legend(fontsize=8)
    axes[0].set_ylabel("fraction of runs in a spurious minimum")
    r = t.iloc[0]
    early = f"; runs below {r['decide_below']:g} while decreasing stopped there" if r["decide_below"] > 0 else ""
    fig.suptitle(f"Gradient descent on the exact loss, step {r['lr']:g}, until every unit's 2 pi-scaled gradient "
                 f"<= {r['tol']:g}{early}; spurious: final (1/2)E(f_W - f_V)^2 >= {r['stuck_threshold']:g}", fontsize=8)
    fig.tight_layout()
    save(fig, out)


def flagged(t: pd.DataFrame, most: int = 4) -> pd.DataFrame:
    """The cells whose published fraction lies outside our interval, else the two with the
    smallest two-sample p-value: the cells the evidence figure shows."""
    cmp = t[t["their_fraction"].notna()]
    out = cmp[cmp["their_in_our_ci"].astype(str).str.lower().eq("false")]
    if out.empty:
        out = cmp.nsmallest(2, "fisher_p")
    return out.sort_values("fisher_p").head(most)


def evidence(cells: pd.DataFrame, t: pd.DataFrame, fam: pd.DataFrame, out: str):
    """Per flagged cell: the final objectives (histogram, log scale) and the steps each run took,
    by how it stopped; and the spurious end points by family, our count beside theirs."""
    show = flagged(t)
    rows = max(len(show), 1)
    fig, axes = plt.subplots(rows, 3, figsize=(14, 2.6 * rows), squeeze=False)
    for (ax1, ax2, ax3), (_, r) in zip(axes, show.iterrows()):
        c = cells[(cells["k"] == r["k"]) & (cells["n"] == r["n"])]
        floor = 1e-16
        bins = np.logspace(-16, 1, 52)
        for stop, colour, words in (("tolerance", "tab:blue", "at the gradient tolerance"),
                                    ("below_level", "tab:green", "decided early, below the level"),
                                    ("cap", "tab:red", "at the step cap")):
            s = c[c["stop"] == stop]
            if len(s):
                ax1.hist(s["objective"].clip(lower=floor), bins=bins, color=colour, alpha=0.7, label=f"{words} ({len(s)})")
                ax2.hist(s["steps"], bins=np.logspace(0, np.log10(max(c["steps"].max(), 10)) + 0.1, 40),
                         color=colour, alpha=0.7, label=words)
        ax1.axvline(r["stuck_threshold"], color="k", lw=0.8)
        ax1.set_xscale("log")
        ax2.set_xscale("log")
        ax1.set_title(f"k={int(r['k'])}, n={int(r['n'])}: ours {int(r['stuck'])}/{int(r['runs'])} spurious "
                      f"[{r['ci_low']:.3f}, {r['ci_high']:.3f}], theirs {r['their_fraction']:.3f}; "
                      f"Fisher p={r['fisher_p']:.2g}", fontsize=8)
        ax1.set_xlabel("final objective (clipped at 1e-16)")
        ax2.set_xlabel("gradient steps")
        g = r["max_spurious_grad_norm"]
        ax2.set_title(f"largest 2 pi-scaled gradient at a spurious end point: {g:.2g}" if pd.notna(g)
                      else "no spurious end point in this cell", fontsize=8)
        ax1.legend(fontsize=7)
        f = fam[(fam["k"] == r["k"]) & (fam["n"] == r["n"])].sort_values("objective")
        x = np.arange(len(f))
        ax3.bar(x - 0.2, f["ours"] / r["runs"], 0.4, label=f"ours ({int(r['runs'])} runs)")
        ax3.bar(x + 0.2, f["theirs"] / r["their_runs"], 0.4, color="tab:red", label="Safran and Shamir")
        ax3.set_xticks(x, [f"{v:.4f}" for v in f["objective"]], rotation=60, fontsize=6)
        ax3.set_xlabel("family (objective at the end point)")
        ax3.set_ylabel("fraction of runs")
        counts = sorted(f["theirs"][f["theirs"] > 0].astype(int).tolist(), reverse=True)
        g = int(r["their_gcd"]) if pd.notna(r["their_gcd"]) else 1
        ax3.set_title(f"their family counts {counts[:6]}" + (f": all multiples of {g}" if g > 1 and len(counts) > 1
                                                              else ""), fontsize=8)
        ax3.legend(fontsize=7)
    fig.tight_layout()
    save(fig, out)


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--cells", nargs="+", required=True, help="Parquet files written by spurious_cell.py")
    p.add_argument("--check-cells", nargs="*", default=[], help="the same, for the check runs (no early decision)")
    p.add_argument("--anchor", required=True, help="CSV of the published fractions")
    p.add_argument("--anchor-families", required=True, help="CSV of the published end points by family")
    p.add_argument("--families-out", required=True)
    p.add_argument("--stuck-threshold", type=float, required=True, help="spurious: final objective at least this")
    p.add_argument("--table-out", required=True)
    p.add_argument("--check-out", required=True)
    p.add_argument("--figure-out", required=True)
    p.add_argument("--evidence-out", required=True)
    a = p.parse_args(argv)
    cells = label(read_runs(a.cells), a.stuck_threshold)
    if "cell_cpu_seconds" not in cells:  # cells written before their CPU time was logged: NaN, said in the report
        cells["cell_cpu_seconds"] = np.nan
    theirs = pd.read_csv(a.anchor_families, comment="#")
    fam = families(cells, theirs)
    t = table(cells, pd.read_csv(a.anchor, comment="#"), a.stuck_threshold, theirs, fam)
    chk = check_table(cells, read_runs(a.check_cells) if a.check_cells else pd.DataFrame(), a.stuck_threshold)
    write_atomic(t, a.table_out)
    write_atomic(fam, a.families_out)
    write_atomic(chk, a.check_out)
    figure(t, a.figure_out)
    evidence(cells, t, fam, a.evidence_out)
    print(t[["k", "n", "runs", "stuck", "fraction", "ci_low", "ci_high", "decided_below", "at_cap", "max_steps",
             "their_fraction", "fisher_p", "their_gcd", "fisher_p_effective"]].to_string(index=False))
    print(chk.to_string(index=False))


if __name__ == "__main__":
    main()
