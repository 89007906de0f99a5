# The paper: report/report.pdf, every number and table generated from the studies' logs
# (report/generated/), built with latexmk (TeX Live from Debian: see README, Report). Not part
# of `rule all`, so that the studies build where TeX is not installed:
#     snakemake --cores 8 report/report.pdf

# A study adds itself to the report in four places: its outputs to the inputs and the command
# line of report_numbers, a function of src/overparam/report_numbers.py that turns them into
# macros and tables (e.g. gan_macros), its tables to REPORT_TABLES and its figures to
# REPORT_FIGURES; its text goes in report/sections/.

# Tables written by report_numbers (report/generated/STEM.tex); a study that adds one names it here.
REPORT_TABLES = [
    "teacher_check_table",
    "lr_test_table",
    "width_test_table",
    "regimes_table",
    "sumrelu_table",
    "spurious_table",
    "theory_v1b_table",
    "gan_table",
]
REPORT_FIGURES = PLANTED_FIGURES + SUMRELU_FIGURES + [
    "figures/spurious_minima.pdf",
    "figures/theory_l4.pdf",
    "figures/theory_l51.pdf",
] + GAN_FIGURES
# report.tex \input's every section it lists; all of report/sections/ is staged for the build.
REPORT_SECTIONS = sorted(str(p) for p in Path(workflow.basedir, "report", "sections").glob("*.tex"))


rule report_numbers:
    input:
        planted_runs="results/planted/runs.parquet",
        teacher_check="results/planted/teacher_check.parquet",
        anchors=repo_path("data/anchors/published_v2.csv"),
        sumrelu_runs="results/sumrelu/runs.parquet",
        sumrelu_logs=sumrelu_runs("log.parquet"),
        spurious_table="results/spurious/spurious_table.csv",
        spurious_cells=spurious_cells(),
        theory=expand("results/theory/{check}.parquet", check=["v1a", "v1b", "v1c", "l4", "l51"]),
        gan_runs="results/gan/runs.parquet",
        gan_quality="results/gan/quality.parquet",
    output:
        numbers="report/generated/numbers.tex",
        tables=expand("report/generated/{name}.tex", name=REPORT_TABLES),
    params:
        script=script("report_numbers.py"),
        threshold=lookup(dpath="planted/threshold", within=config),
        curve_ms=lookup(dpath="sumrelu/curve_ms", within=config),
        config_files=[Path(f).name for f in workflow.configfiles],
        tables=REPORT_TABLES,
    log:
        "logs/report/numbers.log",
    benchmark:
        "benchmarks/report/numbers.tsv"
    shell:
        "python {params.script} --planted-runs {input.planted_runs} --teacher-check {input.teacher_check} --planted-threshold {params.threshold} --anchors {input.anchors} --sumrelu-runs {input.sumrelu_runs} --sumrelu-logs {input.sumrelu_logs} --sumrelu-curve-ms {params.curve_ms} --spurious-table {input.spurious_table} --spurious-cells {input.spurious_cells} --theory {input.theory} --gan-runs {input.gan_runs} --gan-quality {input.gan_quality} --config-files {params.config_files} --out {output.numbers} --tables-dir report/generated --tables {params.tables} > {log} 2>&1"


rule report_pdf:
    input:
        tex=repo_path("report/report.tex"),
        sections=REPORT_SECTIONS,
        numbers="report/generated/numbers.tex",
        tables=expand("report/generated/{name}.tex", name=REPORT_TABLES),
        figures=REPORT_FIGURES,
    output:
        "report/report.pdf",
    params:
        script=script("build_report.py"),
    log:
        "logs/report/report_pdf.log",
    benchmark:
        "benchmarks/report/report_pdf.tsv"
    shell:
        "python {params.script} --tex {input.tex} --sections {input.sections} --generated {input.numbers} {input.tables} --figures {input.figures} --build-dir report/build --out {output} > {log} 2>&1"
