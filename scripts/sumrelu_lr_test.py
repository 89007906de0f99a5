#!/usr/bin/env python
"""Problem L1.2, the price of width: lr test of one width m. Trains `--test-seeds` seeds (numbered
after the measured ones) for `--iterations` steps at each eta = c / m of the grid and records each
run's exact loss; the chosen c (lowest median, ties to the smaller) is marked on its rows."""
import argparse

from overparam.logs import provenance, write_atomic
from overparam.sumrelu.tuned import choose, lr_test
from overparam.threads import set_threads


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--d", type=int, required=True)
    p.add_argument("--m", type=int, required=True)
    p.add_argument("--grid", type=float, nargs="+", required=True, help="candidate c of eta = c / m")
    p.add_argument("--first-seed", type=int, required=True)
    p.add_argument("--test-seeds", type=int, required=True)
    p.add_argument("--batch-size", type=int, required=True)
    p.add_argument("--iterations", type=int, required=True)
    p.add_argument("--threads", type=int, required=True)
    p.add_argument("--out", required=True)
    a = p.parse_args(argv)

    set_threads(a.threads)
    seeds = range(a.first_seed, a.first_seed + a.test_seeds)
    test = lr_test(a.d, a.m, a.grid, seeds, batch_size=a.batch_size, iterations=a.iterations)
    c = choose(test)
    test = test.assign(chosen=test["lr_times_m"] == c, d=a.d, m=a.m, batch_size=a.batch_size,
                       test_iterations=a.iterations, **provenance("cpu", a.threads))
    write_atomic(test, a.out)
    print(test.groupby("lr_times_m")["test_loss"].median().to_string())
    print(f"m={a.m}: chosen eta = {c:g}/m")


if __name__ == "__main__":
    main()
