"""Claims: every result the report states in words is a predicate over the logs.

A claim is evaluated where its study's numbers are made, with the values it used. The report
prints the sentence that holds (a claim carries one for each outcome), so no sentence can
contradict the logs it was built from; a claim that has no honest wording for one outcome
stops the build with its name and its values. Every claim, true or false, is listed in the
report's appendix and in the HTML report.
"""
from __future__ import annotations

import re
from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd

from overparam.numbers import kinds
from overparam.numbers.tex import NAME, fmt, tex_escape


class ClaimError(ValueError):
    """A claim with no honest wording for what the logs show."""


@dataclass(frozen=True)
class Claim:
    name: str        # CamelCase: also the macro that prints `text`
    study: str
    predicate: str   # the predicate in words
    values: str      # the values it was evaluated on, as plain text
    holds: bool
    text: str        # the LaTeX the report prints
    kind: str = "claim"  # or "reading": an interpretation that no predicate tests (kinds.reading)

    def row(self) -> dict:
        return asdict(self)


def show(values: dict) -> str:
    """Values as plain text: `r=60: 2 of 5; lr=0.1`."""
    def one(v):
        if isinstance(v, float):
            if v != v:
                return "none"  # NaN: no such value (no run got there, no such width)
            return "not finite" if v in (float("inf"), float("-inf")) else f"{v:.4g}"
        if isinstance(v, (bool, np.bool_)):
            return "yes" if v else "no"
        if isinstance(v, (list, tuple)):
            return "[" + ", ".join(one(x) for x in v) + "]" if len(v) else "none"
        return str(v) if str(v) != "" else "none"
    return "; ".join(f"{k}={one(v)}" for k, v in values.items())


def claim(study: str, name: str, predicate: str, holds, values: dict, if_true: str,
          if_false: str | None = None) -> Claim:
    """Evaluate one claim. `if_false=None` says no honest sentence exists when it fails: the
    build then stops here, naming the claim and the values that falsified it."""
    if not NAME.fullmatch(name):
        raise ValueError(f"claim name {name!r} must be CamelCase letters (it is also a macro)")
    holds = bool(holds)
    text = if_true if holds else if_false
    if text is None:
        raise ClaimError(f"claim {name} ({study}) is false and the report has no wording for that: "
                         f"{predicate}; values: {show(values)}")
    return Claim(name, study, predicate, show(values), holds, text)


def reading(study: str, name: str, text: str, about: str) -> Claim:
    """An interpretation that no predicate tests: printed marked as a reading (\\reading) and
    listed in the appendix as untested. `about` says what it interprets."""
    if not NAME.fullmatch(name):
        raise ValueError(f"claim name {name!r} must be CamelCase letters (it is also a macro)")
    return Claim(name, study, f"untested reading of {about}", "", True, kinds.reading(text), kind="reading")


def table(claims: list[Claim]) -> pd.DataFrame:
    return pd.DataFrame([c.row() for c in claims],
                        columns=["name", "study", "predicate", "values", "holds", "text", "kind"])


def appendix_rows(claims: pd.DataFrame) -> str:
    """The appendix: one longtable row per claim (name, predicate, values, outcome)."""
    rows = []
    for c in claims.itertuples(index=False):
        if getattr(c, "kind", "claim") == "reading":
            outcome = "reading, untested"
        else:
            outcome = "true" if str(c.holds).lower() == "true" else "\\textbf{false}"
        name = re.sub(r"(?<=[a-z])(?=[A-Z])", r"\\allowbreak{}", tex_escape(c.name))  # long names break at humps
        rows.append(f"\\texttt{{{name}}} & {tex_escape(c.predicate)} & "
                    f"{tex_escape(c.values)} & {outcome} \\\\")
    return "\n".join(rows) + "\n"


def count_macros(claims: pd.DataFrame) -> list[tuple[str, str]]:
    """How many claims (tested predicates), true and false, and how many readings (untested)."""
    is_reading = claims["kind"].eq("reading") if "kind" in claims else pd.Series(False, index=claims.index)
    tested = claims[~is_reading]
    holds = tested["holds"].astype(str).str.lower().eq("true")
    return [("ClaimCount", fmt(len(tested))), ("ClaimTrue", fmt(int(holds.sum()))),
            ("ClaimFalse", fmt(int((~holds).sum()))), ("ClaimReadings", fmt(int(is_reading.sum())))]
