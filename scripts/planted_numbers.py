#!/usr/bin/env python
"""V2's generated TeX for the report: numbers.tex (macros and claims), its tables and
claims.csv, from the planted study's summary outputs (with the per-run solutions) and tidy log."""
import argparse
import json

import pandas as pd

from overparam.numbers import write
from overparam.planted.numbers import build


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--runs", required=True, help="results/planted/runs.parquet")
    p.add_argument("--summary", required=True, help="results/planted/summary.csv")
    p.add_argument("--solutions", required=True, help="results/planted/solutions.parquet")
    p.add_argument("--selected-lr", required=True, help="results/planted/selected_lr.json")
    p.add_argument("--teacher-check", required=True, help="results/planted/teacher_check.parquet")
    p.add_argument("--anchors", required=True, help="the published solution's numbers (CSV)")
    p.add_argument("--out-dir", required=True)
    a = p.parse_args(argv)
    numbers = build(runs=pd.read_parquet(a.runs), summary=pd.read_csv(a.summary),
                    selected_lr=json.load(open(a.selected_lr))["lr"], check=pd.read_parquet(a.teacher_check),
                    anchors=pd.read_csv(a.anchors, comment="#"), solutions=pd.read_parquet(a.solutions))
    write(numbers, "planted", a.out_dir, [a.runs, a.summary, a.solutions, a.selected_lr, a.teacher_check, a.anchors])


if __name__ == "__main__":
    main()
