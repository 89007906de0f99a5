#!/usr/bin/env python
"""The spurious-minima study's generated TeX for the report: numbers.tex (macros and claims),
its table and claims.csv, from spurious_table.csv, check_table.csv and the cells' logs (seeds, provenance)."""
import argparse

import pandas as pd

from overparam.numbers import write
from overparam.numbers.spurious import build

CELL_COLUMNS = ["k", "n", "seed", "prov_git_commit", "prov_code"]


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--table", required=True, help="results/spurious/spurious_table.csv")
    p.add_argument("--check", required=True, help="results/spurious/check_table.csv")
    p.add_argument("--cells", nargs="+", required=True, help="the cells' Parquet logs")
    p.add_argument("--out-dir", required=True)
    a = p.parse_args(argv)
    cells = pd.concat([pd.read_parquet(f, columns=CELL_COLUMNS) for f in a.cells], ignore_index=True)
    numbers = build(table=pd.read_csv(a.table), check=pd.read_csv(a.check), cells=cells)
    write(numbers, "spurious", a.out_dir, [a.table, a.check])


if __name__ == "__main__":
    main()
