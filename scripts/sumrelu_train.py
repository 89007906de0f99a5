#!/usr/bin/env python
"""Problem L1.2: mini-batch SGD on fresh samples for the sum-of-ReLUs teacher
y(x) = sum_i relu(x_i), student h(W, x) = sum_k relu(<w_k, x>), w_k ~ N(0, I/d), loss
E (y - h)^2. All seeds of one width m train together (stacked; each run has its own init and
data streams, so its numbers do not depend on the others).

Writes a Parquet log (exact and Monte-Carlo population loss, average mini-batch loss, per
logged iteration and seed) and a Parquet table of the final weights (one row per neuron).

    python scripts/sumrelu_train.py --d 20 --m 20 --seeds 20 --lr-times-m 1 --batch-size 64 \
        --iterations 40000 --log-every 1000 --mc-samples 10000 --threads 1 \
        --log-out log.parquet --weights-out weights.parquet
"""
import argparse

import pandas as pd

from overparam.logs import provenance, run_frame, write_atomic
from overparam.sumrelu.model import describe, sgd
from overparam.threads import set_threads


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--d", type=int, required=True)
    p.add_argument("--m", type=int, required=True, help="student width")
    p.add_argument("--seeds", type=int, required=True, help="runs: seeds 0 .. seeds-1")
    step = p.add_mutually_exclusive_group(required=True)
    step.add_argument("--lr-times-m", type=float, help="step size = this / m")
    step.add_argument("--lr-test", help="lr test of this width (sumrelu_lr_test.py): its chosen step")
    p.add_argument("--batch-size", type=int, required=True)
    p.add_argument("--iterations", type=int, required=True)
    p.add_argument("--log-every", type=int, required=True)
    p.add_argument("--mc-samples", type=int, required=True)
    p.add_argument("--threads", type=int, required=True)
    p.add_argument("--log-out", required=True)
    p.add_argument("--weights-out", required=True)
    a = p.parse_args(argv)

    set_threads(a.threads)
    if a.lr_test:
        test = pd.read_parquet(a.lr_test)
        a.lr_times_m = float(test.loc[test["chosen"], "lr_times_m"].iloc[0])
    lr = a.lr_times_m / a.m
    rows, W = sgd(a.d, a.m, range(a.seeds), lr=lr, batch_size=a.batch_size, iterations=a.iterations,
                  log_every=a.log_every, mc_samples=a.mc_samples)
    params = dict(d=a.d, m=a.m, lr=lr, lr_times_m=a.lr_times_m, batch_size=a.batch_size,
                  iterations_total=a.iterations, log_every=a.log_every, mc_samples=a.mc_samples)
    prov = provenance("cpu", a.threads)
    write_atomic(run_frame(rows, params, prov), a.log_out)
    neurons, _ = describe(W)  # raw weights plus per-neuron facts; runs are described in the summary
    neurons = neurons[["run", "neuron", "w", "norm", "best_teacher", "best_cos", "worst_cos"]]
    # run i of the stack is seed i (seeds 0 .. seeds-1)
    write_atomic(run_frame(neurons.rename(columns={"run": "seed"}).to_dict("records"), params, prov),
                 a.weights_out)
    final = [r["exact_loss"] for r in rows if r["iteration"] == a.iterations]
    # each row's seconds are its run's share of the stacked block, so their sum is the wall time
    print(f"m={a.m}: {a.seeds} runs, final exact loss min {min(final):.2e} max {max(final):.2e}, "
          f"{sum(r['seconds'] for r in rows):.1f} s of training (all runs together)")


if __name__ == "__main__":
    main()
