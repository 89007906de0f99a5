"""The numerical checks of the proofs (V1, L4, L5.1), from results/theory/*.parquet. A check
that contradicts its proof has no honest wording: its claim stops the build."""
from __future__ import annotations

from functools import partial

import numpy as np
import pandas as pd

from overparam.numbers import Numbers, kinds
from overparam.numbers.claims import claim
from overparam.numbers.tex import commits, fmt, fmt_list, span, tabular

STUDY = "theory"

c = partial(claim, STUDY)  # every claim of this module belongs to its study


def v1(frames, n: Numbers) -> None:
    a = frames["v1a"]
    change = float(a["relative_change"].max())
    n.macros += [("VOneAMaxRelChange", fmt(change, 2)), ("VOneAAlphaMin", fmt(a["alpha"].min(), 2)),
                 ("VOneAAlphaMax", fmt(a["alpha"].max(), 2)), ("VOneALoss", fmt(a["loss_at_1"].iloc[0])),
                 ("VOneAAlphas", fmt(len(a))), ("VOneAUNormMax", fmt(a["U_norm"].max(), 2))]
    n.add(c("VOneAChange", "along the rescaling orbit the loss changes by a relative 1e-12 at most (rounding)",
            change <= 1e-12, {"largest_relative_change": change},
            "is the same, to the last bit in floating point, as" if change == 0
            else f"differs by a relative amount of at most {kinds.at_most(change)} (rounding) from"))
    b = frames["v1b"].sort_values(["lam", "seed"])
    decay, none = b[b["lam"] > 0], b[b["lam"] == 0]
    dmax = float(decay["imbalance"].max())
    nmin = float(none["imbalance"].min()) if len(none) else float("nan")
    n.macros += [("VOneBSteps", fmt(b["steps"].iloc[0])), ("VOneBLams", fmt_list(b["lam"].unique())),
                 ("VOneBSeeds", fmt(b["seed"].nunique())),
                 ("VOneBStartRatio", fmt((b["start_U_norm"] / b["start_V_norm"]).median(), 2))]
    balanced = dmax < 1e-3 and (not len(none) or dmax < nmin)
    tail = (f"; with \\(\\lambda=0\\) it stays at least {fmt(kinds.bound(nmin, 2, upper=False), 2)}" if len(none) else "")
    n.add(c("VOneBBalanceClaim", "with weight decay every run ends with relative imbalance below 1e-3, and below "
            "every run without decay", balanced, {"decay_max": dmax, "no_decay_min": nmin},
            f"With \\(\\lambda>0\\) the relative imbalance ends at most {kinds.at_most(dmax)}{tail}.",
            f"With \\(\\lambda>0\\) the relative imbalance ends at most {kinds.at_most(dmax)}{tail}: in "
            f"{fmt(b['steps'].iloc[0])} steps the decay has not balanced the layers to \\(10^{{-3}}\\) at every "
            "\\(\\lambda\\) (" + ", ".join(
                f"\\(\\lambda={fmt(lam, 2, False)}\\): at most {kinds.at_most(float(g['imbalance'].max()))}"
                for lam, g in decay.groupby("lam")) + "), so the runs at "
            + ", ".join(f"\\(\\lambda={fmt(lam, 2, False)}\\)" for lam, g in decay.groupby("lam")
                        if g["imbalance"].max() >= 1e-3)
            + " are not yet at a critical point (balance holds at every critical point with decay)."))
    tab = pd.DataFrame({
        r"\(\lambda\)": b["lam"].map(fmt), "seed": b["seed"].map(fmt),
        r"start \(\|U\|_F\)": b["start_U_norm"].map(fmt), r"start \(\|V\|_F\)": b["start_V_norm"].map(fmt),
        r"end \(\|U\|_F\)": b["U_norm"].map(fmt), r"end \(\|V\|_F\)": b["V_norm"].map(fmt),
        "imbalance": b["imbalance"].map(lambda v: fmt(v, 2)),
    })
    n.tables["theory_v1b_table"] = tabular(tab, "rrrrrrr")
    cc = frames["v1c"]
    quarter = np.isclose(cc["c"], 0.25)
    at_q, other = float(cc.loc[quarter, "relative_imbalance"].max()), float(cc.loc[~quarter, "relative_imbalance"].min())
    alpha_err = float(((cc["alpha"] - cc["closed_form_alpha"]).abs() / cc["closed_form_alpha"]).max())
    ratio_err = float((cc["U_norm"] / (2 * cc["V_norm"] ** 2) - 1).abs().max())
    n.macros += [("VOneCCount", fmt(cc["c"].nunique())), ("VOneCcMin", fmt(cc["c"].min())),
                 ("VOneCcMax", fmt(cc["c"].max())), ("VOneCImbalanceQuarter", fmt(at_q, 2)),
                 ("VOneCImbalanceOtherMin", fmt(other, 2)), ("VOneCAlphaErr", kinds.at_most(alpha_err)),
                 ("VOneCRatioErr", kinds.at_most(ratio_err))]
    n.add(c("VOneCClaim", "the numerical best rescaling matches the closed form to 1e-6, and is balanced (to 1e-6) "
            "at c = 1/4 only", max(alpha_err, ratio_err, at_q) < 1e-6 and other > 1e-3,
            {"alpha_err": alpha_err, "ratio_err": ratio_err, "imbalance_quarter": at_q, "imbalance_other_min": other},
            "as the proposition says"))


def l4(frame, n: Numbers) -> None:
    four = frame.sort_values("eps")
    ge = four["grad_norm"] * four["eps"]
    he = four["hessian_norm"] * four["eps"] ** 2
    f_err = float((four["f_along_wstar"] / (four["lam"] * four["eps"] ** 2) - 1).abs().max())
    n.macros += [("LFourGradTimesEps", span(ge)), ("LFourHessTimesEpsSq", span(he)),
                 ("LFourLam", fmt(four["lam"].iloc[0])), ("LFourEpsMin", fmt(four["eps"].min())),
                 ("LFourEpsMax", fmt(four["eps"].max())),
                 ("LFourGradAtEpsMin", fmt(four["grad_norm"].iloc[0])),
                 ("LFourHessAtEpsMin", fmt(four["hessian_norm"].iloc[0])), ("LFourFRatioErr", kinds.at_most(f_err))]
    spread = lambda s: float(s.max() / s.min() - 1)  # noqa: E731
    # at the small eps the eps^2 term of the gradient and the 2 lambda of the Hessian are negligible
    small = four["eps"] <= 1e-2
    n.add(c("LFourSlopesClaim", "for eps <= 1e-2, eps |grad f| and eps^2 |Hess f| vary by under 1% (slopes -1 and -2), "
            "and f(eps w*) = lambda eps^2 to 1e-9", spread(ge[small]) < 0.01 and spread(he[small]) < 0.01 and f_err < 1e-9,
            {"grad_spread": spread(ge[small]), "hess_spread": spread(he[small]), "f_err": f_err},
            "(constant to 1\\% for \\(\\epsilon\\le10^{-2}\\): the predicted slopes \\(-1\\) and \\(-2\\))"))


def l51(frame, n: Numbers) -> None:
    p = frame[frame["kind"] == "global"].sort_values("y")
    schur = p["d2f_dx2"] - p["d2f_dxdy"] ** 2 / p["d2f_dy2"]
    n.macros += [("LFiveCount", fmt(len(p))), ("LFiveX", fmt(p["x"].abs().max() + 0.0, 3)),
                 ("LFiveYs", fmt_list(p["y"], 5)), ("LFiveValue", fmt(p["value"].iloc[0], 6)),
                 ("LFiveDfDxAbs", fmt(p["df_dx"].abs().min(), 4)), ("LFiveDfDyAbs", kinds.at_most(p["df_dy"].abs().max())),
                 ("LFiveDyy", fmt(p["d2f_dy2"].iloc[0])), ("LFiveDxy", fmt(p["d2f_dxdy"].iloc[0])),
                 ("LFiveDxx", fmt(p["d2f_dx2"].iloc[0])), ("LFiveSchur", fmt(schur.min(), 3))]
    fails_first = not bool(p["first_order_holds"].any())
    n.add(c("LFiveFirstOrder", "at every global min-max point found, the first-order condition df/dx = 0 fails",
            fails_first, {"abs_df_dx": [float(v) for v in p["df_dx"].abs()]}, "fails"))
    n.add(c("LFiveYLocalMax", "at every global min-max point found, y is a local maximum of f(x*, .)",
            bool(p["y_is_local_max"].all()), {"points": len(p)},
            "at each of them \\(y\\) is a local maximum of \\(f(x^\\star,\\cdot)\\)"))
    loc = frame[frame["kind"] == "local"].sort_values("x")
    err = float(np.hypot(loc["x"] - loc["closed_form_x"], loc["y"] - loc["closed_form_y"]).max()) if len(loc) else np.inf
    n.macros += [("LFiveLocalCount", fmt(len(loc))),
                 ("LFiveLocalPoints", " and ".join(f"\\(({fmt(x, 3, False)}, {fmt(y, 4, False)})\\)"
                                                   for x, y in zip(loc["x"], loc["y"]))),
                 ("LFiveLocalValue", fmt(loc["value"].mean(), 4) if len(loc) else r"\mbox{n/a}"),
                 ("LFiveLocalErr", "0 (the same floating-point numbers)" if err == 0 else f"at most {kinds.at_most(err)}")]
    n.add(c("LFiveLocalClaim", "the grid search finds exactly two local min-max points, both on the boundary "
            "x = +-1, within 1e-5 of the closed form", len(loc) == 2 and err < 1e-5 and bool((loc["x"].abs() == 1).all()),
            {"found": len(loc), "largest_distance_to_closed_form": err},
            "the two points on the boundary that the proposition gives"))


def build(frames: dict[str, pd.DataFrame]) -> Numbers:
    n = Numbers()
    v1(frames, n)
    l4(frames["l4"], n)
    l51(frames["l51"], n)
    n.macros.append(("TheoryCommit", commits(pd.concat([f.filter(like="prov_") for f in frames.values()
                                                        if "prov_git_commit" in f], ignore_index=True))))
    return n
