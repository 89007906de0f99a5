"""SGD on the planted teacher (problem V2(b)) with hand-written gradients.

One step on a mini-batch (X, Y) of m fresh samples, with H = X V and A = relu(H):
    E   = A U^T - Y                      residuals, (m, n)
    obj = (1/m) sum_i (1/2) |E_i|^2      the mini-batch objective
    dU  = (1/m) E^T A                    (n, r)
    dV  = (1/m) X^T [(E U) * 1(H > 0)]   (D, r)

Why not autograd: at batch 10 every step is a handful of tiny matrix products, and graph
bookkeeping plus per-call dispatch (about 5 us a call in torch, 3 in NumPy) cost more than
the arithmetic. The plain-SGD epoch (`sgd_epoch`) therefore runs on NumPy arrays and
regroups the work of K consecutive steps so that the two products with the D-dimensional
input run as large, efficient matrix products:

    after s steps of a chunk V_s = V_c - (eta/m) sum_{j<s} X_j^T G_j,  so
    X_s V_s = X_s V_c - (eta/m) sum_{j<s} (X_s X_j^T) G_j.

`P = X_chunk V_c` and the Gram matrix `X_chunk X_chunk^T` are one product each per chunk,
each step adds a small correction, and V takes the chunk's K updates in one product. The K
steps in between are small products and element-wise work, compiled (`chunk_run`). This
is the same SGD iterate sequence in exact arithmetic (the tests check it against the
textbook loop). The seeds of a sweep point train together, stacked along a leading axis,
which shares the per-call cost among them without changing any run's arithmetic.
Other optimizers (momentum, Adam) take the same gradients through torch.optim, one step at
a time and one seed after the other. For every optimizer eta halves every `halve_every` epochs.
"""
import math
import time
from concurrent.futures import ThreadPoolExecutor

import numba
import numpy as np
import scipy.linalg.cython_blas  # noqa: F401  (loaded now, so that the job's thread limit covers the BLAS numba calls)
import torch

from .planted import Stream, Teacher, init_student, population_objective

# "sgd" is plain SGD, computed by `sgd_epoch`; these go through torch.optim.
TORCH_OPTIMIZERS = {
    "momentum": lambda params, lr: torch.optim.SGD(params, lr=lr, momentum=0.9),
    "adam": lambda params, lr: torch.optim.Adam(params, lr=lr),
}
CHUNK_ROWS = 80  # samples per regrouped chunk: large enough for efficient matrix products


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


@numba.njit(cache=True, nogil=True)  # nogil: the seeds of a job can train in threads
def chunk_run(U, P, Sg, Y, G, R, H, A, c):
    """The K steps of one chunk for one run, compiled: every step's small products and
    element-wise work in one call, where NumPy needs a dozen calls a step and the calls, not
    the arithmetic, set the time. U (n, r) is updated in place; P (K*m, r) is the chunk's
    inputs times V at its start, Sg (K*m, K*m) -c times its Gram matrix, Y (K, m, n) its
    labels; G (K*m, r) receives m * dObj/dH and R (K, m, n) the residuals of every step;
    H and A (m, r) are work space. The loops run along the width, the contiguous axis, so
    that they vectorize without reordering any sum."""
    K, m, n = Y.shape
    r = U.shape[1]
    acc = np.empty(r, U.dtype)
    for s in range(K):
        q0 = s * m
        H[:] = P[q0:q0 + m]
        for b in range(q0):  # H += Sg[step rows, earlier rows] @ G[earlier rows]
            for a in range(m):
                w = Sg[q0 + a, b]
                for j in range(r):
                    H[a, j] += w * G[b, j]
        for a in range(m):
            for j in range(r):
                A[a, j] = H[a, j] if H[a, j] > 0 else 0
        e = np.dot(A, U.T)  # (m, n): a reduction along the width, left to BLAS
        for a in range(m):
            for k in range(n):
                e[a, k] -= Y[s, a, k]
                R[s, a, k] = e[a, k]
        for a in range(m):  # g = (e U) * 1(H > 0)
            g = G[q0 + a]
            g[:] = 0
            for k in range(n):
                w = e[a, k]
                for j in range(r):
                    g[j] += w * U[k, j]
            for j in range(r):
                if H[a, j] <= 0:
                    g[j] = 0
        for k in range(n):  # U -= c e^T A
            acc[:] = 0
            for a in range(m):
                w = e[a, k]
                for j in range(r):
                    acc[j] += w * A[a, j]
            for j in range(r):
                U[k, j] -= c * acc[j]


def sgd_epoch(U: np.ndarray, V: np.ndarray, X: np.ndarray, Y: np.ndarray, lr: float, K: int) -> np.ndarray:
    """Plain SGD for S independent runs at once, regrouped in chunks of K steps (see the module
    docstring). U (S, n, r) and V (S, D, r) are updated in place; X is (chunks, S, K*m, D) and
    Y (chunks, K, S, m, n). Returns every step's residuals, (chunks, K, S, m, n).

    The chunk's three large products are stacked matmuls over the runs (BLAS at full rate);
    its K steps run compiled, run by run (`chunk_run`). Every run gets exactly the
    arithmetic (and the bits) it would get alone."""
    _, S, Km, D = X.shape
    m = Km // K
    _, n, r = U.shape
    f = U.dtype
    c = f.type(lr / m)  # in the runs' precision, as NumPy would apply it
    R = np.empty((X.shape[0], K, S, m, n), f)
    H, A = np.empty((m, r), f), np.empty((m, r), f)
    dV = np.empty_like(V)
    P = np.empty((S, Km, r), f)   # chunk inputs times V at the chunk's start
    Sg = np.empty((S, Km, Km), f)  # -c times the chunk's Gram matrix
    G = np.empty((S, Km, r), f)   # m * dObj/dH of every step of the chunk
    for Xc, Rc, Yc in zip(X, R, Y):
        np.matmul(Xc, V, out=P)
        np.matmul(Xc, Xc.transpose(0, 2, 1), out=Sg)
        Sg *= -c
        for i in range(S):
            chunk_run(U[i], P[i], Sg[i], Yc[:, i], G[i], Rc[:, i], H, A, c)
        np.matmul(Xc.transpose(0, 2, 1), G, out=dV)
        dV *= c
        V -= dV
    return R


def sgd_epoch_torch(U: torch.Tensor, V: torch.Tensor, X: torch.Tensor, Y: torch.Tensor, lr: float,
                    K: int) -> torch.Tensor:
    """`sgd_epoch` in torch, for a GPU: the same chunked iterates, the same layouts, with the
    runs batched in every product (bmm) instead of compiled run by run. On a GPU each call is a
    kernel launch, so the step count, not the width or the number of runs, sets its time."""
    _, S, Km, D = X.shape
    m = Km // K
    n, r = U.shape[1], U.shape[2]
    c = lr / m
    R = torch.empty((X.shape[0], K, S, m, n), dtype=U.dtype, device=U.device)
    P = torch.empty((S, Km, r), dtype=U.dtype, device=U.device)
    Sg = torch.empty((S, Km, Km), dtype=U.dtype, device=U.device)
    G = torch.zeros((S, Km, r), dtype=U.dtype, device=U.device)
    for Xc, Rc, Yc in zip(X, R, Y):
        torch.bmm(Xc, V, out=P)
        torch.bmm(Xc, Xc.transpose(1, 2), out=Sg)
        Sg.mul_(-c)
        for s in range(K):
            q = slice(s * m, (s + 1) * m)
            H = torch.baddbmm(P[:, q], Sg[:, q, : s * m], G[:, : s * m])  # P + the chunk's earlier V updates
            A = H.clamp_min(0)
            e = torch.baddbmm(Yc[s], A, U.transpose(1, 2), beta=-1)  # A U^T - Y
            Rc[s] = e
            G[:, q] = torch.bmm(e, U) * (H > 0)
            U.sub_(torch.bmm(e.transpose(1, 2), A), alpha=c)
        V.sub_(torch.bmm(Xc.transpose(1, 2), G), alpha=c)
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


def stack_epoch(draws, K):
    """Per-run (X, Y) draws of shape (steps, m, D), (steps, m, n) -> sgd_epoch's layouts."""
    steps, m, D = draws[0][0].shape
    X = np.stack([x.numpy().reshape(steps // K, K * m, D) for x, _ in draws], axis=1)
    Y = np.stack([y.numpy().reshape(steps // K, K, m, -1) for _, y in draws], axis=2)
    return X, Y


def quiet(f, *args):
    """f(*args) with NumPy's overflow warnings off in this thread (error states are per thread)."""
    with np.errstate(all="ignore"):
        return f(*args)


def train(teacher: Teacher, *, width: int, lr: float, batch_size: int, epochs: int,
          init_scale: float = 1.0, optimizer: str = "sgd", seeds=(0,),
          samples_per_epoch: int = 10_000, halve_every: int = 50, device="cpu", kernel: str = "auto",
          threads: int = 1):
    """Train one student per seed, all with the same settings. Returns {seed: (rows, status)}:
    one dict per epoch (epoch 0 is the initialization) and 'ok', or 'diverged' once the
    objective became NaN or inf (that run's log stops there; the others go on). Each seed
    has its own init and data stream, so a run's log does not depend on the other seeds.

    `device`: where the students train; inits and data are drawn on the CPU, so every device
    sees the same numbers. Plain SGD runs `sgd_epoch` (NumPy, compiled steps) on the CPU and
    `sgd_epoch_torch` elsewhere; kernel="torch" runs the latter on the CPU too (to check it).
    `threads`: on the CPU, plain SGD splits the seeds among this many threads (each seed's
    arithmetic is the same whatever the split, so the logs do not depend on it)."""
    if samples_per_epoch % batch_size:
        raise ValueError(f"batch_size={batch_size} must divide samples_per_epoch={samples_per_epoch}")
    steps = samples_per_epoch // batch_size
    K = chunk_steps(steps, batch_size)
    seeds = list(seeds)
    students = [init_student(teacher, width, init_scale, s) for s in seeds]
    streams = [Stream(teacher, s) for s in seeds]
    device = torch.device(device)
    on_torch = kernel == "torch" or device.type != "cpu"
    if optimizer == "sgd":  # the seeds train together: U, V stacked, each run a view of them
        U = np.stack([u.numpy() for u, _ in students])
        V = np.stack([v.numpy() for _, v in students])
        if on_torch:
            U, V = torch.from_numpy(U).to(device), torch.from_numpy(V).to(device)
            students = [(U[i], V[i]) for i in range(len(seeds))]
        else:
            students = [(torch.from_numpy(U[i]), torch.from_numpy(V[i])) for i in range(len(seeds))]
    else:
        students = [(u.to(device), v.to(device)) for u, v in students]
        opts = [TORCH_OPTIMIZERS[optimizer]([u, v], lr) for u, v in students]

    def row(i, epoch, lr_now, batch_obj, seconds):
        u, v = students[i]
        return dict(epoch=epoch, samples=epoch * samples_per_epoch, lr=lr_now,
                    batch_objective=batch_obj, population_objective=population_objective(teacher, u.cpu(), v.cpu()),
                    U_norm=float(u.norm()), V_norm=float(v.norm()), seconds=seconds)

    logs = {i: [row(i, 0, float("nan"), float("nan"), 0.0)] for i in range(len(seeds))}
    status = {i: "ok" for i in range(len(seeds))}
    # seed groups for the threads: contiguous slices, so each group's U, V are views of the stack
    groups = [slice(g[0], g[-1] + 1) for g in np.array_split(np.arange(len(seeds)), min(threads, len(seeds)))]
    with ThreadPoolExecutor(len(groups)) as pool, torch.no_grad(), np.errstate(all="ignore"):  # overflow is detected below
        for epoch in range(1, epochs + 1):
            t0 = time.perf_counter()
            lr_now = lr * 0.5 ** ((epoch - 1) // halve_every)  # eta halves every `halve_every` epochs
            draws = [st.draw(steps, batch_size) for st in streams]
            if optimizer == "sgd":
                if on_torch:
                    X, Y = (torch.from_numpy(a).to(device) for a in stack_epoch(draws, K))
                    R = sgd_epoch_torch(U, V, X, Y, lr_now, K).cpu().numpy()
                else:
                    X, Y = stack_epoch(draws, K)
                    R = np.concatenate(list(pool.map(
                        lambda g: quiet(sgd_epoch, U[g], V[g], X[:, g], Y[:, :, g], lr_now, K), groups)), axis=2)
                # each run's sum over its own contiguous copy: the same bits as when it trains alone
                sq = [np.square(np.ascontiguousarray(R[:, :, i]), dtype=np.float64).sum() for i in range(len(seeds))]
            else:
                for o in opts:
                    o.param_groups[0]["lr"] = lr_now
                sq = [float(torch_epoch(u, v, x.to(device), y.to(device), o).double().square().sum())
                      for (u, v), (x, y), o in zip(students, draws, opts)]
            seconds = (time.perf_counter() - t0) / len(seeds)  # per run: the seeds share the work
            for i in [i for i in status if status[i] == "ok"]:
                logs[i].append(row(i, epoch, lr_now, 0.5 * float(sq[i]) / samples_per_epoch, seconds))
                if not (math.isfinite(logs[i][-1]["batch_objective"])
                        and math.isfinite(logs[i][-1]["population_objective"])):
                    status[i] = "diverged"
            if all(s == "diverged" for s in status.values()):
                break
    return {seed: (logs[i], status[i]) for i, seed in enumerate(seeds)}
