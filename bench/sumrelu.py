#!/usr/bin/env python
"""Cost of the sum-of-ReLUs sweep: one SGD iteration per width m with all seeds stacked (one
thread) beside its floor, the estimated wall time of the sweep on a given number of cores, and,
where the workflow has run, the wall and CPU time its jobs actually took (Snakemake's benchmark
files). The floor of an iteration is what no implementation can skip: drawing its fresh
Gaussian inputs (seeds x batch x d, at this machine's measured torch.randn rate) and its two
products, X W^T and M^T X (4 x seeds x batch x m x d flops, at the measured single-thread
float32 GEMM rate). The last line printed is JSON.

    python bench/sumrelu.py                  # widths, seeds, batch, iterations from config.yaml
"""
import argparse
import glob
import json

import numpy as np
import pandas as pd
import torch
import yaml

from overparam.sumrelu.model import identity_teacher, minibatch_grad
from overparam.relu.students import init_students
from overparam.threads import set_threads
from timing import best_seconds


def iteration_seconds(d, m, seeds, batch_size, lr, iterations=200, repeats=3):
    """One SGD iteration as overparam.sumrelu.sgd runs it, fresh inputs and labels included
    (each seed's block drawn from its own generator, then the stacked steps): the fastest of
    `repeats` blocks of `iterations`, per iteration."""
    W0 = init_students(d, m, range(seeds)).float().numpy()
    gens = [torch.Generator().manual_seed(s) for s in range(seeds)]

    def block():
        W = W0.copy()
        X = torch.stack([torch.randn(iterations, batch_size, d, generator=g) for g in gens], 1).numpy()
        Y = identity_teacher(X)
        for x, y in zip(X, Y):
            _, G = minibatch_grad(W, x, y)
            G *= lr
            W -= G

    return best_seconds(block, repeats) / iterations


def rates():
    """Single-thread float32 GEMM rate (FLOP/s) and torch.randn's time per float32 normal, each
    the fastest of five calls."""
    a = torch.randn(1024, 1024)
    gemm = 2 * 1024**3 / best_seconds(lambda: a @ a)
    g = torch.Generator().manual_seed(0)
    return gemm, best_seconds(lambda: torch.randn(1_000_000, generator=g)) / 1e6


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--config", default="config.yaml")
    p.add_argument("--cores", type=int, default=2)
    a = p.parse_args(argv)
    set_threads(1)
    c = yaml.safe_load(open(a.config))["sumrelu"]
    gemm, normal = rates()
    rows = []
    for m in c["ms"]:
        s = iteration_seconds(c["d"], m, c["seeds"], c["batch_size"], c["lr_times_m"] / m)
        samples = c["seeds"] * c["batch_size"] * c["d"]
        floor = samples * normal + 4 * samples * m / gemm
        rows.append(dict(m=m, seeds=c["seeds"], ms_per_iteration=s * 1e3, floor_ms=floor * 1e3, ratio=s / floor,
                         job_seconds=s * c["iterations"]))
        print(f"m={m:4d}: {s * 1e3:.2f} ms per iteration of {c['seeds']} seeds (floor {floor * 1e3:.2f} ms, "
              f"ratio {s / floor:.1f}) -> {s * c['iterations']:.0f} s for {c['iterations']:,} iterations")
    total = sum(r["job_seconds"] for r in rows)
    longest = max(r["job_seconds"] for r in rows)
    estimate = max(total / a.cores, longest)  # jobs are independent; the longest bounds below
    print(f"SGD alone: {total:.0f} s of CPU; on {a.cores} cores at least {estimate:.0f} s of wall time")
    measured = {}
    files = glob.glob("benchmarks/sumrelu/d=*/**/*.tsv", recursive=True)
    if files:
        b = pd.concat([pd.read_csv(f, sep="\t") for f in files])
        measured = dict(jobs=len(files), job_wall_s_sum=float(b["s"].sum()), cpu_s_sum=float(b["cpu_time"].sum()))
        print(f"measured by the workflow: {len(files)} jobs, {measured['cpu_s_sum']:.0f} s of CPU")
    print(json.dumps(dict(gemm_gflops=gemm / 1e9, randn_ns=normal * 1e9, widths=rows, sgd_cpu_s=total, estimated_wall_s=estimate, cores=a.cores,
                          measured=measured)))


if __name__ == "__main__":
    main()
