#!/usr/bin/env python
"""L1.2's generated TeX for the report: numbers.tex (macros and claims), its table and
claims.csv, from the sum-of-ReLUs study's per-run table, summary, training logs and the
certify and tuned tables."""
import argparse

import pandas as pd

from overparam.numbers import write
from overparam.sumrelu.numbers import build

LOG_COLUMNS = ["m", "seed", "iteration", "exact_loss", "mc_loss", "log_every", "mc_samples", "prov_git_commit",
               "prov_code"]


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--runs", required=True, help="results/sumrelu/runs.parquet")
    p.add_argument("--summary", required=True, help="results/sumrelu/summary.csv")
    p.add_argument("--logs", nargs="+", required=True, help="the training logs")
    p.add_argument("--curve-ms", type=int, nargs="+", required=True, help="widths of the curve figure")
    p.add_argument("--certify", required=True, help="results/sumrelu/certify.csv")
    p.add_argument("--tuned", required=True, help="results/sumrelu/tuned.csv")
    p.add_argument("--tuned-log-every", type=int, required=True,
                   help="sumrelu.tuned.log_every: the resolution of the chosen-step runs' iterations to the threshold")
    p.add_argument("--out-dir", required=True)
    a = p.parse_args(argv)
    logs = pd.concat([pd.read_parquet(f, columns=LOG_COLUMNS) for f in a.logs], ignore_index=True)
    numbers = build(runs=pd.read_parquet(a.runs), summary=pd.read_csv(a.summary), logs=logs, curve_ms=a.curve_ms,
                    certify=pd.read_csv(a.certify), tuned=pd.read_csv(a.tuned), tuned_log_every=a.tuned_log_every)
    write(numbers, "sumrelu", a.out_dir, [a.runs, a.summary, a.certify, a.tuned])


if __name__ == "__main__":
    main()
