# Problem L5.2: the reference MLP GAN on MNIST in three regimes, scored offline by a small
# classifier trained here on the real digits.
# Its path patterns and input functions: rules/common.smk, section "GAN".


rule gan_data:
    output:
        "results/gan/data/mnist.npz",
    params:
        script=script("gan_data.py"),
        idx_dir=gan_idx_dir(),
        download="--download" if GAN["data"]["download"] else "",
        holdout=lookup(dpath="gan/data/holdout", within=config),
        seed=lookup(dpath="gan/data/split_seed", within=config),
        source=GAN_SOURCE,  # a new source (files added, download allowed) reruns the rule
    log:
        "logs/gan/data.log",
    benchmark:
        "benchmarks/gan/data.tsv"
    priority: gan_cost()  # it gates the longest jobs of the workflow
    shell:
        "python {params.script} --idx-dir '{params.idx_dir}' {params.download} --holdout {params.holdout} --seed {params.seed} --out {output} > {log} 2>&1"


rule gan_classifier:
    input:
        rules.gan_data.output[0],
    output:
        model="results/gan/classifier/classifier.pt",
        log="results/gan/classifier/log.parquet",
        reference="results/gan/classifier/reference.parquet",
    params:
        script=script("gan_classifier.py"),
        c=lookup(dpath="gan/classifier", within=config),
    log:
        "logs/gan/classifier.log",
    benchmark:
        "benchmarks/gan/classifier.tsv"
    threads: 1
    shell:
        "python {params.script} --data {input} --steps {params.c[steps]} --batch-size {params.c[batch_size]} --lr {params.c[lr]} --seed {params.c[seed]} --min-accuracy {params.c[min_accuracy]} --threads {threads} --model-out {output.model} --log-out {output.log} --reference-out {output.reference} > {log} 2>&1"


rule gan_train:
    input:
        rules.gan_data.output[0],
    output:
        log=f"{GAN_RUN}/log.parquet",
        samples=f"{GAN_RUN}/samples.npz",
        generator=f"{GAN_RUN}/generator.pt",
    params:
        script=script("gan_train.py"),
        checkpoint=lambda wc: Path(GAN_RUN.format(**wc), "checkpoint.pt"),  # kept while a run is cut off
        epoch_samples=lookup(dpath="gan/epoch_samples", within=config),
        sample_epochs=lookup(dpath="gan/sample_epochs", within=config),
        sample_updates=lookup(dpath="gan/sample_updates", within=config),
        log_updates=lookup(dpath="gan/log_updates", within=config),
        device=lookup(dpath="gan/device", within=config),
    log:
        f"logs/{GAN_RUN_ID}.log",
    benchmark:
        f"benchmarks/{GAN_RUN_ID}.tsv"
    resources:
        gpu=lookup(dpath="gan/cluster_gpus", within=config),
    priority: gan_cost  # the longest jobs of the workflow: start them first
    threads: lookup(dpath="gan/threads", within=config)
    wildcard_constraints:
        regime="|".join(GAN["regimes"]),
    shell:
        "python {params.script} --data {input} --regime {wildcards.regime} --lr-g {wildcards.lr_g} --lr-d {wildcards.lr_d} --batch-size {wildcards.batch} --epochs {wildcards.epochs} --epoch-samples {params.epoch_samples} --seed {wildcards.seed} --sample-epochs {params.sample_epochs} --sample-updates {params.sample_updates} --log-updates {params.log_updates} --device {params.device} --threads {threads} --checkpoint {params.checkpoint} --log-out {output.log} --samples-out {output.samples} --generator-out {output.generator} > {log} 2>&1"


rule gan_quality:
    input:
        classifier=rules.gan_classifier.output.model,
        samples=rules.gan_train.output.samples,
        log=rules.gan_train.output.log,
    output:
        f"{GAN_RUN}/quality.parquet",
    params:
        script=script("gan_quality.py"),
    log:
        f"logs/{GAN_RUN_ID}.quality.log",
    benchmark:
        f"benchmarks/{GAN_RUN_ID}.quality.tsv"
    shell:
        "python {params.script} --classifier {input.classifier} --samples {input.samples} --log {input.log} --out {output} > {log} 2>&1"


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
        script=script("gan_summary.py"),
    log:
        "logs/gan/summary.log",
    benchmark:
        "benchmarks/gan/summary.tsv"
    shell:
        "python {params.script} --logs {input.logs} --quality {input.quality} --reference {input.reference} --runs-out {output.runs} --quality-out {output.quality} --summary-out {output.summary} > {log} 2>&1"


rule gan_plot_samples:
    input:
        samples=gan_runs("samples.npz", first_seed=True),
        logs=gan_runs("log.parquet", first_seed=True),
    output:
        report("figures/gan_samples.pdf", caption="../report/captions/gan_samples.rst", category="GAN"),
    params:
        script=script("gan_plot.py"),
        regimes=list(GAN["regimes"]),
        epochs=lookup(dpath="gan/sample_epochs", within=config),
    log:
        "logs/figures/gan_samples.log",
    benchmark:
        "benchmarks/figures/gan_samples.tsv"
    shell:
        "python {params.script} samples --regimes {params.regimes} --samples {input.samples} --logs {input.logs} --epochs {params.epochs} --out {output} > {log} 2>&1"


rule gan_plot_samples_updates:
    input:
        samples=rules.gan_plot_samples.input.samples,
        logs=rules.gan_plot_samples.input.logs,
    output:
        report("figures/gan_samples_updates.pdf", caption="../report/captions/gan_samples_updates.rst", category="GAN"),
    params:
        script=script("gan_plot.py"),
        regimes=list(GAN["regimes"]),
        updates=gan_sample_updates(),
    log:
        "logs/figures/gan_samples_updates.log",
    benchmark:
        "benchmarks/figures/gan_samples_updates.tsv"
    shell:
        "python {params.script} samples --regimes {params.regimes} --samples {input.samples} --logs {input.logs} --updates {params.updates} --out {output} > {log} 2>&1"


rule gan_plot_curves:
    input:
        gan_runs("log.parquet"),
    output:
        report("figures/gan_curves.pdf", caption="../report/captions/gan_curves.rst", category="GAN"),
    params:
        script=script("gan_plot.py"),
    log:
        "logs/figures/gan_curves.log",
    benchmark:
        "benchmarks/figures/gan_curves.tsv"
    shell:
        "python {params.script} curves --by epoch --logs {input} --out {output} > {log} 2>&1"


rule gan_plot_curves_updates:
    input:
        rules.gan_plot_curves.input,
    output:
        report("figures/gan_curves_updates.pdf", caption="../report/captions/gan_curves_updates.rst", category="GAN"),
    params:
        script=script("gan_plot.py"),
    log:
        "logs/figures/gan_curves_updates.log",
    benchmark:
        "benchmarks/figures/gan_curves_updates.tsv"
    shell:
        "python {params.script} curves --by updates --logs {input} --out {output} > {log} 2>&1"


rule gan_plot_quality:
    input:
        quality=gan_runs("quality.parquet"),
        reference=rules.gan_classifier.output.reference,
    output:
        report("figures/gan_quality.pdf", caption="../report/captions/gan_quality.rst", category="GAN"),
    params:
        script=script("gan_plot.py"),
    log:
        "logs/figures/gan_quality.log",
    benchmark:
        "benchmarks/figures/gan_quality.tsv"
    shell:
        "python {params.script} quality --quality {input.quality} --reference {input.reference} --out {output} > {log} 2>&1"


rule gan_numbers:
    input:
        runs=rules.gan_summary.output.runs,
        quality=rules.gan_summary.output.quality,
    output:
        numbers=generated("gan", "numbers.tex")[0],
        claims=generated("gan", "claims.csv")[0],
        tables=generated("gan", "gan_table.tex"),
    params:
        script=script("gan_numbers.py"),
    log:
        "logs/report/gan_numbers.log",
    benchmark:
        "benchmarks/report/gan_numbers.tsv"
    shell:
        "python {params.script} --runs {input.runs} --quality {input.quality} --out-dir report/generated/gan > {log} 2>&1"


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
