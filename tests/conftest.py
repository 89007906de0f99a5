import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import torch

from overparam.threads import set_threads

ROOT = Path(__file__).resolve().parents[1]
TINY = ROOT / "tests" / "tiny_config.yaml"

set_threads(1)
torch.set_default_dtype(torch.float32)


def snakemake(*args, cwd=None, check=True, timeout=900, snakefile=None, env=None):
    """Run the real workflow in a subprocess, with this interpreter's Snakemake (and the
    Snakefile of this checkout, or `snakefile`; `env` adds to the environment)."""
    env = dict(os.environ, PYTHONUNBUFFERED="1", **(env or {}))
    cmd = [sys.executable, "-m", "snakemake", "--snakefile", str(snakefile or ROOT / "Snakefile"), *args]
    out = subprocess.run(cmd, cwd=cwd or ROOT, env=env, capture_output=True, text=True, timeout=timeout)
    if check and out.returncode != 0:
        raise AssertionError(f"snakemake {' '.join(args)} failed:\n{out.stdout[-4000:]}\n{out.stderr[-4000:]}")
    return out


@pytest.fixture
def run_snakemake():
    return snakemake


@pytest.fixture(scope="session")
def tiny_run(tmp_path_factory):
    """The workflow run once on tests/tiny_config.yaml, shared by the tests that read its outputs:
    every output of `all` and, where latexmk is installed, report/report.pdf. Returns its folder.
    OVERPARAM_TINY_RUN names a folder to build in (or bring up to date) instead of a new one."""
    if os.environ.get("OVERPARAM_TINY_RUN"):  # a finished tiny build to reuse (it is brought up to date)
        root = Path(os.environ["OVERPARAM_TINY_RUN"])
    else:
        root = tmp_path_factory.mktemp("tiny")
    targets = ["all"] + (["report/report.pdf"] if shutil.which("latexmk") else [])
    snakemake("--cores", "2", "--configfile", str(TINY), "--directory", str(root), *targets)
    return root
