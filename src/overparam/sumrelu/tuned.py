"""The price of width at a step size chosen per width: a short lr test per m picks eta = c / m from
a grid, then the measured runs train at it. With eta = 1/m for every m, wider students take
smaller steps, so a slower descent with m could be the step's doing rather than the width's."""
import numpy as np
import pandas as pd

from overparam.sumrelu.model import sgd


def lr_test(d: int, m: int, grid, seeds, *, batch_size: int, iterations: int) -> pd.DataFrame:
    """Final exact loss after `iterations` SGD steps at each eta = c / m of `grid`, per seed; a run
    that diverged (loss not finite) gets inf."""
    rows = []
    for c in grid:
        log, _ = sgd(d, m, seeds, lr=c / m, batch_size=batch_size, iterations=iterations,
                     log_every=iterations, mc_samples=0)
        for r in log:
            if r["iteration"] == iterations:
                loss = r["exact_loss"] if np.isfinite(r["exact_loss"]) else np.inf
                rows.append(dict(lr_times_m=float(c), seed=r["seed"], test_loss=loss))
    return pd.DataFrame(rows)


def choose(test: pd.DataFrame) -> float:
    """The grid value c with the lowest median test loss (ties: the smallest c)."""
    med = test.groupby("lr_times_m")["test_loss"].median().sort_index()
    return float(med.index[int(np.argmin(med.to_numpy()))])  # argmin takes the first, the smallest c
