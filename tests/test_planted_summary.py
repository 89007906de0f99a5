import numpy as np
import pandas as pd

from overparam.planted.summary import select_lr, width_summary


def runs_frame():
    rows = []
    for seed in range(2):
        for lr, finals, status in ((0.1, [1.0, 1e-3], "ok"), (1.0, [1.0, np.nan], "diverged"),
                                   (0.01, [1.0, 0.1], "ok")):
            rid = f"lr={lr}/seed={seed}"
            for epoch, v in enumerate(finals):
                rows.append(dict(run_id=rid, epoch=epoch, lr0=lr, seed=seed, status=status,
                                 batch_objective=v, population_objective=v, optimizer="sgd",
                                 init_scale=0.1, batch_size=10, epochs=1, r=120, r_over_r0=2.0,
                                 U_dist=0.5 * epoch, V_dist=0.25 * epoch))
    return pd.DataFrame(rows)


def test_select_lr_takes_lowest_mean_and_never_a_diverged_one():
    best, table = select_lr(runs_frame())
    assert best == 0.1
    assert table.set_index("lr0").loc[1.0, "diverged"] == 2


def test_a_run_shared_by_two_studies_counts_in_each():
    runs = runs_frame()
    both = pd.concat([runs.assign(study="width_test"), runs.assign(study="paper")])
    s = width_summary(both, threshold=1e-2).set_index(["study", "lr0"])
    for study in ("width_test", "paper"):
        assert s.loc[(study, 0.1), "seeds"] == 2
        assert s.loc[(study, 0.1), "reached_threshold"] == 2
        assert s.loc[(study, 0.1), "epochs_to_threshold_median"] == 1
        assert s.loc[(study, 0.01), "reached_threshold"] == 0


def test_describe_the_teacher_itself_and_a_split_unit():
    from overparam.relu.two_layer import make_teacher
    from overparam.planted.summary import describe

    T = make_teacher(D=30, n=3, r0=5, seed=0)
    U0, V0 = T.U0.numpy(), T.V0.numpy()
    d = describe(U0, V0, U0, V0)
    assert (d["teacher_covered"], d["teacher_uncovered"], d["teacher_shared"]) == (5, 0, 0)
    assert d["dead_units"] == d["other_units"] == 0 and d["units_on_teacher"] == 5
    assert d["max_mass_error"] < 1e-12 and abs(d["worst_teacher_best_cos"] - 1) < 1e-12
    # teacher unit 1 replaced by a second copy of unit 0, both at half the output weight (a scaled
    # input weight: relu is positively homogeneous), plus a dead unit
    U = np.c_[U0[:, [0]] / 2, U0[:, [0]] / 2, U0[:, 2:], 1e-6 * U0[:, [1]]]
    V = np.c_[2 * V0[:, [0]], V0[:, [0]], V0[:, 2:], V0[:, [1]]]
    d = describe(U, V, U0, V0)
    assert (d["teacher_uncovered"], d["teacher_shared"], d["dead_units"]) == (1, 1, 1)
    assert d["max_mass_error"] == 1.0  # teacher unit 1's output weights: none recovered
    assert describe(U * np.nan, V, U0, V0) == {}  # a diverged run


def test_solutions_flag_runs_above_the_threshold():
    from overparam.relu.two_layer import make_teacher
    from overparam.planted.summary import solutions

    T = make_teacher(D=30, n=3, r0=5, seed=0)
    runs = runs_frame().assign(study="x", U_dist=1.0, V_dist=2.0, r=5)
    runs = runs[runs["status"] == "ok"]
    w = [dict(run_id=rid, unit=k, u=T.U0.numpy()[:, k], v=T.V0.numpy()[:, k]) for rid in runs["run_id"].unique()
         for k in range(5)]
    sol = solutions(runs, pd.DataFrame(w), T, threshold=1e-2).set_index("run_id")
    assert sol.loc["lr=0.1/seed=0", "stuck"] == False and sol.loc["lr=0.01/seed=0", "stuck"] == True  # noqa: E712
    assert (sol["teacher_covered"] == 5).all() and (sol["V_dist"] == 2.0).all()
