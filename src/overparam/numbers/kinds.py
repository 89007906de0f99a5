"""Claim kinds: each computes its statistic and words itself from it, so that a sentence cannot
say more than the numbers behind it.

- `count`: k of K, with all / none / most / both and the noun's plural chosen from the numbers;
- `ordering`: values (one per width, regime, cell) ordered, where two whose intervals overlap or
  that lie within a stated factor of each other are a tie, and the wording says so;
- `paired`: two settings compared over the same seeds: the paired count ("lower in 5 of 5
  seeds"), an exact sign test's p and the median ratio; a non-rejection is never "agreement";
- `bound`: a bound rounded outward, so the printed bound still bounds the value;
- `reading`: an interpretation no predicate tests, typeset as one (`\\reading{...}`) and listed in
  the appendix as untested.

Each returns the LaTeX words and the values it used, for a claim (claims.claim) to carry."""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy.stats import binomtest, fisher_exact

from overparam.numbers.tex import fmt


def plural(n: int, noun: str, plural_form: str | None = None) -> str:
    """'1 run', '2 runs'; `plural_form` for nouns that do not take an s."""
    return noun if n == 1 else (plural_form or noun + "s")


def count(k: int, total: int, noun: str, plural_form: str | None = None) -> str:
    """k of `total` things as words: 'all 5 runs', 'both runs', 'the one run', 'none of the 5 runs',
    'no run' (of one), 'most runs (4 of 5)', '2 of the 5 runs'. 'most' only for a strict
    majority that is not all."""
    k, total = int(k), int(total)
    if not 0 <= k <= total:
        raise ValueError(f"a count of {k} of {total}")
    many = plural(total, noun, plural_form)
    if total == 0:
        return f"no {plural(2, noun, plural_form)}"
    if k == total:
        return {1: f"the one {noun}", 2: f"both {many}"}.get(total, f"all {fmt(total)} {many}")
    if k == 0:
        return f"no {noun}" if total == 1 else ("neither " + noun if total == 2 else f"none of the {fmt(total)} {many}")
    if 2 * k > total:
        return f"most {many} ({fmt(k)} of {fmt(total)})"
    return f"{fmt(k)} of the {fmt(total)} {many}"


def verb(k: int, total: int, singular: str, plural_form: str) -> str:
    """The verb that agrees with `count(k, total, ...)` as a subject: 'all 5 runs reach', 'the one
    run reaches', 'none of the 5 runs reaches', '2 of the 5 runs reach', '1 of the 5 runs reaches'."""
    k, total = int(k), int(total)
    many = total > 1 if k == total else (k > 1 and k != 0)
    return plural_form if many else singular


@dataclass(frozen=True)
class Ranked:
    """An ordering's outcome: groups of labels from lowest to highest; labels in one group tie."""
    groups: tuple[tuple[str, ...], ...]

    @property
    def strict(self) -> bool:
        return all(len(g) == 1 for g in self.groups)

    def words(self, sep: str = " \\(<\\) ") -> str:
        """'$r=60$ < $r=120$ = $r=240$' with '=' for a tie."""
        return sep.join(" = ".join(g) for g in self.groups)


def ordering(values: dict[str, float], low: dict[str, float] | None = None, high: dict[str, float] | None = None,
             factor: float = 1.0) -> Ranked:
    """Order labels by value, lowest first. Two neighbours tie when their intervals [low, high]
    overlap (when given: the spread over seeds) or when they lie within `factor` of each other
    (factor 1: only equal values tie). Ties chain, and a label that ties with any member of an
    earlier group merges every group from that one on: "a < b" is printed only when no member
    of a's group ties with any member of b's. NaN values sort last, each in a group of its own."""
    order = sorted(values, key=lambda k: (math.isnan(values[k]), values[k]))
    groups: list[list[str]] = []
    for label in order:
        tied = [j for j, g in enumerate(groups) if any(_tie(x, label, values, low, high, factor) for x in g)]
        if tied:
            groups[tied[0]:] = [sum(groups[tied[0]:], []) + [label]]
        else:
            groups.append([label])
    return Ranked(tuple(tuple(g) for g in groups))


def _tie(a, b, values, low, high, factor) -> bool:
    va, vb = values[a], values[b]
    if math.isnan(va) or math.isnan(vb):
        return False
    if low is not None and high is not None and low[b] <= high[a]:
        return True
    lo, hi = sorted((abs(va), abs(vb)))
    return va == vb or (lo > 0 and hi / lo <= factor and np.sign(va) == np.sign(vb))


@dataclass(frozen=True)
class Paired:
    """`a` against `b` over the seeds where both are finite."""
    lower: int      # seeds where a < b
    higher: int     # seeds where a > b
    ties: int
    p: float        # two-sided exact sign test (binomial, ties left out)
    ratio: float    # median over seeds of a / b

    @property
    def seeds(self) -> int:
        return self.lower + self.higher + self.ties

    def words(self, lower: str = "lower", higher: str = "higher", level: float = 0.05) -> str:
        """'lower in 5 of 5 seeds (sign test p = 0.062, median ratio 0.31)'. With p below `level`
        the direction is called a difference; otherwise the count is all the sentence says."""
        if self.seeds == 0:
            return "not comparable (no seed finite in both)"
        word, k = (lower, self.lower) if self.lower >= self.higher else (higher, self.higher)
        ties = f", equal in {fmt(self.ties)}" if self.ties else ""
        test = f"sign test \\(p={fmt(self.p, 2, False)}\\)"
        return (f"{word} in {fmt(k)} of {fmt(self.seeds)} {plural(self.seeds, 'seed')}{ties} ({test}, "
                f"median ratio {fmt(self.ratio, 2)})")

    def differs(self, level: float = 0.05) -> bool:
        return self.p < level


def paired(a, b) -> Paired:
    """Compare a with b seed by seed (arrays in the same seed order)."""
    a, b = np.asarray(a, float), np.asarray(b, float)
    ok = np.isfinite(a) & np.isfinite(b)
    a, b = a[ok], b[ok]
    lower, higher = int((a < b).sum()), int((a > b).sum())
    n = lower + higher
    p = binomtest(lower, n, 0.5).pvalue if n else 1.0
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = float(np.median(a / b)) if len(a) else float("nan")
    return Paired(lower, higher, int(len(a) - n), float(p), ratio)


def bound(x: float, sig: int = 2, upper: bool = True) -> float:
    """`x` rounded outward to `sig` significant digits: up for an upper bound, down for a lower
    one, so the printed bound still bounds x (0.0123 as an upper bound of 2 digits: 0.013)."""
    if x == 0 or not math.isfinite(x):
        return x
    e = math.floor(math.log10(abs(x))) - sig + 1
    scaled = x / 10.0 ** e
    r = math.ceil(scaled - 1e-9) if upper else math.floor(scaled + 1e-9)
    return r * 10.0 ** e


def at_most(x: float, sig: int = 2) -> str:
    """An upper bound as the report prints it: rounded up, so 'at most' stays true."""
    return fmt(bound(x, sig, upper=True), sig)


def at_least(x: float, sig: int = 2) -> str:
    """A lower bound as the report prints it: rounded down, so 'at least' stays true."""
    return fmt(bound(x, sig, upper=False), sig)


def reading(text: str) -> str:
    """An interpretation that no predicate tests, marked as one in the report (\\reading)."""
    return f"\\reading{{{text}}}"


def two_counts(a: int, n_a: int, b: int, n_b: int) -> str:
    """Two counts compared by Fisher's exact test: 'a difference these runs resolve (Fisher's exact
    test p = 0.01)', or 'no difference these runs can resolve (p = 1)'."""
    if not n_a or not n_b:
        return "with nothing to compare"
    p = fisher_exact([[a, n_a - a], [b, n_b - b]]).pvalue
    test = f"Fisher's exact test \\(p={fmt(p, 2, False)}\\)"
    return f"a difference these runs resolve ({test})" if p < 0.05 else f"no difference these runs can resolve ({test})"
