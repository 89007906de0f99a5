#!/usr/bin/env python
"""Problem L1.2: certify where the runs of one width m ended. For every run's final W: the exact
loss, gradient norm and smallest Hessian eigenvalues; a stuck run is polished by gradient
descent on the exact loss to a critical point, which is certified by its Hessian; and each
spurious minimum so found is lifted to m + 1 units by splitting one unit into two halves (every
unit in turn), where the Hessian says whether one extra unit makes it a saddle.
See overparam.sumrelu.certify for the classes."""
import argparse

import numpy as np
import pandas as pd

from overparam.logs import provenance, read_runs, write_atomic
from overparam.sumrelu.certify import certify_run, lift_minima
from overparam.threads import set_threads


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--weights", required=True, help="final weights of one width (weights.parquet)")
    p.add_argument("--threshold", type=float, required=True, help="stuck: final exact loss above this")
    p.add_argument("--grad-tol", type=float, required=True)
    p.add_argument("--curv-tol", type=float, required=True)
    p.add_argument("--move-tol", type=float, required=True)
    p.add_argument("--eigenvalues", type=int, required=True)
    p.add_argument("--dense-max", type=int, required=True)
    p.add_argument("--eig-tol", type=float, required=True)
    p.add_argument("--polish-lr", type=float, required=True)
    p.add_argument("--polish-tol", type=float, required=True)
    p.add_argument("--polish-cap", type=int, required=True)
    p.add_argument("--threads", type=int, required=True)
    p.add_argument("--runs-out", required=True)
    p.add_argument("--lifts-out", required=True)
    a = p.parse_args(argv)

    set_threads(a.threads)
    w = read_runs([a.weights]).sort_values(["seed", "neuron"])
    d, m = int(w["d"].iloc[0]), int(w["m"].iloc[0])
    V = np.eye(d)
    opts = dict(curv_tol=a.curv_tol, eigenvalues=a.eigenvalues, dense_max=a.dense_max, eig_tol=a.eig_tol)
    rows = []
    for seed, g in w.groupby("seed"):
        r = certify_run(np.stack(g["w"].to_list()), V, threshold=a.threshold, grad_tol=a.grad_tol,
                        move_tol=a.move_tol, polish_lr=a.polish_lr, polish_tol=a.polish_tol,
                        polish_cap=a.polish_cap, **opts)
        rows.append(dict(r, m=m, seed=int(seed)))
        print(f"m={m} seed={seed}: {r['class']}, f={r['loss']:.3e}, |grad|={r['grad_norm']:.2e}", flush=True)
    runs = pd.DataFrame(rows)
    lifts = lift_minima(runs[runs["class"] == "spurious minimum"], V, **opts)
    params = dict(d=d, threshold=a.threshold, grad_tol=a.grad_tol, curv_tol=a.curv_tol, move_tol=a.move_tol,
                  dense_max=a.dense_max, eig_tol=a.eig_tol, polish_lr=a.polish_lr, polish_tol=a.polish_tol,
                  polish_cap=a.polish_cap)
    prov = provenance("cpu", a.threads)
    # parameters and provenance on every row (assign keeps the columns of an empty table)
    # the polished critical point of each stuck run, flattened (m * d), for the symmetry study
    runs["polished"] = [None if w is None else w.ravel() for w in runs.pop("polished_weights")]
    write_atomic(runs.assign(**params, **prov), a.runs_out)
    write_atomic(lifts.assign(m_lifted=m + 1, **params, **prov), a.lifts_out)
    print(runs["class"].value_counts().to_string())
    print(f"{len(lifts)} lifts, {int(lifts['saddle'].sum())} saddles")


if __name__ == "__main__":
    main()
