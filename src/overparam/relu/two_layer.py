"""A two-layer ReLU network with planted weights, y = U relu(V^T x): the teacher of problem V2 and
the network of the proof checks. Shapes follow the problem: U is (n, r), V is (D, r)."""
from dataclasses import dataclass
from functools import cached_property

import torch

from overparam.relu.kernel import relu_kernel_form
from overparam.rng import generator


@dataclass
class Teacher:
    U0: torch.Tensor  # (n, r0), entries N(0, 1/r0)
    V0: torch.Tensor  # (D, r0), entries N(0, 1/D)

    @property
    def D(self) -> int:
        return self.V0.shape[0]

    @property
    def n(self) -> int:
        return self.U0.shape[0]

    @property
    def r0(self) -> int:
        return self.U0.shape[1]

    @cached_property
    def sq_norm(self) -> float:
        """E ||y||^2 = tr(U0 K00 U0^T), K00 the ReLU kernel; once: the objective needs it every epoch."""
        return relu_kernel_form(self.V0, self.U0.T @ self.U0)


def make_teacher(D: int, n: int, r0: int, seed: int) -> Teacher:
    g = generator(seed, "teacher")
    U0 = torch.randn(n, r0, generator=g, dtype=torch.float64) / r0**0.5
    V0 = torch.randn(D, r0, generator=g, dtype=torch.float64) / D**0.5
    return Teacher(U0, V0)


def forward(U: torch.Tensor, V: torch.Tensor, X: torch.Tensor) -> torch.Tensor:
    """Network outputs for the rows of X: (..., D) -> (..., n)."""
    return torch.relu(X @ V) @ U.T
