#!/usr/bin/env python
"""The spurious-minima table (overparam.spurious.table: our fraction per cell beside Safran and
Shamir's, the families, the check of the early decision), written as CSV, and its two figures."""
import argparse

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from overparam.logs import read_runs, write_atomic
from overparam.plots import save
from overparam.spurious.table import check_table, families, flagged, label, table


def figure(t: pd.DataFrame, out: str):
    fig, axes = plt.subplots(1, 2, figsize=(10, 3.6), sharey=True)
    for ax, extra in zip(axes, (0, 1)):
        c = t[t["n"] == t["k"] + extra]
        ax.errorbar(c["k"], c["fraction"], yerr=[c["fraction"] - c["ci_low"], c["ci_high"] - c["fraction"]],
                    marker="o", capsize=3, label=f"ours ({int(c['runs'].min())} runs per cell, 95% interval)")
        runs = sorted({int(v) for v in c.loc[c["their_fraction"].notna(), "their_runs"]})
        if runs:  # no published cell in this panel: nothing of theirs to draw
            each = f"{runs[0]}" if len(runs) == 1 else f"{runs[0]}-{runs[-1]}"
            ax.plot(c["k"], c["their_fraction"], "s--", color="tab:red", label=f"Safran and Shamir ({each} runs per cell)")
        ax.set_title("n = k" if extra == 0 else "n = k + 1")
        ax.set_xlabel("k (teacher units = input dimension)")
        ax.legend(fontsize=8)
    axes[0].set_ylabel("fraction of runs in a spurious minimum")
    r = t.iloc[0]
    early = f"; runs below {r['decide_below']:g} while decreasing stopped there" if r["decide_below"] > 0 else ""
    fig.suptitle(f"Gradient descent on the exact loss, step {r['lr']:g}, until every unit's 2 pi-scaled gradient "
                 f"<= {r['tol']:g}{early}; spurious: final (1/2)E(f_W - f_V)^2 >= {r['stuck_threshold']:g}", fontsize=8)
    fig.tight_layout()
    save(fig, out)


def evidence(cells: pd.DataFrame, t: pd.DataFrame, fam: pd.DataFrame, out: str):
    """Per flagged cell: the final objectives (histogram, log scale) and the steps each run took,
    by how it stopped; and the spurious end points by family, our count beside theirs."""
    show = flagged(t)
    rows = max(len(show), 1)
    fig, axes = plt.subplots(rows, 3, figsize=(14, 2.6 * rows), squeeze=False)
    for (ax1, ax2, ax3), (_, r) in zip(axes, show.iterrows()):
        c = cells[(cells["k"] == r["k"]) & (cells["n"] == r["n"])]
        floor = 1e-16
        bins = np.logspace(-16, 1, 52)
        for stop, colour, words in (("tolerance", "tab:blue", "at the gradient tolerance"),
                                    ("below_level", "tab:green", "decided early, below the level"),
                                    ("cap", "tab:red", "at the step cap")):
            s = c[c["stop"] == stop]
            if len(s):
                ax1.hist(s["objective"].clip(lower=floor), bins=bins, color=colour, alpha=0.7, label=f"{words} ({len(s)})")
                ax2.hist(s["steps"], bins=np.logspace(0, np.log10(max(c["steps"].max(), 10)) + 0.1, 40),
                         color=colour, alpha=0.7, label=words)
        ax1.axvline(r["stuck_threshold"], color="k", lw=0.8)
        ax1.set_xscale("log")
        ax2.set_xscale("log")
        ax1.set_title(f"k={int(r['k'])}, n={int(r['n'])}: ours {int(r['stuck'])}/{int(r['runs'])} spurious "
                      f"[{r['ci_low']:.3f}, {r['ci_high']:.3f}], theirs {r['their_fraction']:.3f}; "
                      f"Fisher p={r['fisher_p']:.2g}", fontsize=8)
        ax1.set_xlabel("final objective (clipped at 1e-16)")
        ax2.set_xlabel("gradient steps")
        g = r["max_spurious_grad_norm"]
        ax2.set_title(f"largest 2 pi-scaled gradient at a spurious end point: {g:.2g}" if pd.notna(g)
                      else "no spurious end point in this cell", fontsize=8)
        ax1.legend(fontsize=7)
        f = fam[(fam["k"] == r["k"]) & (fam["n"] == r["n"])].sort_values("objective")
        x = np.arange(len(f))
        ax3.bar(x - 0.2, f["ours"] / r["runs"], 0.4, label=f"ours ({int(r['runs'])} runs)")
        ax3.bar(x + 0.2, f["theirs"] / r["their_runs"], 0.4, color="tab:red", label="Safran and Shamir")
        ax3.set_xticks(x, [f"{v:.4f}" for v in f["objective"]], rotation=60, fontsize=6)
        ax3.set_xlabel("family (objective at the end point)")
        ax3.set_ylabel("fraction of runs")
        counts = sorted(f["theirs"][f["theirs"] > 0].astype(int).tolist(), reverse=True)
        g = int(r["their_gcd"]) if pd.notna(r["their_gcd"]) else 1
        ax3.set_title(f"their family counts {counts[:6]}" + (f": all multiples of {g}" if g > 1 and len(counts) > 1
                                                              else ""), fontsize=8)
        ax3.legend(fontsize=7)
    fig.tight_layout()
    save(fig, out)


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--cells", nargs="+", required=True, help="Parquet files written by spurious_cell.py")
    p.add_argument("--check-cells", nargs="*", default=[], help="the same, for the check runs (no early decision)")
    p.add_argument("--anchor", required=True, help="CSV of the published fractions")
    p.add_argument("--anchor-families", required=True, help="CSV of the published end points by family")
    p.add_argument("--families-out", required=True)
    p.add_argument("--stuck-threshold", type=float, required=True, help="spurious: final objective at least this")
    p.add_argument("--table-out", required=True)
    p.add_argument("--check-out", required=True)
    p.add_argument("--figure-out", required=True)
    p.add_argument("--evidence-out", required=True)
    a = p.parse_args(argv)
    cells = label(read_runs(a.cells), a.stuck_threshold)
    if "cell_cpu_seconds" not in cells:  # cells written before their CPU time was logged: NaN, said in the report
        cells["cell_cpu_seconds"] = np.nan
    theirs = pd.read_csv(a.anchor_families, comment="#")
    fam = families(cells, theirs)
    t = table(cells, pd.read_csv(a.anchor, comment="#"), a.stuck_threshold, theirs, fam)
    chk = check_table(cells, read_runs(a.check_cells) if a.check_cells else pd.DataFrame(), a.stuck_threshold)
    write_atomic(t, a.table_out)
    write_atomic(fam, a.families_out)
    write_atomic(chk, a.check_out)
    figure(t, a.figure_out)
    evidence(cells, t, fam, a.evidence_out)
    print(t[["k", "n", "runs", "stuck", "fraction", "ci_low", "ci_high", "decided_below", "at_cap", "max_steps",
             "their_fraction", "fisher_p", "their_gcd", "fisher_p_effective"]].to_string(index=False))
    print(chk.to_string(index=False))


if __name__ == "__main__":
    main()
