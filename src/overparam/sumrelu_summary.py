"""Tables of the sum-of-ReLUs study, from its logs."""
import numpy as np
import pandas as pd
import torch
from scipy.stats import binomtest, norm

from .sumrelu import describe


def wilson(k, n, z: float = 1.96):
    """Wilson score interval of binomial proportions k/n at z standard errors (1.96: 95%),
    elementwise, from scipy.stats.binomtest (exact bounds 0 at k = 0 and 1 at k = n)."""
    level = 2 * norm.cdf(z) - 1
    k, n = np.broadcast_arrays(np.asarray(k), np.asarray(n))
    cis = [binomtest(int(a), int(b)).proportion_ci(level, method="wilson") for a, b in zip(k.ravel(), n.ravel())]
    lo = np.array([ci.low for ci in cis], float).reshape(k.shape)
    hi = np.array([ci.high for ci in cis], float).reshape(k.shape)
    return lo[()], hi[()]


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
