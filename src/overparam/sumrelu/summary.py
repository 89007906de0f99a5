"""Tables of the sum-of-ReLUs study, from its logs."""
import numpy as np
import pandas as pd
import torch

from overparam.stats import wilson
from overparam.sumrelu.model import describe


def per_run(log: pd.DataFrame, weights: pd.DataFrame, threshold: float) -> pd.DataFrame:
    """One row per (m, seed): final exact, Monte-Carlo and mini-batch losses, `stuck` (final
    exact loss above `threshold`), first logged iteration at or below it, and the solution's
    shape (aligned, unaligned and vanished neurons, teacher directions covered)."""
    last = log.sort_values("iteration").groupby(["m", "seed"]).tail(1)
    hit = log[log["exact_loss"] <= threshold].groupby(["m", "seed"])["iteration"].min()
    out = last.set_index(["m", "seed"])[["exact_loss", "mc_loss", "batch_loss", "iteration", "lr",
                                         "batch_size", "d"]]
    out = out.rename(columns={"exact_loss": "final_exact_loss", "mc_loss": "final_mc_loss",
                              "batch_loss": "final_batch_loss", "iteration": "iterations"})
    out["iterations_to_threshold"] = hit
    out["stuck"] = out["final_exact_loss"] > threshold
    out["threshold"] = threshold
    shapes = []
    for (m, seed), w in weights.sort_values("neuron").groupby(["m", "seed"]):
        _, run = describe(torch.from_numpy(np.stack(w["w"].to_list()))[None])
        shapes.append(run.drop(columns="run").assign(m=m, seed=seed))
    return out.join(pd.concat(shapes).set_index(["m", "seed"])).reset_index()


def per_m(runs: pd.DataFrame) -> pd.DataFrame:
    g = runs.groupby("m")
    t = pd.DataFrame({
        "runs": g.size(),
        "stuck": g["stuck"].sum(),
        "final_loss_median": g["final_exact_loss"].median(),
        "final_loss_q10": g["final_exact_loss"].quantile(0.1),
        "final_loss_q90": g["final_exact_loss"].quantile(0.9),
        "iterations_to_threshold_median": g["iterations_to_threshold"].median(),
    })
    t["stuck_fraction"] = t["stuck"] / t["runs"]
    t["stuck_ci_low"], t["stuck_ci_high"] = wilson(t["stuck"], t["runs"])
    stuck = runs[runs["stuck"]].groupby("m")
    for col in ("final_exact_loss", "directions_covered", "aligned_neurons", "anti_aligned_neurons",
                "other_neurons", "dead_neurons", "directions_shared"):
        t[f"stuck_mean_{col}"] = stuck[col].mean()
    ok = runs[~runs["stuck"]].groupby("m")
    t["converged_mean_max_mass_error"] = ok["max_mass_error"].mean()
    t["threshold"] = runs["threshold"].iloc[0]
    return t.reset_index()


def certify_per_m(cert: pd.DataFrame, lifts: pd.DataFrame, families: pd.DataFrame, atol: float) -> pd.DataFrame:
    """Per width: the end points by class (overparam.sumrelu.certify), the spurious minima's
    curvature, how far their polish moved, how many match a published family of Safran and Shamir
    (their objective is F = f / 2; NaN where they published none for (d, m)), and the split lifts
    of those minima to m + 1 units that are saddles."""
    from overparam.sumrelu.certify import CLASSES

    cert = cert.assign(F=cert["polished_loss"] / 2)
    # widths without minima write empty lift tables, whose columns concatenate as objects
    lifts = lifts.astype({"lambda_min": float, "lifted_grad_norm": float, "saddle": bool})
    t = cert.groupby("m")["class"].value_counts().unstack(fill_value=0).reindex(columns=CLASSES, fill_value=0)
    t.columns = [c.replace(" ", "_") for c in t.columns]
    t.insert(0, "runs", cert.groupby("m").size())
    t["stuck"] = (cert["loss"] > cert["threshold"]).groupby(cert["m"]).sum()
    t["end_grad_norm_median"] = cert.groupby("m")["grad_norm"].median()
    mins = cert[cert["class"] == "spurious minimum"]
    g = mins.groupby("m")
    t["minima_lambda_min_low"] = g["polished_lambda_min"].min()
    t["minima_lambda_min_high"] = g["polished_lambda_min"].max()
    t["minima_move_max"] = g["polish_move"].max()
    t["minima_min_norm"] = g["polished_min_norm"].min()  # a vanished unit shows as ~0
    t["minima_max_cos"] = g["polished_max_cos"].max()  # a split unit shows as 1
    t["minima_F_values"] = g["F"].apply(lambda F: " ".join(f"{v:.8f}" for v in np.unique(F.round(8))))
    d = int(cert["d"].iloc[0])

    def matched(m, F):
        pub = families.loc[(families["k"] == d) & (families["n"] == m), "objective"].to_numpy()
        if not len(pub):
            return np.nan
        return int(sum(np.abs(pub - f).min() <= atol for f in F))

    t["minima_matching_published"] = pd.Series({m: matched(m, rows["F"]) for m, rows in g}, dtype=float)
    t["published_families"] = [int(((families["k"] == d) & (families["n"] == m)).sum()) for m in t.index]
    lg = lifts.groupby("m")
    t["lifts"] = lg.size()
    t["lift_saddles"] = lg["saddle"].sum()
    t["lift_lambda_min_low"] = lg["lambda_min"].min()
    t["lift_lambda_min_high"] = lg["lambda_min"].max()
    t["lift_grad_norm_max"] = lg["lifted_grad_norm"].max()
    fill = ["lifts", "lift_saddles"]
    t[fill] = t[fill].fillna(0).astype(int)
    for col in ("threshold", "grad_tol", "curv_tol", "move_tol", "polish_lr", "polish_tol"):
        t[col] = cert[col].iloc[0]
    return t.reset_index()


def tuned_per_m(tests: pd.DataFrame, tuned_log: pd.DataFrame, runs: pd.DataFrame, threshold: float,
                coarse: int) -> pd.DataFrame:
    """Per width: the step the lr test chose (eta = c / m) and the iterations to the threshold at
    it (first logged iteration with exact loss at or below `threshold`; median over the runs that
    reached it), beside the same at eta = lr_times_m / m from the main runs. `coarse` is the main
    runs' logging interval: the tuned runs' iterations rounded up to it compare on the same grid."""
    chosen = tests[tests["chosen"]].groupby("m").agg(c=("lr_times_m", "first"), test_loss=("test_loss", "median"))
    stable = tests.groupby(["m", "lr_times_m"])["test_loss"].apply(lambda x: bool(np.isfinite(x).all()))
    chosen["largest_stable_c"] = stable[stable].reset_index().groupby("m")["lr_times_m"].max()  # no test run diverged
    hit = tuned_log[tuned_log["exact_loss"] <= threshold].groupby(["m", "seed"])["iteration"].min()
    hit = hit.reset_index()
    hit["coarse"] = np.ceil(hit["iteration"] / coarse) * coarse
    g = hit.groupby("m")
    t = chosen.assign(eta=chosen["c"] / chosen.index,
                      runs=tuned_log.groupby("m")["seed"].nunique(),
                      reached=g.size(),
                      iterations_to_threshold_median=g["iteration"].median(),
                      iterations_to_threshold_coarse_median=g["coarse"].median())
    t["reached"] = t["reached"].fillna(0).astype(int)
    base = runs.dropna(subset=["iterations_to_threshold"]).groupby("m")
    t["base_c"] = (runs["lr"] * runs["m"]).groupby(runs["m"]).median()
    t["base_reached"] = base.size()
    t["base_iterations_to_threshold_median"] = base["iterations_to_threshold"].median()
    t["threshold"] = threshold
    return t.reset_index()
