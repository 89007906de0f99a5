#!/usr/bin/env python
"""The planted-teacher study's tables: every run of every study in one tidy Parquet table,
a small CSV of the numbers the report needs (selected eta, final objective per width and
regime, epochs to reach the threshold, distance travelled), and one row per run describing
its final solution against the teacher (from the final-weights tables)."""
import argparse
import json

from overparam.logs import read_runs, read_studies, write_atomic
from overparam.relu.two_layer import make_teacher
from overparam.planted.summary import solutions, width_summary


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--study", nargs="+", action="append", required=True, metavar="LABEL FILE")
    p.add_argument("--selected-lr", required=True, help="JSON written by planted_select_lr.py")
    p.add_argument("--weights", nargs="+", required=True, help="final-weights tables of the runs")
    p.add_argument("--threshold", type=float, required=True)
    p.add_argument("--runs-out", required=True, help="tidy Parquet table of all runs")
    p.add_argument("--summary-out", required=True, help="CSV summary")
    p.add_argument("--solutions-out", required=True, help="Parquet table: one row per run, its final solution")
    a = p.parse_args(argv)

    runs = read_studies(a.study)
    write_atomic(runs, a.runs_out)
    summary = width_summary(runs, a.threshold)
    summary["selected_lr"] = json.load(open(a.selected_lr))["lr"]
    write_atomic(summary, a.summary_out)
    first = runs.iloc[0]
    teacher = make_teacher(int(first["D"]), int(first["n"]), int(first["r0"]), int(first["teacher_seed"]))
    sol = solutions(runs, read_runs(a.weights), teacher, a.threshold)
    write_atomic(sol, a.solutions_out)
    cols = ["study", "lr0", "r", "seeds", "diverged", "final_batch_mean", "final_population_mean",
            "epochs_to_threshold_median"]
    print(summary[cols].to_string(index=False))
    print(sol[sol["stuck"]].drop(columns=["run_id", "threshold"]).to_string(index=False))


if __name__ == "__main__":
    main()
