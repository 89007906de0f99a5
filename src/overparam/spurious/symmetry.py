"""The symmetry of critical points of F(W) = (1/2) E (f_W - f_V)^2 with teacher V = I_k and k
student units, after Arjevani and Field ("Symmetry & critical points for a model shallow neural
network", Physica D 2021; "Analytic characterization of the Hessian in shallow ReLU models: a
tale of symmetry", NeurIPS 2020).

F is unchanged by W -> P W Q^T for permutations P of the student units and Q of the input
coordinates (Q permutes the teacher's rows too, and their order does not matter): the group
S_k x S_k. The isotropy group of W is the subgroup that fixes it; W = I has the diagonal
Delta S_k = {(P, P)}. Here a point is typed by the largest diagonal Young subgroup that fixes
it once its rows are matched to the teacher: Delta(S_{b1} x ... x S_{br}), written as its block
sizes (b1, ..., br) in ascending order, so (1, k-1) is Delta S_{k-1} and (2, k-2) is
Delta(S_2 x S_{k-2}). A point fixed by that group has only a few distinct entries (one per
orbit of entries), and the gradient there is fixed too (F is invariant), so the critical points
of the type solve a system of those few unknowns: solved here by Newton's method.
"""
import itertools
import math

import numpy as np
from scipy.optimize import linear_sum_assignment
from scipy.spatial.distance import cdist

from overparam.relu.descent import grad_and_objective, kernel_sum, workspace
from overparam.relu.hessian import hessian

# entries equal within this are one entry: end points stop at a gradient of ~1.6e-10 and sit a
# few 1e-9 from their critical point, while distinct entries of the spurious points differ by 1e-2
TYPE_ATOL = 1e-6
# Newton stops once the reduced gradient's largest entry is below this (float64 rounding of F's
# gradient at k = 20 is ~1e-15)
NEWTON_TOL = 1e-13
NEWTON_STEPS = 50


def _orbits(k: int, joined) -> list[list[int]]:
    """Classes of 0 .. k-1 under an equivalence `joined(i, j)`, testing each index against one
    member of each class found so far (the swaps that fix a point form a group, so joining is
    transitive)."""
    out = []
    for i in range(k):
        for b in out:
            if joined(b[0], i):
                b.append(i)
                break
        else:
            out.append([i])
    return out


def _swap(k: int, i: int, j: int) -> np.ndarray:
    p = np.arange(k)
    p[[i, j]] = [j, i]
    return p


def column_blocks(W: np.ndarray, atol: float = TYPE_ATOL) -> list[list[int]]:
    """Input coordinates i, j are joined when swapping them gives W back up to an order of its rows
    (the rows matched by the assignment problem on their largest entry difference): the
    coordinate part of the isotropy group, needing no matching of units to the teacher."""
    k = W.shape[1]

    def joined(i, j):
        D = cdist(W[:, _swap(k, i, j)], W, "chebyshev")
        r, c = linear_sum_assignment(D)
        return D[r, c].max() <= atol

    return _orbits(k, joined)


def align(W: np.ndarray, atol: float = TYPE_ATOL) -> np.ndarray:
    """W with its rows permuted so that student unit i faces teacher unit i: in each block of
    coordinates (`column_blocks`), a unit of that block differs there from the other coordinates
    of the block in one entry only, which goes on the diagonal; the assignment problem
    (linear_sum_assignment) places as many such entries as it can, ties by the largest diagonal."""
    special = np.zeros_like(W)
    for b in column_blocks(W, atol):
        if len(b) > 1:
            X = W[:, b]
            gaps = np.where(np.eye(len(b), dtype=bool), np.inf, np.abs(X[:, :, None] - X[:, None, :]))
            special[:, b] = gaps.min(axis=2) > atol
    rows, cols = linear_sum_assignment(-(special * 1e3 + W))
    out = np.empty_like(W)
    out[cols] = W[rows]
    return out


def blocks(W: np.ndarray, atol: float = TYPE_ATOL) -> list[list[int]]:
    """The orbits of the largest diagonal Young subgroup fixing a square W: i and j are joined when
    swapping rows i, j and columns i, j together changes no entry by more than atol. The swaps
    that fix W generate a product of symmetric groups, one per block."""
    k = W.shape[0]

    def joined(i, j):
        p = _swap(k, i, j)
        return np.max(np.abs(W[np.ix_(p, p)] - W)) <= atol

    return _orbits(k, joined)


def type_name(sizes) -> str:
    """(1, 19) for block sizes [19, 1]."""
    return "(" + ", ".join(str(s) for s in sorted(sizes)) + ")"


def canonical(W: np.ndarray, atol: float = TYPE_ATOL):
    """A square end point in the standard form of its type: rows matched to the teacher (`align`),
    then units and coordinates permuted together so that each block is contiguous, blocks in
    ascending size (ties: by diagonal entry). Returns (W in that form, block sizes)."""
    A = align(W, atol)
    bs = sorted(blocks(A, atol), key=lambda b: (len(b), A[b[0], b[0]]))
    order = [i for b in bs for i in b]
    return A[np.ix_(order, order)], [len(b) for b in bs]


def labels(sizes) -> np.ndarray:
    """The orbit of each entry of a point of the type with these contiguous block sizes, numbered
    0 .. c-1: per pair of blocks (p, q) one orbit, split into diagonal and off-diagonal for p = q."""
    k = sum(sizes)
    block = np.repeat(np.arange(len(sizes)), sizes)
    p, q = block[:, None], block[None, :]
    diag = np.eye(k, dtype=bool)
    key = (p * len(sizes) + q) * 2 + (diag & (p == q))
    _, lab = np.unique(key, return_inverse=True)
    return lab.reshape(k, k)


def reduce(W: np.ndarray, lab: np.ndarray) -> np.ndarray:
    """The point's coordinates in the type's fixed space: the mean of each orbit's entries."""
    return np.bincount(lab.ravel(), W.ravel()) / np.bincount(lab.ravel())


def spread(W: np.ndarray, lab: np.ndarray) -> float:
    """How far the point is from its type's fixed space: the largest range of an orbit's entries."""
    lo = np.full(lab.max() + 1, np.inf)
    hi = np.full(lab.max() + 1, -np.inf)
    np.minimum.at(lo, lab.ravel(), W.ravel())
    np.maximum.at(hi, lab.ravel(), W.ravel())
    return float(np.max(hi - lo))


def gradient(W: np.ndarray):
    """F(W) and grad F(W) for teacher I_k (float64, closed form)."""
    V = np.eye(W.shape[1])
    G = np.empty_like(W)
    f, _ = grad_and_objective(np.ascontiguousarray(W), V, kernel_sum(V, V), G, workspace(W, V))
    return f, G / (2 * math.pi)


def solve(x0: np.ndarray, lab: np.ndarray, tol: float = NEWTON_TOL, steps: int = NEWTON_STEPS) -> dict:
    """Newton's method on the reduced gradient of F restricted to the type's fixed space
    W = x[lab]: gradient E^T grad F and Jacobian E^T H E, with E the orbit indicators and H the
    closed-form Hessian of F (half that of E(.)^2); steps = 0 only evaluates at x0. Returns the solved x and W, F there, the
    Newton steps taken, and the largest entry of the full gradient there (a critical point of F
    on all of R^{k x k}, not only of its restriction, when that is ~0)."""
    E = np.eye(lab.max() + 1)[lab.ravel()]  # (k^2, c)
    V = np.eye(lab.shape[1])
    x = np.asarray(x0, dtype=float).copy()
    for step in range(steps + 1):  # at least one step (steps > 0): the start may already pass tol
        W = x[lab]
        f, G = gradient(W)
        g = E.T @ G.ravel()
        if step == steps or (step > 0 and np.max(np.abs(g)) <= tol):
            break
        x = x - np.linalg.solve(E.T @ (hessian(W, V) / 2) @ E, g)
    return dict(x=x, W=W, objective=f, newton_steps=step, reduced_grad=float(np.max(np.abs(g))),
                grad_max=float(np.max(np.abs(G))), converged=bool(np.max(np.abs(g)) <= tol))


def distance(W: np.ndarray, sizes, Ws: np.ndarray) -> float:
    """Largest entry difference between a point W in standard form and a solved point Ws of the
    same type, the least over orders of equal-sized blocks (the standard form orders those by
    their diagonal entry, which two points of one family may order differently only when equal)."""
    starts = np.cumsum([0] + list(sizes))
    groups = {}
    for b, s in enumerate(sizes):
        groups.setdefault(s, []).append(b)
    best = np.inf
    for perm in itertools.product(*(itertools.permutations(g) for g in groups.values())):
        new = dict(zip((b for g in groups.values() for b in g), (b for p in perm for b in p)))
        order = np.concatenate([np.arange(starts[new[b]], starts[new[b] + 1]) for b in range(len(sizes))])
        best = min(best, float(np.max(np.abs(W[np.ix_(order, order)] - Ws))))
    return best


def grow(sizes, k: int) -> list[int] | None:
    """The block sizes of the same type at k units: every block kept but the last largest one, which
    takes the change (the families Arjevani and Field follow in k: Delta S_{k-1}, Delta(S_2 x S_{k-2}),
    ...; (b, b) at k = 2b grows into (b, k-b)). None where that block would not be the unique
    largest at k: it must keep its place (last) so that the orbits keep their numbers."""
    i = len(sizes) - 1 - list(sizes)[::-1].index(max(sizes))
    others = list(sizes[:i]) + list(sizes[i + 1:])
    grown = sizes[i] + k - sum(sizes)
    if grown < 2 or any(s >= grown for s in others):
        return None
    return list(sizes[:i]) + [grown] + list(sizes[i + 1:])


def hessian_spectrum(W: np.ndarray) -> np.ndarray:
    """All eigenvalues of the Hessian of F at W (teacher I_k), ascending."""
    return np.linalg.eigvalsh(hessian(W, np.eye(W.shape[1])) / 2)


def identity_spectrum(k: int) -> np.ndarray:
    """The Hessian spectrum of F at the global minimum W = V = I_k, in closed form (k >= 3).

    At W = V the residual vanishes, so H = E[grad f grad f^T]: block (i, j) of units i, j is
    E[1(x_i > 0) 1(x_j > 0) x x^T], i.e. I/2 for i = j and I/4 + (e_i e_j^T + e_j e_i^T)/(2 pi)
    for i != j. As an operator on perturbations Z (row i moves unit i), with kappa = 2 / pi,
        4 H Z = Z + 1 1^T Z + kappa (offdiag(Z^T) + diag(tr Z - Z_ii)).
    Its invariant subspaces under Delta S_k give the eigenvalues:
    - off-diagonal Z with zero row and column sums: the symmetric ones (k(k-3)/2) have
      1/4 + 1/(2 pi), the antisymmetric ones ((k-1)(k-2)/2) 1/4 - 1/(2 pi);
    - Z = sum_a c_a (x e_a e_a^T + y (row a off the diagonal) + z (column a off the diagonal))
      with sum_a c_a = 0 (k - 1 copies of each): 4 H acts on (x, y, z) as
      [[2 - kappa, -1, k - 1], [0, 1, kappa], [1, kappa - 1, k]], whose eigenvalues are
      1 - kappa (so k - 1 more copies of 1/4 - 1/(2 pi): k(k-1)/2 in all) and
      ((k + 2) +- sqrt(k^2 + 4 kappa^2 - 8 kappa)) / 2;
    - the same with c = 1 (once): x I + y (all ones off the diagonal), on which 4 H acts as
      [[2 + kappa (k - 1), k - 1], [1, k + kappa]].
    """
    kap = 2 / math.pi
    root = math.sqrt(k * k + 4 * kap * kap - 8 * kap)
    tr, det = k + 2 + kap * k, (2 + kap * (k - 1)) * (k + kap) - (k - 1)
    one = math.sqrt(tr * tr - 4 * det)
    parts = [np.full(k * (k - 3) // 2, 0.25 + 1 / (2 * math.pi)),
             np.full(k * (k - 1) // 2, 0.25 - 1 / (2 * math.pi)),
             np.repeat([(k + 2 - root) / 8, (k + 2 + root) / 8], k - 1),
             [(tr - one) / 8, (tr + one) / 8]]
    return np.sort(np.concatenate(parts))
