"""The spurious end points by symmetry type (overparam.spurious.symmetry): each end point typed, each family
of a cell (one type, one objective) solved by Newton's method and its end points measured against
the solved point, each family followed in k, and the a/k + b/k^{3/2} fit of Delta S_{k-1}.

Sources of end points: the k = n cells of the Safran-Shamir grid (their final weights), and the
polished critical points of the sum-of-ReLUs runs at m = d (F = f / 2 there). The n = k + 1 cells
are left untyped: their point has one more unit than the teacher, the group is S_{k+1} x S_k, and
the diagonal types used here do not apply.
"""
import numpy as np
import pandas as pd

from overparam.spurious import symmetry as sym
from overparam.relu.descent import FAMILY_ATOL


FAMILY_COLUMNS = ["source", "k", "n", "type", "family_type", "sizes", "runs", "seeds", "objective", "unknowns",
                  "newton_steps", "converged", "reduced_grad", "grad_max", "max_distance", "max_end_grad",
                  "max_distance_over_predicted", "max_spread", "lambda_1",
                  "lambda_2", "eigenvalues", "spectrum_differ", "spectrum_max_diff", "their_count", "x"]


SHOWN = 6  # the report draws and tabulates the families (and types) reached in most runs; the tables hold all


def most_reached(tr: pd.DataFrame, n: int = SHOWN) -> list[str]:
    """The n followed families reached in most runs over the grid, most first."""
    return list(tr.groupby("family", sort=False)["runs"].sum().sort_values(ascending=False, kind="stable").index[:n])


def family_name(sizes) -> str:
    """A type named so that it reads the same at every k: (1, k-1), (2, k-2), (1, 1, k-2), and
    (b, b) at k = 2b as (b, k-b), the same isotropy; a type with more equal largest blocks keeps
    its sizes."""
    s = sorted(sizes)
    if len(s) == 1 or (len(s) > 2 and s[-1] == s[-2]):
        return sym.type_name(s)
    return "(" + ", ".join(str(x) for x in s[:-1]) + f", k-{sum(s[:-1])})"


def type_points(points: pd.DataFrame, atol: float) -> pd.DataFrame:
    """Per end point (columns source, k, n, seed, objective, weights (k * k)): its type in standard
    form, the type's name in k, and the point in standard form (`Wc`, for the family step)."""
    rows = []
    for r in points.itertuples():
        W = np.asarray(r.weights, dtype=float).reshape(r.k, r.k)
        Wc, sizes = sym.canonical(W, atol)
        rows.append(dict(source=r.source, k=r.k, n=r.n, seed=r.seed, objective=r.objective,
                         type=sym.type_name(sizes), family_type=family_name(sizes), sizes=tuple(sizes), Wc=Wc,
                         spread=sym.spread(Wc, sym.labels(sizes))))
    return pd.DataFrame(rows, columns=["source", "k", "n", "seed", "objective", "type", "family_type", "sizes", "Wc",
                                       "spread"])


def families(typed: pd.DataFrame, theirs: pd.DataFrame, spectrum_atol: float) -> pd.DataFrame:
    """Per source, cell and family (one type and one objective, neighbours within FAMILY_ATOL):
    the runs, the point solved by Newton's method from the family's first seed, the largest
    distance of an end point from it (and against |grad F| / lambda_1 at the end point, the distance
    the linearization predicts), the gradient there, its Hessian spectrum against the global
    minimum's (closed form), and the published family at that objective (theirs: k, n, objective,
    count), if any."""
    rows = []
    typed = typed.sort_values(["source", "k", "n", "type", "objective"])
    gap = typed.groupby(["source", "k", "n", "type"])["objective"].diff()
    typed = typed.assign(family=(gap.isna() | (gap > FAMILY_ATOL)).cumsum())
    for _, f in typed.groupby("family"):
        first = f.sort_values("seed").iloc[0]
        lab = sym.labels(first["sizes"])
        s = sym.solve(sym.reduce(first["Wc"], lab), lab)
        ev = sym.hessian_spectrum(s["W"])
        diff = np.abs(ev - sym.identity_spectrum(first["k"]))
        # an end point stops at a small gradient g, about |g| / lambda_1 from the critical point: the
        # distance the linearization predicts, which near-flat families (small lambda_1) make large
        dist = np.array([sym.distance(W, first["sizes"], s["W"]) for W in f["Wc"]])
        g2 = np.array([np.linalg.norm(sym.gradient(W)[1]) for W in f["Wc"]])
        pub = theirs[(theirs["k"] == first["k"]) & (theirs["n"] == first["n"])
                     & (theirs["objective"] - s["objective"]).abs().le(FAMILY_ATOL)]
        rows.append(dict(
            source=first["source"], k=first["k"], n=first["n"], type=first["type"], family_type=first["family_type"],
            sizes=" ".join(map(str, first["sizes"])), runs=len(f), seeds=" ".join(map(str, sorted(f["seed"]))),
            objective=s["objective"], unknowns=len(s["x"]), newton_steps=s["newton_steps"],
            converged=s["converged"], reduced_grad=s["reduced_grad"], grad_max=s["grad_max"],
            max_distance=float(dist.max()), max_end_grad=float(g2.max()),
            max_distance_over_predicted=float(np.max(dist / (g2 / ev[0]))) if ev[0] > 0 else np.nan,
            max_spread=float(f["spread"].max()), lambda_1=ev[0], lambda_2=ev[1],
            eigenvalues=len(ev), spectrum_differ=int((diff > spectrum_atol).sum()), spectrum_max_diff=float(diff.max()),
            their_count=int(pub["count"].sum()) if len(pub) else 0,
            x=" ".join(f"{v:.17g}" for v in s["x"])))
    return pd.DataFrame(rows, columns=FAMILY_COLUMNS)


def trace(fams: pd.DataFrame, ks: list[int], curv_tol: float, spectrum_atol: float) -> pd.DataFrame:
    """Every family of the grid's k = n cells followed to every k of the grid: Newton's method at
    k + 1 (or k - 1) starts from the point solved at k, with the type's largest block grown (or
    shrunk) by one. Families whose largest block is not unique are solved only where found.
    A family found where an earlier one was followed to (the same objective at that k) is that
    family; a family stops where Newton's method fails or where its solved point has a larger
    isotropy group than its type (it has joined a more symmetric family). Per family (named by its
    type, its objective and the smallest k it was found at) and k: the objective, the largest gradient entry,
    the smallest Hessian eigenvalue (a minimum when at least -curv_tol, else a saddle), how many
    eigenvalues lie farther than spectrum_atol from the global minimum's (sorted, one to one; and
    farther than half and twice that, to show how the count depends on it) and
    the largest difference, and the runs that ended in it there."""
    grid = fams[(fams["source"] == "grid") & (fams["n"] == fams["k"])]
    traces = []  # (the family as found first, {k: point})
    for _, f in grid.sort_values(["k", "objective"]).iterrows():
        if any(f["k"] in out and abs(out[f["k"]]["objective"] - f["objective"]) <= FAMILY_ATOL for _, out in traces):
            continue  # a family already followed to this k
        sizes0 = [int(v) for v in f["sizes"].split()]
        x0 = np.array([float(v) for v in f["x"].split()])
        out = {f["k"]: _point(x0, sizes0, spectrum_atol)}
        for step in (1, -1):
            x, k = x0, f["k"]
            while (k + step) in ks:
                sizes = sym.grow(sizes0, k + step)
                if sizes is None:
                    break
                p = _point(x, sizes, spectrum_atol, solve=True)
                # Newton's method failed, or reached a point of a larger isotropy group (the family
                # has joined a more symmetric one, which is followed as its own family)
                if not p["converged"] or len(sym.blocks(p["W"])) < len(sizes):
                    break
                out[k + step] = p
                x, k = p["x"], k + step
        traces.append((f, out))
    rows = []
    for f, out in traces:
        for k, p in sorted(out.items()):
            found = grid[(grid["k"] == k) & (grid["type"] == p["type"])
                         & (grid["objective"] - p["objective"]).abs().le(FAMILY_ATOL)]
            rows.append(dict(family=f"{f['family_type']}, F={f['objective']:.4f} at k={f['k']}",
                             family_type=f["family_type"], k=k,
                             type=p["type"], objective=p["objective"], grad_max=p["grad_max"],
                             newton_steps=p["newton_steps"], lambda_1=p["lambda_1"],
                             minimum=bool(p["lambda_1"] >= -curv_tol), spectrum_differ=p["differ"],
                             spectrum_differ_half=p["differ_half"], spectrum_differ_double=p["differ_double"],
                             spectrum_max_diff=p["max_diff"], runs=int(found["runs"].sum())))
    return pd.DataFrame(rows, columns=["family", "family_type", "k", "type", "objective", "grad_max", "newton_steps",
                                       "lambda_1", "minimum", "spectrum_differ", "spectrum_differ_half",
                                       "spectrum_differ_double", "spectrum_max_diff", "runs"])


def _point(x, sizes, spectrum_atol, solve=False) -> dict:
    lab = sym.labels(sizes)
    s = sym.solve(x, lab) if solve else sym.solve(x, lab, steps=0)
    ev = sym.hessian_spectrum(s["W"])
    diff = np.abs(ev - sym.identity_spectrum(sum(sizes)))
    return dict(s, type=sym.type_name(sizes), lambda_1=ev[0], differ=int((diff > spectrum_atol).sum()),
                differ_half=int((diff > spectrum_atol / 2).sum()), differ_double=int((diff > 2 * spectrum_atol).sum()),
                max_diff=float(diff.max()))


def fit(tr: pd.DataFrame, family_type: str = "(1, k-1)") -> dict:
    """Least squares of a/k + b/k^{3/2} to the objective of the lowest family of this type, over
    every k it was followed to; with its largest relative residual."""
    t = tr[tr["family_type"] == family_type]
    if t["k"].nunique() < 3:  # two unknowns: at least three k to leave a residual
        return dict(family="none", a=np.nan, b=np.nan, k_min=np.nan, k_max=np.nan, points=0, max_rel_residual=np.nan)
    name = t.groupby("family")["objective"].mean().idxmin()
    t = t[t["family"] == name].sort_values("k")
    k = t["k"].to_numpy(dtype=float)
    A = np.column_stack([1 / k, k ** -1.5])
    (a, b), *_ = np.linalg.lstsq(A, t["objective"].to_numpy(), rcond=None)
    rel = np.abs(A @ [a, b] - t["objective"].to_numpy()) / t["objective"].to_numpy()
    return dict(family=name, a=a, b=b, k_min=int(k.min()), k_max=int(k.max()), points=len(k),
                max_rel_residual=float(rel.max()))


def closed_form_check(ks) -> pd.DataFrame:
    """The Hessian at W = V = I_k from the closed-form Hessian code against its spectrum derived by
    hand (symmetry.identity_spectrum), for each k."""
    rows = []
    for k in ks:
        num, cf = sym.hessian_spectrum(np.eye(k)), sym.identity_spectrum(k)
        rows.append(dict(k=k, max_abs_diff=float(np.max(np.abs(num - cf))), lambda_1=cf[0], lambda_max=cf[-1],
                         low=0.25 - 1 / (2 * np.pi), high=0.25 + 1 / (2 * np.pi),
                         count_low=int(np.isclose(cf, 0.25 - 1 / (2 * np.pi)).sum()),
                         count_high=int(np.isclose(cf, 0.25 + 1 / (2 * np.pi)).sum())))
    return pd.DataFrame(rows)
