#!/usr/bin/env python
"""L5.2's generated TeX for the report: numbers.tex (macros and claims), its table and
claims.csv, from results/gan/runs.parquet and results/gan/quality.parquet."""
import argparse

import pandas as pd

from overparam.numbers import write
from overparam.gan.numbers import build


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--runs", required=True, help="results/gan/runs.parquet")
    p.add_argument("--quality", required=True, help="results/gan/quality.parquet")
    p.add_argument("--out-dir", required=True)
    a = p.parse_args(argv)
    numbers = build(runs=pd.read_parquet(a.runs), quality=pd.read_parquet(a.quality))
    write(numbers, "gan", a.out_dir, [a.runs, a.quality])


if __name__ == "__main__":
    main()
