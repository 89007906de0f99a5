# Problem L1.2: the sum-of-ReLUs teacher, and its bonus sweep over the student width m.
# Its path patterns and input functions: rules/common.smk, section "Sum of ReLUs".


rule sumrelu_train:
    output:
        log=f"{SUMRELU_RUN}/log.parquet",
        weights=f"{SUMRELU_RUN}/weights.parquet",
    params:
        script=script("sumrelu_train.py"),
        log_every=lookup(dpath="sumrelu/log_every", within=config),
        mc_samples=lookup(dpath="sumrelu/mc_samples", within=config),
    log:
        "logs/sumrelu/d={d}/m={m}/eta={c}_over_m/batch={batch}/iters={iters}/seeds={seeds}.log",
    benchmark:
        "benchmarks/sumrelu/d={d}/m={m}/eta={c}_over_m/batch={batch}/iters={iters}/seeds={seeds}.tsv"
    threads: 1
    priority: sumrelu_cost
    shell:
        "python {params.script} --d {wildcards.d} --m {wildcards.m} --seeds {wildcards.seeds} --lr-times-m {wildcards.c} --batch-size {wildcards.batch} --iterations {wildcards.iters} --log-every {params.log_every} --mc-samples {params.mc_samples} --threads {threads} --log-out {output.log} --weights-out {output.weights} > {log} 2>&1"


rule sumrelu_summary:
    input:
        logs=sumrelu_runs("log.parquet"),
        weights=sumrelu_runs("weights.parquet"),
    output:
        runs="results/sumrelu/runs.parquet",
        summary=report("results/sumrelu/summary.csv", caption="../report/captions/sumrelu_summary.rst", category="Sum of ReLUs"),
    params:
        script=script("sumrelu_summary.py"),
        threshold=lookup(dpath="sumrelu/stuck_threshold", within=config),
    log:
        "logs/sumrelu/summary.log",
    benchmark:
        "benchmarks/sumrelu/summary.tsv"
    shell:
        "python {params.script} --logs {input.logs} --weights {input.weights} --threshold {params.threshold} --runs-out {output.runs} --summary-out {output.summary} > {log} 2>&1"


rule sumrelu_plot_curves:
    input:
        sumrelu_runs("log.parquet", SUMRELU["curve_ms"]),
    output:
        report("figures/sumrelu.pdf", caption="../report/captions/sumrelu.rst", category="Sum of ReLUs"),
    params:
        script=script("sumrelu_plot.py"),
    log:
        "logs/figures/sumrelu.log",
    benchmark:
        "benchmarks/figures/sumrelu.tsv"
    shell:
        "python {params.script} curves --logs {input} --out {output} > {log} 2>&1"


rule sumrelu_plot_vs_m:
    input:
        runs=rules.sumrelu_summary.output.runs,
        summary=rules.sumrelu_summary.output.summary,
    output:
        report("figures/sumrelu_vs_m.pdf", caption="../report/captions/sumrelu_vs_m.rst", category="Sum of ReLUs"),
    params:
        script=script("sumrelu_plot.py"),
    log:
        "logs/figures/sumrelu_vs_m.log",
    benchmark:
        "benchmarks/figures/sumrelu_vs_m.tsv"
    shell:
        "python {params.script} vs_m --runs {input.runs} --summary {input.summary} --out {output} > {log} 2>&1"


rule sumrelu_numbers:
    input:
        runs=rules.sumrelu_summary.output.runs,
        summary=rules.sumrelu_summary.output.summary,
        logs=sumrelu_runs("log.parquet"),
    output:
        numbers=generated("sumrelu", "numbers.tex")[0],
        claims=generated("sumrelu", "claims.csv")[0],
        tables=generated("sumrelu", "sumrelu_table.tex"),
    params:
        script=script("sumrelu_numbers.py"),
        curve_ms=lookup(dpath="sumrelu/curve_ms", within=config),
    log:
        "logs/report/sumrelu_numbers.log",
    benchmark:
        "benchmarks/report/sumrelu_numbers.tsv"
    shell:
        "python {params.script} --runs {input.runs} --summary {input.summary} --logs {input.logs} --curve-ms {params.curve_ms} --out-dir report/generated/sumrelu > {log} 2>&1"


SUMRELU_FIGURES = [*rules.sumrelu_plot_curves.output, *rules.sumrelu_plot_vs_m.output]


# The study's outputs: snakemake --cores 8 sumrelu
rule sumrelu:
    input:
        SUMRELU_FIGURES,
        rules.sumrelu_summary.output.summary,


localrules:
    sumrelu,
    sumrelu_numbers,


REPORT_PARTS.append(rules.sumrelu_numbers)
REPORT_FIGURES.extend(SUMRELU_FIGURES)
