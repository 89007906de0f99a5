"""Every claim of the report flips with its logs: for each study, perturbed synthetic outputs on
which each claim changes outcome and wording, or stops the build naming the claim."""
import numpy as np
import pytest

import synthetic
from overparam.gan import numbers as gan
from overparam.planted import numbers as planted
from overparam.spurious import numbers as spurious
from overparam.sumrelu import numbers as sumrelu
from overparam.theory import numbers as theory
from overparam.numbers.claims import ClaimError, claim


def outcome(build, inputs):
    """{claim: (holds, text)}, or the ClaimError message when the build stops."""
    try:
        numbers = build(**inputs)
    except ClaimError as e:
        return str(e)
    return {c.name: (c.holds, c.text) for c in numbers.claims}


def flips(build, base, perturbed):
    """Claims whose outcome and wording differ between two sets of logs."""
    b, p = outcome(build, base), outcome(build, perturbed)
    assert isinstance(b, dict), b
    if isinstance(p, str):
        return p
    return {k for k in b if p[k][0] != b[k][0] and p[k][1] != b[k][1]}


def check_coverage(build, base, perturbations):
    names = set(outcome(build, base()))
    covered = set()
    for make in perturbations.values():
        f = flips(build, base(), make())
        if isinstance(f, set):
            covered |= f
    assert names - covered == set(), f"claims no perturbation flips: {sorted(names - covered)}"


# ---------------------------------------------------------------------------- planted


def runs_with(edit):
    runs = synthetic.planted_runs()
    edit(runs)
    return synthetic.planted_inputs(runs)


def scale(runs, mask, factor):
    runs.loc[mask, ["population_objective", "batch_objective"]] *= factor


def at(runs, **kw):
    mask = np.ones(len(runs), bool)
    for k, v in kw.items():
        mask &= runs[k].eq(v).to_numpy()
    return mask


def planted_check_off():
    x = synthetic.planted_inputs()
    x["check"] = x["check"].assign(std_sq_norm=0.01)
    return x


def lr_reversed(runs):
    lt = at(runs, study="lr_test", lr0=0.01) & (runs["epoch"] > 0).to_numpy()
    runs.loc[lt, ["population_objective", "batch_objective"]] = 1e-12


def lr_diverged(runs):
    m = at(runs, study="lr_test", lr0=0.01, seed=1) & (runs["epoch"] == 6).to_numpy()
    runs.loc[m, "status"] = "diverged"
    runs.loc[at(runs, study="lr_test", lr0=0.01, seed=1), "status"] = "diverged"


def lr_published_scale(runs):
    for lr, value in ((0.1, 5e-5), (0.01, 3e-2)):
        m = at(runs, study="lr_test", lr0=lr) & (runs["epoch"] > 0).to_numpy()
        runs.loc[m, "batch_objective"] = value
        runs.loc[m, "population_objective"] = value


def lr_plateau(runs):
    """The smallest eta never leaves the objective of the zero student."""
    m = at(runs, study="lr_test", lr0=0.01) & (runs["epoch"] > 0).to_numpy()
    runs.loc[m, "population_objective"] = 1.0  # less than a tenth below the start (1.0 and 1.1)
    runs.loc[m, "batch_objective"] = 1.0


def narrow_fails(runs):
    m = at(runs, study="width_test", r=4, seed=1) & (runs["epoch"] > 0).to_numpy()
    runs.loc[m, ["population_objective", "batch_objective"]] = 0.5


def wide_fails(runs):
    m = at(runs, study="width_test", r=8, seed=1) & (runs["epoch"] > 0).to_numpy()
    runs.loc[m, ["population_objective", "batch_objective"]] = 0.5


def none_reach(runs):
    m = at(runs, study="width_test") & (runs["epoch"] > 0).to_numpy()
    runs.loc[m, ["population_objective", "batch_objective"]] = 0.5


def width_like_published():
    """Width 8 becomes r=120's stand-in: fastest, reaching the published threshold near epoch 150,
    with the published epoch length (epoch counts compare only at both)."""
    runs = synthetic.planted_runs()
    runs["samples_per_epoch"] = 10000
    runs.loc[at(runs, study="width_test", r=8), "r"] = 120
    runs.loc[at(runs, study="width_test", r=4), "r"] = 60
    for r, first in ((120, 150), (60, 160)):
        m = at(runs, study="width_test", r=r)
        runs.loc[m, "population_objective"] = np.where(runs.loc[m, "epoch"] >= 1, 1e-4, 1.0)
        runs.loc[m & (runs["epoch"] == 6).to_numpy(), "population_objective"] = 1e-9
        runs.loc[m, "epoch"] = runs.loc[m, "epoch"] * first // 6
    return synthetic.planted_inputs(runs, threshold=1e-6)


def wide_worse(runs):
    scale(runs, at(runs, study="width_test", r=8), 1e12)


def wide_drops():
    """36 epochs, eta halving every 12: the widest curve sits on a level that falls at each halving."""
    runs = synthetic.planted_runs(epochs=36)
    runs["halve_every"] = 12
    m = at(runs, study="width_test", r=8)
    runs.loc[m, "population_objective"] = 10.0 ** -(2 + (runs.loc[m, "epoch"] - 1) // 12)
    return synthetic.planted_inputs(runs)


def livni_reversed(runs):
    scale(runs, at(runs, study="livni", r=8), 1e6)


def livni_cross(runs):
    m = at(runs, study="livni", r=8) & (runs["epoch"] == 1).to_numpy()
    runs.loc[m, "population_objective"] = 10.0


def livni_published(runs):
    runs["samples_per_epoch"] = 10000
    runs.loc[at(runs, study="livni", r=4), "r"] = 60
    runs.loc[at(runs, study="livni", r=8), "r"] = 120
    runs.loc[at(runs, study="livni"), "epochs"] = 200
    m = at(runs, study="livni", r=60) & (runs["epoch"] == 6).to_numpy()
    runs.loc[m, "population_objective"] = 0.5


def paper_monotone(runs):
    scale(runs, at(runs, study="paper", r=8), 1e6)


def wide_worse_in(*studies):
    """The widest student of each study ends far above the narrow one."""
    def edit(runs):
        for study in studies:
            scale(runs, at(runs, study=study, r=8), 1e6)
    edit.__name__ = "wide_worse_in_" + "_".join(studies)
    return edit


def per_width_same_eta(runs):
    runs.loc[at(runs, study="per_width", r=8), "lr0"] = 0.1


def paper_lazy(runs):
    runs.loc[at(runs, study="paper"), ["U_dist", "V_dist"]] = 1e-3


def livni_not_lazier_when_wider(runs):
    runs.loc[at(runs, study="livni"), ["U_dist", "V_dist"]] = 0.5


PLANTED = {
    "check": planted_check_off,
    "wide_drops": wide_drops,
    "width_like_published": width_like_published,
    **{f.__name__: (lambda f=f: runs_with(f)) for f in (
        lr_reversed, lr_diverged, lr_published_scale, lr_plateau, narrow_fails, wide_fails, none_reach,
        wide_worse, livni_reversed, livni_cross, livni_published, paper_monotone,
        per_width_same_eta, paper_lazy, livni_not_lazier_when_wider,
        *(wide_worse_in(x) for x in ("init", "eta", "batch", "momentum", "adam", "per_width")),
        wide_worse_in("init", "eta", "batch", "momentum", "adam"))},
}


def test_every_planted_claim_flips():
    check_coverage(planted.build, synthetic.planted_inputs, PLANTED)


def test_published_comparison_is_ranking_and_magnitude_only():
    x = runs_with(lr_published_scale)
    out = outcome(planted.build, x)
    assert out["LrTestRankingClaim"][0] and out["LrTestMagnitudeClaim"][0]
    assert "agree" not in out["LrTestMagnitudeClaim"][1]


# ---------------------------------------------------------------------------- sum of ReLUs


def sumrelu_with(edit):
    runs = synthetic.sumrelu_runs()
    edit(runs)
    runs["stuck"] = runs["final_exact_loss"] > runs["threshold"]
    return synthetic.sumrelu_inputs(runs)


def none_stuck(runs):
    runs.loc[:, "final_exact_loss"] = 1e-6
    runs.loc[:, "directions_covered"] = 4


def all_stuck(runs):
    runs.loc[:, "final_exact_loss"] = 0.05
    runs.loc[:, "directions_covered"] = 4


def wide_stuck(runs):
    runs.loc[(runs["m"] == 8) & (runs["seed"] == 0), "final_exact_loss"] = 0.05


def narrow_mostly_fine(runs):
    runs.loc[(runs["m"] == 4) & (runs["seed"] == 0), "final_exact_loss"] = 1e-7


def wide_cheap(runs):
    runs.loc[runs["m"] == 8, "final_exact_loss"] = 1e-7


def sumrelu_logs_off():
    x = synthetic.sumrelu_inputs()
    x["logs"] = x["logs"].assign(mc_loss=x["logs"]["exact_loss"] * 2)
    flat = x["logs"]["m"] == 8
    x["logs"].loc[flat, "exact_loss"] = x["logs"].loc[flat, "exact_loss"].groupby(
        [x["logs"]["m"], x["logs"]["seed"]]).transform("last")
    return x


def sumrelu_frame(name, **edits):
    """Synthetic inputs with rows of the certify or tuned table changed: {column: {m: value}}."""
    def make():
        x = synthetic.sumrelu_inputs()
        for col, by_m in edits.items():
            for m, v in by_m.items():
                x[name].loc[x[name]["m"] == m, col] = v
        return x
    return make


SUMRELU_CHECKS = {
    "narrow_saddle": sumrelu_frame("certify", spurious_minimum={4: 1, 5: 0}, saddle={4: 1, 5: 1}, lift_saddles={4: 3}),
    "family_off": sumrelu_frame("certify", minima_matching_published={4: 1}),
    "extra_unit_split": sumrelu_frame("certify", minima_max_cos={5: 1.0}),
    "wide_converged": sumrelu_frame("certify", not_converged={8: 2}, global_minimum={8: 1}),
    "step_flat": sumrelu_frame("tuned", c={8: 1.0}),
    "price_gone": sumrelu_frame("tuned", iterations_to_threshold_median={8: 120.0}),
}

SUMRELU = {"sumrelu_logs_off": sumrelu_logs_off, **SUMRELU_CHECKS,
           **{f.__name__: (lambda f=f: sumrelu_with(f)) for f in (
               none_stuck, all_stuck, wide_stuck, narrow_mostly_fine, wide_cheap)}}


def test_every_sumrelu_claim_flips():
    check_coverage(sumrelu.build, synthetic.sumrelu_inputs, SUMRELU)


# ---------------------------------------------------------------------------- spurious minima


def spurious_with(frame="table", **columns):
    def make():
        x = synthetic.spurious_inputs()
        for col, values in columns.items():
            x[frame][col] = values
        return x
    return make


SPURIOUS = {
    "falling": spurious_with(fraction=[0.5, 0.0, 0.1, 0.0]),
    "rise_resolved": spurious_with(fraction=[0.0, 0.0, 0.9, 0.0], ci_low=[0.0, 0.0, 0.6, 0.0],
                                   ci_high=[0.3, 0.32, 0.98, 0.32]),
    "extra_unit_useless": spurious_with(fraction=[0.125, 0.2, 0.375, 0.4]),
    "cap_reached": spurious_with(at_cap=[0, 2, 0, 0]),
    "a_rise": spurious_with(max_rise=[1e-14, 1e-6, 1e-14, 1e-14]),
    "check_disagrees": spurious_with("check", agree=[4, 3]),
    "outside": spurious_with(their_in_our_ci=[True, np.nan, False, True]),
    "significant": spurious_with(fisher_p_bh=[1.0, np.nan, 0.01, 1.0]),
    "family_missed": spurious_with(their_major_found=[1, 0, 1, 0]),
    "our_family_not_theirs": spurious_with(our_major_found=[1, 0, 0, 0]),
}


def test_families_are_matched_in_both_directions():
    out = outcome(spurious.build, SPURIOUS["our_family_not_theirs"]())
    holds, text = out["SpuriousFamiliesClaim"]
    assert not holds and "of the \\ensuremath{2} we reached in at least 10 runs, \\ensuremath{1} is among theirs" in text


def test_every_spurious_claim_flips():
    check_coverage(spurious.build, synthetic.spurious_inputs, SPURIOUS)


# ---------------------------------------------------------------------------- proof checks


def theory_inputs():
    return {"frames": synthetic.theory_frames()}


def theory_with(check, edit):
    def make():
        frames = synthetic.theory_frames()
        edit(frames[check])
        return {"frames": frames}
    return make


def _set(col, value, rows=slice(None)):
    def edit(df):
        df.loc[df.index[rows], col] = value
    return edit


THEORY_STOPS = {  # a check that contradicts its proof stops the build, naming the claim
    "VOneAChange": theory_with("v1a", _set("relative_change", 1e-3)),
    "VOneCClaim": theory_with("v1c", _set("relative_imbalance", 0.5)),
    "LFourSlopesClaim": theory_with("l4", _set("grad_norm", 1.0)),
    "LFiveFirstOrder": theory_with("l51", _set("first_order_holds", True)),
    "LFiveYLocalMax": theory_with("l51", _set("y_is_local_max", False)),
    "LFiveLocalClaim": theory_with("l51", _set("closed_form_x", 0.5)),
}


@pytest.mark.parametrize("name", sorted(THEORY_STOPS))
def test_a_failed_proof_check_stops_the_build_with_its_name(name):
    with pytest.raises(ClaimError, match=name):
        theory.build(**THEORY_STOPS[name]())


def test_balance_check_says_when_decay_has_not_balanced_yet():
    base = outcome(theory.build, theory_inputs())
    out = flips(theory.build, theory_inputs(), theory_with("v1b", _set("imbalance", 0.2))())
    assert out == {"VOneBBalanceClaim"} and base["VOneBBalanceClaim"][0]


# ---------------------------------------------------------------------------- GAN


def gan_with(edit):
    def make():
        x = synthetic.gan_inputs()
        edit(x["runs"], x["quality"])
        return x
    return make


def classes(q, regime, shares):
    p = np.asarray(shares, float)
    m = q["regime"].eq(regime)
    for k in range(10):
        q.loc[m, f"class_{k}"] = p[k]
    q.loc[m, "classes_covered"] = int((p >= 0.01).sum())
    q.loc[m, "class_entropy"] = float(-(p[p > 0] * np.log(p[p > 0])).sum())


def per_run(q, regime, col, values):
    """Set `col` of each seed's scored points of `regime` to `values` (one per point)."""
    for seed in q["seed"].dropna().unique():
        q.loc[q["regime"].eq(regime) & q["seed"].eq(seed), col] = values


def original_collapsed(runs, q):
    classes(q, "original", [0.95] + [0.05 / 9] * 9)
    runs.loc[runs["regime"] == "original", "d_real"] = 0.99
    runs.loc[runs["regime"] == "original", "d_fake"] = 0.01
    per_run(q, "original", "inception_score", [3.0, 2.0, 2.5, 2.6])
    per_run(q, "original", "frechet_distance", [15.0, 16.0, 15.5, 15.4])


def strong_equal(runs, q):
    for col in ("d_real", "d_fake", "g_loss"):
        runs.loc[runs["regime"] == "strong_discriminator", col] = runs.loc[runs["regime"] == "original", col].to_numpy()
    classes(q, "strong_discriminator", [0.1] * 10)
    per_run(q, "strong_discriminator", "frechet_distance", [10.0, 20.0, 30.0, 40.0])


def low_noise_fine(runs, q):
    classes(q, "low_noise", [0.1] * 10)
    q.loc[q["regime"] == "low_noise", "frechet_distance"] = 1.0
    runs.loc[runs["regime"] == "low_noise", "d_real"] = 0.95


def low_noise_stays(runs, q):
    classes(q, "low_noise", [0.95] + [0.05 / 9] * 9)
    q.loc[q["regime"] == "low_noise", "frechet_distance"] = 200.0


def original_far(runs, q):
    per_run(q, "original", "frechet_distance", [300.0, 200.0, 100.0, 90.0])


def one_seed_differs(runs, q):
    """Seed 1 of regime 3 is not collapsed at first: the claims count seeds, 1 of 2."""
    m = q["regime"].eq("low_noise") & q["seed"].eq(1)
    for k in range(10):
        q.loc[m, f"class_{k}"] = 0.1


def samples_are_noise(runs, q):
    """No scored point is recognised as digits: no class histogram may be read as modes."""
    q.loc[q["regime"] != "real digits", "confident_fraction"] = 0.2


GAN = {f.__name__: gan_with(f) for f in (original_collapsed, strong_equal, low_noise_fine, low_noise_stays,
                                         original_far, one_seed_differs, samples_are_noise)}


def test_every_gan_claim_flips():
    check_coverage(gan.build, synthetic.gan_inputs, GAN)


def test_gan_claims_count_seeds():
    out = outcome(gan.build, gan_with(one_seed_differs)())
    holds, text = out["GanLowNoiseCollapseClaim"]
    assert not holds and r"\ensuremath{1} of \ensuremath{2}" in text


def test_gan_histograms_of_noise_are_not_read_as_modes():
    out = outcome(gan.build, gan_with(samples_are_noise)())
    holds, text = out["GanStrongSwingClaim"]
    assert not holds and "no change of its largest class can be read" in text
    holds, text = out["GanLowNoiseEndClaim"]
    assert not holds and "says nothing about collapse" in text


def test_samples_are_described_from_the_class_histogram():
    out = gan.build(**synthetic.gan_inputs())
    macros = dict(out.macros)
    assert macros["GanStrongDiscriminatorHistogram"] == r"class 0 takes \ensuremath{0.4} and class 1 \ensuremath{0.3}"


# ---------------------------------------------------------------------------- mechanics


def test_a_false_claim_without_wording_stops_with_its_name_and_values():
    with pytest.raises(ClaimError, match=r"NoRunDiverged .*values: diverged=2"):
        claim("planted", "NoRunDiverged", "no run diverged", False, {"diverged": 2}, "No run diverged.", None)
    c = claim("planted", "NoRunDiverged", "no run diverged", False, {"diverged": 2}, "No run diverged.",
              "Two runs diverged.")
    assert (c.holds, c.text, c.values) == (False, "Two runs diverged.", "diverged=2")
