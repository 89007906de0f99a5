"""LaTeX for the report's generated files: numbers as macros, tables as booktabs tabulars.

Macro names are letters only (LaTeX's rule for `\\newcommand` names) and CamelCase with at least
two capitals (`PlantedSelectedLr`), so numbers in them are spelled out. Numbers are set with
`\\ensuremath`, so a macro reads the same in running text and in math.
"""
from __future__ import annotations

import math
import re
from collections.abc import Iterable

import numpy as np
import pandas as pd

Macros = list[tuple[str, str]]
Tables = dict[str, str]

# Letters only (LaTeX's rule), and CamelCase with at least two capitals (the report's convention:
# its own helper macros are lower case or one capital, so a test can tell the generated ones).
NAME = re.compile(r"[A-Z][a-z]*[A-Z][A-Za-z]*")
TEX_SPECIAL = {"\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#",
               "_": r"\_", "{": r"\{", "}": r"\}", "~": r"\textasciitilde{}", "^": r"\^{}",
               # the default (OT1) font has no <, > or | in text: these print the symbols themselves
               "<": r"\textless{}", ">": r"\textgreater{}", "|": r"\textbar{}"}


def tex_escape(text: str) -> str:
    return "".join(TEX_SPECIAL.get(ch, ch) for ch in str(text))


def fmt(x, sig: int = 3, math_mode: bool = True) -> str:
    """A number as LaTeX with `sig` significant digits: 0.471, 5.35, 4.47\\times10^{-5}, 200.
    Integers (and floats that are whole and below 10^6) are written in full."""
    if x is None or (isinstance(x, float) and not math.isfinite(x)):
        return r"\mbox{n/a}"
    if isinstance(x, (bool, np.bool_)):
        return "yes" if x else "no"
    x = float(x)
    if x == int(x) and abs(x) < 1e6:
        s = f"{int(x):,d}".replace(",", "{,}") if abs(x) >= 1e4 else f"{int(x):d}"
    elif 1e-3 <= abs(x) < 1e4:
        s = f"{x:.{sig}g}"
        if "e" in s:  # e.g. 690 with sig=2: 'g' would write 6.9e+02
            s = f"{round(x, sig - 1 - math.floor(math.log10(abs(x)))):.0f}"
    else:
        mant, exp = f"{x:.{sig - 1}e}".split("e")
        mant = mant.rstrip("0").rstrip(".")
        e = int(exp)
        s = f"10^{{{e}}}" if mant == "1" else (f"-10^{{{e}}}" if mant == "-1" else f"{mant}\\times10^{{{e}}}")
    return f"\\ensuremath{{{s}}}" if math_mode else s


def fmt_count(n, noun: str) -> str:
    """A count and its noun, plural unless the count is one: '1 teacher unit', '2 teacher units'."""
    return f"{fmt(n)} {noun}" + ("" if n == 1 else "s")


def fmt_list(values: Iterable, sig: int = 3) -> str:
    return ", ".join(fmt(v, sig, math_mode=False) for v in values).join(["\\ensuremath{", "}"])


def interval(lo, hi, sig: int = 3) -> str:
    """[lo, hi] rounded outward (lo down, hi up), so the printed range still contains both ends."""
    from overparam.numbers.kinds import bound  # kinds imports this module
    return f"\\ensuremath{{[{fmt(bound(lo, sig, upper=False), sig, False)}, {fmt(bound(hi, sig, upper=True), sig, False)}]}}"


def commits(log: pd.DataFrame) -> str:
    """The git commits and code versions recorded in a log's provenance (`prov_git_commit`,
    `prov_code`: the hash of the scripts and modules that made it), short, as text for a caption."""
    series = log["prov_git_commit"]
    shas = sorted({str(c).removesuffix("-dirty")[:7] for c in series.dropna().unique()})
    dirty = any(str(c).endswith("-dirty") for c in series.dropna().unique())
    text = tex_escape(", ".join(shas) if shas else "unknown") + (" (with uncommitted changes)" if dirty else "")
    codes = sorted(set(log["prov_code"].dropna())) if "prov_code" in log else []
    return text + (f", code {tex_escape(', '.join(codes))}" if codes else ", code version not recorded")


def span(values: pd.Series, sig: int = 3) -> str:
    """'stays at 1.87' when the values agree to `sig` digits, else 'stays between 1.8 and 1.9'."""
    lo, hi = fmt(values.min(), sig), fmt(values.max(), sig)
    return f"stays at {lo}" if lo == hi else f"stays between {lo} and {hi}"


def seed_range(seeds: pd.Series) -> str:
    """Seeds as a caption writes them: 0, 1, 2 or, when there are many consecutive ones, 0 to 19."""
    u = sorted(int(v) for v in seeds.unique())
    if len(u) > 4 and u == list(range(u[0], u[-1] + 1)):
        return f"\\ensuremath{{{u[0]}}} to \\ensuremath{{{u[-1]}}}"
    return fmt_list(u)


def tabular(df: pd.DataFrame, align: str) -> str:
    """A booktabs tabular of cells that are already LaTeX; with no rows, one row of --."""
    head = " & ".join(df.columns) + r" \\"
    rows = list(df.itertuples(index=False)) or [["--"] * len(df.columns)]
    body = "\n".join(" & ".join(str(v) for v in row) + r" \\" for row in rows)
    return "\n".join([f"\\begin{{tabular}}{{{align}}}", r"\toprule", head, r"\midrule", body,
                      r"\bottomrule", r"\end{tabular}", ""])


def longtable(df: pd.DataFrame, align: str, caption: str, label: str) -> str:
    """A booktabs longtable (it breaks across pages; not in a float): the header repeats on every
    page, and the caption is a macro the report's section defines."""
    head = " & ".join(df.columns) + r" \\"
    rows = list(df.itertuples(index=False)) or [["--"] * len(df.columns)]
    body = "\n".join(" & ".join(str(v) for v in row) + r" \\" for row in rows)
    return "\n".join([f"\\begin{{longtable}}{{{align}}}", f"\\caption{{{caption}}}\\label{{{label}}}\\\\",
                      r"\toprule", head, r"\midrule", r"\endfirsthead", r"\toprule", head, r"\midrule", r"\endhead",
                      r"\bottomrule", r"\endlastfoot", body, r"\end{longtable}", ""])


def render(macros: Macros, sources: Iterable[str] = ()) -> str:
    """numbers.tex: one \\newcommand per macro, after checking names and duplicates."""
    seen = set()
    lines = ["% Generated by scripts/report_numbers.py from the studies' logs; do not edit.",
             *(f"% input: {tex_escape(s)}" for s in sources)]
    for name, value in macros:
        if not NAME.fullmatch(name):
            raise ValueError(f"macro name {name!r} must be letters only, CamelCase with two capitals or more")
        if name in seen:
            raise ValueError(f"macro {name!r} is defined twice")
        seen.add(name)
        lines.append(f"\\newcommand{{\\{name}}}{{{value}}}")
    return "\n".join(lines) + "\n"


