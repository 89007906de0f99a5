#!/usr/bin/env python
"""Check the GPU paths: run a short version of each GPU-capable study on every device asked
for, check that the results agree with the CPU reference within stated tolerances, and print
the timings. With `--devices cpu` (what CI runs, on a machine without a GPU) each study's
device path still runs, on the CPU, against the CPU reference.

- planted: plain SGD on the planted teacher (config.yaml's teacher, width and batch of the lr
  test, the lr test's smallest eta but one). Reference: the NumPy kernel with compiled steps
  (`sgd_epoch`); device path: the torch kernel (`sgd_epoch_torch`). Tolerance: the exact
  population objective after every epoch within a relative 1e-4; both run in float32 and the
  kernels sum in different orders, and at this eta the iterates stay close (at the largest
  etas, near the edge of stability, float32 rounding is amplified and no bound holds).
- gan: the GAN's training step (`overparam.gan.step`, the one the training jobs run) for a few
  updates from the same initialization, on the same real batches (Gaussian stand-ins: the check
  needs no data) and the same latent vectors (drawn on the CPU). Dropout masks come from each
  device's own generator, so the arithmetic is compared with dropout off (the networks in eval
  mode): the losses and mean D outputs of every update within a relative 1e-3. The time per
  update is measured with dropout on, as in training, at batch 100 and 1000.

Prints one line per study and device, and a JSON line last; exits 1 if any check fails.

    python scripts/device_check.py                 # cpu, and cuda when present
    python scripts/device_check.py --devices cpu   # the CPU half
"""
import argparse
import json
import sys
import time

import numpy as np
import torch
import yaml

from overparam.relu.two_layer import make_teacher
from overparam.planted.trainer import train
from overparam.threads import set_threads


def planted(c, device, epochs):
    """Population objectives (seeds x epochs+1) and seconds per run-epoch of both kernels."""
    t, w = c["teacher"], c["lr_test"]
    teacher = make_teacher(t["D"], t["n"], t["r0"], t["seed"])
    lr = sorted(w["lrs"])[-2]
    kw = dict(width=w["width"], lr=lr, batch_size=w["batch_size"], epochs=epochs, init_scale=w["init_scale"],
              seeds=c["seeds"], samples_per_epoch=c["samples_per_epoch"], halve_every=c["halve_every"])
    out = {}
    for name, extra in [("reference", dict(device="cpu")), ("device", dict(device=device, kernel="torch"))]:
        train(teacher, **{**kw, **extra, "epochs": 1})  # warm-up: compilation, CUDA context
        t0 = time.perf_counter()
        runs = train(teacher, **kw, **extra)
        seconds = (time.perf_counter() - t0) / (epochs * len(kw["seeds"]))
        out[name] = (np.array([[r["population_objective"] for r in rows] for rows, *_ in runs.values()]), seconds)
    (ref, t_ref), (dev, t_dev) = out["reference"], out["device"]
    err = float(np.max(np.abs(dev - ref) / np.abs(ref)))
    return dict(study="planted", device=str(device), lr=lr, width=w["width"], seeds=len(kw["seeds"]),
                epochs=epochs, reference_s_per_run_epoch=t_ref, device_s_per_run_epoch=t_dev,
                max_rel_diff=err, tolerance=1e-4, ok=err <= 1e-4)


def gan_updates(device, steps, batch_size, train_mode):
    """(steps, 5) per-update losses and D means, and seconds per update, on `device`."""
    from overparam.gan import model as gan

    s = gan.init_state(0, 2e-4, 2e-4, device)
    for net in (s["G"], s["D"]):
        net.train(train_mode)
    real = torch.randn(steps, batch_size, 784, generator=torch.Generator().manual_seed(1)).clamp_(-1, 1)
    ones = torch.ones(batch_size, 1, device=device)
    zeros = torch.zeros(batch_size, 1, device=device)
    gan.step(s, real[0].to(device), ones, zeros)  # warm-up (kernels, allocator), not compared
    out = []
    if device.type == "cuda":
        torch.cuda.synchronize()
    t0 = time.perf_counter()
    for x in real:
        out.append(gan.step(s, x.to(device), ones, zeros))
    out = torch.stack(out).cpu().double().numpy()  # synchronizes
    return out, (time.perf_counter() - t0) / steps


def gan_check(device, steps):
    ref, _ = gan_updates(torch.device("cpu"), steps, 100, train_mode=False)
    dev, _ = gan_updates(device, steps, 100, train_mode=False)
    err = float(np.max(np.abs(dev - ref) / np.maximum(np.abs(ref), 1e-6)))
    times = {b: gan_updates(device, 3, b, train_mode=True)[1] for b in (100, 1000)}
    return dict(study="gan", device=str(device), updates=steps, max_rel_diff=err, tolerance=1e-3, ok=err <= 1e-3,
                s_per_update_batch100=times[100], s_per_update_batch1000=times[1000])


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--config", default="config.yaml")
    p.add_argument("--devices", nargs="+", default=None, help="default: cpu, and cuda when present")
    p.add_argument("--epochs", type=int, default=2, help="planted: epochs per run")
    p.add_argument("--samples-per-epoch", type=int, default=None, help="planted: override the config's")
    p.add_argument("--gan-updates", type=int, default=20, help="gan: updates compared")
    a = p.parse_args(argv)
    set_threads(1)
    cfg = yaml.safe_load(open(a.config))
    c = cfg["planted"]
    if a.samples_per_epoch:
        c["samples_per_epoch"] = a.samples_per_epoch
    devices = a.devices or ["cpu"] + (["cuda"] if torch.cuda.is_available() else [])
    results = []
    for d in devices:
        if d == "cuda" and not torch.cuda.is_available():
            sys.exit("--devices cuda: this machine has no CUDA device that PyTorch can use")
        r = planted(c, torch.device(d), a.epochs)
        results.append(r)
        print(f"planted on {d}: {r['device_s_per_run_epoch'] * 1e3:.1f} ms per run-epoch (CPU reference "
              f"{r['reference_s_per_run_epoch'] * 1e3:.1f} ms), objectives within {r['max_rel_diff']:.1e} "
              f"(tolerance {r['tolerance']:.0e}): {'ok' if r['ok'] else 'FAILED'}")
        r = gan_check(torch.device(d), a.gan_updates)
        results.append(r)
        print(f"gan on {d}: {r['s_per_update_batch100'] * 1e3:.1f} ms per update at batch 100, "
              f"{r['s_per_update_batch1000'] * 1e3:.1f} ms at batch 1000; {r['updates']} updates without dropout "
              f"within {r['max_rel_diff']:.1e} of the CPU's (tolerance {r['tolerance']:.0e}): "
              f"{'ok' if r['ok'] else 'FAILED'}")
    print(json.dumps(results))
    return 0 if all(r["ok"] for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
