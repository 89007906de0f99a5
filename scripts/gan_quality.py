#!/usr/bin/env python
"""Score the logged samples of one GAN run with the trained classifier: inception score,
confident fraction, class histogram, and Frechet distance to the held-out real digits.

    python scripts/gan_quality.py --classifier clf.pt --samples samples.npz --log log.parquet \
        --out quality.parquet
"""
import argparse

import numpy as np
import pandas as pd
import torch

from overparam.gan import classifier as classifier
from overparam.gan import mnist as mnist
from overparam.logs import write_atomic
from overparam.threads import set_threads


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--classifier", required=True, help="file written by gan_classifier.py")
    p.add_argument("--samples", required=True, help="samples.npz of a run")
    p.add_argument("--log", required=True, help="log.parquet of the run (its parameters are copied)")
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--out", required=True)
    a = p.parse_args(argv)

    set_threads(a.threads)
    c = torch.load(a.classifier, weights_only=True)  # tensors and plain values: nothing is unpickled
    net = classifier.make_classifier()
    net.load_state_dict(c["state"])
    with np.load(a.samples) as f:
        updates, epochs, images = f["updates"], f["epochs"], f["images"]
    rows = [dict(updates=int(u), epoch=float(e), **classifier.quality(net, mnist.to_unit(img), c["ref_features"].numpy()))
            for u, e, img in zip(updates, epochs, images)]
    log = pd.read_parquet(a.log)
    keep = [k for k in log.columns if k not in ("epoch", "updates", "samples", "d_loss", "g_loss", "d_real",
                                                 "d_fake", "d_fake_after", "seconds")]
    out = pd.DataFrame(rows).assign(**log[keep].iloc[0].to_dict())  # the run's parameters and provenance
    out["classifier_accuracy"] = c["params"]["holdout_accuracy"]
    write_atomic(out, a.out)
    print(out[["updates", "epoch", "inception_score", "confident_fraction", "classes_covered",
               "frechet_distance"]].to_string(index=False))


if __name__ == "__main__":
    main()
