"""Config values checked and normalized before the JSON schema sees them, so that a value YAML
reads in a surprising way gets one clear message naming its key, before any job runs:

- numbers must be finite (`.nan`, `.inf` are rejected);
- a whole-number float where the schema wants an integer (`epochs: 3.0`) becomes the integer,
  so it names the same output paths as `3`;
- a number written in a form YAML 1.1 reads as a string (`1e-3`, `1.0e4`) is read as the number
  it spells, where the schema wants a number, and the workflow says so;
- equal values give equal jobs: a whole number where the schema wants any number (`10000` for
  `1.0e+4`) becomes a float, and a list whose items form a set (the schema's `uniqueItems`:
  seeds, etas, widths, sample epochs) is sorted, so its order names no new output and reruns
  nothing.
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
        return (f"config {where}: the string {value!r} read as the number {number!r} (YAML 1.1 reads a "
                "number in e-notation as text unless it has a decimal point and a signed exponent: write "
                "1.0e-3 or 1.0e+4 to make it a number in every YAML reader)")
    return None


def _resolve(schema, root):
    while "$ref" in schema:  # local references only: "#/$defs/name"
        node = root
        for part in schema["$ref"].removeprefix("#/").split("/"):
            node = node[part]
        schema = node
    return schema


def _types(schema, root) -> set:
    """The JSON types a (sub)schema admits, through $ref and the alternatives of oneOf/anyOf."""
    schema = _resolve(schema, root)
    t = schema.get("type")
    out = set(t if isinstance(t, list) else [t] if t else [])
    for alt in schema.get("oneOf", []) + schema.get("anyOf", []):
        out |= _types(alt, root)
    return out


def canonical(node, schema, root):
    """`node` in the one form that equal values share: a whole number where only numbers (not
    integers) are wanted as a float, and `uniqueItems` lists of numbers sorted."""
    schema = _resolve(schema, root)
    types = _types(schema, root)
    if isinstance(node, int) and not isinstance(node, bool) and "number" in types and "integer" not in types:
        return float(node)
    if isinstance(node, dict):
        props, extra = schema.get("properties", {}), schema.get("additionalProperties")
        for k, v in node.items():
            sub = props.get(k, extra if isinstance(extra, dict) else None)
            if sub is not None:
                node[k] = canonical(v, sub, root)
    elif isinstance(node, list) and isinstance(schema.get("items"), dict):
        node[:] = [canonical(v, schema["items"], root) for v in node]
        if schema.get("uniqueItems") and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in node):
            node.sort()
    return node


def normalize(config: dict, schema_path: str) -> list[str]:
    """Normalize `config` in place (see the module docstring) and return one note per change of
    notation (not for the silent canonical forms). Raises ValueError naming the key of a
    non-finite number. The schema check itself comes after."""
    reject_nonfinite(config)
    schema = yaml.safe_load(open(schema_path))
    notes: list[str] = []
    while True:  # each pass fixes what it can; a fixed value may uncover errors below it
        fixed = [n for e in STRICT(schema).iter_errors(config) for t in _type_errors(e)
                 if (n := _fix(config, t)) is not None]
        if not fixed:
            break
        notes += fixed
    canonical(config, schema, schema)
    return notes


def read_yaml(path) -> dict:
    """A YAML config file; one that does not parse is named with the line and column of the fault."""
    try:
        with open(path) as f:
            return yaml.safe_load(f)
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        where = f" line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(e, "problem", None) or str(e).splitlines()[0]
        raise ValueError(f"config file {path} does not parse as YAML at{where}: {problem}") from None


CONFIG_FLAGS = ("--configfile", "--configfiles")


def repeated_config_flags(argv) -> str | None:
    """A message when the command line repeats --configfile: Snakemake keeps only the last
    flag's files and silently drops the others (`--configfile a.yaml b.yaml` keeps both)."""
    groups, current = [], None
    for word in argv[1:]:
        name = word.split("=", 1)[0]
        if name in CONFIG_FLAGS:
            current = [word.split("=", 1)[1]] if "=" in word else []
            groups.append(current)
        elif word.startswith("-"):
            current = None
        elif current is not None:
            current.append(word)
    if len(groups) < 2:
        return None
    files = " ".join(f for g in groups for f in g)
    return (f"--configfile is given {len(groups)} times; Snakemake would keep only the last one's files "
            f"({' '.join(groups[-1])}) and drop the others. List all files after one flag: "
            f"--configfile {files}")
