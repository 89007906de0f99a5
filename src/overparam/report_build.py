"""Build the LaTeX report: copy its sources, the generated numbers and tables, and the figures
into one build folder, run latexmk there, check the log, and move the PDF into place."""
import os
import re
import shutil
import subprocess
from pathlib import Path

from overparam.logs import replacing

TEX_PACKAGES = "texlive-latex-base texlive-latex-recommended latexmk"
# Problems the LaTeX log may report even when latexmk succeeds; any of them fails the build.
LOG_PROBLEMS = re.compile(r"Undefined control sequence|There were undefined references|"
                          r"Reference `[^']*' on page \d+ undefined|File `[^']*' not found|"
                          r"^\S+\.tex:\d+: |Fatal error")


def stage(build: Path, tex: str, groups: dict[str, list[str]], roots: dict[str, str] | None = None) -> Path:
    """Copy the main file to `build` and each group of files to `build/<group>/` (emptied
    first, so no stale file of an earlier build is used): by name, or by their path below
    `roots[group]` where one is given. Returns the main file's copy."""
    build.mkdir(parents=True, exist_ok=True)
    roots = roots or {}
    for group, files in groups.items():
        folder = build / group
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        for f in files:
            target = folder / (Path(os.path.relpath(f, roots[group])) if group in roots else Path(f).name)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(f, target)
    main = build / Path(tex).name
    shutil.copy2(tex, main)
    return main


def log_problems(log_text: str) -> list[str]:
    return [line for line in log_text.splitlines() if LOG_PROBLEMS.search(line)]


def build_pdf(tex: str, groups: dict[str, list[str]], build_dir: str, out: str,
              roots: dict[str, str] | None = None) -> None:
    latexmk = shutil.which("latexmk")
    if latexmk is None:
        raise SystemExit(f"latexmk is not installed: apt-get install {TEX_PACKAGES} (see README, Report)")
    main = stage(Path(build_dir), tex, groups, roots)
    cmd = [latexmk, "-pdf", "-interaction=nonstopmode", "-halt-on-error", "-file-line-error", main.name]
    # the same sources give the same PDF bytes: pdfTeX takes its dates and its file /ID from
    # SOURCE_DATE_EPOCH (the report prints no date); a user's own value is kept
    env = {**os.environ, "SOURCE_DATE_EPOCH": os.environ.get("SOURCE_DATE_EPOCH", "0"), "FORCE_SOURCE_DATE": "1"}
    done = subprocess.run(cmd, cwd=main.parent, capture_output=True, text=True, env=env)
    print(done.stdout[-6000:], done.stderr[-3000:], sep="\n")
    log = main.with_suffix(".log")
    problems = log_problems(log.read_text(errors="replace")) if log.exists() else []
    if done.returncode != 0 or problems:
        raise SystemExit(f"LaTeX failed (exit {done.returncode}); see {log}:\n" + "\n".join(problems))
    pdf = Path(out)
    with replacing(pdf) as tmp:
        shutil.copyfile(main.with_suffix(".pdf"), tmp)
