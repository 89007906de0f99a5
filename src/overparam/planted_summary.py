"""Numbers the planted-teacher study reports, computed from the run logs (tidy DataFrames)."""
import numpy as np
import pandas as pd


RUN = ["study", "run_id"]  # a run shared by two studies is counted in each


def final_rows(runs: pd.DataFrame) -> pd.DataFrame:
    """The last logged epoch of every run of every study (diverged runs end early)."""
    if "study" not in runs:
        runs = runs.assign(study="")
    return runs.sort_values("epoch", kind="stable").groupby(RUN, sort=False).tail(1)


def select_lr(runs: pd.DataFrame) -> tuple[float, pd.DataFrame]:
    """The initial learning rate with the lowest mean final mini-batch objective over seeds.
    A diverged run counts as +inf, so an eta that diverges for any seed is never chosen."""
    last = final_rows(runs).copy()
    last["final"] = np.where(last["status"] == "ok", last["batch_objective"], np.inf)
    table = (last.groupby("lr0")
             .agg(final_mean=("final", "mean"), seeds=("seed", "nunique"),
                  diverged=("status", lambda s: int((s != "ok").sum())))
             .reset_index().sort_values("lr0"))
    if not np.isfinite(table["final_mean"]).any():
        raise ValueError("every learning rate of the lr test diverged; nothing to select")
    best = float(table.loc[table["final_mean"].idxmin(), "lr0"])
    return best, table


def epochs_to(runs: pd.DataFrame, threshold: float, column: str = "population_objective") -> pd.Series:
    """First epoch at which each (study, run) has `column` at or below `threshold`; runs that
    never get there are absent (NaN once aligned with the runs)."""
    hit = runs[runs[column] <= threshold]
    return hit.groupby(RUN)["epoch"].min()


def width_summary(runs: pd.DataFrame, threshold: float) -> pd.DataFrame:
    """Per study and width: final objectives over seeds and epochs to reach `threshold`."""
    last = final_rows(runs).set_index(RUN)
    last["epochs_to_threshold"] = epochs_to(runs, threshold)  # aligned on (study, run_id); NaN: never
    keys = ["study", "optimizer", "init_scale", "batch_size", "lr0", "epochs", "r", "r_over_r0"]
    out = (last.groupby(keys).agg(
        seeds=("seed", "nunique"),
        diverged=("status", lambda s: int((s != "ok").sum())),
        final_batch_mean=("batch_objective", "mean"),
        final_population_mean=("population_objective", "mean"),
        final_population_min=("population_objective", "min"),
        final_population_max=("population_objective", "max"),
        reached_threshold=("epochs_to_threshold", "count"),
        epochs_to_threshold_median=("epochs_to_threshold", "median"),
    ).reset_index())
    out["threshold"] = threshold
    return out
