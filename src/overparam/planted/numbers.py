"""V2, the planted teacher: numbers, tables and claims from the study's summary outputs
(summary.csv, selected_lr.json, teacher_check.parquet, solutions.parquet: one row per run with
its distance travelled and the shape of its final solution), its tidy log runs.parquet (curves
and provenance) and the published solution's numbers (data/anchors/published_v2.csv)."""
from __future__ import annotations

from functools import partial

import numpy as np
import pandas as pd

from overparam.numbers import Numbers
from overparam.numbers import kinds
from overparam.numbers.claims import claim
from overparam.planted.summary import ALIGN, DEAD, epochs_to, final_rows
from overparam.numbers.tex import commits, fmt, fmt_count, fmt_list, interval, seed_range, tabular, tex_escape

STUDY = "planted"
NA = r"\mbox{n/a}"

c = partial(claim, STUDY)  # every claim of this module belongs to its study


def median_curves(runs: pd.DataFrame, study: str) -> pd.DataFrame:
    """Median over seeds of the exact objective at the end of every epoch: epochs x widths."""
    s = runs[(runs["study"] == study) & (runs["epoch"] > 0)]
    return s.groupby(["epoch", "r"])["population_objective"].median().unstack("r").sort_index()


def teacher_check(check: pd.DataFrame, n: Numbers) -> None:
    """V2(a): mean ||y||^2 of each mini-batch against the exact E||y||^2."""
    m = check["mean_sq_norm"]
    exact = float(check["exact_expected_sq_norm"].iloc[0])
    se = float((check["std_sq_norm"] / np.sqrt(check["batch_size"])).mean())  # of one batch mean
    spread = float(m.std(ddof=1))
    n.macros += [
        ("CheckBatches", fmt(len(check))), ("CheckBatchSize", fmt(check["batch_size"].iloc[0])),
        ("CheckSeed", fmt(check["seed"].iloc[0])), ("CheckExact", fmt(exact)),
        ("CheckMeanMin", fmt(m.min())), ("CheckMeanMax", fmt(m.max())),
        ("CheckMeanOfMeans", fmt(m.mean())), ("CheckSpread", fmt(spread)), ("CheckStdErr", fmt(se)),
        ("CheckWithinTwoSE", fmt(int(((m - exact).abs() <= 2 * check["std_sq_norm"]
                                      / np.sqrt(check["batch_size"])).sum()))),
        ("CheckCommit", commits(check)),
    ]
    ratio = spread / se
    n.add(c("CheckSpreadClaim", "the spread of the batch means is within a factor 2 of the standard error "
            "of one batch mean estimated within the batches", 0.5 <= ratio <= 2,
            {"spread": spread, "standard_error": se},
            "is close to", f"differs (by a factor {fmt(ratio, 2)}) from"))
    z = (m.mean() - exact) / (se / np.sqrt(len(check)))
    n.add(c("CheckUnbiasedClaim", "the mean of the batch means lies within 3 of its standard errors of "
            "the exact value", abs(z) <= 3, {"mean_of_means": float(m.mean()), "exact": exact, "z": float(z)},
            "The mean of the batch means lies within three of its standard errors of the exact value: the "
            f"check finds no bias, and it could not see one below about {fmt(3 * se / np.sqrt(len(check)), 2)}.",
            f"The mean of the batch means lies {fmt(abs(z), 2)} of its standard errors from the exact value: "
            "more than chance explains, so the sampler or the closed form is wrong."))
    t = pd.DataFrame({
        "batch": check["batch"].map(lambda v: fmt(v)),
        r"mean \(\|y_i\|^2\)": m.map(fmt),
        r"std \(\|y_i\|^2\)": check["std_sq_norm"].map(fmt),
        r"exact \(\mathbb{E}\|y\|^2\)": check["exact_expected_sq_norm"].map(fmt),
    })
    n.tables["teacher_check_table"] = tabular(t, "rrrr")


def published(anchors: pd.DataFrame, n: Numbers) -> pd.Series:
    """The published solution's numbers, kept in data/anchors (quotations)."""
    one = anchors[anchors["lr"].isna()].set_index("key")["value"]
    names = {"init_scale": "PubInitScale", "D": "PubD", "width_epochs_below_threshold": "PubWidthEpochs",
             "width_threshold": "PubWidthThreshold", "width_fastest_r": "PubWidthFastestR",
             "livni_lr": "PubLivniLr", "livni_batch": "PubLivniBatch", "livni_init_scale": "PubLivniInit",
             "livni_epochs": "PubLivniEpochs", "livni_narrow_r": "PubLivniNarrowR",
             "livni_narrow_final": "PubLivniNarrowFinal", "textbook_seconds_per_epoch": "PubSecondsPerEpoch"}
    n.macros += [(macro, fmt(one[key])) for key, macro in names.items() if key in one]
    lr = anchors[anchors["key"] == "lr_test_final"].sort_values("lr")
    n.macros.append(("PubLrTestFinals", ", ".join(f"{fmt(v)} (\\(\\eta={fmt(e, 2, False)}\\))"
                                                   for e, v in zip(lr["lr"], lr["value"]))))
    return one


def lr_test(runs, summary, selected, anchors, n: Numbers) -> None:
    """V2(c): which eta ends lowest, beside the published solution's ranking."""
    s = summary[summary["study"] == "lr_test"].sort_values("lr0")
    row0 = s.iloc[0]
    ranked = s.sort_values("final_batch_mean")
    best = ranked.iloc[0]
    n.macros += [
        ("LrTestWidth", fmt(row0["r"])), ("LrTestBatch", fmt(row0["batch_size"])),
        ("LrTestInit", fmt(row0["init_scale"])), ("OurInitScales", init_scales(row0["init_scale"], summary)), ("LrTestEpochs", fmt(row0["epochs"])),
        ("LrTestOptimizer", tex_escape(row0["optimizer"])), ("LrTestEtas", fmt_list(s["lr0"])),
        ("RegimeLrTestGrids", "; ".join(
            f"\\texttt{{{tex_escape(st.removesuffix('_lr_test'))}}} over \\(\\eta\\in\\{{{fmt_list(sorted(g['lr0'].unique()))}\\}}\\)"
            for st, g in summary[summary["study"].str.endswith("_lr_test")].groupby("study", sort=False)) or "none"),
        ("PlantedSelectedLr", fmt(selected)),
        ("LrTestBestFinal", fmt(best["final_batch_mean"])),
        ("LrTestBestExact", fmt(best["final_population_mean"])),
        ("LrTestDiverged", fmt(int(s["diverged"].sum()))),
        ("LrTestRuns", fmt(int(s["seeds"].sum()))),
        ("LrTestSamples", fmt(row0["epochs"] * runs["samples_per_epoch"].iloc[0])),
    ]
    largest, smallest = s["lr0"].max(), s["lr0"].min()
    second = ranked.iloc[1] if len(ranked) > 1 else None
    gap = (f", {fmt(second['final_batch_mean'] / best['final_batch_mean'], 2)} times below the next best, "
           f"\\(\\eta={fmt(second['lr0'], 3, False)}\\) ({fmt(second['final_batch_mean'])})"
           if second is not None else "")
    n.add(c("LrTestLargestWinsClaim", "the eta with the lowest mean final mini-batch objective is the largest eta tried",
            selected == largest, {"selected": selected, "largest": largest},
            f"The largest step, \\(\\eta={fmt(selected, 3, False)}\\), ends lowest: mean final mini-batch "
            f"objective {fmt(best['final_batch_mean'])}{gap}.",
            f"The step \\(\\eta={fmt(selected, 3, False)}\\) ends lowest, not the largest one: mean final "
            f"mini-batch objective {fmt(best['final_batch_mean'])}{gap}."))
    worst = ranked.iloc[-1]
    n.add(c("LrTestSmallestWorstClaim", "the smallest eta tried ends highest", worst["lr0"] == smallest,
            {"worst": float(worst["lr0"]), "smallest": smallest},
            f"The smallest, \\(\\eta={fmt(smallest, 3, False)}\\), ends highest, at {fmt(worst['final_batch_mean'])}.",
            f"The one that ends highest is \\(\\eta={fmt(worst['lr0'], 3, False)}\\), at "
            f"{fmt(worst['final_batch_mean'])}, not the smallest."))
    div = int(s["diverged"].sum())
    n.add(c("LrTestNoneDivergedClaim", "no run of the lr test diverged", div == 0, {"diverged": div},
            "No run diverged.", f"{fmt(div)} of the {fmt(int(s['seeds'].sum()))} runs diverged (they count as "
            "infinitely bad in the selection)."))

    lr_plateau(runs, s, selected, n)
    lr_published(s, anchors, n)


def lr_plateau(runs: pd.DataFrame, s: pd.DataFrame, selected: float, n: Numbers) -> None:
    """The smallest eta against the selected one: does the student leave its start?"""
    row0, smallest = s.iloc[0], s["lr0"].min()
    # "leaving the start": the median exact objective falls below half of its value at epoch 0
    lt = runs[runs["study"] == "lr_test"]
    start = lt[lt["epoch"] == 0].groupby("lr0")["population_objective"].median()
    fin = s.set_index("lr0")["final_population_mean"]
    small_stays = bool(fin[smallest] >= 0.9 * start[smallest])  # on the plateau: less than a tenth lost
    curve = lt[(lt["lr0"] == selected) & (lt["epoch"] > 0)].groupby("epoch")["population_objective"].median()
    left = curve[curve < 0.5 * start[selected]]
    left_epoch = int(left.index.min()) if len(left) else None
    n.add(c("LrTestPlateauClaim", "with the smallest eta the exact objective ends above 0.9 times its starting value "
            "(the student has not left the plateau of the zero function), and with the selected eta the median "
            "falls below half its start", small_stays and left_epoch is not None,
            {"start": float(start[smallest]), "final_smallest": float(fin[smallest]),
             "epoch_selected_below_half": left_epoch if left_epoch is not None else "never"},
            "With the small initialization the smallest step barely moves the student: in the "
            f"{fmt(row0['epochs'] * runs['samples_per_epoch'].iloc[0])} samples of the test its exact objective "
            f"ends at {fmt(fin[smallest])}, less than a tenth below the {fmt(start[smallest])} at the start, while \\(\\eta={fmt(selected, 3, False)}\\) is stable at "
            f"this scale and falls below half its start by epoch {fmt(left_epoch or 0)}.",
            f"With the small initialization the student starts at an exact objective of {fmt(start[smallest])}; "
            f"with the smallest step it ends at {fmt(fin[smallest])}, and with "
            f"\\(\\eta={fmt(selected, 3, False)}\\) its median "
            + (f"falls below half its start by epoch {fmt(left_epoch)}." if left_epoch is not None
               else "never falls below half its start.")))



def lr_published(s: pd.DataFrame, anchors: pd.DataFrame, n: Numbers) -> None:
    """The lr test against the published finals: the ranking and the order of magnitude, not agreement."""
    pub = anchors[anchors["key"] == "lr_test_final"].set_index("lr")["value"]
    both = s[s["lr0"].isin(pub.index)].set_index("lr0")
    same_rank = list(both["final_batch_mean"].sort_values().index) == list(pub.reindex(both.index).sort_values().index)
    ratio = (np.log10(both["final_batch_mean"] / pub.reindex(both.index))).abs()
    n.add(c("LrTestRankingClaim", "the etas of the lr test rank in the same order by final objective as in the "
            "published solution", same_rank and len(both) > 1,
            {"ours": [float(v) for v in both["final_batch_mean"]], "published": [float(v) for v in pub.reindex(both.index)]},
            "The ranking of the steps is the same as theirs",
            ("The ranking of the steps differs from theirs" if len(both) > 1 else
             f"Our lr test shares {'one' if len(both) == 1 else 'no'} \\(\\eta\\) with theirs, so no ranking is "
             "compared")))
    within = bool(len(ratio) and (ratio < 1).all())
    worst_lr = float(ratio.idxmax()) if len(ratio) else float("nan")
    n.add(c("LrTestMagnitudeClaim", "for every eta both solutions report, our mean final objective is within a "
            "factor 10 of the published one", within, {"largest_log10_ratio": float(ratio.max()) if len(ratio) else "none"},
            "and each of our final objectives lies within a factor of ten of the published one (the largest "
            f"factor is {fmt(10 ** ratio.max(), 2)}, at \\(\\eta={fmt(worst_lr, 2, False)}\\)).",
            ("but not every final objective is within a factor of ten of the published one (the largest factor "
             f"is {fmt(10 ** ratio.max(), 2)}, at \\(\\eta={fmt(worst_lr, 2, False)}\\))." if len(ratio) else
             "and no final objective can be compared with theirs.")))

    pubcol = [fmt(pub[lr]) if lr in pub.index else "--" for lr in s["lr0"]]
    t = pd.DataFrame({
        r"\(\eta\)": s["lr0"].map(fmt),
        "mini-batch, mean": s["final_batch_mean"].map(fmt),
        "exact, mean": s["final_population_mean"].map(fmt),
        "exact, range": [interval(a, b) for a, b in zip(s["final_population_min"], s["final_population_max"])],
        "diverged": s["diverged"].map(fmt),
        "published": pubcol,
    })
    n.tables["lr_test_table"] = tabular(t, "rrrlrr")


def halving_drops(curve: pd.Series, halve_every: int, floor: float = 1e-9):
    """At each halving of eta (while the curve is above `floor`): the log10 drop of a median curve
    over the two epochs after it, beside the plateau's noise, the largest log10 change over two
    epochs within the eight epochs before it."""
    out = []
    c = np.log10(curve)
    for e in range(halve_every, int(curve.index.max()) - 1, halve_every):
        if not all(x in curve.index for x in range(e - 8, e + 3)) or curve[e] <= floor:
            continue
        noise = max(abs(c[x] - c[x - 2]) for x in range(e - 6, e + 1))
        out.append((e, float(c[e] - c[e + 2]), float(noise)))
    return out


def magnitude_claim(latest: float, threshold: float, samples_per_epoch: int, pub: dict, reached: int = 2):
    """Our last run's epochs to the threshold against the published ones: only at their threshold
    and their epoch length, else the two counts measure different things."""
    pub_epochs = pub.get("width_epochs_below_threshold")
    who = "Our one run to get there" if reached == 1 else "Our last run to get there"
    same_terms = threshold == pub.get("width_threshold") and samples_per_epoch == pub.get("epoch_samples")
    same_mag = bool(same_terms and np.isfinite(latest) and abs(np.log10(latest / pub_epochs)) < 1)
    if not np.isfinite(latest):
        text = "nor an epoch count compared."
    elif not same_terms:
        text = (f"{who} needs {fmt(latest)} epochs, at a threshold of {fmt(threshold)} and "
                f"{fmt(samples_per_epoch)} samples an epoch against their {fmt(pub.get('width_threshold'))} and "
                f"{fmt(pub.get('epoch_samples'))}, so the counts are not compared.")
    else:
        text = (f"{who} needs {fmt(latest)} epochs, "
                + ("within a factor of ten of theirs." if same_mag else "more than a factor of ten from theirs."))
    return c("WidthEpochsMagnitudeClaim", "at the published threshold and epoch length, the epoch at which our last "
             "successful run reaches the threshold is within a factor 10 of the published epochs", same_mag,
             {"ours": latest, "published": pub_epochs, "threshold": threshold,
              "samples_per_epoch": samples_per_epoch}, text, text)


def init_scales(lr_test: float, summary: pd.DataFrame) -> str:
    """The initial scales of (c) and (d), said once when they are equal."""
    width = float(summary.loc[summary["study"] == "width_test", "init_scale"].iloc[0])
    if width == float(lr_test):
        return f"\\(s={fmt(width)}\\) in both"
    return f"\\(s={fmt(lr_test)}\\) and \\(s={fmt(width)}\\)"


def width_test(runs, summary, threshold, anchors_one, n: Numbers) -> None:
    """V2(d): the width sweep at the selected eta."""
    w = summary[summary["study"] == "width_test"].sort_values("r").reset_index(drop=True)
    r0 = int(runs["r0"].iloc[0])
    reached = w[w["reached_threshold"] > 0]
    by_speed = reached.sort_values(["epochs_to_threshold_median", "r"])
    wr = runs[runs["study"] == "width_test"]
    hit = epochs_to(wr, threshold)
    narrow, wide = w.iloc[0], w.iloc[-1]
    n.macros += [
        ("WidthTestLr", fmt(w["lr0"].iloc[0])), ("WidthTestBatch", fmt(w["batch_size"].iloc[0])),
        ("WidthTestInit", fmt(w["init_scale"].iloc[0])), ("WidthTestEpochs", fmt(w["epochs"].iloc[0])),
        ("WidthTestOptimizer", tex_escape(w["optimizer"].iloc[0])),
        ("WidthTestWidths", fmt_list(w["r"])), ("WidthTestMultipliers", fmt_list(w["r_over_r0"])),
        ("WidthRuns", fmt(int(w["seeds"].sum()))), ("WidthReachedRuns", fmt(int(w["reached_threshold"].sum()))),
        ("WidthDiverged", fmt(int(w["diverged"].sum()))),
        ("WidthNarrowR", fmt(narrow["r"])), ("WidthWideR", fmt(wide["r"])),
        ("WidthWideFinalMean", fmt(wide["final_population_mean"])),
        ("WidthBestFinalR", fmt(w.sort_values("final_population_mean")["r"].iloc[0])),
        ("WidthBestFinalMean", fmt(w["final_population_mean"].min())),
    ]
    total, got = int(w["seeds"].sum()), int(w["reached_threshold"].sum())
    n.add(reach_claim(w, hit, by_speed, threshold))
    n.add(narrow_reliability_claim(w, r0))
    n.macros.append(("WidthNarrowTrapRef", narrow_trap_ref(w, r0)))
    n.add(wider_claim(w, r0, threshold))

    # against the published solution: their fastest width, their epochs (order of magnitude), their "every width"
    pub_fast = anchors_one.get("width_fastest_r")
    ties = by_speed[by_speed["epochs_to_threshold_median"] == by_speed["epochs_to_threshold_median"].min()] \
        if len(reached) else by_speed
    ours_fast = [int(r) for r in ties["r"]] if len(reached) else []
    latest = float(hit.max()) if len(hit) else float("nan")
    same_fast = ours_fast == [pub_fast]
    n.add(c("WidthFastestMatchesClaim", "our fastest width (by median epoch to the threshold, ties kept) is the "
            "published one, alone", same_fast, {"ours": ours_fast or "none", "published": pub_fast},
            "By the median epoch to the threshold (over the runs that reach it), our fastest width is the same.",
            ("So no fastest width can be named," if not ours_fast else
             f"Our fastest width differs (\\(r={ours_fast[0]}\\))." if len(ours_fast) == 1 else
             "Our fastest widths tie (" + ", ".join(f"\\(r={r}\\)" for r in ours_fast) + ")."
             + (" One of them is the published one." if pub_fast in ours_fast else ""))))
    n.add(magnitude_claim(latest, threshold, int(runs["samples_per_epoch"].iloc[0]), anchors_one, len(hit)))
    every = got == total
    n.add(c("WidthEveryRunClaim", "every run of the width test reaches the threshold", every,
            {"reached": got, "runs": total}, f"Every one of our runs gets below our threshold of {fmt(threshold)}.",
            f"Of ours, {kinds.count(got, total, 'run')} {kinds.verb(got, total, 'gets', 'get')} below our threshold "
            f"of {fmt(threshold)}."))
    n.add(pattern_claim(w, r0, wide))
    n.macros.append(("WidthPatternLead", pattern_lead(w, r0)))

    halving_claim(runs, summary, wide, n)
    width_table(w, n)


def halving_claim(runs: pd.DataFrame, summary: pd.DataFrame, wide: pd.Series, n: Numbers) -> None:
    """The drops of the widest student's median curve at the halvings of eta."""
    curves = median_curves(runs, "width_test")
    H = int(runs["halve_every"].iloc[0])
    lr_width = int(summary.loc[summary["study"] == "lr_test", "r"].iloc[0])
    drops = halving_drops(curves[wide["r"]], H)
    dropping = bool(drops) and all(a > 2 * b for _, a, b in drops)
    n.add(c("WidthHalvingDropsClaim", "at every halving of eta (while above 1e-9), the widest student's median exact "
            "objective falls over the next two epochs by more than twice the largest two-epoch change of the "
            "eight epochs before (the plateau's noise)", dropping,
            {f"epoch {e}": f"drop {a:.3g}, noise {b:.3g} (log10)" for e, a, b in drops} or {"halvings": "none"},
            "The curve of the widest student drops at each halving of \\(\\eta\\) (every "
            f"{fmt(H)} epochs) and sits on a level between halvings. With a noiseless teacher the optimum fits every "
            "sample, so the stochastic gradient vanishes there and SGD has no noise floor at the optimum (Ma, "
            "Bassily and Belkin, \\emph{The power of interpolation}); "
            + kinds.reading(f"a level that falls each time the step is halved suggests that the step chosen at "
                            f"\\(r={lr_width}\\) is too large for the widest students, whose tangent kernel grows "
                            "with \\(r\\)") + " (the kernel is not measured here).",
            (f"The widest student's curve drops clearly above its noise at {fmt(sum(a > 2 * b for _, a, b in drops))} "
             f"of the {fmt(len(drops))} halvings of \\(\\eta\\) tested (every {fmt(H)} epochs; "
             + ", ".join(f"epoch {e}: {'yes' if a > 2 * b else 'no'}" for e, a, b in drops) + "), not at every one."
             if drops else
             f"No halving of \\(\\eta\\) (every {fmt(H)} epochs) comes while the widest student's median curve is "
             "above \\(10^{-9}\\) with eight epochs before it, so the halvings are not tested here.")))


def width_table(w: pd.DataFrame, n: Numbers) -> None:
    t = pd.DataFrame({
        r"\(r\)": w["r"].map(fmt), r"\(r/r_0\)": w["r_over_r0"].map(fmt),
        "final exact, mean": w["final_population_mean"].map(fmt),
        "final exact, range": [interval(a, b) for a, b in zip(w["final_population_min"], w["final_population_max"])],
        "reached": [f"{int(a)} of {int(b)}" for a, b in zip(w["reached_threshold"], w["seeds"])],
        "epochs to it, median": w["epochs_to_threshold_median"].map(fmt),
    })
    n.tables["width_test_table"] = tabular(t, "rrrlrr")


def miss_words(g: pd.DataFrame) -> str:
    """'r=60: 2 of 5; r=120: 1 of 5' for the widths where some run misses the threshold."""
    return "; ".join(f"\\(r={int(r['r'])}\\): {int(r['seeds'] - r['reached_threshold'])} of {int(r['seeds'])}"
                     for _, r in g.iterrows() if r["reached_threshold"] < r["seeds"])


def reach_claim(w: pd.DataFrame, hit: pd.Series, by_speed: pd.DataFrame, threshold: float):
    total, got = int(w["seeds"].sum()), int(w["reached_threshold"].sum())
    speed = ""
    if len(by_speed) > 1:
        f, sl = by_speed.iloc[0], by_speed.iloc[-1]
        speed = (f" Among the widths whose runs get there, the median epoch is lowest at \\(r={int(f['r'])}\\) "
                 f"({fmt(f['epochs_to_threshold_median'])}) and highest at \\(r={int(sl['r'])}\\) "
                 f"({fmt(sl['epochs_to_threshold_median'])})"
                 + (" (a tie)." if f["epochs_to_threshold_median"] == sl["epochs_to_threshold_median"] else "."))
    subject = kinds.count(got, total, "run")
    return c("WidthSomeReachClaim", "at least one run of the width test brings the exact objective below the "
             "threshold", got > 0, {"reached": got, "runs": total},
             f"{subject[0].upper()}{subject[1:]} {kinds.verb(got, total, 'brings', 'bring')} the exact objective below "
             f"{fmt(threshold)}, " + ("at epoch " if got == 1 else "the last of them at epoch ")
             + f"{fmt(hit.max() if len(hit) else float('nan'))}." + speed,
             f"None of the {fmt(total)} runs brings the exact objective below {fmt(threshold)}.")


def narrow_reliability_claim(w: pd.DataFrame, r0: int):
    """Is r = r0 the least reliable width: strictly more of its seeds miss than at any other width?"""
    miss = {int(r): (s - h) / s for r, s, h in zip(w["r"], w["seeds"], w["reached_threshold"])}
    values = {f"r{r}": f"{int(s - h)} of {int(s)}" for r, s, h in zip(w["r"], w["seeds"], w["reached_threshold"])}
    if r0 not in miss or len(miss) < 2:
        return c("WidthNarrowLeastReliableClaim", "the width test includes r = r0 and a wider width", False, values,
                 "", f"The width test has no width \\(r=r_0={r0}\\) beside a wider one, so the exactly specified "
                 "student cannot be compared.")
    row = w[w["r"] == r0].iloc[0]
    worst = max(miss.values())
    tied = [r for r, m in miss.items() if m == worst and r != r0]
    least = miss[r0] == worst and miss[r0] > 0 and not tied
    missed = int(row["seeds"] - row["reached_threshold"])
    own = f"{kinds.count(missed, int(row['seeds']), 'seed')} {kinds.verb(missed, int(row['seeds']), 'misses', 'miss')} the threshold"
    wider = w[w["r"] > r0]
    versus = kinds.two_counts(missed, int(row["seeds"]), int((wider["seeds"] - wider["reached_threshold"]).sum()),
                              int(wider["seeds"].sum()))
    if least:
        text = (f"The exactly specified student, \\(r=r_0={r0}\\), misses most often: {own} (the best ends at "
                f"{fmt(row['final_population_min'])}, the worst at {fmt(row['final_population_max'])}); against the "
                f"wider widths pooled, {versus}.")
    elif worst == 0:
        text = "Every run of every width reaches the threshold."
    elif miss[r0] == worst:
        text = (f"At \\(r=r_0={r0}\\), {own}; as many or more miss it at " + ", ".join(f"\\(r={r}\\)" for r in tied)
                + f" (per width: {miss_words(w)}), so no width is the least reliable alone.")
    else:
        text = (f"At \\(r=r_0={r0}\\), {own}; more miss it at a wider width (per width: {miss_words(w)}), so the "
                "exactly specified student is not the least reliable.")
    return c("WidthNarrowLeastReliableClaim", "a larger fraction of the seeds of r = r0 misses the threshold than of "
             "any other width (ties are not least)", least, values, text, text)


def narrow_trap_ref(w: pd.DataFrame, r0: int) -> str:
    row = w[w["r"] == r0]
    if row.empty:
        return f"the width test has no width \\(r=r_0={r0}\\)"
    row = row.iloc[0]
    missed, seeds = int(row["seeds"] - row["reached_threshold"]), int(row["seeds"])
    wider = w[w["r"] > r0]
    w_missed, w_seeds = int((wider["seeds"] - wider["reached_threshold"]).sum()), int(wider["seeds"].sum())
    return (f"in V2(d), {kinds.count(missed, seeds, 'seed')} of the exactly specified student "
            f"{kinds.verb(missed, seeds, 'misses', 'miss')} the threshold and {fmt(w_missed)} of "
            f"{fmt(w_seeds)} runs of the wider students do, " + kinds.two_counts(missed, seeds, w_missed, w_seeds))


def wider_claim(w: pd.DataFrame, r0: int, threshold: float):
    """Every run of every width above r0 reaches the threshold."""
    wider = w[w["r"] > r0]
    got, total = int(wider["reached_threshold"].sum()), int(wider["seeds"].sum())
    holds = bool(total) and got == total
    return c("WidthAllButNarrowClaim", "every run of every width above r0 reaches the threshold", holds,
             {"reached": got, "runs": total, "widths": [int(r) for r in wider["r"]]},
             f"every width above \\(r_0\\) brings the exact objective below {fmt(threshold)} for every seed "
             "(Table~\\ref{tab:width})",
             (f"{kinds.count(got, total, 'run')} of the widths above \\(r_0\\) "
              f"{kinds.verb(got, total, 'brings', 'bring')} the exact objective below {fmt(threshold)} (runs that miss "
              f"it: {miss_words(wider)}; Table~\\ref{{tab:width}})" if total else "the width test has no width above \\(r_0\\)"))


def seed_ranges(w: pd.DataFrame) -> tuple[dict, dict]:
    """Each width's lowest and highest final exact objective over seeds, keyed by str(r)."""
    return (dict(zip(w["r"].astype(int).astype(str), w["final_population_min"])),
            dict(zip(w["r"].astype(int).astype(str), w["final_population_max"])))


def width_order(w: pd.DataFrame):
    """The widths ordered by median final exact objective over seeds, where two widths whose seed
    ranges overlap tie: (ranked, falls) with falls true when the order is strict and falls with r."""
    med = {int(r): float(v) for r, v in zip(w["r"], w["final_population_median"])}
    ranked = kinds.ordering({f"{r}": v for r, v in med.items()}, *seed_ranges(w))
    falls = ranked.strict and [int(g[0]) for g in ranked.groups] == sorted(med, reverse=True)
    return ranked, falls


def pattern_claim(w: pd.DataFrame, r0: int, wide: pd.Series):
    ranked, falls = width_order(w)
    med = w["final_population_median"].to_numpy()
    order = order_words(ranked, *seed_ranges(w))
    text = ("Compared with Livni et al., their pattern appears at this \\(\\eta\\): the median final exact "
            f"objective falls with each wider student, from {fmt(med[0])} at \\(r={int(w['r'].iloc[0])}\\) to "
            f"{fmt(med[-1])} at \\(r={int(wide['r'])}\\), and no two widths' seed ranges overlap."
            if falls else
            "Compared with Livni et al., their pattern (a final objective that falls with every wider student) does "
            f"not appear at this \\(\\eta\\): by median final exact objective, lowest first, {order}.")
    return c("WidthPatternClaim", "the median final exact objective falls with every wider student and no two "
             "widths' ranges over seeds overlap", falls,
             {f"r{int(r)}": float(v) for r, v in zip(w["r"], med)}, text, text)


def pattern_lead(w: pd.DataFrame, r0: int) -> str:
    return "Although (d) already shows their pattern" if width_order(w)[1] else "Because (d) does not show their pattern"



def regimes(runs, summary, anchors_one, n: Numbers) -> None:
    """V2(e): every regime's width sweep; claims about the livni regime."""
    reg = regime_rows(summary)
    order = {x: i for i, x in enumerate(dict.fromkeys(runs["study"]))}  # config order, as the logs came
    reg = reg.sort_values("study", key=lambda x: x.map(order), kind="stable")
    rows = []
    for name, g in reg.groupby("study", sort=False):
        g = g.sort_values("r")
        row = {"regime": f"\\texttt{{{tex_escape(name)}}}", "init": fmt(g["init_scale"].iloc[0]),
               r"\(\eta\)": "/".join(fmt(v, 2, False) for v in g["lr0"].unique()).join(["\\ensuremath{", "}"]),
               "batch": fmt(g["batch_size"].iloc[0]),
               "optimizer": tex_escape(g["optimizer"].iloc[0]), "epochs": fmt(g["epochs"].iloc[0])}
        row.update({f"\\(r={int(r)}\\)": f"{fmt(v, 3)} ({int(k - h)})"
                    for r, v, k, h in zip(g["r"], g["final_population_median"], g["seeds"], g["reached_threshold"])})
        rows.append(row)
    t = pd.DataFrame(rows).fillna("--")
    n.tables["regimes_table"] = tabular(t, "l" + "r" * (t.shape[1] - 1))
    n.macros.append(("RegimeNames", ", ".join(f"\\texttt{{{tex_escape(x)}}}" for x in reg["study"].unique())))
    for name, prefix in (("livni", "Livni"), ("paper", "Paper")):
        g = reg[reg["study"] == name].sort_values("r")
        if g.empty:
            raise ValueError(f"the report discusses regime {name!r} of planted.regimes, which the logs lack")
        n.macros += [(f"{prefix}Init", fmt(g["init_scale"].iloc[0])), (f"{prefix}Lr", fmt(g["lr0"].iloc[0])),
                     (f"{prefix}Batch", fmt(g["batch_size"].iloc[0])), (f"{prefix}Epochs", fmt(g["epochs"].iloc[0])),
                     (f"{prefix}NarrowR", fmt(g["r"].iloc[0])),
                     (f"{prefix}NarrowFinal", fmt(g["final_population_median"].iloc[0])),
                     (f"{prefix}WideR", fmt(g["r"].iloc[-1])),
                     (f"{prefix}WideFinal", fmt(g["final_population_median"].iloc[-1]))]
    g = reg[reg["study"] == "livni"].sort_values("r")
    finals = g["final_population_median"].to_numpy()
    livni_kind, livni_phrase = pattern(g)
    monotone = livni_kind == "falls"
    n.add(c("LivniMonotoneClaim", f"in the livni regime the median final exact objective {FALLS}", monotone,
            {f"r{int(r)}": float(v) for r, v in zip(g["r"], finals)}, livni_phrase, livni_phrase))
    curves = median_curves(runs, "livni")
    below = (curves.diff(axis=1).iloc[:, 1:] < 0).all(axis=1)  # each wider median below the next narrower one
    every = bool(below.all())
    n.add(c("LivniBelowEveryEpochClaim", "in the livni regime, at every epoch, each width's median exact objective "
            "lies below the next narrower width's", every,
            {"epochs": len(below), "epochs_ordered": int(below.sum())},
            "the wider curves lie below the narrower ones at every epoch",
            f"the wider curves lie below the narrower ones at {fmt(int(below.sum()))} of the "
            f"{fmt(len(below))} epochs"))
    n.add(c("LivniPictureClaim", "both livni claims above hold", monotone and every,
            {"LivniMonotoneClaim": monotone, "LivniBelowEveryEpochClaim": every},
            "This is Livni et al.'s picture by these two measures: the wider students end lower and lie lower at "
            "every epoch.",
            "So Livni et al.'s picture (wider students lower at the end and at every epoch) holds here only in part."
            if monotone or every else
            "So Livni et al.'s picture (wider students lower at the end and at every epoch) does not appear in this "
            "run."))
    livni_published(g, runs, anchors_one, n)
    n.add(regimes_differ(reg, livni_kind, livni_phrase))


def livni_published(g: pd.DataFrame, runs: pd.DataFrame, anchors_one: pd.Series, n: Numbers) -> None:
    """Our livni run against the published one: same width, epochs and epoch length, within a factor 10."""
    pub_r, pub_final, pub_epochs = (anchors_one.get(k) for k in ("livni_narrow_r", "livni_narrow_final", "livni_epochs"))
    ours = g[g["r"] == pub_r]
    comparable = bool(len(ours) and int(g["epochs"].iloc[0]) == int(pub_epochs)
                      and int(runs["samples_per_epoch"].iloc[0]) == anchors_one.get("epoch_samples"))
    close = comparable and abs(np.log10(ours["final_population_median"].iloc[0] / pub_final)) < 1
    n.add(c("LivniPublishedClaim", "our livni run at the published width and epochs ends within a factor 10 of the "
            "published final objective", close,
            {"ours": float(ours["final_population_median"].iloc[0]) if len(ours) else "none", "published": pub_final,
             "our_epochs": int(g["epochs"].iloc[0]), "published_epochs": pub_epochs},
            f"within a factor of ten of our {fmt(ours['final_population_median'].iloc[0]) if len(ours) else NA} "
            "(the same order of magnitude; their \\(D\\) differs, so no closer agreement is to be expected)",
            ("not within a factor of ten of our " + fmt(ours['final_population_median'].iloc[0])
             if comparable else "not comparable with our run, which has another number of epochs, another epoch "
             "length or no such width")))


def regimes_differ(reg: pd.DataFrame, livni_kind: str, livni_phrase: str):
    """Does the ordering by width differ between livni and paper (the setting of (d))?"""
    monotone = livni_kind == "falls"
    paper_g = reg[reg["study"] == "paper"].sort_values("r")
    paper_kind, paper_phrase = pattern(paper_g)
    paper_med = paper_g["final_population_median"].to_numpy()
    paper_down = bool(np.all(np.diff(paper_med) < 0))  # even unresolved, a falling median is no contrast
    differ = monotone and not paper_down
    return c("RegimesDifferClaim", f"in the livni regime the median final exact objective {FALLS}, and in the paper "
            "regime the median does not fall from each width to the next wider one", differ,
            {"livni": livni_kind, "paper": paper_kind, "paper_median_falls": paper_down},
            "On the same teacher, then, the ordering by width changes with the optimization setting: in "
            f"\\texttt{{paper}} the median final exact objective {paper_phrase}.",
            "The two regimes do not separate here: in \\texttt{paper} the median final exact objective "
            f"{paper_phrase}; in \\texttt{{livni}} it {livni_phrase}.")


def regime_rows(table: pd.DataFrame) -> pd.DataFrame:
    """The rows of V2(e)'s regimes: not (c), (d) or a regime's own lr test."""
    st = table["study"]
    return table[~st.isin(["lr_test", "width_test"]) & ~st.str.endswith("_lr_test")]


def camel(name: str) -> str:
    """A regime's name in a macro: per_width -> PerWidth."""
    return "".join(w.capitalize() for w in name.split("_"))


# The one statistic for "width helps" in V2(e): the median over seeds falls at every wider width
# and neighbouring widths' seed ranges do not overlap (pattern()'s 'falls').
FALLS = ("falls from each width to the next wider one, and no two widths' ranges over seeds overlap")


def pattern(g: pd.DataFrame, col: str = "final_population_median") -> tuple[str, str]:
    """How `col` orders the widths of one sweep (rows sorted by r): 'falls' from each width to the
    next wider one, or 'rises', with no two widths' seed ranges overlapping; 'tied' when the median
    does one of these but some ranges overlap; 'mixed'; or 'diverged'. Also a TeX phrase saying so
    with the numbers and, where ranges overlap, the order they resolve (kinds.ordering)."""
    r, v = g["r"].to_numpy(), g[col].to_numpy()
    ranges = col == "final_population_median" and {"final_population_min", "final_population_max"} <= set(g)
    lo, hi = seed_ranges(g) if ranges else (None, None)
    bad = ~np.isfinite(v)
    if bad.any():  # the median run diverged at these widths: no ordering to speak of there
        where = ", ".join(f"\\(r={int(x)}\\)" for x in r[bad])
        ok = ~bad
        rest = ("" if not ok.any() else
                f"; at the other width, \\(r={int(r[ok][0])}\\), it is {fmt(v[ok][0])}" if ok.sum() == 1 else
                "; among the other widths, lowest first, " + order_words(kinds.ordering(
                    {str(x): float(y) for x, y in zip(r[ok], v[ok])}, lo, hi), lo, hi))
        return "diverged", f"is not finite at {where}, where the median run diverges{rest}"
    ranked = kinds.ordering({str(x): float(y) for x, y in zip(r, v)}, lo, hi)
    d = np.diff(v)
    ends = f"from {fmt(v[0])} at \\(r={int(r[0])}\\) to {fmt(v[-1])} at \\(r={int(r[-1])}\\)"
    if np.all(d < 0) or np.all(d > 0):
        way = "falls" if np.all(d < 0) else "rises"
        if ranked.strict:
            return way, f"{way} from each width to the next wider one, {ends}"
        return "tied", (f"{way} by the median {ends}, but not resolvably: by seed ranges, lowest first, "
                        f"{order_words(ranked, lo, hi)}")
    best = int(np.argmin(v))
    b = str(int(r[best]))
    meets = [x for x in map(str, r.astype(int)) if x != b and lo is not None and lo[x] <= hi[b] and lo[b] <= hi[x]]
    lowest = (f"is lowest by the median at \\(r={b}\\) ({fmt(v[best])})"
              + (", its range over seeds overlapping that of " + ", ".join(f"\\(r={x}\\)" for x in meets)
                 if meets else ""))
    return "mixed", f"{lowest}, {ends}; lowest first, {order_words(ranked, lo, hi)}"


def order_words(ranked, lo: dict | None = None, hi: dict | None = None) -> str:
    """'r=60 < r=120 ≈ r=240' with the meaning of ≈ said; within a group, the order its members
    do resolve once the widths whose range overlaps all the others are set aside."""
    text = " \\(<\\) ".join(" \\(\\approx\\) ".join(f"\\(r={x}\\)" for x in grp) for grp in ranked.groups)
    if ranked.strict:
        return text
    notes = []
    for grp in ranked.groups:
        if len(grp) < 3 or lo is None:
            continue
        meets = lambda a, b: lo[a] <= hi[b] and lo[b] <= hi[a]  # noqa: E731
        spans = [x for x in grp if all(meets(x, y) for y in grp if y != x)]
        rest = [x for x in grp if x not in spans]
        inner = kinds.ordering({x: (lo[x] + hi[x]) / 2 for x in rest}, lo, hi) if len(rest) > 1 else None
        if spans and inner is not None and inner.strict:
            notes.append(" \\(<\\) ".join(f"\\(r={x}\\)" for (x,) in inner.groups) + " is resolved, and the range of "
                         + ", ".join(f"\\(r={x}\\)" for x in spans) + " overlaps all of them")
    return (text + " (\\(\\approx\\) groups widths that their ranges over seeds do not put in order"
            + ("; within a group, " + "; ".join(notes) if notes else "") + ")")


# The one-factor ablations of V2(e): each changes one setting of `paper`, the setting of (d).
ONE_FACTOR = ("init", "eta", "batch", "momentum", "adam")
SETTINGS = {"init_scale": "the initial scale", "lr0": "\\(\\eta\\)", "batch_size": "the batch",
            "optimizer": "the optimizer"}
TESTED_ETA = ("momentum", "adam")  # regimes whose eta their own lr test chooses: not a change of its own


def change(g: pd.DataFrame, paper: pd.DataFrame) -> str:
    """What a regime changes with respect to `paper`, e.g. 'the initial scale (0.1 to 1)'."""
    out = []
    for col, label in SETTINGS.items():
        a, b = paper[col].iloc[0], g[col].iloc[0]
        if col == "lr0" and g["lr0"].nunique() > 1:
            out.append(f"{label} (chosen per width)")
        elif col == "lr0" and g["study"].iloc[0] in TESTED_ETA:
            continue
        elif a != b:
            show = (lambda x: tex_escape(x)) if col == "optimizer" else (lambda x: fmt(x))
            out.append(f"{label} ({show(a)} to {show(b)})")
    return ", ".join(out) or "nothing"


def against_paper(solutions: pd.DataFrame, name: str, r: int) -> str:
    """Regime `name` against paper at width r, seed by seed (the runs are paired by seed)."""
    per_seed = lambda study: solutions[(solutions["study"] == study) & (solutions["r"] == r)].set_index("seed")[  # noqa: E731
        "final_population"]
    a, b = per_seed(name).align(per_seed("paper"), join="inner")
    return (f" At \\(r={r}\\), seed by seed against \\texttt{{paper}}, its final exact objective is "
            f"{kinds.paired(a, b).words()}.")


def ablations(summary: pd.DataFrame, solutions: pd.DataFrame, n: Numbers) -> None:
    """V2(e): one claim per one-factor regime (does the median final exact objective fall with
    each wider width?), and which changes bring Livni et al.'s ordering."""
    reg = regime_rows(summary)
    need = [*ONE_FACTOR, "paper", "livni", "per_width"]
    missing = [x for x in need if x not in set(reg["study"])]
    if missing:
        raise ValueError(f"the report discusses regimes {missing} of planted.regimes, which the logs lack")
    paper = reg[reg["study"] == "paper"].sort_values("r")
    falls = {}
    for name in [*ONE_FACTOR, "paper", "livni"]:
        g = reg[reg["study"] == name].sort_values("r")
        kind, phrase = pattern(g)
        falls[name] = kind == "falls"
        if name == "livni":  # its ordering has its claim in regimes(): LivniMonotoneClaim
            continue
        above = (g["seeds"] - g["reached_threshold"]).astype(int)
        div = int(g["diverged"].sum())
        tail = (f"; {fmt(int(above.sum()))} of its {fmt(int(g['seeds'].sum()))} runs "
                f"{kinds.verb(int(above.sum()), int(g['seeds'].sum()), 'ends', 'end')} above the threshold"
                + (f" ({fmt(div)} diverged)" if div else "") + ".")
        eta = ""
        if name in TESTED_ETA:
            eta = f", at the \\(\\eta={fmt(g['lr0'].iloc[0], 3, False)}\\) its own lr test chose"
        lead = (f"Changing {change(g, paper)}{eta}, the median final exact objective " if eta else
                f"Changing only {change(g, paper)}, the median final exact objective ")
        versus = against_paper(solutions, name, int(g["r"].max())) if name != "paper" else ""
        if name == "paper":
            lead = "In \\texttt{paper}, the setting of (d), the median final exact objective "
        n.add(c(f"Regime{camel(name)}OrderClaim", f"in regime {name} the median final exact objective {FALLS}",
                falls[name],
                {f"r{int(r)}": float(v) for r, v in zip(g["r"], g["final_population_median"])},
                lead + phrase + tail + versus, lead + phrase + tail + versus))
        n.macros.append((f"Regime{camel(name)}Change", change(g, paper)))
    single = [x for x in ONE_FACTOR if falls[x]]
    names = ", ".join(f"\\texttt{{{x}}}" for x in single)
    n.add(c("OneFactorLivniClaim", f"the livni regime's median final exact objective {FALLS}, and no one-factor "
            "regime's does", falls["livni"] and not single,
            {x: falls[x] for x in [*ONE_FACTOR, "livni"]},
            "No single change turns the ordering of (d) into Livni et al.'s, and the three changes of "
            "\\texttt{livni} together do; no pair of changes was run, so which combination is needed is not "
            "tested.",
            ("Livni et al.'s ordering (lower at each wider width) appears with "
             + ("a single change: " if len(single) == 1 else "each of these single changes: ") + f"{names}."
             if single else "Neither a single change nor the three changes of \\texttt{livni} together give "
             "Livni et al.'s ordering (lower at each wider width) here.")))


def per_width_eta(summary: pd.DataFrame, n: Numbers) -> None:
    """The regime whose eta its own lr test chooses at every width: which etas, and whether the
    ordering of the widths is that of `paper` (one eta for all)."""
    reg = regime_rows(summary)
    g = reg[reg["study"] == "per_width"].sort_values("r")
    paper = reg[reg["study"] == "paper"].sort_values("r")
    etas = g["lr0"].to_numpy()
    n.macros += [("PerWidthEtas", ", ".join(f"\\(\\eta={fmt(e, 3, False)}\\) at \\(r={int(r)}\\)"
                                            for r, e in zip(g["r"], etas))),
                 ("PerWidthTestEtas", fmt_list(sorted(summary.loc[summary["study"] == "per_width_lr_test", "lr0"].unique())))]
    smaller = bool(np.all(np.diff(etas) <= 0) and etas[-1] < etas[0])
    n.add(c("PerWidthEtaFallsClaim", "the eta chosen per width never grows with the width and is smaller at the "
            "widest than at the narrowest", smaller, {f"r{int(r)}": float(e) for r, e in zip(g["r"], etas)},
            "The wider the student, the smaller the step its lr test chooses"
            + kinds.reading(", as a tangent kernel that grows with \\(r\\) would predict") + ".",
            "The chosen step does not shrink with the width" + (
                " (the same \\(\\eta\\) wins at every width)" if len(set(etas)) == 1 else "") + "."))
    n.add(per_width_order_claim(g, paper))


def per_width_order_claim(g: pd.DataFrame, paper: pd.DataFrame):
    """Does the ordering of the widths at one eta (paper) survive each width's own eta? Widths
    whose seed ranges overlap tie (width_order), so only resolved orders are compared."""
    mine, theirs = width_order(g)[0], width_order(paper)[0]
    same_etas = bool(len(g) == len(paper) and np.all(g["lr0"].to_numpy() == paper["lr0"].to_numpy()))
    resolved = mine.strict and theirs.strict
    same = resolved and mine.groups == theirs.groups
    plain = lambda ranked: " < ".join(" tied with ".join(f"r={r}" for r in grp) for grp in ranked.groups)  # noqa: E731
    values = {"per_width": plain(mine), "paper": plain(theirs), "same_etas": same_etas}
    predicate = ("with no two widths' seed ranges overlapping under either step, the widths rank in the same order "
                 "by median final exact objective with the eta chosen per width as with one eta for all (paper)")
    lead = (f"With its own \\(\\eta\\) at every width the widths rank, lowest median final exact objective first, "
            f"{order_words(mine, *seed_ranges(g))}, against {order_words(theirs, *seed_ranges(paper))} with one "
            "\\(\\eta\\) for all")
    if same_etas:  # the same runs as (d): nothing was changed, so nothing can be said about the step
        return c("PerWidthOrderClaim", predicate, same, values,
                 "Every width's lr test picks the \\(\\eta\\) of (d), so this regime repeats (d) and tests nothing "
                 "about the step normalized by width.", 
                 "Every width's lr test picks the \\(\\eta\\) of (d), so this regime repeats (d) and tests nothing "
                 "about the step normalized by width.")
    if g["lr0"].nunique() == 1:  # every width chose one eta, not the paper's: a change of step, not per width
        shared = (f"Every width's lr test picks \\(\\eta={fmt(g['lr0'].iloc[0], 3, False)}\\), so this regime "
                  "compares two steps each shared by all widths, not a step normalized by width: ")
        return c("PerWidthOrderClaim", predicate, same, values, shared + lead[0].lower() + lead[1:] + ".",
                 shared + lead[0].lower() + lead[1:] + ".")
    return c("PerWidthOrderClaim", predicate, same, values,
             lead + ": the ordering of (d) survives the step normalized by width.",
             lead + (": the step alone changed, and the ordering of (d) changed with it." if resolved else
                     ": with ranges that overlap, whether the ordering survives the step normalized by width is "
                     "not resolved."))


def distances(solutions: pd.DataFrame, summary: pd.DataFrame, n: Numbers) -> None:
    """Lazy or rich: ||V_T - V_0||/||V_0|| (and U's) per regime and width, median over seeds."""
    sol = regime_rows(solutions)
    sol = sol[sol["status"] == "ok"]
    med = sol.groupby(["study", "r"])[["U_dist", "V_dist"]].median()
    for name in ("paper", "livni"):
        m = med.loc[name]
        n.macros += [(f"Dist{camel(name)}VNarrow", fmt(m["V_dist"].iloc[0])),
                     (f"Dist{camel(name)}VWide", fmt(m["V_dist"].iloc[-1])),
                     (f"Dist{camel(name)}UNarrow", fmt(m["U_dist"].iloc[0])),
                     (f"Dist{camel(name)}UWide", fmt(m["U_dist"].iloc[-1]))]
    n.macros += [("DistRNarrow", fmt(med.loc["paper"].index[0])), ("DistRWide", fmt(med.loc["paper"].index[-1]))]
    paper_v, livni_v = med.loc["paper", "V_dist"], med.loc["livni", "V_dist"]
    rich = bool((paper_v > 1).all())
    n.add(c("DistPaperRichClaim", "in the paper regime the median ||V_T - V_0||/||V_0|| exceeds 1 at every width",
            rich, {f"r{int(r)}": float(v) for r, v in paper_v.items()},
            "In \\texttt{paper} the first layer ends farther from its start than the start's own norm at every "
            "width: training there is not lazy.",
            "In \\texttt{paper} the first layer does not move by more than its initial norm at every width."))
    lazy = bool((livni_v < 1).all() and np.all(np.diff(livni_v.to_numpy()) < 0))
    n.add(c("DistLivniLazyClaim", "in the livni regime the median ||V_T - V_0||/||V_0|| is below 1 at every width "
            "and falls from each width to the next wider one", lazy, {f"r{int(r)}": float(v) for r, v in livni_v.items()},
            "In \\texttt{livni} the first layer moves by a fraction of its initial norm, a fraction that shrinks "
            "from each width to the next wider one: by this measure of the first layer, the signature of lazy "
            f"training; the second layer's median \\(\\|U_T-U_0\\|/\\|U_0\\|\\) goes from {fmt(med.loc['livni', 'U_dist'].iloc[0])} "
            f"to {fmt(med.loc['livni', 'U_dist'].iloc[-1])}"
            + ("." if np.all(np.diff(med.loc['livni', 'U_dist'].to_numpy()) < 0) else
               ", not falling from each width to the next, so by the second layer the signature is absent."),
            "In \\texttt{livni} the first layer's relative movement is not both below 1 and shrinking from each "
            "width to the next wider one, so the runs do not show the lazy regime's signature."))
    common = livni_v.index.intersection(paper_v.index)  # the widths both sweep
    lazier = bool(len(common)) and bool((livni_v[common] < paper_v[common]).all())
    n.add(c("DistLivniBelowPaperClaim", "at every width the livni regime's median ||V_T - V_0||/||V_0|| is below the "
            "paper regime's", lazier, {f"r{int(r)}": f"livni {livni_v[r]:.3g}, paper {paper_v[r]:.3g}" for r in common} or {"common widths": "none"},
            "At every width the \\texttt{livni} students move less, relative to their start, than the "
            "\\texttt{paper} ones.",
            "The \\texttt{livni} students do not move less than the \\texttt{paper} ones at every width."))
    g = regime_rows(summary)
    livni_falls = pattern(g[g["study"] == "livni"].sort_values("r"))[0] == "falls"
    paper_kind, paper_phrase = pattern(g[g["study"] == "paper"].sort_values("r"))
    n.add(lazy_claim(lazy, rich, livni_falls, paper_kind == "falls", paper_phrase))
    t = med["V_dist"].unstack("r")
    t = t.reindex([x for x in dict.fromkeys(sol["study"])])
    table = pd.DataFrame({"regime": [f"\\texttt{{{tex_escape(x)}}}" for x in t.index],
                          **{f"\\(r={int(r)}\\)": t[r].map(fmt).to_numpy() for r in t.columns}})
    n.tables["distance_table"] = tabular(table, "l" + "r" * (table.shape[1] - 1))


def lazy_claim(lazy: bool, rich: bool, livni_falls: bool, paper_falls: bool, paper_phrase: str = ""):
    """Does the benefit of width go with lazy training? Only where width helps in the lazy regime
    and not in the rich one; where it helps in both, it is not confined to lazy training."""
    values = {"livni_first_layer_signature": lazy, "paper_rich": rich, "livni_width_helps": livni_falls,
              "paper_width_helps": paper_falls}
    predicate = ("the livni regime has the first layer's lazy signature (DistLivniLazyClaim), the paper regime's first "
                 "layer moves more than its initial norm (DistPaperRichClaim), "
                 f"and the median final exact objective {FALLS} in the livni regime but not in the paper regime")
    if lazy and rich and livni_falls and paper_falls:
        return c("LazyCoincidesLivniClaim", predicate, False, values, None,
                 "Width lowers the final objective resolvably in both regimes, \\texttt{livni} with the first "
                 "layer's lazy signature and \\texttt{paper} whose weights travel far, so in these runs the benefit "
                 "of width is not confined to the regime with that signature.")
    missing = [x for x, ok in (("the livni regime lacks the first layer's lazy signature", lazy),
                               ("the paper regime moves little", rich),
                               ("width does not lower the livni regime's final objective resolvably", livni_falls))
               if not ok]
    return c("LazyCoincidesLivniClaim", predicate, lazy and rich and livni_falls and not paper_falls, values,
             "The benefit of width thus coincides with the first layer's lazy signature: it shows in "
             "\\texttt{livni}, whose first layer stays near its start, and not in \\texttt{paper} (the setting of (d)), where its first layer "
             f"travels far and the median final exact objective {paper_phrase}. " + kinds.reading("Near-linearity may be what makes width help here")
             + "; no run changes the distance travelled alone.",
             "So these runs do not tie the benefit of width to lazy training: " + "; ".join(missing) + ".")


def stuck(solutions: pd.DataFrame, threshold: float, n: Numbers) -> None:
    """V2(d)'s runs above the threshold, described from their final weights (cosines of the
    student's and the teacher's hidden units), beside the converged runs of the same width."""
    w = solutions[solutions["study"] == "width_test"].sort_values(["r", "seed"])
    r0 = int(w["r"].min())
    at_r0 = w[w["r"] == r0]
    bad, good = w[w["stuck"]], at_r0[~at_r0["stuck"]]
    per_width = "; ".join(f"\\(r={int(r)}\\): {int(g['stuck'].sum())} of {len(g)}" for r, g in w.groupby("r"))
    n.macros += [("WidthStuckRuns", fmt(len(bad))), ("WidthStuckPerWidth", per_width),
                 ("StuckAlign", fmt(ALIGN)), ("StuckDead", fmt(DEAD))]
    uncovered = bool(len(bad)) and bool((bad["teacher_uncovered"] > 0).all())
    desc = "; ".join(
        (f"seed {int(x.seed)} at \\(r={int(x.r)}\\) diverged" if x.status != "ok" else
         f"seed {int(x.seed)} at \\(r={int(x.r)}\\) (final {fmt(x.final_population)}): "
         f"{fmt_count(x.teacher_uncovered, 'teacher unit')} uncovered, {fmt(x.teacher_shared)} with two or more "
         f"student units on {'it' if x.teacher_shared == 1 else 'them'}, {fmt(x.dead_units)} dead and "
         f"{fmt_count(x.other_units, 'other student unit')}, the worst-matched "
         f"teacher unit's best cosine {fmt(x.worst_teacher_best_cos)}") for x in bad.itertuples())
    n.add(c("StuckUncoveredClaim", "every run of the width test that ends above the threshold leaves at least one "
            "teacher unit without a student unit on it", uncovered,
            {"stuck_runs": len(bad), "uncovered": [float(v) for v in bad["teacher_uncovered"]]},
            f"Every stuck run leaves a teacher unit uncovered ({desc}).",
            (f"Not every stuck run leaves a teacher unit uncovered ({desc})." if len(bad) else
             f"No run of (d) ends above {fmt(threshold)}, so there is no stuck solution to describe.")))
    one_to_one = bool(len(good)) and bool(((good["teacher_uncovered"] == 0) & (good["teacher_shared"] == 0)
                                            & (good["units_on_teacher"] == r0)).all())
    n.add(c("ConvergedOneToOneClaim", "every run of the width test at r = r0 that ends below the threshold has "
            "exactly one student unit on every teacher unit", one_to_one,
            {"converged_at_r0": len(good), "uncovered": [int(v) for v in good["teacher_uncovered"]],
             "shared": [int(v) for v in good["teacher_shared"]]},
            f"Each of the {fmt(len(good))} runs at \\(r=r_0\\) that converge has exactly one student unit on "
            f"every teacher unit (largest relative error of the recovered output weights "
            f"{fmt(good['max_mass_error'].max())}).",
            ("Not every converged run at \\(r=r_0\\) matches the teacher one to one." if len(good) else
             "No run at \\(r=r_0\\) converges.")))
    wide = w[w["r"] == w["r"].max()]
    covers = bool(len(wide)) and bool((wide["teacher_uncovered"] == 0).all())
    rw = int(w["r"].max())
    n.add(c("WideCoversTeacherClaim", "every run of the width test at the largest width ends with a student unit on "
            "every teacher unit", covers, {"runs": len(wide), "uncovered": [float(v) for v in wide["teacher_uncovered"]]},
            f"At \\(r={rw}\\) every run ends with a student unit on every teacher unit; the median run has "
            f"{fmt(wide['units_on_teacher'].median())} of its {rw} units on teacher units and "
            f"{fmt(wide['dead_units'].median())} dead at the end (the initial weights are not kept, so how many "
            "were already that small at the start is not known).",
            f"At \\(r={rw}\\) not every run ends with a student unit on every teacher unit (teacher units "
            f"uncovered per run: {', '.join(fmt(v) for v in wide['teacher_uncovered'])}); the median run has "
            f"{fmt(wide['units_on_teacher'].median())} of its {rw} units on teacher units and "
            f"{fmt(wide['dead_units'].median())} dead at the end."))
    cols = {r"\(r\)": "r", "seed": "seed", "final exact": "final_population", "uncovered": "teacher_uncovered",
            "shared": "teacher_shared", "dead": "dead_units", "other": "other_units",
            "worst best cos": "worst_teacher_best_cos"}
    show = pd.concat([bad, good])
    t = pd.DataFrame({k: show[v].map(fmt).to_numpy() for k, v in cols.items()})
    t.insert(2, "state", np.where(show["stuck"], "stuck", "converged"))
    n.tables["stuck_table"] = tabular(t, "rrlrrrrrr")


def above_text(summary: pd.DataFrame, study: str) -> str:
    """'r=60: 2 of 5' per width of one study whose runs end above the threshold, or 'none'."""
    g = summary[summary["study"] == study].sort_values("r")
    parts = [f"\\(r={int(r)}\\): {int(k - h)} of {int(k)}" for r, k, h in zip(g["r"], g["seeds"], g["reached_threshold"])
             if k > h]
    return "; ".join(parts) or "none"


def build(*, runs: pd.DataFrame, summary: pd.DataFrame, selected_lr: float, check: pd.DataFrame,
          anchors: pd.DataFrame, solutions: pd.DataFrame) -> Numbers:
    n = Numbers()
    first = runs.iloc[0]
    threshold = float(summary["threshold"].iloc[0])
    diverged = int(final_rows(runs).drop_duplicates("run_id")["status"].ne("ok").sum())
    n.macros += [
        ("PlantedD", fmt(first["D"])), ("PlantedN", fmt(first["n"])), ("PlantedRzero", fmt(first["r0"])),
        ("PlantedTeacherSeed", fmt(first["teacher_seed"])),
        ("PlantedSamplesPerEpoch", fmt(first["samples_per_epoch"])),
        ("PlantedHalveEvery", fmt(first["halve_every"])),
        ("PlantedSeeds", fmt(runs["seed"].nunique())), ("PlantedSeedList", seed_range(runs["seed"])),
        ("PlantedRuns", fmt(runs["run_id"].nunique())), ("PlantedDiverged", fmt(diverged)),
        ("PlantedThreshold", fmt(threshold)), ("PlantedCommit", commits(runs)),
    ]
    one = published(anchors, n)
    teacher_check(check, n)
    lr_test(runs, summary, selected_lr, anchors, n)
    width_test(runs, summary, threshold, one, n)
    regimes(runs, summary, one, n)
    ablations(summary, solutions, n)
    per_width_eta(summary, n)
    distances(solutions, summary, n)
    stuck(solutions, threshold, n)
    n.macros.append(("WidthAboveText", above_text(summary, "width_test")))
    n.macros.append(("RegimesAboveText", "; ".join(f"\\texttt{{{tex_escape(x)}}}: {above_text(summary, x)}"
                                                   for x in regime_rows(summary)["study"].unique())))
    return n
