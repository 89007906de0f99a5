import importlib.util

import pandas as pd
import torch

from conftest import ROOT
from overparam.sumrelu import gd_exact, init_students, population_loss

V = torch.eye(6, dtype=torch.float64)


def load_script(name):
    spec = importlib.util.spec_from_file_location(name, ROOT / "scripts" / f"{name}.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_a_run_started_at_the_global_minimum_stays_there():
    W, iters, gnorm, converged = gd_exact(V[None].clone(), V, lr=0.1, tol=1e-9, max_iterations=100)
    assert converged.all() and iters[0] == 0 and gnorm[0] < 1e-12
    assert torch.equal(W[0], V)
    assert abs(float(population_loss(W, V)[0])) < 1e-12


def test_gd_finds_global_or_spurious_minima_and_runs_do_not_depend_on_each_other():
    W0 = init_students(6, 6, range(6))
    W, iters, gnorm, converged = gd_exact(W0, V, lr=0.1, tol=1e-9, max_iterations=20_000)
    assert converged.all() and (gnorm < 1e-9).all()
    objective = 0.5 * population_loss(W, V)
    assert ((objective < 1e-10) | (objective > 1e-3)).all()  # minima are global or clearly spurious
    alone = gd_exact(W0[3:4], V, lr=0.1, tol=1e-9, max_iterations=20_000)
    assert torch.allclose(alone[0][0], W[3], atol=1e-12) and alone[1][0] == iters[3]


def test_cap_is_reported():
    W0 = init_students(6, 7, range(3))
    _, iters, _, converged = gd_exact(W0, V, lr=0.1, tol=1e-30, max_iterations=50)
    assert not converged.any() and (iters == 50).all()


def test_table_puts_theirs_beside_ours():
    mod = load_script("spurious_table")
    cells = pd.DataFrame({"k": [8] * 4 + [9] * 4, "n": [8] * 4 + [10] * 4, "seed": list(range(4)) * 2,
                          "objective": [0.1, 1e-12, 1e-12, 1e-12] * 2, "converged": [True] * 7 + [False],
                          "iterations": 10, "max_iterations": 100, "cell_seconds": 1.0, "lr": 0.1, "tol": 1e-9})
    anchor = pd.read_csv(ROOT / "data/anchors/safran_shamir_2018.csv", comment="#")
    t = mod.table(cells, anchor, threshold=1e-3).set_index(["k", "n"])
    assert t.loc[(8, 8), "fraction"] == 0.25 and t.loc[(8, 8), "their_fraction"] == 0.126
    assert t.loc[(8, 8), "their_in_our_ci"] == True  # noqa: E712
    assert pd.isna(t.loc[(9, 10), "their_fraction"]) and t.loc[(9, 10), "hit_cap"] == 1
