#!/usr/bin/env python
"""Train students on the planted teacher (problem V2(b)), one per seed, all with the same
settings, and write per seed a Parquet log (one row per epoch) and a Parquet table of the
final weights (one row per hidden unit: its input weights v and output weights u). The seeds
share the job's threads, each with its own init and data stream: a seed's log is the same
as when it runs alone.

Example:
    python scripts/planted_train.py --D 150 --n 10 --r0 60 --teacher-seed 0 \
        --samples-per-epoch 10000 --halve-every 50 --optimizer sgd --width 120 --lr 0.1 \
        --batch-size 10 --epochs 20 --init-scale 0.1 --seeds 0 1 --device auto --threads 1 \
        --out run0.parquet run1.parquet --weights-out run0.weights.parquet run1.weights.parquet
"""
import argparse

from overparam.devices import pick_device
from overparam.logs import provenance, run_frame, write_atomic
from overparam.planted import make_teacher
from overparam.threads import set_threads
from overparam.planted_trainer import RULES, train


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--D", type=int, required=True, help="input dimension")
    p.add_argument("--n", type=int, required=True, help="output dimension")
    p.add_argument("--r0", type=int, required=True, help="teacher width")
    p.add_argument("--teacher-seed", type=int, required=True)
    p.add_argument("--width", type=int, required=True, help="student width r")
    p.add_argument("--lr", type=float, required=True, help="initial learning rate eta")
    p.add_argument("--batch-size", type=int, required=True)
    p.add_argument("--epochs", type=int, required=True)
    p.add_argument("--init-scale", type=float, required=True,
                   help="student weight variance as a multiple of the teacher's")
    p.add_argument("--optimizer", choices=["sgd", *sorted(RULES)], required=True)
    p.add_argument("--seeds", type=int, nargs="+", required=True,
                   help="seeds of the student init and data streams, one run each")
    p.add_argument("--samples-per-epoch", type=int, required=True)
    p.add_argument("--halve-every", type=int, required=True, help="epochs between halvings of eta")
    p.add_argument("--device", required=True, help="auto (CUDA when present), cpu or cuda")
    p.add_argument("--threads", type=int, required=True, help="threads; they take turns at the seeds' epochs")
    p.add_argument("--out", nargs="+", required=True,
                   help="Parquet log of each seed, in the order of --seeds (its path is the run_id)")
    p.add_argument("--weights-out", nargs="+", required=True,
                   help="Parquet table of each seed's final weights, in the order of --seeds")
    a = p.parse_args(argv)
    if not len(a.out) == len(a.weights_out) == len(a.seeds):
        p.error(f"{len(a.seeds)} seeds but {len(a.out)} --out and {len(a.weights_out)} --weights-out paths")

    set_threads(1)  # BLAS on one thread: the job's threads each train a share of the seeds
    device = pick_device(a.device, "planted.device")
    teacher = make_teacher(a.D, a.n, a.r0, a.teacher_seed)
    runs = train(teacher, width=a.width, lr=a.lr, batch_size=a.batch_size, epochs=a.epochs,
                 init_scale=a.init_scale, optimizer=a.optimizer, seeds=a.seeds,
                 samples_per_epoch=a.samples_per_epoch, halve_every=a.halve_every, device=device,
                 threads=a.threads)
    prov = provenance(str(device), a.threads)
    for out, wout, (seed, (rows, status, (U, V))) in zip(a.out, a.weights_out, runs.items()):
        params = dict(run_id=out, status=status, D=a.D, n=a.n, r0=a.r0, teacher_seed=a.teacher_seed,
                      r=a.width, r_over_r0=a.width / a.r0, lr0=a.lr, batch_size=a.batch_size,
                      epochs=a.epochs, init_scale=a.init_scale, optimizer=a.optimizer, seed=seed,
                      samples_per_epoch=a.samples_per_epoch, halve_every=a.halve_every)
        write_atomic(run_frame(rows, params, prov), out)
        units = [dict(unit=k, u=U[:, k], v=V[:, k]) for k in range(a.width)]  # U (n, r), V (D, r)
        write_atomic(run_frame(units, {**params, "epoch": rows[-1]["epoch"]}, prov), wout)
        last = rows[-1]
        print(f"{status}: r={a.width} lr={a.lr:g} seed={seed} epoch {last['epoch']}: "
              f"batch objective {last['batch_objective']:.3e}, population {last['population_objective']:.3e}, "
              f"moved |dU|/|U0| {last['U_dist']:.3g}, |dV|/|V0| {last['V_dist']:.3g}, "
              f"{sum(r['seconds'] for r in rows):.1f} s")

if __name__ == "__main__":
    main()
