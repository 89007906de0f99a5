"""Gradient descent on the exact loss of the sum-of-ReLUs teacher, run as Safran and Shamir ran
it ("Spurious local minima are common in two-layer ReLU neural networks", ICML 2018).

Objective F(W) = (1/2) E (f_W(x) - f_V(x))^2, f_W(x) = sum_j relu(<w_j, x>), x ~ N(0, I),
in float64 and closed form (the arc-cosine kernel). Their released code (findMinimum.m)
computes G = 2 pi grad F, steps W <- W - (0.1 / 2 pi) G, stops once the largest per-neuron
norm of G is at most 1e-9 (so about 1.6e-10 on grad F itself), has no iteration cap, and
restarts from the initial point with half the step if that norm exceeds 1e4. `descend` does
the same, one run per call, compiled with Numba: a run costs only its own steps, whatever the
others need (some need a million), and runs are spread over threads one at a time.

Two additions, both recorded per run:
- a safety cap on steps (`cap`), far above what runs need; the cell counts the runs that hit it;
- an optional early decision: a run whose objective has fallen below `level` while decreasing
  at every step so far is stopped there, since its label ("not spurious") can no longer change
  as long as gradient descent keeps decreasing F. The cell records the step and the largest
  rise of F seen, and the workflow checks the rule on runs taken to the end (`level = 0`).
"""
import math
from concurrent.futures import ThreadPoolExecutor

import numba
import numpy as np

# why a run stopped (the `stop` column of a cell)
TOLERANCE, BELOW_LEVEL, CAP = 0, 1, 2
STOP_NAMES = {TOLERANCE: "tolerance", BELOW_LEVEL: "below_level", CAP: "cap"}
# a rise of F below this is rounding: F is a difference of terms of size ~k^2, and the rises
# seen in runs taken to the tolerance stay below 1e-12
RISE_EPS = 1e-10
# end points of one family share their objective to ~1e-12 (gradient below 1.6e-10); the published
# objectives are rounded to 8 decimals
FAMILY_ATOL = 1e-6


# fdlibm's arccos (e_acos.c, error below 1 ulp), inlined and without branches: both of its
# branches are computed and one is selected, so a loop of them runs in SIMD lanes (about five
# times the speed of the branching form here, and twice torch's arccos) and gives the same bits.
_PIO2_HI, _PIO2_LO = 1.57079632679489655800e00, 6.12323399573676603587e-17
_P = (1.66666666666666657415e-01, -3.25565818622400915405e-01, 2.01212532134862925881e-01,
      -4.00555345006794114027e-02, 7.91534994289814532176e-04, 3.47933107596021167570e-05)
_Q = (-2.40339491173441421878e00, 2.02094576023350569471e00, -6.88283971605453293030e-01,
      7.70381505559019352791e-02)


@numba.njit(inline="always", error_model="numpy")
def _acos_r(z):
    p = z * (_P[0] + z * (_P[1] + z * (_P[2] + z * (_P[3] + z * (_P[4] + z * _P[5])))))
    return p / (1.0 + z * (_Q[0] + z * (_Q[1] + z * (_Q[2] + z * _Q[3]))))


@numba.njit(inline="always", error_model="numpy")  # numpy: 0/0 is NaN in an unselected lane
def acos(x):
    small = abs(x) < 0.5
    z = x * x if small else (1.0 - abs(x)) * 0.5  # (1 + x) / 2 for x < 0, as fdlibm
    r = _acos_r(z)
    s = math.sqrt(z)
    t = s * 134217729.0  # 2^27 + 1: df = s to 26 bits (fdlibm clears the low word), df*df exact
    df = t - (t - s)
    near_one = 2.0 * (df + (r * s + (z - df * df) / (s + df)))
    near_minus_one = math.pi - 2.0 * (s + (r * s - _PIO2_LO))
    v = near_minus_one if x < 0.0 else near_one
    v = _PIO2_HI - (x - (_PIO2_LO - x * r)) if small else v
    v = 0.0 if x >= 1.0 else v
    return math.pi if x <= -1.0 else v


@numba.njit(inline="always", error_model="numpy")
def _pair(cs):
    """For a cosine c: (pi - t, sin t + (pi - t) c, sin t), t = arccos c."""
    cs = min(1.0, max(-1.0, cs))
    a = math.pi - acos(cs)
    sn = math.sqrt((1.0 - cs) * (1.0 + cs))  # sin(arccos c), exact as c -> 1
    return a, sn + a * cs, sn


@numba.njit(cache=True, error_model="numpy")
def angle_terms(C, A, K, S):
    """_pair over a flat array of cosines C, into A (pi - t), K and S (sin t): one loop without
    branches, which the compiler runs in SIMD lanes."""
    for i in range(C.size):
        A[i], K[i], S[i] = _pair(C[i])


@numba.njit(cache=True, error_model="numpy")  # numpy: as acos needs
def kernel_sum(A, B):
    """sum_ij |a_i||b_j| (sin t_ij + (pi - t_ij) cos t_ij) over rows of A, B: 2 pi E f_A f_B."""
    na = np.sqrt(np.sum(A * A, axis=1))
    nb = np.sqrt(np.sum(B * B, axis=1))
    C = np.dot(A / na.reshape(-1, 1), (B / nb.reshape(-1, 1)).T)
    total = 0.0
    for i in range(A.shape[0]):
        for j in range(B.shape[0]):
            total += na[i] * nb[j] * _pair(C[i, j])[1]
    return total


@numba.njit(cache=True)
def workspace(W, V):
    """The arrays one step needs, allocated once per run: |v_i|, |w_j|, u_j, the (n, n) angle
    matrix P, Q V, the coefficients s_j, and the step's cosines (the lower triangle of U U^T row
    by row, then U V^T) with their _pair terms; and whether V is the identity (then U V^T = U and
    Q V = Q exactly, and the two products are skipped)."""
    n, d = W.shape
    p = V.shape[0]
    identity = p == d
    for i in range(p):
        for c in range(d):
            if V[i, c] != (1.0 if i == c else 0.0):
                identity = False
    nv = np.sqrt(np.sum(V * V, axis=1))
    m = n * (n + 1) // 2 + n * p
    return (identity, nv, np.empty(n), np.empty_like(W), np.empty((n, n)), np.empty((n, d)), np.empty(n),
            np.empty(m), np.empty(m), np.empty(m), np.empty(m))


@numba.njit(cache=True, fastmath={"reassoc"})  # reassoc: the sum may be split over SIMD lanes
def _dot(x, y):
    t = 0.0
    for i in range(x.size):
        t += x[i] * y[i]
    return t


@numba.njit(cache=True, error_model="numpy")  # numpy: no zero test per division, so they vectorize
def grad_and_objective(W, V, vv, G, work):
    """Fill G with 2 pi grad F at W (n, d) for teacher rows V (p, d), where vv = kernel_sum(V, V)
    (constant over a run) and work = workspace(W, V); return (F, max_j |G_j|).

    For unit vectors at angle t, E relu(a.x) relu(b.x) = |a||b| (sin t + (pi - t) cos t) / 2 pi,
    and its gradient in b is (|a| sin t b/|b| + (pi - t) a) / 2 pi, so
    G_j = sum_l [|w_l| sin t_lj u_j + (pi - t_lj) w_l] - sum_i [|v_i| sin t_ij u_j + (pi - t_ij) v_i]
    (findMinimum.m's gWW - gWV), computed as P W - Q V + s u. The cosines of the step (one per
    pair of units, one per unit and teacher row) are packed into one array and their arccosines
    taken in one SIMD loop (angle_terms), most of the step's work; the sums over pairs then read
    that array in order, one row of pairs per pass."""
    identity, nv, nw, U, P, QV, s, C, A, K, S = work
    n, d = W.shape
    p = V.shape[0]
    for j in range(n):
        nw[j] = math.sqrt(_dot(W[j], W[j]))
        for c in range(d):
            U[j, c] = W[j, c] / nw[j]
    m = 0
    for j in range(n):  # row j of the lower triangle of U U^T: pairs (j, 0..j)
        for l in range(j + 1):
            C[m + l] = _dot(U[j], U[l])
        m += j + 1
    for j in range(n):
        for i in range(p):
            C[m + i] = (U[j, i] if identity else _dot(U[j], V[i])) / nv[i]
        m += p
    angle_terms(C, A, K, S)
    ww = 0.0
    s[:] = 0.0  # the coefficient of u_j
    m = 0
    for j in range(n):  # one pass over row j of the pairs: rows of 6 to 21 are too short for
        a = nw[j]         # SIMD loops to pay, and one pass reads each term once (measured faster)
        tk = 0.0
        ts = 0.0
        for l in range(j):  # the pairs (j, l < j)
            x = S[m + l]
            tk += nw[l] * K[m + l]
            ts += nw[l] * x
            s[l] += a * x
            P[j, l] = P[l, j] = A[m + l]  # P = pi - t, mirrored
        m += j  # the pair (j, j)
        ww += a * (2.0 * tk + a * K[m])
        s[j] += ts + a * S[m]
        P[j, j] = A[m]
        m += 1
    q = m  # the pairs (j, i) with the teacher rows start here
    vw = 0.0
    for j in range(n):
        vw += nw[j] * _dot(nv, K[m:m + p])
        s[j] -= _dot(nv, S[m:m + p])
        m += p
    np.dot(P, W, G)
    if identity:  # Q V = Q: its rows are read in place
        QV = A[q:].reshape(n, p)
    else:
        np.dot(A[q:].reshape(n, p), V, QV)
    gmax = 0.0
    for j in range(n):  # G += s u - Q V, and each row's squared norm in the same pass
        sj = s[j]
        g2 = 0.0
        for c in range(d):
            x = G[j, c] + (sj * U[j, c] - QV[j, c])
            G[j, c] = x
            g2 += x * x
        gmax = max(gmax, g2)
    return (ww / 2.0 - vw + vv / 2.0) / (2.0 * math.pi), math.sqrt(gmax)


@numba.njit(cache=True, nogil=True)
def descend(W0, V, lr, tol, level, restart_above, cap):
    """One run of findMinimum.m from W0 (n, d): W <- W - (lr / 2 pi) G until max_j |G_j| <= tol,
    the gradient G being taken before the step (as there), restarting from W0 with half the
    step whenever that norm exceeds `restart_above`. Stops early at a step where F < level with
    F decreasing (up to RISE_EPS) at every step so far (level 0: never), or after `cap` steps.
    Returns (W, steps taken, |G| of the last gradient taken, F(W), |G| at W, stop reason,
    restarts, largest rise of F between steps, final step size)."""
    W = W0.copy()
    G = np.empty_like(W)
    vv = kernel_sum(V, V)
    work = workspace(W, V)
    step = lr / (2.0 * math.pi)
    steps = 0
    restarts = 0
    prev = np.inf
    max_rise = 0.0
    stop = CAP
    gnorm = np.inf
    while steps < cap:
        f, gnorm = grad_and_objective(W, V, vv, G, work)
        rise = f - prev
        if rise > max_rise:
            max_rise = rise
        prev = f
        if level > 0.0 and f < level and max_rise <= RISE_EPS:
            stop = BELOW_LEVEL
            break
        for j in range(W.shape[0]):
            for c in range(W.shape[1]):
                W[j, c] -= step * G[j, c]
        steps += 1
        if gnorm <= tol:
            stop = TOLERANCE
            break
        if gnorm > restart_above:  # findMinimum.m's divergence rule
            W[:, :] = W0
            step /= 2.0
            restarts += 1
            prev = np.inf
            max_rise = 0.0
    f, g_end = grad_and_objective(W, V, vv, G, work)
    return W, steps, gnorm, f, g_end, stop, restarts, max_rise, step * 2.0 * math.pi


def cell(W0: np.ndarray, V: np.ndarray, *, lr: float, tol: float, level: float, cap: int,
         restart_above: float = 1e4, threads: int = 1):
    """Run `descend` from every start W0[s] (S, n, d); threads take runs one at a time, and a
    run's result does not depend on the others or on the thread count. Returns a dict of
    per-run arrays: final weights, steps, gradient norms, objective, stop reason, restarts,
    largest rise of F, final step size."""
    V = np.ascontiguousarray(V, dtype=np.float64)

    def one(s):
        return descend(np.ascontiguousarray(W0[s], dtype=np.float64), V, lr, tol, level, restart_above, cap)

    with ThreadPoolExecutor(max_workers=threads) as pool:
        out = list(pool.map(one, range(len(W0))))
    W, steps, gnorm, f, g_end, stop, restarts, rise, lr_end = zip(*out)
    return dict(weights=np.stack(W), steps=np.array(steps), grad_norm=np.array(gnorm),
                objective=np.array(f), grad_norm_end=np.array(g_end), stop=np.array(stop),
                restarts=np.array(restarts), max_rise=np.array(rise), lr_end=np.array(lr_end))
