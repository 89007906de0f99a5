#!/usr/bin/env python
"""The spurious-minima study's generated TeX for the report: numbers.tex (macros and claims),
its tables and claims.csv, from spurious_table.csv, check_table.csv, the cells' logs (seeds, provenance)
and the symmetry study's tables (results/spurious/symmetry/)."""
import argparse

from pathlib import Path

import pandas as pd

from overparam.numbers import write
from overparam.spurious.numbers import build
from overparam.spurious.symmetry_numbers import Symmetry, build as build_symmetry

CELL_COLUMNS = ["k", "n", "seed", "prov_git_commit", "prov_code"]


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--table", required=True, help="results/spurious/spurious_table.csv")
    p.add_argument("--check", required=True, help="results/spurious/check_table.csv")
    p.add_argument("--cells", nargs="+", required=True, help="the cells' Parquet logs")
    p.add_argument("--symmetry-dir", required=True, help="results/spurious/symmetry (spurious_symmetry.py)")
    p.add_argument("--anchor-families", required=True, help="the published families")
    p.add_argument("--anchor-symmetry", required=True, help="the published decay of Delta S_{k-1}")
    p.add_argument("--out-dir", required=True)
    a = p.parse_args(argv)
    cells = pd.concat([pd.read_parquet(f, columns=CELL_COLUMNS) for f in a.cells], ignore_index=True)
    numbers = build(table=pd.read_csv(a.table), check=pd.read_csv(a.check), cells=cells)
    d = Path(a.symmetry_dir)
    names = ["points", "families", "trace", "fit", "cells", "hessian_identity"]
    sym = {n: pd.read_csv(d / f"{n}.csv") for n in names}
    build_symmetry(numbers, Symmetry(
        points=sym["points"], families=sym["families"], trace=sym["trace"], fit=sym["fit"].iloc[0],
        cells=sym["cells"], hessian=sym["hessian_identity"], anchor=pd.read_csv(a.anchor_symmetry, comment="#"),
        theirs=pd.read_csv(a.anchor_families, comment="#")))
    write(numbers, "spurious", a.out_dir, [a.table, a.check, *(str(d / f"{n}.csv") for n in names)])


if __name__ == "__main__":
    main()
