#!/usr/bin/env python
"""The proof checks' generated TeX for the report: numbers.tex (macros and claims), the V1(b)
table and claims.csv, from results/theory/*.parquet. A check that contradicts its proof stops
here with the claim's name and values."""
import argparse

import pandas as pd

from overparam.numbers import write
from overparam.theory.numbers import build


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--checks", nargs="+", required=True, help="results/theory/{v1a,v1b,v1c,l4,l51}.parquet")
    p.add_argument("--out-dir", required=True)
    a = p.parse_args(argv)
    frames = {}
    for path in a.checks:
        df = pd.read_parquet(path)
        frames[str(df["check"].iloc[0])] = df
    numbers = build(frames)
    write(numbers, "theory", a.out_dir, a.checks)


if __name__ == "__main__":
    main()
