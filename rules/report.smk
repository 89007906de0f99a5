# The paper: report/report.pdf, every number, table and result claim generated from the
# studies' logs (report/generated/), built with latexmk (TeX Live from Debian: see README,
# Report). Not part of `rule all`, so that the studies build where TeX is not installed:
#     snakemake --cores 8 report/report.pdf
#
# Each study adds itself in its own rule file: a <study>_numbers rule that writes
# report/generated/<study>/ (numbers.tex, its tables, claims.csv), appended to REPORT_PARTS,
# and its figures, appended to REPORT_FIGURES; its text goes in report/sections/.

# report.tex \input's every section it lists; all of report/sections/ is staged for the build.
REPORT_SECTIONS = sorted(repo_path(p) for p in Path(workflow.basedir, "report", "sections").glob("*.tex"))


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
        RUN + "report_numbers.py --study-numbers {input.numbers:q} --claims {input.claims:q} {params.flags} "
        "--generated-dir report/generated --out {output.numbers:q} --appendix {output.appendix:q} "
        "--html {output.html:q} > {log:q} 2>&1"


rule report_pdf:
    input:
        tex=repo_path("report/report.tex"),
        sections=REPORT_SECTIONS,
        numbers=rules.report_numbers.output.numbers,
        appendix=rules.report_numbers.output.appendix,
        study_numbers=[part.output.numbers for part in REPORT_PARTS],
        tables=[t for part in REPORT_PARTS for t in part.output.tables],
        figures=REPORT_FIGURES,
    output:
        "report/report.pdf",
    params:
        code=code("report_pdf.py"),
    log:
        "logs/report/report_pdf.log",
    benchmark:
        "benchmarks/report/report_pdf.tsv"
    shell:
        RUN + "report_pdf.py --tex {input.tex:q} --sections {input.sections:q} --generated-dir report/generated "
        "--generated {input.numbers:q} {input.appendix:q} {input.study_numbers:q} {input.tables:q} "
        "--figures {input.figures:q} --build-dir report/build --out {output:q} > {log:q} 2>&1"


localrules:
    report_numbers,
