"""The planted two-layer ReLU teacher of problem V2: y = U0 relu(V0^T x), x ~ N(0, I_D).

Shapes follow the problem: U is (n, r), V is (D, r). The teacher is kept in float64 for the
closed-form objective and in float32 for drawing data.
"""
import numpy as np
import torch

from overparam.relu.kernel import relu_kernel, relu_kernel_form
from overparam.relu.two_layer import Teacher
from overparam.rng import generator


def run_name(optimizer: str, init_scale: float, batch_size: int, lr: float, epochs: int, r: int, seed: int) -> str:
    """A run's `run_id`: every parameter that varies between the study's runs, numbers written as
    in the workflow's paths (0.1, 0.0001, 1e-05)."""
    return f"{optimizer}/init={init_scale:g}/batch={batch_size}/lr={lr:g}/epochs={epochs}/r={r}/seed={seed}"


class Stream:
    """Fresh samples from the teacher; the data set has no fixed size. Draws a whole epoch
    in one call (one large randn and two matmuls) because per-sample drawing dominates the
    cost of an epoch otherwise. The labels are one 2-D NumPy product pair: torch's batched
    product on the same shapes takes twice as long here."""

    def __init__(self, teacher: Teacher, seed: int, dtype=torch.float32):
        self.U0, self.V0 = teacher.U0.to(dtype).numpy(), teacher.V0.to(dtype).numpy()
        self.gen = generator(seed, "data")
        self.dtype = dtype

    def draw(self, *shape: int, out=None) -> tuple[torch.Tensor, torch.Tensor]:
        """X of shape (*shape, D) and Y of shape (*shape, n), never seen before; into the
        contiguous tensors `out` = (X, Y) when given (the numbers do not depend on it)."""
        D, n = self.V0.shape[0], self.U0.shape[0]
        if out is None:
            out = torch.empty(*shape, D, dtype=self.dtype), torch.empty(*shape, n, dtype=self.dtype)
        X, Y = out
        torch.randn(*shape, D, generator=self.gen, out=X)
        H = X.numpy().reshape(-1, D) @ self.V0
        np.maximum(H, 0, out=H)
        np.matmul(H, self.U0.T, out=Y.numpy().reshape(-1, n))
        return X, Y


def init_student(teacher: Teacher, r: int, scale: float, seed: int, dtype=torch.float32):
    """Student (U, V) of width r drawn like the teacher with variance multiplied by `scale`:
    U ~ N(0, scale / r), V ~ N(0, scale / D) (fan-in variances, as the teacher's are)."""
    g = generator(seed, "init")
    U = torch.randn(teacher.n, r, generator=g, dtype=torch.float64) * (scale / r) ** 0.5
    V = torch.randn(teacher.D, r, generator=g, dtype=torch.float64) * (scale / teacher.D) ** 0.5
    return U.to(dtype), V.to(dtype)


def expected_sq_norm(teacher: Teacher) -> float:
    """E ||y||^2 of the realized teacher: tr(U0 K00 U0^T) with K00 the ReLU kernel."""
    return teacher.sq_norm


def population_objective(teacher: Teacher, U: torch.Tensor, V: torch.Tensor) -> float:
    """f(U, V) = E (1/2) ||y - U relu(V^T x)||^2, exactly, in float64:
    (1/2) [tr(U0 K00 U0^T) - 2 tr(U0 K0s U^T) + tr(U Kss U^T)]."""
    U, V = U.double(), V.double()
    yh = float(torch.sum(relu_kernel(teacher.V0, V) * (teacher.U0.T @ U)))
    return 0.5 * (expected_sq_norm(teacher) - 2 * yh + relu_kernel_form(V, U.T @ U))
