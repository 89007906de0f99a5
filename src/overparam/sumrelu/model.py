"""The sum-of-ReLUs teacher of problem L1.2 (and of Safran and Shamir, 2018).

Teacher y(x) = sum_i relu(<v_i, x>) with V = I_d (so y = sum_i relu(x_i)); student
h(W, x) = sum_k relu(<w_k, x>); x ~ N(0, I_d). Many runs (seeds) are handled at once:
W has shape (S, m, d). The population loss E (h - y)^2 (no 1/2) and its gradient are exact,
from the ReLU kernel; SGD on fresh samples uses hand-written mini-batch gradients.
"""
import math
import time

import numba
import numpy as np
import torch

from overparam.relu.kernel import relu_kernel
from overparam.relu.students import init_students
from overparam.rng import generator


def _angle_terms(A: torch.Tensor, W: torch.Tensor):
    """For rows a of A (p, d) (or (S, p, d)) and rows w of W (S, m, d): |a|, |w|, theta(a, w)."""
    na, nw = A.norm(dim=-1), W.norm(dim=-1)
    tiny = torch.finfo(W.dtype).tiny
    cos = (A @ W.transpose(-1, -2)) / (na[..., :, None] * nw[..., None, :]).clamp_min(tiny)
    return na, nw, torch.arccos(cos.clamp(-1.0, 1.0))


def population_loss(W: torch.Tensor, V: torch.Tensor) -> torch.Tensor:
    """E (h(W, x) - y(x))^2 for every run, exactly: (S,)."""
    Vt = V.T.to(W.dtype)
    yy = relu_kernel(Vt, Vt).sum()
    Wt = W.transpose(-1, -2)  # (S, d, m): columns are neurons
    hy = torch.stack([relu_kernel(Vt, w).sum() for w in Wt])
    hh = torch.stack([relu_kernel(w, w).sum() for w in Wt])
    return yy - 2 * hy + hh


def population_grad(W: torch.Tensor, V: torch.Tensor) -> torch.Tensor:
    """Gradient of population_loss with respect to W, exactly: (S, m, d).

    With g(a, w) = grad_w E[relu(a.x) relu(w.x)] = (|a| sin theta w/|w| + (pi - theta) a) / (2 pi),
    grad_{w_k} = 2 sum_l g(w_l, w_k) - 2 sum_i g(v_i, w_k)."""
    V = V.to(W.dtype)

    def pull(A):
        na, nw, th = _angle_terms(A, W)  # th: (S, p, m)
        s = (na[..., :, None] * torch.sin(th)).sum(-2)  # (S, m)
        unit = W / nw.clamp_min(torch.finfo(W.dtype).tiny)[..., None]
        lin = (math.pi - th).transpose(-1, -2) @ A  # (S, m, d)
        return (s[..., None] * unit + lin) / (2 * math.pi)

    return 2 * (pull(W) - pull(V))


def teacher(X: torch.Tensor, V: torch.Tensor) -> torch.Tensor:
    return torch.relu(X @ V.T.to(X.dtype)).sum(-1)


def student(X: torch.Tensor, W: torch.Tensor) -> torch.Tensor:
    """h for X (S, B, d) and W (S, m, d): (S, B)."""
    return torch.relu(X @ W.transpose(-1, -2)).sum(-1)


@numba.njit(cache=True, fastmath={"reassoc"})  # reassoc: the sums run in SIMD lanes
def _relu_row_sums(X):
    zero = np.float32(0.0)  # float32 keeps float32 input in float32; float64 input promotes it
    out = np.empty(X.shape[0], X.dtype)
    for i in range(X.shape[0]):
        t = zero
        for k in range(X.shape[1]):
            t += max(X[i, k], zero)
        out[i] = t
    return out


def identity_teacher(X: np.ndarray) -> np.ndarray:
    """y = sum_i relu(x_i) (teacher V = I) over the last axis of X, in one compiled pass: NumPy's
    maximum-then-sum wrote a temporary as large as X, which cost more than the SGD step."""
    return _relu_row_sums(X.reshape(-1, X.shape[-1])).reshape(X.shape[:-1])


@numba.njit(cache=True, fastmath={"reassoc"})  # reassoc: the sum over neurons runs in SIMD lanes
def _mask_residuals(H, y):
    """In place over H = X W^T (S, B, m): H <- 1[H > 0] e with e = sum_k relu(H) - y (S, B), in
    one pass over each sample's row (NumPy's expressions took five over the whole array); returns e."""
    S, B, m = H.shape
    rows, e = H.reshape(S * B, m), np.empty_like(y)
    ys, es = y.ravel(), e.ravel()
    zero = np.float32(0.0)
    for i in range(S * B):
        h = rows[i]
        t = zero
        for k in range(m):
            t += max(h[k], zero)
        r = t - ys[i]
        es[i] = r
        for k in range(m):
            h[k] = r if h[k] > zero else zero
    return e


def minibatch_grad(W: np.ndarray, X: np.ndarray, y: np.ndarray):
    """Mini-batch loss mean_b (h - y)^2 per run and its gradient (S, m, d), in NumPy (small
    stacked products cost less per call than in torch) and one compiled pass between the two
    products: X (S, B, d), y (S, B)."""
    M = X @ W.transpose(0, 2, 1)  # (S, B, m): H, then the residual where the unit is active
    e = _mask_residuals(M, y)
    G = M.transpose(0, 2, 1) @ X
    G *= 2 / X.shape[1]
    return np.square(e).mean(-1), G


def sgd(d: int, m: int, seeds, *, lr: float, batch_size: int, iterations: int, log_every: int,
        mc_samples: int = 10_000):
    """Mini-batch SGD on fresh samples for all seeds at once (seeds stacked on the first axis;
    a run's numbers do not depend on the other seeds). Every `log_every` iterations logs, per
    run: the exact population loss, a Monte-Carlo estimate on `mc_samples` fresh samples
    (their own stream; none when `mc_samples` is 0), and the average mini-batch loss since the last log.
    Returns (rows, W) with W the final weights (S, m, d), float64."""
    seeds = list(seeds)
    V = torch.eye(d, dtype=torch.float64)
    W = init_students(d, m, seeds).float().numpy()  # trained in float32, evaluated in float64
    data = [generator(s, "data") for s in seeds]
    evals = [generator(s, "eval") for s in seeds]
    rows = []

    def log(it, batch_avg, seconds):
        Wd = torch.from_numpy(W).double()
        exact = population_loss(Wd, V)
        if mc_samples:
            Xe = torch.stack([torch.randn(mc_samples, d, generator=g, dtype=torch.float64) for g in evals])
            mc = (student(Xe, Wd) - teacher(Xe, V)).square().mean(-1)
        else:
            mc = torch.full((len(seeds),), float("nan"))
        for i, s in enumerate(seeds):
            rows.append(dict(seed=s, iteration=it, samples=it * batch_size, exact_loss=float(exact[i]),
                             mc_loss=float(mc[i]), batch_loss=float(batch_avg[i]), seconds=seconds))

    log(0, np.full(len(seeds), np.nan), 0.0)
    with np.errstate(all="ignore"):
        for start in range(0, iterations, log_every):
            t0 = time.perf_counter()
            steps = min(log_every, iterations - start)
            # one draw per run for the block: fresh samples, each run from its own stream
            X = torch.stack([torch.randn(steps, batch_size, d, generator=g) for g in data], 1).numpy()
            Y = identity_teacher(X)
            acc = np.zeros(len(seeds))
            for x, y in zip(X, Y):
                loss, G = minibatch_grad(W, x, y)
                G *= lr
                W -= G
                acc += loss
            log(start + steps, acc / steps, (time.perf_counter() - t0) / len(seeds))
    return rows, torch.from_numpy(W).double()


def describe(W: torch.Tensor, align: float = 0.95, anti: float = -0.7, dead: float = 0.05):
    """What a final solution looks like, per neuron and per run (teacher V = I_d).

    A neuron is aligned with teacher direction e_i when its cosine with e_i exceeds `align`,
    anti-aligned when its cosine with some e_i is below `anti` (it points away from a
    teacher neuron), and vanished when its norm is below `dead`. At a global minimum every
    neuron is aligned or vanished, and the norms aligned with each e_i sum to 1
    (relu(a x_i) = a relu(x_i)): `max_mass_error` measures how far a run is from that."""
    import pandas as pd

    S, m, d = W.shape
    norm = W.norm(dim=-1)
    cos = W / norm.clamp_min(torch.finfo(W.dtype).tiny)[..., None]  # cosine with each e_i
    best_cos, best = cos.max(-1)
    neurons = pd.DataFrame({
        "run": torch.arange(S).repeat_interleave(m).numpy(), "neuron": torch.arange(m).repeat(S).numpy(),
        "norm": norm.flatten().numpy(), "best_teacher": best.flatten().numpy(),
        "best_cos": best_cos.flatten().numpy(), "worst_cos": cos.min(-1).values.flatten().numpy(),
        "w": list(W.reshape(S * m, d).numpy()),
    })
    neurons["dead"] = neurons["norm"] < dead
    neurons["aligned"] = (neurons["best_cos"] > align) & ~neurons["dead"]
    neurons["anti_aligned"] = (neurons["worst_cos"] < anti) & ~neurons["dead"]
    on = neurons[neurons["aligned"]]
    mass = (on.groupby(["run", "best_teacher"])["norm"].sum()
            .unstack(fill_value=0.0).reindex(index=range(S), columns=range(d), fill_value=0.0))
    by_run = neurons.groupby("run")
    runs = pd.DataFrame({
        "run": range(S),
        "aligned_neurons": by_run["aligned"].sum().values,
        "anti_aligned_neurons": by_run["anti_aligned"].sum().values,
        "dead_neurons": by_run["dead"].sum().values,
        "other_neurons": (~(neurons["aligned"] | neurons["anti_aligned"] | neurons["dead"]))
        .groupby(neurons["run"]).sum().values,
        "directions_covered": (mass > 0).sum(axis=1).values,  # teacher directions with an aligned neuron
        "directions_shared": on.groupby(["run", "best_teacher"]).size().gt(1).groupby("run").sum()
        .reindex(range(S), fill_value=0).values,
        "max_mass_error": (mass - 1.0).abs().max(axis=1).values,  # 0 at a global minimum
    })
    return neurons, runs
