"""L5.2, the GAN: numbers and the table from the study's tidy tables (runs.parquet: every
epoch of every run; quality.parquet: every scored epoch and the real-digit reference); the claims
are in gan_claims. What the samples look like is said from the classifier's measurements, never
from looking at a grid."""
from __future__ import annotations

import pandas as pd

from overparam.numbers import Numbers, kinds
from overparam.gan.claims import CLASSES, claims, histogram_text, matched_updates
from overparam.numbers.tex import commits, fmt, fmt_list, interval, tabular, tex_escape

METRICS = [("inception_score", "Is", 4), ("frechet_distance", "Fid", 3),
           ("confident_fraction", "Confident", 2), ("classes_covered", "Classes", 2),
           ("class_entropy", "Entropy", 3)]


def regime_macro(name: str) -> str:
    """A regime name as part of a macro name: strong_discriminator -> StrongDiscriminator."""
    return "".join(w.capitalize() for w in str(name).split("_"))


def build(*, runs: pd.DataFrame, quality: pd.DataFrame) -> Numbers:
    n = Numbers()
    real = quality[quality["regime"] == "real digits"].iloc[0]
    gen = quality[quality["regime"] != "real digits"]
    first = runs.iloc[0]
    seeds = sorted(runs["seed"].unique())
    n.macros += [
        ("GanSource", tex_escape(first["source"])), ("GanTrainDigits", fmt(int(first["n_train"]))),
        ("GanHoldout", fmt(int(real["n_holdout"]))), ("GanScored", fmt(int(real["n_holdout"]) // 2)),
        ("GanEpochSamples", fmt(int(first["epoch_samples"]))),
        ("GanSeedList", fmt_list(seeds)),
        ("GanScoredEpochs", scored_epochs(gen)),
        ("GanSeedOf", f"seed {fmt(int(seeds[0]))} " + ("(the only seed)" if len(seeds) == 1 else f"(of {fmt_list(seeds)})")),
        ("GanMeanOverSeeds", "one run per regime, seed " + fmt(int(seeds[0])) if len(seeds) == 1
         else "mean over seeds " + fmt_list(seeds)),
        ("GanSameUpdatesText", "so each regime makes the number of updates of the original experiment"
         if int(first["epoch_samples"]) == 60_000 else
         "so each regime makes the updates per epoch of an experiment with that many samples (the original's "
         "epoch is 60,000)"), ("GanCommit", commits(runs)),
        ("GanDevice", tex_escape(", ".join(sorted(runs["prov_device"].unique())))),
        ("GanClassifierAccuracy", fmt(100 * real["holdout_accuracy"], 3)),
        ("GanClassifierMinAccuracy", fmt(100 * real["min_accuracy"], 3)),
        ("GanClassifierSteps", fmt(int(real["steps"]))),
        ("GanLogUpdates", fmt(int(first["log_updates"]))),
        ("GanSampleUpdates", fmt_list(matched_updates(gen))),
        ("GanEpochRepeats", fmt(int(first["epoch_samples"]) / int(first["n_train"]), 2)),
        ("GanRunsPerRegime", "one run" if len(seeds) == 1 else f"{fmt(len(seeds))} runs"),
        *seed_macros(seeds, int(first["log_updates"])),
    ]
    n.macros += [(f"GanReal{suffix}", fmt(real[col], sig)) for col, suffix, sig in METRICS]
    rows = regimes(n, runs, gen, seeds)
    rows.append({"regime": "real held-out digits", "lr G / D": "", "batch": "", "epochs": "", "updates": "",
                 "s/epoch": "", "IS": fmt(real["inception_score"], 4), "FD": fmt(real["frechet_distance"], 3),
                 "confident": fmt(real["confident_fraction"], 2), "classes": fmt(real["classes_covered"], 2),
                 "top class": ""})
    n.tables["gan_table"] = tabular(pd.DataFrame(rows), "lccrrrrrrrr")
    claims(n, runs, gen, real, seeds)
    return n


def seed_macros(seeds: list, log_updates: int) -> list[tuple[str, str]]:
    """The words that depend on how many runs there are and how often the log keeps a row."""
    one = len(seeds) == 1
    return [
        ("GanSeedsText", f"Seed {fmt(int(seeds[0]))} (one run per regime)" if one else f"Seeds {fmt_list(seeds)}"),
        ("GanSeedLines", f"one line for the one run (seed {fmt(int(seeds[0]))})" if one
         else f"one line per seed (seeds {fmt_list(seeds)})"),
        ("GanOverSeeds", "one run" if one else "mean over seeds"),
        ("GanSecondsOver", "the wall-clock seconds per epoch (one run)" if one
         else "the median over seeds of the wall-clock seconds per epoch"),
        ("GanLogRowText", "update (its losses and the mean of \\(D\\)'s outputs on its batch)" if log_updates == 1
         else f"{fmt(log_updates)} updates (the means of the losses and of \\(D\\)'s outputs over them)"),
        ("GanLogPoint", "each point one update's batch mean" if log_updates == 1
         else f"each point the mean over {fmt(log_updates)} updates"),
    ]




def regimes(n: Numbers, runs: pd.DataFrame, gen: pd.DataFrame, seeds: list) -> list[dict]:
    """Each regime's settings and last-point quality: its macros, and its row of the table."""
    per_run_minutes = runs.groupby(["regime", "seed"])["seconds"].sum() / 60
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
        n.macros += [(f"{key}Epochs", fmt(int(cfg["epochs"]))),
                     (f"{key}EpochsText", f"{fmt(int(cfg['epochs']))} {kinds.plural(int(cfg['epochs']), 'epoch')}"), (f"{key}Batch", fmt(int(cfg["batch_size"]))),
                     (f"{key}LrG", fmt(cfg["lr_g"])), (f"{key}LrD", fmt(cfg["lr_d"])),
                     (f"{key}Updates", fmt(updates)), (f"{key}UpdatesPerEpoch", fmt(int(cfg["updates_per_epoch"]))),
                     (f"{key}Seconds", fmt(seconds, 2)),
                     (f"{key}Minutes", fmt(per_run_minutes[name].median(), 2)),
                     (f"{key}DReal", fmt(last["d_real"].mean(), 2)), (f"{key}DFake", fmt(last["d_fake"].mean(), 2)),
                     (f"{key}DLoss", fmt(last["d_loss"].mean(), 2)), (f"{key}GLoss", fmt(last["g_loss"].mean(), 2)),
                     (f"{key}ClassesText", f"{fmt(mean['classes_covered'], 2)} "
                      f"{kinds.plural(int(round(mean['classes_covered'])), 'class', 'classes')}"),
                     (f"{key}TopShare", fmt(top.mean(), 2)), (f"{key}TopShareRange", "mean over seeds; " + interval(top.min(), top.max()) + " over seeds"
                      if len(seeds) > 1 else "one run"),
                     (f"{key}Histogram", histogram_text(mean[CLASSES])),
                     (f"{key}FidRange", interval(ql["frechet_distance"].min(), ql["frechet_distance"].max(), 3)
                      + " over seeds" if len(seeds) > 1 else "one run")]
        n.macros += [(f"{key}{suffix}", fmt(mean[col], sig)) for col, suffix, sig in METRICS]
        rows.append({"regime": tex_escape(name.replace("_", " ")),
                     "lr G / D": f"{fmt(cfg['lr_g'], 2)} / {fmt(cfg['lr_d'], 2)}",
                     "batch": fmt(int(cfg["batch_size"])), "epochs": fmt(int(cfg["epochs"])), "updates": fmt(updates),
                     "s/epoch": fmt(seconds, 2), "IS": fmt(mean["inception_score"], 4),
                     "FD": fmt(mean["frechet_distance"], 3), "confident": fmt(mean["confident_fraction"], 2),
                     "classes": fmt(mean["classes_covered"], 2), "top class": fmt(top.mean(), 2)})
    return rows


def scored_epochs(gen: pd.DataFrame) -> str:
    """Where each regime's samples were scored, in epochs (the same for every seed)."""
    names = {"original": "regime 1", "strong_discriminator": "regime 2", "low_noise": "regime 3"}
    parts = []
    for name, q in gen.groupby("regime", sort=False):
        epochs = sorted({float(e) for e in q["epoch"]})
        parts.append(f"{names.get(name, tex_escape(name))} after epochs {', '.join(fmt(e, 3) for e in epochs)}")
    return "; ".join(parts)

