"""Code versions that the workflow tracks for reruns: the script and the modules it imports."""
import shutil
import textwrap

from conftest import ROOT
from overparam import fingerprint


def test_a_script_covers_the_modules_it_imports_directly_lazily_and_transitively():
    names = {f.name for f in fingerprint.module_files(ROOT / "scripts" / "planted_train.py")}
    # planted_trainer imports relu_kernel; logs is imported directly
    assert {"planted_train.py", "planted_trainer.py", "relu_kernel.py", "logs.py", "__init__.py"} <= names
    assert "gan.py" not in names  # another study's code is not part of it
    numbers = {f.relative_to(fingerprint.PACKAGE_DIR).as_posix()
               for f in fingerprint.module_files(ROOT / "scripts" / "gan_numbers.py") if f.name != "gan_numbers.py"}
    assert {"numbers/__init__.py", "numbers/gan.py", "numbers/claims.py"} <= numbers


def test_the_version_follows_the_content_not_the_path(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir(), b.mkdir()
    for d in (a, b):
        shutil.copy(ROOT / "scripts" / "theory_check.py", d / "theory_check.py")
    assert fingerprint.code_version(a / "theory_check.py") == fingerprint.code_version(b / "theory_check.py")
    (b / "theory_check.py").write_text((b / "theory_check.py").read_text() + "\n# an edit\n")
    fingerprint.code_version.cache_clear()
    assert fingerprint.code_version(a / "theory_check.py") != fingerprint.code_version(b / "theory_check.py")


def test_relative_imports_inside_the_package_are_followed(tmp_path):
    script = tmp_path / "s.py"
    script.write_text(textwrap.dedent("""
        def main():
            from overparam.numbers import gan  # a lazy import
    """))
    names = {f.name for f in fingerprint.module_files(script)}
    assert {"gan.py", "claims.py", "tex.py"} <= names  # numbers/gan.py: from .claims import ...


def test_file_digest_reads_content(tmp_path):
    f = tmp_path / "x"
    f.write_bytes(b"abc")
    first = fingerprint.file_digest([f])
    f.write_bytes(b"abd")
    assert fingerprint.file_digest([f]) != first
