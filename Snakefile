# overparam: rebuilds a small paper on over-parameterization from a clean checkout.
# This file only loads and validates the configuration and includes one rule file per study;
# helpers live in rules/common.smk.
from snakemake.utils import min_version, validate

min_version("9.0")


configfile: f"{workflow.basedir}/config.yaml"


validate(config, "schemas/config.schema.yaml")


include: "rules/common.smk"
include: "rules/planted.smk"
include: "rules/sumrelu.smk"
include: "rules/spurious.smk"
include: "rules/theory.smk"
include: "rules/gan.smk"
include: "rules/report.smk"


rule all:
    input:
        PLANTED_FIGURES,
        "results/planted/summary.csv",
        "results/planted/teacher_check.parquet",
        SUMRELU_FIGURES,
        "results/sumrelu/summary.csv",
        "figures/spurious_minima.pdf",
        THEORY_OUTPUTS,
        GAN_FIGURES,
        "results/gan/summary.csv",
    default_target: True
