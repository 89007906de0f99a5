"""Results match their code, data and config: after the tiny build, each kind of change reruns
exactly the jobs it affects (`snakemake -n`), equal values rerun nothing, and no path or value
reaches a shell as anything but one word."""
import os
import re
import shutil
import subprocess

import numpy as np
import pytest
import yaml

from conftest import ROOT, TINY
from overparam import fingerprint
from overparam.command import cli, num

pytestmark = pytest.mark.workflow

# a name that breaks a hand-quoted or unquoted shell line, or runs a command through it
NASTY = "it's a $(touch PWNED) dir"


def planned(out) -> dict[str, int]:
    """{rule: jobs} of a dry run's job table (empty when there is nothing to be done)."""
    text = out.stdout + out.stderr
    if "Nothing to be done" in text:
        return {}
    table = text.split("Job stats:", 1)[1].split("total", 1)[0]
    return {m[0]: int(m[1]) for m in re.findall(r"^(\w+)\s+(\d+)$", table, re.M) if m[0] not in ("job", "all")}


def checkout_copy(dest):
    """The checkout's files (what git tracks and what it would), without results or environments."""
    files = subprocess.run(["git", "ls-files", "--cached", "--others", "--exclude-standard"], cwd=ROOT,
                           capture_output=True, text=True, check=True).stdout.split("\n")
    for f in filter(None, files):
        if (ROOT / f).is_file():
            (dest / f).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / f, dest / f)
    return dest


def rules_running(module: str) -> set[str]:
    """The rules whose script imports `module` (a file of src/overparam, as planted/summary.py), from the rule files."""
    out = set()
    for smk in (ROOT / "rules").glob("*.smk"):
        for name, body in re.findall(r"^(?:rule|checkpoint) (\w+):\n(.*?)(?=^\S)", smk.read_text(), re.M | re.S):
            script = re.search(r'code=code\("([^"]+)"\)', body)
            files = fingerprint.module_files(ROOT / "scripts" / script[1]) if script else []
            if module in {f.relative_to(fingerprint.PACKAGE_DIR).as_posix() for f in files
                          if f.is_relative_to(fingerprint.PACKAGE_DIR)}:
                out.add(name)
    return out


def dry(run_snakemake, workdir, *args, snakefile=None, env=None, check=True):
    return run_snakemake("-n", "--directory", str(workdir), *args, snakefile=snakefile, env=env, check=check)


def test_moving_the_checkout_reruns_nothing_and_a_code_edit_reruns_exactly_its_jobs(
        tiny_run, run_snakemake, tmp_path):
    moved = checkout_copy(tmp_path / NASTY / "moved checkout")
    env = {"PYTHONPATH": str(moved / "src")}  # the moved checkout's package is the one that runs
    snakefile = moved / "Snakefile"
    assert planned(dry(run_snakemake, tiny_run, "--configfile", str(TINY), "--", "all", snakefile=snakefile, env=env)) == {}
    # a script: the three figures it draws
    with open(moved / "scripts/planted_plot.py", "a") as f:
        f.write("\n# an edit\n")
    assert planned(dry(run_snakemake, tiny_run, "--configfile", str(TINY), "--", "all", snakefile=snakefile, env=env)) == {
        "planted_plot_lr": 1, "planted_plot_width": 1, "planted_plot_regimes": 1}
    shutil.copy2(ROOT / "scripts/planted_plot.py", moved / "scripts/planted_plot.py")
    # a module: every job whose script imports it, and what depends on their outputs
    with open(moved / "src/overparam/planted/summary.py", "a") as f:
        f.write("\n# an edit\n")
    jobs = planned(dry(run_snakemake, tiny_run, "--configfile", str(TINY), "--", "all", snakefile=snakefile, env=env))
    in_all = {r for r in rules_running("planted/summary.py") if not r.endswith("_numbers")}  # the report's are not
    assert in_all and in_all <= set(jobs), jobs
    assert not {r for r in jobs if r.endswith("_train") or r.startswith(("gan", "sumrelu", "spurious", "theory"))}
    shutil.copy2(ROOT / "src/overparam/planted/summary.py", moved / "src/overparam/planted/summary.py")
    # a job run from the moved checkout, whose path has spaces, a quote and $(...): its script and
    # the published tables it reads are found, and nothing in the name runs
    run_snakemake("--cores", "1", "--directory", str(tiny_run), "--configfile", str(TINY), "--forcerun",
                  "spurious_table", "--", "results/spurious/spurious_table.csv", snakefile=snakefile, env=env)
    assert not list(tmp_path.rglob("PWNED")) and not list(tiny_run.rglob("PWNED"))
    assert planned(dry(run_snakemake, tiny_run, "--configfile", str(TINY), "--", "all", snakefile=snakefile, env=env)) == {}


def test_equal_values_and_result_checks_retrain_nothing(tiny_run, run_snakemake, tmp_path):
    cfg = yaml.safe_load(TINY.read_text())
    same = tmp_path / "same.yaml"
    same.write_text(yaml.safe_dump({
        "planted": {"seeds": cfg["planted"]["seeds"][::-1], "device": "cpu"},  # the default is auto
        "gan": {"device": "auto", "sample_epochs": cfg["gan"]["sample_epochs"][::-1],
                "sample_updates": cfg["gan"]["sample_updates"][::-1],
                "data": {**cfg["gan"]["data"], "idx_dir": "data/mnist"}},  # no IDX files there: the same digits
        "spurious": {"restart_above": 10000},
    }))
    assert planned(dry(run_snakemake, tiny_run, "--configfile", str(TINY), str(same), "--", "all")) == {}
    check = tmp_path / "check.yaml"
    check.write_text("gan:\n  classifier: {steps: 300, batch_size: 64, lr: 1.0e-3, seed: 0, min_accuracy: 0.4}\n")
    assert planned(dry(run_snakemake, tiny_run, "--configfile", str(TINY), str(check), "--", "all")) == {
        "gan_summary": 1}


def test_a_missing_selection_stops_with_what_to_run_and_then_reruns_what_the_config_changed(
        tiny_run, run_snakemake, tmp_path):
    """Snakemake deletes selected_lr.json when its job fails and then, seeing the results made from
    it, would never rebuild it: a changed threshold would rebuild nothing but the report."""
    work = tmp_path / "work"
    for d in ("results", "figures", ".snakemake"):
        shutil.copytree(tiny_run / d, work / d, ignore=shutil.ignore_patterns("log", "locks"))
    selection = "results/planted/selected_lr.json"
    (work / selection).unlink()
    threshold = tmp_path / "threshold.yaml"
    threshold.write_text("planted:\n  threshold: 2.0e-3\n")
    args = ("--configfile", str(TINY), str(threshold), "--directory", str(work))
    out = run_snakemake("-n", *args, "--", "all", check=False)
    assert out.returncode != 0 and f"snakemake --cores 8 {selection}" in out.stdout + out.stderr
    run_snakemake("--cores", "1", *args, "--", selection)
    jobs = planned(run_snakemake("-n", *args, "--", "all"))
    assert {"planted_summary", "planted_plot_width", "planted_plot_regimes"} <= set(jobs), jobs
    assert not {r for r in jobs if r.endswith("_train")}, jobs


def test_exact_numbers_reach_the_paths(run_snakemake, tmp_path):
    cfg = tmp_path / "lr.yaml"
    cfg.write_text("planted:\n  width_test: {multipliers: [1, 2], batch_size: 10, init_scale: 0.1, optimizer: sgd, "
                   "epochs: 4, lr: 0.0123456789}\n")
    out = dry(run_snakemake, tmp_path, "--configfile", str(TINY), str(cfg), "--", "figures/overparam.pdf")
    assert "lr=0.0123456789/" in out.stdout
    assert num(0.0123456789) == "0.0123456789" and num(1e-5) == "1e-05" and num(1.0e4) == "10000"


def test_a_repeated_configfile_flag_stops_before_any_job(run_snakemake, tmp_path):
    out = run_snakemake("-n", "--configfile", str(TINY), "--configfile", str(ROOT / "config.yaml"),
                        "--directory", str(tmp_path), check=False)
    assert out.returncode != 0 and "--configfile is given 2 times" in out.stdout + out.stderr


def test_same_inputs_give_the_same_figure_bytes(tiny_run, run_snakemake):
    figures = ["figures/overparam_distance.pdf", "figures/sumrelu_vs_m.pdf", "figures/overparam.pdf"]
    before = {f: (tiny_run / f).read_bytes() for f in figures}
    run_snakemake("--cores", "2", "--configfile", str(TINY), "--directory", str(tiny_run), "--forcerun",
                  "planted_plot_distance", "sumrelu_plot_vs_m", "planted_plot_width", "--", *figures)
    assert {f: (tiny_run / f).read_bytes() for f in figures} == before


def fake_idx(folder, n, seed=0, stems=("train",)):
    import gzip

    rng = np.random.default_rng(seed)
    folder.mkdir(parents=True, exist_ok=True)
    for stem in stems:
        for name, array in ((f"{stem}-images-idx3-ubyte.gz", rng.integers(0, 256, (n, 28, 28))),
                            (f"{stem}-labels-idx1-ubyte.gz", np.arange(n) % 10)):
            array = np.asarray(array, dtype=np.uint8)
            head = (2051 if array.ndim == 3 else 2049).to_bytes(4, "big")
            head += b"".join(d.to_bytes(4, "big") for d in array.shape)
            with gzip.GzipFile(folder / name, "wb", mtime=0) as f:  # the same bytes for the same digits
                f.write(head + array.tobytes())


def test_mnist_files_are_tracked_by_content_and_a_shell_named_folder_is_read(run_snakemake, tmp_path):
    folder = tmp_path / NASTY
    fake_idx(folder, 500)
    cfg = tmp_path / "idx.yaml"
    cfg.write_text(yaml.safe_dump({"gan": {"data": {"idx_dir": str(folder), "download": False, "holdout": 200,
                                                    "split_seed": 0}}}))
    work = tmp_path / "work"
    target = "results/gan/data/mnist.npz"
    args = ("--configfile", str(TINY), str(cfg), "--directory", str(work))
    run_snakemake("--cores", "1", *args, "--", target)
    assert not list(tmp_path.rglob("PWNED")) and not list(work.rglob("PWNED")), "a folder's name ran a command"
    log = (work / "logs/gan/data.log").read_text()
    assert "IDX files in" in log and "300 training digits" in log  # 500 read, 200 held out
    assert planned(run_snakemake("-n", *args, "--", target)) == {}
    fake_idx(folder, 500, seed=1)  # other digits, same names
    assert planned(run_snakemake("-n", *args, "--", target)) == {"gan_data": 1}
    fake_idx(folder, 500)
    assert planned(run_snakemake("-n", *args, "--", target)) == {}
    fake_idx(folder, 100, stems=("t10k",))  # the test pair added
    assert planned(run_snakemake("-n", *args, "--", target)) == {"gan_data": 1}


def test_cli_quotes_every_word():
    line = cli("lr", config_files=[NASTY, "a b.yaml"], lr=0.0123456789, seeds=[0, 1], flag=True, none=None)
    words = subprocess.run(["bash", "-c", f"printf '%s\\n' {line}"], capture_output=True, text=True,
                           check=True).stdout.splitlines()
    assert words == ["lr", "--config-files", NASTY, "a b.yaml", "--lr", "0.0123456789", "--seeds", "0", "1", "--flag"]


def test_no_rule_writes_an_unquoted_path():
    """Every {input}, {output}, {log} and path-valued param in a shell line carries :q, and the
    checkout's folder only appears as "$OVERPARAM_ROOT..." in double quotes."""
    for smk in (ROOT / "rules").glob("*.smk"):
        text = smk.read_text()
        for field in re.findall(r"\{(input|output|log|params\.(?:anchor\w*|families|idx_files|checkpoint))([^}]*)\}", text):
            assert field[1].endswith(":q"), (smk.name, field)
        assert not re.search(r"[^\"]\$OVERPARAM_ROOT", text.split("shell.prefix")[-1]), smk.name
