#!/usr/bin/env python
"""Problem V2(c): pick the initial learning rate with the lowest mean final mini-batch
objective over seeds from the lr-test logs, and write it (with the table behind it) as JSON."""
import argparse
import json
import os
import tempfile

from overparam.logs import read_runs
from overparam.summary import select_lr


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("logs", nargs="+", help="Parquet logs of the lr test")
    p.add_argument("--out", required=True, help="JSON file to write")
    a = p.parse_args(argv)

    best, table = select_lr(read_runs(a.logs))
    doc = {"lr": best, "rule": "lowest mean final mini-batch objective over seeds",
           "table": table.to_dict(orient="records")}
    fd, tmp = tempfile.mkstemp(dir=os.path.dirname(a.out) or ".", suffix=".tmp")
    with os.fdopen(fd, "w") as f:
        json.dump(doc, f, indent=2)
    os.replace(tmp, a.out)
    print(table.to_string(index=False))
    print(f"selected lr = {best:g}")


if __name__ == "__main__":
    main()
