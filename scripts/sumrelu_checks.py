#!/usr/bin/env python
"""Problem L1.2, the checks of issue 16: per width, where the runs ended (certify.csv: classes of
the end points, the spurious minima and their split lifts, the match with Safran and Shamir's
published families) and the price of width at a step chosen per width (tuned.csv)."""
import argparse

import pandas as pd

from overparam.logs import read_runs, write_atomic
from overparam.relu.descent import FAMILY_ATOL
from overparam.sumrelu.summary import certify_per_m, tuned_per_m


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--certify", nargs="+", required=True, help="certify.parquet of every width")
    p.add_argument("--lifts", nargs="+", required=True, help="lifts.parquet of every width")
    p.add_argument("--lr-tests", nargs="+", required=True)
    p.add_argument("--tuned", nargs="+", required=True, help="training logs at the chosen steps")
    p.add_argument("--runs", required=True, help="results/sumrelu/runs.parquet (the runs at lr_times_m / m)")
    p.add_argument("--families", required=True, help="Safran and Shamir's spurious end points by family")
    p.add_argument("--threshold", type=float, required=True)
    p.add_argument("--main-log-every", type=int, required=True, help="logging interval of the runs at lr_times_m / m")
    p.add_argument("--certify-out", required=True)
    p.add_argument("--tuned-out", required=True)
    a = p.parse_args(argv)

    runs = pd.read_parquet(a.runs)
    cert = certify_per_m(read_runs(a.certify), read_runs(a.lifts), pd.read_csv(a.families, comment="#"),
                         FAMILY_ATOL)
    write_atomic(cert, a.certify_out)
    tuned = tuned_per_m(read_runs(a.lr_tests), read_runs(a.tuned), runs, a.threshold, a.main_log_every)
    write_atomic(tuned, a.tuned_out)
    pd.set_option("display.width", 250)
    print(cert.to_string(index=False))
    print(tuned.to_string(index=False))


if __name__ == "__main__":
    main()
