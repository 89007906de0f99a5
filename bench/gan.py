#!/usr/bin/env python
"""The GAN study's training step (overparam.gan.step, the reference's step) in one thread, at
batch 100 and 1000, beside its floor and beside the reference loop written as the reference
writes it (the D step backpropagating into G, D's weight gradients computed in the G step).

The floor of a step is what no implementation can skip: its matrix products (gan.step_flops,
checked against torch's flop counter by the tests) at this machine's single-thread float32 GEMM
rate measured in this run (1024^3 products), plus the memory traffic of the two Adam updates
(gan.adam_bytes) at the measured single-thread copy rate, plus the dropout masks of the four
discriminator passes at the faster measured rate of torch's two ways to draw them (a Bernoulli
draw, or a uniform draw then a comparison, which gan.Dropout makes). The FLOP bound is the first
part alone. The reference loop runs with the reference's dropout (nn.Dropout). The last line
printed is JSON.

    python bench/gan.py --threads 1 --steps 20
"""
import argparse
import json

import torch
import yaml
from timing import best_seconds

from overparam.devices import pick_device
from overparam.gan import model as gan
from overparam.threads import set_threads



def machine_rates(device, repeats=10):
    """On `device` (one thread on the CPU): float32 GEMM FLOP/s, copy bytes/s (read + write of
    64 MB arrays) and seconds per dropout-mask draw (the faster of Bernoulli and uniform)."""
    sync = torch.cuda.synchronize if device.type == "cuda" else (lambda: None)
    A, B, C = (torch.randn(1024, 1024, device=device) for _ in range(3))
    gemm = 2 * 1024**3 / best_seconds(lambda: (torch.mm(A, B, out=C), sync()), repeats)
    x, y = torch.randn(16 * 2**20, device=device), torch.empty(16 * 2**20, device=device)
    copy = 2 * 4 * x.numel() / best_seconds(lambda: (y.copy_(x), sync()), repeats)
    m = torch.empty(1 << 20, device=device)
    draw = min(best_seconds(lambda: (m.bernoulli_(0.7), sync()), repeats),
               best_seconds(lambda: (m.uniform_(), sync()), repeats)) / m.numel()
    return gemm, copy, draw


def reference_loop(s):
    """The reference's D_train and G_train, verbatim apart from the names (BCELoss, gradients
    through G in the D step, D's weight gradients in the G step)."""
    G, D, bce = s["G"], s["D"], torch.nn.BCELoss()

    def step(x, ones, zeros):
        D.zero_grad()
        fake = G(torch.randn(len(x), gan.LATENT, generator=s["latent"]).to(x.device))
        (bce(D(x), ones) + bce(D(fake), zeros)).backward()
        s["opt_d"].step()
        G.zero_grad()
        bce(D(G(torch.randn(len(x), gan.LATENT, generator=s["latent"]).to(x.device))), ones).backward()
        s["opt_g"].step()
    return step


def timed(step, B, n, device):
    x = torch.rand(B, 784, device=device) * 2 - 1
    ones, zeros = torch.ones(B, 1, device=device), torch.zeros(B, 1, device=device)

    def run():
        for _ in range(n):
            step(x, ones, zeros)
        if device.type == "cuda":
            torch.cuda.synchronize()
    return best_seconds(run, repeats=2) / n


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--config", default="config.yaml")
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--steps", type=int, default=20, help="timed steps at batch 100 (a tenth at batch 1000)")
    p.add_argument("--batches", type=int, nargs="+", default=[100, 1000])
    p.add_argument("--device", default="auto")
    a = p.parse_args(argv)
    set_threads(a.threads)
    device = pick_device(a.device, "gan.device")
    cfg = yaml.safe_load(open(a.config))["gan"]
    gemm, copy, draw = machine_rates(device)
    print(f"device {device}, {a.threads} thread(s): GEMM {gemm / 1e9:.1f} GFLOP/s, copy {copy / 1e9:.1f} GB/s, "
          f"dropout-mask draw {draw * 1e9:.2f} ns")
    out = []
    for B in a.batches:
        n = max(2, a.steps * 100 // B)
        ours = gan.init_state(0, 2e-4, 2e-4, device)
        ours["G"].train(), ours["D"].train()
        ref = gan.init_state(0, 2e-4, 2e-4, device)
        for i, layer in enumerate(ref["D"]):  # the reference's dropout, torch's Bernoulli draw
            if isinstance(layer, gan.Dropout):
                ref["D"][i] = torch.nn.Dropout(layer.p)
        ours_s = timed(lambda x, o, z: gan.step(ours, x, o, z), B, n, device)
        ref_s = timed(reference_loop(ref), B, n, device)
        flops = gan.step_flops(B)
        bound = flops / gemm
        masks = 4 * B * (1024 + 512 + 256)  # dropout after each hidden layer, in 4 D passes of B
        floor = bound + gan.adam_bytes() / copy + masks * draw
        epoch = cfg["epoch_samples"] // B
        regimes = {k: c["epochs"] * epoch * ours_s / 60 for k, c in cfg["regimes"].items() if c["batch_size"] == B}
        out.append(dict(batch=B, s_per_step=ours_s, reference_s_per_step=ref_s, flop_per_step=flops,
                        flop_bound_s=bound, ratio_to_flop_bound=ours_s / bound, adam_s=gan.adam_bytes() / copy,
                        dropout_s=masks * draw, floor_s=floor, ratio_to_floor=ours_s / floor,
                        s_per_epoch=ours_s * epoch, regime_minutes=regimes))
        print(f"batch {B:4d}: {ours_s * 1e3:7.1f} ms/step (reference loop {ref_s * 1e3:.1f}, x{ref_s / ours_s:.2f}); "
              f"{flops / 1e9:.2f} GFLOP: bound {bound * 1e3:.1f} ms, ratio {ours_s / bound:.2f}; floor "
              f"(+ Adam {gan.adam_bytes() / copy * 1e3:.1f} ms + dropout {masks * draw * 1e3:.1f} ms) "
              f"{floor * 1e3:.1f} ms, ratio {ours_s / floor:.2f}; {ours_s * epoch:.1f} s/epoch; "
              + ", ".join(f"{k} {v:.0f} min" for k, v in regimes.items()))
    print(json.dumps(dict(device=str(device), threads=a.threads, gemm_gflops=gemm / 1e9, copy_gbps=copy / 1e9,
                          mask_draw_ns=draw * 1e9, torch=torch.__version__, batches=out)))


if __name__ == "__main__":
    main()
