"""Safran and Shamir (2018): our spurious fractions beside theirs, from the study's table
(spurious_table.csv) and the settings and provenance of its cells' logs."""
from __future__ import annotations

from functools import partial

import pandas as pd

from . import Numbers
from .claims import claim
from .tex import commits, fmt, interval, seed_range, tabular

STUDY = "spurious"

c = partial(claim, STUDY)  # every claim of this module belongs to its study


def cell_list(cells: pd.DataFrame) -> str:
    return ", ".join(f"\\((k,n)=({int(a)},{int(b)})\\)" for a, b in zip(cells["k"], cells["n"])) or "none"


def plain(cells: pd.DataFrame) -> str:
    return " ".join(f"({int(a)},{int(b)})" for a, b in zip(cells["k"], cells["n"])) or "none"


def build(*, table: pd.DataFrame, cells: pd.DataFrame) -> Numbers:
    n = Numbers()
    t = table.sort_values(["k", "n"])
    cmp = t[t["their_fraction"].notna()]
    inside = cmp["their_in_our_ci"].astype(str).str.lower().eq("true")
    outside = cmp[~inside]
    is_between = (outside["their_fraction"] >= outside["fraction_converged_only"]) & (
        outside["their_fraction"] <= outside["ci_high"])
    between, other = outside[is_between], outside[~is_between]
    kk, kk1 = t[t["n"] == t["k"]], t[t["n"] == t["k"] + 1]
    first = cells.iloc[0]
    runs = int(t["runs"].min())
    n.macros += [
        ("SpuriousRuns", fmt(runs)), ("SpuriousCells", fmt(len(t))),
        ("SpuriousSeedList", seed_range(cells["seed"])),
        ("SpuriousKmin", fmt(t["k"].min())), ("SpuriousKmax", fmt(t["k"].max())),
        ("SpuriousLr", fmt(first["lr"])), ("SpuriousTol", fmt(first["tol"])),
        ("SpuriousCap", fmt(first["max_iterations"])), ("SpuriousThreshold", fmt(t["stuck_threshold"].iloc[0])),
        ("SpuriousTheirRuns", fmt(cmp["their_runs"].max() if len(cmp) else float("nan"))),
        ("SpuriousCompared", fmt(len(cmp))), ("SpuriousInside", fmt(int(inside.sum()))),
        ("SpuriousOutside", fmt(len(outside))), ("SpuriousOutsideCells", cell_list(outside)),
        ("SpuriousExpectedOutside", fmt(0.05 * len(cmp), 2)),
        ("SpuriousStuckAtCap", fmt(int(t["stuck_at_cap"].sum()))), ("SpuriousStuck", fmt(int(t["stuck"].sum()))),
        ("SpuriousCommit", commits(cells["prov_git_commit"])),
    ]
    lo, hi = kk.iloc[0], kk.iloc[-1]
    grows = bool(hi["fraction"] > lo["fraction"] and pd.Series(kk["fraction"].to_numpy()).corr(
        pd.Series(kk["k"].to_numpy()), method="spearman") > 0)
    n.add(c("SpuriousGrowsClaim", "for n = k the spurious fraction at the largest k exceeds that at the smallest k, "
            "and it rises with k (positive rank correlation)", grows,
            {"low": f"k={int(lo['k'])}: {lo['fraction']:.3g}", "high": f"k={int(hi['k'])}: {hi['fraction']:.3g}"},
            f"For \\(n=k\\) the fraction grows from {fmt(lo['fraction'], 2)} at \\(k={int(lo['k'])}\\) to "
            f"{fmt(hi['fraction'], 2)} at \\(k={int(hi['k'])}\\), as in their paper",
            f"For \\(n=k\\) the fraction goes from {fmt(lo['fraction'], 2)} at \\(k={int(lo['k'])}\\) to "
            f"{fmt(hi['fraction'], 2)} at \\(k={int(hi['k'])}\\) without the steady rise of their paper"))
    pair = kk[["k", "fraction"]].merge(kk1[["k", "fraction"]], on="k", suffixes=("", "_extra"))
    lowers = bool(len(pair) and (pair["fraction_extra"] <= pair["fraction"]).all()
                  and pair["fraction_extra"].mean() < 0.5 * pair["fraction"].mean())
    last = kk1.iloc[-1] if len(kk1) else None
    n.add(c("SpuriousExtraUnitClaim", "at every k with both cells, n = k + 1 has no larger fraction than n = k, and "
            "its mean fraction is below half of n = k's", lowers,
            {"mean_n_eq_k": float(pair["fraction"].mean()) if len(pair) else "none",
             "mean_n_eq_k_plus_1": float(pair["fraction_extra"].mean()) if len(pair) else "none"},
            "; one extra unit (\\(n=k+1\\)) lowers it sharply"
            + (f" ({fmt(last['fraction'], 2)} at \\(k={int(last['k'])}\\))." if last is not None else "."),
            "; one extra unit (\\(n=k+1\\)) does not lower it at every \\(k\\) by much"
            + (f" ({fmt(last['fraction'], 2)} at \\(k={int(last['k'])}\\))." if last is not None else ".")))
    n.macros.append(("SpuriousExtraUnitRef",
                     f"the spurious fraction of gradient descent averages {fmt(pair['fraction'].mean(), 2)} with "
                     f"\\(n=k\\) and {fmt(pair['fraction_extra'].mean(), 2)} with one extra unit, over the \\(k\\) that have both"
                     if len(pair) else "no cell has both widths"))
    cap = int(kk1["hit_cap"].max()) if len(kk1) else 0
    n.add(c("SpuriousCapClaim", "some n = k + 1 run was stopped by the iteration cap", cap > 0,
            {"most_runs_at_cap_in_one_cell": cap},
            f"In the \\(n=k+1\\) cells the iteration cap stopped runs whose gradient was still above the tolerance "
            f"(up to {fmt(cap)} of {fmt(runs)} in one cell), and a run stopped above the threshold counts as spurious, so our fraction "
            "there is an upper estimate; the column ``lower bd.''\\ counts only the runs that converged, with every "
            "gradient below the tolerance, to a spurious point.",
            "No \\(n=k+1\\) run reached the iteration cap, so every run there ended at a point whose gradient is "
            "below the tolerance."))
    n.add(c("SpuriousBetweenClaim", "some cell outside our interval has their fraction between our converged-only "
            "lower bound and our interval", len(between) > 0,
            {"between": plain(between), "other": plain(other)},
            f"In {fmt(len(between))} of the cells outside, their fraction lies between that lower bound and our "
            "interval: there the difference is what the cap leaves undecided, not a different landscape. "
            f"The other cells outside: {cell_list(other)}.",
            f"The cells outside are {cell_list(outside)}." if len(outside) else
            "No cell lies outside."))

    def cell(r):
        if r is None:
            return ["--", "--", "--"]
        ours = f"{fmt(r['fraction'], 2)} {interval(r['ci_low'], r['ci_high'])}"
        lower = fmt(r["fraction_converged_only"], 2)
        theirs = fmt(r["their_fraction"], 3) if pd.notna(r["their_fraction"]) else "--"
        return [ours, lower, theirs]

    rows = []
    for k in sorted(t["k"].unique()):
        a = t[(t["k"] == k) & (t["n"] == k)]
        b = t[(t["k"] == k) & (t["n"] == k + 1)]
        rows.append([fmt(k), *cell(a.iloc[0] if len(a) else None), *cell(b.iloc[0] if len(b) else None)])
    cols = [r"\(k\)", r"\(n=k\): ours [95\% CI]", "lower bd.", "S\\&S",
            r"\(n=k+1\): ours [95\% CI]", "lower bd. ", "S\\&S "]
    n.tables["spurious_table"] = tabular(pd.DataFrame(rows, columns=cols), "rlrrlrr")
    return n
