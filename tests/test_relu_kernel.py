import math

import torch

from overparam.planted.model import expected_sq_norm, init_student, population_objective
from overparam.relu.two_layer import forward, make_teacher
from overparam.relu.kernel import relu_kernel, relu_kernel_form


def test_kernel_special_values():
    a = torch.randn(7, 1, dtype=torch.float64)
    # parallel: E relu(g)^2 |a|^2 = |a|^2 / 2; opposite: relu(g) relu(-g) = 0
    assert torch.allclose(relu_kernel(a, a), a.square().sum() / 2)
    assert abs(float(relu_kernel(a, -a))) < 1e-15
    e1, e2 = torch.eye(3, dtype=torch.float64)[:, :1], torch.eye(3, dtype=torch.float64)[:, 1:2]
    assert math.isclose(float(relu_kernel(e1, e2)), 1 / (2 * math.pi), rel_tol=1e-14)  # E relu(g)^2 ... independent


def test_kernel_matches_monte_carlo():
    g = torch.Generator().manual_seed(0)
    A = torch.randn(5, 4, generator=g, dtype=torch.float64)
    X = torch.randn(1_000_000, 5, generator=g, dtype=torch.float64)
    F = torch.relu(X @ A)
    mc = F.T @ F / len(X)
    assert torch.allclose(relu_kernel(A, A), mc, atol=0.02, rtol=0.01)


def test_kernel_keeps_precision_for_nearly_parallel_columns():
    a = torch.randn(50, dtype=torch.float64)
    b = a + 1e-9 * torch.randn(50, dtype=torch.float64)
    K = relu_kernel(torch.stack([a, b], 1), torch.stack([a, b], 1))
    # exact to first order: |a||b|/2 at theta ~ 1e-9 (the theta^3 term is negligible)
    assert torch.allclose(K[0, 1], a.norm() * b.norm() / 2, rtol=1e-13, atol=0)


def test_population_objective_matches_monte_carlo():
    T = make_teacher(D=20, n=4, r0=6, seed=3)
    U, V = init_student(T, r=12, scale=1.0, seed=5, dtype=torch.float64)
    g = torch.Generator().manual_seed(11)
    X = torch.randn(2_000_000, 20, generator=g, dtype=torch.float64)
    loss = 0.5 * (forward(T.U0, T.V0, X) - forward(U, V, X)).square().sum(1)
    mc, se = float(loss.mean()), float(loss.std() / len(X) ** 0.5)
    exact = population_objective(T, U, V)
    assert abs(exact - mc) < 4 * se, (exact, mc, se)
    y2 = forward(T.U0, T.V0, X).square().sum(1)
    assert abs(expected_sq_norm(T) - float(y2.mean())) < 4 * float(y2.std() / len(X) ** 0.5)


def test_population_objective_is_zero_at_the_teacher():
    T = make_teacher(D=30, n=5, r0=8, seed=0)
    assert abs(population_objective(T, T.U0, T.V0)) < 1e-13


def test_symmetric_form_equals_the_kernel_matrix():
    """relu_kernel_form(A, M) = sum(relu_kernel(A, A) * M), nearly parallel columns included."""
    g = torch.Generator().manual_seed(0)
    A = torch.randn(30, 40, generator=g, dtype=torch.float64)
    A[:, 1] = A[:, 0] * (1 + 1e-9)
    A[:, 2] = -A[:, 3]
    B = torch.randn(5, 40, generator=g, dtype=torch.float64)
    M = B.T @ B
    ref = float(torch.sum(relu_kernel(A, A) * M))
    assert math.isclose(relu_kernel_form(A, M), ref, rel_tol=1e-13)
