# overparam: rebuilds a small paper on over-parameterization from a clean checkout.
# This file only loads and validates the configuration and includes one rule file per study
# (its paths, helpers and rules); what the studies share is in rules/common.smk.
import sys

from snakemake.utils import min_version, validate

from overparam.config import normalize

min_version("9.0")


configfile: f"{workflow.basedir}/config.yaml"


# finite numbers, 3.0 as 3, "1e-3" as 0.001 (with a note), then the schema: before any job runs
for note in normalize(config, f"{workflow.basedir}/schemas/config.schema.yaml"):
    print(note, file=sys.stderr)
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
