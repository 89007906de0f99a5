#!/usr/bin/env python
"""One cell (k, n) of the Safran-Shamir experiment: teacher V = I_k, student of n ReLU units,
w_i ~ N(0, I/k), gradient descent on the exact objective (1/2) E (f_W - f_V)^2 as in their code
(overparam.relu.descent): step --lr, stop once every unit's 2 pi-scaled gradient norm is at most
--tol, restart with half the step above --restart-above, no cap but the safety cap --cap;
a run whose objective falls below --decide-below while decreasing at every step is stopped
there (0: never). Writes one Parquet row per run (final objective, steps, gradient norms,
why it stopped, restarts, the largest rise of the objective, final weights). Whether a run is
spurious is decided by spurious_table.py from the objective.

    python scripts/spurious_cell.py --k 8 --n 8 --runs 200 --lr 0.1 --tol 1e-9 \
        --restart-above 1e4 --decide-below 1e-3 --cap 10000000 --threads 2 --out cell.parquet
"""
import argparse
import time

import numpy as np
import pandas as pd
from threadpoolctl import threadpool_limits

from overparam.logs import provenance, run_frame, write_atomic
from overparam.relu.descent import STOP_NAMES, cell
from overparam.relu.students import init_students


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--k", type=int, required=True, help="teacher units (= input dimension)")
    p.add_argument("--n", type=int, required=True, help="student units")
    p.add_argument("--runs", type=int, required=True, help="seeds 0 .. runs-1")
    p.add_argument("--lr", type=float, required=True, help="step on the objective")
    p.add_argument("--tol", type=float, required=True, help="on the largest unit's 2 pi-scaled gradient norm")
    p.add_argument("--restart-above", type=float, required=True)
    p.add_argument("--decide-below", type=float, required=True, help="0: run every run to --tol")
    p.add_argument("--cap", type=int, required=True, help="safety cap on steps")
    p.add_argument("--threads", type=int, required=True)
    p.add_argument("--out", required=True)
    a = p.parse_args(argv)

    threadpool_limits(1)  # parallel over runs (--threads); the 20 x 20 products gain nothing from BLAS threads
    W0 = init_students(a.k, a.n, range(a.runs)).numpy()
    cell(W0[:1], np.eye(a.k), lr=a.lr, tol=a.tol, level=a.decide_below, cap=1,
         restart_above=a.restart_above)  # compile (or load the compiled step) outside the timing
    t0, c0 = time.perf_counter(), time.process_time()  # wall, and the CPU time of all threads
    r = cell(W0, np.eye(a.k), lr=a.lr, tol=a.tol, level=a.decide_below, cap=a.cap,
             restart_above=a.restart_above, threads=a.threads)
    seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
    rows = pd.DataFrame({
        "seed": range(a.runs), "objective": r["objective"], "steps": r["steps"],
        "grad_norm": r["grad_norm"], "grad_norm_end": r["grad_norm_end"],
        "stop": [STOP_NAMES[s] for s in r["stop"]], "restarts": r["restarts"], "max_rise": r["max_rise"],
        "lr_end": r["lr_end"], "weights": list(r["weights"].reshape(a.runs, -1)),
    })
    params = dict(k=a.k, n=a.n, runs=a.runs, lr=a.lr, tol=a.tol, restart_above=a.restart_above,
                  decide_below=a.decide_below, cap=a.cap, cell_seconds=seconds, cell_cpu_seconds=cpu,
                  run_steps_total=int(r["steps"].sum()))
    write_atomic(run_frame(rows.to_dict("records"), params, provenance("cpu", a.threads)), a.out)
    stops = rows["stop"].value_counts().to_dict()
    print(f"k={a.k} n={a.n}: {a.runs} runs, stops {stops}, steps median {int(rows['steps'].median())} "
          f"max {int(rows['steps'].max())}, objective >= 1e-3 in {int((rows['objective'] >= 1e-3).sum())}, "
          f"{seconds:.1f} s on {a.threads} threads, {cpu:.1f} s of CPU ({cpu / r['steps'].sum() * 1e6:.2f} us per run-step)")


if __name__ == "__main__":
    main()
