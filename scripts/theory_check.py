#!/usr/bin/env python
"""Numerical checks of the report's proofs; each writes a Parquet table (and, for L4 and L5.1,
a figure):

    v1a   loss along the rescaling orbit (alpha U, V / alpha)
    v1b   weight decay balances |U|_F and |V|_F, plain gradient descent does not
    v1c   the best rescaling under (lambda/2)(|U|_F + |V|_F^2) is balanced only at c = 1/4
    l4    f(eps w*) -> inf f; gradient and Hessian norms blow up as w -> 0
    l51   global min-max points of 0.2 x y - cos y and the local conditions there; its local
          min-max points (on the boundary x = +-1)
"""
import argparse

import matplotlib.pyplot as plt
import numpy as np

from overparam.theory import checks as theory
from overparam.logs import provenance, write_atomic
from overparam.plots import save
from overparam.threads import set_threads

# The options each check needs (the workflow passes them from config.yaml's theory section).
NEEDS = {"v1b": ["lams", "steps"], "l4": ["lam", "figure"], "l51": ["figure"]}


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("check", choices=["v1a", "v1b", "v1c", "l4", "l51"])
    p.add_argument("--lams", type=float, nargs="+", help="v1b: the weight decays")
    p.add_argument("--seeds", type=int, nargs="+", default=[0, 1], help="v1b")
    p.add_argument("--steps", type=int, help="v1b: gradient steps")
    p.add_argument("--lam", type=float, help="l4: the lambda of f")
    p.add_argument("--out", required=True, help="Parquet table")
    p.add_argument("--figure", help="l4, l51: PDF (with a PNG twin)")
    a = p.parse_args(argv)
    missing = [f"--{k}" for k in NEEDS.get(a.check, []) if getattr(a, k) is None]
    if missing:
        p.error(f"{a.check} needs {' '.join(missing)}")
    set_threads(1)

    if a.check == "v1a":
        df = theory.rescaling_invariance(np.logspace(-4, 4, 17))
    elif a.check == "v1b":
        df = theory.balance_under_weight_decay(a.lams, a.seeds, steps=a.steps)
    elif a.check == "v1c":
        df = theory.best_rescaling(np.round(np.linspace(0.05, 1.0, 20), 4).tolist() + [0.25])
    elif a.check == "l4":
        df = theory.bn_landscape(np.logspace(-1, -6, 11), lam=a.lam)
        fig, ax = plt.subplots(figsize=(4.5, 3.4))
        ax.loglog(df["eps"], df["grad_norm"], "o-", label="|grad f(eps u)|")
        ax.loglog(df["eps"], df["hessian_norm"], "s-", label="|Hess f(eps u)|")
        ax.loglog(df["eps"], df["grad_norm"].iloc[0] * df["eps"].iloc[0] / df["eps"], "k:", label="slope -1")
        ax.loglog(df["eps"], df["hessian_norm"].iloc[0] * (df["eps"].iloc[0] / df["eps"]) ** 2, "k--",
                  label="slope -2")
        ax.set_xlabel("eps = |w|")
        ax.set_title(f"L4: f(w) = |w* - w/|w||^2 + {a.lam:g}|w|^2 near w = 0", fontsize=9)
        ax.legend(fontsize=8)
        save(fig, a.figure)
    else:
        df, curve = theory.minmax_grid()
        glob, loc = df[df["kind"] == "global"], df[df["kind"] == "local"]
        fig, ax = plt.subplots(figsize=(4.5, 3.4))
        ax.plot(curve["x"], curve["phi"], label="phi(x) = max_y f")
        for k, (x, y) in enumerate(zip(loc["x"], loc["y"])):
            ax.plot(curve["x"], curve[f"local_branch_{k}"], "--", lw=1,
                    label=f"local max in y, branch through ({x:.0f}, {y:.2f})")
        ax.scatter(glob["x"], glob["value"], color="red", zorder=3, label="global min-max value")
        ax.scatter(loc["x"], loc["value"], color="black", marker="s", zorder=3, label="local min-max points")
        ax.set_xlabel("x")
        ax.set_ylabel("value")
        pts = lambda d: ", ".join(f"({x:.2f}, {y:.4f})" for x, y in zip(d["x"], d["y"]))  # noqa: E731
        ax.set_title(f"L5.1: global min-max points {pts(glob)}\nlocal min-max points {pts(loc)}", fontsize=8)
        ax.legend(fontsize=6.5, loc="upper center")
        save(fig, a.figure)
    write_atomic(df.assign(check=a.check, **provenance()), a.out)
    print(df.to_string(index=False))


if __name__ == "__main__":
    main()
