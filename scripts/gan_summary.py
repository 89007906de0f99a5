#!/usr/bin/env python
"""Tables of the GAN study: every run's log in one file, every quality row (the real-digit
reference included) in another, and a summary with each run's (regime and seed) final metrics,
top-class share and seconds per epoch beside the reference.

    python scripts/gan_summary.py --logs */log.parquet --quality */quality.parquet \
        --reference reference.parquet --runs-out runs.parquet --quality-out quality.parquet \
        --summary-out summary.csv
"""
import argparse
import sys

import pandas as pd

from overparam.logs import read_runs, write_atomic

SHOWN = ["inception_score", "confident_fraction", "class_entropy", "classes_covered", "frechet_distance"]


def summarize(runs: pd.DataFrame, quality: pd.DataFrame, reference: pd.DataFrame) -> pd.DataFrame:
    keys = ["regime", "seed"]
    final = quality[quality["updates"] == quality.groupby(keys)["updates"].transform("max")]
    out = final[keys + ["epoch", "updates", *SHOWN]].assign(
        top_share=final[[f"class_{k}" for k in range(10)]].max(axis=1))
    speed = runs.groupby(keys, sort=False).agg(seconds=("seconds", "sum"), epochs=("epochs", "first"),
                                               device=("prov_device", "first"))
    speed["epoch_seconds"] = speed.pop("seconds") / speed.pop("epochs")
    out = out.merge(speed.reset_index(), on=keys)
    ref = reference.assign(epoch=float("nan"))[["regime", "epoch", *SHOWN]]
    out = pd.concat([out, ref], ignore_index=True).assign(source=reference["source"].iloc[0])
    return out.astype({"seed": "Int64", "updates": "Int64"})


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--logs", nargs="+", required=True)
    p.add_argument("--quality", nargs="+", required=True)
    p.add_argument("--reference", required=True)
    p.add_argument("--min-accuracy", type=float, required=True,
                   help="the classifier's least held-out accuracy (gan.classifier.min_accuracy)")
    p.add_argument("--runs-out", required=True)
    p.add_argument("--quality-out", required=True)
    p.add_argument("--summary-out", required=True)
    a = p.parse_args(argv)
    runs, quality = read_runs(a.logs), read_runs(a.quality)
    reference = pd.read_parquet(a.reference)
    accuracy = float(reference["holdout_accuracy"].iloc[0])
    if accuracy < a.min_accuracy:  # checked here, not where it is trained: a new bound retrains nothing
        sys.exit(f"error: the classifier reaches {accuracy:.4f} on the held-out digits, below "
                 f"gan.classifier.min_accuracy={a.min_accuracy}; raise gan.classifier.steps")
    reference = reference.assign(min_accuracy=a.min_accuracy)  # the bound it was checked against
    write_atomic(runs, a.runs_out)
    write_atomic(pd.concat([quality, reference], ignore_index=True), a.quality_out)
    summary = summarize(runs, quality, reference)
    write_atomic(summary, a.summary_out)
    print(summary.to_string(index=False))


if __name__ == "__main__":
    main()
