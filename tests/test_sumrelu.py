import numpy as np
import pandas as pd
import torch

from overparam.sumrelu import (describe, init_students, minibatch_grad, population_grad, population_loss,
                               sgd, student, teacher)
from overparam.sumrelu_summary import wilson

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
