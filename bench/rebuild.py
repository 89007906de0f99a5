#!/usr/bin/env python
"""What a rebuild cost, study by study, from the benchmark files its jobs wrote
(benchmarks/<study>/..., one line per job: wall seconds `s` and `cpu_time`, user + system).
Run it after a rebuild from clean: it sums every file under benchmarks/, old ones included.

Prints per study: jobs, CPU minutes, the summed job wall minutes, and the job that dominates;
then the total, the floor of the wall time on --cores cores (total CPU / cores, or the longest
job if that is longer) and, given the measured wall time of the whole rebuild (--wall, in
seconds, e.g. from `/usr/bin/time snakemake ...`), how close the rebuild came to that floor.
The last line printed is JSON.

    /usr/bin/time -f %e snakemake --cores 8 report/report.pdf   # from clean
    python bench/rebuild.py --wall 5400 --cores 2
"""
import argparse
import json
from pathlib import Path

import pandas as pd


def jobs(root: Path) -> pd.DataFrame:
    rows = []
    for f in sorted(root.rglob("*.tsv")):
        b = pd.read_csv(f, sep="\t").iloc[-1]
        rel = f.relative_to(root)
        rows.append(dict(study=rel.parts[0], job=str(rel.with_suffix("")), wall_s=float(b["s"]),
                         cpu_s=float(b["cpu_time"])))
    return pd.DataFrame(rows)


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--benchmarks", default="benchmarks", type=Path)
    p.add_argument("--cores", type=int, default=2)
    p.add_argument("--wall", type=float, help="measured wall seconds of the whole rebuild")
    a = p.parse_args(argv)
    df = jobs(a.benchmarks)
    if df.empty:
        raise SystemExit(f"no benchmark files under {a.benchmarks}: run the workflow first")
    out = []
    for study, g in df.groupby("study"):
        top = g.loc[g["cpu_s"].idxmax()]
        out.append(dict(study=study, jobs=len(g), cpu_min=g["cpu_s"].sum() / 60, job_wall_min=g["wall_s"].sum() / 60,
                        dominant_job=top["job"], dominant_cpu_min=top["cpu_s"] / 60))
        print(f"{study:10s} {len(g):3d} jobs  {g['cpu_s'].sum() / 60:7.1f} CPU-min  (job wall {g['wall_s'].sum() / 60:7.1f} min)"
              f"  largest: {top['job']} {top['cpu_s'] / 60:.1f} CPU-min")
    cpu = df["cpu_s"].sum()
    floor = max(cpu / a.cores, df["cpu_s"].max())
    summary = dict(cpu_min=cpu / 60, cores=a.cores, wall_floor_min=floor / 60, studies=out)
    line = f"total {cpu / 60:.1f} CPU-min: on {a.cores} cores no schedule beats {floor / 60:.1f} min"
    if a.wall:
        summary.update(wall_min=a.wall / 60, wall_over_floor=a.wall / floor)
        line += f"; measured {a.wall / 60:.1f} min, {a.wall / floor:.2f}x that floor (target <= 1.10)"
    print(line)
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
