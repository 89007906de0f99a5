# Problem V2: the planted-teacher study (parts a to e).
# Its path patterns and input functions: rules/common.smk, section "Planted teacher".


rule planted_check:
    output:
        table="results/planted/teacher_check.parquet",
        csv="results/planted/teacher_check.csv",
    params:
        code=code("planted_check.py"),
        flags=cli(**teacher_flags(), batches=lookup(dpath="planted/check/batches", within=config),
                  batch_size=lookup(dpath="planted/check/batch_size", within=config),
                  seed=lookup(dpath="planted/check/seed", within=config)),
    log:
        "logs/planted/teacher_check.log",
    benchmark:
        "benchmarks/planted/teacher_check.tsv"
    shell:
        "planted_check.py {params.flags} --out {output.table:q} > {log:q} 2>&1"


rule planted_train:
    output:
        logs=expand(
            f"results/planted/runs/{PLANTED_JOB}/seed={{seed}}.parquet",
            seed=PLANTED["seeds"],
            allow_missing=True,
        ),
        weights=expand(
            f"results/planted/runs/{PLANTED_JOB}/seed={{seed}}.weights.parquet",
            seed=PLANTED["seeds"],
            allow_missing=True,
        ),
    params:
        code=code("planted_train.py"),
        flags=lambda wc: cli(**teacher_flags(), samples_per_epoch=PLANTED["samples_per_epoch"],
                             halve_every=PLANTED["halve_every"], optimizer=wc.optimizer, init_scale=wc.init,
                             batch_size=wc.batch, lrs=job_values(wc.lrs, str), epochs=wc.epochs,
                             widths=job_values(wc.rs, str), seeds=PLANTED["seeds"]),
    log:
        f"logs/planted/runs/{PLANTED_JOB}.log",
    benchmark:
        f"benchmarks/planted/runs/{PLANTED_JOB}.tsv"
    resources:
        device=lookup(dpath="planted/device", within=config),  # where, not what: a change reruns nothing
    threads: min(lookup(dpath="planted/threads", within=config), len(PLANTED["seeds"]))  # a thread per seed at most
    priority: planted_cost
    shell:
        "planted_train.py {params.flags} --device {resources.device} --threads {threads} "
        "--out {output.logs:q} --weights-out {output.weights:q} > {log:q} 2>&1"


checkpoint planted_select_lr:
    input:
        lr_test_runs,
    output:
        "results/planted/selected_lr.json",
    params:
        code=code("planted_select_lr.py"),
    log:
        "logs/planted/select_lr.log",
    benchmark:
        "benchmarks/planted/select_lr.tsv"
    priority: planted_sweeps_cost()
    shell:
        "planted_select_lr.py {input:q} --out {output:q} > {log:q} 2>&1"


# A regime's own lr test at width r (planted.regimes.<name>.lr: tested or tested_per_width).
checkpoint planted_select_regime_lr:
    input:
        lambda wc: regime_lr_test_runs(wc.regime, int(wc.r)),
    output:
        "results/planted/selected_lr/{regime}/r={r}.json",
    params:
        code=code("planted_select_lr.py"),
    log:
        "logs/planted/select_lr/{regime}/r={r}.log",
    benchmark:
        "benchmarks/planted/select_lr/{regime}/r={r}.tsv"
    priority: planted_sweeps_cost()
    wildcard_constraints:
        regime="|".join(PLANTED["regimes"]),
        r=r"\d+",
    shell:
        "planted_select_lr.py {input:q} --out {output:q} > {log:q} 2>&1"


rule planted_plot_lr:
    input:
        lr_test_runs,
    output:
        report("figures/lr_test.pdf", caption="../report/captions/lr_test.rst", category="Planted teacher"),
    params:
        code=code("planted_plot.py"),
    log:
        "logs/figures/lr_test.log",
    benchmark:
        "benchmarks/figures/lr_test.tsv"
    shell:
        "planted_plot.py lr --study lr_test {input:q} --out {output:q} > {log:q} 2>&1"


rule planted_plot_width:
    input:
        width_test_runs,
    output:
        report("figures/overparam.pdf", caption="../report/captions/overparam.rst", category="Planted teacher"),
    params:
        code=code("planted_plot.py"),
        flags=cli(threshold=lookup(dpath="planted/threshold", within=config)),
    log:
        "logs/figures/overparam.log",
    benchmark:
        "benchmarks/figures/overparam.tsv"
    shell:
        "planted_plot.py width --study width_test {input:q} {params.flags} --out {output:q} > {log:q} 2>&1"


rule planted_plot_regimes:
    input:
        **regime_inputs(),
    output:
        report("figures/overparam_regimes.pdf", caption="../report/captions/overparam_regimes.rst", category="Planted teacher"),
    params:
        code=code("planted_plot.py"),
        studies=lambda wildcards, input: study_args(input.items()),  # config order (regime_inputs)
        flags=cli(threshold=lookup(dpath="planted/threshold", within=config)),
    log:
        "logs/figures/overparam_regimes.log",
    benchmark:
        "benchmarks/figures/overparam_regimes.tsv"
    shell:
        "planted_plot.py regimes {params.studies} {params.flags} --out {output:q} > {log:q} 2>&1"


# Every training run of the study and its final weights, without the tables and figures:
# snakemake --cores 8 planted_runs
rule planted_runs:
    input:
        **planted_study_inputs(),
        weights=lambda wc: weights_of(sorted({f for v in planted_studies().values() for f in v})),


rule planted_summary:
    input:
        **planted_study_inputs(),  # one item per study: each joins the DAG once its own eta is known
        selected=rules.planted_select_lr.output[0],
        weights=lambda wc: weights_of(sorted({f for v in planted_studies().values() for f in v})),
    output:
        runs="results/planted/runs.parquet",
        summary=report("results/planted/summary.csv", caption="../report/captions/summary.rst", category="Planted teacher"),
        solutions="results/planted/solutions.parquet",
    params:
        code=code("planted_summary.py"),
        studies=lambda wildcards, input: study_args((k, v) for k, v in input.items()
                                                    if k not in ("selected", "weights")),
        flags=cli(threshold=lookup(dpath="planted/threshold", within=config)),
    log:
        "logs/planted/summary.log",
    benchmark:
        "benchmarks/planted/summary.tsv"
    shell:
        "planted_summary.py {params.studies} --selected-lr {input.selected:q} --weights {input.weights:q} "
        "{params.flags} --runs-out {output.runs:q} --summary-out {output.summary:q} "
        "--solutions-out {output.solutions:q} > {log:q} 2>&1"


rule planted_plot_distance:
    input:
        rules.planted_summary.output.solutions,
    output:
        report("figures/overparam_distance.pdf", caption="../report/captions/overparam_distance.rst",
               category="Planted teacher"),
    params:
        code=code("planted_plot_solutions.py"),
    log:
        "logs/figures/overparam_distance.log",
    benchmark:
        "benchmarks/figures/overparam_distance.tsv"
    shell:
        "planted_plot_solutions.py distance --solutions {input:q} --out {output:q} > {log:q} 2>&1"


rule planted_plot_cosines:
    input:
        solutions=rules.planted_summary.output.solutions,
        weights=lambda wc: weights_of(width_test_runs()),  # the script picks the r = r0 run
    output:
        report("figures/overparam_cosines.pdf", caption="../report/captions/overparam_cosines.rst",
               category="Planted teacher"),
    params:
        code=code("planted_plot_solutions.py"),
    log:
        "logs/figures/overparam_cosines.log",
    benchmark:
        "benchmarks/figures/overparam_cosines.tsv"
    shell:
        "planted_plot_solutions.py cosines --solutions {input.solutions:q} --weights {input.weights:q} "
        "--study width_test --out {output:q} > {log:q} 2>&1"


rule planted_numbers:
    input:
        runs=rules.planted_summary.output.runs,
        summary=rules.planted_summary.output.summary,
        solutions=rules.planted_summary.output.solutions,
        selected=rules.planted_select_lr.output[0],
        check=rules.planted_check.output.table,
    output:
        numbers=generated("planted", "numbers.tex")[0],
        claims=generated("planted", "claims.csv")[0],
        tables=generated("planted", "teacher_check_table.tex", "lr_test_table.tex", "width_test_table.tex",
                         "regimes_table.tex", "distance_table.tex", "stuck_table.tex"),
    params:
        code=code("planted_numbers.py"),
        published=file_digest([ANCHORS["v2"]]),  # its content (repo_file)
    log:
        "logs/report/planted_numbers.log",
    benchmark:
        "benchmarks/report/planted_numbers.tsv"
    shell:
        "planted_numbers.py --runs {input.runs:q} --summary {input.summary:q} --solutions {input.solutions:q} "
        "--selected-lr {input.selected:q} --teacher-check {input.check:q} --anchors \"$OVERPARAM_ROOT/data/anchors/published_v2.csv\" "
        "--out-dir report/generated/planted > {log:q} 2>&1"


PLANTED_FIGURES = [*rules.planted_plot_lr.output, *rules.planted_plot_width.output, *rules.planted_plot_regimes.output,
                   *rules.planted_plot_distance.output, *rules.planted_plot_cosines.output]


# The study's outputs: snakemake --cores 8 planted
rule planted:
    input:
        PLANTED_FIGURES,
        rules.planted_summary.output.summary,
        rules.planted_check.output.table,


localrules:
    planted,
    planted_runs,
    planted_numbers,


REPORT_PARTS.append(rules.planted_numbers)
REPORT_FIGURES.extend(PLANTED_FIGURES)
