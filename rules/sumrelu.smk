# Problem L1.2: the sum-of-ReLUs teacher, and its bonus sweep over the student width m.
# Its path patterns and input functions: rules/common.smk, section "Sum of ReLUs".


rule sumrelu_train:
    output:
        log=f"{SUMRELU_RUN}/log.parquet",
        weights=f"{SUMRELU_RUN}/weights.parquet",
    params:
        code=code("sumrelu_train.py"),
        flags=lambda wc: cli(d=wc.d, m=wc.m, seeds=wc.seeds, lr_times_m=wc.c, batch_size=wc.batch,
                             iterations=wc.iters, log_every=lookup(dpath="sumrelu/log_every", within=config),
                             mc_samples=lookup(dpath="sumrelu/mc_samples", within=config)),
    log:
        "logs/sumrelu/d={d}/m={m}/eta={c}_over_m/batch={batch}/iters={iters}/seeds={seeds}.log",
    benchmark:
        "benchmarks/sumrelu/d={d}/m={m}/eta={c}_over_m/batch={batch}/iters={iters}/seeds={seeds}.tsv"
    threads: 1
    priority: sumrelu_cost
    shell:
        "sumrelu_train.py {params.flags} --threads {threads} --log-out {output.log:q} "
        "--weights-out {output.weights:q} > {log:q} 2>&1"


rule sumrelu_certify:
    input:
        weights=f"{SUMRELU_RUN}/weights.parquet",
    output:
        runs=f"{SUMRELU_RUN}/certify.parquet",
        lifts=f"{SUMRELU_RUN}/lifts.parquet",
    params:
        code=code("sumrelu_certify.py"),
        flags=cli(threshold=lookup(dpath="sumrelu/stuck_threshold", within=config),
                  **{k: lookup(dpath=f"sumrelu/certify/{k}", within=config)
                     for k in ("grad_tol", "curv_tol", "move_tol", "eigenvalues", "dense_max", "eig_tol")},
                  polish_lr=lookup(dpath="spurious/lr", within=config),
                  polish_tol=lookup(dpath="spurious/tol", within=config),
                  polish_cap=lookup(dpath="sumrelu/certify/polish_cap", within=config)),
    log:
        "logs/sumrelu/d={d}/m={m}/eta={c}_over_m/batch={batch}/iters={iters}/seeds={seeds}.certify.log",
    benchmark:
        "benchmarks/sumrelu/d={d}/m={m}/eta={c}_over_m/batch={batch}/iters={iters}/seeds={seeds}.certify.tsv"
    threads: 1
    shell:
        "sumrelu_certify.py --weights {input.weights:q} {params.flags} --threads {threads} "
        "--runs-out {output.runs:q} --lifts-out {output.lifts:q} > {log:q} 2>&1"


rule sumrelu_lr_test:
    output:
        f"{SUMRELU_TUNED}/lr_test.parquet",
    params:
        code=code("sumrelu_lr_test.py"),
        flags=lambda wc: cli(d=wc.d, m=wc.m, grid=job_values(wc.grid, str), first_seed=wc.seeds,
                             test_seeds=wc.tseeds, batch_size=wc.batch, iterations=wc.titers),
    log:
        f"logs/{SUMRELU_TUNED.removeprefix('results/')}/lr_test.log",
    benchmark:
        f"benchmarks/{SUMRELU_TUNED.removeprefix('results/')}/lr_test.tsv"
    threads: 1
    shell:
        "sumrelu_lr_test.py {params.flags} --threads {threads} --out {output:q} > {log:q} 2>&1"


rule sumrelu_tuned_train:
    input:
        rules.sumrelu_lr_test.output,
    output:
        log=f"{SUMRELU_TUNED}/log.parquet",
        weights=f"{SUMRELU_TUNED}/weights.parquet",
    params:
        code=code("sumrelu_train.py"),
        flags=lambda wc: cli(d=wc.d, m=wc.m, seeds=wc.seeds, batch_size=wc.batch, iterations=wc.iters,
                             log_every=lookup(dpath="sumrelu/tuned/log_every", within=config), mc_samples=0),
    log:
        f"logs/{SUMRELU_TUNED.removeprefix('results/')}/train.log",
    benchmark:
        f"benchmarks/{SUMRELU_TUNED.removeprefix('results/')}/train.tsv"
    threads: 1
    shell:
        "sumrelu_train.py {params.flags} --lr-test {input:q} --threads {threads} --log-out {output.log:q} "
        "--weights-out {output.weights:q} > {log:q} 2>&1"


rule sumrelu_summary:
    input:
        logs=sumrelu_runs("log.parquet"),
        weights=sumrelu_runs("weights.parquet"),
    output:
        runs="results/sumrelu/runs.parquet",
        summary=report("results/sumrelu/summary.csv", caption="../report/captions/sumrelu_summary.rst", category="Sum of ReLUs"),
    params:
        code=code("sumrelu_summary.py"),
        flags=cli(threshold=lookup(dpath="sumrelu/stuck_threshold", within=config)),
    log:
        "logs/sumrelu/summary.log",
    benchmark:
        "benchmarks/sumrelu/summary.tsv"
    shell:
        "sumrelu_summary.py --logs {input.logs:q} --weights {input.weights:q} {params.flags} "
        "--runs-out {output.runs:q} --summary-out {output.summary:q} > {log:q} 2>&1"


rule sumrelu_checks:
    input:
        certify=sumrelu_runs("certify.parquet"),
        lifts=sumrelu_runs("lifts.parquet"),
        lr_tests=sumrelu_tuned("lr_test.parquet"),
        tuned=sumrelu_tuned("log.parquet"),
        runs=rules.sumrelu_summary.output.runs,
    output:
        certify=report("results/sumrelu/certify.csv", caption="../report/captions/sumrelu_certify.rst", category="Sum of ReLUs"),
        tuned=report("results/sumrelu/tuned.csv", caption="../report/captions/sumrelu_tuned.rst", category="Sum of ReLUs"),
    params:
        code=code("sumrelu_checks.py"),
        published=file_digest([ANCHORS["families"]]),  # its content (repo_file)
        families=lookup(dpath="spurious/anchor_families", within=config),
        flags=cli(threshold=lookup(dpath="sumrelu/stuck_threshold", within=config),
                  main_log_every=lookup(dpath="sumrelu/log_every", within=config)),
    log:
        "logs/sumrelu/checks.log",
    benchmark:
        "benchmarks/sumrelu/checks.tsv"
    shell:
        "sumrelu_checks.py --certify {input.certify:q} --lifts {input.lifts:q} --lr-tests {input.lr_tests:q} "
        "--tuned {input.tuned:q} --runs {input.runs:q} --families \"$OVERPARAM_ROOT/\"{params.families:q} {params.flags} "
        "--certify-out {output.certify:q} --tuned-out {output.tuned:q} > {log:q} 2>&1"


rule sumrelu_plot_curves:
    input:
        sumrelu_runs("log.parquet", SUMRELU["curve_ms"]),
    output:
        report("figures/sumrelu.pdf", caption="../report/captions/sumrelu.rst", category="Sum of ReLUs"),
    params:
        code=code("sumrelu_plot.py"),
        flags=cli(threshold=lookup(dpath="sumrelu/stuck_threshold", within=config)),
    log:
        "logs/figures/sumrelu.log",
    benchmark:
        "benchmarks/figures/sumrelu.tsv"
    shell:
        "sumrelu_plot.py curves --logs {input:q} {params.flags} --out {output:q} > {log:q} 2>&1"


rule sumrelu_plot_vs_m:
    input:
        runs=rules.sumrelu_summary.output.runs,
        summary=rules.sumrelu_summary.output.summary,
        tuned=rules.sumrelu_checks.output.tuned,
    output:
        report("figures/sumrelu_vs_m.pdf", caption="../report/captions/sumrelu_vs_m.rst", category="Sum of ReLUs"),
    params:
        code=code("sumrelu_plot.py"),
    log:
        "logs/figures/sumrelu_vs_m.log",
    benchmark:
        "benchmarks/figures/sumrelu_vs_m.tsv"
    shell:
        "sumrelu_plot.py vs_m --runs {input.runs:q} --summary {input.summary:q} --tuned {input.tuned:q} "
        "--out {output:q} > {log:q} 2>&1"


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
        code=code("sumrelu_numbers.py"),
        flags=cli(curve_ms=lookup(dpath="sumrelu/curve_ms", within=config),
                  tuned_log_every=lookup(dpath="sumrelu/tuned/log_every", within=config)),
    log:
        "logs/report/sumrelu_numbers.log",
    benchmark:
        "benchmarks/report/sumrelu_numbers.tsv"
    shell:
        "sumrelu_numbers.py --runs {input.runs:q} --summary {input.summary:q} --logs {input.logs:q} "
        "{params.flags} --certify {input.certify:q} --tuned {input.tuned:q} --out-dir report/generated/sumrelu "
        "> {log:q} 2>&1"


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
