"""L5.2, the GAN: numbers, table and claims from the study's tidy tables (runs.parquet: every
epoch of every run; quality.parquet: every scored epoch and the real-digit reference). What the
samples look like is said from the classifier's measurements, never from looking at a grid."""
from __future__ import annotations

from dataclasses import replace
from functools import partial

import numpy as np
import pandas as pd

from . import Numbers, kinds
from .claims import claim
from .tex import commits, fmt, fmt_list, interval, tabular, tex_escape

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


def seeds_phrase(k: int, K: int) -> str:
    """Where a claim holds, one run per seed: 'in all 3 runs', 'in the one run', 'in 2 of the 3 runs'."""
    return f"in {kinds.count(k, K, 'run')}"


# A sample set is read as digits (and its class histogram as modes) only where the classifier is
# confident on at least DIGITS of it AND its Frechet distance is within NEAR times the real digits'
# own: the classifier is confidently wrong on some noise, so confidence alone would read untrained
# noise as a collapse.
DIGITS = 0.5
NEAR = 10.0


def is_digits(point, real_fd: float) -> bool:
    return bool(point["confident_fraction"] >= DIGITS and point["frechet_distance"] <= NEAR * real_fd)


def only(k: int, K: int) -> str:
    """'only in 1 of the 3 runs', or 'in none of the 3 runs' / 'in no run' (never 'only in no run')."""
    return seeds_phrase(k, K) if k == 0 else "only " + seeds_phrase(k, K)


def scored(gen: pd.DataFrame, regime: str, seed) -> pd.DataFrame:
    """One run's scored points, indexed by update count, with its epoch and top-class share."""
    q = gen[(gen["regime"] == regime) & (gen["seed"] == seed)]
    q = q.set_index(q["updates"].astype(int)).sort_index()
    return q.assign(top=q[CLASSES].max(axis=1))


def epoch_means(runs: pd.DataFrame, regime: str, seed) -> pd.DataFrame:
    """One run's log rows averaged over each epoch (the rows are equal blocks of updates)."""
    r = runs[(runs["regime"] == regime) & (runs["seed"] == seed)]
    return r.groupby("epoch")[["d_real", "d_fake", "d_loss", "g_loss"]].mean()


def build(*, runs: pd.DataFrame, quality: pd.DataFrame) -> Numbers:
    n = Numbers()
    real = quality[quality["regime"] == "real digits"].iloc[0]
    gen = quality[quality["regime"] != "real digits"]
    first = runs.iloc[0]
    seeds = sorted(runs["seed"].unique())
    per_run_minutes = runs.groupby(["regime", "seed"])["seconds"].sum() / 60
    n.macros += [
        ("GanSource", tex_escape(first["source"])), ("GanTrainDigits", fmt(int(first["n_train"]))),
        ("GanHoldout", fmt(int(real["n_holdout"]))), ("GanScored", fmt(int(real["n_holdout"]) // 2)),
        ("GanEpochSamples", fmt(int(first["epoch_samples"]))), ("GanSeeds", fmt(len(seeds))),
        ("GanSeedList", fmt_list(seeds)),
        ("GanSampleEpochs", fmt_list(sorted({int(e) for e in gen["epoch"] if float(e).is_integer()}))),
        ("GanSeedOf", f"seed {fmt(int(seeds[0]))} " + ("(the only seed)" if len(seeds) == 1 else f"(of {fmt_list(seeds)})")),
        ("GanMeanOverSeeds", "one run per regime, seed " + fmt(int(seeds[0])) if len(seeds) == 1
         else "mean over seeds " + fmt_list(seeds)),
        ("GanSameUpdatesText", "so each regime makes the number of updates of the original experiment"
         if int(first["epoch_samples"]) == 60_000 else
         "so each regime makes the updates per epoch of an experiment with that many samples (the original's "
         "epoch is 60,000)"), ("GanFirstSeed", fmt(int(seeds[0]))), ("GanCommit", commits(runs)),
        ("GanDevice", tex_escape(", ".join(sorted(runs["prov_device"].unique())))),
        ("GanClassifierAccuracy", fmt(100 * real["holdout_accuracy"], 3)),
        ("GanClassifierMinAccuracy", fmt(100 * real["min_accuracy"], 3)),
        ("GanClassifierSteps", fmt(int(real["steps"]))),
        ("GanLogUpdates", fmt(int(first["log_updates"]))),
        ("GanLogEvery", "update" if int(first["log_updates"]) == 1 else f"{fmt(int(first['log_updates']))} updates"),
        ("GanSampleUpdates", fmt_list(matched_updates(gen))),
        ("GanCollapsedShare", fmt(COLLAPSED, 2)),
        ("GanEpochRepeats", fmt(int(first["epoch_samples"]) / int(first["n_train"]), 2)),
        ("GanRunsPerRegime", "one run" if len(seeds) == 1 else f"{fmt(len(seeds))} runs"),
    ]
    n.macros += [(f"GanReal{suffix}", fmt(real[col], sig)) for col, suffix, sig in METRICS]
    rows = []
    for name, r in runs.groupby("regime", sort=False):
        q = gen[gen["regime"] == name]
        ql = q[q["updates"] == q.groupby("seed")["updates"].transform("max")]  # each seed's last point
        last = r[r["epoch"] == r["epoch"].max()]
        cfg, key = last.iloc[0], f"Gan{regime_macro(name)}"
        updates = int(cfg["epochs"]) * int(cfg["updates_per_epoch"])
        seconds = float((r.groupby("seed")["seconds"].sum() / int(cfg["epochs"])).median())
        mean = ql[[m for m, _, _ in METRICS] + CLASSES].mean()
        top = ql[CLASSES].max(axis=1)
        n.macros += [(f"{key}Epochs", fmt(int(cfg["epochs"]))), (f"{key}Batch", fmt(int(cfg["batch_size"]))),
                     (f"{key}LrG", fmt(cfg["lr_g"])), (f"{key}LrD", fmt(cfg["lr_d"])),
                     (f"{key}Updates", fmt(updates)), (f"{key}UpdatesPerEpoch", fmt(int(cfg["updates_per_epoch"]))),
                     (f"{key}Seconds", fmt(seconds, 2)),
                     (f"{key}Minutes", fmt(per_run_minutes[name].median(), 2)),
                     (f"{key}DReal", fmt(last["d_real"].mean(), 2)), (f"{key}DFake", fmt(last["d_fake"].mean(), 2)),
                     (f"{key}DLoss", fmt(last["d_loss"].mean(), 2)), (f"{key}GLoss", fmt(last["g_loss"].mean(), 2)),
                     (f"{key}ClassesText", f"{fmt(mean['classes_covered'], 2)} "
                      f"{kinds.plural(int(round(mean['classes_covered'])), 'class', 'classes')}"),
                     (f"{key}TopShare", fmt(top.mean(), 2)), (f"{key}TopShareRange", interval(top.min(), top.max()) + " over seeds" if len(seeds) > 1 else "one run"),
                     (f"{key}Histogram", histogram_text(mean[CLASSES])),
                     (f"{key}FidRange", interval(ql["frechet_distance"].min(), ql["frechet_distance"].max(), 3)
                      + " over seeds" if len(seeds) > 1 else "one run")]
        n.macros += [(f"{key}{suffix}", fmt(mean[col], sig)) for col, suffix, sig in METRICS]
        rows.append({"regime": tex_escape(name.replace("_", " ")),
                     "lr G / D": f"{fmt(cfg['lr_g'], 2)} / {fmt(cfg['lr_d'], 2)}",
                     "batch": fmt(int(cfg["batch_size"])), "epochs": fmt(int(cfg["epochs"])), "updates": fmt(updates),
                     "s/epoch": fmt(seconds, 2), "IS": fmt(mean["inception_score"], 3),
                     "FD": fmt(mean["frechet_distance"], 3), "confident": fmt(mean["confident_fraction"], 2),
                     "classes": fmt(mean["classes_covered"], 2), "top class": fmt(top.mean(), 2)})
    rows.append({"regime": "real held-out digits", "lr G / D": "", "batch": "", "epochs": "", "updates": "",
                 "s/epoch": "", "IS": fmt(real["inception_score"], 3), "FD": fmt(real["frechet_distance"], 3),
                 "confident": fmt(real["confident_fraction"], 2), "classes": fmt(real["classes_covered"], 2),
                 "top class": ""})
    n.tables["gan_table"] = tabular(pd.DataFrame(rows), "lccrrrrrrrr")
    claims(n, runs, gen, real, seeds)
    if len(seeds) == 1:  # one run per regime: no mean or range over seeds to speak of
        one = lambda t: (t.replace("means over seeds", "one run each").replace("mean over seeds", "one run")
                         .replace("median over seeds", "one run"))
        n.claims = [replace(cl, text=one(cl.text)) for cl in n.claims]
        n.macros = [(k, one(v)) for k, v in n.macros]
    return n


def matched_updates(gen: pd.DataFrame) -> list[int]:
    """Update counts scored in every run: where the regimes are compared at equal updates."""
    sets = [set(g["updates"].astype(int)) for _, g in gen.groupby(["regime", "seed"])]
    return sorted(set.intersection(*sets))


def count(per_seed: dict) -> tuple[int, int]:
    return sum(bool(v) for v in per_seed.values()), len(per_seed)


def claims(n: Numbers, runs, gen, real, seeds) -> None:
    """Each claim is evaluated on every seed (paired across regimes by seed) and holds when it
    holds in all of them; its text says in how many it holds."""
    for needed in ("original", "strong_discriminator", "low_noise"):
        if needed not in set(runs["regime"]):
            raise ValueError(f"the report discusses GAN regime {needed!r}, which the logs lack")
    K = len(seeds)
    digits = partial(is_digits, real_fd=float(real["frechet_distance"]))
    Q = {(r, s): scored(gen, r, s) for r in ("original", "strong_discriminator", "low_noise") for s in seeds}
    E = {(r, s): epoch_means(runs, r, s) for r in ("original", "strong_discriminator", "low_noise") for s in seeds}
    mean_over = lambda values: fmt(float(np.mean(list(values))), 3, False)
    last = lambda r, s: Q[r, s].iloc[-1]

    # regime 1
    ok = {s: bool(0.2 <= E["original", s]["d_real"].iloc[-1] <= 0.9 and 0.1 <= E["original", s]["d_fake"].iloc[-1] <= 0.8
                  and E["original", s]["d_loss"].max() < 2.5 and E["original", s]["g_loss"].max() < 2.5) for s in seeds}
    worst = {k: max(float(E["original", s][k].max()) for s in seeds) for k in ("d_loss", "g_loss")}
    k, _ = count(ok)
    dr = mean_over(E["original", s]["d_real"].iloc[-1] for s in seeds)
    df = mean_over(E["original", s]["d_fake"].iloc[-1] for s in seeds)
    losses = (f"the largest epoch mean of the discriminator's loss is {fmt(worst['d_loss'], 2)} and of the "
              f"generator's {fmt(worst['g_loss'], 2)}")
    n.add(c("GanOriginalBalanceClaim", "regime 1, every seed: over the last epoch mean D(x) in [0.2, 0.9] and mean "
            "D(G(z)) in [0.1, 0.8], and the epoch means of both losses below 2.5 at every epoch", k == K,
            {"balanced_seeds": k, "seeds": K, "d_real": [float(E["original", s]["d_real"].iloc[-1]) for s in seeds],
             "d_fake": [float(E["original", s]["d_fake"].iloc[-1]) for s in seeds], **worst},
            f"Tested by last-epoch \\(D(x)\\) in \\([0.2, 0.9]\\), \\(D(G(z))\\) in \\([0.1, 0.8]\\) and both losses' epoch "
            f"means below 2.5, the two players stay in balance {seeds_phrase(k, K)}: over the last epoch the "
            f"discriminator gives real digits \\(D(x)={dr}\\) on average and generated ones \\(D(G(z))={df}\\) "
            f"(mean over seeds), and neither loss's epoch mean reaches 2.5 ({losses}; "
            "Figure~\\ref{fig:gan-curves}).",
            f"Tested by these bounds (last-epoch \\(D(x)\\) in \\([0.2, 0.9]\\), \\(D(G(z))\\) in \\([0.1, 0.8]\\), both "
            f"losses' epoch means below 2.5) the players stay in balance {seeds_phrase(k, K)}: over the last epoch "
            f"\\(D(x)={dr}\\) and \\(D(G(z))={df}\\) on average, and {losses} (Figure~\\ref{{fig:gan-curves}})."))
    improving = {s: bool(len(Q["original", s]) > 1 and (np.diff(Q["original", s]["inception_score"]) > 0).all()
                         and (np.diff(Q["original", s]["frechet_distance"]) < 0).all()
                         and digits(last("original", s))) for s in seeds}
    overall = {s: bool(last("original", s)["frechet_distance"] < Q["original", s]["frechet_distance"].iloc[0]
                       and last("original", s)["inception_score"] > Q["original", s]["inception_score"].iloc[0])
               for s in seeds}
    k, _ = count(improving)
    ko, _ = count(overall)
    n.add(c("GanOriginalImprovesClaim", "regime 1, every seed: the inception score rises and the Frechet distance "
            "falls between every two scored points, and the last point's samples are recognised as digits", k == K,
            {"seeds_improving_at_every_point": k, "seeds_improving_overall": ko, "seeds": K},
            f"both improving between every two scored points {seeds_phrase(k, K)}",
            f"both improving between every two scored points {seeds_phrase(k, K)}, and from the first scored point "
            f"to the last {seeds_phrase(ko, K)}"
            + (f"; at the last scored point the samples are not yet recognised as digits "
               f"{seeds_phrase(sum(not digits(last('original', s)) for s in seeds), K)}"
               if any(not digits(last("original", s)) for s in seeds) else "")))
    far = {s: bool(last("original", s)["frechet_distance"] > 2 * real["frechet_distance"]) for s in seeds}
    k, _ = count(far)
    n.add(c("GanOriginalFarClaim", "regime 1, last epoch, every seed: Frechet distance more than twice the real digits'",
            k == K, {"far_seeds": k, "seeds": K, "real": float(real["frechet_distance"]),
                     "FD": [float(last("original", s)["frechet_distance"]) for s in seeds]},
            f"The Fr\\'echet distance is more than twice the real digits' {seeds_phrase(k, K)}",
            f"The Fr\\'echet distance is more than twice the real digits' {only(k, K)}"))
    spread = {s: bool(last("original", s)["classes_covered"] >= 8 and last("original", s)["top"] < 0.3) for s in seeds}
    k, _ = count(spread)
    n.add(c("GanOriginalSpreadClaim", "regime 1, last epoch, every seed: at least 8 classes hold 1% of the samples "
            "each and no class holds 30%", k == K,
            {"spread_seeds": k, "seeds": K, "top_share": [float(last("original", s)["top"]) for s in seeds]},
            f"the samples spread over the classes {seeds_phrase(k, K)}",
            f"the samples spread over the classes {only(k, K)}"))

    # regime 2
    ahead, above, epochs = {}, {}, 0
    for s in seeds:
        co, cs = E["original", s], E["strong_discriminator", s]
        common = co.index.intersection(cs.index)
        ahead[s] = ((cs.loc[common, "d_real"] > co.loc[common, "d_real"])
                    & (cs.loc[common, "d_fake"] < co.loc[common, "d_fake"]))
        above[s] = cs.loc[common, "g_loss"] > co.loc[common, "g_loss"]
        epochs += len(common)
    k, _ = count({s: v.all() for s, v in ahead.items()})
    ke = sum(int(v.sum()) for v in ahead.values())
    n.add(c("GanStrongAheadClaim", "every seed: at every epoch regime 2's mean D(x) is above and its mean D(G(z)) "
            "below regime 1's of the same seed", k == K,
            {"seeds_ahead_at_every_epoch": k, "seeds": K, "epochs_ahead": ke, "epochs": epochs},
            f"the discriminator stays ahead at every epoch {seeds_phrase(k, K)}: its mean output is higher on real "
            "digits and lower on generated ones than in regime 1",
            f"the discriminator is ahead of regime 1's (higher on real, lower on generated digits) at every epoch "
            f"{only(k, K)}, at {fmt(ke)} of {fmt(epochs)} epochs in all"))
    k, _ = count({s: v.all() for s, v in above.items()})
    ke = sum(int(v.sum()) for v in above.values())
    n.add(c("GanStrongGLossClaim", "every seed: at every epoch regime 2's generator loss is above regime 1's",
            k == K, {"seeds_above_at_every_epoch": k, "seeds": K, "epochs_above": ke, "epochs": epochs},
            f"the generator loss stays above the original's at every epoch {seeds_phrase(k, K)}",
            f"the generator loss stays above the original's at every epoch {only(k, K)}, at "
            f"{fmt(ke)} of {fmt(epochs)} epochs in all"))
    learns = {s: bool(last("strong_discriminator", s)["frechet_distance"]
                      < Q["strong_discriminator", s]["frechet_distance"].iloc[0]
                      and digits(last("strong_discriminator", s))) for s in seeds}
    noise2 = sum(not digits(last("strong_discriminator", s)) for s in seeds)
    k, _ = count(learns)
    fd0 = mean_over(Q["strong_discriminator", s]["frechet_distance"].iloc[0] for s in seeds)
    fd1 = mean_over(last("strong_discriminator", s)["frechet_distance"] for s in seeds)
    n.add(c("GanStrongLearnsClaim", "regime 2, every seed: the Frechet distance at the last scored point is below "
            "the first, and the last point's samples are recognised as digits", k == K, {"learning_seeds": k, "seeds": K},
            f"The generator's samples are digits and move closer to the real ones {seeds_phrase(k, K)} (its "
            f"Fr\\'echet distance falls from {fd0} at the "
            f"first scored point to {fd1} at the last, mean over seeds)",
            (f"Its Fr\\'echet distance goes from {fd0} at the first scored point to {fd1} at the last (mean over "
             f"seeds), but at the last the samples are not yet recognised as digits {seeds_phrase(noise2, K)}"
             if noise2 else
             f"The generator moves closer to the real digits {only(k, K)} (its Fr\\'echet distance goes from {fd0} "
             f"at the first scored point to {fd1} at the last, mean over seeds)")))
    concentrated = {s: bool(digits(last("strong_discriminator", s)) and last("strong_discriminator", s)["top"] >= 0.2
                       and last("strong_discriminator", s)["class_entropy"] < real["class_entropy"] - 0.2
                       and last("strong_discriminator", s)["top"] > last("original", s)["top"]) for s in seeds}
    k, _ = count(concentrated)
    ts = mean_over(last("strong_discriminator", s)["top"] for s in seeds)
    to = mean_over(last("original", s)["top"] for s in seeds)
    n.add(c("GanStrongCollapseClaim", f"regime 2, last epoch, every seed: the samples are recognised as digits "
            f"(confident fraction at least {DIGITS}), the largest class holds at least 0.2 of the "
            "samples and more than in regime 1 of the same seed, and the class entropy is at least 0.2 below the "
            "real digits'", k == K, {"partially_collapsed_seeds": k, "seeds": K,
                                     "top_share": [float(last("strong_discriminator", s)["top"]) for s in seeds],
                                     "top_share_original": [float(last("original", s)["top"]) for s in seeds]},
            f"By the classifier's histogram this is partial mode collapse {seeds_phrase(k, K)}: the samples concentrate "
            "on a few classes.",
            f"By its class histogram regime 2 is more concentrated than regime 1 (samples recognised as digits, "
            f"largest class at least 0.2 and "
            f"above regime 1's, class entropy at least 0.2 below the real digits') {only(k, K)} "
            f"(largest class {ts} against {to}, mean over seeds)."))
    # the largest class, read only at the scored points where the samples are recognised as digits
    recognised = {s: Q["strong_discriminator", s][Q["strong_discriminator", s]["confident_fraction"] >= DIGITS]
                  for s in seeds}
    tops = {s: [int(v[6:]) for v in q[CLASSES].idxmax(axis=1)] for s, q in recognised.items()}
    readable = {s: len(v) >= 2 for s, v in tops.items()}
    swings = {s: readable[s] and len(set(v)) > 1 for s, v in tops.items()}
    k, _ = count(swings)
    kr, _ = count(readable)
    points = len(Q["strong_discriminator", seeds[0]])
    n.add(c("GanStrongSwingClaim", f"regime 2, every seed: at least two scored points have a confident fraction of "
            f"at least {DIGITS}, and the largest class is not the same at all of them",
            k == K, {"seeds_swinging": k, "seeds_readable": kr, "seeds": K, "largest_class_seed_0": tops[seeds[0]]},
            f"Among the scored points whose samples the classifier recognises as digits (confident fraction at "
            f"least {fmt(DIGITS, 2)}), the largest class changes from one point to another {seeds_phrase(k, K)} "
            f"(seed {seeds[0]}: {', '.join(map(str, tops[seeds[0]]))}; Figure~\\ref{{fig:gan-quality}}); "
            + kinds.reading("a generator chasing a moving discriminator would look like this") + ".",
            (f"Among the scored points whose samples the classifier recognises as digits (confident fraction at "
             f"least {fmt(DIGITS, 2)}), the largest class changes {seeds_phrase(k, K)}"
             + ("." if kr == K else f"; {seeds_phrase(K - kr, K)} fewer than two of the {fmt(points)} scored points "
                "are recognised as digits, so no change of class can be read there."))))
    # the two time-scale view: regime 2's generator steps are half regime 1's, so compare them
    # where both generators have taken the same summed step size (lr_g x updates)
    o_cfg = runs[runs["regime"] == "original"].iloc[0]
    s_cfg = runs[runs["regime"] == "strong_discriminator"].iloc[0]
    s_updates = int(s_cfg["epochs"]) * int(s_cfg["updates_per_epoch"])
    target = s_updates * float(s_cfg["lr_g"]) / float(o_cfg["lr_g"])
    o_points = Q["original", seeds[0]].index
    at = int(o_points[np.argmin(np.abs(o_points - target))])
    budget = {s: bool(last("strong_discriminator", s)["frechet_distance"]
                      <= Q["original", s].loc[at, "frechet_distance"]) for s in seeds}
    k, _ = count(budget)
    fs = mean_over(last("strong_discriminator", s)["frechet_distance"] for s in seeds)
    fo = mean_over(Q["original", s].loc[at, "frechet_distance"] for s in seeds)
    n.macros += [("GanBudgetUpdates", fmt(at)), ("GanBudgetEpoch", fmt(at / int(o_cfg["updates_per_epoch"]), 3))]
    n.add(c("GanStrongBudgetClaim", "every seed: regime 2's Frechet distance at its last epoch is at most regime 1's "
            "(same seed) at the scored point nearest to the same summed generator step (lr_g x updates)", k == K,
            {"seeds_at_most": k, "seeds": K, "original_updates": at, "target_updates": target,
             "FD_strong": [float(last("strong_discriminator", s)["frechet_distance"]) for s in seeds],
             "FD_original": [float(Q["original", s].loc[at, "frechet_distance"]) for s in seeds]},
            f"At an equal summed generator step regime 2 is not behind {seeds_phrase(k, K)}: its Fr\\'echet distance "
            f"after its last epoch ({fs}) is at most regime 1's after {fmt(at)} updates ({fo}, means over seeds). "
            "Regime 2 changes both step sizes at once, so this compares the two settings, not the discriminator's "
            "step alone.",
            f"At an equal summed generator step regime 2's Fr\\'echet distance after its last epoch ({fs}) is at "
            f"most regime 1's after {fmt(at)} updates ({fo}, means over seeds) {seeds_phrase(k, K)}."))

    # regime 3, first by epoch, then at equal numbers of updates
    first_collapsed = {s: bool(Q["low_noise", s]["top"].iloc[0] >= COLLAPSED and digits(Q["low_noise", s].iloc[0]))
                       for s in seeds}
    first_noise = sum(not digits(Q["low_noise", s].iloc[0]) for s in seeds)
    k, _ = count(first_collapsed)
    first_point = Q["low_noise", seeds[0]].index[0]
    top0 = mean_over(Q["low_noise", s]["top"].iloc[0] for s in seeds)
    n.add(c("GanLowNoiseCollapseClaim", f"regime 3, every seed: at the first scored point the samples are recognised "
            f"as digits (confident fraction at least {DIGITS}) and one class holds at least {COLLAPSED} of them", k == K, {"collapsed_seeds": k, "seeds": K,
                                                    "top_share": [float(Q["low_noise", s]["top"].iloc[0]) for s in seeds]},
            f"The generator is collapsed from the first scored point ({fmt(int(first_point))} updates) "
            f"{seeds_phrase(k, K)}: the classifier puts at least {fmt(COLLAPSED, 2)} of the samples in one class.",
            f"At the first scored point ({fmt(int(first_point))} updates) the samples are recognised as digits and "
            f"one class holds at least {fmt(COLLAPSED, 2)} of them {seeds_phrase(k, K)} (largest class {top0} on "
            "average)" + (f"; {seeds_phrase(first_noise, K)} the classifier does not yet recognise them as digits "
                          f"(confident fraction below {fmt(DIGITS, 2)} or Fr\\'echet distance above {fmt(NEAR)} times the real digits')." if first_noise else ".")))
    matched = matched_updates(gen)
    o_epoch = int(o_cfg["updates_per_epoch"])  # regime 1's first epoch: the issue's example
    u = max([m for m in matched if m <= o_epoch] or matched[:1])
    pair = {s: (float(Q["low_noise", s].loc[u, "top"]), float(Q["original", s].loc[u, "top"])) for s in seeds}
    only_low = {s: lo >= COLLAPSED > orig and digits(Q["low_noise", s].loc[u]) for s, (lo, orig) in pair.items()}
    k, _ = count(only_low)
    ko = sum(orig >= COLLAPSED and digits(Q["original", s].loc[u]) for s, (_, orig) in pair.items())
    noise_u = sum(not digits(Q["low_noise", s].loc[u]) for s in seeds)
    lo_mean, or_mean = mean_over(v[0] for v in pair.values()), mean_over(v[1] for v in pair.values())
    n.macros += [("GanMatchedUpdates", fmt(u)),
                 ("GanMatchedLowNoiseEpoch", fmt(u / int(runs[runs["regime"] == "low_noise"]["updates_per_epoch"].iloc[0]), 3)),
                 ("GanMatchedOriginalEpoch", fmt(u / o_epoch, 3))]
    n.add(c("GanMatchedCollapseClaim", f"every seed: after {u} updates regime 3's samples are recognised as digits "
            f"(confident fraction at least {DIGITS}) and collapsed (one class holds at least {COLLAPSED}), and regime "
            "1's are not collapsed", k == K,
            {"updates": u, "seeds_only_low_noise_collapsed": k, "seeds_original_collapsed": ko, "seeds": K,
             "top_share_low_noise": [v[0] for v in pair.values()], "top_share_original": [v[1] for v in pair.values()]},
            f"At equal updates regime 3 is collapsed and regime 1 is not {seeds_phrase(k, K)}: after {fmt(u)} updates "
            f"regime 3 puts {lo_mean} of its samples in one class, regime 1 only {or_mean} (means over seeds; "
            "Figure~\\ref{fig:gan-samples-updates}).",
            f"At equal updates regime 3 is recognised as digits and collapsed, and regime 1 is not collapsed, "
            f"{seeds_phrase(k, K)}: after {fmt(u)} updates the largest class holds a share {lo_mean} of regime 3's "
            f"samples and {or_mean} of regime 1's (means over seeds; Figure~\\ref{{fig:gan-samples-updates}})"
            + (f"; {seeds_phrase(noise_u, K)} regime 3's samples are not yet recognised as digits there"
               if noise_u else "")
            + (f"; regime 1, recognised as digits, is collapsed too {seeds_phrase(ko, K)}, and "
               + kinds.reading("part of what looks like collapse may be a generator trained too briefly")
               if ko else "") + "."))
    worse_all = {s: all(Q["low_noise", s].loc[m, "top"] > Q["original", s].loc[m, "top"] for m in matched) for s in seeds}
    k, _ = count(worse_all)
    n.add(c("GanMatchedTopClaim", "every seed: at every update count scored in all runs, regime 3's largest-class "
            "share is above regime 1's", k == K,
            {"seeds": K, "seeds_above_at_every_count": k, "updates": matched},
            f"At every update count scored in all runs ({fmt_list(matched)}) regime 3's largest class holds a larger "
            f"share of its samples than regime 1's {seeds_phrase(k, K)}.",
            f"Regime 3's largest class holds a larger share of its samples than regime 1's at every update count "
            f"scored in all runs ({fmt_list(matched)}) {only(k, K)}."))
    end = matched[-1]  # the last update count every run reaches: regime 3's last, by default
    fd = {s: (float(Q["low_noise", s].loc[end, "frechet_distance"]), float(Q["original", s].loc[end, "frechet_distance"]))
          for s in seeds}
    k, _ = count({s: lo <= orig for s, (lo, orig) in fd.items()})
    lo_fd, or_fd = mean_over(v[0] for v in fd.values()), mean_over(v[1] for v in fd.values())
    n.add(c("GanMatchedEndClaim", f"every seed: after {end} updates regime 3's Frechet distance is at most regime 1's "
            "and its samples are recognised as digits",
            k == K and all(digits(Q["low_noise", s].loc[end]) for s in seeds),
            {"updates": end, "seeds_at_most": k, "seeds": K, "FD_low_noise": [v[0] for v in fd.values()],
                     "FD_original": [v[1] for v in fd.values()]},
            f"After {fmt(end)} updates regime 3 is no further from the real digits than regime 1 "
            f"{seeds_phrase(k, K)} (Fr\\'echet distance {lo_fd} against {or_fd}, means over seeds), and its samples "
            "are recognised as digits.",
            f"After {fmt(end)} updates regime 3's Fr\\'echet distance is at most regime 1's "
            f"{only(k, K)} ({lo_fd} against {or_fd}, means over seeds)"
            + ("; regime 3's samples are not yet recognised as digits there, so this compares noise."
               if not all(digits(Q["low_noise", s].loc[end]) for s in seeds) else ".")))
    moderate = {s: bool(E["low_noise", s]["d_real"].between(0.2, 0.8).all() and E["low_noise", s]["d_fake"].between(0.2, 0.8).all())
                for s in seeds}
    k, _ = count(moderate)
    dr = mean_over(E["low_noise", s]["d_real"].iloc[-1] for s in seeds)
    df = mean_over(E["low_noise", s]["d_fake"].iloc[-1] for s in seeds)
    n.add(c("GanLowNoiseModerateClaim", "regime 3, every epoch, every seed: the epoch means of D(x) and D(G(z)) "
            "both in [0.2, 0.8]",
            k == K, {"moderate_seeds": k, "seeds": K},
            f"The discriminator's mean outputs stay within \\([0.2, 0.8]\\) at every epoch {seeds_phrase(k, K)} "
            f"(\\(D(x)={dr}\\), \\(D(G(z))={df}\\) over the last epoch, mean over seeds): it does not saturate. "
            "No run here changes the discriminator alone, so this does not say what causes the collapse.",
            f"The discriminator's mean outputs stay within \\([0.2, 0.8]\\) at every epoch {seeds_phrase(k, K)} "
            f"(\\(D(x)={dr}\\), \\(D(G(z))={df}\\) over the last epoch, mean over seeds)."))
    broken = {s: bool(last("low_noise", s)["top"] < COLLAPSED and digits(last("low_noise", s))) for s in seeds}
    noise_end = sum(not digits(last("low_noise", s)) for s in seeds)
    k, _ = count(broken)
    lo_last = pd.DataFrame([last("low_noise", s) for s in seeds])
    hist = histogram_text(lo_last[CLASSES].mean())
    hist += "" if hist.endswith("of them") else " of them"
    n.add(c("GanLowNoiseEndClaim", f"regime 3, last scored point, every seed: no class holds {COLLAPSED} of the samples",
            k == K, {"uncollapsed_seeds": k, "seeds": K, "top_share": [float(v) for v in lo_last["top"]]},
            f"By its last epoch no class holds {fmt(COLLAPSED, 2)} of the samples any more {seeds_phrase(k, K)}: "
            f"{hist} on average",
            (f"At its last epoch the samples are still collapsed {seeds_phrase(K - k, K)}: {hist} on average"
             if not noise_end else
             f"At its last epoch the classifier does not recognise the samples as digits {seeds_phrase(noise_end, K)} "
             f"(confident fraction below {fmt(DIGITS, 2)} or Fr\\'echet distance above {fmt(NEAR)} times the real digits'), so their class histogram ({hist} on average) says "
             "nothing about collapse there")))
    regimes = {s: bool(last("low_noise", s)["frechet_distance"] > last("original", s)["frechet_distance"]
                       and last("low_noise", s)["top"] > last("original", s)["top"]
                       and last("strong_discriminator", s)["top"] > last("original", s)["top"]) for s in seeds}
    k, _ = count(regimes)
    tops_end = [mean_over(last(r, s)["top"] for s in seeds) for r in ("original", "strong_discriminator", "low_noise")]
    n.add(c("GanRegimesClaim", "every seed: at the last epoch regime 3 has a larger Frechet distance and a larger "
            "top-class share than regime 1, and regime 2 a larger top-class share than regime 1", k == K,
            {"seeds": K, "seeds_holding": k, "top_share_means": [float(t) for t in tops_end]},
            f"Both departures from the original setting concentrate the samples on fewer classes than regime 1 "
            f"{seeds_phrase(k, K)} (largest-class share {tops_end[0]}, {tops_end[1]} and {tops_end[2]} in regimes "
            "1, 2 and 3 after their last epoch, means over seeds).",
            f"Both departures from the original setting concentrate the samples on fewer classes than regime 1 "
            f"{only(k, K)} (largest-class share {tops_end[0]}, {tops_end[1]} and {tops_end[2]} in "
            "regimes 1, 2 and 3 after their last epoch, means over seeds)."))
