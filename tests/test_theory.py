import math

import numpy as np

from overparam import theory


def test_v1a_loss_is_constant_on_the_rescaling_orbit():
    df = theory.rescaling_invariance([1e-3, 0.5, 2.0, 1e3])
    assert df["relative_change"].max() < 1e-12
    assert df["U_norm"].max() / df["U_norm"].min() > 1e5  # the orbit is unbounded


def test_v1b_weight_decay_balances_and_plain_descent_does_not():
    df = theory.balance_under_weight_decay([0.0, 0.3], [0], steps=600).set_index("lam")
    assert df.loc[0.3, "imbalance"] < 1e-3
    assert df.loc[0.0, "imbalance"] > 0.3


def test_v1c_best_rescaling_is_balanced_only_at_a_quarter():
    df = theory.best_rescaling([0.1, 0.25, 0.5])
    imb = df.groupby("c")["relative_imbalance"].max()
    assert imb[0.25] < 1e-6 and imb[0.1] > 0.05 and imb[0.5] > 0.05
    assert np.allclose(df["alpha"], df["closed_form_alpha"], rtol=1e-6)


def test_l4_infimum_and_blow_up_rates():
    df = theory.bn_landscape(np.logspace(-2, -5, 4))
    assert np.allclose(df["f_along_wstar"], 0.1 * df["eps"] ** 2)
    slope = lambda col: np.polyfit(np.log(df["eps"]), np.log(df[col]), 1)[0]  # noqa: E731
    assert math.isclose(slope("grad_norm"), -1, abs_tol=0.01)
    assert math.isclose(slope("hessian_norm"), -2, abs_tol=0.01)


def test_l51_global_minmax_points_fail_the_local_conditions():
    pts, curve = theory.minmax_grid(nx=401, ny=4001)
    assert np.allclose(pts["x"], 0) and np.allclose(sorted(pts["y"]), [-math.pi, math.pi], atol=1e-2)
    assert np.allclose(pts["value"], 1.0, atol=1e-4)
    assert not pts["first_order_holds"].any() and pts["y_is_local_max"].all()
    assert curve["phi"].min() == curve["phi"][curve["x"].abs().idxmin()]
