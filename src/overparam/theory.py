"""Numerical checks of the report's proofs (problems V1, L4 and L5.1), each a small function
that returns a tidy table. Everything is float64 and deterministic."""
import math

import numpy as np
import pandas as pd
import torch

from .planted import forward, make_teacher
from .rng import generator


def planted_loss(U, V, X, Y):
    return 0.5 * (forward(U, V, X) - Y).square().sum(-1).mean()


def rescaling_invariance(alphas, D=20, n=3, r0=5, r=10, samples=2000, seed=0) -> pd.DataFrame:
    """V1(a): the loss at (alpha U, V / alpha) equals the loss at (U, V) for every alpha > 0
    (relu is positively homogeneous), so a minimizer's orbit is an unbounded set of minimizers."""
    T = make_teacher(D, n, r0, seed)
    g = generator(seed, "data")
    X = torch.randn(samples, D, generator=g, dtype=torch.float64)
    Y = forward(T.U0, T.V0, X)
    gi = generator(seed, "init")
    U = torch.randn(n, r, generator=gi, dtype=torch.float64) / r**0.5
    V = torch.randn(D, r, generator=gi, dtype=torch.float64) / D**0.5
    base = float(planted_loss(U, V, X, Y))
    rows = [dict(alpha=a, loss=float(planted_loss(a * U, V / a, X, Y)), loss_at_1=base,
                 U_norm=float(a * U.norm()), V_norm=float((V / a).norm())) for a in alphas]
    df = pd.DataFrame(rows)
    df["relative_change"] = (df["loss"] - base).abs() / base
    return df


def balance_under_weight_decay(lams, seeds, D=10, n=3, r0=5, r=10, samples=200, steps=3000,
                               lr=0.1, unbalance=4.0) -> pd.DataFrame:
    """V1(b): full-batch gradient descent on the planted data from a deliberately unbalanced
    start (U x unbalance, V / unbalance), with and without (lambda/2)(|U|_F^2 + |V|_F^2).
    With it the end point is balanced (|U|_F = |V|_F); without it gradient descent keeps
    |U|_F^2 - |V|_F^2 nearly constant (it is conserved by gradient flow), so it is not."""
    rows = []
    for seed in seeds:
        T = make_teacher(D, n, r0, seed)
        X = torch.randn(samples, D, generator=generator(seed, "data"), dtype=torch.float64)
        Y = forward(T.U0, T.V0, X)
        gi = generator(seed, "init")
        U0 = torch.randn(n, r, generator=gi, dtype=torch.float64) / r**0.5 * unbalance
        V0 = torch.randn(D, r, generator=gi, dtype=torch.float64) / D**0.5 / unbalance
        for lam in lams:
            U, V = U0.clone().requires_grad_(True), V0.clone().requires_grad_(True)
            opt = torch.optim.SGD([U, V], lr=lr)
            for _ in range(steps):
                opt.zero_grad()
                obj = planted_loss(U, V, X, Y) + lam / 2 * (U.square().sum() + V.square().sum())
                obj.backward()
                opt.step()
            gnorm = math.sqrt(float(U.grad.square().sum() + V.grad.square().sum()))
            U, V = U.detach(), V.detach()
            rows.append(dict(seed=seed, lam=lam, steps=steps, U_norm=float(U.norm()), V_norm=float(V.norm()),
                             start_U_norm=float(U0.norm()), start_V_norm=float(V0.norm()),
                             objective=float(obj.detach()), final_grad_norm=gnorm))
    df = pd.DataFrame(rows)
    df["imbalance"] = (df["U_norm"] - df["V_norm"]).abs() / (df["U_norm"] + df["V_norm"])
    return df


def best_rescaling(cs, a_over_b=(0.25, 1.0, 4.0)) -> pd.DataFrame:
    """V1(c): for (U, V) with |U||V| = c, minimize R(alpha) = alpha |U| + |V|^2 / alpha^2 (the
    regularizer along the rescaling orbit, up to lambda/2) numerically over alpha, and measure
    how far the best rescaling is from balanced: it is balanced exactly when c = 1/4, whatever
    the starting split of c between |U| and |V|."""
    rows = []
    log_alpha = np.linspace(-12, 12, 200_001)
    for c in cs:
        for ratio in a_over_b:
            a, b = math.sqrt(c * ratio), math.sqrt(c / ratio)  # |U| = a, |V| = b, a b = c
            alpha = np.exp(log_alpha)
            R = alpha * a + b**2 / alpha**2
            i = int(np.argmin(R))
            lo, hi = log_alpha[max(i - 1, 0)], log_alpha[min(i + 1, len(log_alpha) - 1)]
            for _ in range(100):  # refine the grid minimum by golden-section search
                m1, m2 = lo + 0.382 * (hi - lo), lo + 0.618 * (hi - lo)
                f1, f2 = (math.exp(m) * a + b**2 / math.exp(2 * m) for m in (m1, m2))
                lo, hi = (lo, m2) if f1 < f2 else (m1, hi)
            al = math.exp((lo + hi) / 2)
            u, v = al * a, b / al
            rows.append(dict(c=c, start_U_over_V=ratio, alpha=al, U_norm=u, V_norm=v,
                             relative_imbalance=abs(u - v) / (u + v), closed_form_alpha=(2 * b**2 / a) ** (1 / 3)))
    return pd.DataFrame(rows)


def bn_landscape(eps, lam=0.1, d=5, seed=0) -> pd.DataFrame:
    """L4: f(w) = |w* - w/|w||^2 + lam |w|^2 with |w*| = 1. Along w = eps w*, f = lam eps^2 -> 0 =
    inf f; along w = eps u (u not parallel to w*), |grad f| grows like 1/eps and the largest
    Hessian eigenvalue like 1/eps^2 as eps -> 0: neither Lipschitz nor smooth near 0."""
    g = generator(seed, "init")
    wstar = torch.randn(d, generator=g, dtype=torch.float64)
    wstar /= wstar.norm()
    u = torch.randn(d, generator=g, dtype=torch.float64)
    u -= (u @ wstar) * wstar * 0.5  # not parallel to w*
    u /= u.norm()

    def f(w):
        return (wstar - w / w.norm()).square().sum() + lam * w.square().sum()

    rows = []
    for e in eps:
        w = e * u
        grad = torch.autograd.functional.jacobian(f, w)
        hess = torch.autograd.functional.hessian(f, w)
        rows.append(dict(eps=e, f_along_wstar=float(f(e * wstar)), f_at_eps_u=float(f(w)),
                         grad_norm=float(grad.norm()), hessian_norm=float(torch.linalg.matrix_norm(hess, 2)),
                         lam=lam))
    return pd.DataFrame(rows)


def minmax_grid(nx=2001, ny=8001) -> tuple[pd.DataFrame, pd.DataFrame]:
    """L5.1: f(x, y) = 0.2 x y - cos y on [-1, 1] x [-2 pi, 2 pi]. On a grid: phi(x) = max_y f,
    the global min-max points argmin_x phi and the maximizing y, and the local first- and
    second-order min-max conditions evaluated there."""
    x = np.linspace(-1, 1, nx)
    y = np.linspace(-2 * np.pi, 2 * np.pi, ny)
    F = 0.2 * x[:, None] * y[None, :] - np.cos(y)[None, :]
    phi = F.max(1)
    i = int(np.argmin(phi))
    xs = x[i]
    ys = y[np.isclose(F[i], F[i].max(), rtol=0, atol=1e-9)]
    points = []
    for yv in ys:
        points.append(dict(x=xs, y=yv, value=0.2 * xs * yv - math.cos(yv),
                           df_dx=0.2 * yv, df_dy=0.2 * xs + math.sin(yv),
                           d2f_dx2=0.0, d2f_dy2=math.cos(yv), d2f_dxdy=0.2))
    pts = pd.DataFrame(points)
    # a local min-max point needs grad f = 0 in the interior: df/dx = 0.2 y = 0 forces y = 0
    pts["first_order_holds"] = np.isclose(pts["df_dx"], 0) & np.isclose(pts["df_dy"], 0)
    pts["y_is_local_max"] = pts["d2f_dy2"] < 0
    curve = pd.DataFrame({"x": x, "phi": phi})
    return pts, curve
