#!/usr/bin/env python
"""Cost of one gradient-descent step of the spurious-minima study per cell size, beside its
floor. The step (overparam.spurious.descend, one run, one thread) is timed over --steps steps;
its floor is its arithmetic at this machine's measured single-thread rates: per pair of vectors
(n(n+1)/2 + n k per step) an arccosine and a square root (the angle t and sin t, which every
form of the gradient needs), at the faster of the libraries (NumPy or torch arccos, NumPy sqrt)
and the step's own SIMD loop (overparam.spurious.angle_terms), measured on a long array; plus the
products U U^T and P W, the norms and the update at the measured float64 GEMM rate (with V = I
the step skips U V^T and Q V, and so does the floor).
For reference, the torch closed form of the sum-of-ReLUs study on 200 stacked runs. The last
line printed is JSON.

    python bench/spurious.py --ks 6 10 15 20
"""
import argparse
import json

import numpy as np
import torch
from threadpoolctl import threadpool_limits
from timing import best_seconds

from overparam.relu.descent import angle_terms, descend
from overparam.relu.students import init_students
from overparam.sumrelu.model import population_grad
from overparam.threads import set_threads


def rates():
    """Single-thread float64 GEMM rate (FLOP/s) and the fastest measured cost of one pair's
    angle terms (s per pair): library arccos plus square root, or the step's own loop."""
    a = np.random.default_rng(0).standard_normal((512, 512))
    gemm = 2 * 512**3 / best_seconds(lambda: a @ a)
    x = np.random.default_rng(1).uniform(-1, 1, 1_000_000)
    tx = torch.from_numpy(x)
    sines = 1.0 - x * x  # sin t = sqrt(1 - c^2)
    library = (min(best_seconds(lambda: np.arccos(x)), best_seconds(lambda: torch.arccos(tx)))
               + best_seconds(lambda: np.sqrt(sines))) / x.size
    A, K, S = np.empty_like(x), np.empty_like(x), np.empty_like(x)
    own = best_seconds(lambda: angle_terms(x, A, K, S)) / x.size
    return gemm, library, own


def step_work(n, k):
    """(pairs, floating-point operations) of one step with n units and teacher I_k (d = k): an
    arccosine and a square root per pair of units and per unit and teacher row; U U^T and P W
    (2 n^2 d each), the norms, the unit vectors and the update (about 8 n d)."""
    pairs = n * (n + 1) // 2 + n * k
    flops = 4 * n * n * k + 8 * n * k
    return pairs, flops


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--ks", type=int, nargs="+", default=[6, 10, 15, 20])
    p.add_argument("--steps", type=int, default=20000)
    p.add_argument("--stacked-runs", type=int, default=200, help="runs of the torch reference step")
    a = p.parse_args(argv)
    set_threads(1)
    with threadpool_limits(1):
        gemm, library_s, own_s = rates()
        pair_s = min(library_s, own_s)
        out = []
        for k in a.ks:
            for n in (k, k + 1):
                V = np.eye(k)
                W0 = init_students(k, n, [0]).numpy()[0]
                # tol 0 and no early decision: exactly --steps steps
                sec = best_seconds(lambda: descend(W0, V, 0.1, 0.0, 0.0, 1e4, a.steps), 3) / a.steps
                pairs, flops = step_work(n, k)
                floor = pairs * pair_s + flops / gemm
                Ws = init_students(k, n, range(a.stacked_runs))
                Vt = torch.eye(k, dtype=torch.float64)
                ref = best_seconds(lambda: [population_grad(Ws, Vt) for _ in range(20)], 3) / 20 / a.stacked_runs
                out.append(dict(k=k, n=n, us_per_run_step=sec * 1e6, floor_us=floor * 1e6, ratio=sec / floor,
                                pairs_per_step=pairs, flops_per_step=flops,
                                torch_stacked_us_per_run_step=ref * 1e6))
                print(f"k={k:2d} n={n:2d}: {sec * 1e6:6.2f} us per run-step, floor {floor * 1e6:5.2f} us "
                      f"({pairs} pairs, {flops} flop), ratio {sec / floor:.2f}; torch stacked "
                      f"{ref * 1e6:.2f} us")
    print(f"per pair: library arccos + sqrt {library_s * 1e9:.2f} ns, the step's own loop {own_s * 1e9:.2f} ns; "
          f"GEMM {gemm / 1e9:.1f} GFLOP/s")
    print(json.dumps({"gemm_gflops": gemm / 1e9, "pair_library_ns": library_s * 1e9, "pair_own_ns": own_s * 1e9,
                      "pair_floor_ns": pair_s * 1e9, "threads": 1, "cells": out}))


if __name__ == "__main__":
    main()
