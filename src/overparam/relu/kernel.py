"""Closed-form Gaussian expectations of ReLU features (the arc-cosine kernel of degree 1).

For x ~ N(0, I) and vectors a, b at angle theta,
    E[relu(a.x) relu(b.x)] = |a| |b| (sin theta + (pi - theta) cos theta) / (2 pi).
Population objectives of the planted teacher and of the sum-of-ReLUs teacher are quadratic
forms in this kernel, so they are computed exactly instead of by Monte Carlo.
"""
import math

import numba
import numpy as np
import torch


def relu_kernel(A: torch.Tensor, B: torch.Tensor) -> torch.Tensor:
    """K[i, j] = E[relu(A[:, i].x) relu(B[:, j].x)] for x ~ N(0, I); A is (d, p), B is (d, q).

    With c = cos theta, J = sin theta + (pi - theta) c = sqrt((1 - c)(1 + c)) + (pi - arccos c) c.
    J has the bounded derivative pi - theta in c, and (1 - c)(1 + c) keeps full relative
    precision as c -> 1 (1 - c is exact there), so nearly parallel columns (common in a
    trained wide student) are as accurate as any: the objective can resolve 1e-12.
    """
    na, nb = A.norm(dim=0), B.norm(dim=0)
    scale = torch.outer(na, nb)
    c = (A.T @ B).div_(scale.clamp_min(torch.finfo(A.dtype).tiny)).clamp_(-1.0, 1.0)
    # in place from here: this runs every epoch on (r, r) matrices
    J = torch.arccos(c).neg_().add_(math.pi).mul_(c)
    J += torch.sub(1, c).mul_(c.add(1)).sqrt_()
    return J.mul_(scale).div_(2 * math.pi)


TINY = np.finfo(np.float64).tiny  # the smallest normal float64, as relu_kernel's clamp


@numba.njit(cache=True, nogil=True)  # nogil: the seeds of a planted job log in threads
def _symmetric_form(G, M):
    total = 0.0
    p = G.shape[0]
    norm = np.empty(p)
    for i in range(p):
        norm[i] = math.sqrt(G[i, i])
    for i in range(p):
        for j in range(i, p):
            s = norm[i] * norm[j]
            c = min(1.0, max(-1.0, G[i, j] / max(s, TINY)))
            J = math.sqrt((1 - c) * (1 + c)) + (math.pi - math.acos(c)) * c
            total += (1.0 if i == j else 2.0) * s * J * M[i, j]
    return total / (2 * math.pi)


def relu_kernel_form(A: torch.Tensor, M: torch.Tensor) -> float:
    """sum_ij K[i, j] M[i, j] for K = relu_kernel(A, A) and a symmetric M (float64), with the
    same formula as `relu_kernel`. K is symmetric, so each pair is computed once, in one
    compiled pass: at 480 columns this is half the time of building K with torch's arccos,
    and the planted study evaluates it every epoch."""
    A = A.double()
    return float(_symmetric_form((A.T @ A).numpy(), M.double().numpy()))
