"""L1.2, the sum-of-ReLUs teacher: numbers, table and claims from the study's per-run table
(runs.parquet), its per-width summary (summary.csv) and the training logs of the curve widths."""
from __future__ import annotations

from functools import partial

import numpy as np
import pandas as pd

from overparam.numbers import Numbers, kinds
from overparam.numbers.claims import claim
from overparam.numbers.tex import commits, fmt, fmt_list, interval, seed_range, tabular

STUDY = "sumrelu"

c = partial(claim, STUDY)  # every claim of this module belongs to its study


def build(*, runs: pd.DataFrame, summary: pd.DataFrame, logs: pd.DataFrame, curve_ms: list[int],
          certify: pd.DataFrame, tuned: pd.DataFrame, tuned_log_every: int = 0) -> Numbers:
    n = Numbers()
    t = summary.sort_values("m").reset_index(drop=True)
    d = int(runs["d"].iloc[0])
    thr = float(runs["threshold"].iloc[0])
    n.macros += [
        ("SumreluD", fmt(d)), ("SumreluSeeds", fmt(runs.groupby("m")["seed"].nunique().min())),
        ("SumreluSeedList", seed_range(runs["seed"])), ("SumreluIterations", fmt(runs["iterations"].max())),
        ("SumreluBatch", fmt(runs["batch_size"].iloc[0])),
        ("SumreluLrTimesM", fmt(float((runs["lr"] * runs["m"]).median()))),
        ("SumreluThreshold", fmt(thr)), ("SumreluWidths", fmt_list(t["m"])), ("SumreluRuns", fmt(len(runs))),
        ("SumreluWidthCount", fmt(len(t))), ("SumreluCommit", commits(logs)),
        ("SumreluLogEvery", fmt(logs["log_every"].iloc[0])), ("SumreluTunedLogEvery", fmt(tuned_log_every)), ("SumreluMcSamples", fmt(logs["mc_samples"].iloc[0])),
    ]
    outcomes(n, runs)
    curves(n, t, logs, curve_ms)
    widths(n, t, runs, d)
    wide_price(n, t)
    certified(n, certify, d)
    price(n, tuned, d, (float(tuned_log_every), float(logs["log_every"].iloc[0])))
    width_table(n, t)
    return n


def outcomes(n: Numbers, runs: pd.DataFrame) -> None:
    """Stuck and converged runs: two groups of final losses."""
    stuck = runs[runs["stuck"]]
    ok = runs[~runs["stuck"]]
    split = (f"the stuck runs end between {kinds.at_least(stuck['final_exact_loss'].min())} and "
             f"{kinds.at_most(stuck['final_exact_loss'].max())}, " if len(stuck) else "no run is stuck; ")
    n.add(c("SumreluSplitClaim", "some run is stuck, and every stuck run ends above ten times the largest final "
            "loss of the others (the threshold separates two groups)",
            len(stuck) > 0 and len(ok) > 0 and stuck["final_exact_loss"].min() > 10 * ok["final_exact_loss"].max(),
            {"stuck_min": float(stuck["final_exact_loss"].min()) if len(stuck) else "none",
             "others_max": float(ok["final_exact_loss"].max()) if len(ok) else "none"},
            split + f"all others at most {kinds.at_most(ok['final_exact_loss'].max())}: the outcomes fall in two groups "
            "far apart, so any threshold between them splits the runs alike.",
            (split + f"all others at most {kinds.at_most(ok['final_exact_loss'].max())}." if len(stuck) else
             f"no run is stuck; all end at most {kinds.at_most(ok['final_exact_loss'].max())}.") if len(ok) else
            split + "no run converges."))


def curves(n: Numbers, t: pd.DataFrame, logs: pd.DataFrame, curve_ms: list[int]) -> None:
    """The f(W)-against-iterations figure's two widths, and the Monte-Carlo loss against the exact one."""
    # the two widths of the f(W)-against-iterations figure
    for label, m in zip(("Small", "Large"), sorted(curve_ms)[:1] + sorted(curve_ms)[-1:]):
        row = t[t["m"] == m]
        if row.empty:
            raise ValueError(f"curve width m={m} is not among the sum-of-ReLUs runs")
        row = row.iloc[0]
        n.macros += [(f"SumreluCurve{label}M", fmt(m)), (f"SumreluCurve{label}Stuck", kinds.count(int(row["stuck"]), int(row["runs"]), "run") + " "
                      + kinds.verb(int(row["stuck"]), int(row["runs"]), "gets", "get")),
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



def widths(n: Numbers, t: pd.DataFrame, runs: pd.DataFrame, d: int) -> None:
    """Stuck runs per width: from which width none is stuck, m = d, and the stuck runs' end points."""
    stuck = runs[runs["stuck"]]
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
            f"ends below {kinds.at_most(t.loc[never, 'stuck_ci_high'].max())})",
            "even the widest student has stuck runs"))
    frac = float(at_d["stuck_fraction"])
    n.add(c("SumreluNarrowMostClaim", "at m = d more than half of the runs are stuck", frac > 0.5,
            {"stuck": int(at_d["stuck"]), "runs": int(at_d["runs"])},
            f"which fails in most runs ({fmt(at_d['stuck'])} of {fmt(at_d['runs'])})",
            f"which fails in {fmt(at_d['stuck'])} of {fmt(at_d['runs'])} runs" if at_d["stuck"] else
            f"which here succeeds in all {fmt(at_d['runs'])} runs"))
    wider = t[t["m"] > d]
    n.macros.append(("SumreluNarrowTrapRef", f"in L1.2, {kinds.count(int(at_d['stuck']), int(at_d['runs']), 'run')} "
                     f"at \\(m=d\\) {kinds.verb(int(at_d['stuck']), int(at_d['runs']), 'gets', 'get')} stuck and "
                     f"{fmt(int(wider['stuck'].sum()))} of {fmt(int(wider['runs'].sum()))} at the wider widths, "
                     + kinds.two_counts(int(at_d['stuck']), int(at_d['runs']), int(wider['stuck'].sum()),
                                        int(wider['runs'].sum()))))
    few = from_m is not None and from_m <= 1.5 * d and int(at_d["stuck"]) > 0
    n.add(c("SumreluFewSpareClaim", "some run is stuck at m = d, and no run is stuck from some width m <= 1.5 d on",
            few, {"d": d, "from_m": from_m if from_m is not None else "none", "stuck_at_d": int(at_d["stuck"])},
            f"No run is stuck from \\(m={fmt(from_m) if from_m is not None else ''}\\) on, "
            f"\\({fmt(from_m - d) if from_m is not None else ''}\\) units beyond \\(d\\).",
            ("No run is stuck at \\(m=d\\), so spare units have nothing to change here."
             if int(at_d["stuck"]) == 0 else
             f"Stuck runs remain up to \\(m={fmt(t['m'].max())}\\)." if from_m is None else
             f"No run is stuck from \\(m={fmt(from_m)}\\) on, more than \\(1.5\\,d\\).")))
    if len(stuck):
        n.macros += [("SumreluStuckCovered", fmt(stuck["directions_covered"].mean())),
                     ("SumreluStuckAnti", fmt(stuck["anti_aligned_neurons"].mean()))]
    uncovered = bool(len(stuck) and (stuck["directions_covered"] < d).all())
    n.add(c("SumreluStuckShapeClaim", "some run is stuck, and every stuck run leaves at least one teacher direction "
            "without an aligned unit", uncovered,
            {"stuck_runs": len(stuck), "mean_directions_covered": float(stuck["directions_covered"].mean()) if len(stuck) else "none"},
            f"A stuck run has, on average, units aligned with only {fmt(stuck['directions_covered'].mean()) if len(stuck) else ''} "
            f"of the {d} teacher directions and {fmt(stuck['anti_aligned_neurons'].mean()) if len(stuck) else ''} units "
            "pointing away from a teacher direction at the end. "
            + kinds.reading("A unit that starts on the wrong side may be pushed further away, and with \\(m=d\\) "
                            "no spare unit is left to take over its teacher direction")
            + " (only end points are measured). These end points are certified below.",
            (f"Of the {len(stuck)} stuck runs, {int((stuck['directions_covered'] < d).sum())} leave at least one "
             f"teacher direction without an aligned unit (on average the stuck runs have units aligned with "
             f"{fmt(stuck['directions_covered'].mean())} of the {d} directions); the others cover every direction "
             "and count as stuck by the threshold alone.")
            if len(stuck) else "No run is stuck, so there is no end point to describe."))


def wide_price(n: Numbers, t: pd.DataFrame) -> None:
    """The widest student's final loss against the width whose runs end lowest, at eta = 1/m and a
    fixed budget: a price only when the widest's 10% quantile lies above twice that width's 90%
    quantile, so a width with a few stuck runs (a wide spread) is never the yardstick."""
    q10, q90 = t["final_loss_q10"].to_numpy(), t["final_loss_q90"].to_numpy()
    best = int(np.argmin(q90[:-1])) if len(t) > 1 else 0
    m_wide, m_best = int(t["m"].iloc[-1]), int(t["m"].iloc[best])
    grows = bool(len(t) > 1 and q10[-1] > 2 * q90[best])
    spread = (f"at \\(m={m_wide}\\) 90\\% of the runs end above {kinds.at_least(q10[-1])}, while at "
              f"\\(m={m_best}\\), the width whose runs end lowest, 90\\% end below {kinds.at_most(q90[best])}")
    n.add(c("SumreluWidePriceClaim", "the widest student's 10% quantile of the final loss is above twice the "
            "smallest 90% quantile of the narrower widths", grows,
            {f"widest q10 (m={m_wide})": float(q10[-1]), f"q90 (m={m_best})": float(q90[best])},
            "Measured by the final loss after a fixed budget at \\(\\eta\\propto1/m\\), width has a price: "
            f"{spread}. "
            + kinds.reading("Merging many units' mass onto each direction and silencing the redundant ones may be "
                            "slow") + ". "
            "Below, the price of width is measured instead by the iterations to the threshold, at "
            "\\(\\eta=1/m\\) and at a step chosen per width.",
            f"By the final loss after a fixed budget these runs show no price of width: {spread}, not a factor two "
            "apart."))


def width_table(n: Numbers, t: pd.DataFrame) -> None:
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


def certified(n: Numbers, t: pd.DataFrame, d: int) -> None:
    """Where the runs ended (results/sumrelu/certify.csv): classes per width, the spurious minima at
    m = d against Safran and Shamir's families, their split lifts, and the stuck runs at m = d + 1."""
    t = t.sort_values("m").reset_index(drop=True)
    q = t.iloc[0]
    stuck, mins = int(q["stuck"]), int(q["spurious_minimum"])
    n.macros += [("SumreluCertM", fmt(q["m"])), ("SumreluCertStuck", fmt(stuck)), ("SumreluCertMinima", fmt(mins)),
                 ("SumreluCertGradTol", fmt(q["grad_tol"])), ("SumreluCertCurvTol", fmt(q["curv_tol"])),
                 ("SumreluCertMoveTol", fmt(q["move_tol"])), ("SumreluPolishLr", fmt(q["polish_lr"])),
                 ("SumreluPolishTol", fmt(q["polish_tol"]))]
    ok = stuck > 0 and mins == stuck
    definite = bool(q["minima_lambda_min_low"] > q["curv_tol"])  # else only "above -curv_tol" is shown
    hessian = (("whose Hessian is positive definite (smallest eigenvalues " if definite else
                f"whose smallest Hessian eigenvalue lies above \\(-{fmt(q['curv_tol'], 2, False)}\\) (from ")
               + f"{kinds.at_least(q['minima_lambda_min_low'])} to {kinds.at_most(q['minima_lambda_min_high'])})")
    n.add(c("SumreluCertifiedClaim", "at the narrowest width some run is stuck, and every stuck run polishes to a "
            "critical point near its end point whose smallest Hessian eigenvalue is above -curv_tol", ok,
            {"stuck": stuck, "spurious_minima": mins, "saddles": int(q["saddle"]),
             "not_converged": int(q["not_converged"])},
            f"At \\(m={fmt(q['m'])}\\) all {fmt(stuck)} stuck end points are spurious local minima: gradient descent "
            f"on the exact loss moves each by at most {kinds.at_most(100 * q['minima_move_max'])}\\% of \\(|W|\\) to a "
            f"critical point {hessian}"
            + (", so the SGD runs sit in the noise ball of strict minima." if definite else
               "; that bound does not make them strict minima."),
            (f"At \\(m={fmt(q['m'])}\\) no run is stuck, so there is no end point to certify." if stuck == 0 else
             f"At \\(m={fmt(q['m'])}\\), of {fmt(stuck)} stuck end points {fmt(mins)} are spurious local minima, "
             f"{fmt(q['saddle'])} saddles and {fmt(q['not_converged'])} not converged.")))
    pub, match = int(q["published_families"]), q["minima_matching_published"]
    values = str(q["minima_F_values"]) if isinstance(q["minima_F_values"], str) else ""
    fam = pub > 0 and mins > 0 and match == mins
    n.add(c("SumreluFamiliesClaim", "Safran and Shamir published families for (d, d), and every certified minimum at "
            "m = d has the objective F = f/2 of one of them (within 1e-6, the matching tolerance of the spurious-minima study)", fam,
            {"minima": mins, "matching": match if pub else "none published", "F": values},
            f"Their objectives \\(F=f/2\\) (the normalization of Safran and Shamir) take "
            f"{len(values.split())} values, {', '.join(fmt(float(v), 4) for v in values.split())}, each the "
            f"objective of one of their {fmt(pub)} published families for \\(k=n={fmt(q['m'])}\\): by objective "
            "value, SGD stops in families that their gradient descent found.",
            ("There is no certified minimum to compare with their families." if mins == 0 else
             f"Of their objectives \\(F=f/2\\) ({', '.join(fmt(float(v), 4) for v in values.split())}), "
             f"{fmt(match)} of {fmt(mins)} match one of Safran and Shamir's {fmt(pub)} families for this width."
             if pub else "Safran and Shamir published no families for this width.")))
    lifts(n, t)
    unconverged(n, t)


def lifts(n: Numbers, t: pd.DataFrame) -> None:
    """The certified minima at m = d split into m = d + 1 units, and the stuck runs at m = d + 1 itself."""
    q = t.iloc[0]
    lifts, sad = int(q["lifts"]), int(q["lift_saddles"])
    n.add(c("SumreluLiftSaddleClaim", "every split of one unit of a certified minimum at m = d into two halves "
            "(m = d + 1) is a critical point with smallest Hessian eigenvalue below -curv_tol", lifts > 0 and sad == lifts,
            {"lifts": lifts, "saddles": sad, "lambda_min_high": float(q["lift_lambda_min_high"])},
            f"One extra unit turns every one of them into a saddle: splitting any unit into two halves gives the "
            f"same function with \\(m+1\\) units, a critical point (gradient at most "
            f"{kinds.at_most(q['lift_grad_norm_max'])}), and at all {fmt(lifts)} such points the Hessian has a negative "
            f"eigenvalue (the largest of the smallest eigenvalues is {fmt(q['lift_lambda_min_high'], 2)}), as "
            "Safran, Yehudai and Shamir (\\emph{The effects of mild over-parameterization on the optimization landscape "
            "of shallow ReLU neural networks}, COLT 2021) prove for non-global minima under conditions they check "
            "numerically.",
            ("With no certified minimum there is no split to test." if lifts == 0 else
             f"Of the {fmt(lifts)} points that split one unit of these minima into two halves (\\(m+1\\) units), "
             f"{fmt(sad)} {'is a saddle' if sad == 1 else 'are saddles'}.")))
    nxt = t[t["m"] == q["m"] + 1]
    if len(nxt):
        r = nxt.iloc[0]
        k, km = int(r["stuck"]), int(r["spurious_minimum"])
        fresh = k > 0 and km == k and r["minima_min_norm"] > 0.1 and r["minima_max_cos"] < 0.99
        vals = r["minima_F_values"].split() if isinstance(r["minima_F_values"], str) else []
        n.add(c("SumreluExtraUnitClaim", "at m = d + 1 some run is stuck, every stuck run is a certified minimum, and "
                "none of those minima has a vanished unit (norm < 0.1) or two parallel units (cosine > 0.99)", fresh,
                {"stuck": k, "minima": km, "min_norm": float(r["minima_min_norm"]) if km else "none",
                 "max_cos": float(r["minima_max_cos"]) if km else "none"},
                f"Yet at \\(m={fmt(r['m'])}\\) SGD still stops in {fmt(k)} of {fmt(r['runs'])} runs, each at a "
                + ("strict " if r["minima_lambda_min_low"] > r["curv_tol"] else "")
                + f"local minimum of the \\({fmt(r['m'])}\\)-unit loss (smallest eigenvalues "
                f"{kinds.at_least(r['minima_lambda_min_low'])} to {kinds.at_most(r['minima_lambda_min_high'])}; \\(F\\) = "
                f"{', '.join(fmt(float(v), 4) for v in vals)}) with no vanished unit and no two parallel units: "
                "not a lifted minimum of the narrower loss but one of the spurious minima that the wider loss has "
                "of its own (Safran and Shamir also find them with \\(n=k+1\\)).",
                (f"At \\(m={fmt(r['m'])}\\), {fmt(k)} of {fmt(r['runs'])} runs are stuck; {fmt(km)} of them are "
                 "certified local minima" + (f" (smallest unit norm {fmt(r['minima_min_norm'], 2)}, largest cosine "
                                             f"between units {fmt(r['minima_max_cos'], 2)})." if km else "."))
                if k else f"At \\(m={fmt(r['m'])}\\), {kinds.count(0, int(r['runs']), 'run')} is stuck."))
    else:  # the sweep has no width d + 1: nothing to compare, and the text says so
        n.add(c("SumreluExtraUnitClaim", "the sweep has the width m = d + 1", False, {"widths": [int(m) for m in t["m"]]},
                "", f"The sweep has no width \\(m={fmt(q['m'] + 1)}\\), so the effect of one extra unit is not "
                "measured here."))


def unconverged(n: Numbers, t: pd.DataFrame) -> None:
    """Widths whose runs all end below the threshold without converging, and the certificate table."""
    never = t[::-1]["not_converged"].eq(t[::-1]["runs"]).cumprod().astype(bool)[::-1]
    from_m = t.loc[never, "m"].min() if never.any() else None
    n.add(c("SumreluUnconvergedWideClaim", "from some width on, every run of every wider width ends not converged "
            "(below the threshold with |grad f| above grad_tol)", from_m is not None,
            {"from_m": from_m if from_m is not None else "none"},
            f"From \\(m={fmt(from_m) if from_m is not None else ''}\\) on, no run has converged within the budget: each "
            "is below the threshold but its gradient is still above the tolerance.",
            "At every width some run has converged within the budget."))
    tab = pd.DataFrame({
        r"\(m\)": t["m"].map(fmt), "stuck": t["stuck"].map(fmt),
        "global min.": t["global_minimum"].map(fmt), "spurious min.": t["spurious_minimum"].map(fmt),
        "saddle": t["saddle"].map(fmt), "not conv.": t["not_converged"].map(fmt),
        r"median \(|\nabla f|\)": t["end_grad_norm_median"].map(lambda v: fmt(v, 2)),
        "lifts: saddles": [f"{int(s)} of {int(a)}" if a else "--" for s, a in zip(t["lift_saddles"], t["lifts"])],
    })
    n.tables["sumrelu_certify_table"] = tabular(tab, "rrrrrrrl")

def price(n: Numbers, t: pd.DataFrame, d: int, res: tuple[float, float]) -> None:
    """The price of width at a step chosen per width (results/sumrelu/tuned.csv)."""
    t = t.sort_values("m").reset_index(drop=True)
    lo, hi = t.iloc[0], t.iloc[-1]
    n.macros += [("SumreluTunedChosenNarrow", fmt(lo["c"])), ("SumreluTunedChosenWide", fmt(hi["c"])),
                 ("SumreluTunedChosenList", ", ".join(f"{fmt(c)}" for c in t["c"]))]
    grows = bool(hi["c"] > lo["c"])
    n.add(c("SumreluTunedStepClaim", "the lr test chooses a larger c (eta = c/m) at the widest width than at the "
            "narrowest", grows, {"c_narrow": float(lo["c"]), "c_wide": float(hi["c"])},
            f"The lr test picks a larger step at the widest width than at the narrowest (\\(c={fmt(lo['c'])}\\) at \\(m={fmt(lo['m'])}\\), "
            f"\\(c={fmt(hi['c'])}\\) at \\(m={fmt(hi['m'])}\\)): "
            + kinds.reading("\\(\\eta=1/m\\) shrinks the step faster than the width requires") + ".",
            f"The lr test picks no larger step at the widest width than at the narrowest (\\(c={fmt(lo['c'])}\\) at \\(m={fmt(lo['m'])}\\), "
            f"\\(c={fmt(hi['c'])}\\) at \\(m={fmt(hi['m'])}\\); "
            + (f"every width chose \\(c={fmt(t['c'].min())}\\)" if t["c"].min() == t["c"].max() else
               f"all chosen values lie between {fmt(t['c'].min())} and {fmt(t['c'].max())}")
            + f"): the largest step of the grid at which no test run diverges is "
            f"\\(c={fmt(lo['largest_stable_c'])}\\) at \\(m={fmt(lo['m'])}\\) and \\(c={fmt(hi['largest_stable_c'])}\\) at "
            f"\\(m={fmt(hi['m'])}\\) (where that is the grid's largest, the stable step is bounded only from below)."))
    # a median over a few runs that escaped says little: compare widths where most runs reached the threshold
    med = t["iterations_to_threshold_median"].where(t["reached"] >= t["runs"] / 2).to_numpy(float)
    best = int(np.nanargmin(med)) if np.isfinite(med).any() else len(med) - 1  # no width reached it: widest
    n.add(price_claim(t, med, best, res))
    tab = pd.DataFrame({
        r"\(m\)": t["m"].map(fmt), r"chosen \(c\)": t["c"].map(fmt),
        r"largest stable \(c\)": t["largest_stable_c"].map(fmt),
        "reached": [f"{int(a)} of {int(b)}" for a, b in zip(t["reached"], t["runs"])],
        "iterations, chosen step": t["iterations_to_threshold_median"].map(fmt),
        r"iterations, \(\eta=1/m\)": t["base_iterations_to_threshold_median"].map(fmt),
    })
    n.tables["sumrelu_tuned_table"] = tabular(tab, "rrrrrr")


def unresolved(a: float, b: float, res: float) -> bool:
    """Is 'a > 1.5 b' decided differently somewhere within the logging resolution of a and b?"""
    return bool(np.isfinite(a) and np.isfinite(b) and ((a - res > 1.5 * b) != (a > 1.5 * (b - res))))


def price_claim(t: pd.DataFrame, med: np.ndarray, best: int, res: tuple[float, float] = (0.0, 0.0)):
    """The price of width at the chosen steps, against eta = 1/m on the same widths. The runs at the
    chosen step differ from those at eta = 1/m in the step alone, so a growth with m that goes away
    there is the step's (an intervention on one factor). `res`: how often the chosen-step runs and
    the eta = 1/m runs log the exact loss (the resolution of their iterations to the threshold)."""
    hi = t.iloc[-1]
    base = t["base_iterations_to_threshold_median"].to_numpy(float)
    at = f"\\(m={fmt(t['m'].iloc[best])}\\)"
    widest = f"\\(m={fmt(hi['m'])}\\)"
    slower = bool(np.isfinite(med[-1]) and med[-1] > 1.5 * med[best])
    base_grows = bool(np.isfinite(base[-1]) and np.isfinite(base[best]) and base[-1] > 1.5 * base[best])
    m_wide, m_best = int(hi["m"]), int(t["m"].iloc[best])
    values = {f"chosen m={m_wide}": float(med[-1]), f"chosen m={m_best}": float(med[best]),
              f"1/m m={m_wide}": float(base[-1]), f"1/m m={m_best}": float(base[best])}
    if not np.isfinite(med[-1]):
        text = (f"At the chosen steps fewer than half the runs at {widest} reach the threshold, so the price of "
                "width at those steps cannot be read from medians.")
    elif slower:
        text = (f"At the chosen steps the widest width still needs more iterations to reach the threshold than the fastest (median "
                f"{fmt(med[-1])} at {widest} against {fmt(med[best])} at {at}; at \\(\\eta=1/m\\): "
                f"{fmt(base[-1])} and {fmt(base[best])}): changing the step alone does not remove this price of width.")
    elif not (np.isfinite(base[-1]) and np.isfinite(base[best])):
        text = (f"At the chosen steps the median iterations to the threshold at {widest} ({fmt(med[-1])}) are within "
                f"1.5 times the fastest width's among those where at least half the runs reach it ({fmt(med[best])} at {at}); at \\(\\eta=1/m\\) the median at "
                f"{widest if not np.isfinite(base[-1]) else at} is not finite (the median run does not reach the "
                "threshold), so the two steps are not compared there.")
    elif not base_grows:
        text = (f"At the chosen steps the median iterations to the threshold at {widest} ({fmt(med[-1])}) are within "
                f"1.5 times the fastest width's among those where at least half the runs reach it ({fmt(med[best])} at {at}); at \\(\\eta=1/m\\) they are "
                f"{fmt(base[-1])} at {widest} and {fmt(base[best])} at {at}, also within 1.5 times, so by the "
                "iterations to the threshold neither step shows a price of width here.")
    else:
        text = (f"At the chosen steps the median iterations to the threshold at {widest} ({fmt(med[-1])}) are within "
                f"1.5 times the fastest width's among those where at least half the runs reach it ({fmt(med[best])} at {at}), against {fmt(base[-1])} and "
                f"{fmt(base[best])} at \\(\\eta=1/m\\): with only the step changed, the growth with \\(m\\) "
                "goes away at these widths.")
    open_at = [f"at {where} (logged every {fmt(step)} iterations)" for where, a, b, step in
               (("the chosen steps", med[-1], med[best], res[0]), ("\\(\\eta=1/m\\)", base[-1], base[best], res[1]))
               if unresolved(a, b, step)]
    if open_at:
        text += (" Each median is known only to within its logging interval, which leaves the 1.5-times comparison "
                 + " and ".join(open_at) + " unresolved.")
    return c("SumreluTunedPriceClaim", "at the chosen steps, the median iterations to the threshold of the widest width "
             "exceed 1.5 times the smallest median over the widths where at least half the runs reached it", slower,
             values, text, text)
