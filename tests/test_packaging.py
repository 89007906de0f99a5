"""What the README's documented commands need is installed by its main command
(`pip install -e .`), not only by the test extra."""
import re
from importlib.metadata import distribution

from packaging.requirements import Requirement

# distributions the documented commands import beyond what Snakemake itself requires:
# `snakemake --report` needs pygments and jinja2; the Snakefile's config check needs jsonschema.
DOCUMENTED_COMMANDS_NEED = {"pygments", "jinja2", "jsonschema", "snakemake-executor-plugin-slurm", "mlxtend"}


def norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def main_closure(root: str = "overparam") -> set[str]:
    """Every distribution that installing `root` without extras pulls in."""
    seen, todo = set(), [root]
    while todo:
        name = todo.pop()
        if norm(name) in seen:
            continue
        seen.add(norm(name))
        for spec in distribution(name).requires or []:
            req = Requirement(spec)
            if req.marker is None or req.marker.evaluate({"extra": ""}):
                todo.append(req.name)
    return seen


def test_documented_commands_need_only_the_main_dependencies():
    missing = {norm(n) for n in DOCUMENTED_COMMANDS_NEED} - main_closure()
    assert not missing, f"pip install -e . would not install {sorted(missing)}"
