"""Config values YAML reads in surprising ways: normalized or rejected, naming the key, before any job."""
import math

import pytest
import yaml

from conftest import ROOT
from overparam.config import normalize

SCHEMA = str(ROOT / "schemas/config.schema.yaml")


def default():
    return yaml.safe_load((ROOT / "config.yaml").read_text())


def test_whole_floats_become_integers_where_the_schema_wants_integers():
    c = default()
    c["planted"]["lr_test"]["epochs"] = 3.0
    c["sumrelu"]["iterations"] = 300.0
    c["gan"]["regimes"]["low_noise"]["batch_size"] = 1000.0
    notes = normalize(c, SCHEMA)
    assert (c["planted"]["lr_test"]["epochs"], c["sumrelu"]["iterations"]) == (3, 300)
    assert type(c["gan"]["regimes"]["low_noise"]["batch_size"]) is int
    assert any("planted.lr_test.epochs" in n for n in notes)


def test_numbers_written_as_yaml_1_1_strings_are_read_as_numbers_with_a_note():
    c = default()
    c["planted"]["lr_test"]["lrs"] = ["1e-4", "1e-3"]
    c["planted"]["width_test"]["lr"] = "1e-2"  # a oneOf: null or a number
    notes = normalize(c, SCHEMA)
    assert c["planted"]["lr_test"]["lrs"] == [1e-4, 1e-3] and c["planted"]["width_test"]["lr"] == 0.01
    assert any("planted.width_test.lr" in n and "1.0e-3" in n for n in notes)


def test_text_that_is_not_a_number_is_left_for_the_schema():
    c = default()
    c["planted"]["lr_test"]["epochs"] = "twenty"
    c["gan"]["data"]["idx_dir"] = "123"  # a string key stays a string
    normalize(c, SCHEMA)
    assert c["planted"]["lr_test"]["epochs"] == "twenty" and c["gan"]["data"]["idx_dir"] == "123"


@pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf])
def test_non_finite_numbers_are_rejected_naming_the_key(value):
    c = default()
    c["gan"]["regimes"]["original"]["lr_d"] = value
    with pytest.raises(ValueError, match=r"gan\.regimes\.original\.lr_d .*finite"):
        normalize(c, SCHEMA)


def test_equal_values_take_one_form():
    """`10000` for a number the schema wants as any number is `1.0e+4`, and a reordered set of
    seeds or epochs is the same set: both must name the same jobs (no rerun)."""
    a, b = default(), default()
    b["spurious"]["restart_above"] = 10000
    b["planted"]["seeds"] = list(reversed(b["planted"]["seeds"]))
    b["gan"]["sample_epochs"] = list(reversed(b["gan"]["sample_epochs"]))
    b["gan"]["sample_updates"] = list(reversed(b["gan"]["sample_updates"]))
    normalize(a, SCHEMA), normalize(b, SCHEMA)
    assert a == b and type(b["spurious"]["restart_above"]) is float
    assert type(b["planted"]["teacher"]["D"]) is int  # integers stay integers


def test_the_default_config_needs_no_note():
    assert normalize(default(), SCHEMA) == []


def test_the_note_on_positive_exponents_gives_advice_that_works():
    c = default()
    c["spurious"]["restart_above"] = "1.0e4"
    notes = normalize(c, SCHEMA)
    assert c["spurious"]["restart_above"] == 1.0e4 and "1.0e+4" in notes[0]
    assert yaml.safe_load("x: 1.0e+4")["x"] == 1.0e4  # the advice parses as a number


def test_a_yaml_error_is_named_with_its_line(tmp_path):
    from overparam.config import read_yaml

    bad = tmp_path / "bad.yaml"
    bad.write_text("planted:\n  seeds: [0, 1\n  threads: 2\n")
    with pytest.raises(ValueError, match=r"bad.yaml does not parse as YAML at line 3"):
        read_yaml(bad)


@pytest.mark.parametrize("argv, dropped", [
    (["snakemake", "--configfile", "a.yaml", "--cores", "1", "--configfile", "b.yaml"], True),
    (["snakemake", "--configfile=a.yaml", "--configfiles", "b.yaml"], True),
    (["snakemake", "--configfile", "a.yaml", "b.yaml", "-n"], False),
    (["snakemake", "-n"], False),
])
def test_a_repeated_configfile_flag_is_refused(argv, dropped):
    from overparam.config import repeated_config_flags

    message = repeated_config_flags(argv)
    assert (message is not None) == dropped
    if dropped:
        assert "--configfile a.yaml b.yaml" in message
