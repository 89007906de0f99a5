"""The spurious-minima table: our fraction of runs ending in a spurious minimum per cell (k, n),
with its 95% Wilson interval and a two-sample test against the published count of Safran and
Shamir (2018); our spurious end points by family (objective value) beside theirs; the check of
the early decision (the same seeds taken to the tolerance)."""
import math
from functools import reduce

import numpy as np
import pandas as pd
from scipy.stats import false_discovery_control, fisher_exact

from overparam.relu.descent import FAMILY_ATOL
from overparam.stats import wilson



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


def flagged(t: pd.DataFrame, most: int = 4) -> pd.DataFrame:
    """The cells whose published fraction lies outside our interval, else the two with the
    smallest two-sample p-value: the cells the evidence figure shows."""
    cmp = t[t["their_fraction"].notna()]
    out = cmp[cmp["their_in_our_ci"].astype(str).str.lower().eq("false")]
    if out.empty:
        out = cmp.nsmallest(2, "fisher_p")
    return out.sort_values("fisher_p").head(most)
