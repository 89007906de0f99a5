"""What the sum-of-ReLUs runs ended at: each final W classified from the exact gradient and Hessian
of the population loss f(W) = E (h - y)^2.

A stuck run's SGD end point sits in the noise ball of its attractor (its residual keeps the
mini-batch gradient noisy), so its own gradient is far from zero. It is therefore polished: gradient
descent on the exact loss, as in the spurious study (Safran and Shamir's protocol, on
F = f / 2), from the end point to their gradient tolerance, and the critical point reached is
certified by the smallest eigenvalues of its Hessian. Classes:
- global minimum: final f at most the stuck threshold and |grad f| at most `grad_tol` (f >= 0,
  and nothing lies below 0);
- spurious minimum / saddle: a stuck run whose polish reached the tolerance within
  `move_tol` (relative distance) of the end point, with smallest Hessian eigenvalue at least /
  below -`curv_tol`;
- not converged: any other run (gradient above `grad_tol` below the threshold, or a polish that
  moved far or did not reach the tolerance).
"""
import numpy as np
import pandas as pd
import torch

from overparam.relu.descent import TOLERANCE, descend
from overparam.sumrelu.model import population_grad, population_loss
from overparam.relu.hessian import smallest_eigenvalues

CLASSES = ["global minimum", "spurious minimum", "saddle", "not converged"]


def exact(W: np.ndarray, V: np.ndarray):
    """f(W) and |grad f(W)| (Frobenius), float64."""
    Wt, Vt = torch.from_numpy(W)[None], torch.from_numpy(V)
    return float(population_loss(Wt, Vt)[0]), float(population_grad(Wt, Vt)[0].norm())


def certify_run(W: np.ndarray, V: np.ndarray, *, threshold: float, grad_tol: float, curv_tol: float,
                move_tol: float, eigenvalues: int, dense_max: int, eig_tol: float, polish_lr: float,
                polish_tol: float, polish_cap: int) -> dict:
    """One run's end point W (m, d): its exact loss, gradient norm, smallest Hessian eigenvalues
    (where the dense Hessian has at most `dense_max` rows; above, only a stuck run's polished
    point gets them, by Lanczos), and, for a stuck run, its polished critical point."""
    m, d = W.shape
    f, g = exact(W, V)
    lam = smallest_eigenvalues(W, V, eigenvalues, dense_max, eig_tol) if m * d <= dense_max else None
    row = dict(loss=f, grad_norm=g, lambda_min=lam[0] if lam is not None else np.nan,
               min_norm=float(np.linalg.norm(W, axis=1).min()),
               polish_steps=0, polish_converged=False, polished_loss=np.nan, polished_grad_norm=np.nan,
               polished_lambda_min=np.nan, polished_lambda_2=np.nan, polish_move=np.nan,
               polished_min_norm=np.nan, polished_max_cos=np.nan)
    if f > threshold:
        Wp, steps, _, F, _, stop, _, _, _ = descend(np.ascontiguousarray(W), V, polish_lr, polish_tol, 0.0,
                                                   1e4, polish_cap)
        fp, gp = exact(Wp, V)
        lp = smallest_eigenvalues(Wp, V, eigenvalues, dense_max, eig_tol)
        U = Wp / np.linalg.norm(Wp, axis=1)[:, None]
        cos = U @ U.T - 2 * np.eye(m)  # the most parallel pair of units: a split unit shows as 1
        row.update(polish_steps=int(steps), polish_converged=bool(stop == TOLERANCE), polished_loss=fp,
                   polished_grad_norm=gp, polished_lambda_min=lp[0], polished_lambda_2=lp[1],
                   polish_move=float(np.linalg.norm(Wp - W) / np.linalg.norm(W)),
                   polished_min_norm=float(np.linalg.norm(Wp, axis=1).min()), polished_max_cos=float(cos.max()))
        near = row["polish_converged"] and row["polish_move"] <= move_tol
        row["class"] = ("not converged" if not near else
                        "saddle" if lp[0] < -curv_tol else "spurious minimum")
        row["polished_weights"] = Wp
    else:
        row["class"] = "global minimum" if g <= grad_tol else "not converged"
        row["polished_weights"] = None
    return row


def split_lift(W: np.ndarray, j: int, alpha: float = 0.5) -> np.ndarray:
    """The point of the (m + 1)-unit loss that splits unit j of W into alpha w_j and (1 - alpha) w_j:
    the same function, so the same loss, and a critical point whenever W is one (both copies see
    unit j's gradient)."""
    return np.vstack([W[:j], alpha * W[j:j + 1], W[j + 1:], (1 - alpha) * W[j:j + 1]])


def lift_minima(minima: pd.DataFrame, V: np.ndarray, *, curv_tol: float, eigenvalues: int, dense_max: int,
                eig_tol: float) -> pd.DataFrame:
    """For each certified spurious minimum (rows with m, seed, polished_weights), every split of one
    of its units into two halves: the smallest Hessian eigenvalue of the (m + 1)-unit loss there,
    and whether that is below -curv_tol (a saddle: one extra unit opens a way down)."""
    rows = []
    for r in minima.itertuples():
        W = r.polished_weights
        for j in range(W.shape[0]):
            L = split_lift(W, j)
            lam = smallest_eigenvalues(L, V, eigenvalues, dense_max, eig_tol)
            f, g = exact(L, V)
            rows.append(dict(m=r.m, seed=r.seed, unit=j, lifted_loss=f, lifted_grad_norm=g, lambda_min=lam[0],
                             saddle=bool(lam[0] < -curv_tol)))
    return pd.DataFrame(rows, columns=["m", "seed", "unit", "lifted_loss", "lifted_grad_norm", "lambda_min",
                                       "saddle"])
