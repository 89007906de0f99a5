"""Code versions that the workflow tracks for reruns: the script and the modules it imports."""
import shutil
import textwrap

from conftest import ROOT
from overparam import fingerprint


def test_a_script_covers_the_modules_it_imports_directly_lazily_and_transitively():
    names = {f.relative_to(fingerprint.PACKAGE_DIR).as_posix() if f.is_relative_to(fingerprint.PACKAGE_DIR) else f.name
             for f in fingerprint.module_files(ROOT / "scripts" / "planted_train.py")}
    # planted.trainer imports planted.model, which imports relu.kernel; logs is imported directly
    assert {"planted_train.py", "planted/trainer.py", "relu/kernel.py", "logs.py", "__init__.py",
            "planted/__init__.py"} <= names
    assert not {n for n in names if n.startswith("gan/")}  # another study's code is not part of it
    numbers = {f.relative_to(fingerprint.PACKAGE_DIR).as_posix()
               for f in fingerprint.module_files(ROOT / "scripts" / "gan_numbers.py") if f.name != "gan_numbers.py"}
    assert {"numbers/__init__.py", "gan/numbers.py", "numbers/claims.py"} <= numbers


def test_the_version_follows_the_content_not_the_path(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir(), b.mkdir()
    for d in (a, b):
        shutil.copy(ROOT / "scripts" / "theory_check.py", d / "theory_check.py")
    assert fingerprint.code_version(a / "theory_check.py") == fingerprint.code_version(b / "theory_check.py")
    (b / "theory_check.py").write_text((b / "theory_check.py").read_text() + "\n# an edit\n")
    fingerprint.code_version.cache_clear()
    assert fingerprint.code_version(a / "theory_check.py") != fingerprint.code_version(b / "theory_check.py")


def test_lazy_imports_are_followed_through_the_packages(tmp_path):
    script = tmp_path / "s.py"
    script.write_text(textwrap.dedent("""
        def main():
            from overparam.gan import numbers  # a lazy import
    """))
    names = {f.relative_to(fingerprint.PACKAGE_DIR).as_posix() for f in fingerprint.module_files(script)
             if f.is_relative_to(fingerprint.PACKAGE_DIR)}
    # gan/numbers.py imports gan/claims.py, which imports numbers/claims.py and numbers/tex.py
    assert {"gan/__init__.py", "gan/numbers.py", "gan/claims.py", "numbers/claims.py", "numbers/tex.py"} <= names


def test_file_digest_reads_content(tmp_path):
    f = tmp_path / "x"
    f.write_bytes(b"abc")
    first = fingerprint.file_digest([f])
    f.write_bytes(b"abd")
    assert fingerprint.file_digest([f]) != first
