"""Figure helpers: seaborn curves, every seed under the median over seeds, saved as PDF with a PNG twin."""
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # jobs run without a display
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import seaborn as sns  # noqa: E402

from overparam.logs import replacing  # noqa: E402

sns.set_theme(style="whitegrid", context="paper")


def curves(ax, df, x: str, y: str, hue: str, title: str | None = None, units: str = "run_id"):
    """Every run (seed) as a thin line under the median over seeds, log y. Where seeds split
    into stuck and converged runs a band over them would span orders of magnitude and hide
    the split. The y range is that of the runs that did not diverge, so a diverging run (its
    objective near 1e30 when it stops) does not squash the others; each diverged run is marked
    at the top edge of the panel, at the epoch where it stopped."""
    sns.lineplot(data=df, x=x, y=y, hue=hue, units=units, estimator=None, palette="viridis", lw=0.5,
                 alpha=0.35, legend=False, ax=ax)
    sns.lineplot(data=df, x=x, y=y, hue=hue, estimator="median", errorbar=None, palette="viridis", ax=ax)
    ax.set_yscale("log")
    ok = df.loc[df["status"] != "diverged", y]
    ok = ok[np.isfinite(ok) & (ok > 0)]
    if len(ok):
        ax.set_ylim(ok.min() / 2, ok.max() * 2)
    dead = df[df["status"] == "diverged"].sort_values(x).groupby(units).tail(1)
    if len(dead):
        ax.scatter(dead[x], np.ones(len(dead)), transform=ax.get_xaxis_transform(), marker="x", color="red",
                   zorder=5, clip_on=False, label=f"diverged ({len(dead)}, at the top edge)")
    if title:
        ax.set_title(title)
    return ax


def save(fig, pdf_path: str) -> None:
    """Write `pdf_path` and a PNG twin beside it, each through `replacing` (atomically)."""
    pdf_path = Path(pdf_path)
    # no creation date in the PDF: the same inputs give the same bytes
    for path, kw in ((pdf_path.with_suffix(".png"), {"dpi": 150}), (pdf_path, {"metadata": {"CreationDate": None}})):
        with replacing(path) as tmp:
            fig.savefig(tmp, format=path.suffix[1:], bbox_inches="tight", **kw)
    plt.close(fig)
