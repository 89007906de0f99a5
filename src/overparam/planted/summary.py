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
    # for the median, a diverged run counts as +inf (a NaN would be skipped)
    last["final_or_inf"] = np.where(last["status"] == "ok", last["population_objective"], np.inf)
    keys = ["study", "optimizer", "init_scale", "batch_size", "lr0", "epochs", "r", "r_over_r0"]
    out = (last.groupby(keys).agg(
        seeds=("seed", "nunique"),
        diverged=("status", lambda s: int((s != "ok").sum())),
        final_batch_mean=("batch_objective", "mean"),
        final_population_mean=("population_objective", "mean"),
        final_population_median=("final_or_inf", "median"),
        final_population_min=("population_objective", "min"),
        final_population_max=("population_objective", "max"),
        reached_threshold=("epochs_to_threshold", "count"),
        epochs_to_threshold_median=("epochs_to_threshold", "median"),
        U_dist_median=("U_dist", "median"),
        V_dist_median=("V_dist", "median"),
    ).reset_index())
    out["threshold"] = threshold
    return out


# What a final solution looks like (the sum-of-ReLUs study's description, for a general teacher).
ALIGN = 0.95  # a student unit is on teacher unit j when the cosine of their input weights exceeds this
DEAD = 0.05   # ... and dead when its size ||u_k|| ||v_k|| is below this times the median teacher unit's


def cosines(V: np.ndarray, V0: np.ndarray) -> np.ndarray:
    """(r, r0) cosines between the student's input weights (columns of V) and the teacher's."""
    a = V / np.linalg.norm(V, axis=0).clip(np.finfo(float).tiny)
    b = V0 / np.linalg.norm(V0, axis=0)
    return a.T @ b


def describe(U: np.ndarray, V: np.ndarray, U0: np.ndarray, V0: np.ndarray,
             align: float = ALIGN, dead: float = DEAD) -> dict:
    """One run's final solution against the teacher (U (n, r), V (D, r); U0, V0 the teacher's).

    relu(<v, x>) u is the same unit as relu(<a v, x>) u / a for a > 0, so a unit's direction is
    that of v and its size ||u|| ||v||. A student unit is dead when its size is below `dead`
    times the median teacher unit's, on teacher unit j when it is not dead and its cosine with
    v0_j exceeds `align`, and other otherwise. At a global minimum every unit is on a teacher
    unit or dead, and the units on j add up to it: sum_k u_k ||v_k|| = u0_j ||v0_j||
    (`max_mass_error`, the largest relative error of that sum over j, is 0 there)."""
    U, V, U0, V0 = (np.asarray(x, np.float64) for x in (U, V, U0, V0))
    if not (np.isfinite(U).all() and np.isfinite(V).all()):  # a diverged run: nothing to describe
        return {}
    cos = cosines(V, V0)
    size = np.linalg.norm(U, axis=0) * np.linalg.norm(V, axis=0)
    tsize = np.linalg.norm(U0, axis=0) * np.linalg.norm(V0, axis=0)
    is_dead = size < dead * np.median(tsize)
    best = cos.argmax(1)
    on = (cos.max(1) > align) & ~is_dead
    per_teacher = np.bincount(best[on], minlength=V0.shape[1])
    target = U0 * np.linalg.norm(V0, axis=0)
    mass = np.zeros_like(target)
    np.add.at(mass.T, best[on], (U * np.linalg.norm(V, axis=0)).T[on])
    err = np.linalg.norm(mass - target, axis=0) / np.linalg.norm(target, axis=0)
    return dict(
        units_on_teacher=int(on.sum()), dead_units=int(is_dead.sum()), other_units=int((~on & ~is_dead).sum()),
        teacher_covered=int((per_teacher > 0).sum()), teacher_uncovered=int((per_teacher == 0).sum()),
        teacher_shared=int((per_teacher > 1).sum()),  # teacher units with two or more student units on them
        worst_teacher_best_cos=float(cos.max(0).min()),  # the least well matched teacher unit's best cosine
        max_mass_error=float(err.max()),
    )


def solutions(runs: pd.DataFrame, weights: pd.DataFrame, teacher, threshold: float) -> pd.DataFrame:
    """One row per (study, run): final objective, whether it ended above `threshold` (stuck),
    the distance travelled from the initialization, and `describe` of its final weights."""
    last = final_rows(runs)
    U0, V0 = teacher.U0.numpy(), teacher.V0.numpy()
    shapes = {}
    for rid, w in weights.sort_values("unit").groupby("run_id"):
        shapes[rid] = describe(np.stack(w["u"].to_list(), 1), np.stack(w["v"].to_list(), 1), U0, V0)
    cols = ["study", "run_id", "optimizer", "init_scale", "batch_size", "lr0", "epochs", "r", "r_over_r0", "seed",
            "status", "epoch", "population_objective", "U_dist", "V_dist"]
    out = last[cols].rename(columns={"population_objective": "final_population", "epoch": "last_epoch"})
    out = out.reset_index(drop=True)  # a fresh index: the join below must not meet duplicate labels
    out["stuck"] = ~(out["final_population"] <= threshold)  # NaN (diverged) counts as stuck
    out["threshold"] = threshold
    return out.join(pd.DataFrame([shapes[r] for r in out["run_id"]], index=out.index)).reset_index(drop=True)
