#!/usr/bin/env python
"""The spurious end points by symmetry type (after Arjevani and Field): every spurious end point of
the grid's n = k cells, and every polished critical point of the sum-of-ReLUs runs at m = d, typed
by its isotropy; each family (type and objective) of a cell solved by Newton's method in its few
unknowns, its end points measured against the solved point, its Hessian spectrum beside the global
minimum's; each family followed to every k of the grid; the a/k + b/k^{3/2} fit of Delta S_{k-1};
the closed-form Hessian at W = I against the code's. See overparam.spurious.symmetry and
overparam.spurious.symmetry_table.

    python scripts/spurious_symmetry.py --cells results/spurious/k=*/n=*/.../cell.parquet \
        --stuck-threshold 1e-3 --anchor-families data/anchors/safran_shamir_2018_families.csv \
        --type-atol 1e-6 --family-tol 1e-7 --spectrum-atol 0.05 --curv-tol 1e-6 --out-dir results/spurious/symmetry \
        --figure-out figures/spurious_symmetry.pdf
"""
import argparse
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from overparam.spurious import symmetry as sym
from overparam.spurious import symmetry_table as st
from overparam.logs import provenance, read_runs, write_atomic
from overparam.plots import save
from overparam.threads import set_threads


def grid_points(paths, threshold: float) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The spurious end points of the n = k cells, and per cell its runs (every cell)."""
    cells = read_runs(paths)
    runs = cells.groupby(["k", "n"]).agg(runs=("seed", "size"),
                                         spurious=("objective", lambda f: int((f >= threshold).sum())))
    stuck = cells[(cells["objective"] >= threshold) & (cells["n"] == cells["k"])]
    return stuck.assign(source="grid", cls="end point")[["source", "k", "n", "seed", "objective", "weights", "cls"]], \
        runs.reset_index()


def sumrelu_points(c: pd.DataFrame) -> pd.DataFrame:
    """The polished critical points of the sum-of-ReLUs runs at m = d (certify rows; objective F = f / 2)."""
    if c.empty:
        return pd.DataFrame(columns=["source", "k", "n", "seed", "objective", "weights", "cls"])
    c = c[c["polished"].notna()]
    return pd.DataFrame(dict(source="sumrelu", k=c["d"].astype(int), n=c["m"].astype(int), seed=c["seed"],
                             objective=c["polished_loss"] / 2, weights=c["polished"], cls=c["class"]))


def figure(typed: pd.DataFrame, runs: pd.DataFrame, tr: pd.DataFrame, fit: dict, fams: pd.DataFrame, atol: float,
           out: str):
    fig, axes = plt.subplots(1, 3, figsize=(14, 5.2))
    below = dict(loc="upper center", bbox_to_anchor=(0.5, -0.16), fontsize=7)  # legends off the data
    ax = axes[0]
    grid = typed[typed["source"] == "grid"]
    top = list(grid["family_type"].value_counts().index[:st.SHOWN])  # the rest as one line
    g = (grid.assign(family_type=grid["family_type"].where(grid["family_type"].isin(top), "other types"))
         .groupby(["k", "family_type"]).size().rename("count").reset_index().merge(runs, on="k"))
    for name in top + ["other types"]:
        t = g[g["family_type"] == name]
        if len(t):
            ax.plot(t["k"], t["count"] / t["runs"], "o-", ms=4, label=name,
                    color="tab:gray" if name == "other types" else None)
    if g.empty:
        ax.text(0.5, 0.5, "no spurious end point at n = k", ha="center", transform=ax.transAxes)
    else:
        ax.set_yscale("log")
        ax.legend(ncol=3, **below)
    ax.set_xlabel("k (n = k)")
    ax.set_ylabel("fraction of runs ending there")
    ax.set_title("spurious end points by type", fontsize=9)
    ax = axes[1]
    main = st.most_reached(tr)  # in colour; the others in grey
    for name, t in tr.groupby("family", sort=False):
        one = name in main  # the families reached in most runs in colour, the others in grey
        line, = ax.plot(t["k"], t["objective"], "-", lw=1 if one else 0.5, label=name if one else None,
                        color=None if one else "tab:gray", zorder=2 if one else 1)
        ax.plot(t["k"][t["minimum"]], t["objective"][t["minimum"]], "o", ms=4 if one else 2, color=line.get_color())
        ax.plot(t["k"][~t["minimum"]], t["objective"][~t["minimum"]], "o", ms=4 if one else 2, mfc="white",
                color=line.get_color())
    if np.isfinite(fit["a"]):
        k = np.linspace(fit["k_min"], fit["k_max"], 100)
        ax.plot(k, fit["a"] / k + fit["b"] / k ** 1.5, "k:", lw=1.5,
                label=f"{fit['a']:.3f}/k {fit['b']:+.3f}/k^1.5 (fit)")
    ax.set_xlabel("k")
    ax.set_ylabel("objective F at the solved point")
    grey = tr["family"].nunique() - len(main)
    ax.set_title("families followed in k (filled: minimum, open: saddle"
                 + (f"; grey: the {grey} reached in fewer runs)" if grey else ")"), fontsize=8)
    if tr.empty:
        ax.text(0.5, 0.5, "no family to follow", ha="center", transform=ax.transAxes)
    else:
        ax.legend(ncol=2, **below)
    ax = axes[2]
    grid = fams[(fams["source"] == "grid")]
    if len(grid):
        r = grid.sort_values(["k", "runs"], ascending=[False, False]).iloc[0]
        W = np.array([float(v) for v in r["x"].split()])[sym.labels([int(s) for s in r["sizes"].split()])]
        ev, ident = sym.hessian_spectrum(W), sym.identity_spectrum(int(r["k"]))
        ax.plot(np.arange(len(ev)), ident, "-", color="tab:gray", label="global minimum W = I (closed form)")
        ax.plot(np.arange(len(ev)), ev, ".", ms=3, color="tab:red", label=f"family {r['type']} (k = {int(r['k'])})")
        ax.set_yscale("log")
        ax.set_xlabel("eigenvalue index (ascending)")
        ax.set_ylabel("Hessian eigenvalue of F")
        ax.set_title(f"{int(r['spectrum_differ'])} of {int(r['eigenvalues'])} eigenvalues apart by more than "
                     f"{atol:g}", fontsize=9)
        ax.legend(ncol=1, **below)
    else:
        ax.text(0.5, 0.5, "no family to compare", ha="center", transform=ax.transAxes)
    fig.tight_layout()
    save(fig, out)


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--cells", nargs="+", required=True, help="the grid's cell logs (spurious_cell.py)")
    p.add_argument("--certify", nargs="*", default=[], help="sum-of-ReLUs certify.parquet at m = d, if run")
    p.add_argument("--lifts", nargs="*", default=[], help="its lifts.parquet")
    p.add_argument("--stuck-threshold", type=float, required=True, help="spurious: final objective at least this")
    p.add_argument("--anchor-families", required=True, help="CSV of the published end points by family")
    p.add_argument("--type-atol", type=float, required=True)
    p.add_argument("--family-tol", type=float, required=True, help="end points within this of their solved point")
    p.add_argument("--spectrum-atol", type=float, required=True)
    p.add_argument("--curv-tol", type=float, required=True)
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--out-dir", required=True)
    p.add_argument("--figure-out", required=True)
    a = p.parse_args(argv)

    set_threads(a.threads)
    grid, runs = grid_points(a.cells, a.stuck_threshold)
    at_d = read_runs(a.certify) if a.certify else pd.DataFrame()  # the sum-of-ReLUs runs at m = d, if any
    points = pd.concat([grid, sumrelu_points(at_d)], ignore_index=True)
    typed = st.type_points(points, a.type_atol).assign(cls=points["cls"].to_numpy())
    fams = st.families(typed, pd.read_csv(a.anchor_families, comment="#"), a.spectrum_atol)
    ks = sorted(runs.loc[runs["n"] == runs["k"], "k"])
    tr = st.trace(fams, ks, a.curv_tol, a.spectrum_atol)
    fit = st.fit(tr)
    upper = st.fit(tr[tr["k"] >= np.median(ks)]) if len(ks) > 2 else st.fit(tr.iloc[:0])
    fit.update({f"upper_{k}": v for k, v in upper.items() if k != "family"})
    lifts = read_runs(a.lifts) if a.lifts else pd.DataFrame(columns=["seed", "saddle"])
    split = lifts.groupby("seed")["saddle"].agg(["size", "sum"]).rename(columns={"size": "splits", "sum": "saddles"})
    prov = provenance("cpu", a.threads)
    params = dict(stuck_threshold=a.stuck_threshold, type_atol=a.type_atol, family_tol=a.family_tol,
                  sumrelu_at_d=bool(a.certify), sumrelu_runs_at_d=len(at_d), spectrum_atol=a.spectrum_atol,
                  curv_tol=a.curv_tol)
    out = Path(a.out_dir)
    pts = typed.drop(columns=["Wc", "sizes"]).merge(split, left_on="seed", right_index=True, how="left")
    pts.loc[pts["source"] == "grid", ["splits", "saddles"]] = np.nan  # the lifts are the sum-of-ReLUs runs'
    write_atomic(pts.assign(**params, **prov), out / "points.csv")
    write_atomic(fams.assign(**params, **prov), out / "families.csv")
    write_atomic(tr.assign(**params, **prov), out / "trace.csv")
    write_atomic(pd.DataFrame([fit]).assign(**params, **prov), out / "fit.csv")
    write_atomic(runs.assign(**params, **prov), out / "cells.csv")
    write_atomic(st.closed_form_check(ks).assign(**prov), out / "hessian_identity.csv")
    figure(typed, runs[runs["n"] == runs["k"]], tr, fit, fams, a.spectrum_atol, a.figure_out)
    print(fams.drop(columns=["x", "seeds"]).to_string(index=False))
    print(tr.to_string(index=False))
    print(fit)


if __name__ == "__main__":
    main()
