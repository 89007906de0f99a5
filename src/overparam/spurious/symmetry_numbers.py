"""The spurious end points by symmetry type (results/spurious/symmetry/): macros, claims and the
table of types, added to the spurious-minima study's numbers."""
from __future__ import annotations

from dataclasses import dataclass
from functools import partial

import numpy as np
import pandas as pd

from overparam.numbers import Numbers, kinds
from overparam.numbers.claims import claim
from overparam.numbers.tex import commits, fmt, longtable, tabular
from overparam.relu.descent import FAMILY_ATOL
from overparam.spurious.symmetry_table import most_reached

c = partial(claim, "spurious")
CRITICAL = 1e-12  # a solved point is a critical point of the full loss when no gradient entry exceeds this
CLOSED_FORM = 1e-12  # the closed-form spectrum at W = I matches the code's Hessian to this


@dataclass
class Symmetry:
    points: pd.DataFrame    # every typed end point
    families: pd.DataFrame  # per source, cell and family: the solved point
    trace: pd.DataFrame     # the grid's families followed in k
    fit: pd.Series          # a/k + b/k^{3/2} on Delta S_{k-1}
    cells: pd.DataFrame     # runs and spurious runs per cell
    hessian: pd.DataFrame   # closed form against code at W = I, per k
    anchor: pd.DataFrame    # the published a
    theirs: pd.DataFrame    # the published families (Safran and Shamir)

    @property
    def grid(self) -> pd.DataFrame:
        return self.families[self.families["source"] == "grid"]


def group(family_type: str) -> str:
    """The isotropy group of a type in TeX: (1, k-1) -> Delta S_{k-1}, (2, k-2) -> Delta(S_2 x S_{k-2})."""
    parts = [p.strip() for p in family_type.strip("()").split(",")]
    factors = [f"S_{{{p}}}" if not p.isdigit() else f"S_{p}" for p in parts if p != "1"]
    if not factors:
        return r"\(1\)"
    return r"\(\Delta " + (factors[0] if len(factors) == 1 else "(" + r"\times ".join(factors) + ")") + r"\)"


def nontrivial(type_name: str) -> bool:
    """A type with a block of two or more units (a swap fixes the point)."""
    return max(int(v) for v in type_name.strip("()").split(",")) > 1


def objective(v: float) -> str:
    """An objective in the tables: 7 decimals (6 or 7 significant digits), zeros kept, so every
    row reads alike."""
    return f"\\ensuremath{{{v:.7f}}}"


def name(family_type: str) -> str:
    """A type as the report prints it: (1, k-1)."""
    return r"\(" + family_type.replace(" ", "") + r"\)"


def build(n: Numbers, s: Symmetry) -> None:
    setting(n, s)
    typed(n, s)
    solved(n, s)
    followed(n, s)
    fitted(n, s)
    spectra(n, s)
    sumrelu(n, s)
    table(n, s)
    trace_table(n, s)


def setting(n: Numbers, s: Symmetry) -> None:
    """The tolerances (every table carries them; fit.csv has its one row), and the closed form at W = I."""
    n.macros.append(("SymCommit", commits(s.families) if "prov_git_commit" in s.families else "not recorded"))
    n.macros += [(macro, fmt(float(s.fit[key]))) for macro, key in
                 (("SymTypeAtol", "type_atol"), ("SymSpectrumAtol", "spectrum_atol"), ("SymCurvTol", "curv_tol"))]
    hk = s.hessian
    worst = float(hk["max_abs_diff"].max()) if len(hk) else float("nan")
    n.add(c("SymHessianClosedFormClaim", f"at every k of the grid the closed-form spectrum of the Hessian at W = I "
            f"matches the eigenvalues of the code's Hessian to {CLOSED_FORM:g}", len(hk) and worst <= CLOSED_FORM,
            {"k": f"{int(hk['k'].min())}..{int(hk['k'].max())}" if len(hk) else "none", "largest_difference": worst},
            f"At every \\(k\\) of the grid this closed form matches the eigenvalues of the code's Hessian "
            f"(\\texttt{{sumrelu\\_hessian}}, halved) to {kinds.at_most(worst)}.",
            f"At some \\(k\\) of the grid this closed form and the code's Hessian differ by {fmt(worst, 2)}."))


def typed(n: Numbers, s: Symmetry) -> None:
    """Every spurious end point of the n = k cells has a type with a block of two or more."""
    g = s.points[s.points["source"] == "grid"]
    fixed = g["type"].map(nontrivial)
    inside = g["spread"] <= g["type_atol"]
    counts = g.groupby("family_type").size().sort_values(ascending=False)
    listed = ", ".join(f"{name(t)}: {fmt(int(v))} {kinds.plural(int(v), 'point')}" for t, v in counts.items())
    total = len(g)
    extra = s.cells[s.cells["n"] == s.cells["k"] + 1]
    untyped = int(extra["spurious"].sum())
    n.macros.append(("SymUntyped", "The \\(n=k+1\\) cells have no spurious end point to type." if not untyped else
                     f"We leave the {fmt(untyped)} spurious end {kinds.plural(untyped, 'point')} of the \\(n=k+1\\) "
                     "cells untyped: with one unit more than the teacher the group is \\(S_{k+1}\\times S_k\\), and "
                     "these diagonal types do not apply."))
    n.add(c("SymTypedClaim", "every spurious end point of the n = k cells is fixed, within type_atol, by a diagonal "
            "Young subgroup with a block of two or more units", total and fixed.all() and inside.all(),
            {"points": total, "typed": int((fixed & inside).sum()), "types": "; ".join(f"{t}: {v}" for t, v in counts.items())},
            f"Every one of the {fmt(total)} spurious end points of the \\(n=k\\) cells has such a type: {listed}.",
            ("No \\(n=k\\) cell has a spurious end point to type." if total == 0 else
             f"Of the {fmt(total)} spurious end points of the \\(n=k\\) cells, {fmt(int((fixed & inside).sum()))} have "
             f"a type with a block of two or more units ({listed}); the others are fixed by no swap.")))


def solved(n: Numbers, s: Symmetry) -> None:
    """Every family's Newton solution converged and is critical for the full loss."""
    f = s.families
    ok = f["converged"].astype(bool) & (f["grad_max"] <= CRITICAL)
    lo, hi = (int(f["unknowns"].min()), int(f["unknowns"].max())) if len(f) else (0, 0)
    n.macros.append(("SymUnknowns", "none here, where no family was found" if not len(f) else
                     f"{fmt(lo)} here" if lo == hi else f"{fmt(lo)} to {fmt(hi)} here"))
    n.add(c("SymSolvedClaim", f"every family's Newton solution converged and no entry of the full gradient there "
            f"exceeds {CRITICAL:g}", len(f) and ok.all(),
            {"families": len(f), "solved": int(ok.sum()),
             "largest_gradient_entry": float(f["grad_max"].max()) if len(f) else "none"},
            f"For all {fmt(len(f))} families Newton's method converged, and no entry of the full gradient at the "
            f"solved points exceeds {kinds.at_most(float(f['grad_max'].max()) if len(f) else 0)}: each is a critical "
            "point of \\(F\\) on all of \\(\\mathbb{R}^{k\\times k}\\), not only within its type.",
            ("No family to solve." if not len(f) else
             f"For {fmt(int(ok.sum()))} of the {fmt(len(f))} families Newton's method converged to a point where no "
             f"entry of the full gradient exceeds {fmt(CRITICAL)}.")))
    distance(n, s)


def distance(n: Numbers, s: Symmetry) -> None:
    """Every end point lies within family_tol of its family's solved point; where not, whether the
    gradient it stopped at explains the distance (|grad F| / lambda_1)."""
    f = s.families
    tol = float(s.fit["family_tol"])
    far = f[f["max_distance"] > tol]
    explained = bool((far["max_distance_over_predicted"] <= 1).all())
    listed = "; ".join(f"{name(r['type'])} at \\(k={int(r['k'])}\\): {kinds.at_most(r['max_distance'])}, "
                       f"\\(\\lambda_1={fmt(r['lambda_1'], 2)}\\)" for _, r in far.iterrows())
    n.add(c("SymDistanceClaim", "every end point lies within family_tol (largest entry difference) of its family's "
            "solved point", len(f) and far.empty,
            {"families": len(f), "farther": len(far), "largest_distance": float(f["max_distance"].max()) if len(f) else "none",
             "farther_within_gradient_over_lambda1": explained if len(far) else "none"},
            f"Every end point lies within {kinds.at_most(float(f['max_distance'].max()) if len(f) else 0)} of its "
            f"family's solved point (the check: {fmt(tol)}).",
            ("No family, so no distance to check." if not len(f) else
             f"The end points of {fmt(len(f) - len(far))} of the {fmt(len(f))} families lie within {fmt(tol)} of their "
             f"solved point; those of {fmt(len(far))} {kinds.plural(len(far), 'family', 'families')} lie farther ({listed})"
             + (". Each of those end points lies within \\(\\|\\nabla F\\|/\\lambda_1\\) of its solved point, the distance "
                "that the linearization predicts for a point stopped at that gradient near a minimum this flat." if explained else
                ". Not all of them lie within \\(\\|\\nabla F\\|/\\lambda_1\\) of their solved point, the distance the "
                "gradient they stopped at accounts for."))))


def label(tr: pd.DataFrame, family: str) -> str:
    """A followed family in TeX: its isotropy group, and where two families share a type, the
    objective and k it was first found at."""
    t = tr[tr["family"] == family].iloc[0]
    same = tr.loc[tr["family_type"] == t["family_type"], "family"].nunique() > 1
    where = family.split(", F=")[1].split(" at k=") if same else None
    return group(t["family_type"]) + (f" (\\(F={where[0]}\\) at \\(k={where[1]}\\))" if same else "")


def segments(t: pd.DataFrame) -> str:
    """Where a followed family is a minimum and where a saddle, as runs of consecutive k:
    'a saddle at k = 6 to 7 and a minimum at k = 8 to 20'."""
    t = t.sort_values("k")
    parts, start = [], 0
    kind = t["minimum"].astype(bool).to_numpy()
    ks = t["k"].to_numpy()
    for i in range(1, len(t) + 1):
        if i == len(t) or kind[i] != kind[start]:
            span = f"\\(k={ks[start]}\\)" if i - 1 == start else f"\\(k={ks[start]}\\) to {ks[i - 1]}"
            parts.append(f"{'a minimum' if kind[start] else 'a saddle'} at {span}")
            start = i
    return " and ".join(parts)


def once(t: pd.DataFrame) -> bool:
    """Saddles below some k and minima from it on (or one kind throughout)."""
    kind = t.sort_values("k")["minimum"].astype(bool).to_numpy()
    return bool((kind[1:] >= kind[:-1]).all())


def followed(n: Numbers, s: Symmetry) -> None:
    """Each followed family: where it is a minimum and where a saddle."""
    tr = s.trace
    top = most_reached(tr)
    phrases = [f"{label(tr, f)}, {segments(tr[tr['family'] == f])}" for f in top]
    rest = tr["family"].nunique() - len(top)
    total = tr["family"].nunique()
    head = ("The one family followed is " if total == 1 else
            f"Of the {fmt(total)} families followed, the {fmt(len(top))} reached in most runs are: " if rest else
            f"The {fmt(total)} families followed are: ")
    n.macros.append(("SymFollowed", head + "; ".join(phrases)
                     + (f" (the other {fmt(rest)}: \\texttt{{results/spurious/symmetry/trace.csv}})." if rest else ".")
                     if len(tr) else "No family was followed."))
    bad = [f for f, t in tr.groupby("family", sort=False) if not once(t)]
    n.add(c("SymSwitchClaim", "each followed family is a saddle below some k and a minimum at every k from there on "
            "(at most one change, from saddle to minimum)", len(tr) and not bad,
            {"families": tr["family"].nunique(), "other_changes": "; ".join(bad) or "none"},
            ("Along each family the kind changes at most once, from saddle to minimum as \\(k\\) grows."
             if (~tr["minimum"].astype(bool)).any() else
             "Every family followed is a minimum at every \\(k\\) it was followed to: no saddle was found along them."),
            ("No family was followed, so there is no change to describe." if not len(tr) else
             f"Along {fmt(len(bad))} of the {fmt(tr['family'].nunique())} families the kind changes otherwise: "
             + "; ".join(f"{label(tr, f)} is {segments(tr[tr['family'] == f])}" for f in bad) + ".")))
    published(n, s)


def published(n: Numbers, s: Symmetry) -> None:
    """The published families with 10 runs or more that lie on a followed family, and how many of them
    at a k where our runs did not reach that family."""
    tr = s.trace
    pub = s.theirs[(s.theirs["n"] == s.theirs["k"]) & (s.theirs["count"] >= 10) & s.theirs["k"].isin(tr["k"])]
    hits = [tr[(tr["k"] == r.k) & (tr["objective"] - r.objective).abs().le(FAMILY_ATOL)] for r in pub.itertuples()]
    on = [len(h) > 0 for h in hits]
    unreached = sum(bool(len(h) and (h["runs"] == 0).all()) for h in hits)
    n.add(c("SymPublishedClaim", "every published family with at least 10 runs at n = k, at a k of the grid, has the "
            "objective of a followed family at that k (within 1e-6)", len(pub) and all(on),
            {"published": len(pub), "on_a_followed_family": int(sum(on)), "where_our_runs_did_not_reach_it": unreached},
            f"Every one of the {fmt(len(pub))} families Safran and Shamir report in 10 runs or more at \\(n=k\\) lies at "
            "the objective of one of these followed families at its \\(k\\)"
            + (f" ({fmt(unreached)} of them where our runs did not reach that family)." if unreached else
               ", at \\(k\\) where our runs reached that family too."),
            ("Safran and Shamir report no family in 10 runs or more at the \\(k\\) followed here." if not len(pub) else
             f"Of the {fmt(len(pub))} families Safran and Shamir report in 10 runs or more at \\(n=k\\), {fmt(int(sum(on)))} "
             "lie at the objective of one of these followed families at its \\(k\\).")))


def fitted(n: Numbers, s: Symmetry) -> None:
    """The fit a/k + b/k^{3/2} to Delta S_{k-1} against the published a."""
    f = s.fit
    pub = s.anchor[s.anchor["quantity"] == "a"].iloc[0]
    digits = int(pub["digits"])
    ok = bool(np.isfinite(f["a"]) and float(f"{f['a']:.{digits}g}") == float(pub["value"]))
    upper = (f", and on \\(k\\ge{int(f['upper_k_min'])}\\) alone \\(a={fmt(f['upper_a'], 3)}\\), \\(b={fmt(f['upper_b'], 3)}\\)"
             if np.isfinite(f.get("upper_a", np.nan)) else "")
    text = (f"Fitted by least squares over \\(k={int(f['k_min'])}\\) to {int(f['k_max'])}, the objective of "
            f"\\(\\Delta S_{{k-1}}\\) is \\({fmt(f['a'], 3, False)}/k{'+' if f['b'] >= 0 else '-'}{fmt(abs(f['b']), 3, False)}/k^{{3/2}}\\) "
            f"(largest relative residual {kinds.at_most(f['max_rel_residual'])}){upper}"
            if np.isfinite(f["a"]) else "")
    n.add(c("SymFitClaim", f"the fitted a rounds to the published value {pub['value']:g} at its {digits} significant "
            "digit(s)", ok, {"a": float(f["a"]), "b": float(f["b"]), "published_a": float(pub["value"])},
            text + f". Arjevani and Field give \\(a\\approx{fmt(pub['value'])}\\); our \\(a\\), from two terms fitted to "
            f"{fmt(int(f['points']))} values of \\(k\\), rounds to it at the "
            + ("one significant digit" if digits == 1 else f"{fmt(digits)} significant digits") + " they give.",
            (text + f". Arjevani and Field give \\(a\\approx{fmt(pub['value'])}\\); our \\(a\\) does not round to it, "
             "so over these \\(k\\) the two terms do not recover their leading coefficient."
             if np.isfinite(f["a"]) else "The grid has fewer than three \\(k\\) on \\(\\Delta S_{k-1}\\): no fit.")))


def spectra(n: Numbers, s: Symmetry) -> None:
    """The Hessian spectra of the followed minima at the largest k against the global minimum's."""
    tr = s.trace[s.trace["minimum"].astype(bool)]
    top = tr[tr["k"] == tr["k"].max()] if len(tr) else tr
    few = top[top["spectrum_differ"] <= top["k"]]
    many = top[top["spectrum_differ"] > top["k"]]
    atol = float(s.fit["spectrum_atol"])

    def span(col):
        lo, hi = int(top[col].min()), int(top[col].max())
        return fmt(lo) if lo == hi else f"between {fmt(lo)} and {fmt(hi)}"

    at = (f"At \\(k={int(top['k'].iloc[0])}\\), at {kinds.count(len(top), len(top), 'followed family', 'followed families')} "
          "that " + ("is a minimum" if len(top) == 1 else "are minima") + " there" if len(top) else "")
    counts = (f", {span('spectrum_differ')} of the \\(k^2={int(top['k'].iloc[0]) ** 2}\\) eigenvalues lie farther "
              f"than {fmt(atol)} from the global minimum's, matched in order (farther than {fmt(atol / 2)}: "
              f"{span('spectrum_differ_half')}; farther than {fmt(2 * atol)}: {span('spectrum_differ_double')}); none lies "
              f"farther than {kinds.at_most(top['spectrum_max_diff'].max())}" if len(top) else "")
    held = ", ".join(f"{label(s.trace, r['family'])} ({fmt(int(r['spectrum_differ']))})" for _, r in few.iterrows())
    n.add(c("SymSpectrumClaim", "at the largest k of the grid, at every followed family that is a minimum there, at most "
            "k of its k^2 Hessian eigenvalues (sorted, matched one to one with the global minimum's) lie farther than "
            "spectrum_atol from the global minimum's", len(top) and many.empty,
            {"k": int(top["k"].iloc[0]) if len(top) else "none", "families": len(top), "at_most_k_apart": len(few),
             "apart": [int(v) for v in top["spectrum_differ"]]},
            f"{at}{counts}. At each, at most \\(k\\) lie farther than {fmt(atol)}: in this sense the two spectra "
            "nearly coincide away from a few eigenvalues.",
            ("No followed family is a minimum at the largest \\(k\\): no spectra to compare." if not len(top) else
             f"{at}{counts}. More than \\(k\\) lie farther than {fmt(atol)} at "
             + (kinds.count(len(many), len(top), "family", "families")) + "; "
             + (f"at most \\(k\\) only at {held}." if len(few) else "so at this tolerance the two spectra do not "
                "coincide away from a few eigenvalues " + ("there" if len(top) == 1 else "at any of them")
                + ", and the counts above show how much that depends on the tolerance."))))
    falls = {f: bool((t.sort_values("k")["spectrum_max_diff"].diff().dropna() < 0).all())
             for f, t in tr.groupby("family", sort=False) if t["k"].nunique() > 1}
    down = [f for f, v in falls.items() if v]
    n.add(c("SymSpectrumShrinkClaim", "along every followed family, over the k where it is a minimum, the largest "
            "difference between the two sorted spectra falls at every step in k", len(falls) and all(falls.values()),
            {"families": len(falls), "falling": len(down)},
            "Along every family the largest difference falls at every step in \\(k\\) where it is a minimum.",
            (f"The largest difference falls at every step in \\(k\\) where the family is a minimum along {fmt(len(down))} "
             f"of the {fmt(len(falls))} families followed over two \\(k\\) or more"
             + (f", among them {label(s.trace, down[0])}" if down else "") + "; along the others it does not."
             if falls else "No family is a minimum at two \\(k\\) or more: nothing to compare along \\(k\\).")))


def sumrelu(n: Numbers, s: Symmetry) -> None:
    """The types of the sum-of-ReLUs minima at m = d, and what splitting a unit does to them."""
    p = s.points[(s.points["source"] == "sumrelu") & (s.points["cls"] == "spurious minimum")]
    if not bool(s.fit.get("sumrelu_at_d", len(s.points[s.points["source"] == "sumrelu"]) > 0)):
        n.macros.append(("SymSumreluClaim", "The sum-of-ReLUs sweep has no width \\(m=d\\), so none of its end "
                         "points is typed here."))
        return
    runs = int(s.fit.get("sumrelu_runs_at_d", 0))
    counts = p.groupby("family_type").size().sort_values(ascending=False)
    listed = ", ".join(f"{name(t)} ({fmt(int(v))})" for t, v in counts.items()) or "none"
    split_all = bool(len(p) and (p["saddles"] == p["splits"]).all())
    on = s.trace[s.trace["k"] == p["k"].iloc[0]] if len(p) else s.trace.iloc[:0]
    found = [bool(((on["type"] == r.type) & (on["objective"] - r.objective).abs().le(FAMILY_ATOL)).any()) for r in p.itertuples()]
    n.add(c("SymSumreluClaim", "every spurious minimum of the sum-of-ReLUs runs at m = d has a type with a block of "
            "two or more, lies on a family followed from the grid, and each of its splits is a saddle",
            len(p) and all(found) and split_all and p["type"].map(nontrivial).all(),
            {"minima": len(p), "types": "; ".join(f"{t}: {v}" for t, v in counts.items()), "on_a_grid_family": int(sum(found)),
             "all_splits_saddles": split_all},
            f"The {fmt(len(p))} spurious minima of the sum-of-ReLUs study at \\(m=d\\) (the critical points its SGD "
            f"end points polish to) are of types {listed}, each at the objective of the grid's family of that type at \\(k=d\\); splitting any one of "
            "their units makes each of them a saddle.",
            (f"None of the {fmt(runs)} SGD runs of the sum-of-ReLUs study at \\(m=d\\) ended at a spurious minimum, "
             "so there is none to type."
             if not len(p) else
             f"The {fmt(len(p))} spurious minima of the sum-of-ReLUs study at \\(m=d\\) (the critical points its SGD "
             f"end points polish to) are of types {listed}; {fmt(int(sum(found)))} lie on a family followed from the grid, and "
             + ("every split of every one is a saddle." if split_all else "not every split of every one is a saddle."))))


def table(n: Numbers, s: Symmetry) -> None:
    """One row per family of the n = k cells and of the sum-of-ReLUs runs at m = d."""
    f = s.families.sort_values(["source", "k", "runs"], ascending=[True, True, False])
    rows = [[("SGD, \\(m=d\\)" if r["source"] == "sumrelu" else fmt(int(r["k"]))), name(r["type"]), group(r["family_type"]),
             fmt(int(r["runs"])), objective(r["objective"]), fmt(int(r["their_count"])) if r["source"] == "grid" else "--",
             f"\\ensuremath{{{r['lambda_1']:#.2g}}}", fmt(int(r["spectrum_differ"])), kinds.at_most(r["max_distance"], 1)]
            for _, r in f.iterrows()]
    cols = [r"\(k\)", "type", "isotropy", "runs", "objective", "S\\&S", r"\(\lambda_1\)", "apart", "distance"]
    n.tables["symmetry_table"] = longtable(pd.DataFrame(rows, columns=cols), "rllrrrrrr", r"\SymTableCaption",
                                           "tab:symmetry")


def trace_table(n: Numbers, s: Symmetry) -> None:
    """The followed families' objectives, one row per k and one column per family; a saddle marked s,
    a k where our runs reached the family marked with an asterisk."""
    tr = s.trace
    fams = most_reached(tr)

    def cell(r):
        v = objective(r["objective"])
        v = v if bool(r["minimum"]) else v + "\\textsuperscript{s}"
        return v + ("*" if r["runs"] > 0 else "")

    rows = []
    for k in sorted(tr["k"].unique()):
        at = tr[tr["k"] == k].set_index("family")
        rows.append([fmt(int(k))] + [cell(at.loc[f]) if f in at.index else "--" for f in fams])
    types = [tr.loc[tr["family"] == f, "family_type"].iloc[0] for f in fams]
    # two families of one type: told apart by a letter, in order of their objective at the smallest k
    cols = [r"\(k\)"] + [group(t) + (f"\\textsuperscript{{{'abcdefgh'[types[:i].count(t)]}}}" if types.count(t) > 1 else "")
                           for i, t in enumerate(types)]
    n.tables["symmetry_trace_table"] = tabular(pd.DataFrame(rows, columns=cols), "r" + "r" * len(fams))
    n.macros.append(("SymTraceShown", f"the {fmt(len(fams))} {kinds.plural(len(fams), 'family', 'families')} reached "
                     f"in most runs, of {fmt(tr['family'].nunique())} followed"))
