import numpy as np
import pandas as pd

from overparam.planted_summary import select_lr, width_summary


def runs_frame():
    rows = []
    for seed in range(2):
        for lr, finals, status in ((0.1, [1.0, 1e-3], "ok"), (1.0, [1.0, np.nan], "diverged"),
                                   (0.01, [1.0, 0.1], "ok")):
            rid = f"lr={lr}/seed={seed}"
            for epoch, v in enumerate(finals):
                rows.append(dict(run_id=rid, epoch=epoch, lr0=lr, seed=seed, status=status,
                                 batch_objective=v, population_objective=v, optimizer="sgd",
                                 init_scale=0.1, batch_size=10, epochs=1, r=120, r_over_r0=2.0))
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
