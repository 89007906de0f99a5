# Problem V2: the planted-teacher study (parts a to e).
# Its path patterns and input functions: rules/common.smk, section "Planted teacher".


rule planted_check:
    output:
        table="results/planted/teacher_check.parquet",
        csv="results/planted/teacher_check.csv",
    params:
        script=script("planted_check.py"),
        teacher=lookup(dpath="planted/teacher", within=config),
        check=lookup(dpath="planted/check", within=config),
    log:
        "logs/planted/teacher_check.log",
    benchmark:
        "benchmarks/planted/teacher_check.tsv"
    shell:
        "python {params.script} --D {params.teacher[D]} --n {params.teacher[n]} --r0 {params.teacher[r0]} --teacher-seed {params.teacher[seed]} --batches {params.check[batches]} --batch-size {params.check[batch_size]} --seed {params.check[seed]} --out {output.table} > {log} 2>&1"


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
        script=script("planted_train.py"),
        teacher=lookup(dpath="planted/teacher", within=config),
        samples=lookup(dpath="planted/samples_per_epoch", within=config),
        halve=lookup(dpath="planted/halve_every", within=config),
        seeds=lookup(dpath="planted/seeds", within=config),
        device=lookup(dpath="planted/device", within=config),
        lrs=lambda wc: job_values(wc.lrs, str),  # a list: the shell command gets it space-separated
        widths=lambda wc: job_values(wc.rs, str),
    log:
        f"logs/planted/runs/{PLANTED_JOB}.log",
    benchmark:
        f"benchmarks/planted/runs/{PLANTED_JOB}.tsv"
    threads: min(lookup(dpath="planted/threads", within=config), len(PLANTED["seeds"]))  # a thread per seed at most
    priority: planted_cost
    shell:
        "python {params.script} --D {params.teacher[D]} --n {params.teacher[n]} --r0 {params.teacher[r0]} --teacher-seed {params.teacher[seed]} --samples-per-epoch {params.samples} --halve-every {params.halve} --optimizer {wildcards.optimizer} --init-scale {wildcards.init} --batch-size {wildcards.batch} --lrs {params.lrs} --epochs {wildcards.epochs} --widths {params.widths} --seeds {params.seeds} --device {params.device} --threads {threads} --out {output.logs} --weights-out {output.weights} > {log} 2>&1"


checkpoint planted_select_lr:
    input:
        lr_test_runs,
    output:
        "results/planted/selected_lr.json",
    params:
        script=script("planted_select_lr.py"),
    log:
        "logs/planted/select_lr.log",
    benchmark:
        "benchmarks/planted/select_lr.tsv"
    priority: planted_sweeps_cost()
    shell:
        "python {params.script} {input} --out {output} > {log} 2>&1"


# A regime's own lr test at width r (planted.regimes.<name>.lr: tested or tested_per_width).
checkpoint planted_select_regime_lr:
    input:
        lambda wc: regime_lr_test_runs(wc.regime, int(wc.r)),
    output:
        "results/planted/selected_lr/{regime}/r={r}.json",
    params:
        script=script("planted_select_lr.py"),
    log:
        "logs/planted/select_lr/{regime}/r={r}.log",
    benchmark:
        "benchmarks/planted/select_lr/{regime}/r={r}.tsv"
    priority: planted_sweeps_cost()
    wildcard_constraints:
        regime="|".join(PLANTED["regimes"]),
        r=r"\d+",
    shell:
        "python {params.script} {input} --out {output} > {log} 2>&1"


rule planted_plot_lr:
    input:
        lr_test_runs,
    output:
        report("figures/lr_test.pdf", caption="../report/captions/lr_test.rst", category="Planted teacher"),
    params:
        script=script("planted_plot.py"),
    log:
        "logs/figures/lr_test.log",
    benchmark:
        "benchmarks/figures/lr_test.tsv"
    shell:
        "python {params.script} lr --study lr_test {input} --out {output} > {log} 2>&1"


rule planted_plot_width:
    input:
        width_test_runs,
    output:
        report("figures/overparam.pdf", caption="../report/captions/overparam.rst", category="Planted teacher"),
    params:
        script=script("planted_plot.py"),
        threshold=lookup(dpath="planted/threshold", within=config),
    log:
        "logs/figures/overparam.log",
    benchmark:
        "benchmarks/figures/overparam.tsv"
    shell:
        "python {params.script} width --study width_test {input} --threshold {params.threshold} --out {output} > {log} 2>&1"


rule planted_plot_regimes:
    input:
        **regime_inputs(),
    output:
        report("figures/overparam_regimes.pdf", caption="../report/captions/overparam_regimes.rst", category="Planted teacher"),
    params:
        script=script("planted_plot.py"),
        studies=lambda wildcards, input: study_args(input.items()),  # config order (regime_inputs)
        threshold=lookup(dpath="planted/threshold", within=config),
    log:
        "logs/figures/overparam_regimes.log",
    benchmark:
        "benchmarks/figures/overparam_regimes.tsv"
    shell:
        "python {params.script} regimes {params.studies} --threshold {params.threshold} --out {output} > {log} 2>&1"


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
        script=script("planted_summary.py"),
        studies=lambda wildcards, input: study_args((k, v) for k, v in input.items()
                                                    if k not in ("selected", "weights")),
        threshold=lookup(dpath="planted/threshold", within=config),
    log:
        "logs/planted/summary.log",
    benchmark:
        "benchmarks/planted/summary.tsv"
    shell:
        "python {params.script} {params.studies} --selected-lr {input.selected} --weights {input.weights} --threshold {params.threshold} --runs-out {output.runs} --summary-out {output.summary} --solutions-out {output.solutions} > {log} 2>&1"


rule planted_plot_distance:
    input:
        rules.planted_summary.output.solutions,
    output:
        report("figures/overparam_distance.pdf", caption="../report/captions/overparam_distance.rst",
               category="Planted teacher"),
    params:
        script=script("planted_plot_solutions.py"),
    log:
        "logs/figures/overparam_distance.log",
    benchmark:
        "benchmarks/figures/overparam_distance.tsv"
    shell:
        "python {params.script} distance --solutions {input} --out {output} > {log} 2>&1"


rule planted_plot_cosines:
    input:
        solutions=rules.planted_summary.output.solutions,
        weights=lambda wc: weights_of(width_test_runs()),  # the script picks the r = r0 run
    output:
        report("figures/overparam_cosines.pdf", caption="../report/captions/overparam_cosines.rst",
               category="Planted teacher"),
    params:
        script=script("planted_plot_solutions.py"),
    log:
        "logs/figures/overparam_cosines.log",
    benchmark:
        "benchmarks/figures/overparam_cosines.tsv"
    shell:
        "python {params.script} cosines --solutions {input.solutions} --weights {input.weights} --study width_test --out {output} > {log} 2>&1"


rule planted_numbers:
    input:
        runs=rules.planted_summary.output.runs,
        summary=rules.planted_summary.output.summary,
        solutions=rules.planted_summary.output.solutions,
        selected=rules.planted_select_lr.output[0],
        check=rules.planted_check.output.table,
        anchors=repo_path("data/anchors/published_v2.csv"),
    output:
        numbers=generated("planted", "numbers.tex")[0],
        claims=generated("planted", "claims.csv")[0],
        tables=generated("planted", "teacher_check_table.tex", "lr_test_table.tex", "width_test_table.tex",
                         "regimes_table.tex", "distance_table.tex", "stuck_table.tex"),
    params:
        script=script("planted_numbers.py"),
    log:
        "logs/report/planted_numbers.log",
    benchmark:
        "benchmarks/report/planted_numbers.tsv"
    shell:
        "python {params.script} --runs {input.runs} --summary {input.summary} --solutions {input.solutions} --selected-lr {input.selected} --teacher-check {input.check} --anchors {input.anchors} --out-dir report/generated/planted > {log} 2>&1"


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
