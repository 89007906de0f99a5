#!/usr/bin/env python
"""Seconds per epoch of the GAN study's training step, per regime of config.yaml, beside the
textbook loop (sigmoid + BCELoss, real and fake through D in two passes, a fresh z and a second
generator pass for the G step, unfused Adam). Both are timed in this one process, alternating,
so that their ratio holds on a shared machine.

    python bench/gan.py --threads 1 --steps 20
"""
import argparse
import time

import torch
import torch.nn as nn
import yaml

from overparam import gan
from overparam.threads import set_threads


def textbook(B, lr_g, lr_d, device):
    torch.manual_seed(0)
    G = gan.make_generator().to(device)
    D = nn.Sequential(*gan.make_discriminator(), nn.Sigmoid()).to(device)
    og, od = torch.optim.Adam(G.parameters(), lr_g), torch.optim.Adam(D.parameters(), lr_d)
    bce, ones, zeros = nn.BCELoss(), torch.ones(B, 1, device=device), torch.zeros(B, 1, device=device)
    x = torch.rand(B, 784, device=device) * 2 - 1

    def step():
        od.zero_grad()
        loss = bce(D(x), ones) + bce(D(G(torch.randn(B, 100, device=device)).detach()), zeros)
        loss.backward()
        od.step()
        og.zero_grad()
        bce(D(G(torch.randn(B, 100, device=device))), ones).backward()
        og.step()
    return step


def ours(B, lr_g, lr_d, device):
    s = gan.init_state(0, lr_g, lr_d, device)
    x = torch.rand(B * 4, 784, device=device) * 2 - 1
    return lambda: gan.train_epoch(s, x, B, B, 0)  # an "epoch" of one batch


def timed(step, n, device):
    step()
    step()  # warm-up
    if device.type == "cuda":
        torch.cuda.synchronize()
    t = time.perf_counter()
    for _ in range(n):
        step()
    if device.type == "cuda":
        torch.cuda.synchronize()
    return (time.perf_counter() - t) / n


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--config", default="config.yaml")
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--steps", type=int, default=20, help="timed steps per measurement")
    p.add_argument("--rounds", type=int, default=2, help="alternating measurements of each loop")
    p.add_argument("--device", default="auto")
    a = p.parse_args(argv)
    set_threads(a.threads)
    device = gan.pick_device(a.device)
    cfg = yaml.safe_load(open(a.config))["gan"]
    print(f"device {device}, {a.threads} thread(s), epoch = {cfg['epoch_samples']} samples")
    print(f"{'regime':22s} {'batch':>5s} {'ours s/epoch':>12s} {'textbook':>9s} {'speed-up':>8s} {'epochs':>6s} {'regime min':>10s}")
    total = 0.0
    for name, c in cfg["regimes"].items():
        B = c["batch_size"]
        steps = {"ours": ours(B, c["lr_g"], c["lr_d"], device), "textbook": textbook(B, c["lr_g"], c["lr_d"], device)}
        best = {k: min(timed(f, max(2, a.steps * 100 // B), device) for _ in range(a.rounds)) for k, f in steps.items()}
        per_epoch = {k: v * cfg["epoch_samples"] / B for k, v in best.items()}
        minutes = per_epoch["ours"] * c["epochs"] / 60
        total += minutes
        print(f"{name:22s} {B:5d} {per_epoch['ours']:12.1f} {per_epoch['textbook']:9.1f} "
              f"{per_epoch['textbook'] / per_epoch['ours']:7.2f}x {c['epochs']:6d} {minutes:10.1f}")
    print(f"all regimes one after another: {total:.0f} min of training on {a.threads} thread(s)")


if __name__ == "__main__":
    main()
