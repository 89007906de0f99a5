"""L5.2's claims, one short function each. Every claim is evaluated on every seed's run (the
regimes are paired by seed) and holds when it holds in all of them; its text says in how many.
A claim about modes (a class histogram, a largest class) is read only where the classifier
recognises the samples as digits (`Runs.digits`); before that the text says they are not yet."""
from __future__ import annotations

from dataclasses import dataclass
from functools import partial

import numpy as np
import pandas as pd

from overparam.numbers import Numbers, kinds
from overparam.numbers.claims import claim
from overparam.numbers.tex import fmt, fmt_list

STUDY = "gan"
CLASSES = [f"class_{k}" for k in range(10)]
REGIMES = ("original", "strong_discriminator", "low_noise")
COLLAPSED = 0.9  # a sample set is collapsed when one class holds at least this share
# A sample set is read as digits (and its class histogram as modes) only where the classifier is
# confident on at least DIGITS of it AND its Frechet distance is within NEAR times the real digits'
# own: the classifier is confidently wrong on some noise, so confidence alone would read untrained
# noise as a collapse.
DIGITS = 0.5
NEAR = 10.0
# A score "improves" only by more than this fraction: noise scores (inception score near 1)
# wander by a few parts in a thousand.
MARGIN = 0.05
BALANCE = dict(d_real=(0.2, 0.9), d_fake=(0.1, 0.8), loss=2.5)  # regime 1's balance bounds

c = partial(claim, STUDY)


def is_digits(point, real_fd: float) -> bool:
    return bool(point["confident_fraction"] >= DIGITS and point["frechet_distance"] <= NEAR * real_fd)


def histogram_text(shares: pd.Series, top: int = 2) -> str:
    """'class 1 takes 0.41 and class 7 0.23' from a class histogram (shares indexed by class_k);
    classes under 1% are left out, and one class with (nearly) everything is said so."""
    s = shares.sort_values(ascending=False)
    if s.iloc[0] >= 0.995:
        return f"class {s.index[0][6:]} takes all of them"
    s = s[s >= 0.01].head(top)
    parts = [f"class {k[6:]} {'takes ' if i == 0 else ''}{fmt(v, 2)}" for i, (k, v) in enumerate(s.items())]
    return " and ".join(parts)


def pair(a: float, b: float, sig: int = 3) -> tuple[str, str]:
    """Two values with enough digits that unequal values never print alike (1106 and 1110, not 1110 twice)."""
    while sig < 8 and a != b and fmt(a, sig, False) == fmt(b, sig, False):
        sig += 1
    return fmt(a, sig, False), fmt(b, sig, False)


def matched_updates(gen: pd.DataFrame) -> list[int]:
    """Update counts scored in every run: where the regimes are compared at equal updates."""
    sets = [set(g["updates"].astype(int)) for _, g in gen.groupby(["regime", "seed"])]
    return sorted(set.intersection(*sets))


@dataclass
class Runs:
    """The runs the claims read: per (regime, seed) the scored points Q (indexed by update count,
    with the largest class's share as `top`) and the epoch means E of the training log."""
    runs: pd.DataFrame
    gen: pd.DataFrame
    real: pd.Series
    seeds: list

    def __post_init__(self):
        self.Q, self.E = {}, {}
        for r in REGIMES:
            for s in self.seeds:
                q = self.gen[(self.gen["regime"] == r) & (self.gen["seed"] == s)]
                q = q.set_index(q["updates"].astype(int)).sort_index()
                self.Q[r, s] = q.assign(top=q[CLASSES].max(axis=1))
                log = self.runs[(self.runs["regime"] == r) & (self.runs["seed"] == s)]
                self.E[r, s] = log.groupby("epoch")[["d_real", "d_fake", "d_loss", "g_loss"]].mean()

    @property
    def K(self) -> int:
        return len(self.seeds)

    @property
    def over(self) -> str:
        """How a value over the runs is summarised: never 'mean over seeds' with one seed."""
        return "one run" if self.K == 1 else "mean over seeds"

    def digits(self, point) -> bool:
        return is_digits(point, float(self.real["frechet_distance"]))

    def last(self, regime, seed):
        return self.Q[regime, seed].iloc[-1]

    def count(self, per_seed) -> int:
        return sum(bool(per_seed(s)) for s in self.seeds)

    def where(self, k: int) -> str:
        """'in all 3 runs', 'in the one run', 'in 2 of the 3 runs', 'in no run'."""
        return f"in {kinds.count(k, self.K, 'run')}"

    def only(self, k: int) -> str:
        """'only in 1 of the 3 runs', or 'in no run' (never 'only in no run')."""
        return self.where(k) if k == 0 else "only " + self.where(k)

    def mean(self, values, sig: int = 3) -> str:
        return fmt(float(np.mean(list(values))), sig, False)

    def cfg(self, regime: str) -> pd.Series:
        return self.runs[self.runs["regime"] == regime].iloc[0]

    def not_digits(self, k: int, where: str = "") -> str:
        """The clause that says the samples are not yet digits in k runs."""
        return (f"{self.where(k)} the classifier does not yet recognise the samples{where} as digits (confident "
                f"fraction below {fmt(DIGITS, 2)} or Fr\\'echet distance above {fmt(NEAR)} times the real digits')")


# ------------------------------------------------------------------------------ regime 1

def original_balance(R: Runs):
    lo_r, hi_r = BALANCE["d_real"]
    lo_f, hi_f = BALANCE["d_fake"]
    cap = BALANCE["loss"]
    E = {s: R.E["original", s] for s in R.seeds}
    end = R.count(lambda s: lo_r <= E[s]["d_real"].iloc[-1] <= hi_r and lo_f <= E[s]["d_fake"].iloc[-1] <= hi_f)
    losses = R.count(lambda s: E[s]["d_loss"].max() < cap and E[s]["g_loss"].max() < cap)
    ok = R.count(lambda s: lo_r <= E[s]["d_real"].iloc[-1] <= hi_r and lo_f <= E[s]["d_fake"].iloc[-1] <= hi_f
                 and E[s]["d_loss"].max() < cap and E[s]["g_loss"].max() < cap)
    worst = {k: max(float(E[s][k].max()) for s in R.seeds) for k in ("d_loss", "g_loss")}
    dr, df = R.mean(E[s]["d_real"].iloc[-1] for s in R.seeds), R.mean(E[s]["d_fake"].iloc[-1] for s in R.seeds)
    text = (f"By its last epoch's mean outputs (\\(D(x)\\) in \\([{fmt(lo_r)}, {fmt(hi_r)}]\\), \\(D(G(z))\\) in "
            f"\\([{fmt(lo_f)}, {fmt(hi_f)}]\\)) the discriminator ends in balance with the generator {R.where(end)}: "
            f"\\(D(x)={dr}\\) on real digits and \\(D(G(z))={df}\\) on generated samples ({R.over}); both losses' "
            f"epoch means stay below {fmt(cap)} at every epoch {R.where(losses)} (the largest epoch mean of the "
            f"discriminator's loss is {fmt(worst['d_loss'], 2)} and of the generator's {fmt(worst['g_loss'], 2)}; "
            "Figure~\\ref{fig:gan-curves}).")
    return c("GanOriginalBalanceClaim", f"regime 1, every seed: over the last epoch mean D(x) in [{lo_r}, {hi_r}] and "
             f"mean D(G(z)) in [{lo_f}, {hi_f}], and the epoch means of both losses below {cap} at every epoch",
             ok == R.K, {"seeds_balanced_at_the_end": end, "seeds_losses_below_cap": losses, "seeds": R.K,
                         "d_real": [float(E[s]["d_real"].iloc[-1]) for s in R.seeds],
                         "d_fake": [float(E[s]["d_fake"].iloc[-1]) for s in R.seeds], **worst}, text, text)


def improved(a: float, b: float, higher_is_better: bool) -> bool:
    return b > (1 + MARGIN) * a if higher_is_better else b < (1 - MARGIN) * a


def original_improves(R: Runs):
    def steps(s):
        q = R.Q["original", s]
        return len(q) > 1 and all(improved(a, b, True) for a, b in zip(q["inception_score"], q["inception_score"][1:])) \
            and all(improved(a, b, False) for a, b in zip(q["frechet_distance"], q["frechet_distance"][1:]))

    def overall(s):
        q = R.Q["original", s]
        return improved(q["inception_score"].iloc[0], q["inception_score"].iloc[-1], True) \
            and improved(q["frechet_distance"].iloc[0], q["frechet_distance"].iloc[-1], False)

    k = R.count(lambda s: steps(s) and R.digits(R.last("original", s)))
    ko = R.count(overall)
    noise = R.count(lambda s: not R.digits(R.last("original", s)))
    pct = f"{fmt(100 * MARGIN)}\\%"
    return c("GanOriginalImprovesClaim", f"regime 1, every seed: the inception score rises and the Frechet distance "
             f"falls, each by more than {100 * MARGIN:g}%, between every two scored points, and the last point's "
             "samples are recognised as digits", k == R.K,
             {"seeds_improving_at_every_point": k, "seeds_improving_overall": ko, "seeds": R.K},
             f"both improving by more than {pct} between every two scored points {R.where(k)}",
             f"runs in which both scores improve by more than {pct} between every two scored points: {fmt(k)} of "
             f"{fmt(R.K)}; from the first scored point to the last: {fmt(ko)} of {fmt(R.K)}"
             + (f"; at the last scored point {R.not_digits(noise)}" if noise else ""))


def original_far(R: Runs):
    real = float(R.real["frechet_distance"])
    k = R.count(lambda s: R.last("original", s)["frechet_distance"] > 2 * real)
    return c("GanOriginalFarClaim", "regime 1, last epoch, every seed: Frechet distance more than twice the real "
             "digits'", k == R.K, {"far_seeds": k, "seeds": R.K, "real": real,
                                   "FD": [float(R.last("original", s)["frechet_distance"]) for s in R.seeds]},
             f"The Fr\\'echet distance is more than twice the real digits' {R.where(k)}",
             f"The Fr\\'echet distance is more than twice the real digits' {R.only(k)}")


def original_spread(R: Runs):
    noise = R.count(lambda s: not R.digits(R.last("original", s)))
    if noise:  # a histogram of noise says nothing about modes
        return c("GanOriginalSpreadClaim", "regime 1, last epoch, every seed: the samples are recognised as digits, "
                 "at least 8 classes hold 1% of them each and no class holds 30%", False,
                 {"seeds_not_digits": noise, "seeds": R.K},
                 None, f"{R.not_digits(noise)}, so how they spread over the classes says nothing about modes")
    k = R.count(lambda s: R.last("original", s)["classes_covered"] >= 8 and R.last("original", s)["top"] < 0.3)
    return c("GanOriginalSpreadClaim", "regime 1, last epoch, every seed: the samples are recognised as digits, "
             "at least 8 classes hold 1% of them each and no class holds 30%", k == R.K,
             {"spread_seeds": k, "seeds": R.K, "top_share": [float(R.last("original", s)["top"]) for s in R.seeds]},
             f"the samples spread over the classes {R.where(k)}", f"the samples spread over the classes {R.only(k)}")


def original_confident(R: Runs):
    """The confident fraction, said with what it means where the samples are not digits."""
    conf = R.mean((R.last("original", s)["confident_fraction"] for s in R.seeds), 2)
    noise = R.count(lambda s: not R.digits(R.last("original", s)))
    share = "All of the samples are" if conf == "1" else f"A fraction {conf} of the samples is"
    base = (f"{share} classified with confidence above 0.9 ({R.over}; real digits: "
            f"{fmt(R.real['confident_fraction'], 2)})")
    return c("GanOriginalConfidentClaim", "regime 1, last epoch, every seed: the samples are recognised as digits "
             f"(confident fraction at least {DIGITS} and Frechet distance at most {NEAR:g} times the real digits')",
             noise == 0, {"seeds_not_digits": noise, "seeds": R.K},
             base + ".", base + f"; {R.not_digits(noise)}, so that confidence is the classifier's, not evidence of "
             "digits.")


# ------------------------------------------------------------------------------ regime 2

def strong_epochs(R: Runs, col: str, above: bool):
    """Per seed, at every epoch both regimes reach: is regime 2's `col` above (below) regime 1's?"""
    out = {}
    for s in R.seeds:
        o, t = R.E["original", s], R.E["strong_discriminator", s]
        common = o.index.intersection(t.index)
        out[s] = (t.loc[common, col] > o.loc[common, col]) if above else (t.loc[common, col] < o.loc[common, col])
    return out


def in_all(R: Runs, per_seed: dict) -> tuple[int, int, int]:
    """(seeds where it holds at every epoch, epochs where it holds, epochs compared), over all runs."""
    return (sum(bool(v.all()) for v in per_seed.values()), sum(int(v.sum()) for v in per_seed.values()),
            sum(len(v) for v in per_seed.values()))


def epochs_phrase(R: Runs, hit: int, total: int) -> str:
    return f"at {fmt(hit)} of the {fmt(total)} epochs compared" + (", counted over the runs" if R.K > 1 else "")


def last_common(R: Runs, cols: tuple[str, ...]) -> str:
    """Both regimes' epoch means at the last epoch both reach: '(epoch 1: D(x) 0.74 against 0.58, ...)'."""
    words = {"d_real": "\\(D(x)\\)", "d_fake": "\\(D(G(z))\\)", "g_loss": "generator loss"}
    common = R.E["original", R.seeds[0]].index.intersection(R.E["strong_discriminator", R.seeds[0]].index)
    e = int(common.max())
    parts = []
    for col in cols:
        a, b = pair(np.mean([R.E["strong_discriminator", s].loc[e, col] for s in R.seeds]),
                    np.mean([R.E["original", s].loc[e, col] for s in R.seeds]), 2)
        parts.append(f"{words[col]} {a} against {b}")
    n_common = len(common)
    return (f"over the {fmt(n_common)} {kinds.plural(n_common, 'epoch')} both regimes reach; at epoch {fmt(e)}, "
            f"regime 2 against regime 1: {', '.join(parts)}, {R.over}")


def strong_ahead(R: Runs):
    real, fake = strong_epochs(R, "d_real", True), strong_epochs(R, "d_fake", False)
    k, hit, total = in_all(R, {s: real[s] & fake[s] for s in R.seeds})
    return c("GanStrongAheadClaim", "every seed: at every epoch regime 2's mean D(x) is above and its mean D(G(z)) "
             "below regime 1's of the same seed", k == R.K,
             {"seeds_ahead_at_every_epoch": k, "seeds": R.K, "epochs_ahead": hit, "epochs": total},
             f"the discriminator stays ahead at every epoch {R.where(k)}: its mean output is higher on real "
             f"digits and lower on generated samples than in regime 1 ({last_common(R, ('d_real', 'd_fake'))})",
             f"the discriminator is ahead of regime 1's (higher on real digits, lower on generated samples) at every epoch "
             f"{R.only(k)}; it is ahead {epochs_phrase(R, hit, total)} ({last_common(R, ('d_real', 'd_fake'))})")


def strong_g_loss(R: Runs):
    k, hit, total = in_all(R, strong_epochs(R, "g_loss", True))
    return c("GanStrongGLossClaim", "every seed: at every epoch regime 2's generator loss is above regime 1's",
             k == R.K, {"seeds_above_at_every_epoch": k, "seeds": R.K, "epochs_above": hit, "epochs": total},
             f"the generator loss stays above the original's at every epoch {R.where(k)} "
             f"({last_common(R, ('g_loss',))})",
             f"the generator loss stays above the original's at every epoch {R.only(k)}, and is above it "
             f"{epochs_phrase(R, hit, total)} ({last_common(R, ('g_loss',))})")


def strong_learns(R: Runs):
    Q = {s: R.Q["strong_discriminator", s] for s in R.seeds}
    k = R.count(lambda s: Q[s]["frechet_distance"].iloc[-1] < Q[s]["frechet_distance"].iloc[0]
                and R.digits(Q[s].iloc[-1]))
    noise = R.count(lambda s: not R.digits(Q[s].iloc[-1]))
    fd0, fd1 = pair(np.mean([Q[s]["frechet_distance"].iloc[0] for s in R.seeds]),
                    np.mean([Q[s]["frechet_distance"].iloc[-1] for s in R.seeds]))
    moves = f"its Fr\\'echet distance goes from {fd0} at the first scored point to {fd1} at the last ({R.over})"
    return c("GanStrongLearnsClaim", "regime 2, every seed: the Frechet distance at the last scored point is below "
             "the first, and the last point's samples are recognised as digits", k == R.K,
             {"learning_seeds": k, "seeds": R.K},
             f"The generator's samples are digits and move closer to the real ones {R.where(k)} ({moves})",
             (f"In regime 2 {moves.replace('its ', 'the ', 1)}, but at the last {R.not_digits(noise)}" if noise else
              f"The generator moves closer to the real digits {R.only(k)} ({moves})"))


def strong_collapse(R: Runs):
    def partial_collapse(s):
        t, o = R.last("strong_discriminator", s), R.last("original", s)
        return R.digits(t) and t["top"] >= 0.2 and t["class_entropy"] < R.real["class_entropy"] - 0.2 \
            and t["top"] > o["top"]

    k = R.count(partial_collapse)
    noise = R.count(lambda s: not R.digits(R.last("strong_discriminator", s)))
    ts, to = pair(np.mean([R.last("strong_discriminator", s)["top"] for s in R.seeds]),
                  np.mean([R.last("original", s)["top"] for s in R.seeds]), 2)
    test = ("samples recognised as digits, largest class at least 0.2 and above regime 1's, class entropy at least "
            "0.2 below the real digits'")
    return c("GanStrongCollapseClaim", f"regime 2, last epoch, every seed: {test}", k == R.K,
             {"partially_collapsed_seeds": k, "seeds": R.K,
              "top_share": [float(R.last("strong_discriminator", s)["top"]) for s in R.seeds],
              "top_share_original": [float(R.last("original", s)["top"]) for s in R.seeds]},
             f"By the classifier's histogram this is partial mode collapse {R.where(k)}: the samples concentrate "
             f"on a few classes ({test}).",
             f"By its class histogram regime 2 is more concentrated than regime 1 ({test}) {R.only(k)} (largest "
             f"class {ts} against {to}, {R.over})"
             + (f"; {R.not_digits(noise)}, so its histogram says nothing about modes." if noise else "."))


def strong_swing(R: Runs):
    recognised = {s: R.Q["strong_discriminator", s][R.Q["strong_discriminator", s].apply(R.digits, axis=1)]
                  for s in R.seeds}
    tops = {s: [int(v[6:]) for v in q[CLASSES].idxmax(axis=1)] for s, q in recognised.items()}
    k = R.count(lambda s: len(tops[s]) >= 2 and len(set(tops[s])) > 1)
    kr = R.count(lambda s: len(tops[s]) >= 2)
    points = len(R.Q["strong_discriminator", R.seeds[0]])
    lead = ("Among the scored points whose samples the classifier recognises as digits, the largest class changes "
            "from one point to another")
    return c("GanStrongSwingClaim", "regime 2, every seed: at least two scored points are recognised as digits, "
             "and the largest class is not the same at all of them", k == R.K,
             {"seeds_swinging": k, "seeds_readable": kr, "seeds": R.K,
              f"largest class on digits, seed {R.seeds[0]}": tops[R.seeds[0]] or "none"},
             f"{lead} {R.where(k)} (seed {R.seeds[0]}: {', '.join(map(str, tops[R.seeds[0]]))}; "
             "Figure~\\ref{fig:gan-quality}); " + kinds.reading("a generator chasing a moving discriminator would "
                                                                 "look like this") + ".",
             (f"{lead} {R.where(k)}." if kr == R.K else
              f"Fewer than two of regime 2's {fmt(points)} scored points are recognised as digits "
              f"{R.where(R.K - kr)}, so no change of its largest class can be read there"
              + (f"; among the other runs it changes {R.where(k)}." if kr else ".")))


def strong_budget(R: Runs, n: Numbers):
    """Regime 2 against regime 1 where both generators have taken the same summed step (lr_g x updates)."""
    o, t = R.cfg("original"), R.cfg("strong_discriminator")
    target = int(t["epochs"]) * int(t["updates_per_epoch"]) * float(t["lr_g"]) / float(o["lr_g"])
    points = R.Q["original", R.seeds[0]].index
    at = int(points[np.argmin(np.abs(points - target))])
    ends = {s: (float(R.last("strong_discriminator", s)["frechet_distance"]),
                float(R.Q["original", s].loc[at, "frechet_distance"])) for s in R.seeds}
    k = R.count(lambda s: ends[s][0] <= ends[s][1])
    noise = R.count(lambda s: not (R.digits(R.last("strong_discriminator", s)) and R.digits(R.Q["original", s].loc[at])))
    fs, fo = pair(np.mean([v[0] for v in ends.values()]), np.mean([v[1] for v in ends.values()]))
    n.macros += [("GanBudgetUpdates", fmt(at)), ("GanBudgetEpoch", fmt(at / int(o["updates_per_epoch"]), 3))]
    both = (f"its Fr\\'echet distance after its last epoch ({fs}) against regime 1's after {fmt(at)} updates "
            f"({fo}, {R.over})")
    return c("GanStrongBudgetClaim", "every seed: regime 2's Frechet distance at its last epoch is at most regime 1's "
             "(same seed) at the scored point nearest to the same summed generator step (lr_g x updates), and both "
             "sample sets are recognised as digits", k == R.K and noise == 0,
             {"seeds_at_most": k, "seeds_not_digits": noise, "seeds": R.K, "original_updates": at,
              "target_updates": target, "FD_strong": [v[0] for v in ends.values()],
              "FD_original": [v[1] for v in ends.values()]},
             f"At an equal summed generator step regime 2 is not behind {R.where(k)}: {both}. Regime 2 changes both "
             "step sizes at once, so this compares the two settings, not the discriminator's step alone.",
             f"At an equal summed generator step regime 2's distance is at most regime 1's {R.only(k)}: {both}"
             + (f"; {R.not_digits(noise, ' of one regime or both')} there, so this compares noise." if noise else "."))


# ------------------------------------------------------------------------------ regime 3

def low_noise_collapse(R: Runs):
    first = {s: R.Q["low_noise", s].iloc[0] for s in R.seeds}
    k = R.count(lambda s: first[s]["top"] >= COLLAPSED and R.digits(first[s]))
    noise = R.count(lambda s: not R.digits(first[s]))
    point = fmt(int(R.Q["low_noise", R.seeds[0]].index[0]))
    top0 = R.mean((first[s]["top"] for s in R.seeds), 2)
    return c("GanLowNoiseCollapseClaim", f"regime 3, every seed: at the first scored point the samples are recognised "
             f"as digits and one class holds at least {COLLAPSED} of them", k == R.K,
             {"collapsed_seeds": k, "seeds": R.K, "top_share": [float(first[s]["top"]) for s in R.seeds]},
             f"The generator is collapsed from the first scored point ({point} updates) {R.where(k)}: the "
             f"classifier puts at least {fmt(COLLAPSED, 2)} of the samples in one class.",
             f"Runs whose samples, at the first scored point ({point} updates), are recognised as digits with one "
             f"class holding at least {fmt(COLLAPSED, 2)} of them: {fmt(k)} of {fmt(R.K)} (largest class {top0}, "
             f"{R.over})"
             + (f"; {R.not_digits(noise)}." if noise else "."))


def matched_point(R: Runs) -> int:
    """The equal-update point of the collapse comparison: the last one within regime 1's first epoch."""
    matched = matched_updates(R.gen)
    per_epoch = int(R.cfg("original")["updates_per_epoch"])
    return max([m for m in matched if m <= per_epoch] or matched[:1])


def matched_collapse(R: Runs, n: Numbers):
    u = matched_point(R)
    low = {s: R.Q["low_noise", s].loc[u] for s in R.seeds}
    orig = {s: R.Q["original", s].loc[u] for s in R.seeds}
    k = R.count(lambda s: low[s]["top"] >= COLLAPSED > orig[s]["top"] and R.digits(low[s]))
    ko = R.count(lambda s: orig[s]["top"] >= COLLAPSED and R.digits(orig[s]))
    noise = R.count(lambda s: not R.digits(low[s]))
    lo, og = R.mean((low[s]["top"] for s in R.seeds), 2), R.mean((orig[s]["top"] for s in R.seeds), 2)
    n.macros += [("GanMatchedUpdates", fmt(u)),
                 ("GanMatchedLowNoiseEpoch", fmt(u / int(R.cfg("low_noise")["updates_per_epoch"]), 3)),
                 ("GanMatchedOriginalEpoch", fmt(u / int(R.cfg("original")["updates_per_epoch"]), 3))]
    shares = (f"after {fmt(u)} updates the largest class holds a share {lo} of regime 3's samples and {og} of "
              f"regime 1's ({R.over}; Figure~\\ref{{fig:gan-samples-updates}})")
    return c("GanMatchedCollapseClaim", f"every seed: after {u} updates regime 3's samples are recognised as digits "
             f"and collapsed (one class holds at least {COLLAPSED}), and regime 1's are not collapsed", k == R.K,
             {"updates": u, "seeds_only_low_noise_collapsed": k, "seeds_original_collapsed": ko, "seeds": R.K,
              "top_share_low_noise": [float(low[s]["top"]) for s in R.seeds],
              "top_share_original": [float(orig[s]["top"]) for s in R.seeds]},
             f"At equal updates regime 3 is collapsed and regime 1 is not {R.where(k)}: {shares}.",
             f"Regime 3 recognised as digits and collapsed, with regime 1 uncollapsed, at equal updates: "
             f"{R.where(k)}; {shares}"
             + (f"; {R.not_digits(noise, ' of regime 3')} there" if noise else "")
             + (f"; regime 1, recognised as digits, is collapsed too {R.where(ko)}, and "
                + kinds.reading("part of what looks like collapse may be a generator trained too briefly")
                if ko else "") + ".")


def matched_top(R: Runs):
    """Regime 3's largest class against regime 1's at every update count both reach, where both are digits."""
    matched = matched_updates(R.gen)
    readable = {s: [m for m in matched if R.digits(R.Q["low_noise", s].loc[m]) and R.digits(R.Q["original", s].loc[m])]
                for s in R.seeds}
    k = R.count(lambda s: readable[s] and all(R.Q["low_noise", s].loc[m, "top"] > R.Q["original", s].loc[m, "top"]
                                               for m in readable[s]))
    kr = R.count(lambda s: readable[s])
    counts = fmt_list(matched)
    return c("GanMatchedTopClaim", "every seed: at every update count scored in all runs where both regimes' samples "
             "are recognised as digits (at least one such count), regime 3's largest-class share is above regime 1's",
             k == R.K, {"seeds": R.K, "seeds_above_at_every_count": k, "seeds_with_a_readable_count": kr,
                        "updates": matched},
             f"At every update count scored in all runs ({counts}) where both are recognised as digits, regime 3's "
             f"largest class holds a larger share of its samples than regime 1's {R.where(k)}.",
             (f"At the update counts scored in all runs ({counts}) where both are recognised as digits, regime 3's "
              f"largest class holds a larger share of its samples than regime 1's everywhere {R.only(k)}."
              if kr else
              f"At no update count scored in all runs ({counts}) are the samples of both regimes recognised as digits "
              f"{R.where(R.K)}, so their largest classes are not compared."))


def matched_end(R: Runs):
    end = matched_updates(R.gen)[-1]  # the last update count every run reaches: regime 3's last, by default
    fd = {s: (float(R.Q["low_noise", s].loc[end, "frechet_distance"]),
              float(R.Q["original", s].loc[end, "frechet_distance"])) for s in R.seeds}
    k = R.count(lambda s: fd[s][0] <= fd[s][1])
    noise = R.count(lambda s: not R.digits(R.Q["low_noise", s].loc[end]))
    lo, og = pair(np.mean([v[0] for v in fd.values()]), np.mean([v[1] for v in fd.values()]))
    values = f"Fr\\'echet distance {lo} against {og}, {R.over}"
    return c("GanMatchedEndClaim", f"every seed: after {end} updates regime 3's Frechet distance is at most regime 1's "
             "and its samples are recognised as digits", k == R.K and noise == 0,
             {"updates": end, "seeds_at_most": k, "seeds_not_digits": noise, "seeds": R.K,
              "FD_low_noise": [v[0] for v in fd.values()], "FD_original": [v[1] for v in fd.values()]},
             f"After {fmt(end)} updates regime 3 is no further from the real digits than regime 1 {R.where(k)} "
             f"({values}), and its samples are recognised as digits.",
             (f"After {fmt(end)} updates {R.not_digits(noise, ' of regime 3')} ({values}), so comparing the two "
              "distances there compares noise." if noise else
              f"After {fmt(end)} updates regime 3's Fr\\'echet distance is at most regime 1's {R.only(k)} ({values})."))


def low_noise_moderate(R: Runs):
    E = {s: R.E["low_noise", s] for s in R.seeds}
    k = R.count(lambda s: E[s]["d_real"].between(0.2, 0.8).all() and E[s]["d_fake"].between(0.2, 0.8).all())
    dr, df = R.mean(E[s]["d_real"].iloc[-1] for s in R.seeds), R.mean(E[s]["d_fake"].iloc[-1] for s in R.seeds)
    text = (f"The discriminator's mean outputs stay within \\([0.2, 0.8]\\) at every epoch {R.where(k)} "
            f"(\\(D(x)={dr}\\), \\(D(G(z))={df}\\) over the last epoch, {R.over})")
    return c("GanLowNoiseModerateClaim", "regime 3, every epoch, every seed: the epoch means of D(x) and D(G(z)) both "
             "in [0.2, 0.8]", k == R.K, {"moderate_seeds": k, "seeds": R.K},
             text + ": it does not saturate. No run here changes the discriminator alone, so this does not say what "
             "causes the collapse.", text + ".")


def low_noise_end(R: Runs):
    ends = pd.DataFrame([R.last("low_noise", s) for s in R.seeds])
    k = R.count(lambda s: R.last("low_noise", s)["top"] < COLLAPSED and R.digits(R.last("low_noise", s)))
    noise = R.count(lambda s: not R.digits(R.last("low_noise", s)))
    hist = histogram_text(ends[CLASSES].mean())
    hist = (hist if hist.endswith("of them") else hist + " of them") + ("" if R.K == 1 else ", mean over seeds")
    return c("GanLowNoiseEndClaim", f"regime 3, last scored point, every seed: the samples are recognised as digits "
             f"and no class holds {COLLAPSED} of them", k == R.K,
             {"uncollapsed_seeds": k, "seeds": R.K, "top_share": [float(v) for v in ends["top"]]},
             f"By its last epoch no class holds {fmt(COLLAPSED, 2)} of the samples any more {R.where(k)}: {hist}",
             (f"At its last epoch {R.not_digits(noise)}, so their class histogram ({hist}) says nothing about "
              "collapse there" if noise else
              f"At its last epoch the samples are still collapsed {R.where(R.K - k)}: {hist}"))


def regimes(R: Runs):
    def holds(s):
        o, t, lo = (R.last(r, s) for r in REGIMES)
        return all(R.digits(p) for p in (o, t, lo)) and lo["frechet_distance"] > o["frechet_distance"] \
            and lo["top"] > o["top"] and t["top"] > o["top"]

    k = R.count(holds)
    noise = R.count(lambda s: not all(R.digits(R.last(r, s)) for r in REGIMES))
    tops = [R.mean((R.last(r, s)["top"] for s in R.seeds), 2) for r in REGIMES]
    shares = (f"largest-class share {tops[0]}, {tops[1]} and {tops[2]} in regimes 1, 2 and 3 after their last "
              f"epoch, {R.over}")
    return c("GanRegimesClaim", "every seed: at the last epoch all three regimes' samples are recognised as digits, "
             "regime 3 has a larger Frechet distance and a larger top-class share than regime 1, and regime 2 a "
             "larger top-class share than regime 1", k == R.K,
             {"seeds": R.K, "seeds_holding": k, "seeds_not_digits": noise},
             f"Both departures from the original setting concentrate the samples on fewer classes than regime 1 "
             f"{R.where(k)} ({shares}).",
             (f"After the last epoch {R.not_digits(noise, ' of at least one regime')}, so the regimes' class "
              f"histograms are not compared as modes ({shares})." if noise else
              f"Both departures from the original setting concentrate the samples on fewer classes than regime 1 "
              f"{R.only(k)} ({shares})."))


def claims(n: Numbers, runs: pd.DataFrame, gen: pd.DataFrame, real: pd.Series, seeds: list) -> None:
    for needed in REGIMES:
        if needed not in set(runs["regime"]):
            raise ValueError(f"the report discusses GAN regime {needed!r}, which the logs lack")
    R = Runs(runs, gen, real, seeds)
    for f in (original_balance, original_improves, original_far, original_spread, original_confident,
              strong_ahead, strong_g_loss, strong_learns, strong_collapse, strong_swing):
        n.add(f(R))
    n.add(strong_budget(R, n))
    n.add(low_noise_collapse(R))
    n.add(matched_collapse(R, n))
    for f in (matched_top, matched_end, low_noise_moderate, low_noise_end, regimes):
        n.add(f(R))
    n.macros.append(("GanRankText", rank_text(R)))


def rank_text(R: Runs) -> str:
    """What the scores can rank: the regimes as generators of digits only where the samples are digits."""
    points = [R.last(r, s) for r in REGIMES for s in R.seeds]
    k = sum(R.digits(p) for p in points)
    if k == len(points):
        return "they rank the regimes of these runs"
    if k == 0:
        return (f"none of the {fmt(len(points))} last scored points is recognised as digits, so they compare noise "
                "and do not rank the regimes as generators of digits")
    return (f"only {fmt(k)} of the {fmt(len(points))} last scored points are recognised as digits, so elsewhere "
            "they compare noise and do not rank the regimes as generators of digits")
