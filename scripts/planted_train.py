#!/usr/bin/env python
"""Train students on the planted teacher (problem V2(b)): one per seed at every width and
every eta given (all other settings the same), and write per seed a Parquet log of its runs
(one row per run and epoch) and a Parquet table of their final weights (one row per run and
hidden unit: its input weights v and output weights u). Each row names its run in `run_id`
(every parameter that varies between runs, and the seed). The seeds share the job's threads,
each with its own init and data stream, and a seed's runs share its draws: a run's log is the
same as when it trains alone.

Example (2 seeds at 2 widths):
    python scripts/planted_train.py --D 150 --n 10 --r0 60 --teacher-seed 0 \
        --samples-per-epoch 10000 --halve-every 50 --optimizer sgd --widths 60 120 --lrs 0.1 \
        --batch-size 10 --epochs 20 --init-scale 0.1 --seeds 0 1 --device auto --threads 2 \
        --out seed0.parquet seed1.parquet --weights-out seed0.weights.parquet seed1.weights.parquet
"""
import argparse

import pandas as pd

from overparam.devices import pick_device
from overparam.logs import provenance, run_frame, write_atomic
from overparam.relu.two_layer import make_teacher
from overparam.planted.model import run_name
from overparam.threads import set_threads
from overparam.planted.trainer import RULES, train_points


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--D", type=int, required=True, help="input dimension")
    p.add_argument("--n", type=int, required=True, help="output dimension")
    p.add_argument("--r0", type=int, required=True, help="teacher width")
    p.add_argument("--teacher-seed", type=int, required=True)
    p.add_argument("--widths", type=int, nargs="+", required=True, help="student widths r")
    p.add_argument("--lrs", type=float, nargs="+", required=True,
                   help="initial learning rates eta; every width trains at every eta")
    p.add_argument("--batch-size", type=int, required=True)
    p.add_argument("--epochs", type=int, required=True)
    p.add_argument("--init-scale", type=float, required=True,
                   help="student weight variance as a multiple of the teacher's")
    p.add_argument("--optimizer", choices=["sgd", *sorted(RULES)], required=True)
    p.add_argument("--seeds", type=int, nargs="+", required=True,
                   help="seeds of the student inits and data streams, one run each per width and eta")
    p.add_argument("--samples-per-epoch", type=int, required=True)
    p.add_argument("--halve-every", type=int, required=True, help="epochs between halvings of eta")
    p.add_argument("--device", required=True, help="auto (CUDA when present), cpu or cuda")
    p.add_argument("--threads", type=int, required=True, help="threads; they take turns at the seeds' epochs")
    p.add_argument("--out", nargs="+", required=True,
                   help="Parquet log of each seed's runs, in the order of --seeds")
    p.add_argument("--weights-out", nargs="+", required=True,
                   help="Parquet table of the final weights of each seed's runs, in the order of --seeds")
    a = p.parse_args(argv)
    if not len(a.out) == len(a.weights_out) == len(a.seeds):
        p.error(f"{len(a.seeds)} seeds but {len(a.out)} --out and {len(a.weights_out)} --weights-out paths")

    set_threads(1)  # BLAS on one thread: the job's threads each train a share of the seeds
    device = pick_device(a.device, "planted.device")
    teacher = make_teacher(a.D, a.n, a.r0, a.teacher_seed)
    runs = train_points(teacher, points=[(r, lr) for lr in a.lrs for r in a.widths], batch_size=a.batch_size,
                        epochs=a.epochs, init_scale=a.init_scale, optimizer=a.optimizer, seeds=a.seeds,
                        samples_per_epoch=a.samples_per_epoch, halve_every=a.halve_every, device=device,
                        threads=a.threads)
    prov = provenance(str(device), a.threads)
    for out, wout, seed in zip(a.out, a.weights_out, a.seeds):
        logs, weights = [], []
        for (r, lr, run_seed), (rows, status, (U, V)) in runs.items():
            if run_seed != seed:
                continue
            params = dict(run_id=run_name(a.optimizer, a.init_scale, a.batch_size, lr, a.epochs, r, seed),
                          status=status, D=a.D, n=a.n, r0=a.r0, teacher_seed=a.teacher_seed, r=r, r_over_r0=r / a.r0,
                          lr0=lr, batch_size=a.batch_size, epochs=a.epochs, init_scale=a.init_scale,
                          optimizer=a.optimizer, seed=seed, samples_per_epoch=a.samples_per_epoch,
                          halve_every=a.halve_every)
            logs.append(run_frame(rows, params, prov))
            units = [dict(unit=k, u=U[:, k], v=V[:, k]) for k in range(r)]  # U (n, r), V (D, r)
            weights.append(run_frame(units, {**params, "epoch": rows[-1]["epoch"]}, prov))
            last = rows[-1]
            print(f"{status}: r={r} lr={lr:g} seed={seed} epoch {last['epoch']}: "
                  f"batch objective {last['batch_objective']:.3e}, population {last['population_objective']:.3e}, "
                  f"moved |dU|/|U0| {last['U_dist']:.3g}, |dV|/|V0| {last['V_dist']:.3g}, "
                  f"{sum(row['seconds'] for row in rows):.1f} s")
        write_atomic(pd.concat(logs, ignore_index=True), out)
        write_atomic(pd.concat(weights, ignore_index=True), wout)


if __name__ == "__main__":
    main()
