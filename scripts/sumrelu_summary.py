#!/usr/bin/env python
"""Problem L1.2 and its bonus: one row per run (final losses, stuck or not, iterations to the
threshold, what its final solution looks like) and one row per width m (stuck fraction with a
95% Wilson interval, final-loss quantiles, and the stuck runs' solutions on average)."""
import argparse

from overparam.logs import read_runs, write_atomic
from overparam.sumrelu.summary import per_m, per_run


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--logs", nargs="+", required=True)
    p.add_argument("--weights", nargs="+", required=True)
    p.add_argument("--threshold", type=float, required=True, help="final exact loss above it: stuck")
    p.add_argument("--runs-out", required=True)
    p.add_argument("--summary-out", required=True)
    a = p.parse_args(argv)

    runs = per_run(read_runs(a.logs), read_runs(a.weights), a.threshold)
    write_atomic(runs, a.runs_out)
    table = per_m(runs)
    write_atomic(table, a.summary_out)
    print(table.to_string(index=False))


if __name__ == "__main__":
    main()
