"""Safran and Shamir (2018): our spurious fractions beside theirs, from the study's table
(spurious_table.csv), its check table (check_table.csv) and its cells' logs."""
from __future__ import annotations

from functools import partial

import numpy as np
import pandas as pd
from scipy.stats import norm

from overparam.numbers import Numbers, kinds
from overparam.numbers.claims import claim
from overparam.relu.descent import RISE_EPS as ROUNDING  # a rise of the objective below this is rounding
from overparam.numbers.tex import commits, fmt, interval, seed_range, tabular

STUDY = "spurious"
ALPHA = 0.05  # level of the two-sample tests (Benjamini-Hochberg over the compared cells)

c = partial(claim, STUDY)  # every claim of this module belongs to its study


def cell_list(cells: pd.DataFrame) -> str:
    return ", ".join(f"\\((k,n)=({int(a)},{int(b)})\\)" for a, b in zip(cells["k"], cells["n"])) or "none"


def plain(cells: pd.DataFrame) -> str:
    return " ".join(f"({int(a)},{int(b)})" for a, b in zip(cells["k"], cells["n"])) or "none"


def expected_outside(cmp: pd.DataFrame) -> float:
    """Cells expected to have their fraction outside our 95% interval if both experiments had
    the same probability (the pooled one): their estimate carries its own sampling error, so a
    cell lies outside with probability P(|Z| > 1.96 s_ours / sqrt(s_ours^2 + s_theirs^2))."""
    p = (cmp["stuck"] + cmp["their_fraction"] * cmp["their_runs"]) / (cmp["runs"] + cmp["their_runs"])
    v_ours, v_theirs = p * (1 - p) / cmp["runs"], p * (1 - p) / cmp["their_runs"]
    ratio = np.sqrt(v_ours / (v_ours + v_theirs)).fillna(1.0)
    outside = pd.Series(2 * norm.sf(1.96 * ratio), index=cmp.index)
    return float(outside.where(p.between(0, 1, inclusive="neither"), 0.0).sum())


def cost(t: pd.DataFrame) -> str:
    """What the grid's cells cost: their processes' CPU time, and per run and step. Wall time
    times threads would count the time a thread waits for a core shared with other jobs."""
    cpu = t["cell_cpu_seconds"] if "cell_cpu_seconds" in t else pd.Series(np.nan, index=t.index)
    if cpu.notna().all():
        return (f"The grid's cells took {fmt(cpu.sum() / 60, 2)} minutes of CPU time, "
                rf"{fmt(cpu.sum() / t['run_steps_total'].sum() * 1e6, 2)}\,\(\mu\)s per run and step on average.")
    return (f"The grid's cells took {fmt(t['cell_seconds'].sum() / 60, 2)} minutes of wall time; the CPU time of "
            f"{fmt(int(cpu.isna().sum()))} of its {fmt(len(t))} cells was not recorded (cells computed before it was logged).")

def build(*, table: pd.DataFrame, check: pd.DataFrame, cells: pd.DataFrame) -> Numbers:
    t = table.sort_values(["k", "n"])
    n = Numbers()
    setting(n, t, cells)
    by_k(n, t)
    run_claims(n, t, check)
    against_theirs(n, t)
    families(n, t)
    cell_table(n, t)
    return n


def setting(n: Numbers, t: pd.DataFrame, cells: pd.DataFrame) -> None:
    """The grid's settings and cost, as macros."""
    cmp = t[t["their_fraction"].notna()]
    outside = cmp[~cmp["their_in_our_ci"].astype(str).str.lower().eq("true")]
    first = t.iloc[0]
    runs = int(t["runs"].min())
    n.macros += [
        ("SpuriousRuns", fmt(runs)), ("SpuriousSeedList", seed_range(cells["seed"])),
        ("SpuriousKmin", fmt(t["k"].min())), ("SpuriousKmax", fmt(t["k"].max())),
        ("SpuriousLr", fmt(first["lr"])), ("SpuriousTol", fmt(first["tol"])),
        ("SpuriousTolTrue", fmt(first["tol"] / (2 * np.pi), 2)),
        ("SpuriousRestartAbove", fmt(first["restart_above"])), ("SpuriousCap", fmt(first["cap"])),
        ("SpuriousThreshold", fmt(first["stuck_threshold"])),
        ("SpuriousTheirRuns", fmt(cmp["their_runs"].max() if len(cmp) else float("nan"))),
        ("SpuriousCompared", fmt(len(cmp))), ("SpuriousOutsideCells", cell_list(outside)),
        ("SpuriousComparedCells", f"{fmt(len(cmp))} {kinds.plural(len(cmp), 'compared cell')}"),
        ("SpuriousCost", cost(t)),
        ("SpuriousCommit", commits(cells)),
    ]


def by_k(n: Numbers, t: pd.DataFrame) -> None:
    """The spurious fraction against k (n = k), and what one extra unit (n = k + 1) does to it."""
    kk, kk1 = t[t["n"] == t["k"]], t[t["n"] == t["k"] + 1]
    lo, hi = kk.iloc[0], kk.iloc[-1]
    rises = bool(hi["fraction"] > lo["fraction"] and pd.Series(kk["fraction"].to_numpy()).corr(
        pd.Series(kk["k"].to_numpy()), method="spearman") > 0)
    apart = bool(hi["ci_low"] > lo["ci_high"])  # the two ends' 95% intervals do not overlap
    ends = (f"For \\(n=k\\) the fraction goes from {fmt(lo['fraction'], 2)} at \\(k={int(lo['k'])}\\) to "
            f"{fmt(hi['fraction'], 2)} at \\(k={int(hi['k'])}\\)")
    n.add(c("SpuriousGrowsClaim", "for n = k the spurious fraction rises with k (positive rank correlation, the "
            "largest k above the smallest) and the 95% intervals at the smallest and the largest k do not overlap",
            rises and apart,
            {"low": f"k={int(lo['k'])}: {lo['fraction']:.3g} [{lo['ci_low']:.3g}, {lo['ci_high']:.3g}]",
             "high": f"k={int(hi['k'])}: {hi['fraction']:.3g} [{hi['ci_low']:.3g}, {hi['ci_high']:.3g}]"},
            ends + ", with 95\\% intervals that do not overlap: it grows with \\(k\\), as in their paper",
            ends + (", but the 95\\% intervals at the two ends overlap, so these runs do not resolve a rise with "
                    "\\(k\\)" if rises else
                    f" (95\\% intervals up to {kinds.at_most(float(kk['ci_high'].max()))}): these runs do not show "
                    "the rise of their paper")))
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
            ("; with no spurious end point at \\(n=k\\) in the cells that have both, one extra unit has nothing to "
             "lower." if len(pair) and pair["fraction"].max() == 0 else
             "; one extra unit (\\(n=k+1\\)) does not lower it at every \\(k\\) by much"
             + (f" ({fmt(last['fraction'], 2)} at \\(k={int(last['k'])}\\))." if last is not None else "."))))
    n.macros.append(("SpuriousExtraUnitRef",
                     f"the spurious fraction of gradient descent averages {fmt(pair['fraction'].mean(), 2)} with "
                     f"\\(n=k\\) and {fmt(pair['fraction_extra'].mean(), 2)} with one extra unit, over the \\(k\\) that have both"
                     + ("; with no spurious end point at \\(n=k\\) these runs hold no evidence either way"
                        if pair["fraction"].max() == 0 else "")
                     if len(pair) else "no cell has both widths"))


def run_claims(n: Numbers, t: pd.DataFrame, check: pd.DataFrame) -> None:
    """How the runs ended: the cap, monotone descent, the early decision and its check runs."""
    first = t.iloc[0]
    at_cap = int(t["at_cap"].sum())
    n.add(c("SpuriousCapClaim", "no run reached the safety cap", at_cap == 0,
            {"runs_at_cap": at_cap, "cap": int(first["cap"])},
            f"No run reached the safety cap of {fmt(first['cap'])} steps: every run ended at the gradient "
            "tolerance or by the early decision.",
            f"{fmt(at_cap)} runs reached the safety cap of {fmt(first['cap'])} steps before the tolerance; "
            "a run stopped there above the threshold counts as spurious, so those cells are upper estimates."))
    rise = float(max(t["max_rise"].max(), check["max_rise"].max() if len(check) else 0.0))
    n.add(c("SpuriousMonotoneClaim", f"in every run of the grid and of the check, the objective never rose between "
            f"steps by more than {ROUNDING:g} (rounding)", rise <= ROUNDING,
            {"largest_rise": rise},
            f"In every run the objective decreased at every step, up to rounding (the largest rise seen is "
            f"{fmt(rise, 2)}).",
            f"Some run's objective rose between steps by {fmt(rise, 2)}, more than rounding: gradient descent at "
            "this step is not monotone there."))
    decided = int(t["decided_below"].sum())
    n.macros.append(("SpuriousEarlyText", (
        "A run of \\(n=k+1\\) that heads for a global minimum converges slowly (the minimum is not isolated), "
        "so taking it to the tolerance costs many steps"
        + (f" (up to {fmt(check['max_steps'].max())} in the check runs below)" if len(check) else "")
        + "; we stop a run once its objective is "
        f"below {fmt(first['decide_below'])} \\emph{{and}} has decreased at every step so far, since gradient descent "
        "that keeps decreasing \\(F\\) cannot end above the threshold. This decided "
        f"{fmt(decided)} of the {fmt(int(t['runs'].sum()))} runs; {fmt(int(t['at_tolerance'].sum()))} ended at the "
        "tolerance" + (f" (after at most {kinds.at_most(t['max_steps_at_tolerance'].max(), 3)} steps)"
                       if t["at_tolerance"].sum() else "") + ", "
        f"{fmt(int(t['restarted'].sum()))} needed a restart.") if first["decide_below"] > 0 else (
        f"None: every run was taken to the tolerance (after at most {kinds.at_most(t['max_steps_at_tolerance'].max(), 3)} steps), "
        f"and {fmt(int(t['restarted'].sum()))} needed a restart.")))
    if not len(check):
        n.macros += [("SpuriousCheckRuns", fmt(0)), ("SpuriousCheckSeeds", fmt(0)), ("SpuriousCheckKmax", "--"),
                     ("SpuriousCheckClaim", "none was run (\\texttt{spurious.check.runs} is 0).")]
    else:
        agree = int(check["agree"].sum())
        total = int(check["runs"].sum())
        early = int(check["decided_below_in_grid"].sum())
        worst = float(check["max_final_of_early"].max()) if early else float("nan")
        ok = agree == total and (early == 0 or worst < first["stuck_threshold"])
        n.macros += [("SpuriousCheckRuns", fmt(total)), ("SpuriousCheckSeeds", fmt(int(check["runs"].max()))),
                     ("SpuriousCheckKmax", fmt(check["k"].max()))]
        n.add(c("SpuriousCheckClaim", "every check run (taken to the tolerance with no early decision) gets the "
                "label the grid gave the same seed, and every run the grid decided early ends below the threshold",
                ok, {"agree": f"{agree}/{total}", "decided_early": early, "largest_final_of_early": worst},
                f"Taken to the tolerance, all {fmt(total)} check runs get the grid's label; the {fmt(early)} of them "
                f"that the grid decided early end at objectives of at most {kinds.at_most(worst)}, after "
                f"{fmt(check['median_steps'].min())} to {fmt(check['median_steps'].max())} steps (the per-cell medians) "
                f"and up to {fmt(check['max_steps'].max())}.",
                f"Taken to the tolerance, {fmt(total - agree)} of {fmt(total)} check runs get a label other than "
                f"the grid's: in {'that run' if total - agree == 1 else 'those runs'} the early decision changed the "
                "label."))


def against_theirs(n: Numbers, t: pd.DataFrame) -> None:
    """Our fractions against the published ones: intervals and Fisher's exact test."""
    cmp = t[t["their_fraction"].notna()]
    outside = cmp[~cmp["their_in_our_ci"].astype(str).str.lower().eq("true")]
    significant = cmp[cmp["fisher_p_bh"] < ALPHA]
    inside = cmp["their_in_our_ci"].astype(str).str.lower().eq("true")
    n.add(c("SpuriousInsideClaim", "every published fraction lies inside our 95% interval", len(outside) == 0,
            {"inside": f"{int(inside.sum())}/{len(cmp)}", "outside": plain(outside)},
            f"Their fraction lies inside our 95\\% interval in {kinds.count(len(cmp), len(cmp), 'compared cell')}.",
            f"Their fraction lies inside our 95\\% interval in {fmt(int(inside.sum()))} of the {fmt(len(cmp))} {kinds.plural(len(cmp), 'cell')} "
            f"they released and outside in {cell_list(outside)}. Their fraction is itself an estimate from "
            f"{fmt(cmp['their_runs'].max())} runs, so even were the probabilities the same, a cell would fall outside "
            f"our interval now and then: {fmt(expected_outside(cmp), 2)} of the {fmt(len(cmp))} {kinds.plural(len(cmp), 'cell')} are expected "
            "outside by chance."))
    adjusted = (f"adjusted for the {fmt(len(cmp))} cells (Benjamini-Hochberg)" if len(cmp) > 1 else
                "in the one compared cell (nothing to adjust for)")
    n.add(c("SpuriousAgreeClaim", f"no cell differs from theirs at level {ALPHA:g} by Fisher's exact test, "
            "Benjamini-Hochberg adjusted over the compared cells", len(significant) == 0,
            {"significant": plain(significant), "smallest_adjusted_p": float(cmp["fisher_p_bh"].min()) if len(cmp) else "none"},
            f"Fisher's exact test of our count against theirs, {adjusted}, finds no cell that differs at level {fmt(ALPHA)} (smallest adjusted "
            f"\\(p\\) {fmt(cmp['fisher_p_bh'].min(), 2)})"
            + (f". Not finding a difference is not evidence of none: {fmt(len(outside))} "
               f"{'cell lies' if len(outside) == 1 else 'cells lie'} outside our interval where "
               f"{fmt(expected_outside(cmp), 2)} would by chance." if len(outside) else "."),
            f"Fisher's exact test of our count against theirs, {adjusted}, finds {fmt(len(significant))} "
            f"{'cell that differs' if len(significant) == 1 else 'cells that differ'} at level {fmt(ALPHA)}: "
            f"{cell_list(significant)} (Figure~\\ref{{fig:spurious-evidence}})."))



def families(n: Numbers, t: pd.DataFrame) -> None:
    """The spurious end points family by family, both directions, and the replicated counts."""
    cmp = t[t["their_fraction"].notna()]
    outside = cmp[~cmp["their_in_our_ci"].astype(str).str.lower().eq("true")]
    significant = cmp[cmp["fisher_p_bh"] < ALPHA]
    major = int(cmp["their_major_families"].sum())
    found = int(cmp["their_major_found"].sum())
    # the other direction, where the table has it (cells compared with a published family list)
    ours = int(cmp["our_major_families"].sum()) if "our_major_families" in cmp else 0
    ours_found = int(cmp["our_major_found"].sum()) if "our_major_found" in cmp else 0
    both = major > 0 and found == major and ours_found == ours
    shown = outside if len(outside) else cmp.nsmallest(2, "fisher_p")  # as spurious_table.flagged
    n.macros.append(("SpuriousEvidenceText", evidence_text(cmp, outside, shown)))
    n.add(c("SpuriousFamiliesClaim", "every family of spurious end points reached in at least 10 runs (one objective "
            "value, matched within 1e-6) by them is among our end points, and every such family of ours among theirs",
            both, {"their_families_of_10_or_more": major, "found_by_us": found, "our_families_of_10_or_more": ours,
                   "found_by_them": ours_found},
            "Among the families reached in at least 10 runs (points equal up to permutations, told apart by their "
            f"objective value), the two sets of end points match: {kinds.count(major, major, 'family', 'families')} "
            f"of theirs {kinds.verb(major, major, 'is', 'are')} among ours, and "
            + (f"{kinds.count(ours, ours, 'family', 'families')} of ours {kinds.verb(ours, ours, 'is', 'are')} among "
               "theirs" if ours else "we reached no family in 10 runs or more") + ", at the same objective to \\(10^{-6}\\); families reached in fewer runs are not compared "
            "(results/spurious/families.csv).",
            ("In the cells compared, neither they nor we reached any family of spurious points in 10 runs or more, "
             "so no family is compared (results/spurious/families.csv)." if major == 0 and ours == 0 else
             f"Of the {fmt(major)} families of spurious points they reached in at least 10 runs, {fmt(found)} "
             f"{'is' if found == 1 else 'are'} among our end points; of the {fmt(ours)} we reached in at least 10 runs, "
             f"{fmt(ours_found)} {'is' if ours_found == 1 else 'are'} among theirs (results/spurious/families.csv).")))
    rep = cmp[cmp["their_gcd_chance"] < 0.01]
    still = cmp[cmp["fisher_p_effective_bh"] < ALPHA]
    explained = significant.index.isin(rep.index).all()
    rep_text = "; ".join(
        f"at \\((k,n)=({int(r['k'])},{int(r['n'])})\\) every one of their {int(r['their_families'])} family counts "
        f"is a multiple of {int(r['their_gcd'])}, which independent runs give with probability "
        f"{fmt(r['their_gcd_chance'], 2)}, and which {fmt(r['their_effective_runs'])} runs copied "
        f"{int(r['their_gcd'])} times would give. Counted as {fmt(round(r['their_fraction'] * r['their_effective_runs']))} "
        f"of {fmt(r['their_effective_runs'])} runs, their cell differs from ours with \\(p={fmt(r['fisher_p_effective'], 2)}\\)"
        for _, r in rep.iterrows())
    n.add(c("SpuriousReplicatedClaim", "every cell that differs significantly has published family counts sharing a "
            "common factor that independent runs give with probability below 0.01, and with their runs counted as "
            "the effective ones no cell differs at the adjusted level", explained and len(still) == 0,
            {"significant": plain(significant), "replicated": plain(rep), "still_significant": plain(still)},
            (rep_text[0].upper() + rep_text[1:] + ". With it counted so, no cell differs at the adjusted level."
             if len(significant) and len(rep) else
             "No cell differs at the adjusted level, so no published family count needs explaining by replicated runs."),
            f"Counting replicated cells at their effective runs, {fmt(len(still))} cells still differ: "
            f"{cell_list(still)}; we have no explanation from their released data for these."))



def cell_table(n: Numbers, t: pd.DataFrame) -> None:
    def cell(r):
        if r is None:
            return ["--", "--", "--"]
        ours = f"{fmt(r['fraction'], 3)} {interval(r['ci_low'], r['ci_high'], 3)}"
        theirs = fmt(r["their_fraction"], 3) if pd.notna(r["their_fraction"]) else "--"
        p = fmt(r["fisher_p"], 2) if pd.notna(r["fisher_p"]) else "--"
        return [ours, theirs, p]

    rows = []
    for k in sorted(t["k"].unique()):
        a = t[(t["k"] == k) & (t["n"] == k)]
        b = t[(t["k"] == k) & (t["n"] == k + 1)]
        rows.append([fmt(k), *cell(a.iloc[0] if len(a) else None), *cell(b.iloc[0] if len(b) else None)])
    cols = [r"\(k\)", r"\(n=k\): ours [95\% CI]", "S\\&S", r"\(p\)",
            r"\(n=k+1\): ours [95\% CI]", "S\\&S ", r"\(p\) "]
    n.tables["spurious_table"] = tabular(pd.DataFrame(rows, columns=cols), "rlrrlrr")


def evidence_text(cmp: pd.DataFrame, outside: pd.DataFrame, shown: pd.DataFrame) -> str:
    """Which cells the evidence figure shows, as a phrase after "for" (as spurious_table.flagged)."""
    if len(outside):
        return f"for the cells where their fraction lies outside our interval ({cell_list(shown)})"
    if len(cmp) == 1:
        return f"for the one compared cell ({cell_list(shown)})"
    if len(shown):
        return (f"for the {fmt(len(shown))} compared cells with the smallest two-sample \\(p\\) "
                f"({cell_list(shown)})")
    return "for no cell (none is compared)"

