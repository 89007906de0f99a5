#!/usr/bin/env python
"""The report's own generated files: numbers.tex (the config that built it, the claim counts,
and an \\input of every study's numbers.tex), the appendix table of every claim, and the same
claims as an HTML table for the Snakemake report."""
import argparse
import os
from pathlib import Path

import pandas as pd

from overparam.logs import write_text_atomic
from overparam.numbers.report import appendix, claims_html, numbers_tex


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--study-numbers", nargs="+", required=True, help="each study's numbers.tex")
    p.add_argument("--claims", nargs="+", required=True, help="each study's claims.csv")
    p.add_argument("--config-files", nargs="+", required=True, help="config files the workflow merged")
    p.add_argument("--generated-dir", required=True, help="report/generated: the root of the inputs")
    p.add_argument("--out", required=True, help="numbers.tex")
    p.add_argument("--appendix", required=True, help="the claims table's rows (TeX)")
    p.add_argument("--html", required=True, help="the claims as an HTML table")
    a = p.parse_args(argv)
    claims = pd.concat([pd.read_csv(f) for f in a.claims], ignore_index=True)
    rel = [Path("generated", os.path.relpath(f, a.generated_dir)).as_posix() for f in a.study_numbers]
    write_text_atomic(numbers_tex(a.config_files, claims, rel), a.out)
    write_text_atomic(appendix(claims), a.appendix)
    write_text_atomic(claims_html(claims), a.html)
    print(claims[["study", "name", "holds", "values"]].to_string(index=False))


if __name__ == "__main__":
    main()
