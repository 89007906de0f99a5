"""What makes a result, as short content hashes the workflow tracks for reruns:

- `code_version(script)`: the script a rule runs and every module of this package that it imports,
  directly or through other modules (found by reading their `import` statements, so a lazy import
  inside a function counts too). Editing any of them changes the version, and with it the rule's
  params, so Snakemake reruns exactly the jobs that run that code. Paths do not enter the hash:
  moving the checkout changes nothing.
- `file_digest(paths)`: the content of data files (MNIST IDX files)."""
import ast
import hashlib
from functools import lru_cache
from pathlib import Path

PACKAGE = "overparam"
PACKAGE_DIR = Path(__file__).resolve().parent  # the modules that jobs actually import


def _module_file(name: str) -> Path | None:
    """The file of module `name` of this package (`overparam.x.y`), or None if it has none."""
    parts = name.split(".")[1:]
    base = PACKAGE_DIR.joinpath(*parts)
    for f in (base.with_suffix(".py"), base / "__init__.py"):
        if f.is_file():
            return f
    return None


def _module_name(path: Path) -> str:
    rel = path.relative_to(PACKAGE_DIR).with_suffix("")
    parts = [p for p in rel.parts if p != "__init__"]
    return ".".join([PACKAGE, *parts])


@lru_cache(maxsize=None)
def _imports(path: Path) -> frozenset[str]:
    """Names of this package's modules that the file at `path` imports."""
    tree = ast.parse(path.read_text(), filename=str(path))
    here = _module_name(path) if path.is_relative_to(PACKAGE_DIR) else None
    is_pkg = path.name == "__init__.py"
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # relative: from .x import y, from . import x
                if here is None:
                    continue
                anchor = here.split(".")
                anchor = anchor if is_pkg else anchor[:-1]
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join(anchor + ([base] if base else []))
            found.add(base)
            found |= {f"{base}.{a.name}" for a in node.names}  # `from pkg import module`
    return frozenset(n for n in found if n == PACKAGE or n.startswith(PACKAGE + "."))


def module_files(script) -> list[Path]:
    """`script` and every module of this package it imports, transitively (with the packages'
    `__init__.py` files that Python runs on the way)."""
    seen, todo = set(), [Path(script).resolve()]
    while todo:
        f = todo.pop()
        if f in seen:
            continue
        seen.add(f)
        for name in _imports(f):
            parts = name.split(".")
            for i in range(1, len(parts) + 1):  # overparam, overparam.numbers, overparam.numbers.x
                m = _module_file(".".join(parts[:i]))
                if m is not None and m not in seen:
                    todo.append(m)
    return sorted(seen)


@lru_cache(maxsize=None)
def code_version(script) -> str:
    """12 hex digits of the SHA-256 of `script` and the package modules it imports: each file's
    name (relative to its folder's root: `scripts/x.py`, `overparam/y.py`) and content."""
    h = hashlib.sha256()
    script = Path(script).resolve()
    for f in module_files(script):
        name = f"scripts/{f.name}" if f == script else f.relative_to(PACKAGE_DIR.parent).as_posix()
        h.update(name.encode() + b"\0" + f.read_bytes() + b"\0")
    return h.hexdigest()[:12]


def file_digest(paths) -> str:
    """12 hex digits of the SHA-256 of the files' contents, in the order given."""
    h = hashlib.sha256()
    for p in paths:
        with open(p, "rb") as f:
            for block in iter(lambda: f.read(1 << 20), b""):
                h.update(block)
        h.update(b"\0")
    return h.hexdigest()[:12]
