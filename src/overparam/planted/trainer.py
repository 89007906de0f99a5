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
textbook loop). The Gram matrix depends only on the inputs, so the runs of one seed at other
widths and etas, which see the same inputs, share it (`train_points`). The kernels take runs
stacked along a leading axis; on the CPU `train_points` gives each its own seed (see there for
how threads share the seeds), on a GPU all seeds at once.
Momentum and Adam (`rule_epoch`) take the same gradients one step at a time, the seeds stacked
the same way, and apply the update rules of torch.optim.SGD(momentum=0.9) and torch.optim.Adam
written out in compiled loops, one call per run and epoch (the tests check them against
torch.optim): torch.optim's per-step bookkeeping costs about 0.4 ms a step here, ten times the
arithmetic of a step at r = 120.
`torch_epoch` runs any torch.optim optimizer on the same gradients, for those tests.
For every optimizer eta halves every `halve_every` epochs.

Every epoch also logs how far the student has moved from its initialization, relative to it,
||U_t - U_0|| / ||U_0|| and ||V_t - V_0|| / ||V_0|| (lazy training keeps both small), and
`train_points` returns each run's final weights.
"""
import math
import queue
import time
from concurrent.futures import ThreadPoolExecutor

import numba
import numpy as np
import scipy.linalg.cython_blas  # noqa: F401  (loaded now, so that the job's thread limit covers the BLAS numba calls)
import torch

from overparam.planted.model import Stream, init_student, population_objective
from overparam.relu.two_layer import Teacher

# "sgd" is plain SGD, computed by `sgd_epoch`; these by `rule_epoch`, with the update rules of
# (and the same settings as) these torch.optim optimizers.
TORCH_OPTIMIZERS = {
    "momentum": lambda params, lr: torch.optim.SGD(params, lr=lr, momentum=0.9),
    "adam": lambda params, lr: torch.optim.Adam(params, lr=lr),
}
MOMENTUM = 0.9
ADAM_BETAS, ADAM_EPS = (0.9, 0.999), 1e-8  # torch.optim.Adam's defaults
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


@numba.njit(cache=True, nogil=True, fastmath={"reassoc", "contract"})
def _dot(x, y):
    """x . y, summed in SIMD lanes (the reordering is what lets it vectorize)."""
    t = x.dtype.type(0)
    for j in range(x.size):
        t += x[j] * y[j]
    return t


@numba.njit(cache=True, nogil=True, inline="always")
def _add_rows(h, w, rows, scale):
    """h += sum_b (w[b] * scale) rows[b], b in order, four rows per pass over h: each element
    takes the same additions in the same order as one row at a time, with a quarter of the loads
    and stores of h, which set the time of these short loops."""
    r, nb = h.size, len(rows)
    b = 0
    while b + 4 <= nb:
        w0, w1, w2, w3 = w[b] * scale, w[b + 1] * scale, w[b + 2] * scale, w[b + 3] * scale
        g0, g1, g2, g3 = rows[b], rows[b + 1], rows[b + 2], rows[b + 3]
        for j in range(r):
            t = h[j]
            t += w0 * g0[j]
            t += w1 * g1[j]
            t += w2 * g2[j]
            t += w3 * g3[j]
            h[j] = t
        b += 4
    for b in range(b, nb):
        wb, g = w[b] * scale, rows[b]
        for j in range(r):
            h[j] += wb * g[j]


@numba.njit(cache=True, nogil=True)  # nogil: the seeds of a job can train in threads
def chunk_run(U, P, gram, Y, G, R, H, A, c):
    """The K steps of one chunk for one run: every step's small products and element-wise
    work, where NumPy needs a dozen calls a step and the calls, not the arithmetic, set the
    time. U (n, r) is updated in place; P (K*m, r) is the chunk's inputs times V at its start,
    gram (K*m, K*m) its Gram matrix, Y (K, m, n) its labels; G (K*m, r) receives m * dObj/dH
    and R (K, m, n) the residuals of every step; H and A (m, r) are work space. The loops run
    along the width, the contiguous axis, so that they vectorize."""
    K, m, n = Y.shape
    r = U.shape[1]
    one = U.dtype.type(1)
    eT = np.empty((n, m), U.dtype)  # the step's residuals, transposed for dU
    acc = np.empty(r, U.dtype)
    for s in range(K):
        q0 = s * m
        for a in range(m):
            h, al = H[a], A[a]
            for j in range(r):  # explicit loops, here and below: slice assignments cost 7 s of compilation
                h[j] = P[q0 + a, j]
            _add_rows(h, gram[q0 + a, :q0], G[:q0], -c)  # H -= c gram[step rows, earlier rows] @ G[earlier rows]
            for j in range(r):
                al[j] = h[j] if h[j] > 0 else 0
            for k in range(n):  # e = A U^T - Y
                e = _dot(al, U[k]) - Y[s, a, k]
                R[s, a, k] = eT[k, a] = e
        for a in range(m):  # g = (e U) * 1(H > 0)
            g, h = G[q0 + a], H[a]
            for j in range(r):
                g[j] = 0
            _add_rows(g, R[s, a], U, one)
            for j in range(r):
                if h[j] <= 0:
                    g[j] = 0
        for k in range(n):  # U -= c e^T A
            for j in range(r):
                acc[j] = 0
            _add_rows(acc, eT[k], A, one)
            u = U[k]
            for j in range(r):
                u[j] -= c * acc[j]


def grams(X: np.ndarray) -> np.ndarray:
    """The chunks' Gram matrices X_chunk X_chunk^T, (S, chunks, K*m, K*m), for X in `sgd_epoch`'s
    layout: they depend only on the inputs, so runs of one data stream share them."""
    return np.matmul(X, X.transpose(0, 1, 3, 2))


@numba.njit(cache=True, nogil=True)
def sgd_run(U, V, X, Y, gram, R, c):
    """One epoch of one run, compiled: per chunk the two large products (BLAS) and `chunk_run`.
    U (n, r), V (D, r) in place; X (chunks, K*m, D), Y and R (chunks, K, m, n), gram (chunks,
    K*m, K*m); c = eta / m."""
    chunks, Km, D = X.shape
    m, r = Y.shape[2], U.shape[1]
    H, A = np.empty((m, r), U.dtype), np.empty((m, r), U.dtype)
    P, G, dV = np.empty((Km, r), U.dtype), np.empty((Km, r), U.dtype), np.empty_like(V)
    for q in range(chunks):
        np.dot(X[q], V, P)
        chunk_run(U, P, gram[q], Y[q], G, R[q], H, A, c)
        np.dot(X[q].T, G, dV)
        for b in range(D):
            for j in range(r):
                V[b, j] -= dV[b, j] * c


def sgd_epoch(U: np.ndarray, V: np.ndarray, X: np.ndarray, Y: np.ndarray, lr: float, K: int,
              gram: np.ndarray | None = None) -> np.ndarray:
    """Plain SGD for S independent runs, regrouped in chunks of K steps (see the module
    docstring). U (S, n, r) and V (S, D, r) are updated in place; X is (S, chunks, K*m, D) and
    Y (S, chunks, K, m, n); `gram` is `grams(X)`, computed here when not given. Returns every
    step's residuals, (S, chunks, K, m, n).

    Each run's epoch is one compiled call (`sgd_run`): its 125 chunks (at the default batch of
    10) cost no Python call each. Every run gets exactly the arithmetic (and the bits) it would
    get alone."""
    m = X.shape[2] // K
    c = U.dtype.type(lr / m)  # in the runs' precision, as NumPy would apply it
    R = np.empty(Y.shape, U.dtype)
    if gram is None:
        gram = grams(X)
    for i in range(len(U)):
        sgd_run(U[i], V[i], X[i], Y[i], gram[i], R[i], c)
    return R


def sgd_epoch_torch(U: torch.Tensor, V: torch.Tensor, X: torch.Tensor, Y: torch.Tensor, lr: float,
                    K: int) -> torch.Tensor:
    """`sgd_epoch` in torch, for a GPU: the same chunked iterates, the same layouts, with the
    runs batched in every product (bmm) instead of compiled run by run. On a GPU each call is a
    kernel launch, so the step count, not the width or the number of runs, sets its time."""
    S, chunks, Km, D = X.shape
    m = Km // K
    n, r = U.shape[1], U.shape[2]
    c = lr / m
    R = torch.empty((S, chunks, K, m, n), dtype=U.dtype, device=U.device)
    P = torch.empty((S, Km, r), dtype=U.dtype, device=U.device)
    Sg = torch.empty((S, Km, Km), dtype=U.dtype, device=U.device)
    G = torch.zeros((S, Km, r), dtype=U.dtype, device=U.device)
    for q in range(chunks):
        Xc = X[:, q]
        torch.bmm(Xc, V, out=P)
        torch.bmm(Xc, Xc.transpose(1, 2), out=Sg)
        Sg.mul_(-c)
        for s in range(K):
            rows = slice(s * m, (s + 1) * m)
            H = torch.baddbmm(P[:, rows], Sg[:, rows, : s * m], G[:, : s * m])  # P + the chunk's earlier V updates
            A = H.clamp_min(0)
            e = torch.baddbmm(Y[:, q, s], A, U.transpose(1, 2), beta=-1)  # A U^T - Y
            R[:, q, s] = e
            G[:, rows] = torch.bmm(e, U) * (H > 0)
            U.sub_(torch.bmm(e.transpose(1, 2), A), alpha=c)
        V.sub_(torch.bmm(Xc.transpose(1, 2), G), alpha=c)
    return R


@numba.njit(cache=True, nogil=True)
def _step_grads(U, V, x, y, e, H, A, G, dU, dV, mf):
    """The gradients of `gradients` on one batch (x, y) for one run, into dU (n, r) and dV (D, r);
    e (m, n) receives the residuals, H, A, G (m, r) are work space; mf is m in the runs' precision.
    The products with the inputs go to BLAS, the rest is loops along the width."""
    m, r = H.shape
    n = U.shape[0]
    np.dot(x, V, H)
    for a in range(m):
        for j in range(r):
            A[a, j] = H[a, j] if H[a, j] > 0 else 0
    np.dot(A, U.T, e)
    for a in range(m):
        for k in range(n):
            e[a, k] -= y[a, k]
    np.dot(e.T, A, dU)
    for k in range(n):
        for j in range(r):
            dU[k, j] /= mf
    np.dot(e, U, G)
    for a in range(m):
        for j in range(r):
            if H[a, j] <= 0:
                G[a, j] = 0
    np.dot(x.T, G, dV)
    for b in range(dV.shape[0]):
        for j in range(r):
            dV[b, j] /= mf


@numba.njit(cache=True, nogil=True)
def _momentum_update(p, b, g, lr, beta, first):
    p, b, g = p.reshape(p.size), b.reshape(b.size), g.reshape(g.size)
    for i in range(p.size):
        b[i] = g[i] if first else b[i] * beta + g[i]
        p[i] -= lr * b[i]


@numba.njit(cache=True, nogil=True)
def momentum_run(U, V, X, Y, R, bU, bV, lr, beta, first, mf):
    """An epoch of heavy-ball SGD for one run, compiled: X (steps, m, D), Y and R (steps, m, n);
    U, V and the buffers bU, bV updated in place; `first`: the buffers start at this epoch."""
    m, r = X.shape[1], U.shape[1]
    H, A, G = np.empty((m, r), U.dtype), np.empty((m, r), U.dtype), np.empty((m, r), U.dtype)
    dU, dV = np.empty_like(U), np.empty_like(V)
    for s in range(X.shape[0]):
        _step_grads(U, V, X[s], Y[s], R[s], H, A, G, dU, dV, mf)
        _momentum_update(U, bU, dU, lr, beta, first and s == 0)
        _momentum_update(V, bV, dV, lr, beta, first and s == 0)


@numba.njit(cache=True, nogil=True, error_model="numpy")  # no zero-division branch: the loop vectorizes
def _adam_update(p, g, m, v, one_minus_b1, b2, one_minus_b2, step_size, bc2_sqrt, eps):
    """One Adam update, element by element in torch's order (see Adam)."""
    p, g, m, v = p.reshape(p.size), g.reshape(g.size), m.reshape(m.size), v.reshape(v.size)
    for i in range(p.size):
        m[i] += one_minus_b1 * (g[i] - m[i])
        v[i] = v[i] * b2 + one_minus_b2 * (g[i] * g[i])
        p[i] -= step_size * (m[i] / (np.sqrt(v[i]) / bc2_sqrt + eps))


@numba.njit(cache=True, nogil=True)
def adam_run(U, V, X, Y, R, mU, mV, vU, vV, one_minus_b1, b2, one_minus_b2, step_size, bc2_sqrt, eps, mf):
    """An epoch of Adam for one run, compiled (layouts of `momentum_run`); step s uses
    step_size[s] and bc2_sqrt[s], its bias corrections."""
    m, r = X.shape[1], U.shape[1]
    H, A, G = np.empty((m, r), U.dtype), np.empty((m, r), U.dtype), np.empty((m, r), U.dtype)
    dU, dV = np.empty_like(U), np.empty_like(V)
    for s in range(X.shape[0]):
        _step_grads(U, V, X[s], Y[s], R[s], H, A, G, dU, dV, mf)
        _adam_update(U, dU, mU, vU, one_minus_b1, b2, one_minus_b2, step_size[s], bc2_sqrt[s], eps)
        _adam_update(V, dV, mV, vV, one_minus_b1, b2, one_minus_b2, step_size[s], bc2_sqrt[s], eps)


class Momentum:
    """torch.optim.SGD(momentum=0.9, dampening=0, nesterov=False) for stacked runs: the buffer
    starts as the first gradient, then b = 0.9 b + g, and p -= eta b."""

    def __init__(self, U, V):
        self.bU, self.bV = np.zeros_like(U), np.zeros_like(V)
        self.t = 0  # steps taken

    def run(self, i, U, V, X, Y, R, lr):
        """One epoch of run i (the arrays are its own)."""
        f = U.dtype.type  # constants in the arrays' precision, as NumPy and torch apply them
        momentum_run(U, V, X, Y, R, self.bU[i], self.bV[i], f(lr), f(MOMENTUM), self.t == 0, f(X.shape[1]))


class Adam:
    """torch.optim.Adam (amsgrad=False, no weight decay) for stacked runs, in the order of torch's
    single-tensor update: m lerps towards g, v = b2 v + (1 - b2) g^2, and
    p -= (eta / (1 - b1^t)) m / (sqrt(v) / sqrt(1 - b2^t) + eps)."""

    def __init__(self, U, V):
        self.mU, self.mV = np.zeros_like(U), np.zeros_like(V)
        self.vU, self.vV = np.zeros_like(U), np.zeros_like(V)
        self.t = 0

    def run(self, i, U, V, X, Y, R, lr):
        b1, b2 = ADAM_BETAS
        f = U.dtype.type
        steps = range(self.t + 1, self.t + X.shape[0] + 1)  # the bias corrections in Python floats, as torch's
        step_size = np.array([lr / (1 - b1**t) for t in steps], U.dtype)
        bc2_sqrt = np.array([(1 - b2**t) ** 0.5 for t in steps], U.dtype)
        adam_run(U, V, X, Y, R, self.mU[i], self.mV[i], self.vU[i], self.vV[i], f(1 - b1), f(b2), f(1 - b2),
                 step_size, bc2_sqrt, f(ADAM_EPS), f(X.shape[1]))


RULES = {"momentum": Momentum, "adam": Adam}


def rule_epoch(U: np.ndarray, V: np.ndarray, X: np.ndarray, Y: np.ndarray, lr: float, rule) -> np.ndarray:
    """One epoch of an update `rule` (Momentum, Adam) for S stacked runs, one step per batch:
    U (S, n, r) and V (S, D, r) in place; X (S, steps, m, D), Y (S, steps, m, n). Returns the
    residuals (S, steps, m, n). Each run's epoch is one compiled call (`momentum_run`,
    `adam_run`): NumPy needed about twenty calls a step, and the calls, not the arithmetic, set
    the time (two to three times plain SGD's)."""
    R = np.empty(Y.shape, U.dtype)
    for i in range(len(U)):
        rule.run(i, U[i], V[i], X[i], Y[i], R[i], lr)
    rule.t += X.shape[1]
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


def train(teacher: Teacher, *, width: int, lr: float, **kw):
    """`train_points` at the one point (width, lr): {seed: (rows, status, (U, V))}."""
    runs = train_points(teacher, points=[(width, lr)], **kw)
    return {seed: run for (_, _, seed), run in runs.items()}


def train_points(teacher: Teacher, *, points, batch_size: int, epochs: int, init_scale: float = 1.0,
                 optimizer: str = "sgd", seeds=(0,), samples_per_epoch: int = 10_000, halve_every: int = 50,
                 device="cpu", kernel: str = "auto", threads: int = 1):
    """Train one student per seed at every point (width, eta) of `points`, all with the other
    settings the same. Returns {(width, eta, seed): (rows, status, (U, V))}: one dict per epoch
    (epoch 0 is the initialization); 'ok', or 'diverged' once the objective became NaN or inf
    (that run's log stops there; the others go on); the final weights as float32 arrays (those
    of the last logged epoch). Each seed has its own init and data stream, so a run's log does
    not depend on the other seeds or the other points.

    A seed's data stream does not depend on the width or eta either, so all the points of a
    seed train on one draw per epoch (and, for plain SGD, one set of chunk Gram matrices): a
    paired comparison of the points, and the draw, a third of an epoch's work at r = 120, is
    paid once instead of once per point.

    `device`: where plain SGD trains; inits and data are drawn on the CPU, so every device
    sees the same numbers. It runs `sgd_epoch` (NumPy, compiled steps) on the CPU and
    `sgd_epoch_torch` elsewhere; kernel="torch" runs the latter on the CPU too (to check it).
    Momentum and Adam run on the CPU.

    On the CPU every seed trains on its own, and `threads` workers take the seeds' epochs in
    turn (the next epoch of the seed that waited longest), so that no worker idles while
    another has work: 5 seeds on 2 workers finish together, where a split of whole seeds
    would leave one worker with 3. A worker does all of an epoch's work, drawing and logging
    included. Each seed's arithmetic is the same whatever the schedule, so the logs do not
    depend on it. On a GPU the seeds train stacked, one epoch of all of them per call."""
    if samples_per_epoch % batch_size:
        raise ValueError(f"batch_size={batch_size} must divide samples_per_epoch={samples_per_epoch}")
    if optimizer not in ("sgd", *RULES):
        raise ValueError(f"optimizer={optimizer!r}: one of sgd, {', '.join(RULES)}")
    points = [(int(w), float(lr)) for w, lr in points]
    if len(set(points)) < len(points):
        raise ValueError(f"points {points} list a (width, lr) twice")
    device = torch.device(device)
    on_torch = optimizer == "sgd" and (kernel == "torch" or device.type != "cpu")
    seeds = list(seeds)
    groups = [seeds] if on_torch else [[s] for s in seeds]
    settings = dict(batch_size=batch_size, init_scale=init_scale, optimizer=optimizer,
                    samples_per_epoch=samples_per_epoch, halve_every=halve_every)
    results = {}
    todo = queue.SimpleQueue()  # seed groups waiting for their next epoch, longest-waiting first
    for g in groups:
        todo.put(train_group(teacher, g, points, epochs, results, device if on_torch else None, **settings))

    def worker():
        with torch.no_grad(), np.errstate(all="ignore"):  # per thread; overflow is detected in the log
            while True:
                try:
                    group = todo.get_nowait()
                except queue.Empty:
                    return
                if next(group, None) is not None:  # one epoch done, more to come
                    todo.put(group)

    workers = 1 if on_torch else max(1, min(threads, len(groups)))
    with ThreadPoolExecutor(workers) as pool:
        for f in [pool.submit(worker) for _ in range(workers)]:
            f.result()  # re-raises a worker's exception
    return {(w, lr, seed): results[w, lr, seed] for w, lr in points for seed in seeds}


class Point:
    """The runs of one seed group at one point (width, eta): their stacked weights, optimizer
    state, logs and status."""

    def __init__(self, teacher: Teacher, seeds: list, width: int, lr: float, init_scale: float, optimizer: str,
                 samples_per_epoch: int, device):
        self.teacher, self.width, self.lr, self.device = teacher, width, lr, device
        self.samples_per_epoch = samples_per_epoch
        students = [init_student(teacher, width, init_scale, s) for s in seeds]
        # the runs' weights stacked; each run's U, V are views of the stack
        self.U = np.stack([u.numpy() for u, _ in students])
        self.V = np.stack([v.numpy() for _, v in students])
        self.U_init, self.V_init = self.U.copy(), self.V.copy()
        self.students = [(torch.from_numpy(self.U[i]), torch.from_numpy(self.V[i])) for i in range(len(seeds))]
        self.rule = None if optimizer == "sgd" else RULES[optimizer](self.U, self.V)
        if device is not None:  # the device's copy trains; U, V receive it after every epoch, for the log
            self.U_dev, self.V_dev = torch.from_numpy(self.U).to(device), torch.from_numpy(self.V).to(device)
        self.final = {}
        self.logs = {i: [self.row(i, 0, float("nan"), float("nan"), 0.0)] for i in range(len(seeds))}
        self.status = {i: "ok" for i in range(len(seeds))}

    def live(self) -> bool:
        return any(s == "ok" for s in self.status.values())

    def epoch(self, lr_now: float, X, Y, K: int, gram) -> list:
        """One epoch of every run on the shared draw (layouts of `train_group`); returns each
        run's summed squared residuals."""
        S = len(self.status)
        if self.rule is not None:
            R = rule_epoch(self.U, self.V, X, Y, lr_now, self.rule)
        elif self.device is not None:
            R = sgd_epoch_torch(self.U_dev, self.V_dev, X, Y, lr_now, K).cpu().numpy()
            self.U[:], self.V[:] = self.U_dev.cpu().numpy(), self.V_dev.cpu().numpy()
        else:
            R = sgd_epoch(self.U, self.V, X, Y, lr_now, K, gram)
        return [np.square(R[i], dtype=np.float64).sum() for i in range(S)]

    def row(self, i, epoch, lr_now, batch_obj, seconds):
        u, v = self.students[i]
        self.final[i] = (self.U[i].copy(), self.V[i].copy())
        # float64 norms of the float32 differences: the same bits whatever the other seeds do
        moved = {f"{name}_dist": float(np.linalg.norm((w[i] - w0[i]).astype(np.float64))
                                       / np.linalg.norm(w0[i].astype(np.float64)))
                 for name, w, w0 in (("U", self.U, self.U_init), ("V", self.V, self.V_init))}
        return dict(epoch=epoch, samples=epoch * self.samples_per_epoch, lr=lr_now, batch_objective=batch_obj,
                    population_objective=population_objective(self.teacher, u, v),
                    U_norm=float(u.norm()), V_norm=float(v.norm()), **moved, seconds=seconds)

    def log(self, epoch, lr_now, sq, seconds):
        for i in [i for i in self.status if self.status[i] == "ok"]:
            self.logs[i].append(self.row(i, epoch, lr_now, 0.5 * float(sq[i]) / self.samples_per_epoch, seconds))
            if not (math.isfinite(self.logs[i][-1]["batch_objective"])
                    and math.isfinite(self.logs[i][-1]["population_objective"])):
                self.status[i] = "diverged"


def train_group(teacher: Teacher, seeds: list, points: list, epochs: int, results: dict, device, *, batch_size,
                init_scale, optimizer, samples_per_epoch, halve_every):
    """Train the runs of `seeds` (stacked) at every point, one epoch of all of them per `next()`
    (a generator, so that `train_points`' workers can take turns); each run's (rows, status,
    (U, V)) goes into `results[width, lr, seed]` at the end. `device`: train plain SGD there
    with `sgd_epoch_torch` (None: `sgd_epoch` on the CPU)."""
    steps = samples_per_epoch // batch_size
    K = chunk_steps(steps, batch_size)
    S = len(seeds)
    streams = [Stream(teacher, s) for s in seeds]
    runs = [Point(teacher, seeds, w, lr, init_scale, optimizer, samples_per_epoch, device) for w, lr in points]
    # the epoch's samples, drawn into the same buffers every epoch
    Xb = torch.empty(S, steps, batch_size, teacher.D)
    Yb = torch.empty(S, steps, batch_size, teacher.n)
    for epoch in range(1, epochs + 1):
        t0 = time.perf_counter()
        halvings = (epoch - 1) // halve_every  # eta halves every `halve_every` epochs
        for i, st in enumerate(streams):
            st.draw(steps, batch_size, out=(Xb[i], Yb[i]))
        X, Y = Xb.numpy(), Yb.numpy()
        gram = None
        if optimizer == "sgd":
            X, Y = X.reshape(S, steps // K, K * batch_size, -1), Y.reshape(S, steps // K, K, batch_size, -1)
            if device is not None:
                X, Y = torch.from_numpy(X).to(device), torch.from_numpy(Y).to(device)
            else:
                gram = grams(X)
        live = [p for p in runs if p.live()]
        shared = (time.perf_counter() - t0) / len(live)  # each point's share of the draw
        for p in live:
            t1 = time.perf_counter()
            lr_now = p.lr * 0.5**halvings
            sq = p.epoch(lr_now, X, Y, K, gram)
            seconds = (shared + time.perf_counter() - t1) / S  # per run: the stacked runs share the work
            p.log(epoch, lr_now, sq, seconds)
        if not any(p.live() for p in runs):
            break
        if epoch < epochs:
            yield epoch
    for p in runs:
        for i, seed in enumerate(seeds):
            results[p.width, p.lr, seed] = (p.logs[i], p.status[i], p.final[i])
