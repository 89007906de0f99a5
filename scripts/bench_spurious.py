#!/usr/bin/env python
"""Cost of one gradient-descent step of the spurious-minima study, per cell size: all runs of
a cell stacked (200 by default), one thread. The last line printed is JSON.

    python scripts/bench_spurious.py --runs 200 --ks 6 10 15 20
"""
import argparse
import json
import time

import torch

from overparam.sumrelu import init_students, population_grad
from overparam.threads import set_threads


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--runs", type=int, default=200)
    p.add_argument("--ks", type=int, nargs="+", default=[6, 10, 15, 20])
    p.add_argument("--steps", type=int, default=200)
    p.add_argument("--device", default="cpu")
    a = p.parse_args(argv)
    set_threads(1)
    out = []
    for k in a.ks:
        for n in (k, k + 1):
            V = torch.eye(k, dtype=torch.float64, device=a.device)
            W = init_students(k, n, range(a.runs)).to(a.device)
            population_grad(W, V)  # warm-up
            if a.device != "cpu":
                torch.cuda.synchronize()
            t0 = time.perf_counter()
            for _ in range(a.steps):
                W -= 0.05 * population_grad(W, V)
            if a.device != "cpu":
                torch.cuda.synchronize()
            ms = (time.perf_counter() - t0) / a.steps * 1e3
            out.append(dict(k=k, n=n, runs=a.runs, ms_per_step=ms, us_per_run_step=ms * 1e3 / a.runs))
            print(f"k={k:2d} n={n:2d}: {ms:.2f} ms per step of {a.runs} runs ({ms * 1e3 / a.runs:.1f} us per run)")
    print(json.dumps({"device": a.device, "cells": out}))


if __name__ == "__main__":
    main()
