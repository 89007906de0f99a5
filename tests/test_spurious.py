import math

import numba
import numpy as np
import pandas as pd
import pytest
import torch

from conftest import ROOT
from overparam.relu.descent import BELOW_LEVEL, CAP, TOLERANCE, acos, cell, grad_and_objective, kernel_sum, workspace
from overparam.relu.students import init_students
from overparam.spurious import table as table_lib
from overparam.sumrelu.model import population_grad, population_loss

V = np.eye(6)


@numba.njit(error_model="numpy")  # as the step compiles it: both branches taken, one selected
def acos_array(x):
    out = np.empty_like(x)
    for i in range(x.size):
        out[i] = acos(x[i])
    return out


def test_inlined_arccos_is_within_one_ulp_of_libm():
    rng = np.random.default_rng(0)
    x = np.concatenate([rng.uniform(-1, 1, 20000), 1 - rng.exponential(1e-9, 2000), -1 + rng.exponential(1e-9, 2000),
                        [1.0, -1.0, 0.5, -0.5, 0.0, 0.4999999999, -0.5000000001, 2.0, -2.0]])
    ours = acos_array(x)
    exact = np.arccos(np.clip(x, -1, 1))
    assert (np.abs(ours - exact) <= np.spacing(np.abs(exact).clip(1e-300))).all()


def test_step_matches_the_torch_closed_form():
    """2 pi grad F and F = (1/2) E (f_W - f_V)^2 against the torch implementation of the
    sum-of-ReLUs study (a separate derivation of the same kernel)."""
    W = init_students(6, 7, range(4))
    Vt = torch.eye(6, dtype=torch.float64)
    g = 0.5 * population_grad(W, Vt) * 2 * math.pi
    f = 0.5 * population_loss(W, Vt)
    for s in range(4):
        G = np.empty((7, 6))
        Ws = W[s].numpy()
        fo, gmax = grad_and_objective(Ws, V, kernel_sum(V, V), G, workspace(Ws, V))
        assert abs(fo - float(f[s])) < 1e-12
        assert np.abs(G - g[s].numpy()).max() < 1e-12
        assert gmax == pytest.approx(float(g[s].norm(dim=-1).max()), rel=1e-12)
        # the general path (V not the identity) on the same teacher, its units in reverse order
        Vg = V[::-1].copy()
        assert not workspace(Ws, Vg)[0] and workspace(Ws, V)[0]
        G2 = np.empty_like(G)
        fo2, _ = grad_and_objective(Ws, Vg, kernel_sum(Vg, Vg), G2, workspace(Ws, Vg))
        assert abs(fo2 - fo) < 1e-12 and np.abs(G2 - G).max() < 1e-12


def test_a_general_teacher_matches_the_torch_closed_form():
    rng = np.random.default_rng(3)
    Vr = rng.standard_normal((4, 5))
    W = rng.standard_normal((6, 5))
    Vt, Wt = torch.from_numpy(Vr), torch.from_numpy(W)[None]
    G = np.empty_like(W)
    fo, _ = grad_and_objective(W, Vr, kernel_sum(Vr, Vr), G, workspace(W, Vr))
    assert abs(fo - 0.5 * float(population_loss(Wt, Vt)[0])) < 1e-12
    assert np.abs(G - math.pi * population_grad(Wt, Vt)[0].numpy()).max() < 1e-12


def test_a_run_started_at_the_global_minimum_stops_after_one_step():
    r = cell(V[None], V, lr=0.1, tol=1e-9, level=0.0, cap=100)
    assert r["stop"][0] == TOLERANCE and r["steps"][0] == 1 and r["grad_norm"][0] < 1e-12
    assert np.abs(r["weights"][0] - V).max() < 1e-13 and abs(r["objective"][0]) < 1e-12


def test_runs_end_at_global_or_spurious_minima_whatever_the_threads_or_the_other_runs():
    W0 = init_students(6, 6, range(8)).numpy()
    r = cell(W0, V, lr=0.1, tol=1e-9, level=0.0, cap=200_000, threads=2)
    assert (r["stop"] == TOLERANCE).all() and (r["grad_norm"] <= 1e-9).all()
    assert ((r["objective"] < 1e-10) | (r["objective"] > 1e-3)).all()  # minima are global or clearly spurious
    assert (r["max_rise"] < 1e-12).all()  # gradient descent at step 0.1 decreases F at every step
    alone = cell(W0[3:4], V, lr=0.1, tol=1e-9, level=0.0, cap=200_000, threads=1)
    assert np.array_equal(alone["weights"][0], r["weights"][3]) and alone["steps"][0] == r["steps"][3]


def test_the_early_decision_stops_below_the_level_and_keeps_the_label():
    W0 = init_students(6, 6, range(8)).numpy()
    full = cell(W0, V, lr=0.1, tol=1e-9, level=0.0, cap=200_000)
    early = cell(W0, V, lr=0.1, tol=1e-9, level=1e-3, cap=200_000)
    stopped = early["stop"] == BELOW_LEVEL
    assert stopped.any() and (early["objective"][stopped] < 1e-3).all()
    assert (early["steps"] <= full["steps"]).all()
    assert np.array_equal(early["objective"] >= 1e-3, full["objective"] >= 1e-3)
    kept = ~stopped  # runs that reached the tolerance are the same runs, step for step
    assert np.array_equal(early["weights"][kept], full["weights"][kept])


def test_divergence_restarts_from_the_start_with_half_the_step():
    W0 = init_students(6, 6, range(2)).numpy()
    r = cell(W0, V, lr=20.0, tol=1e-9, level=1e-3, cap=100_000)
    assert (r["restarts"] >= 1).all()
    assert np.allclose(r["lr_end"], 20.0 / 2.0 ** r["restarts"])


def test_the_safety_cap_is_reported():
    r = cell(init_students(6, 7, range(3)).numpy(), V, lr=0.1, tol=1e-30, level=0.0, cap=50)
    assert (r["stop"] == CAP).all() and (r["steps"] == 50).all()


def cells_frame(k, n, objectives, stops, seeds=None):
    m = len(objectives)
    return pd.DataFrame({"k": k, "n": n, "seed": range(m) if seeds is None else seeds, "objective": objectives,
                         "stop": stops, "steps": 10, "grad_norm": 1e-10, "restarts": 0, "max_rise": 0.0,
                         "lr": 0.1, "tol": 1e-9, "cap": 100, "decide_below": 1e-3, "restart_above": 1e4,
                         "cell_seconds": 1.0, "cell_cpu_seconds": 1.8, "run_steps_total": 10 * m, "prov_threads": 1})


def test_table_puts_theirs_beside_ours_with_a_two_sample_test():
    mod = table_lib
    cells = pd.concat([cells_frame(8, 8, [0.1, 1e-4, 1e-4, 1e-4], ["tolerance"] + ["below_level"] * 3),
                       cells_frame(9, 10, [1e-12] * 3 + [0.2], ["tolerance"] * 3 + ["cap"])])
    anchor = pd.read_csv(ROOT / "data/anchors/safran_shamir_2018.csv", comment="#")
    theirs = pd.read_csv(ROOT / "data/anchors/safran_shamir_2018_families.csv", comment="#")
    cells = mod.label(cells, 1e-3)
    fam = mod.families(cells, theirs)
    t = mod.table(cells, anchor, threshold=1e-3, theirs_by_family=theirs, fam=fam).set_index(["k", "n"])
    assert t.loc[(8, 8), "fraction"] == 0.25 and t.loc[(8, 8), "their_fraction"] == 0.126
    assert t.loc[(8, 8), "their_in_our_ci"] == True  # noqa: E712
    assert t.loc[(8, 8), "decided_below"] == 3 and 0 < t.loc[(8, 8), "fisher_p"] <= 1
    assert pd.isna(t.loc[(9, 10), "their_fraction"]) and t.loc[(9, 10), "at_cap"] == 1
    assert t.loc[(9, 10), "stuck_at_cap"] == 1
    assert t.loc[(8, 8), "cell_cpu_seconds"] == 1.8


def test_the_report_gives_the_cells_cpu_time_not_wall_time_times_threads():
    from overparam.spurious.numbers import cost
    t = pd.DataFrame(dict(cell_seconds=[100.0, 60.0], cell_cpu_seconds=[120.0, 60.0], threads=2,
                          run_steps_total=[1e6, 2e6]))
    assert cost(t) == ("The grid's cells took \\ensuremath{3} minutes of CPU time, "
                       "\\ensuremath{60}\\,\\(\\mu\\)s per run and step on average.")
    t.loc[1, "cell_cpu_seconds"] = np.nan  # a cell written before its CPU time was logged
    assert "the CPU time of \\ensuremath{1} of its \\ensuremath{2} cells was not recorded" in cost(t)


def test_a_threshold_below_the_early_decision_is_refused():
    mod = table_lib
    cells = cells_frame(8, 8, [0.1, 1e-4], ["tolerance", "below_level"])
    with pytest.raises(SystemExit, match="decide_below"):
        mod.label(cells, 1e-5)


def test_check_table_compares_labels_seed_by_seed():
    mod = table_lib
    grid = mod.label(cells_frame(8, 8, [0.1, 5e-4, 5e-4], ["tolerance", "below_level", "below_level"]), 1e-3)
    check = cells_frame(8, 8, [0.1, 1e-14], ["tolerance", "tolerance"], seeds=[0, 1])
    c = mod.check_table(grid, check, 1e-3).iloc[0]
    assert c["runs"] == 2 and c["agree"] == 2 and c["decided_below_in_grid"] == 1
    assert c["max_final_of_early"] == 1e-14
    check.loc[1, "objective"] = 0.05  # a run decided early that would have ended spurious
    assert mod.check_table(grid, check, 1e-3).iloc[0]["agree"] == 1


def test_families_are_matched_by_objective_and_replicated_counts_are_found():
    mod = table_lib
    theirs = pd.DataFrame({"k": [8, 8, 9, 9], "n": [8, 8, 9, 9], "objective": [0.0215, 0.04, 0.02, 0.03],
                           "count": [120, 30, 101, 7]})
    cells = mod.label(cells_frame(8, 8, [0.0215 + 1e-9, 0.0215, 0.05, 1e-5], ["tolerance"] * 3 + ["below_level"]), 1e-3)
    fam = mod.families(cells, theirs).set_index(["k", "n", "objective"])
    assert fam.loc[(8, 8, 0.0215), "ours"] == 2 and fam.loc[(8, 8, 0.0215), "theirs"] == 120
    assert fam.loc[(8, 8, 0.05), "theirs"] == 0 and fam.loc[(8, 8, 0.04), "ours"] == 0
    rep = mod.replication(theirs).set_index(["k", "n"])
    assert rep.loc[(8, 8), "their_gcd"] == 30 and rep.loc[(8, 8), "their_gcd_chance"] == 30.0 ** -2
    assert rep.loc[(9, 9), "their_gcd"] == 1 and rep.loc[(9, 9), "their_gcd_chance"] == 1.0


def test_the_released_families_add_up_to_the_published_counts():
    theirs = pd.read_csv(ROOT / "data/anchors/safran_shamir_2018_families.csv", comment="#")
    anchor = pd.read_csv(ROOT / "data/anchors/safran_shamir_2018.csv", comment="#")
    both = theirs.groupby(["k", "n"])["count"].sum().rename("families").reset_index().merge(anchor, on=["k", "n"])
    assert len(both) == anchor["spurious_fraction"].notna().sum()
    assert (both["families"] == (both["spurious_fraction"] * both["runs"]).round()).all()
    assert (theirs["grad2pi"] <= 1e-9 * (1 + 1e-3)).all()  # their end points meet their tolerance
