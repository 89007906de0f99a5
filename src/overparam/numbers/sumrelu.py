"""L1.2, the sum-of-ReLUs teacher: numbers, table and claims from the study's per-run table
(runs.parquet), its per-width summary (summary.csv) and the training logs of the curve widths."""
from __future__ import annotations

from functools import partial

import numpy as np
import pandas as pd

from . import Numbers
from .claims import claim
from .tex import commits, fmt, fmt_list, interval, seed_range, tabular

STUDY = "sumrelu"

c = partial(claim, STUDY)  # every claim of this module belongs to its study


def build(*, runs: pd.DataFrame, summary: pd.DataFrame, logs: pd.DataFrame, curve_ms: list[int]) -> Numbers:
    n = Numbers()
    t = summary.sort_values("m").reset_index(drop=True)
    d = int(runs["d"].iloc[0])
    thr = float(runs["threshold"].iloc[0])
    stuck = runs[runs["stuck"]]
    n.macros += [
        ("SumreluD", fmt(d)), ("SumreluSeeds", fmt(runs.groupby("m")["seed"].nunique().min())),
        ("SumreluSeedList", seed_range(runs["seed"])), ("SumreluIterations", fmt(runs["iterations"].max())),
        ("SumreluBatch", fmt(runs["batch_size"].iloc[0])),
        ("SumreluLrTimesM", fmt(float((runs["lr"] * runs["m"]).median()))),
        ("SumreluThreshold", fmt(thr)), ("SumreluWidths", fmt_list(t["m"])), ("SumreluRuns", fmt(len(runs))),
        ("SumreluWidthCount", fmt(len(t))), ("SumreluCommit", commits(logs["prov_git_commit"])),
        ("SumreluLogEvery", fmt(logs["log_every"].iloc[0])), ("SumreluMcSamples", fmt(logs["mc_samples"].iloc[0])),
    ]
    ok = runs[~runs["stuck"]]
    split = (f"the stuck runs end between {fmt(stuck['final_exact_loss'].min(), 2)} and "
             f"{fmt(stuck['final_exact_loss'].max(), 2)}, " if len(stuck) else "no run is stuck; ")
    n.add(c("SumreluSplitClaim", "some run is stuck, and every stuck run ends above ten times the largest final "
            "loss of the others (the threshold separates two groups)",
            len(stuck) > 0 and len(ok) > 0 and stuck["final_exact_loss"].min() > 10 * ok["final_exact_loss"].max(),
            {"stuck_min": float(stuck["final_exact_loss"].min()) if len(stuck) else "none",
             "others_max": float(ok["final_exact_loss"].max()) if len(ok) else "none"},
            split + f"all others below {fmt(ok['final_exact_loss'].max(), 2)}: the outcomes fall in two groups "
            "far apart, so any threshold between them splits the runs alike.",
            (split + f"all others below {fmt(ok['final_exact_loss'].max(), 2)}." if len(stuck) else
             f"no run is stuck; all end below {fmt(ok['final_exact_loss'].max(), 2)}.") if len(ok) else
            split + "no run converges."))

    # the two widths of the f(W)-against-iterations figure
    for label, m in zip(("Small", "Large"), sorted(curve_ms)[:1] + sorted(curve_ms)[-1:]):
        row = t[t["m"] == m]
        if row.empty:
            raise ValueError(f"curve width m={m} is not among the sum-of-ReLUs runs")
        row = row.iloc[0]
        n.macros += [(f"SumreluCurve{label}M", fmt(m)), (f"SumreluCurve{label}Stuck", fmt(row["stuck"])),
                     (f"SumreluCurve{label}Median", fmt(row["final_loss_median"])),
                     (f"SumreluCurve{label}Low", fmt(row["final_loss_q10"])),
                     (f"SumreluCurve{label}High", fmt(row["final_loss_q90"]))]
    large = max(curve_ms)
    lg = logs[logs["m"] == large].groupby("iteration")["exact_loss"].median().sort_index()
    falling = bool(len(lg) > 1 and lg.iloc[-1] < 0.99 * lg.iloc[-2])
    n.add(c("SumreluLargeFallingClaim", f"at m={large} the median exact loss still falls (by at least 1%) over the "
            "last logging interval", falling,
            {"second_last": float(lg.iloc[-2]) if len(lg) > 1 else "none", "last": float(lg.iloc[-1])},
            "and the loss is still falling", "and the loss has levelled off"))
    cl = logs[logs["m"].isin(curve_ms) & (logs["exact_loss"] > 0)]
    rel = ((cl["mc_loss"] - cl["exact_loss"]).abs() / cl["exact_loss"]).median()
    n.add(c("SumreluMonteCarloClaim", "over every logged point of the curve widths, the median relative difference "
            "between the Monte-Carlo estimate and the exact loss is below 10%", rel < 0.1,
            {"median_relative_difference": float(rel)},
            f"The exact and Monte-Carlo losses agree (median relative difference {fmt(rel, 2)} over the logged "
            "points), which checks the closed form.",
            f"The exact and Monte-Carlo losses differ by a median relative {fmt(rel, 2)}: the closed form or the "
            "sampler is in question."))

    at_d = t.iloc[0]
    never = t[::-1]["stuck"].eq(0).cumprod().astype(bool)[::-1]  # widths from which no run is stuck
    from_m = t.loc[never, "m"].min() if never.any() else None
    n.macros += [
        ("SumreluNarrowM", fmt(at_d["m"])), ("SumreluNarrowStuck", fmt(at_d["stuck"])),
        ("SumreluNarrowRuns", fmt(at_d["runs"])), ("SumreluNarrowFraction", fmt(at_d["stuck_fraction"], 2)),
        ("SumreluNarrowCI", interval(at_d["stuck_ci_low"], at_d["stuck_ci_high"])),
        ("SumreluStuckTotal", fmt(int(t["stuck"].sum()))),
        ("SumreluWideM", fmt(t["m"].iloc[-1])), ("SumreluWideMedian", fmt(t["final_loss_median"].iloc[-1], 2)),
    ]
    n.add(c("SumreluNoneStuckBeyondClaim", "there is a width from which on no run of any wider width is stuck",
            from_m is not None, {"from_m": from_m if from_m is not None else "none"},
            f"from \\(m={int(from_m) if from_m is not None else 0}\\) on no run is stuck (each 95\\% interval then "
            f"ends below {fmt(t.loc[never, 'stuck_ci_high'].max(), 2)})",
            "even the widest student has stuck runs"))
    frac = float(at_d["stuck_fraction"])
    n.add(c("SumreluNarrowMostClaim", "at m = d more than half of the runs are stuck", frac > 0.5,
            {"stuck": int(at_d["stuck"]), "runs": int(at_d["runs"])},
            f"which fails in most runs ({fmt(at_d['stuck'])} of {fmt(at_d['runs'])})",
            f"which fails in {fmt(at_d['stuck'])} of {fmt(at_d['runs'])} runs" if at_d["stuck"] else
            f"which here succeeds in all {fmt(at_d['runs'])} runs"))
    n.macros.append(("SumreluNarrowTrapRef", f"in L1.2, {fmt(at_d['stuck'])} of {fmt(at_d['runs'])} runs at \\(m=d\\) "
                     "get stuck" + (f", none from \\(m={int(from_m)}\\) on" if from_m is not None else "")))
    few = from_m is not None and from_m <= 1.5 * d and int(at_d["stuck"]) > 0
    n.add(c("SumreluFewSpareClaim", "some run is stuck at m = d, and no run is stuck from some width m <= 1.5 d on",
            few, {"d": d, "from_m": from_m if from_m is not None else "none", "stuck_at_d": int(at_d["stuck"])},
            "A few spare units suffice to change this: they",
            "Spare units change this only gradually here; in principle they"))
    if len(stuck):
        n.macros += [("SumreluStuckCovered", fmt(stuck["directions_covered"].mean())),
                     ("SumreluStuckAnti", fmt(stuck["anti_aligned_neurons"].mean()))]
    uncovered = bool(len(stuck) and (stuck["directions_covered"] < d).all())
    n.add(c("SumreluStuckShapeClaim", "some run is stuck, and every stuck run leaves at least one teacher direction "
            "without an aligned unit", uncovered,
            {"stuck_runs": len(stuck), "mean_directions_covered": float(stuck["directions_covered"].mean()) if len(stuck) else "none"},
            f"A stuck run has, on average, units aligned with only {fmt(stuck['directions_covered'].mean()) if len(stuck) else ''} "
            f"of the {d} teacher directions and {fmt(stuck['anti_aligned_neurons'].mean()) if len(stuck) else ''} units "
            "pointing away from a teacher direction: a unit that starts on the wrong side is pushed further away, "
            "and with \\(m=d\\) there is no spare unit to take over the teacher direction it abandoned. These end "
            "points look like the spurious minima that Safran and Shamir describe; we have not certified them as "
            "minima (gradient and Hessian at the end point).",
            (f"Of the {len(stuck)} stuck runs, {int((stuck['directions_covered'] < d).sum())} leave at least one "
             f"teacher direction without an aligned unit (on average the stuck runs have units aligned with "
             f"{fmt(stuck['directions_covered'].mean())} of the {d} directions); the others cover every direction "
             "and count as stuck by the threshold alone.")
            if len(stuck) else "No run is stuck, so there is no end point to describe."))
    med = t["final_loss_median"].to_numpy()
    grows = bool(med[-1] > 2 * med.min() and t["m"].iloc[int(np.argmin(med))] != t["m"].iloc[-1])
    n.add(c("SumreluWidePriceClaim", "the median final loss of the widest student is more than twice the smallest "
            "median over widths", grows,
            {"widest": float(med[-1]), "smallest": float(med.min()), "at_m": int(t["m"].iloc[int(np.argmin(med))])},
            "The price of width in our setting is speed at the end: with \\(\\eta\\propto1/m\\) and a fixed budget, "
            f"the final loss grows again with \\(m\\) (median {fmt(med[-1], 2)} at \\(m={int(t['m'].iloc[-1])}\\), "
            f"against {fmt(med.min(), 2)} at \\(m={int(t['m'].iloc[int(np.argmin(med))])}\\)). Our reading, not "
            "tested here: merging many units' mass onto each direction and silencing the redundant ones is slow; "
            "and with \\(\\eta=1/m\\) the wider students also take smaller steps.",
            "Within our budget width costs no final accuracy: the median final loss of the widest student "
            f"({fmt(med[-1], 2)}) is within a factor two of the best width's ({fmt(med.min(), 2)})."))

    tab = pd.DataFrame({
        r"\(m\)": t["m"].map(fmt),
        "stuck": [f"{int(a)} of {int(b)}" for a, b in zip(t["stuck"], t["runs"])],
        "fraction [95\\% CI]": [f"{fmt(p, 2)} {interval(lo, hi)}"
                               for p, lo, hi in zip(t["stuck_fraction"], t["stuck_ci_low"], t["stuck_ci_high"])],
        "final loss, median": t["final_loss_median"].map(lambda v: fmt(v, 2)),
        "10\\%--90\\%": [interval(a, b) for a, b in zip(t["final_loss_q10"], t["final_loss_q90"])],
        "iterations to threshold": t["iterations_to_threshold_median"].map(fmt),
    })
    n.tables["sumrelu_table"] = tabular(tab, "rrlrlr")
    return n
