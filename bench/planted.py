#!/usr/bin/env python
"""Speed of the planted-teacher trainer, in one process and one thread.

Times an epoch (by default config.yaml's: 10,000 fresh samples, batch 10) of
  (i)  the trainer of overparam.planted.trainer (chunked SGD with hand-written gradients) at one
       width: the seeds in one call, here on one thread (--seeds, default: as many as
       config.yaml's), reported per run and epoch; and alone (one seed), and
  (ii) a textbook PyTorch loop: a Dataset that draws one sample per __getitem__, a DataLoader
       with batch 10, an nn.Module, autograd and torch.optim.SGD;
measures this machine's single-thread matmul rate (float32, 1024^3) and from it the FLOP
bound of the epoch: every multiply-add the SGD epoch needs (teacher labels, forward,
gradients) at that rate. It also times the two costs every run pays besides the SGD
arithmetic: drawing the epoch's fresh samples (the Gaussian inputs alone, then with the
teacher's labels) and the exact population objective logged each epoch. The floor, the
Gaussian inputs plus the objective plus the FLOP bound, caps the speed-up any trainer of
this design can reach over the baseline on this machine. Every time is the fastest of a few
calls (--repeats for the trainers, `best_seconds` for the parts), so that on a shared machine the
trainer and its floor are taken with the same statistic; the mean of the trainer's calls is
printed too.

It times momentum and Adam (one step at a time, `rule_epoch`) at the same width, beside plain SGD.
It then times a whole width sweep as one workflow job trains it (--widths, default
config.yaml's width test: every width on each seed's one draw per epoch), per seed and epoch,
beside the sweep's floor: the Gaussian inputs once, the exact objective at every width, and the
FLOP bound of the teacher's labels once plus every width's SGD arithmetic. The last line
printed is JSON.

    python bench/planted.py --width 120
"""
import argparse
import json
import time

from timing import best_seconds
import numpy as np
import torch
import yaml
from torch import nn
from torch.utils.data import DataLoader, Dataset

from overparam.planted.model import Stream, init_student, population_objective
from overparam.relu.two_layer import make_teacher
from overparam.threads import set_threads
from overparam.planted.trainer import RULES, chunk_steps, train, train_points


class PlantedSamples(Dataset):
    """Textbook style: one fresh sample per index."""

    def __init__(self, teacher, n_samples):
        self.U0, self.V0, self.n = teacher.U0.float(), teacher.V0.float(), n_samples

    def __len__(self):
        return self.n

    def __getitem__(self, i):
        x = torch.randn(self.V0.shape[0])
        return x, self.U0 @ torch.relu(self.V0.T @ x)


class Student(nn.Module):
    def __init__(self, U, V):
        super().__init__()
        self.hidden = nn.Linear(V.shape[0], V.shape[1], bias=False)
        self.out = nn.Linear(V.shape[1], U.shape[0], bias=False)
        with torch.no_grad():
            self.hidden.weight.copy_(V.T)
            self.out.weight.copy_(U)

    def forward(self, x):
        return self.out(torch.relu(self.hidden(x)))


def baseline_epoch(teacher, width, lr, batch_size, samples):
    U, V = init_student(teacher, width, 0.1, seed=0)
    model = Student(U, V)
    opt = torch.optim.SGD(model.parameters(), lr=lr)
    loader = DataLoader(PlantedSamples(teacher, samples), batch_size=batch_size)
    t0 = time.perf_counter()
    for x, y in loader:
        loss = 0.5 * (model(x) - y).square().sum(1).mean()
        opt.zero_grad()
        loss.backward()
        opt.step()
    return time.perf_counter() - t0



def matmul_gflops(size=1024, repeats=10):
    A, B = torch.randn(size, size), torch.randn(size, size)
    C = torch.empty(size, size)
    return 2 * size**3 / best_seconds(lambda: torch.mm(A, B, out=C), repeats) / 1e9


def unavoidable_costs(teacher, width, batch_size, samples):
    """Seconds per run-epoch of what no trainer can skip: the fresh Gaussian inputs, the same
    with the teacher's labels (one `Stream.draw`), and the exact objective of the log."""
    stream = Stream(teacher, seed=0)
    U, V = init_student(teacher, width, 0.1, seed=0)
    steps = samples // batch_size
    return dict(normals_s_per_epoch=best_seconds(lambda: torch.randn(steps, batch_size, teacher.D)),
                data_s_per_epoch=best_seconds(lambda: stream.draw(steps, batch_size)),
                objective_s_per_epoch=best_seconds(lambda: population_objective(teacher, U, V)))


def chunk_products_seconds(teacher, width, batch_size, samples, seeds):
    """Seconds per run-epoch of the trainer's three large products per chunk (X V, the Gram
    matrix X X^T and X^T G), alone, on the shapes and stacking the trainer uses; the rest of
    the SGD time is the sequential per-step work."""
    steps = samples // batch_size
    K = chunk_steps(steps, batch_size)
    rng = np.random.default_rng(0)
    X = rng.standard_normal((steps // K, seeds, K * batch_size, teacher.D), dtype=np.float32)
    V = rng.standard_normal((seeds, teacher.D, width), dtype=np.float32)
    G = rng.standard_normal((seeds, K * batch_size, width), dtype=np.float32)
    P, Sg, dV = np.empty_like(G), np.empty((seeds, K * batch_size, K * batch_size), np.float32), np.empty_like(V)

    def epoch():
        for Xc in X:
            np.matmul(Xc, V, out=P)
            np.matmul(Xc, Xc.transpose(0, 2, 1), out=Sg)
            np.matmul(Xc.transpose(0, 2, 1), G, out=dV)
    return best_seconds(epoch, repeats=3) / seeds


def epoch_flops(D, n, r0, r, samples, labels=True):
    """Multiply-adds x 2 of one SGD epoch: teacher labels (2 D r0 + 2 r0 n per sample; left out
    with labels=False), forward (2 D r + 2 r n), gradients (2 n r for dU, 2 n r for E U, 2 D r
    for dV)."""
    return samples * (labels * (2 * D * r0 + 2 * r0 * n) + 4 * D * r + 6 * r * n)


def sweep(teacher, widths, lr, batch_size, samples, epochs, seeds, gflops, normals, repeats):
    """A width sweep as one job trains it, on one thread: seconds per seed-epoch (all widths)
    and its floor: the inputs once, every width's exact objective, the FLOP bound of the labels
    once and of every width's SGD."""
    kw = dict(points=[(r, lr) for r in widths], batch_size=batch_size, init_scale=0.1,
              samples_per_epoch=samples)
    trainer = best_seconds(lambda: train_points(teacher, epochs=epochs, seeds=range(seeds), **kw),
                           repeats) / (epochs * seeds)
    D, n, r0 = teacher.D, teacher.n, teacher.r0
    flops = epoch_flops(D, n, r0, 0, samples) + sum(epoch_flops(D, n, r0, r, samples, labels=False) for r in widths)
    objective = 0.0
    for r in widths:
        U, V = init_student(teacher, r, 0.1, seed=0)
        objective += best_seconds(lambda: population_objective(teacher, U, V))
    floor = normals + objective + flops / (gflops * 1e9)
    return dict(sweep_widths=list(widths), sweep_trainer_s_per_seed_epoch=trainer,
                sweep_objective_s_per_seed_epoch=objective, sweep_flop_bound_s_per_seed_epoch=flops / (gflops * 1e9),
                sweep_floor_s_per_seed_epoch=floor, sweep_trainer_over_floor=trainer / floor)


def main(argv=None):
    # the defaults are config.yaml's: its teacher, epoch length and seeds, the lr test's width and batch
    pre = argparse.ArgumentParser(add_help=False)
    pre.add_argument("--config", default="config.yaml", help="where the defaults come from")
    c = yaml.safe_load(open(pre.parse_known_args(argv)[0].config))["planted"]
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter,
                                parents=[pre])
    p.add_argument("--width", type=int, default=c["lr_test"]["width"])
    p.add_argument("--epochs", type=int, default=3,
                   help="epochs timed in each call (more than one: a call's one-time set-up, which a 200-epoch run pays once, "
                        "is spread over them)")
    p.add_argument("--repeats", type=int, default=3, help="calls timed per method; the fastest counts")
    p.add_argument("--seeds", type=int, default=len(c["seeds"]), help="runs trained in one call, as one workflow job does")
    p.add_argument("--batch-size", type=int, default=c["lr_test"]["batch_size"])
    p.add_argument("--lr", type=float, default=0.01)
    p.add_argument("--D", type=int, default=c["teacher"]["D"])
    p.add_argument("--n", type=int, default=c["teacher"]["n"])
    p.add_argument("--r0", type=int, default=c["teacher"]["r0"])
    p.add_argument("--samples-per-epoch", type=int, default=c["samples_per_epoch"])
    p.add_argument("--widths", type=int, nargs="+",
                   default=[k * c["teacher"]["r0"] for k in c["width_test"]["multipliers"]],
                   help="the width sweep timed as one job trains it")
    a = p.parse_args(argv)
    set_threads(1)
    teacher = make_teacher(a.D, a.n, a.r0, seed=0)
    kw = dict(width=a.width, lr=a.lr, batch_size=a.batch_size, init_scale=0.1,
              samples_per_epoch=a.samples_per_epoch)

    def per_run_epoch(seeds, optimizer="sgd"):
        """Seconds per run and epoch: the fastest of `repeats` calls (after a warm-up call that
        also compiles), the statistic `best_seconds` takes of the floor's parts, so that on a
        shared machine both sides of the ratio are measured alike; and the mean of those calls."""
        train(teacher, epochs=1, seeds=range(seeds), optimizer=optimizer, **kw)  # warm-up
        calls, sgd = [], []
        for _ in range(a.repeats):
            t0 = time.perf_counter()
            runs = train(teacher, epochs=a.epochs, seeds=range(seeds), optimizer=optimizer, **kw)
            calls.append((time.perf_counter() - t0) / (a.epochs * seeds))
            # wall time includes the exact objective of every epoch; `seconds` leaves it out
            sgd.append(sum(r["seconds"] for r in runs[0][0][1:]) / a.epochs)
        return min(calls), min(sgd), sum(calls) / len(calls)

    trainer, sgd_only, trainer_mean = per_run_epoch(a.seeds)
    trainer_1 = per_run_epoch(1)[0]
    rules = {}  # momentum and Adam, one step at a time: their cost beside plain SGD's
    for name in RULES:
        rules[f"{name}_s_per_epoch"] = per_run_epoch(a.seeds, optimizer=name)[0]
        rules[f"{name}_over_sgd"] = rules[f"{name}_s_per_epoch"] / trainer

    baseline_epoch(teacher, a.width, a.lr, a.batch_size, 200)  # warm-up
    baseline = sum(baseline_epoch(teacher, a.width, a.lr, a.batch_size, a.samples_per_epoch)
                   for _ in range(a.epochs)) / a.epochs

    gflops = matmul_gflops()
    flops = epoch_flops(a.D, a.n, a.r0, a.width, a.samples_per_epoch)
    bound = flops / (gflops * 1e9)
    parts = unavoidable_costs(teacher, a.width, a.batch_size, a.samples_per_epoch)
    # one run per call, as the trainer calls them on the CPU
    parts["chunk_products_s_per_epoch"] = chunk_products_seconds(teacher, a.width, a.batch_size,
                                                                 a.samples_per_epoch, 1)
    floor = parts["normals_s_per_epoch"] + parts["objective_s_per_epoch"] + bound
    out = dict(width=a.width, batch_size=a.batch_size, epochs=a.epochs, seeds=a.seeds,
               trainer_s_per_epoch=trainer, trainer_mean_s_per_epoch=trainer_mean, trainer_sgd_s_per_epoch=sgd_only,
               trainer_one_seed_s_per_epoch=trainer_1, speedup_one_seed=baseline / trainer_1,
               baseline_s_per_epoch=baseline, flop_bound_s_per_epoch=bound,
               speedup_vs_baseline=baseline / trainer, trainer_over_bound=trainer / bound,
               sgd_over_bound=sgd_only / bound, matmul_gflops=gflops, epoch_gflop=flops / 1e9,
               **parts, floor_s_per_epoch=floor, speedup_ceiling=baseline / floor,
               trainer_over_floor=trainer / floor, trainer_mean_over_floor=trainer_mean / floor, **rules, torch=torch.__version__)
    print(f"r={a.width}: trainer {trainer * 1e3:.1f} ms per run-epoch with {a.seeds} seeds in one call "
          f"({sgd_only * 1e3:.1f} ms without the exact objective; {trainer_1 * 1e3:.1f} ms alone), baseline {baseline * 1e3:.0f} ms/epoch, FLOP bound {bound * 1e3:.1f} ms/epoch "
          f"at {gflops:.1f} GFLOP/s")
    print(f"parts of a run-epoch: Gaussian inputs {parts['normals_s_per_epoch'] * 1e3:.1f} ms "
          f"(with the teacher's labels {parts['data_s_per_epoch'] * 1e3:.1f} ms), exact objective "
          f"{parts['objective_s_per_epoch'] * 1e3:.1f} ms; the trainer's chunk products alone "
          f"{parts['chunk_products_s_per_epoch'] * 1e3:.1f} ms; floor (inputs + objective + FLOP bound) "
          f"{floor * 1e3:.1f} ms, so no trainer beats the baseline by more than {baseline / floor:.1f}x here")
    print(f"speed-up over the baseline {baseline / trainer:.1f}x; trainer / bound {trainer / bound:.2f}; "
          f"trainer / floor {trainer / floor:.2f} (the mean of the {a.repeats} calls: {trainer_mean / floor:.2f})")
    print("momentum and Adam, one step at a time: " + ", ".join(
        f"{name} {rules[f'{name}_s_per_epoch'] * 1e3:.1f} ms per run-epoch ({rules[f'{name}_over_sgd']:.2f} x plain SGD)"
        for name in RULES))
    sw = sweep(teacher, a.widths, a.lr, a.batch_size, a.samples_per_epoch, a.epochs, a.seeds, gflops,
               parts["normals_s_per_epoch"], a.repeats)
    out.update(sw)
    print(f"width sweep r = {', '.join(map(str, a.widths))} as one job: {sw['sweep_trainer_s_per_seed_epoch'] * 1e3:.0f} ms "
          f"per seed-epoch; floor (inputs once + objectives {sw['sweep_objective_s_per_seed_epoch'] * 1e3:.1f} ms + "
          f"FLOP bound {sw['sweep_flop_bound_s_per_seed_epoch'] * 1e3:.1f} ms) {sw['sweep_floor_s_per_seed_epoch'] * 1e3:.1f} ms; "
          f"trainer / floor {sw['sweep_trainer_over_floor']:.2f}")
    print(json.dumps(out))


if __name__ == "__main__":
    main()
