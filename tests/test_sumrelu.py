import numpy as np
import pandas as pd
import torch

from overparam.relu.students import init_students
from overparam.sumrelu.model import (describe, identity_teacher, minibatch_grad, population_grad, population_loss, sgd,
                                     student, teacher)
from overparam.stats import wilson

V = torch.eye(5, dtype=torch.float64)


def test_population_loss_matches_monte_carlo():
    W = init_students(5, 7, range(3))
    g = torch.Generator().manual_seed(0)
    X = torch.randn(3, 1_000_000, 5, generator=g, dtype=torch.float64)
    sq = (student(X, W) - teacher(X, V)).square()
    mc, se = sq.mean(-1), sq.std(-1) / 1000
    assert ((population_loss(W, V) - mc).abs() < 4 * se).all()


def test_population_gradient_matches_autograd():
    W = init_students(5, 7, range(3)).requires_grad_(True)
    population_loss(W, V).sum().backward()
    assert torch.allclose(W.grad, population_grad(W.detach(), V), atol=1e-12)


def test_minibatch_gradient_matches_autograd():
    W = init_students(5, 7, range(3))
    X = torch.randn(3, 40, 5, dtype=torch.float64)
    y = teacher(X, V)
    loss, G = minibatch_grad(W.numpy(), X.numpy(), y.numpy())
    Wr = W.clone().requires_grad_(True)
    ref = (student(X, Wr) - y).square().mean(-1)
    ref.sum().backward()
    np.testing.assert_allclose(loss, ref.detach().numpy(), rtol=1e-12)
    np.testing.assert_allclose(G, Wr.grad.numpy(), atol=1e-12)


def test_the_compiled_identity_teacher_matches_the_teacher():
    X = torch.randn(3, 4, 40, 5, dtype=torch.float64)
    np.testing.assert_allclose(identity_teacher(X.numpy()), teacher(X, V).numpy(), rtol=1e-14)
    y32 = identity_teacher(X.float().numpy())
    assert y32.dtype == np.float32 and y32.shape == (3, 4, 40)
    np.testing.assert_allclose(y32, teacher(X.float(), V).numpy(), rtol=1e-6)


def test_global_minimum_has_zero_loss_and_gradient():
    W = V[None].clone()
    split = torch.cat([V, 0.0 * V[:1]])[None].clone()  # an extra neuron that vanished
    split[0, 0], split[0, 5] = 0.3 * V[0], 0.7 * V[0]   # e_1 shared by two neurons
    for w in (W, split):
        assert abs(float(population_loss(w, V))) < 1e-12
        assert float(population_grad(w, V).abs().max()) < 1e-12
    assert describe(split)[1]["max_mass_error"].iloc[0] < 1e-12


def test_sgd_is_deterministic_and_seeds_stacked_equal_seeds_alone():
    kw = dict(lr=0.2, batch_size=16, iterations=60, log_every=20, mc_samples=200)
    together, W3 = sgd(5, 6, [0, 1, 2], **kw)
    alone, W1 = sgd(5, 6, [1], **kw)
    again, _ = sgd(5, 6, [1], **kw)
    cols = ["seed", "iteration", "exact_loss", "mc_loss", "batch_loss"]
    t = pd.DataFrame(together)[cols]
    a = pd.DataFrame(alone)[cols]
    assert t[t["seed"] == 1].reset_index(drop=True).equals(a)
    assert a.equals(pd.DataFrame(again)[cols])
    assert torch.equal(W3[1], W1[0])


def test_sgd_lowers_the_loss_and_both_estimates_agree():
    rows, _ = sgd(5, 10, [0], lr=0.1, batch_size=32, iterations=2000, log_every=500, mc_samples=20_000)
    df = pd.DataFrame(rows)
    assert df["exact_loss"].iloc[-1] < 0.05 * df["exact_loss"].iloc[0]
    first = df.iloc[0]
    assert abs(first["mc_loss"] - first["exact_loss"]) < 0.1 * first["exact_loss"]


def test_wilson_interval():
    lo, hi = wilson(np.array([0, 10, 5]), np.array([10, 10, 10]))
    assert lo[0] == 0 and 0 < hi[0] < 0.35
    assert hi[1] == 1 and 0.65 < lo[1] < 1
    assert lo[2] < 0.5 < hi[2]


def _fd_hessian(W, Vn, eps=1e-6):
    m, d = W.shape
    g = lambda X: population_grad(torch.from_numpy(X)[None], torch.from_numpy(Vn))[0].numpy()
    cols = [(g(W + eps * E.reshape(m, d)) - g(W - eps * E.reshape(m, d))) / (2 * eps) for E in np.eye(m * d)]
    return np.stack([c.ravel() for c in cols], 1)


def test_hessian_matches_finite_differences_of_the_exact_gradient():
    from overparam.relu.hessian import hessian, smallest_eigenvalues
    Vn = np.eye(5)
    W = init_students(5, 7, [0])[0].numpy()
    H = hessian(W, Vn)
    np.testing.assert_allclose(H, _fd_hessian(W, Vn), atol=1e-8)
    # parallel units and units on teacher directions: the loss is still twice differentiable
    split = np.vstack([0.3 * Vn[:1], Vn[1:], 0.7 * Vn[:1]])
    np.testing.assert_allclose(hessian(split, Vn), _fd_hessian(split, Vn), atol=1e-5)
    lam = smallest_eigenvalues(W, Vn, 2, dense_max=0, tol=1e-12)  # Lanczos agrees with the dense matrix
    np.testing.assert_allclose(lam, np.linalg.eigvalsh(H)[:2], atol=1e-9)


def test_certify_classes_and_split_lift():
    from overparam.sumrelu.certify import certify_run, exact, split_lift
    Vn = np.eye(5)
    kw = dict(threshold=1e-2, grad_tol=1e-4, curv_tol=1e-6, move_tol=0.1, eigenvalues=2, dense_max=1000,
              eig_tol=1e-10, polish_lr=0.1, polish_tol=1e-9, polish_cap=10_000)
    assert certify_run(Vn.copy(), Vn, **kw)["class"] == "global minimum"
    near = Vn + 1e-3 * np.random.default_rng(0).standard_normal((5, 5))  # below the threshold, still moving
    assert certify_run(near, Vn, **kw)["class"] == "not converged"
    lift = split_lift(Vn, 2)
    assert lift.shape == (6, 5) and exact(lift, Vn)[0] < 1e-12 and exact(lift, Vn)[1] < 1e-12


def test_lr_test_takes_the_best_step_and_counts_divergence_as_infinite():
    from overparam.sumrelu.tuned import choose, lr_test
    test = lr_test(4, 5, [1.0, 64.0], [3, 4], batch_size=16, iterations=50)
    assert np.isinf(test.loc[test["lr_times_m"] == 64.0, "test_loss"]).all()
    assert choose(test) == 1.0
    tie = pd.DataFrame(dict(lr_times_m=[2.0, 1.0], seed=0, test_loss=[0.1, 0.1]))
    assert choose(tie) == 1.0
