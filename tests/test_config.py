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
