#!/usr/bin/env python
"""Train the small MNIST classifier that scores GAN samples, check its accuracy on the
held-out real digits, and write the real-digit reference of every quality metric: the second
half of the held-out digits scored against the first half (the same sizes as a GAN's).

    python scripts/gan_classifier.py --data mnist.npz --steps 2000 --batch-size 64 --lr 1e-3 \
        --seed 0 --min-accuracy 0.97 --threads 1 --model-out clf.pt \
        --log-out classifier.parquet --reference-out reference.parquet
"""
import argparse

import numpy as np
import torch

from overparam.gan import classifier as classifier
from overparam.gan import mnist as mnist
from overparam.logs import provenance, replacing, run_frame, write_atomic
from overparam.threads import set_threads


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--data", required=True, help="file written by gan_data.py")
    p.add_argument("--steps", type=int, required=True)
    p.add_argument("--batch-size", type=int, required=True)
    p.add_argument("--lr", type=float, required=True)
    p.add_argument("--seed", type=int, required=True)
    p.add_argument("--threads", type=int, required=True)
    p.add_argument("--model-out", required=True)
    p.add_argument("--log-out", required=True)
    p.add_argument("--reference-out", required=True)
    a = p.parse_args(argv)

    set_threads(a.threads)
    d = mnist.read(a.data)
    x, y = mnist.to_unit(d["train_images"]), torch.from_numpy(d["train_labels"].astype(np.int64))
    net, rows = classifier.train(x, y, a.steps, a.batch_size, a.lr, a.seed)
    hx, hy = mnist.to_unit(d["holdout_images"]), d["holdout_labels"]
    probs, _ = classifier.predict(net, hx)
    accuracy = float((probs.argmax(1) == hy).mean())
    params = dict(steps=a.steps, batch_size=a.batch_size, lr=a.lr, seed=a.seed, n_train=len(y),
                  n_holdout=len(hy), holdout_accuracy=accuracy, source=d["source"])
    prov = provenance("cpu", a.threads)
    print(f"held-out accuracy {accuracy:.4f} on {len(hy)} real digits ({d['source']})")
    half = len(hy) // 2
    _, ref_features = classifier.predict(net, hx[:half])
    reference = classifier.quality(net, hx[half:], ref_features)
    with replacing(a.model_out) as tmp:
        # tensors and plain values only: gan_quality.py loads it with weights_only=True (no pickle)
        torch.save(dict(state=net.state_dict(), ref_features=torch.from_numpy(ref_features), params=params), tmp)
    write_atomic(run_frame(rows, params, prov), a.log_out)
    write_atomic(run_frame([dict(regime="real digits", **reference)], params, prov), a.reference_out)
    print("real reference:", {k: round(v, 3) for k, v in reference.items() if not k.startswith("class_")})


if __name__ == "__main__":
    main()
