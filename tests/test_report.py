"""The LaTeX report: the numbers generator on small synthetic logs, and the PDF built by the tiny
workflow run (every question's section present, every macro the text uses defined)."""
import re
import shutil
import subprocess
import sys
import unicodedata

import pandas as pd
import pytest

from conftest import ROOT, TINY
import synthetic
from overparam.gan import numbers as gan
from overparam.planted import numbers as planted
from overparam.spurious import numbers as spurious
from overparam.sumrelu import numbers as sumrelu
from overparam.theory import numbers as theory_numbers
from overparam.numbers.claims import count_macros
from overparam.numbers.claims import table as claims_table
from overparam.numbers.report import config_macro
from overparam.spurious.symmetry_numbers import build as build_symmetry
from overparam.numbers.tex import fmt, render

REPORT = ROOT / "report"
# The sections in the order report.tex inputs them.
SECTIONS = [REPORT / f"{name}.tex" for name in
            re.findall(r"\\input\{(sections/[^}]*?)(?:\.tex)?\}", (REPORT / "report.tex").read_text())]
# The questions of PROBLEMS.md, in order: each must open a section of the report.
QUESTIONS = ["V1", "V2", "L1.1", "L1.2", "L2", "L3", "L4", "L5.1", "L5.2"]
# Generated macros are CamelCase with two capitals or more (report_numbers.NAME); these standard
# commands are too, and the text may use them.
STANDARD_CAMEL = {"LaTeX", "TeX", "MakeUppercase", "MakeLowercase", "DeclareMathOperator"}


def used_macros() -> set[str]:
    """CamelCase macros used by report.tex and its sections, comments left out."""
    names = set()
    for f in [REPORT / "report.tex", *SECTIONS]:
        text = "\n".join(line.split("%")[0] if not line.lstrip().startswith("%") else ""
                         for line in f.read_text().splitlines())
        names |= set(re.findall(r"\\([A-Z][a-z]*[A-Z][A-Za-z]*)", text))
        names -= set(re.findall(r"\\newcommand\{\\([A-Za-z]+)\}", text))  # defined by the text itself
    return names - STANDARD_CAMEL


def defined_macros(numbers_tex: str) -> set[str]:
    return set(re.findall(r"\\newcommand\{\\([A-Za-z]+)\}", numbers_tex))


def section_titles() -> list[str]:
    return [t for f in SECTIONS for t in re.findall(r"\\section\{([^}]*)\}", f.read_text())]


# ---------------------------------------------------------------------------- synthetic logs


def synthetic_build():
    """Every study's numbers from synthetic logs, and the report's own macros."""
    parts = {"planted": planted.build(**synthetic.planted_inputs()),
             "sumrelu": sumrelu.build(**synthetic.sumrelu_inputs()),
             "spurious": spurious.build(**synthetic.spurious_inputs()),
             "theory": theory_numbers.build(synthetic.theory_frames()),
             "gan": gan.build(**synthetic.gan_inputs())}
    build_symmetry(parts["spurious"], synthetic.symmetry_inputs())
    macros = [m for n in parts.values() for m in n.macros + [(c.name, c.text) for c in n.claims]]
    claims = pd.concat([claims_table(n.claims) for n in parts.values()])
    macros += [config_macro(["/somewhere/config.yaml", "/elsewhere/tiny_config.yaml"]), *count_macros(claims)]
    tables = {k: v for n in parts.values() for k, v in n.tables.items()}
    return macros, tables


# ---------------------------------------------------------------------------- fast tests


@pytest.mark.parametrize("x, sig, expected", [
    (0.1, 3, r"\ensuremath{0.1}"), (4.4676e-5, 3, r"\ensuremath{4.47\times10^{-5}}"),
    (1e-6, 3, r"\ensuremath{10^{-6}}"), (200.0, 3, r"\ensuremath{200}"), (10000, 3, r"\ensuremath{10{,}000}"),
    (690.4, 2, r"\ensuremath{690}"), (float("nan"), 3, r"\mbox{n/a}"), (0.0, 3, r"\ensuremath{0}"),
])
def test_numbers_are_set_as_latex(x, sig, expected):
    assert fmt(x, sig) == expected


def test_numbers_of_synthetic_logs_cover_every_macro_the_text_uses():
    macros, tables = synthetic_build()
    tex = render(macros, ["results/x.parquet"])
    names = defined_macros(tex)
    assert len(names) == len(macros)  # all names valid, none twice
    missing = used_macros() - names
    assert not missing, f"the report uses macros that report_numbers does not write: {sorted(missing)}"
    values = dict(macros)
    assert values["ConfigFiles"] == r"\texttt{config.yaml} merged with \texttt{tiny\_config.yaml}"
    assert values["PlantedSelectedLr"] == r"\ensuremath{0.1}"  # the lower final objective of the two etas
    assert values["PlantedSeedList"] == r"\ensuremath{0, 1}"
    assert values["SumreluNarrowStuck"] == r"\ensuremath{2}"
    assert values["SumreluNoneStuckBeyondClaim"].startswith(r"from \(m=5\) on no run is stuck")
    assert values["SpuriousOutsideCells"] == "none" and values["SpuriousCheckRuns"] == r"\ensuremath{8}"
    assert values["PlantedCommit"] == "0123456 (with uncommitted changes), code 0123456789ab"
    assert values["LFiveFirstOrder"] == "fails" and values["LFiveValue"] == r"\ensuremath{1}"
    assert values["LFiveLocalCount"] == r"\ensuremath{2}"
    # every table a booktabs tabular, one row per item
    assert set(tables) >= {"lr_test_table", "width_test_table", "regimes_table", "sumrelu_table",
                           "spurious_table", "teacher_check_table", "theory_v1b_table"}
    for text in tables.values():
        assert text.startswith((r"\begin{tabular}", r"\begin{longtable}")) and r"\toprule" in text and r"\bottomrule" in text
    assert tables["sumrelu_table"].count(r"\\") == 1 + 3  # header and one row per width


def test_macro_names_must_be_camel_case_and_unique():
    with pytest.raises(ValueError, match="letters only"):
        render([("Planted2", "1")])
    with pytest.raises(ValueError, match="letters only"):
        render([("lower", "1")])
    with pytest.raises(ValueError, match="twice"):
        render([("PlantedD", "1"), ("PlantedD", "2")])


def test_each_question_opens_a_section_in_order():
    assert sorted(SECTIONS) == sorted((REPORT / "sections").glob("*.tex")), "a section file report.tex does not input"
    starts = [re.match(r"([VL][0-9.]*[0-9])\.", t) for t in section_titles()]
    assert [s.group(1) for s in starts if s] == QUESTIONS


def test_numbers_scripts_write_what_the_report_includes(tmp_path):
    """A study's numbers script and the report's, on synthetic outputs, as the workflow calls them."""
    g = synthetic.gan_inputs()
    for name, df in g.items():
        df.to_parquet(tmp_path / f"{name}.parquet")
    gen = tmp_path / "generated"
    subprocess.run([sys.executable, str(ROOT / "scripts/gan_numbers.py"), "--runs", str(tmp_path / "runs.parquet"),
                    "--quality", str(tmp_path / "quality.parquet"), "--out-dir", str(gen / "gan")],
                   check=True, capture_output=True)
    assert sorted(p.name for p in (gen / "gan").iterdir()) == ["claims.csv", "gan_table.tex", "numbers.tex"]
    assert not list(gen.rglob(".*tmp"))  # atomic writes leave no temporary file
    subprocess.run([sys.executable, str(ROOT / "scripts/report_numbers.py"),
                    "--study-numbers", str(gen / "gan/numbers.tex"), "--claims", str(gen / "gan/claims.csv"),
                    "--config-files", "config.yaml", "--generated-dir", str(gen), "--out", str(gen / "numbers.tex"),
                    "--appendix", str(gen / "claims_table.tex"), "--html", str(gen / "claims.html")],
                   check=True, capture_output=True)
    assert "\\input{generated/gan/numbers.tex}" in (gen / "numbers.tex").read_text()
    claims = pd.read_csv(gen / "gan/claims.csv")
    assert (gen / "claims_table.tex").read_text().count("\\\\") == len(claims)
    assert all(name in (gen / "claims.html").read_text() for name in claims["name"])


# ---------------------------------------------------------------------------- the built PDF


@pytest.mark.workflow
@pytest.mark.skipif(shutil.which("latexmk") is None,
                    reason="needs TeX Live: apt-get install texlive-latex-base texlive-latex-recommended latexmk")
def test_tiny_report_pdf_has_every_section_and_defines_every_macro(tiny_run, run_snakemake):
    from pypdf import PdfReader

    pdf = tiny_run / "report/report.pdf"
    assert pdf.read_bytes().startswith(b"%PDF")
    text = " ".join(" ".join(page.extract_text() for page in PdfReader(pdf).pages).split())
    text = unicodedata.normalize("NFKC", text)  # ligatures (fi, ff) as plain letters
    for title in section_titles():
        assert " ".join(title.split()) in text, f"section {title!r} missing from the PDF"
    numbers = "".join(p.read_text() for p in (tiny_run / "report/generated").rglob("numbers.tex"))
    missing = used_macros() - defined_macros(numbers)
    assert not missing, f"macros used but not defined by the generated file: {sorted(missing)}"
    log = (tiny_run / "report/build/report.log").read_text(errors="replace")
    assert "Undefined control sequence" not in log and "undefined references" not in log
    # the captions name the config that made the figures (the PDF's text has a space for "_")
    assert re.search(r"tiny.config\.yaml", text)
    # and the Snakemake HTML report of the same run, with its captions
    run_snakemake("report/report.pdf", "--report", "report/workflow-report.html", "--configfile", str(TINY),
                  "--directory", str(tiny_run))
    html = (tiny_run / "report/workflow-report.html").read_text(errors="replace")
    assert "Planted teacher" in html and "Proof checks" in html and "Claims" in html
