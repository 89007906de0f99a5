"""SGD on the planted teacher (problem V2(b)) with hand-written gradients.

One step on a mini-batch (X, Y) of m fresh samples, with H = X V and A = relu(H):
    E   = A U^T - Y                      residuals, (m, n)
    obj = (1/m) sum_i (1/2) |E_i|^2      the mini-batch objective
    dU  = (1/m) E^T A                    (n, r)
    dV  = (1/m) X^T [(E U) * 1(H > 0)]   (D, r)

Why not autograd: at batch 10 every step is a handful of tiny matrix products, and graph
bookkeeping plus per-call dispatch (about 5 us a call in torch, 3 in NumPy) cost more than
the arithmetic. The plain-SGD epoch (`sgd_epoch`) is therefore compiled with Numba, runs on
NumPy views of the torch tensors, and regroups the work of K consecutive steps so that the
two products with the D-dimensional input run as large, efficient matrix products:

    after s steps of a chunk V_s = V_c - (eta/m) sum_{j<s} X_j^T G_j,  so
    X_s V_s = X_s V_c - (eta/m) sum_{j<s} (X_s X_j^T) G_j.

`P = X_chunk V_c` is one product per chunk, each step adds a small correction, and V takes
the chunk's K updates in one product. This is the same SGD iterate sequence in exact
arithmetic (the tests check it against the textbook loop). Other optimizers (momentum,
Adam) take the same gradients through torch.optim, one step at a time.
"""
import math
import time

import numba
import numpy as np
import torch
from torch.optim.lr_scheduler import StepLR

from .planted import Stream, Teacher, init_student, population_objective

OPTIMIZERS = {
    "sgd": lambda params, lr: torch.optim.SGD(params, lr=lr),
    "momentum": lambda params, lr: torch.optim.SGD(params, lr=lr, momentum=0.9),
    "adam": lambda params, lr: torch.optim.Adam(params, lr=lr),
}
CHUNK_ROWS = 40  # samples per regrouped chunk: measured best for batch 10 at r = 120 to 480


def gradients(U, V, X, Y):
    """Mini-batch objective and its gradients (dU, dV) on one batch: the textbook step."""
    H = X @ V
    A = torch.relu(H)
    E = A @ U.T - Y
    m = X.shape[0]
    dU = E.T @ A / m
    dV = X.T @ ((E @ U) * (H > 0)) / m
    return 0.5 * E.square().sum() / m, dU, dV


def chunk_steps(steps: int, batch_size: int) -> int:
    """Steps per chunk: the largest divisor of `steps` with at most CHUNK_ROWS samples."""
    return max(k for k in range(1, steps + 1) if steps % k == 0 and (k == 1 or k * batch_size <= CHUNK_ROWS))


@numba.njit(cache=True)
def sgd_epoch(U, V, X, Y, lr, K):
    """Plain SGD over batches X (steps, m, D), Y (steps, m, n), regrouped in chunks of K steps
    (see the module docstring); updates U, V in place and returns every step's residuals.
    Compiled: the elementwise work fuses into loops and each product is a direct BLAS call."""
    steps, m, D = X.shape
    n, r = U.shape
    c = lr / m
    R = np.empty((steps, m, n), U.dtype)
    P = np.empty((K * m, r), U.dtype)  # chunk inputs times V at the chunk's start
    G = np.empty((K * m, r), U.dtype)  # m * dObj/dH of every step of the chunk
    H = np.empty((m, r), U.dtype)
    A = np.empty((m, r), U.dtype)
    C = np.empty((m, r), U.dtype)
    dU = np.empty((n, r), U.dtype)
    dV = np.empty((D, r), U.dtype)
    S_flat = np.empty(m * K * m, U.dtype)
    for s0 in range(0, steps, K):
        Xc = X[s0:s0 + K].reshape(K * m, D)
        np.dot(Xc, V, P)
        for t in range(K):
            x, y, e = X[s0 + t], Y[s0 + t], R[s0 + t]
            if t > 0:  # C = (x X_j^T) G_j summed over the chunk's earlier steps j
                S = S_flat[: m * t * m].reshape(m, t * m)
                np.dot(x, Xc[: t * m].T, S)
                np.dot(S, G[: t * m], C)
            else:
                C[:] = 0.0
            for i in range(m):
                for j in range(r):
                    h = P[t * m + i, j] - c * C[i, j]
                    H[i, j] = h
                    A[i, j] = max(h, 0.0)
            np.dot(A, U.T, e)
            e -= y
            g = G[t * m:(t + 1) * m]
            np.dot(e, U, g)
            for i in range(m):
                for j in range(r):
                    if H[i, j] <= 0.0:
                        g[i, j] = 0.0
            np.dot(e.T, A, dU)
            U -= c * dU
        np.dot(Xc.T, G, dV)
        V -= c * dV
    return R


def torch_epoch(U, V, X, Y, opt) -> torch.Tensor:
    """Any torch.optim optimizer, one step per batch, with the hand-written gradients."""
    R = torch.empty(*X.shape[:2], U.shape[0], dtype=U.dtype)
    for x, y, e in zip(X, Y, R):
        H = x @ V
        A = torch.relu(H)
        torch.addmm(y, A, U.T, beta=-1, out=e)
        U.grad = e.T @ A / len(x)
        V.grad = x.T @ ((e @ U) * (H > 0)) / len(x)
        opt.step()
    return R


def train(teacher: Teacher, *, width: int, lr: float, batch_size: int, epochs: int,
          init_scale: float = 1.0, optimizer: str = "sgd", seed: int = 0,
          samples_per_epoch: int = 10_000, halve_every: int = 50, chunked: bool = True):
    """Train one student; returns (rows, status): one dict per epoch (epoch 0 is the
    initialization) and 'ok', or 'diverged' when the objective became NaN or inf (the run
    stops there, its rows so far are kept)."""
    if samples_per_epoch % batch_size:
        raise ValueError(f"batch_size={batch_size} must divide samples_per_epoch={samples_per_epoch}")
    steps = samples_per_epoch // batch_size
    K = chunk_steps(steps, batch_size) if chunked else 1
    U, V = init_student(teacher, width, init_scale, seed)
    stream = Stream(teacher, seed)
    opt = OPTIMIZERS[optimizer]([U, V], lr)
    sched = StepLR(opt, step_size=halve_every, gamma=0.5)  # eta halves every `halve_every` epochs

    def row(epoch, lr_now, batch_obj, seconds):
        return dict(epoch=epoch, samples=epoch * samples_per_epoch, lr=lr_now,
                    batch_objective=batch_obj, population_objective=population_objective(teacher, U, V),
                    U_norm=float(U.norm()), V_norm=float(V.norm()), seconds=seconds)

    rows = [row(0, float("nan"), float("nan"), 0.0)]
    status = "ok"
    with torch.no_grad(), np.errstate(all="ignore"):  # overflow is detected below, not warned
        for epoch in range(1, epochs + 1):
            t0 = time.perf_counter()
            lr_now = opt.param_groups[0]["lr"]
            X, Y = stream.draw(steps, batch_size)
            if optimizer == "sgd":
                R = torch.from_numpy(sgd_epoch(U.numpy(), V.numpy(), X.numpy(), Y.numpy(), lr_now, K))
                opt.step()  # no gradients are set, so this only keeps the scheduler's bookkeeping in order
            else:
                R = torch_epoch(U, V, X, Y, opt)
            batch_obj = 0.5 * float(R.double().square().sum()) / samples_per_epoch
            rows.append(row(epoch, lr_now, batch_obj, time.perf_counter() - t0))
            if not (math.isfinite(batch_obj) and math.isfinite(rows[-1]["population_objective"])):
                status = "diverged"
                break
            sched.step()
    return rows, status
