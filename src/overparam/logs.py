"""Run logs and how every output is written.

- provenance and `run_frame`: a run's log is its per-epoch rows plus its parameters and
  provenance as columns, so a table of all runs is one pandas.read_parquet away;
- `read_runs`, `read_studies`: Parquet logs read back as one table;
- `replacing`, `write_atomic`, `write_text_atomic`: every output of the workflow (logs, tables,
  figures, models, text) is written to a temporary file and renamed into place."""
import glob
import os
import platform
import socket
import subprocess
import sys
import tempfile
from contextlib import contextmanager
from datetime import datetime, timezone
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import pandas as pd

from overparam.fingerprint import code_version


def _version(pkg: str) -> str:
    try:
        return version(pkg)
    except PackageNotFoundError:
        return "absent"


def git_commit() -> str:
    """Commit of the checkout this package was imported from ('unknown' outside a repo)."""
    here = Path(__file__).resolve().parent
    try:
        out = subprocess.run(["git", "-C", str(here), "describe", "--always", "--dirty", "--abbrev=40"],
                             capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.TimeoutExpired):
        return "unknown"
    return out.stdout.strip() if out.returncode == 0 else "unknown"


def provenance(device: str = "cpu", threads: int | None = None) -> dict:
    import torch

    return {
        "prov_python": platform.python_version(),
        "prov_torch": torch.__version__,
        "prov_numpy": _version("numpy"),
        "prov_pandas": _version("pandas"),
        "prov_overparam": _version("overparam"),
        "prov_git_commit": git_commit(),
        # the version of the running script and the modules it imports: the workflow's `code`
        # param, which Snakemake tracks for reruns (overparam.fingerprint)
        "prov_code": code_version(sys.argv[0]) if Path(sys.argv[0]).is_file() else "unknown",
        "prov_device": device,
        "prov_threads": threads if threads is not None else torch.get_num_threads(),
        "prov_host": socket.gethostname(),
        "prov_created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "prov_command": " ".join(sys.argv),
    }


def run_frame(rows: list[dict], params: dict, prov: dict) -> pd.DataFrame:
    """Per-epoch rows with the run's parameters and provenance repeated on every row."""
    df = pd.DataFrame(rows)
    for k, v in {**params, **prov}.items():
        df[k] = v
    return df


def current_umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


@contextmanager
def replacing(path: str | os.PathLike):
    """Yield a temporary path beside `path` (ending in .tmp) to write to; rename it onto
    `path` only when the block succeeds. An interrupted job never leaves a half-written file
    under the final name."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    # a job killed while writing leaves its temporary file behind; the rerun (the one writer of
    # `path`: Snakemake never runs two jobs with the same output) removes it
    for stale in path.parent.glob(f".{glob.escape(path.name)}.*.tmp"):
        stale.unlink(missing_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(fd)
    try:
        yield tmp
        os.chmod(tmp, 0o666 & ~current_umask())  # mkstemp makes 0600; a plain write obeys the umask
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_atomic(df: pd.DataFrame, path: str | os.PathLike) -> None:
    """A DataFrame as CSV or Parquet (by suffix), through `replacing`."""
    with replacing(path) as tmp:
        if Path(path).suffix == ".csv":
            df.to_csv(tmp, index=False)
        else:
            df.to_parquet(tmp, index=False)


def read_runs(paths) -> pd.DataFrame:
    return pd.concat([pd.read_parquet(p) for p in paths], ignore_index=True)


def read_studies(groups: list[list[str]]) -> pd.DataFrame:
    """Groups given on a command line as `--study LABEL FILE...`: the runs of each group with a
    `study` column. A run shared by two studies appears once in each (tidy for plotting)."""
    return pd.concat([read_runs(files).assign(study=label) for label, *files in groups],
                     ignore_index=True)


def write_text_atomic(text: str, path: str | os.PathLike) -> None:
    """Write `text` to `path` through `replacing`."""
    with replacing(path) as tmp:
        Path(tmp).write_text(text)
