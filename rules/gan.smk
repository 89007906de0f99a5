# Problem L5.2: the reference MLP GAN on MNIST in three regimes, scored offline by a small
# classifier trained here on the real digits.
# Its path patterns and input functions: rules/common.smk, section "GAN".


rule gan_data:
    output:
        "results/gan/data/mnist.npz",
    params:
        code=code("gan_data.py"),
        # the source the check chose, not gan.data.idx_dir (a folder that falls back to the same
        # digits as "" is the same job), and the IDX files by content (as repo_file: a replaced
        # or added file reruns the rule, a moved folder does not)
        flags=cli(source=GAN_DATA["source"], holdout=lookup(dpath="gan/data/holdout", within=config),
                  seed=lookup(dpath="gan/data/split_seed", within=config)),
        content=GAN_DATA["content"],
        idx_files=GAN_DATA["files"],
    log:
        "logs/gan/data.log",
    benchmark:
        "benchmarks/gan/data.tsv"
    priority: gan_cost()  # it gates the longest jobs of the workflow
    shell:
        "gan_data.py {params.flags} --root \"$OVERPARAM_ROOT\" --idx-files {params.idx_files:q} --out {output:q} > {log:q} 2>&1"


rule gan_classifier:
    input:
        rules.gan_data.output[0],
    output:
        model="results/gan/classifier/classifier.pt",
        log="results/gan/classifier/log.parquet",
        reference="results/gan/classifier/reference.parquet",
    params:
        code=code("gan_classifier.py"),
        # gan.classifier.min_accuracy only checks the result: gan_summary applies it
        flags=cli(**{k: lookup(dpath=f"gan/classifier/{k}", within=config)
                     for k in ("steps", "batch_size", "lr", "seed")}),
    log:
        "logs/gan/classifier.log",
    benchmark:
        "benchmarks/gan/classifier.tsv"
    threads: 1
    shell:
        "gan_classifier.py --data {input:q} {params.flags} --threads {threads} --model-out {output.model:q} "
        "--log-out {output.log:q} --reference-out {output.reference:q} > {log:q} 2>&1"


rule gan_train:
    input:
        rules.gan_data.output[0],
    output:
        log=f"{GAN_RUN}/log.parquet",
        samples=f"{GAN_RUN}/samples.npz",
        generator=f"{GAN_RUN}/generator.pt",
    params:
        code=code("gan_train.py"),
        flags=lambda wc: cli(regime=wc.regime, lr_g=wc.lr_g, lr_d=wc.lr_d, batch_size=wc.batch, epochs=wc.epochs,
                             epoch_samples=lookup(dpath="gan/epoch_samples", within=config), seed=wc.seed,
                             sample_epochs=lookup(dpath="gan/sample_epochs", within=config),
                             sample_updates=lookup(dpath="gan/sample_updates", within=config),
                             log_updates=lookup(dpath="gan/log_updates", within=config)),
        checkpoint=lambda wc: f"{GAN_RUN.format(**wc)}/checkpoint.pt",  # kept while a run is cut off
    log:
        f"logs/{GAN_RUN_ID}.log",
    benchmark:
        f"benchmarks/{GAN_RUN_ID}.tsv"
    resources:
        gpu=lookup(dpath="gan/cluster_gpus", within=config),
        device=lookup(dpath="gan/device", within=config),  # where, not what: a change reruns nothing
    priority: gan_cost  # the longest jobs of the workflow: start them first
    threads: lookup(dpath="gan/threads", within=config)
    wildcard_constraints:
        regime="|".join(GAN["regimes"]),
    shell:
        "gan_train.py --data {input:q} {params.flags} --device {resources.device} --threads {threads} "
        "--checkpoint {params.checkpoint:q} --log-out {output.log:q} --samples-out {output.samples:q} "
        "--generator-out {output.generator:q} > {log:q} 2>&1"


rule gan_quality:
    input:
        classifier=rules.gan_classifier.output.model,
        samples=rules.gan_train.output.samples,
        log=rules.gan_train.output.log,
    output:
        f"{GAN_RUN}/quality.parquet",
    params:
        code=code("gan_quality.py"),
    log:
        f"logs/{GAN_RUN_ID}.quality.log",
    benchmark:
        f"benchmarks/{GAN_RUN_ID}.quality.tsv"
    shell:
        "gan_quality.py --classifier {input.classifier:q} --samples {input.samples:q} --log {input.log:q} "
        "--out {output:q} > {log:q} 2>&1"


rule gan_summary:
    input:
        logs=gan_runs("log.parquet"),
        quality=gan_runs("quality.parquet"),
        reference=rules.gan_classifier.output.reference,
    output:
        runs="results/gan/runs.parquet",
        quality="results/gan/quality.parquet",
        summary=report("results/gan/summary.csv", caption="../report/captions/gan_summary.rst", category="GAN"),
    params:
        code=code("gan_summary.py"),
        flags=cli(min_accuracy=lookup(dpath="gan/classifier/min_accuracy", within=config)),
    log:
        "logs/gan/summary.log",
    benchmark:
        "benchmarks/gan/summary.tsv"
    shell:
        "gan_summary.py --logs {input.logs:q} --quality {input.quality:q} --reference {input.reference:q} "
        "{params.flags} --runs-out {output.runs:q} --quality-out {output.quality:q} "
        "--summary-out {output.summary:q} > {log:q} 2>&1"


rule gan_plot_samples:
    input:
        samples=gan_runs("samples.npz", first_seed=True),
        logs=gan_runs("log.parquet", first_seed=True),
    output:
        report("figures/gan_samples.pdf", caption="../report/captions/gan_samples.rst", category="GAN"),
    params:
        code=code("gan_plot.py"),
        flags=cli(regimes=list(GAN["regimes"]), epochs=lookup(dpath="gan/sample_epochs", within=config)),
    log:
        "logs/figures/gan_samples.log",
    benchmark:
        "benchmarks/figures/gan_samples.tsv"
    shell:
        "gan_plot.py samples {params.flags} --samples {input.samples:q} --logs {input.logs:q} "
        "--out {output:q} > {log:q} 2>&1"


rule gan_plot_samples_updates:
    input:
        samples=rules.gan_plot_samples.input.samples,
        logs=rules.gan_plot_samples.input.logs,
    output:
        report("figures/gan_samples_updates.pdf", caption="../report/captions/gan_samples_updates.rst", category="GAN"),
    params:
        code=code("gan_plot.py"),
        flags=cli(regimes=list(GAN["regimes"]), updates=gan_sample_updates()),
    log:
        "logs/figures/gan_samples_updates.log",
    benchmark:
        "benchmarks/figures/gan_samples_updates.tsv"
    shell:
        "gan_plot.py samples {params.flags} --samples {input.samples:q} --logs {input.logs:q} "
        "--out {output:q} > {log:q} 2>&1"


rule gan_plot_curves:
    input:
        gan_runs("log.parquet"),
    output:
        report("figures/gan_curves.pdf", caption="../report/captions/gan_curves.rst", category="GAN"),
    params:
        code=code("gan_plot.py"),
    log:
        "logs/figures/gan_curves.log",
    benchmark:
        "benchmarks/figures/gan_curves.tsv"
    shell:
        "gan_plot.py curves --by epoch --logs {input:q} --out {output:q} > {log:q} 2>&1"


rule gan_plot_curves_updates:
    input:
        rules.gan_plot_curves.input,
    output:
        report("figures/gan_curves_updates.pdf", caption="../report/captions/gan_curves_updates.rst", category="GAN"),
    params:
        code=code("gan_plot.py"),
    log:
        "logs/figures/gan_curves_updates.log",
    benchmark:
        "benchmarks/figures/gan_curves_updates.tsv"
    shell:
        "gan_plot.py curves --by updates --logs {input:q} --out {output:q} > {log:q} 2>&1"


rule gan_plot_quality:
    input:
        quality=gan_runs("quality.parquet"),
        reference=rules.gan_classifier.output.reference,
    output:
        report("figures/gan_quality.pdf", caption="../report/captions/gan_quality.rst", category="GAN"),
    params:
        code=code("gan_plot.py"),
    log:
        "logs/figures/gan_quality.log",
    benchmark:
        "benchmarks/figures/gan_quality.tsv"
    shell:
        "gan_plot.py quality --quality {input.quality:q} --reference {input.reference:q} --out {output:q} "
        "> {log:q} 2>&1"


rule gan_numbers:
    input:
        runs=rules.gan_summary.output.runs,
        quality=rules.gan_summary.output.quality,
    output:
        numbers=generated("gan", "numbers.tex")[0],
        claims=generated("gan", "claims.csv")[0],
        tables=generated("gan", "gan_table.tex"),
    params:
        code=code("gan_numbers.py"),
    log:
        "logs/report/gan_numbers.log",
    benchmark:
        "benchmarks/report/gan_numbers.tsv"
    shell:
        "gan_numbers.py --runs {input.runs:q} --quality {input.quality:q} --out-dir report/generated/gan "
        "> {log:q} 2>&1"


GAN_FIGURES = [
    *rules.gan_plot_samples.output,
    *rules.gan_plot_samples_updates.output,
    *rules.gan_plot_curves.output,
    *rules.gan_plot_curves_updates.output,
    *rules.gan_plot_quality.output,
]


# The study's outputs: snakemake --cores 8 gan
rule gan:
    input:
        GAN_FIGURES,
        rules.gan_summary.output.summary,


localrules:
    gan,
    gan_numbers,


REPORT_PARTS.append(rules.gan_numbers)
REPORT_FIGURES.extend(GAN_FIGURES)
