"""Numerical checks of the report's proofs (problems V1, L4 and L5.1), each a small function
that returns a tidy table. Everything is float64 and deterministic."""
import math

import numpy as np
import pandas as pd
import torch
from scipy import optimize

from overparam.relu.two_layer import forward, make_teacher
from overparam.rng import generator


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
    for c in cs:
        for ratio in a_over_b:
            a, b = math.sqrt(c * ratio), math.sqrt(c / ratio)  # |U| = a, |V| = b, a b = c
            # R is convex in log alpha: bounded Brent search over alpha in [e^-12, e^12]
            best = optimize.minimize_scalar(lambda t: math.exp(t) * a + b**2 / math.exp(2 * t), bounds=(-12, 12),
                                            method="bounded", options=dict(xatol=1e-12))
            al = math.exp(best.x)
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


def grid_local_maxima(F: np.ndarray) -> list[np.ndarray]:
    """For each row F[i] (a function of y on a grid), the indices j where F[i, j] is a local maximum
    over the grid, the two end points (the domain's boundary in y) compared one-sidedly. A tie
    with the left neighbour counts and one with the right does not, so a tied pair gives one."""
    ge_left = np.ones(F.shape, bool)
    ge_left[:, 1:] = F[:, 1:] >= F[:, :-1]
    gt_right = np.ones(F.shape, bool)
    gt_right[:, :-1] = F[:, :-1] > F[:, 1:]
    return [np.flatnonzero(row) for row in ge_left & gt_right]


def track_branches(maxima: list[np.ndarray], max_jump: int) -> tuple[list[dict], list[dict]]:
    """Links the local maximizers of neighbouring rows into branches: j in row i and j' in row i + 1
    are linked when |j - j'| <= max_jump, one to one, nearest pairs first. Returns nxt, prv with
    nxt[i][j] = j' and prv[i + 1][j'] = j; a maximizer without a link ends its branch."""
    nxt = [{} for _ in maxima]
    prv = [{} for _ in maxima]
    for i in range(len(maxima) - 1):
        a, b = maxima[i], maxima[i + 1]
        if not len(a) or not len(b):
            continue
        d = np.abs(a[:, None] - b[None, :])
        for p, q in sorted(zip(*np.nonzero(d <= max_jump)), key=lambda pq: d[pq]):
            if a[p] not in nxt[i] and b[q] not in prv[i + 1]:
                nxt[i][int(a[p])], prv[i + 1][int(b[q])] = int(b[q]), int(a[p])
    return nxt, prv


def _local_max_y(df_dy, x, lo, hi, y_min, y_max):
    """The local maximizer of f(x, .) in [lo, hi]: the boundary y_min / y_max when f does not
    increase into the domain there (one-sided), else the root of df/dy where it changes sign from
    + to -; None when neither holds (no confirmed local maximum)."""
    if hi == y_max and df_dy(x, hi) >= 0:
        return hi
    if lo == y_min and df_dy(x, lo) <= 0:
        return lo
    if df_dy(x, lo) > 0 > df_dy(x, hi):
        return optimize.brentq(lambda t: df_dy(x, t), lo, hi, xtol=1e-15, rtol=4 * np.finfo(float).eps)
    return None


def local_minmax_search(f, df_dx, df_dy, x: np.ndarray, y: np.ndarray, max_jump: int = 3):
    """Local min-max points (Jin, Netrapalli and Jordan, restricted to the box x x y) of f on a grid.

    For each x on the grid, the local maximizers of f(x, .) over the y grid (boundary points with a
    one-sided comparison), tracked as branches across neighbouring x (`track_branches`). A
    candidate is a grid point that is a local maximizer in y and whose branch value is a local
    minimum over x: not above its branch neighbours at x - dx and x + dx, only the one inside the
    domain at x = x.min() or x.max(); a branch that ends at an interior x cannot show a minimum
    there and gives no candidate. Each candidate is refined off the grid: y by root finding on
    df/dy along the branch (or kept on the y boundary), x kept on the x boundary when the envelope
    slope df/dx there points the right way (the locally maximized value does not decrease into
    the domain) or else found by minimizing the branch value over [x - dx, x + dx]. f, df_dx and
    df_dy take scalars (x, y); f also takes broadcast arrays.
    Returns (table with x, y, value, envelope_slope, grid_x, grid_y; branches), where branches[k]
    is the (i, j) grid path of the k-th point's branch."""
    F = f(x[:, None], y[None, :])
    maxima = grid_local_maxima(F)
    nxt, prv = track_branches(maxima, max_jump)
    nx, ny = F.shape
    rows, branches = [], []
    for i in range(nx):
        for j in map(int, maxima[i]):
            links = [(i - 1, prv[i].get(j))] if i > 0 else []
            links += [(i + 1, nxt[i].get(j))] if i < nx - 1 else []
            if not links or any(jj is None or F[ii, jj] < F[i, j] for ii, jj in links):
                continue
            lo, hi = y[max(j - max_jump - 1, 0)], y[min(j + max_jump + 1, ny - 1)]

            def ybr(xv):
                return _local_max_y(df_dy, xv, lo, hi, y[0], y[-1])

            ys = ybr(x[i])
            if ys is None:
                continue
            if i in (0, nx - 1):  # one-sided in x: the value must not decrease into the domain
                xs, inward = x[i], (1 if i == 0 else -1)
                if inward * df_dx(xs, ys) < 0:
                    continue
            else:
                def branch_value(xv):
                    yv = ybr(xv)
                    return np.inf if yv is None else f(xv, yv)

                res = optimize.minimize_scalar(branch_value, bounds=(x[i - 1], x[i + 1]), method="bounded",
                                               options=dict(xatol=1e-12))
                xs = float(res.x)
                ys = ybr(xs)
                if ys is None:
                    continue
            if any(math.hypot(xs - r["x"], ys - r["y"]) < 1e-9 for r in rows):
                continue
            rows.append(dict(x=float(xs), y=float(ys), value=float(f(xs, ys)),
                             envelope_slope=float(df_dx(xs, ys)), grid_x=float(x[i]), grid_y=float(y[j])))
            branches.append(_branch_through(i, j, nxt, prv))
    cols = ["x", "y", "value", "envelope_slope", "grid_x", "grid_y"]
    return pd.DataFrame(rows, columns=cols), branches


def _branch_through(i, j, nxt, prv) -> tuple[np.ndarray, np.ndarray]:
    path = [(i, j)]
    while path[0][1] in prv[path[0][0]]:
        path.insert(0, (path[0][0] - 1, prv[path[0][0]][path[0][1]]))
    while path[-1][1] in nxt[path[-1][0]]:
        path.append((path[-1][0] + 1, nxt[path[-1][0]][path[-1][1]]))
    ii, jj = zip(*path)
    return np.array(ii), np.array(jj)


def l51_f(x, y):
    """The L5.1 function f(x, y) = 0.2 x y - cos y."""
    return 0.2 * x * y - np.cos(y)


def l51_derivatives(x, y) -> dict:
    return dict(df_dx=0.2 * y, df_dy=0.2 * x + math.sin(y), d2f_dx2=0.0, d2f_dy2=math.cos(y), d2f_dxdy=0.2)


def l51_local_closed_form() -> pd.DataFrame:
    """The local min-max points of L5.1 in closed form: (1, -pi + arcsin 0.2) and
    (-1, pi - arcsin 0.2), value sqrt(0.96) - 0.2 (pi - arcsin 0.2) = 0.3917..."""
    a = math.asin(0.2)
    value = math.sqrt(0.96) - 0.2 * (math.pi - a)
    return pd.DataFrame(dict(x=[1.0, -1.0], y=[-math.pi + a, math.pi - a], value=[value, value]))


def l51_local_minmax(x: np.ndarray, y: np.ndarray):
    """L5.1: the local min-max points of f on the grid x x y (`local_minmax_search`), refined, with
    the derivatives there and the nearest closed-form point (`l51_local_closed_form`)."""
    found, branches = local_minmax_search(l51_f, lambda a, b: 0.2 * b, lambda a, b: 0.2 * a + math.sin(b), x, y)
    cf = l51_local_closed_form()
    rows = []
    for r in found.itertuples():
        c = cf.iloc[int(np.argmin(np.hypot(cf["x"] - r.x, cf["y"] - r.y)))]
        d = l51_derivatives(r.x, r.y)
        rows.append(dict(x=r.x, y=r.y, value=r.value, **d,
                         # the interior first-order condition grad f = 0; at x = +-1 it is not needed
                         first_order_holds=bool(np.isclose(d["df_dx"], 0) and np.isclose(d["df_dy"], 0)),
                         y_is_local_max=d["d2f_dy2"] < 0 or r.y in (y[0], y[-1]),
                         kind="local", closed_form_x=c["x"], closed_form_y=c["y"], closed_form_value=c["value"],
                         envelope_slope=r.envelope_slope))
    order = np.argsort([-r["x"] for r in rows], kind="stable")  # x = 1 first
    return pd.DataFrame([rows[k] for k in order]), [branches[k] for k in order]


def minmax_grid(nx=2001, ny=8001) -> tuple[pd.DataFrame, pd.DataFrame]:
    """L5.1: f(x, y) = 0.2 x y - cos y on [-1, 1] x [-2 pi, 2 pi]. On a grid: phi(x) = max_y f,
    the global min-max points argmin_x phi and the maximizing y, and the local first- and
    second-order min-max conditions evaluated there (rows with kind "global"); then the local
    min-max points of the constrained problem (`l51_local_minmax`, rows with kind "local", with
    closed_form_x/y/value, which are NaN on the global rows). envelope_slope = df/dx on every row.
    The curve has phi and, per local point k, the value along its branch (local_branch_k, NaN
    where the branch does not reach)."""
    x = np.linspace(-1, 1, nx)
    y = np.linspace(-2 * np.pi, 2 * np.pi, ny)
    F = l51_f(x[:, None], y[None, :])
    phi = F.max(1)
    i = int(np.argmin(phi))
    xs = x[i]
    ys = y[np.isclose(F[i], F[i].max(), rtol=0, atol=1e-9)]
    points = []
    for yv in ys:
        points.append(dict(x=xs, y=yv, value=0.2 * xs * yv - math.cos(yv), **l51_derivatives(xs, yv)))
    pts = pd.DataFrame(points)
    # a local min-max point needs grad f = 0 in the interior: df/dx = 0.2 y = 0 forces y = 0
    pts["first_order_holds"] = np.isclose(pts["df_dx"], 0) & np.isclose(pts["df_dy"], 0)
    pts["y_is_local_max"] = pts["d2f_dy2"] < 0
    pts["kind"] = "global"
    pts["closed_form_x"] = pts["closed_form_y"] = pts["closed_form_value"] = np.nan
    pts["envelope_slope"] = pts["df_dx"]
    local, branches = l51_local_minmax(x, y)
    pts = pd.concat([pts, local], ignore_index=True)
    curve = pd.DataFrame({"x": x, "phi": phi})
    for k, (bi, bj) in enumerate(branches):
        curve[f"local_branch_{k}"] = np.nan
        curve.loc[bi, f"local_branch_{k}"] = F[bi, bj]
    return pts, curve
