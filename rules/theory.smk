# Numerical checks of the proofs of problems V1, L4 and L5.1 (shown beside them in the report).


rule theory_check:
    output:
        "results/theory/{check}.parquet",
    params:
        code=code("theory_check.py"),
    log:
        "logs/theory/{check}.log",
    benchmark:
        "benchmarks/theory/{check}.tsv"
    wildcard_constraints:
        check="v1a|v1c",
    shell:
        "theory_check.py {wildcards.check} --out {output:q} > {log:q} 2>&1"


# V1(b) alone depends on theory.v1b_*: changing them reruns this check only.
rule theory_balance:
    output:
        "results/theory/v1b.parquet",
    params:
        code=code("theory_check.py"),
        flags=cli(lams=lookup(dpath="theory/v1b_lams", within=config),
                  steps=lookup(dpath="theory/v1b_steps", within=config)),
    log:
        "logs/theory/v1b.log",
    benchmark:
        "benchmarks/theory/v1b.tsv"
    shell:
        "theory_check.py v1b {params.flags} --out {output:q} > {log:q} 2>&1"


rule theory_figure:
    output:
        table="results/theory/{check}.parquet",
        figure=report("figures/theory_{check}.pdf", caption="../report/captions/theory_figure.rst", category="Proof checks"),
    params:
        code=code("theory_check.py"),
        flags=cli(lam=lookup(dpath="theory/l4_lam", within=config)),
    log:
        "logs/theory/{check}.log",
    benchmark:
        "benchmarks/theory/{check}.tsv"
    wildcard_constraints:
        check="l4|l51",
    shell:
        "theory_check.py {wildcards.check} {params.flags} --out {output.table:q} --figure {output.figure:q} "
        "> {log:q} 2>&1"


# Every check's table, and the figures of L4 and L5.1.
THEORY_TABLES = [
    *expand(rules.theory_check.output[0], check="v1a"),
    *rules.theory_balance.output,
    *expand(rules.theory_check.output[0], check="v1c"),
    *expand(rules.theory_figure.output.table, check=["l4", "l51"]),
]
THEORY_FIGURES = expand(rules.theory_figure.output.figure, check=["l4", "l51"])


rule theory_numbers:
    input:
        THEORY_TABLES,
    output:
        numbers=generated("theory", "numbers.tex")[0],
        claims=generated("theory", "claims.csv")[0],
        tables=generated("theory", "theory_v1b_table.tex"),
    params:
        code=code("theory_numbers.py"),
    log:
        "logs/report/theory_numbers.log",
    benchmark:
        "benchmarks/report/theory_numbers.tsv"
    shell:
        "theory_numbers.py --checks {input:q} --out-dir report/generated/theory > {log:q} 2>&1"


# The study's outputs: snakemake --cores 8 theory
rule theory:
    input:
        THEORY_TABLES,
        THEORY_FIGURES,


localrules:
    theory,
    theory_numbers,


REPORT_PARTS.append(rules.theory_numbers)
REPORT_FIGURES.extend(THEORY_FIGURES)
