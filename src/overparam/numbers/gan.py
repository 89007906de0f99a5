"""L5.2, the GAN: numbers, table and claims from the study's tidy tables (runs.parquet: every
epoch of every run; quality.parquet: every scored epoch and the real-digit reference). What the
samples look like is said from the classifier's measurements, never from looking at a grid."""
from __future__ import annotations

from functools import partial

import numpy as np
import pandas as pd

from . import Numbers
from .claims import claim
from .tex import commits, fmt, fmt_list, tabular, tex_escape

STUDY = "gan"
CLASSES = [f"class_{k}" for k in range(10)]
METRICS = [("inception_score", "Is", 3), ("frechet_distance", "Fid", 3),
           ("confident_fraction", "Confident", 2), ("classes_covered", "Classes", 2),
           ("class_entropy", "Entropy", 3)]
COLLAPSED = 0.9  # a sample set is collapsed when one class holds at least this share

c = partial(claim, STUDY)  # every claim of this module belongs to its study


def regime_macro(name: str) -> str:
    """A regime name as part of a macro name: strong_discriminator -> StrongDiscriminator."""
    return "".join(w.capitalize() for w in str(name).split("_"))


def histogram_text(shares: pd.Series, top: int = 2) -> str:
    """'class 1 takes 0.41 and class 7 0.23' from a class histogram (shares indexed by class_k);
    classes under 1% are left out, and one class with (nearly) everything is said so."""
    s = shares.sort_values(ascending=False)
    if s.iloc[0] >= 0.995:
        return f"class {s.index[0][6:]} takes all of them"
    s = s[s >= 0.01].head(top)
    parts = [f"class {k[6:]} {'takes ' if i == 0 else ''}{fmt(v, 2)}" for i, (k, v) in enumerate(s.items())]
    return " and ".join(parts)


def per_epoch(q: pd.DataFrame) -> pd.DataFrame:
    """Mean over seeds of every metric and class share, per scored epoch."""
    return q.groupby("epoch")[[m for m, _, _ in METRICS] + CLASSES].mean().sort_index()


def build(*, runs: pd.DataFrame, quality: pd.DataFrame) -> Numbers:
    n = Numbers()
    real = quality[quality["regime"] == "real digits"].iloc[0]
    gen = quality[quality["regime"] != "real digits"]
    first = runs.iloc[0]
    seeds = sorted(runs["seed"].unique())
    n.macros += [
        ("GanSource", tex_escape(first["source"])), ("GanTrainDigits", fmt(int(first["n_train"]))),
        ("GanHoldout", fmt(int(real["n_holdout"]))), ("GanScored", fmt(int(real["n_holdout"]) // 2)),
        ("GanEpochSamples", fmt(int(first["epoch_samples"]))), ("GanSeeds", fmt(len(seeds))),
        ("GanSeedList", fmt_list(seeds)), ("GanCommit", commits(runs["prov_git_commit"])),
        ("GanDevice", tex_escape(", ".join(sorted(runs["prov_device"].unique())))),
        ("GanClassifierAccuracy", fmt(100 * real["holdout_accuracy"], 3)),
        ("GanClassifierMinAccuracy", fmt(100 * real["min_accuracy"], 3)),
        ("GanClassifierSteps", fmt(int(real["steps"]))),
        ("GanSampleEpochs", fmt_list(sorted(gen["epoch"].unique()))),
        ("GanCollapsedShare", fmt(COLLAPSED, 2)),
    ]
    n.macros += [(f"GanReal{suffix}", fmt(real[col], sig)) for col, suffix, sig in METRICS]
    rows, last_q, curves = [], {}, {}
    for name, r in runs.groupby("regime", sort=False):
        last = r[r["epoch"] == r["epoch"].max()]
        q = per_epoch(gen[gen["regime"] == name])
        ql = q.iloc[-1]
        last_q[name], curves[name] = ql, r.groupby("epoch")[["d_real", "d_fake", "d_loss", "g_loss"]].mean()
        cfg, key = last.iloc[0], f"Gan{regime_macro(name)}"
        updates = int(cfg["epochs"]) * int(cfg["epoch_samples"]) // int(cfg["batch_size"])
        seconds = float(r["seconds"].median())
        n.macros += [(f"{key}Epochs", fmt(int(cfg["epochs"]))), (f"{key}Batch", fmt(int(cfg["batch_size"]))),
                     (f"{key}LrG", fmt(cfg["lr_g"])), (f"{key}LrD", fmt(cfg["lr_d"])),
                     (f"{key}Updates", fmt(updates)), (f"{key}UpdatesPerEpoch", fmt(updates // int(cfg["epochs"]))),
                     (f"{key}Seconds", fmt(seconds, 2)),
                     (f"{key}Minutes", fmt(r.groupby("seed")["seconds"].sum().median() / 60, 2)),
                     (f"{key}DReal", fmt(last["d_real"].mean(), 2)), (f"{key}DFake", fmt(last["d_fake"].mean(), 2)),
                     (f"{key}DLoss", fmt(last["d_loss"].mean(), 2)), (f"{key}GLoss", fmt(last["g_loss"].mean(), 2)),
                     (f"{key}TopShare", fmt(ql[CLASSES].max(), 2)),
                     (f"{key}Histogram", histogram_text(ql[CLASSES])),
                     (f"{key}FirstScored", fmt(int(q.index.min()))), (f"{key}LastScored", fmt(int(q.index.max()))),
                     (f"{key}BestFidEpoch", fmt(int(q["frechet_distance"].idxmin()))),
                     (f"{key}BestFid", fmt(q["frechet_distance"].min(), 3))]
        n.macros += [(f"{key}{suffix}", fmt(ql[col], sig)) for col, suffix, sig in METRICS]
        rows.append({"regime": tex_escape(name.replace("_", " ")),
                     "lr G / D": f"{fmt(cfg['lr_g'], 2)} / {fmt(cfg['lr_d'], 2)}",
                     "batch": fmt(int(cfg["batch_size"])), "epochs": fmt(int(cfg["epochs"])), "updates": fmt(updates),
                     "s/epoch": fmt(seconds, 2), "IS": fmt(ql["inception_score"], 3),
                     "FD": fmt(ql["frechet_distance"], 3), "confident": fmt(ql["confident_fraction"], 2),
                     "classes": fmt(ql["classes_covered"], 2), "top class": fmt(ql[CLASSES].max(), 2)})
    rows.append({"regime": "real held-out digits", "lr G / D": "", "batch": "", "epochs": "", "updates": "",
                 "s/epoch": "", "IS": fmt(real["inception_score"], 3), "FD": fmt(real["frechet_distance"], 3),
                 "confident": fmt(real["confident_fraction"], 2), "classes": fmt(real["classes_covered"], 2),
                 "top class": ""})
    n.tables["gan_table"] = tabular(pd.DataFrame(rows), "lccrrrrrrrr")
    claims(n, gen, real, last_q, curves, seeds)
    return n


def claims(n: Numbers, gen, real, last_q, curves, seeds) -> None:
    for needed in ("original", "strong_discriminator", "low_noise"):
        if needed not in last_q:
            raise ValueError(f"the report discusses GAN regime {needed!r}, which the logs lack")
    seeds_text = f"mean over {len(seeds)} seed{'s' if len(seeds) > 1 else ''}"
    o, s, lo = last_q["original"], last_q["strong_discriminator"], last_q["low_noise"]
    co, cs, cl = curves["original"], curves["strong_discriminator"], curves["low_noise"]

    # regime 1
    end = co.iloc[-1]
    balanced = bool(0.2 <= end["d_real"] <= 0.9 and 0.1 <= end["d_fake"] <= 0.8 and co["d_loss"].max() < 2.5)
    n.add(c("GanOriginalBalanceClaim", "regime 1, last epoch: mean D(x) in [0.2, 0.9], mean D(G(z)) in [0.1, 0.8], "
            "and the discriminator loss below 2.5 at every epoch", balanced,
            {"d_real": float(end["d_real"]), "d_fake": float(end["d_fake"]), "max_d_loss": float(co["d_loss"].max())},
            "The two players stay in balance: over the last epoch the discriminator gives real digits "
            f"\\(D(x)={fmt(end['d_real'], 2, False)}\\) on average and generated ones "
            f"\\(D(G(z))={fmt(end['d_fake'], 2, False)}\\), and neither loss runs away (Figure~\\ref{{fig:gan-curves}}).",
            "The players are not in balance by the end: over the last epoch "
            f"\\(D(x)={fmt(end['d_real'], 2, False)}\\) and \\(D(G(z))={fmt(end['d_fake'], 2, False)}\\) "
            "(Figure~\\ref{fig:gan-curves})."))
    q = per_epoch(gen[gen["regime"] == "original"])
    improving = bool(len(q) > 1 and (np.diff(q["inception_score"]) > 0).all() and (np.diff(q["frechet_distance"]) < 0).all())
    overall = bool(len(q) > 1 and q["inception_score"].iloc[-1] > q["inception_score"].iloc[0]
                   and q["frechet_distance"].iloc[-1] < q["frechet_distance"].iloc[0])
    n.add(c("GanOriginalImprovesClaim", "regime 1: the inception score rises and the Frechet distance falls between "
            "every two scored epochs", improving,
            {"IS": [float(v) for v in q["inception_score"]], "FD": [float(v) for v in q["frechet_distance"]]},
            "both improving at every scored epoch",
            "improving from the first scored epoch to the last, though not at every one" if overall
            else "not improving from the first scored epoch to the last"))
    far = bool(o["frechet_distance"] > 2 * real["frechet_distance"])
    n.add(c("GanOriginalFarClaim", "regime 1, last epoch: Frechet distance more than twice the real digits'", far,
            {"ours": float(o["frechet_distance"]), "real": float(real["frechet_distance"])},
            "Both are far from the real digits'", "The Fr\\'echet distance is within twice the real digits'"))
    spread = int(o["classes_covered"] >= 8) and o[CLASSES].max() < 0.3
    n.add(c("GanOriginalSpreadClaim", "regime 1, last epoch: at least 8 classes hold 1% of the samples each and no "
            "class holds 30%", spread, {"classes": float(o["classes_covered"]), "top_share": float(o[CLASSES].max())},
            "the samples spread over the classes", "the samples do not spread over the classes"))

    # regime 2
    common = co.index.intersection(cs.index)
    ahead = (cs.loc[common, "d_real"] > co.loc[common, "d_real"]) & (cs.loc[common, "d_fake"] < co.loc[common, "d_fake"])
    n.add(c("GanStrongAheadClaim", "at every epoch, regime 2's mean D(x) is above and its mean D(G(z)) below "
            "regime 1's", bool(ahead.all()), {"epochs": len(ahead), "epochs_ahead": int(ahead.sum())},
            "the discriminator stays ahead at every epoch: its mean output is higher on real digits and lower on "
            "generated ones than in regime 1",
            f"the discriminator is ahead of regime 1's (higher on real, lower on generated digits) at "
            f"{fmt(int(ahead.sum()))} of {fmt(len(ahead))} epochs"))
    above = cs.loc[common, "g_loss"] > co.loc[common, "g_loss"]
    n.add(c("GanStrongGLossClaim", "at every epoch regime 2's generator loss is above regime 1's", bool(above.all()),
            {"epochs": len(above), "epochs_above": int(above.sum())},
            "the generator loss stays above the original's at every epoch",
            f"the generator loss is above the original's at {fmt(int(above.sum()))} of {fmt(len(above))} epochs"))
    qs = per_epoch(gen[gen["regime"] == "strong_discriminator"])
    learns = bool(qs["frechet_distance"].iloc[-1] < qs["frechet_distance"].iloc[0]) if len(qs) > 1 else False
    n.add(c("GanStrongLearnsClaim", "regime 2: the Frechet distance at the last scored epoch is below the first",
            learns, {"FD": [float(v) for v in qs["frechet_distance"]]},
            "The generator still learns (its Fr\\'echet distance falls from "
            f"{fmt(qs['frechet_distance'].iloc[0], 3)} to {fmt(qs['frechet_distance'].iloc[-1], 3)})",
            "The generator makes no progress by this measure (its Fr\\'echet distance goes from "
            f"{fmt(qs['frechet_distance'].iloc[0], 3)} to {fmt(qs['frechet_distance'].iloc[-1], 3)})"))
    partial = bool(s[CLASSES].max() >= 0.2 and s["class_entropy"] < real["class_entropy"] - 0.2
                   and s[CLASSES].max() > o[CLASSES].max())
    n.add(c("GanStrongCollapseClaim", "regime 2, last epoch: the largest class holds at least 0.2 of the samples and "
            "more than in regime 1, and the class entropy is at least 0.2 below the real digits'", partial,
            {"top_share": float(s[CLASSES].max()), "top_share_original": float(o[CLASSES].max()),
             "entropy": float(s["class_entropy"]), "real_entropy": float(real["class_entropy"])},
            "This is partial mode collapse: the generator concentrates on a few classes.",
            f"By its class histogram regime 2 is no more concentrated than regime 1 (largest class "
            f"{fmt(s[CLASSES].max(), 2)} against {fmt(o[CLASSES].max(), 2)}), so this run shows no partial mode "
            "collapse caused by the faster discriminator."))
    tops = qs[CLASSES].idxmax(axis=1)
    swings = bool(tops.nunique() > 1)
    n.add(c("GanStrongSwingClaim", "regime 2: the largest class is not the same at every scored epoch", swings,
            {"largest_class_per_epoch": [int(v[6:]) for v in tops]},
            "Along the way the largest class changes from one scored epoch to another "
            f"({', '.join(v[6:] for v in tops)}: Figure~\\ref{{fig:gan-quality}}), the signature of a generator "
            "chasing a moving discriminator rather than approaching the data.",
            f"The largest class is the same at every scored epoch (class {tops.iloc[0][6:]})."))

    # regime 3
    ql = per_epoch(gen[gen["regime"] == "low_noise"])
    top = ql[CLASSES].max(axis=1)
    collapsed = top[top >= COLLAPSED]
    first_collapsed = bool(len(top) and top.iloc[0] >= COLLAPSED)
    n.add(c("GanLowNoiseCollapseClaim", f"regime 3: at the first scored epoch one class holds at least {COLLAPSED} of "
            "the samples (collapse from the start)", first_collapsed,
            {"top_share_per_epoch": [float(v) for v in top], "epochs": [int(e) for e in top.index]},
            f"The generator is collapsed from the first scored epoch: the classifier puts at least "
            f"{fmt(COLLAPSED, 2)} of the samples in one class at epochs {fmt_list(collapsed.index)} "
            f"(of the scored {fmt_list(top.index)}).",
            f"The generator is not collapsed at the first scored epoch (the largest class holds {fmt(top.iloc[0], 2)}"
            + (f"); one class holds at least {fmt(COLLAPSED, 2)} of the samples at epochs {fmt_list(collapsed.index)}."
               if len(collapsed) else f"), and at no scored epoch does one class hold {fmt(COLLAPSED, 2)} of them.")))
    endl = cl.iloc[-1]
    moderate = bool(0.2 <= endl["d_real"] <= 0.8 and 0.2 <= endl["d_fake"] <= 0.8)
    n.add(c("GanLowNoiseModerateClaim", "regime 3, last epoch: mean D(x) and D(G(z)) both in [0.2, 0.8]", moderate,
            {"d_real": float(endl["d_real"]), "d_fake": float(endl["d_fake"])},
            "The discriminator is not the cause: it stays moderate "
            f"(\\(D(x)={fmt(endl['d_real'], 2, False)}\\), \\(D(G(z))={fmt(endl['d_fake'], 2, False)}\\) at the end).",
            f"The discriminator ends at \\(D(x)={fmt(endl['d_real'], 2, False)}\\), "
            f"\\(D(G(z))={fmt(endl['d_fake'], 2, False)}\\), well apart, so this run cannot rule out the "
            "discriminator as a cause."))
    broken = bool(top.iloc[-1] < COLLAPSED)
    n.add(c("GanLowNoiseEndClaim", f"regime 3, last scored epoch: no class holds {COLLAPSED} of the samples", broken,
            {"top_share": float(top.iloc[-1]), "classes_covered": float(lo["classes_covered"])},
            f"By epoch {fmt(int(top.index[-1]))} no class holds {fmt(COLLAPSED, 2)} of the samples any more: "
            f"{histogram_text(lo[CLASSES])} of them, {fmt(lo['classes_covered'], 2)} classes hold at least 1\\%",
            f"At epoch {fmt(int(top.index[-1]))} the samples are still collapsed: {histogram_text(lo[CLASSES])} "
            f"of them, {fmt(lo['classes_covered'], 2)} classes hold at least 1\\%"))
    worse = bool(lo["frechet_distance"] > o["frechet_distance"] and lo[CLASSES].max() > o[CLASSES].max())
    n.add(c("GanRegimesClaim", "at the last epoch regime 3 has a larger Frechet distance and a larger top-class share "
            "than regime 1, and regime 2 a larger top-class share than regime 1", worse and s[CLASSES].max() > o[CLASSES].max(),
            {"FD": [float(o["frechet_distance"]), float(s["frechet_distance"]), float(lo["frechet_distance"])],
             "top_share": [float(o[CLASSES].max()), float(s[CLASSES].max()), float(lo[CLASSES].max())]},
            "In this run both departures from the original setting concentrate the samples on fewer classes "
            f"than regime 1 ({seeds_text}).",
            "In this run the two departures from the original setting do not both concentrate the samples on "
            f"fewer classes than regime 1 (largest-class share {fmt(o[CLASSES].max(), 2)}, {fmt(s[CLASSES].max(), 2)} "
            f"and {fmt(lo[CLASSES].max(), 2)} in regimes 1, 2 and 3, Fr\\'echet distance {fmt(o['frechet_distance'], 3)}, "
            f"{fmt(s['frechet_distance'], 3)} and {fmt(lo['frechet_distance'], 3)}; {seeds_text})."))
