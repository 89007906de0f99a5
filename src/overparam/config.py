"""Config values checked and normalized before the JSON schema sees them, so that a value YAML
reads in a surprising way gets one clear message naming its key, before any job runs:

- numbers must be finite (`.nan`, `.inf` are rejected);
- a whole-number float where the schema wants an integer (`epochs: 3.0`) becomes the integer,
  so it names the same output paths as `3`;
- a number written in a form YAML 1.1 reads as a string (`1e-3`) is read as the number it spells,
  where the schema wants a number, and the workflow says so.
"""
from __future__ import annotations

import math
import re

import yaml
from jsonschema import Draft202012Validator, validators

NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")
# JSON Schema counts 3.0 as an integer; for paths and argument parsing it is not one.
STRICT = validators.extend(Draft202012Validator, type_checker=Draft202012Validator.TYPE_CHECKER.redefine(
    "integer", lambda checker, x: isinstance(x, int) and not isinstance(x, bool)))


def key(path) -> str:
    out = ""
    for p in path:
        out += f"[{p}]" if isinstance(p, int) else (f".{p}" if out else str(p))
    return out


def reject_nonfinite(node, path=()) -> None:
    if isinstance(node, dict):
        for k, v in node.items():
            reject_nonfinite(v, (*path, k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            reject_nonfinite(v, (*path, i))
    elif isinstance(node, float) and not math.isfinite(node):
        raise ValueError(f"config {key(path)} is {node}: numbers must be finite")


def _set(config, path, value) -> None:
    node = config
    for p in list(path)[:-1]:
        node = node[p]
    node[list(path)[-1]] = value


def _type_errors(error):
    """The type errors of an error and of the alternatives of a oneOf/anyOf."""
    if error.validator == "type":
        yield error
    for sub in error.context or ():
        yield from _type_errors(sub)


def _fix(config, error) -> str | None:
    wanted = error.validator_value if isinstance(error.validator_value, list) else [error.validator_value]
    value, where = error.instance, key(error.absolute_path)
    if "integer" in wanted and isinstance(value, float) and value.is_integer():
        _set(config, error.absolute_path, int(value))
        return f"config {where}: {value!r} read as the integer {int(value)}"
    if ({"number", "integer"} & set(wanted)) and isinstance(value, str) and NUMBER.fullmatch(value.strip()):
        number = float(value)
        if "number" not in wanted:
            if not number.is_integer():
                return None
            number = int(number)
        _set(config, error.absolute_path, number)
        return (f"config {where}: the string {value!r} read as the number {number!r} (YAML 1.1 reads 1e-3 as "
                "text; write 1.0e-3 to make it a number in every YAML reader)")
    return None


def normalize(config: dict, schema_path: str) -> list[str]:
    """Normalize `config` in place (see the module docstring) and return one note per change.
    Raises ValueError naming the key of a non-finite number. The schema check itself comes after."""
    reject_nonfinite(config)
    schema = yaml.safe_load(open(schema_path))
    notes: list[str] = []
    while True:  # each pass fixes what it can; a fixed value may uncover errors below it
        fixed = [n for e in STRICT(schema).iter_errors(config) for t in _type_errors(e)
                 if (n := _fix(config, t)) is not None]
        if not fixed:
            return notes
        notes += fixed
