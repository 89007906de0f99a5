"""The workflow on a real SLURM cluster through profiles/slurm.

The `slurm` tests start a single-node cluster on this machine with cluster/slurm_local_cluster.sh
(munged, MariaDB, slurmdbd, slurmctld, slurmd from Debian's packages), run Snakemake with
`--workflow-profile profiles/slurm` against it, check with `sacct` that the jobs really went
through SLURM, and stop every daemon afterwards. They need root and the packages
(`apt-get install munge slurmctld slurmd slurm-client slurmdbd mariadb-server`; .ci/run installs
them) and are skipped without them. Run only them with `pytest -m slurm -s` (-s shows timings).

The profile is used as it is (its partition `debug` and account `overparam` are the local
cluster's), with one change for speed: the executor checks job states every 2 s instead of
waiting 40 s before the first check, as it should on a shared cluster.
"""
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import torch
import yaml
from pandas.testing import assert_frame_equal

from conftest import ROOT, TINY, snakemake

PROFILE = ROOT / "profiles" / "slurm"
CLUSTER_SCRIPT = ROOT / "cluster" / "slurm_local_cluster.sh"
PROGRAMS = ("munged", "mungekey", "mariadbd", "mariadb-install-db", "slurmdbd", "slurmctld",
            "slurmd", "sbatch", "sacct", "sacctmgr", "scancel", "squeue", "sinfo")
FAST_POLL = ("--seconds-between-status-checks", "2", "--slurm-init-seconds-before-status-checks", "2")
PLANTED_RULES = {"planted_check", "planted_select_lr", "planted_plot_lr", "planted_plot_width",
                 "planted_plot_regimes", "planted_summary"}


def missing_requirements() -> str | None:
    if os.geteuid() != 0:
        return "the local SLURM cluster needs root"
    path = os.environ.get("PATH", "") + ":/usr/sbin:/sbin"
    missing = [p for p in PROGRAMS if shutil.which(p, path=path) is None]
    if missing:
        return f"the local SLURM cluster needs Debian's SLURM, munge and MariaDB packages (missing: {' '.join(missing)})"
    return None


@pytest.fixture(scope="module")
def cluster():
    """A running single-node SLURM cluster for this module's tests; stopped afterwards."""
    reason = missing_requirements()
    if reason:
        pytest.skip(reason)
    state = Path(tempfile.mkdtemp(prefix="overparam-slurm-", dir="/tmp"))
    state.chmod(0o755)  # munged runs as user munge and must reach its files below it
    t0 = time.monotonic()
    out = subprocess.run(["bash", str(CLUSTER_SCRIPT), "start", str(state)],
                         capture_output=True, text=True, timeout=600)
    if out.returncode != 0:
        subprocess.run(["bash", str(CLUSTER_SCRIPT), "stop", str(state)], capture_output=True, timeout=300)
        pytest.fail(f"the local SLURM cluster did not start:\n{out.stdout[-3000:]}\n{out.stderr[-5000:]}")
    print(f"\nlocal SLURM cluster up in {time.monotonic() - t0:.0f} s: {out.stdout.strip().splitlines()[-1]}")
    try:
        yield state
    finally:
        stop = subprocess.run(["bash", str(CLUSTER_SCRIPT), "stop", str(state)],
                              capture_output=True, text=True, timeout=300)
        print(stop.stdout, stop.stderr)
        shutil.rmtree(state, ignore_errors=True)


def sacct(run_id: str) -> list[dict]:
    """The cluster jobs of one Snakemake run (the executor names every job by the run's id)."""
    out = subprocess.run(
        ["sacct", "-X", "--parsable2", "--noheader", "--starttime", "now-2days",
         "--format=JobIDRaw,JobName%100,State,Comment%300", "--name", run_id],
        capture_output=True, text=True, check=True, timeout=60)
    keys = ("id", "name", "state", "comment")
    return [dict(zip(keys, line.split("|"))) for line in out.stdout.splitlines() if line.strip()]


def run_ids(text: str) -> list[str]:
    return re.findall(r"SLURM run ID: (\S+)", text)


def submitted(text: str) -> list[str]:
    """SLURM job ids in the order Snakemake submitted them."""
    return re.findall(r"has been submitted with SLURM jobid (\d+)", text)


def wait_until(what, condition, timeout=180, every=0.5):
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(every)


def job_state(job_id: str) -> str:
    out = subprocess.run(["sacct", "-X", "--parsable2", "--noheader", "--format=State", "-j", job_id],
                         capture_output=True, text=True, timeout=60)
    return out.stdout.strip().split(" ")[0] if out.returncode == 0 else ""


def drop_volatile(df: pd.DataFrame) -> pd.DataFrame:
    """Without wall-clock times and provenance (host, time, command): what two runs share."""
    return df.drop(columns=[c for c in df.columns
                            if c == "seconds" or c.endswith("_seconds") or c.startswith("prov_")])


def assert_same_objects(a, b, where):
    """Equal saved PyTorch objects: tensors and arrays to the bit, containers recursively."""
    if isinstance(a, dict):
        assert a.keys() == b.keys(), where
        for k in a:
            assert_same_objects(a[k], b[k], f"{where}[{k}]")
    elif isinstance(a, torch.Tensor):
        assert torch.equal(a, b), where
    elif isinstance(a, np.ndarray):
        assert np.array_equal(a, b), where
    else:
        assert a == b or (a != a and b != b), where  # NaN equals NaN here


def assert_same_results(local: Path, cluster: Path):
    files = sorted(p.relative_to(local) for p in (local / "results").rglob("*") if p.is_file())
    assert sorted(p.relative_to(cluster) for p in (cluster / "results").rglob("*") if p.is_file()) == files
    assert any(f.suffix == ".parquet" for f in files)
    for f in files:
        a, b = local / f, cluster / f
        if f.suffix == ".parquet":
            assert_frame_equal(drop_volatile(pd.read_parquet(a)), drop_volatile(pd.read_parquet(b)),
                               check_exact=True, obj=str(f))
        elif f.suffix == ".csv":
            assert_frame_equal(drop_volatile(pd.read_csv(a)), drop_volatile(pd.read_csv(b)),
                               check_exact=True, obj=str(f))
        elif f.suffix == ".npz":  # zip archives stamp their write time: compare the arrays
            with np.load(a) as x, np.load(b) as y:
                assert x.files == y.files and all(np.array_equal(x[k], y[k]) for k in x.files), f
        elif f.suffix == ".pt":
            assert_same_objects(torch.load(a, weights_only=True), torch.load(b, weights_only=True), f)
        else:
            assert a.read_bytes() == b.read_bytes(), f


def test_slurm_profile_bundles_training_and_sets_gan_resources(tmp_path, run_snakemake):
    """A dry run with the profile (no cluster needed): it parses, its per-rule resources reach
    the jobs, the training jobs are bundled into group jobs, and GAN training asks for the
    GPUs of config key gan.cluster_gpus (none in the tiny config) with the profile's runtime."""
    profile = yaml.safe_load((PROFILE / "config.yaml").read_text())
    assert profile["executor"] == "slurm" and profile["retries"] >= 1
    assert any(name.startswith("gan_") for name in profile["set-resources"])
    assert set(profile["groups"].values()) <= set(profile["group-components"])
    assert "sumrelu_train" in profile["groups"] and "planted_train" not in profile["groups"]
    out = run_snakemake("-n", "--workflow-profile", str(PROFILE), "--configfile", str(TINY),
                        "--directory", str(tmp_path))
    text = out.stdout + out.stderr
    assert "Group job bundle_sumrelu" in text
    planted_train = text[text.index("rule planted_train:"):][:3000]
    assert "slurm_account=overparam" in planted_train and "runtime=40," in planted_train  # the profile's
    gan_train = text[text.index("rule gan_train:"):][:3000]
    assert "runtime=240," in gan_train and "gpu=0" in gan_train
    out = run_snakemake("-n", "--workflow-profile", str(ROOT / "profiles" / "local"),
                        "--configfile", str(TINY), "--directory", str(tmp_path))
    assert "planted_train" in out.stdout


@pytest.mark.slurm
def test_tiny_workflow_on_slurm_equals_a_local_run(cluster, tmp_path):
    local_dir, slurm_dir = tmp_path / "local", tmp_path / "slurm"
    # The local reference run goes alongside, at a low priority: it takes the CPU time that the
    # cluster run leaves while it waits for jobs to start and for status checks.
    local_log = open(tmp_path / "local.log", "w")
    local = subprocess.Popen(
        [sys.executable, "-m", "snakemake", "--snakefile", str(ROOT / "Snakefile"), "--cores", "2",
         "--configfile", str(TINY), "--directory", str(local_dir)],
        cwd=ROOT, stdout=local_log, stderr=subprocess.STDOUT, preexec_fn=lambda: os.nice(15))
    try:
        t0 = time.monotonic()
        out = snakemake("--workflow-profile", str(PROFILE), "--configfile", str(TINY),
                        "--directory", str(slurm_dir), *FAST_POLL, timeout=1200)
        wall = time.monotonic() - t0
    finally:
        assert local.wait(timeout=1800) == 0, (tmp_path / "local.log").read_text()[-4000:]
    text = out.stdout + out.stderr
    print(f"\ntiny config through profiles/slurm on the local cluster: {wall:.0f} s wall time")

    for name in ("lr_test", "overparam", "overparam_regimes"):
        for ext in ("pdf", "png"):
            assert (slurm_dir / "figures" / f"{name}.{ext}").stat().st_size > 1000

    # every job went through SLURM, as the accounting database saw it
    (run_id,) = run_ids(text)
    jobs = sacct(run_id)
    assert sorted(j["id"] for j in jobs) == sorted(submitted(text)), (jobs, text[-3000:])
    assert all(j["state"] == "COMPLETED" for j in jobs), jobs
    rules = {m for j in jobs for m in re.findall(r"planted_[a-z_]+?(?=_wildcards|$)", j["comment"])}
    assert PLANTED_RULES <= rules, jobs
    # training jobs ran in bundles (the profile's groups): fewer cluster jobs than jobs
    remote = [r for r in re.findall(r"Finished jobid: \d+ \(Rule: (\w+)\)", text) if r != "all"]
    bundles = [j for j in jobs if j["comment"].startswith("rule_bundle_")]
    assert bundles and len(jobs) < len(remote), (jobs, remote)
    print(f"{len(jobs)} cluster jobs for {len(remote)} jobs; {len(bundles)} of them bundle "
          f"{len(remote) - len(jobs) + len(bundles)} training jobs")

    assert_same_results(local_dir, slurm_dir)
    assert not list(slurm_dir.rglob("*.tmp")), "temporary files left behind"


@pytest.mark.slurm
def test_cancelled_job_is_retried_leaves_no_output_and_resumes(cluster, tmp_path):
    """scancel a training job: the profile's `retries` resubmit it. Then lose the Snakemake
    process itself (kill -9, as when a login session dies) and scancel the retry: nothing that
    looks like a finished log is left, since nobody is there to clean up. Running the same
    command again (after --unlock) finishes the job."""
    retries = yaml.safe_load((PROFILE / "config.yaml").read_text())["retries"]
    assert retries >= 1
    # one slow training job (tens of seconds), so that it can be cancelled while it runs
    point = "sgd/init=0.1/batch=10/lr=0.01/epochs=10000/r=64"
    seeds = yaml.safe_load(TINY.read_text())["planted"]["seeds"]
    outputs = [tmp_path / f"results/planted/runs/{point}/seed={s}.parquet" for s in seeds]
    job_log = tmp_path / f"logs/planted/runs/{point}.log"
    args = ("--workflow-profile", str(PROFILE), "--configfile", str(TINY), "--directory", str(tmp_path),
            *FAST_POLL, str(outputs[0].relative_to(tmp_path)))
    out_path = tmp_path / "first.log"
    first = subprocess.Popen([sys.executable, "-m", "snakemake", "--snakefile", str(ROOT / "Snakefile"), *args],
                             cwd=ROOT, stdout=open(out_path, "w"), stderr=subprocess.STDOUT,
                             env=dict(os.environ, PYTHONUNBUFFERED="1"))

    def nth_submission(n):
        return lambda: (submitted(out_path.read_text()) + [None] * n)[n - 1]

    def no_finished_output():
        left = [p.name for p in outputs[0].parent.glob("*")] if outputs[0].parent.exists() else []
        assert not any(p.exists() for p in outputs), left
        assert all(name.endswith(".tmp") for name in left), left  # at most a temporary file

    def cancel_while_training(job_id, since):
        # the rule's shell command has started once it has (re)written its log
        wait_until(f"job {job_id} to start training",
                   lambda: job_log.exists() and job_log.stat().st_mtime > since, timeout=300)
        time.sleep(2)
        assert job_state(job_id) == "RUNNING"
        subprocess.run(["scancel", job_id], check=True, timeout=60)
        wait_until(f"job {job_id} to be cancelled", lambda: job_state(job_id).startswith("CANCELLED"))
        return time.time()

    try:
        job1 = wait_until("the first submission", nth_submission(1))
        t_cancel = cancel_while_training(job1, since=0)
        no_finished_output()

        job2 = wait_until("the retry", nth_submission(2))  # resubmitted: the profile's retries
        assert "Trying to restart job" in out_path.read_text()
        # the Snakemake process dies, then its job is cancelled: nobody cleans up
        wait_until(f"job {job2} to start training",
                   lambda: job_log.exists() and job_log.stat().st_mtime > t_cancel, timeout=300)
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=60)
        cancel_while_training(job2, since=t_cancel)
        no_finished_output()
    finally:
        if first.poll() is None:
            first.kill()
            first.wait()
    text = out_path.read_text()
    (run1,) = run_ids(text)
    assert [(j["id"], j["state"].split()[0]) for j in sacct(run1)] == [(job1, "CANCELLED"), (job2, "CANCELLED")]

    # resume: the same command (the profile has rerun-incomplete), after removing the stale lock
    snakemake("--unlock", *args[:6])
    out = snakemake(*args, timeout=900)
    (run2,) = run_ids(out.stdout + out.stderr)
    assert [j["state"] for j in sacct(run2)] == ["COMPLETED"]
    for p, seed in zip(outputs, seeds):
        log = pd.read_parquet(p)
        assert len(log) == 10001 and set(log["status"]) == {"ok"} and set(log["seed"]) == {seed}
    assert not list(tmp_path.rglob("*.tmp"))
