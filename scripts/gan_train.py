#!/usr/bin/env python
"""Problem L5.2: train the reference MLP GAN on the prepared MNIST digits in one regime.
Checkpoints every epoch to --checkpoint; started again after a kill, it resumes there and ends
with the same result as an uninterrupted run (on the CPU). The checkpoint is removed once the
outputs are written.

    python scripts/gan_train.py --data mnist.npz --regime original --lr-g 2e-4 --lr-d 2e-4 \
        --batch-size 100 --epochs 20 --epoch-samples 60000 --seed 0 --sample-epochs 1 5 10 20 \
        --sample-updates 60 600 2700 --log-updates 60 --device auto --threads 1 --checkpoint ckpt.pt \
        --log-out log.parquet --samples-out samples.npz --generator-out generator.pt
"""
import argparse
from pathlib import Path

import numpy as np
import torch

from overparam.devices import pick_device
from overparam.gan import model as gan
from overparam.gan import mnist as mnist
from overparam.logs import provenance, replacing, run_frame, write_atomic
from overparam.threads import set_threads


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--data", required=True, help="file written by gan_data.py")
    p.add_argument("--regime", required=True, help="name only, for the log")
    p.add_argument("--lr-g", type=float, required=True)
    p.add_argument("--lr-d", type=float, required=True)
    p.add_argument("--batch-size", type=int, required=True)
    p.add_argument("--epochs", type=int, required=True)
    p.add_argument("--epoch-samples", type=int, required=True, help="samples per epoch")
    p.add_argument("--seed", type=int, required=True)
    p.add_argument("--sample-epochs", type=int, nargs="+", required=True)
    p.add_argument("--sample-updates", type=int, nargs="*", default=[],
                   help="also keep samples after these update counts (those within the run)")
    p.add_argument("--log-updates", type=int, required=True, help="one log row per this many updates")
    p.add_argument("--device", required=True, help="auto (CUDA when present), cpu or cuda")
    p.add_argument("--threads", type=int, required=True)
    p.add_argument("--checkpoint", required=True)
    p.add_argument("--log-out", required=True)
    p.add_argument("--samples-out", required=True)
    p.add_argument("--generator-out", required=True)
    a = p.parse_args(argv)

    set_threads(a.threads)
    device = pick_device(a.device, "gan.device")
    d = mnist.read(a.data)
    x = mnist.to_unit(d["train_images"])
    if device.type == "cuda":
        x = x.to(device)  # 200 MB at most: keep the digits on the GPU
    n_samples = len(d["holdout_labels"]) // 2  # as many as the real reference of the metrics
    Path(a.checkpoint).parent.mkdir(parents=True, exist_ok=True)
    s = gan.run(x, seed=a.seed, lr_g=a.lr_g, lr_d=a.lr_d, batch_size=a.batch_size, epochs=a.epochs,
                epoch_samples=a.epoch_samples, sample_epochs=a.sample_epochs, sample_updates=a.sample_updates,
                log_updates=a.log_updates, n_samples=n_samples, device=device, checkpoint=a.checkpoint)

    params = dict(regime=a.regime, lr_g=a.lr_g, lr_d=a.lr_d, batch_size=a.batch_size, epochs=a.epochs,
                  epoch_samples=a.epoch_samples, updates_per_epoch=a.epoch_samples // a.batch_size,
                  log_updates=a.log_updates, seed=a.seed, n_train=len(x), source=d["source"])
    prov = provenance(str(device), a.threads)
    write_atomic(run_frame(s["rows"], params, prov), a.log_out)
    updates = sorted(s["samples"])  # keyed by update count; epochs may be fractional
    with replacing(a.samples_out) as tmp, open(tmp, "wb") as f:  # a file object: savez adds no .npz
        np.savez_compressed(f, updates=np.array(updates), epochs=np.array(updates) / params["updates_per_epoch"],
                            images=np.stack([s["samples"][u] for u in updates]))
    with replacing(a.generator_out) as tmp:
        torch.save(s["G"].state_dict(), tmp)
    Path(a.checkpoint).unlink(missing_ok=True)
    print(f"{a.regime}: {a.epochs} epochs on {device}, {sum(r['seconds'] for r in s['rows']) / a.epochs:.1f} s/epoch")


if __name__ == "__main__":
    main()
