# overparam: rebuilds a small paper on over-parameterization from a clean checkout.
# This file only loads and validates the configuration and includes one rule file per study
# (its paths, helpers and rules); what the studies share is in rules/common.smk.
import sys

from snakemake.utils import min_version, validate

from overparam.config import normalize, read_yaml, repeated_config_flags

min_version("9.0")

# the command line: a repeated --configfile would silently drop files; the default config: a YAML
# error named with its line (Snakemake reads --configfile files itself, before this file)
if (message := repeated_config_flags(sys.argv)) is not None:
    raise ValueError(message)
read_yaml(f"{workflow.basedir}/config.yaml")


configfile: f"{workflow.basedir}/config.yaml"


report: "report/workflow.rst"


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


# Every study's outputs (each study's own target rule: snakemake --cores 8 planted, ...).
rule all:
    input:
        rules.planted.input,
        rules.sumrelu.input,
        rules.spurious.input,
        rules.theory.input,
        rules.gan.input,
    default_target: True


localrules:
    all,
