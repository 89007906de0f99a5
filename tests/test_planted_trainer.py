import math

import numpy as np
import pandas as pd
import pytest
import torch

from overparam.planted.model import Stream, init_student, population_objective
from overparam.relu.two_layer import make_teacher
from overparam.planted.trainer import (RULES, TORCH_OPTIMIZERS, gradients, rule_epoch, sgd_epoch, sgd_epoch_torch,
                                       torch_epoch, train, train_points)

T = make_teacher(D=15, n=3, r0=5, seed=0)
SMALL = dict(width=10, batch_size=10, samples_per_epoch=100, init_scale=0.5)


def train1(teacher, seed=0, **kw):
    """One run: (rows, status)."""
    return train(teacher, seeds=[seed], **kw)[seed][:2]


def chunked(U, V, X, Y, lr, K, kernel=sgd_epoch):
    """sgd_epoch (or sgd_epoch_torch) on one run: returns residuals (steps, m, n); U, V updated in place."""
    steps, m, D = X.shape
    U3, V3 = U[None], V[None]
    # sgd_epoch's layouts: X (runs, chunks, K*m, D), Y (runs, chunks, K, m, n)
    Xb, Yb = np.asarray(X).reshape(1, steps // K, K * m, D), np.asarray(Y).reshape(1, steps // K, K, m, -1)
    if kernel is sgd_epoch_torch:
        U3, V3, Xb, Yb = (torch.from_numpy(a) for a in (U3, V3, Xb, Yb))
    R = np.asarray(kernel(U3, V3, Xb, Yb, lr, K))
    return R.reshape(X.shape[0], X.shape[1], -1)


def test_gradients_match_autograd():
    U, V = init_student(T, 10, 1.0, seed=1, dtype=torch.float64)
    X, Y = Stream(T, seed=2, dtype=torch.float64).draw(10)
    obj, dU, dV = gradients(U, V, X, Y)
    U.requires_grad_(True)
    V.requires_grad_(True)
    ref = 0.5 * (torch.relu(X @ V) @ U.T - Y).square().sum(1).mean()
    ref.backward()
    assert torch.allclose(obj, ref)
    assert torch.allclose(dU, U.grad, atol=1e-12)
    assert torch.allclose(dV, V.grad, atol=1e-12)


@pytest.mark.parametrize("kernel", [sgd_epoch, sgd_epoch_torch])
@pytest.mark.parametrize("K", [1, 3, 5])
def test_chunked_sgd_equals_textbook_sgd(K, kernel):
    """The regrouped epoch gives the iterates of one-step-at-a-time SGD (float64)."""
    U0, V0 = init_student(T, 10, 1.0, seed=1, dtype=torch.float64)
    X, Y = Stream(T, seed=2, dtype=torch.float64).draw(15, 4)
    U, V = U0.clone(), V0.clone()
    residuals = []
    for x, y in zip(X, Y):
        _, dU, dV = gradients(U, V, x, y)
        residuals.append(torch.relu(x @ V) @ U.T - y)
        U, V = U - 0.05 * dU, V - 0.05 * dV
    Uc, Vc = U0.numpy().copy(), V0.numpy().copy()
    R = chunked(Uc, Vc, X, Y, 0.05, K, kernel)
    np.testing.assert_allclose(R, torch.stack(residuals).numpy(), atol=1e-12)
    np.testing.assert_allclose(Uc, U.numpy(), atol=1e-12)
    np.testing.assert_allclose(Vc, V.numpy(), atol=1e-12)


def test_torch_optimizer_path_equals_fused_sgd():
    U0, V0 = init_student(T, 10, 1.0, seed=1, dtype=torch.float64)
    X, Y = Stream(T, seed=2, dtype=torch.float64).draw(12, 5)
    U, V = U0.clone(), V0.clone()
    torch_epoch(U, V, X, Y, torch.optim.SGD([U, V], lr=0.05))
    Uc, Vc = U0.numpy().copy(), V0.numpy().copy()
    chunked(Uc, Vc, X, Y, 0.05, 4)
    np.testing.assert_allclose(Uc, U.numpy(), atol=1e-12)
    np.testing.assert_allclose(Vc, V.numpy(), atol=1e-12)


@pytest.mark.parametrize("name", sorted(RULES))
def test_momentum_and_adam_rules_equal_torch_optim(name):
    """The compiled update rules are torch.optim's: same iterates over two epochs (float64; the
    second epoch checks that the optimizer state carries over), two runs stacked."""
    X, Y = Stream(T, seed=2, dtype=torch.float64).draw(2, 12, 5)
    inits = [init_student(T, 10, 1.0, seed=s, dtype=torch.float64) for s in (1, 3)]
    U = np.stack([u.numpy() for u, _ in inits])
    V = np.stack([v.numpy() for _, v in inits])
    rule = RULES[name](U, V)
    lr = 1e-3 if name == "adam" else 0.02
    R = [rule_epoch(U, V, np.stack([X[e]] * 2), np.stack([Y[e]] * 2), lr / (e + 1), rule) for e in range(2)]
    for i, (u, v) in enumerate(inits):
        u, v = u.clone(), v.clone()
        opt = TORCH_OPTIMIZERS[name]([u, v], lr)
        for e in range(2):
            opt.param_groups[0]["lr"] = lr / (e + 1)
            ref = torch_epoch(u, v, X[e], Y[e], opt)
            np.testing.assert_allclose(R[e][i], ref.numpy(), rtol=1e-10, atol=1e-13)
        np.testing.assert_allclose(U[i], u.numpy(), rtol=1e-10, atol=1e-13)
        np.testing.assert_allclose(V[i], v.numpy(), rtol=1e-10, atol=1e-13)


def test_distance_travelled_and_final_weights():
    (rows, status, (U, V)), = train(T, lr=0.05, epochs=3, seeds=[0], **SMALL).values()
    U0, V0 = init_student(T, 10, 0.5, seed=0)
    assert rows[0]["U_dist"] == rows[0]["V_dist"] == 0.0
    assert math.isclose(rows[-1]["U_dist"], float((torch.from_numpy(U) - U0).norm() / U0.norm()), rel_tol=1e-5)
    assert math.isclose(rows[-1]["V_dist"], float((torch.from_numpy(V) - V0).norm() / V0.norm()), rel_tol=1e-5)
    assert rows[-1]["population_objective"] == population_objective(T, torch.from_numpy(U), torch.from_numpy(V))


def test_learning_rate_halves_every_50_epochs():
    rows, status = train1(T, lr=0.01, epochs=160, samples_per_epoch=10, batch_size=10, width=4)
    lr = {r["epoch"]: r["lr"] for r in rows}
    assert status == "ok"
    assert lr[1] == lr[50] == 0.01
    assert lr[51] == lr[100] == 0.005
    assert lr[101] == lr[150] == 0.0025
    assert lr[151] == lr[160] == 0.00125


def test_mini_batches_are_fresh():
    s = Stream(T, seed=0)
    X1, Y1 = s.draw(50, 10)
    X2, _ = s.draw(50, 10)
    flat = torch.cat([X1, X2]).reshape(-1, T.D)
    assert len(torch.unique(flat, dim=0)) == len(flat)  # no sample is ever repeated
    assert torch.allclose(Y1, torch.relu(X1 @ T.V0.float()) @ T.U0.float().T, atol=1e-5)
    X1b, _ = Stream(T, seed=0).draw(50, 10)
    assert torch.equal(X1, X1b) and not torch.equal(X1, Stream(T, seed=1).draw(50, 10)[0])


def test_streams_are_independent_of_each_other():
    """Init does not depend on how much data was drawn, and the data not on the width."""
    U1, _ = init_student(T, 10, 1.0, seed=3)
    Stream(T, seed=3).draw(100, 10)
    U2, _ = init_student(T, 10, 1.0, seed=3)
    assert torch.equal(U1, U2)


def test_init_scale_sets_the_variance():
    U, V = init_student(make_teacher(200, 50, 10, 0), r=400, scale=0.1, seed=0, dtype=torch.float64)
    assert math.isclose(float(U.var()), 0.1 / 400, rel_tol=0.05)
    assert math.isclose(float(V.var()), 0.1 / 200, rel_tol=0.05)


def test_same_seed_same_log():
    a, _ = train1(T, lr=0.05, epochs=3, seed=4, **SMALL)
    b, _ = train1(T, lr=0.05, epochs=3, seed=4, **SMALL)
    c, _ = train1(T, lr=0.05, epochs=3, seed=5, **SMALL)
    def strip(rows):  # seconds is wall time; NaN marks epoch 0's missing batch average
        return pd.DataFrame(rows).drop(columns="seconds")

    assert strip(a).equals(strip(b))
    assert not strip(a).equals(strip(c))


def test_training_lowers_the_objective():
    rows, status = train1(T, lr=0.05, epochs=30, **SMALL)
    assert status == "ok"
    assert rows[-1]["population_objective"] < 0.2 * rows[0]["population_objective"]
    # the mini-batch average tracks the exact objective
    assert rows[-1]["batch_objective"] < 3 * rows[-2]["population_objective"] + 1e-3


def test_adam_and_momentum_train():
    for opt in ("adam", "momentum"):
        rows, status = train1(T, lr=1e-3 if opt == "adam" else 0.01, epochs=10, optimizer=opt, **SMALL)
        assert status == "ok" and rows[-1]["population_objective"] < rows[0]["population_objective"]


def test_diverging_lr_stops_with_status_diverged():
    rows, status = train1(T, lr=1e4, epochs=50, **SMALL)
    assert status == "diverged"
    assert len(rows) < 51
    assert not math.isfinite(rows[-1]["batch_objective"]) or not math.isfinite(rows[-1]["population_objective"])
    assert all(math.isfinite(r["population_objective"]) for r in rows[:-1])


def test_batch_size_must_divide_epoch():
    with pytest.raises(ValueError, match="batch_size=7"):
        train1(T, lr=0.1, epochs=1, width=4, batch_size=7, samples_per_epoch=100)


def test_population_objective_logged_is_exact():
    rows, _ = train1(T, lr=0.05, epochs=0, **SMALL)
    U, V = init_student(T, 10, 0.5, seed=0)
    assert rows[0]["population_objective"] == population_objective(T, U, V)


def test_seeds_trained_together_equal_seeds_trained_alone():
    """Stacking seeds shares the products' call cost but not their arithmetic: same bits."""
    for opt, lr in (("sgd", 0.05), ("momentum", 0.01), ("adam", 1e-3)):
        together = train(T, lr=lr, epochs=3, seeds=[0, 1, 2], optimizer=opt, **SMALL)
        for seed in (0, 2):
            alone, _ = train1(T, lr=lr, epochs=3, seed=seed, optimizer=opt, **SMALL)
            cols = lambda rows: pd.DataFrame(rows).drop(columns="seconds")  # noqa: E731
            assert cols(together[seed][0]).equals(cols(alone)), opt


def test_a_diverging_seed_does_not_stop_the_others():
    kw = dict(lr=0.3, epochs=20, width=10, batch_size=10, samples_per_epoch=100, init_scale=4.0)
    runs = train(T, seeds=range(6), **kw)
    status = {s: st for s, (_, st, _) in runs.items()}
    assert "diverged" in status.values() and "ok" in status.values(), status
    for s, (rows, st, _) in runs.items():
        if st == "ok":  # unaffected by its diverged neighbours: the same log as alone
            assert len(rows) == 21
            alone, _ = train1(T, seed=s, **kw)
            assert pd.DataFrame(rows).drop(columns="seconds").equals(pd.DataFrame(alone).drop(columns="seconds"))
        else:
            assert len(rows) < 21 and all(math.isfinite(r["population_objective"]) for r in rows[:-1])


def test_atomic_writes_get_the_permissions_of_a_plain_write(tmp_path):
    import os

    from overparam.logs import write_atomic, write_text_atomic

    old = os.umask(0o022)
    try:
        write_text_atomic("x", tmp_path / "a.txt")
        write_atomic(__import__("pandas").DataFrame({"a": [1]}), tmp_path / "b.parquet")
        (tmp_path / "plain.txt").write_text("x")
        os.umask(0o002)
        write_text_atomic("x", tmp_path / "c.txt")
    finally:
        os.umask(old)
    mode = lambda p: (tmp_path / p).stat().st_mode & 0o777  # noqa: E731
    assert mode("a.txt") == mode("b.parquet") == mode("plain.txt") == 0o644
    assert mode("c.txt") == 0o664


def test_torch_kernel_trains_as_the_numpy_kernel():
    """The GPU path, run on the CPU, logs what the CPU path logs (float32 rounding apart)."""
    kw = dict(lr=0.05, epochs=3, seeds=[0, 1], **SMALL)
    a, b = train(T, **kw), train(T, kernel="torch", **kw)
    for s in (0, 1):
        pa = np.array([r["population_objective"] for r in a[s][0]])
        pb = np.array([r["population_objective"] for r in b[s][0]])
        np.testing.assert_allclose(pb, pa, rtol=1e-4)


@pytest.mark.parametrize("optimizer", ["sgd", "adam"])
def test_threads_do_not_change_the_logs(optimizer):
    """Workers taking the seeds' epochs in turn train each seed exactly as one thread does, and
    as the seed trained alone: logs and final weights."""
    kw = dict(lr=0.05 if optimizer == "sgd" else 1e-3, epochs=3, optimizer=optimizer, **SMALL)
    one, two = train(T, seeds=[0, 1, 2], **kw), train(T, seeds=[0, 1, 2], threads=2, **kw)
    alone = train(T, seeds=[1], **kw)
    for other, seeds in ((two, (0, 1, 2)), (alone, (1,))):
        for s in seeds:
            pd.testing.assert_frame_equal(pd.DataFrame(one[s][0]).drop(columns="seconds"),
                                          pd.DataFrame(other[s][0]).drop(columns="seconds"))
            assert one[s][1] == other[s][1]
            for w, w_other in zip(one[s][2], other[s][2]):
                np.testing.assert_array_equal(w, w_other)


@pytest.mark.parametrize("optimizer", ["sgd", "adam"])
def test_points_sharing_a_draw_train_as_alone(optimizer):
    """A job's widths and etas share each seed's draws (and Gram matrices): every run still gets
    the log and weights it gets trained alone, and a diverging point stops only its own runs."""
    lrs = (0.05, 3.0) if optimizer == "sgd" else (1e-3, 1e-2)
    kw = dict(epochs=3, batch_size=10, samples_per_epoch=100, init_scale=0.5, optimizer=optimizer)
    points = [(w, lr) for lr in lrs for w in (5, 10)]
    together = train_points(T, points=points, seeds=[0, 1, 2], threads=2, **kw)
    assert list(together) == [(w, lr, s) for w, lr in points for s in (0, 1, 2)]
    if optimizer == "sgd":  # eta 3 diverges at both widths, eta 0.05 does not
        assert {st for (_, lr, _), (_, st, _) in together.items() if lr == 3.0} == {"diverged"}
    for w, lr in points:
        alone = train(T, width=w, lr=lr, seeds=[1], **kw)[1]
        rows, status, weights = together[w, lr, 1]
        pd.testing.assert_frame_equal(pd.DataFrame(rows).drop(columns="seconds"),
                                      pd.DataFrame(alone[0]).drop(columns="seconds"))
        assert status == alone[1] == ("diverged" if lr == 3.0 else "ok")
        for a, b in zip(weights, alone[2]):
            np.testing.assert_array_equal(a, b)


def test_a_point_listed_twice_is_refused():
    with pytest.raises(ValueError, match="twice"):
        train_points(T, points=[(5, 0.1), (5, 0.1)], epochs=1, batch_size=10, samples_per_epoch=100)
