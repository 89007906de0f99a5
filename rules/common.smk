# What the studies share: the interpreter jobs run, the wildcard constraints of every rule,
# path helpers, the config checks that a JSON schema cannot express, and the lists each study
# adds its report parts to. Each study's own paths and helpers are in its rule file.
import sys
from pathlib import Path

# Jobs call `python`: make it the interpreter that runs Snakemake (where overparam is
# installed), whether or not its virtual environment was activated.
shell.prefix(f'PATH="{Path(sys.executable).parent}:$PATH"; ')

# What each study gives the report, appended in the study's own .smk file. The study's
# numbers step writes report/generated/<study>/ (numbers.tex with its macros and claims, the
# tables, claims.csv); its figures go with it. report.smk only collects these lists, so a new study adds itself in its own file.
REPORT_PARTS = []
REPORT_FIGURES = []


def generated(study, *names):
    """Paths of a study's generated report files."""
    return [f"report/generated/{study}/{name}" for name in names]


# Wildcards of every study's paths: numbers as paths write them (`num`), names, integers.
wildcard_constraints:
    optimizer=r"[a-z]+",
    init=r"[0-9.e+-]+",
    lr=r"[0-9.e+-]+",
    batch=r"\d+",
    m=r"\d+",
    epochs=r"\d+",
    r=r"\d+",


def script(name):
    """Path of a command-line script of scripts/, wherever the workflow runs from."""
    return str(Path(workflow.basedir, "scripts", name))


def repo_path(path):
    """A relative path from config.yaml, read relative to the workflow's own folder."""
    return str(Path(workflow.basedir, path))


def num(x):
    """A number as it appears in paths: 0.1, 0.0001, 1e-05."""
    return f"{float(x):g}"


def check_config(cfg):
    """What the schema cannot say: every batch size divides its epoch length (planted and GAN),
    spurious.k_min <= k_max, the curve widths are among the sweep's, and every GAN sample epoch
    falls within some regime's training."""
    p = cfg["planted"]
    sizes = {
        "planted.lr_test.batch_size": p["lr_test"]["batch_size"],
        "planted.width_test.batch_size": p["width_test"]["batch_size"],
    }
    sizes.update({f"planted.regimes.{k}.batch_size": v["batch_size"] for k, v in p["regimes"].items()})
    for key, m in sizes.items():
        if p["samples_per_epoch"] % m:
            raise ValueError(
                f"config {key}={m} must divide planted.samples_per_epoch={p['samples_per_epoch']}"
            )
    q = cfg["spurious"]
    if q["k_min"] > q["k_max"]:
        raise ValueError(f"config spurious.k_min={q['k_min']} is above spurious.k_max={q['k_max']}")
    s = cfg["sumrelu"]
    missing = sorted(set(s["curve_ms"]) - set(s["ms"]))
    if missing:
        raise ValueError(f"config sumrelu.curve_ms has widths {missing} that sumrelu.ms does not list")
    g = cfg["gan"]
    last = max(c["epochs"] for c in g["regimes"].values())
    beyond = sorted(e for e in g["sample_epochs"] if e > last)
    if beyond:
        raise ValueError(f"config gan.sample_epochs has epochs {beyond} after the last epoch of every regime "
                         f"({last}): no run would sample there")
    for name, c in g["regimes"].items():
        if g["epoch_samples"] % c["batch_size"]:
            raise ValueError(f"config gan.regimes.{name}.batch_size={c['batch_size']} must divide "
                             f"gan.epoch_samples={g['epoch_samples']}")


check_config(config)


SPURIOUS = config["spurious"]
SPURIOUS_CELL = "results/spurious/k={k}/n={n}/runs={runs}/lr={lr}/tol={tol}/cap={cap}/cell.parquet"


def spurious_cells():
    """Every cell (k, n) of the grid: n = k, and n = k + 1 below k_max."""
    q = SPURIOUS
    pairs = [(k, k) for k in range(q["k_min"], q["k_max"] + 1)]
    pairs += [(k, k + 1) for k in range(q["k_min"], q["k_max"])]
    return [
        SPURIOUS_CELL.format(k=k, n=n, runs=q["runs"], lr=num(q["lr"]), tol=num(q["tol"]), cap=q["max_iterations"])
        for k, n in pairs
    ]
