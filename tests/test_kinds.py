"""Claim kinds word themselves from their numbers: counts, ties, paired comparisons, bounds."""
import math
import re

import pytest

from conftest import ROOT
from overparam.numbers import kinds


@pytest.mark.parametrize("k, total, words", [
    (5, 5, r"all \ensuremath{5} runs"), (2, 2, "both runs"), (1, 1, "the one run"),
    (0, 5, r"none of the \ensuremath{5} runs"), (0, 1, "no run"), (0, 2, "neither run"),
    (4, 5, r"most runs (\ensuremath{4} of \ensuremath{5})"), (1, 5, r"\ensuremath{1} of the \ensuremath{5} runs"),
    (3, 6, r"\ensuremath{3} of the \ensuremath{6} runs"), (0, 0, "no runs"),
])
def test_count_words_follow_the_numbers(k, total, words):
    assert kinds.count(k, total, "run") == words


def test_count_refuses_impossible_counts_and_takes_irregular_plurals():
    with pytest.raises(ValueError):
        kinds.count(6, 5, "run")
    assert kinds.count(1, 3, "cell").endswith("cells") and kinds.count(2, 3, "matrix", "matrices").startswith("most matrices")
    assert kinds.count(1, 1, "unit") == "the one unit" and kinds.plural(1, "teacher unit") == "teacher unit"


def test_ordering_ties_overlapping_intervals_and_values_within_a_factor():
    values = {"a": 1.0, "b": 1.05, "c": 5.0}
    assert kinds.ordering(values).groups == (("a",), ("b",), ("c",))
    assert kinds.ordering(values, factor=1.1).groups == (("a", "b"), ("c",))
    low, high = {"a": 0.5, "b": 0.9, "c": 4.0}, {"a": 1.2, "b": 4.5, "c": 6.0}
    ranked = kinds.ordering(values, low, high)
    assert ranked.groups == (("a", "b", "c"),) and not ranked.strict  # a-b overlap, b-c overlap: one chain
    assert kinds.ordering({"x": 2.0, "y": float("nan")}).groups == (("x",), ("y",))
    assert kinds.ordering({"a": 1.0, "b": 2.0}).words() == r"a \(<\) b"


def test_paired_comparison_counts_seeds_and_never_calls_a_non_rejection_agreement():
    p = kinds.paired([1, 2, 3, 4, 5], [2, 3, 4, 5, 6])
    assert (p.lower, p.higher, p.ties, p.seeds) == (5, 0, 0, 5)
    assert p.p == pytest.approx(0.0625) and not p.differs()
    words = p.words()
    assert words.startswith(r"lower in \ensuremath{5} of \ensuremath{5} seeds") and "agree" not in words
    one = kinds.paired([1.0], [2.0])
    assert one.seeds == 1 and one.p == 1.0 and "of \\ensuremath{1} seed " in one.words()
    assert kinds.paired([1, float("nan")], [1, 2]).ties == 1
    assert kinds.paired([], []).words().startswith("not comparable")


@pytest.mark.parametrize("x, sig, upper, out", [
    (0.0123, 2, True, 0.013), (0.0123, 2, False, 0.012), (0.013, 2, True, 0.013), (-0.0123, 2, True, -0.012),
    (987.0, 1, True, 1000.0), (1.6e-10, 1, True, 2e-10),
])
def test_bounds_round_outward(x, sig, upper, out):
    b = kinds.bound(x, sig, upper)
    assert b == pytest.approx(out) and (b >= x if upper else b <= x)
    assert math.isnan(kinds.bound(float("nan")))


def test_readings_are_marked():
    assert kinds.reading("a reading") == r"\reading{a reading}"


def test_a_reading_is_listed_as_untested_and_not_counted_as_a_claim():
    from overparam.numbers.claims import appendix_rows, claim, count_macros, reading, table

    rows = table([claim("s", "SomeClaim", "p", True, {"x": 1}, "yes"),
                  reading("s", "SomeReading", "this may be why", "the gap between two curves")])
    assert dict(count_macros(rows))["ClaimCount"] == r"\ensuremath{1}"
    assert dict(count_macros(rows))["ClaimReadings"] == r"\ensuremath{1}"
    assert "reading, untested" in appendix_rows(rows) and rows["text"].iloc[1] == r"\reading{this may be why}"


@pytest.mark.parametrize("k, total, form", [(5, 5, "reach"), (1, 1, "reaches"), (0, 5, "reaches"), (2, 5, "reach"),
                                            (1, 5, "reaches"), (4, 5, "reach"), (0, 1, "reaches")])
def test_the_verb_agrees_with_the_count(k, total, form):
    assert kinds.verb(k, total, "reaches", "reach") == form


def width_summary(reached, seeds=5, rs=(4, 8, 16), medians=(1e-2, 1e-4, 1e-6), spread=0.1):
    import pandas as pd

    return pd.DataFrame({"r": list(rs), "seeds": seeds, "reached_threshold": list(reached),
                         "final_population_median": list(medians),
                         "final_population_min": [m * (1 - spread) for m in medians],
                         "final_population_max": [m * (1 + spread) for m in medians]})


def test_the_exact_student_is_least_reliable_only_alone():
    from overparam.planted import numbers as planted

    alone = planted.narrow_reliability_claim(width_summary([2, 5, 5]), 4)
    assert alone.holds and "misses most often" in alone.text and "Fisher" in alone.text
    tie = planted.narrow_reliability_claim(width_summary([0, 0, 0]), 4)  # every width misses in every seed
    assert not tie.holds and "no width is the least reliable alone" in tie.text
    assert "all \\ensuremath{5} seeds miss" in tie.text
    everyone = planted.narrow_reliability_claim(width_summary([5, 5, 5]), 4)
    assert not everyone.holds and everyone.text == "Every run of every width reaches the threshold."


def test_count_words_of_the_width_claims():
    from overparam.planted import numbers as planted

    none = planted.wider_claim(width_summary([5, 0, 0]), 4, 1e-6)
    assert not none.holds and none.text.startswith("none of the \\ensuremath{10} runs of the widths above")
    assert "brings" in none.text
    assert planted.narrow_trap_ref(width_summary([4, 5, 5]), 4).startswith("in V2(d), \\ensuremath{1} of the")


def test_the_width_pattern_ties_overlapping_seed_ranges_and_names_no_doubling():
    from overparam.planted import numbers as planted

    strict = planted.pattern_claim(width_summary([5, 5, 5]), 4, width_summary([5, 5, 5]).iloc[-1])
    assert strict.holds and "doubling" not in strict.text
    tied = planted.pattern_claim(width_summary([5, 5, 5], medians=(1e-2, 1.05e-2, 1e-6)), 4,
                                 width_summary([5, 5, 5]).iloc[-1])
    assert not tied.holds and "\\approx" in tied.text


@pytest.mark.parametrize("tuned, base, words", [
    ([100, 120, float("nan")], [100, 200, 400], "cannot be read from medians"),
    ([100, 120, 400], [100, 200, 400], "does not remove this price of width"),
    ([100, 120, 110], [100, 200, float("nan")], "the two steps are not compared"),
    ([100, 120, 110], [100, 110, 120], "neither step shows a price of width"),
    ([100, 120, 110], [100, 200, 400], "with only the step changed, the growth"),
])
def test_the_price_of_width_never_claims_what_its_numbers_deny(tuned, base, words):
    import numpy as np
    import pandas as pd

    from overparam.sumrelu import numbers as sumrelu

    t = pd.DataFrame({"m": [20, 40, 80], "base_iterations_to_threshold_median": base})
    med = np.array(tuned, float)
    out = sumrelu.price_claim(t, med, int(np.nanargmin(med)))
    assert words in out.text
    assert ("the step's doing" not in out.text) and (out.holds == bool(np.isfinite(med[-1]) and med[-1] > 1.5 * np.nanmin(med)))


def test_no_claim_prints_an_empty_sentence():
    """A claim listed in the appendix prints a sentence for its outcome (a vacuous truth says so)."""
    import synthetic
    from overparam.gan import numbers as gan
    from overparam.planted import numbers as planted
    from overparam.spurious import numbers as spurious
    from overparam.sumrelu import numbers as sumrelu
    from overparam.theory import numbers as theory_numbers

    for build, inputs in ((planted.build, synthetic.planted_inputs), (sumrelu.build, synthetic.sumrelu_inputs),
                          (spurious.build, synthetic.spurious_inputs), (gan.build, synthetic.gan_inputs),
                          (theory_numbers.build, lambda: {"frames": synthetic.theory_frames()})):
        out = build(**inputs())
        assert [c.name for c in out.claims if not c.text.strip()] == []
        # and the report prints it: every claim's macro is used in some section
        sections = "".join(p.read_text() for p in (ROOT / "report").rglob("*.tex"))
        unused = [c.name for c in out.claims if not re.search("\\\\" + c.name + "(?![A-Za-z])", sections)]
        assert unused == [], f"claims listed in the appendix but printed nowhere: {unused}"


def test_the_appendix_escapes_comparison_signs():
    from overparam.numbers.tex import tex_escape

    assert tex_escape("a < b, |x| > 1") == r"a \textless{} b, \textbar{}x\textbar{} \textgreater{} 1"


def test_the_sum_of_relus_numbers_stand_without_the_width_d_plus_one():
    import synthetic
    from overparam.sumrelu import numbers as sumrelu

    x = synthetic.sumrelu_inputs()
    d = int(x["certify"]["m"].min())
    x["certify"] = x["certify"][x["certify"]["m"] != d + 1]
    x["tuned"] = x["tuned"][x["tuned"]["m"] != d + 1]
    out = sumrelu.build(**x)
    text = {c.name: c.text for c in out.claims}["SumreluExtraUnitClaim"]
    assert "not measured here" in text
