#!/usr/bin/env python
"""Problem V2(a): draw mini-batches from the planted teacher and compare the mean ||y||^2 of
each with the exact E||y||^2 of the realized teacher. Writes a Parquet table and a CSV twin."""
import argparse

import pandas as pd
import torch

from overparam.logs import provenance, write_atomic
from overparam.planted.model import Stream, expected_sq_norm
from overparam.relu.two_layer import make_teacher


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--D", type=int, required=True)
    p.add_argument("--n", type=int, required=True)
    p.add_argument("--r0", type=int, required=True)
    p.add_argument("--teacher-seed", type=int, required=True)
    p.add_argument("--batches", type=int, required=True)
    p.add_argument("--batch-size", type=int, required=True)
    p.add_argument("--seed", type=int, required=True, help="seed of the data stream")
    p.add_argument("--out", required=True, help="Parquet table (a .csv twin is written beside it)")
    a = p.parse_args(argv)

    teacher = make_teacher(a.D, a.n, a.r0, a.teacher_seed)
    _, Y = Stream(teacher, a.seed, dtype=torch.float64).draw(a.batches, a.batch_size)
    sq = Y.square().sum(-1)  # (batches, batch_size)
    exact = expected_sq_norm(teacher)
    df = pd.DataFrame({"batch": range(1, a.batches + 1), "mean_sq_norm": sq.mean(1).numpy(),
                       "std_sq_norm": sq.std(1).numpy(), "batch_size": a.batch_size,
                       "exact_expected_sq_norm": exact, "D": a.D, "n": a.n, "r0": a.r0,
                       "teacher_seed": a.teacher_seed, "seed": a.seed})
    df = df.assign(**provenance())
    write_atomic(df, a.out)
    write_atomic(df.drop(columns=[c for c in df if c.startswith("prov_")]), a.out.removesuffix(".parquet") + ".csv")
    print(df[["batch", "mean_sq_norm", "exact_expected_sq_norm"]].to_string(index=False))
    print(f"mean over all {a.batches * a.batch_size} samples: {float(sq.mean()):.4f}; exact: {exact:.4f}")


if __name__ == "__main__":
    main()
