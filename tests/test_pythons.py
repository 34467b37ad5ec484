"""The Pythons the package says it supports are the ones ``scripts/check`` (and so CI) tests,
and ``scripts/check`` finds each of them however it is installed.
"""

from __future__ import annotations

import re
import stat
import subprocess
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CHECK = (ROOT / "scripts" / "check").read_text()
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())


def check_list(name: str) -> list[str]:
    """A bash array of versions assigned in scripts/check: ``NAME=(3.11 3.12)``."""
    found = re.search(rf"^{name}=\(([^)]*)\)$", CHECK, re.MULTILINE)
    assert found, f"scripts/check assigns no {name}=(...)"
    return found.group(1).split()


def classified_versions() -> list[str]:
    prefix = "Programming Language :: Python :: "
    classifiers: list[str] = PYPROJECT["project"]["classifiers"]
    versions = [c.removeprefix(prefix) for c in classifiers if c.startswith(prefix)]
    return [v for v in versions if re.fullmatch(r"3\.\d+", v)]


def as_tuple(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split("."))


def test_the_classifiers_list_exactly_the_pythons_the_check_tests() -> None:
    assert classified_versions() == check_list("SUPPORTED_PYTHONS")


def test_requires_python_starts_at_the_oldest_tested_python() -> None:
    oldest = min(check_list("SUPPORTED_PYTHONS"), key=as_tuple)
    assert PYPROJECT["project"]["requires-python"] == f">={oldest}"


def test_optional_pythons_are_newer_and_not_claimed() -> None:
    supported = check_list("SUPPORTED_PYTHONS")
    optional = check_list("OPTIONAL_PYTHONS")
    newest = max(supported, key=as_tuple)
    assert all(as_tuple(version) > as_tuple(newest) for version in optional)
    assert not set(optional) & set(classified_versions())


def find_python_function() -> str:
    """The text of scripts/check's ``find_python`` function."""
    found = re.search(r"^find_python\(\) \{\n.*?^\}\n", CHECK, re.MULTILINE | re.DOTALL)
    assert found, "scripts/check defines no find_python()"
    return found.group(0)


def fake_python(path: Path, answer: str, status: int = 0) -> None:
    """An executable at ``path`` that prints ``answer`` and exits with ``status``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"#!/bin/sh\necho '{answer}'\nexit {status}\n")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)


def find_python(tmp_path: Path, version: str) -> str:
    """Run scripts/check's find_python with PATH = tmp_path/bin and pyenv in tmp_path/pyenv."""
    script = f'{find_python_function()}\nfind_python "$1" || echo "not found"\n'
    finished = subprocess.run(
        ["/bin/bash", "-c", script, "find_python", version],
        env={"PATH": f"{tmp_path / 'bin'}:/usr/bin:/bin", "PYENV_ROOT": str(tmp_path / "pyenv")},
        capture_output=True,
        text=True,
        check=True,
        stdin=subprocess.DEVNULL,
    )
    return finished.stdout.strip()


@pytest.fixture
def machine(tmp_path: Path) -> Path:
    """PATH has pyenv-style shims that fail (no version selected) and one that works; pyenv
    has two 3.97 releases and a directory whose python3.96 is really another version.
    """
    fake_python(tmp_path / "bin/python3.97", "pyenv: python3.97: command not found", 127)
    fake_python(tmp_path / "bin/python3.96", "pyenv: python3.96: command not found", 127)
    fake_python(tmp_path / "bin/python3.98", "3.98")
    fake_python(tmp_path / "pyenv/versions/3.97.9/bin/python3.97", "3.97")
    fake_python(tmp_path / "pyenv/versions/3.97.10/bin/python3.97", "3.97")
    fake_python(tmp_path / "pyenv/versions/3.96.0/bin/python3.96", "3.95")
    return tmp_path


def test_a_working_python_on_path_is_taken(machine: Path) -> None:
    assert find_python(machine, "3.98") == str(machine / "bin/python3.98")


def test_a_failing_shim_falls_back_to_pyenvs_newest_release(machine: Path) -> None:
    assert find_python(machine, "3.97") == str(machine / "pyenv/versions/3.97.10/bin/python3.97")


def test_a_python_that_is_another_version_is_not_taken(machine: Path) -> None:
    assert find_python(machine, "3.96") == "not found"


def test_a_python_nowhere_is_not_found(machine: Path) -> None:
    assert find_python(machine, "3.99") == "not found"
