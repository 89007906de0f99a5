"""The exact Hessian of the sum-of-ReLUs population loss f(W) = E (h(W, x) - y(x))^2, in closed form.

With K(a, w) = E relu(a.x) relu(w.x) and theta the angle between a and w,
f(W) = sum_{k,l} K(w_k, w_l) - 2 sum_{k,i} K(w_k, v_i) + const, and
- d^2 K / dw^2 = |a| sin(theta) (I - w^ w^T + n n^T) / (2 pi |w|), with w^ = w/|w| and n the unit
  vector along the part of a^ orthogonal to w^;
- d^2 K / da dw = E[1(a.x > 0) 1(w.x > 0) x x^T]
  = ((pi - theta) I + s c (a^ a^T - n n^T) + s^2 (n a^^T + a^ n^T)) / (2 pi),
  s = sin theta, c = cos theta, n the unit vector along the part of w^ orthogonal to a^.
So the Hessian block (k, k) is I + 2 sum_{l != k} d2K(w_l -> w_k) - 2 sum_i d2K(v_i -> w_k), and block
(k, l) is 2 E[1 1 x x^T] for the pair. Angles come from atan2(|p|, c) with p the orthogonal part,
which keeps full precision for nearly parallel units (arccos loses half the digits there). The
loss is twice differentiable wherever no unit is zero: where two units (or a unit and a teacher
direction) are parallel the non-smooth part is of order theta^3, whose Hessian vanishes, and the
formulas above tend to that limit (every term with n carries a factor s). At a zero unit f is
not differentiable; its curvature 1/|w| grows without bound as a unit vanishes.
"""
import math

import numpy as np
from scipy.linalg import eigh
from scipy.sparse.linalg import LinearOperator, eigsh


def _pairs(A: np.ndarray, W: np.ndarray):
    """For rows a of A (p, d) and w of W (m, d): |a| (p,), cos and sin of the angle (m, p), and the
    unit vectors n (m, p, d) along the part of a^ orthogonal to w^ (zero where parallel)."""
    na = np.linalg.norm(A, axis=1)
    Ah = A / np.maximum(na, np.finfo(float).tiny)[:, None]
    Wh = W / np.linalg.norm(W, axis=1)[:, None]
    c = Wh @ Ah.T
    P = Ah[None, :, :] - c[..., None] * Wh[:, None, :]
    s = np.linalg.norm(P, axis=-1)
    n = P / np.where(s > 0, s, 1.0)[..., None]
    return na, c, s, n


def hvp(W: np.ndarray, V: np.ndarray, U: np.ndarray) -> np.ndarray:
    """Hessian of f at W (m, d), teacher rows V (p, d), times U (m, d, r): (m, d, r)."""
    m, d = W.shape
    nw = np.linalg.norm(W, axis=1)
    Wh = W / nw[:, None]
    out = U.copy()  # the |w_k|^2 / 2 term of K(w_k, w_k), counted once in f

    def diagonal(A, weight):
        # sum_a weight |a| s / (2 pi |w_k|) (u_k - w^_k (w^_k . u_k) + n (n . u_k))
        na, c, s, n = _pairs(A, W)
        coef = weight * na[None, :] * s / (2 * math.pi * nw[:, None])  # (m, p)
        proj = U - Wh[..., None] * np.einsum("kd,kdr->kr", Wh, U)[:, None, :]
        nu = np.einsum("kpd,kdr->kpr", n, U)
        return coef.sum(1)[:, None, None] * proj + np.einsum("kp,kpd,kpr->kdr", coef, n, nu)

    # student-student pairs l != k (the self pair's sin is 0 and adds nothing here)
    out += diagonal(W, 2.0)
    out += diagonal(V, -2.0)
    # off-diagonal blocks 2 E[1 1 x x^T] u_l, with n along the part of w^_l orthogonal to w^_k
    _, c, s, n = _pairs(W, W)
    off = 1.0 - np.eye(m)
    theta = np.arctan2(s, c)
    a = (math.pi - theta) * off
    sc, s2 = s * c * off, s * s * off
    wu = np.einsum("kd,ldr->klr", Wh, U)  # w^_k . u_l
    nu = np.einsum("kld,ldr->klr", n, U)  # n_kl . u_l
    B = (np.einsum("kl,ldr->kdr", a, U)
         + Wh[..., None] * (np.einsum("kl,klr->kr", sc, wu) + np.einsum("kl,klr->kr", s2, nu))[:, None, :]
         + np.einsum("kld,klr->kdr", n, -sc[..., None] * nu + s2[..., None] * wu))
    return out + 2 * B / (2 * math.pi)


def hessian(W: np.ndarray, V: np.ndarray) -> np.ndarray:
    """The dense Hessian (m d, m d), columns from hvp on the identity."""
    m, d = W.shape
    H = hvp(W, V, np.eye(m * d).reshape(m, d, m * d)).reshape(m * d, m * d)
    return (H + H.T) / 2  # symmetric up to rounding


def smallest_eigenvalues(W: np.ndarray, V: np.ndarray, k: int, dense_max: int, tol: float) -> np.ndarray:
    """The k smallest eigenvalues of the Hessian at W, ascending: from the dense matrix when it
    has at most `dense_max` rows, else by Lanczos (eigsh) on Hessian-vector products, to
    relative accuracy `tol` (ARPACK's residual criterion)."""
    m, d = W.shape
    if m * d <= dense_max:
        return eigh(hessian(W, V), eigvals_only=True, subset_by_index=[0, k - 1])
    op = LinearOperator((m * d, m * d), dtype=float,
                        matvec=lambda x: hvp(W, V, x.reshape(m, d, 1)).ravel())
    v0 = np.ones(m * d) / math.sqrt(m * d)  # fixed start: the same eigenvalues on every rerun
    return np.sort(eigsh(op, k=k, which="SA", tol=tol, v0=v0, return_eigenvectors=False))
