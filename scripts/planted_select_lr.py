#!/usr/bin/env python
"""Problem V2(c): pick the initial learning rate with the lowest mean final mini-batch
objective over seeds from the lr-test logs, and write it (with the table behind it) as JSON."""
import argparse
import json

from overparam.logs import read_runs, write_text_atomic
from overparam.planted.summary import select_lr


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("logs", nargs="+", help="Parquet logs of the lr test")
    p.add_argument("--out", required=True, help="JSON file to write")
    a = p.parse_args(argv)

    best, table = select_lr(read_runs(a.logs))
    doc = {"lr": best, "rule": "lowest mean final mini-batch objective over seeds",
           "table": table.to_dict(orient="records")}
    write_text_atomic(json.dumps(doc, indent=2), a.out)
    print(table.to_string(index=False))
    print(f"selected lr = {best:g}")


if __name__ == "__main__":
    main()
