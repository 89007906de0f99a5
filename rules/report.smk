# The paper: report/report.pdf, every number, table and result claim generated from the
# studies' logs (report/generated/), built with latexmk (TeX Live from Debian: see README,
# Report). Not part of `rule all`, so that the studies build where TeX is not installed:
#     snakemake --cores 8 report/report.pdf
#
# Each study adds itself in its own rule file: a <study>_numbers rule that writes
# report/generated/<study>/ (numbers.tex, its tables, claims.csv), appended to REPORT_PARTS,
# and its figures, appended to REPORT_FIGURES; its text goes in report/sections/.

# report.tex \input's every section it lists; all of report/sections/ is staged for the build.
# (read by the job from "$OVERPARAM_ROOT"/report; tracked by content: repo_file)
REPORT_SOURCES = [repo_file("report/report.tex"), *sorted(str(p) for p in (ROOT / "report" / "sections").glob("*.tex"))]


rule report_numbers:
    input:
        numbers=[part.output.numbers for part in REPORT_PARTS],
        claims=[part.output.claims for part in REPORT_PARTS],
    output:
        numbers="report/generated/numbers.tex",
        appendix="report/generated/claims_table.tex",
        html=report("report/generated/claims.html", caption="../report/captions/claims.rst", category="Claims"),
    params:
        code=code("report_numbers.py"),
        flags=cli(config_files=[Path(f).name for f in workflow.configfiles]),
    log:
        "logs/report/numbers.log",
    benchmark:
        "benchmarks/report/numbers.tsv"
    shell:
        "report_numbers.py --study-numbers {input.numbers:q} --claims {input.claims:q} {params.flags} "
        "--generated-dir report/generated --out {output.numbers:q} --appendix {output.appendix:q} "
        "--html {output.html:q} > {log:q} 2>&1"


rule report_pdf:
    input:
        numbers=rules.report_numbers.output.numbers,
        appendix=rules.report_numbers.output.appendix,
        study_numbers=[part.output.numbers for part in REPORT_PARTS],
        tables=[t for part in REPORT_PARTS for t in part.output.tables],
        figures=REPORT_FIGURES,
    output:
        "report/report.pdf",
    params:
        code=code("report_pdf.py"),
        sources=file_digest(REPORT_SOURCES),
    log:
        "logs/report/report_pdf.log",
    benchmark:
        "benchmarks/report/report_pdf.tsv"
    shell:
        "report_pdf.py --tex \"$OVERPARAM_ROOT/report/report.tex\" "
        "--sections \"$OVERPARAM_ROOT/report/sections/\"*.tex --generated-dir report/generated "
        "--generated {input.numbers:q} {input.appendix:q} {input.study_numbers:q} {input.tables:q} "
        "--figures {input.figures:q} --build-dir report/build --out {output:q} > {log:q} 2>&1"


localrules:
    report_numbers,
