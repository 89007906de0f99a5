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


rule sumrelu_certify:
    input:
        weights=f"{SUMRELU_RUN}/weights.parquet",
    output:
        runs=f"{SUMRELU_RUN}/certify.parquet",
        lifts=f"{SUMRELU_RUN}/lifts.parquet",
    params:
        script=script("sumrelu_certify.py"),
        threshold=lookup(dpath="sumrelu/stuck_threshold", within=config),
        q=lookup(dpath="sumrelu/certify", within=config),
        polish_lr=lookup(dpath="spurious/lr", within=config),
        polish_tol=lookup(dpath="spurious/tol", within=config),
    log:
        "logs/sumrelu/d={d}/m={m}/eta={c}_over_m/batch={batch}/iters={iters}/seeds={seeds}.certify.log",
    benchmark:
        "benchmarks/sumrelu/d={d}/m={m}/eta={c}_over_m/batch={batch}/iters={iters}/seeds={seeds}.certify.tsv"
    threads: 1
    shell:
        "python {params.script} --weights {input.weights} --threshold {params.threshold} --grad-tol {params.q[grad_tol]} --curv-tol {params.q[curv_tol]} --move-tol {params.q[move_tol]} --eigenvalues {params.q[eigenvalues]} --dense-max {params.q[dense_max]} --eig-tol {params.q[eig_tol]} --polish-lr {params.polish_lr} --polish-tol {params.polish_tol} --polish-cap {params.q[polish_cap]} --threads {threads} --runs-out {output.runs} --lifts-out {output.lifts} > {log} 2>&1"


rule sumrelu_lr_test:
    output:
        f"{SUMRELU_TUNED}/lr_test.parquet",
    params:
        script=script("sumrelu_lr_test.py"),
        grid=lambda w: w.grid.replace("_", " "),
    log:
        f"logs/{SUMRELU_TUNED.removeprefix('results/')}/lr_test.log",
    benchmark:
        f"benchmarks/{SUMRELU_TUNED.removeprefix('results/')}/lr_test.tsv"
    threads: 1
    shell:
        "python {params.script} --d {wildcards.d} --m {wildcards.m} --grid {params.grid} --first-seed {wildcards.seeds} --test-seeds {wildcards.tseeds} --batch-size {wildcards.batch} --iterations {wildcards.titers} --threads {threads} --out {output} > {log} 2>&1"


rule sumrelu_tuned_train:
    input:
        rules.sumrelu_lr_test.output,
    output:
        log=f"{SUMRELU_TUNED}/log.parquet",
        weights=f"{SUMRELU_TUNED}/weights.parquet",
    params:
        script=script("sumrelu_train.py"),
        log_every=lookup(dpath="sumrelu/tuned/log_every", within=config),
    log:
        f"logs/{SUMRELU_TUNED.removeprefix('results/')}/train.log",
    benchmark:
        f"benchmarks/{SUMRELU_TUNED.removeprefix('results/')}/train.tsv"
    threads: 1
    shell:
        "python {params.script} --d {wildcards.d} --m {wildcards.m} --seeds {wildcards.seeds} --lr-test {input} --batch-size {wildcards.batch} --iterations {wildcards.iters} --log-every {params.log_every} --mc-samples 0 --threads {threads} --log-out {output.log} --weights-out {output.weights} > {log} 2>&1"


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


rule sumrelu_checks:
    input:
        certify=sumrelu_runs("certify.parquet"),
        lifts=sumrelu_runs("lifts.parquet"),
        lr_tests=sumrelu_tuned("lr_test.parquet"),
        tuned=sumrelu_tuned("log.parquet"),
        runs=rules.sumrelu_summary.output.runs,
        families=repo_path(SPURIOUS["anchor_families"]),
    output:
        certify=report("results/sumrelu/certify.csv", caption="../report/captions/sumrelu_certify.rst", category="Sum of ReLUs"),
        tuned=report("results/sumrelu/tuned.csv", caption="../report/captions/sumrelu_tuned.rst", category="Sum of ReLUs"),
    params:
        script=script("sumrelu_checks.py"),
        threshold=lookup(dpath="sumrelu/stuck_threshold", within=config),
        log_every=lookup(dpath="sumrelu/log_every", within=config),
    log:
        "logs/sumrelu/checks.log",
    benchmark:
        "benchmarks/sumrelu/checks.tsv"
    shell:
        "python {params.script} --certify {input.certify} --lifts {input.lifts} --lr-tests {input.lr_tests} --tuned {input.tuned} --runs {input.runs} --families {input.families} --threshold {params.threshold} --main-log-every {params.log_every} --certify-out {output.certify} --tuned-out {output.tuned} > {log} 2>&1"


rule sumrelu_plot_curves:
    input:
        sumrelu_runs("log.parquet", SUMRELU["curve_ms"]),
    output:
        report("figures/sumrelu.pdf", caption="../report/captions/sumrelu.rst", category="Sum of ReLUs"),
    params:
        script=script("sumrelu_plot.py"),
        threshold=lookup(dpath="sumrelu/stuck_threshold", within=config),
    log:
        "logs/figures/sumrelu.log",
    benchmark:
        "benchmarks/figures/sumrelu.tsv"
    shell:
        "python {params.script} curves --logs {input} --threshold {params.threshold} --out {output} > {log} 2>&1"


rule sumrelu_plot_vs_m:
    input:
        runs=rules.sumrelu_summary.output.runs,
        summary=rules.sumrelu_summary.output.summary,
        tuned=rules.sumrelu_checks.output.tuned,
    output:
        report("figures/sumrelu_vs_m.pdf", caption="../report/captions/sumrelu_vs_m.rst", category="Sum of ReLUs"),
    params:
        script=script("sumrelu_plot.py"),
    log:
        "logs/figures/sumrelu_vs_m.log",
    benchmark:
        "benchmarks/figures/sumrelu_vs_m.tsv"
    shell:
        "python {params.script} vs_m --runs {input.runs} --summary {input.summary} --tuned {input.tuned} --out {output} > {log} 2>&1"


rule sumrelu_numbers:
    input:
        runs=rules.sumrelu_summary.output.runs,
        summary=rules.sumrelu_summary.output.summary,
        logs=sumrelu_runs("log.parquet"),
        certify=rules.sumrelu_checks.output.certify,
        tuned=rules.sumrelu_checks.output.tuned,
    output:
        numbers=generated("sumrelu", "numbers.tex")[0],
        claims=generated("sumrelu", "claims.csv")[0],
        tables=generated("sumrelu", "sumrelu_table.tex", "sumrelu_certify_table.tex", "sumrelu_tuned_table.tex"),
    params:
        script=script("sumrelu_numbers.py"),
        curve_ms=lookup(dpath="sumrelu/curve_ms", within=config),
    log:
        "logs/report/sumrelu_numbers.log",
    benchmark:
        "benchmarks/report/sumrelu_numbers.tsv"
    shell:
        "python {params.script} --runs {input.runs} --summary {input.summary} --logs {input.logs} --curve-ms {params.curve_ms} --certify {input.certify} --tuned {input.tuned} --out-dir report/generated/sumrelu > {log} 2>&1"


SUMRELU_FIGURES = [*rules.sumrelu_plot_curves.output, *rules.sumrelu_plot_vs_m.output]


# The study's outputs: snakemake --cores 8 sumrelu
rule sumrelu:
    input:
        SUMRELU_FIGURES,
        rules.sumrelu_summary.output.summary,
        rules.sumrelu_checks.output,


localrules:
    sumrelu,
    sumrelu_numbers,


REPORT_PARTS.append(rules.sumrelu_numbers)
REPORT_FIGURES.extend(SUMRELU_FIGURES)
