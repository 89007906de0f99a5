#!/usr/bin/env python
"""Train one student on the planted teacher (problem V2(b)) and write its Parquet log.

Example:
    python scripts/train_planted.py --width 120 --lr 0.1 --batch-size 10 --epochs 20 \
        --init-scale 0.1 --seed 0 --out results/planted/runs/example.parquet
"""
import argparse

from overparam.logs import provenance, run_frame, write_atomic
from overparam.planted import make_teacher
from overparam.threads import set_threads
from overparam.trainer import OPTIMIZERS, train


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--D", type=int, default=150, help="input dimension")
    p.add_argument("--n", type=int, default=10, help="output dimension")
    p.add_argument("--r0", type=int, default=60, help="teacher width")
    p.add_argument("--teacher-seed", type=int, default=0)
    p.add_argument("--width", type=int, required=True, help="student width r")
    p.add_argument("--lr", type=float, required=True, help="initial learning rate eta")
    p.add_argument("--batch-size", type=int, default=10)
    p.add_argument("--epochs", type=int, default=20)
    p.add_argument("--init-scale", type=float, default=1.0,
                   help="student weight variance as a multiple of the teacher's")
    p.add_argument("--optimizer", choices=sorted(OPTIMIZERS), default="sgd")
    p.add_argument("--seed", type=int, default=0, help="seed of the student init and data streams")
    p.add_argument("--samples-per-epoch", type=int, default=10_000)
    p.add_argument("--halve-every", type=int, default=50, help="epochs between halvings of eta")
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--run-id", default=None, help="label stored in the log (default: --out)")
    p.add_argument("--out", required=True, help="Parquet log to write")
    a = p.parse_args(argv)

    set_threads(a.threads)
    teacher = make_teacher(a.D, a.n, a.r0, a.teacher_seed)
    rows, status = train(teacher, width=a.width, lr=a.lr, batch_size=a.batch_size, epochs=a.epochs,
                         init_scale=a.init_scale, optimizer=a.optimizer, seed=a.seed,
                         samples_per_epoch=a.samples_per_epoch, halve_every=a.halve_every)
    params = dict(run_id=a.run_id or a.out, status=status, D=a.D, n=a.n, r0=a.r0,
                  teacher_seed=a.teacher_seed, r=a.width, r_over_r0=a.width / a.r0, lr0=a.lr,
                  batch_size=a.batch_size, epochs=a.epochs, init_scale=a.init_scale,
                  optimizer=a.optimizer, seed=a.seed, samples_per_epoch=a.samples_per_epoch,
                  halve_every=a.halve_every)
    write_atomic(run_frame(rows, params, provenance("cpu", a.threads)), a.out)
    last = rows[-1]
    print(f"{status}: r={a.width} lr={a.lr:g} seed={a.seed} epoch {last['epoch']}: "
          f"batch objective {last['batch_objective']:.3e}, population {last['population_objective']:.3e}, "
          f"{sum(r['seconds'] for r in rows):.1f} s")


if __name__ == "__main__":
    main()
