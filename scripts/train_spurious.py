#!/usr/bin/env python
"""One cell (k, n) of the Safran-Shamir experiment: teacher V = I_k, student of n ReLU neurons,
w_i ~ N(0, I/k), full gradient descent on the exact objective (1/2) E (f_W - f_V)^2 until every
neuron's gradient norm is below --tol or --max-iterations; all runs of the cell together.
Writes one Parquet row per run: final objective, iterations, final gradient norm, whether it
converged, and its final weights. Whether a run is stuck (a spurious minimum) is decided by
spurious_table.py from the objective, so changing that threshold reruns no cell.

    python scripts/train_spurious.py --k 8 --n 8 --runs 200 --out cell.parquet
"""
import argparse
import time

import pandas as pd
import torch

from overparam.logs import provenance, run_frame, write_atomic
from overparam.sumrelu import gd_exact, init_students, population_loss
from overparam.threads import set_threads


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--k", type=int, required=True, help="teacher neurons (= input dimension)")
    p.add_argument("--n", type=int, required=True, help="student neurons")
    p.add_argument("--runs", type=int, default=200, help="seeds 0 .. runs-1")
    p.add_argument("--lr", type=float, default=0.1)
    p.add_argument("--tol", type=float, default=1e-9)
    p.add_argument("--max-iterations", type=int, default=100_000)
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--out", required=True)
    a = p.parse_args(argv)

    set_threads(a.threads)
    V = torch.eye(a.k, dtype=torch.float64)
    t0 = time.perf_counter()
    W, iters, gnorm, converged = gd_exact(init_students(a.k, a.n, range(a.runs)), V, lr=a.lr, tol=a.tol,
                                          max_iterations=a.max_iterations)
    seconds = time.perf_counter() - t0
    objective = 0.5 * population_loss(W, V)
    rows = pd.DataFrame({
        "seed": range(a.runs), "objective": objective.numpy(), "iterations": iters.numpy(),
        "grad_norm": gnorm.numpy(), "converged": converged.numpy(),
        "weights": list(W.reshape(a.runs, -1).numpy()),
    })
    params = dict(k=a.k, n=a.n, runs=a.runs, lr=a.lr, tol=a.tol, max_iterations=a.max_iterations,
                  cell_seconds=seconds)
    write_atomic(run_frame(rows.to_dict("records"), params, provenance("cpu", a.threads)), a.out)
    print(f"k={a.k} n={a.n}: objective quantiles {rows['objective'].quantile([0, 0.5, 1]).tolist()}, "
          f"{int((~rows['converged']).sum())} hit the cap of {a.max_iterations}, {seconds:.1f} s")


if __name__ == "__main__":
    main()
