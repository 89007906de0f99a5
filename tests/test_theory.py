import math

import numpy as np

from overparam.theory import checks as theory


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
    pts = pts[pts["kind"] == "global"]
    assert np.allclose(pts["x"], 0) and np.allclose(sorted(pts["y"]), [-math.pi, math.pi], atol=1e-2)
    assert np.allclose(pts["value"], 1.0, atol=1e-4)
    assert not pts["first_order_holds"].any() and pts["y_is_local_max"].all()
    assert curve["phi"].min() == curve["phi"][curve["x"].abs().idxmin()]


def test_l51_local_minmax_points_are_the_two_boundary_points():
    a = math.asin(0.2)
    value = math.sqrt(0.96) - 0.2 * (math.pi - a)
    for nx, ny in ((401, 4001), (200, 800)):  # with and without x = 0, y = +-pi on the grid
        pts, curve = theory.minmax_grid(nx=nx, ny=ny)
        loc = pts[pts["kind"] == "local"]
        found, closed = loc[["x", "y"]].to_numpy(), loc[["closed_form_x", "closed_form_y"]].to_numpy()
        assert len(loc) == 2 and np.allclose(found, closed, rtol=0, atol=1e-6)
        assert np.allclose(sorted(zip(loc["x"], loc["y"])), [(-1, math.pi - a), (1, -math.pi + a)], rtol=0, atol=1e-6)
        assert np.allclose(loc["value"], value, rtol=0, atol=1e-6) and math.isclose(value, 0.3917, abs_tol=1e-4)
        assert np.allclose(loc["closed_form_value"], value)
        # not the global min-max points (0, +-pi), whose value 1 is above the local one
        glob = pts[pts["kind"] == "global"]
        assert not (loc["x"].abs() < 0.5).any() and (glob["value"] > loc["value"].max()).all()
        # one-sided conditions: y is a strict local max of f(x*, .); df/dx makes the value rise into the domain
        assert (loc["d2f_dy2"] < 0).all() and np.allclose(loc["df_dy"], 0, atol=1e-12)
        assert np.allclose(loc["envelope_slope"], 0.2 * loc["y"]) and (loc["envelope_slope"] * loc["x"] < 0).all()
        assert np.allclose(loc["df_dx"], loc["envelope_slope"]) and not loc["first_order_holds"].any()
        assert glob[["closed_form_x", "closed_form_y", "closed_form_value"]].isna().all().all()
        # the branch through each local point: its value increases into the domain
        for k, x in enumerate(loc["x"]):
            branch = curve[f"local_branch_{k}"]
            assert branch.notna().all() and branch.iloc[0 if x < 0 else -1] == branch.min()


def test_local_minmax_search_finds_an_interior_saddle():
    # f = (x - 0.3)^2 - (y - 0.1 x)^2: the only local min-max point is the interior (0.3, 0.03)
    f = lambda x, y: (x - 0.3) ** 2 - (y - 0.1 * x) ** 2  # noqa: E731
    fx = lambda x, y: 2 * (x - 0.3) + 0.2 * (y - 0.1 * x)  # noqa: E731
    fy = lambda x, y: -2 * (y - 0.1 * x)  # noqa: E731
    found, _ = theory.local_minmax_search(f, fx, fy, np.linspace(-1, 1, 200), np.linspace(-1, 1, 200))
    assert len(found) == 1 and np.allclose(found[["x", "y"]].to_numpy(), [[0.3, 0.03]], atol=1e-6)
