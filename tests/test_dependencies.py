"""Every third-party module the package imports is declared in pyproject.toml.

The package's files are walked as syntax (every ``import``, in functions too, the generated
code included); each top-level module that is neither the standard library's nor ours must
belong to a distribution named in ``dependencies``, or, for an optional import, in an extra a
user installs (not ``dev`` or ``bench``). The one module no declaration can cover is pytest,
imported only by the pytest plugin that pytest itself loads (the ``pytest11`` entry point).
"""

from __future__ import annotations

import ast
import functools
import importlib.metadata
import re
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "plex_source_client"
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())
#: Extras of tools, not of the package (development, the benchmarks, the documentation site,
#: JupyterLab for the example notebook): what the package imports may not rely on them.
NOT_FOR_USERS = {"dev", "bench", "docs", "notebook"}
#: Declared but never imported by our code: httpcore imports it (see pyproject.toml).
IMPORTED_BY_OTHERS = {"sniffio"}


def _name(requirement: str) -> str:
    """A requirement's distribution name, normalized (PEP 503)."""
    match = re.match(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)", requirement)
    assert match, requirement
    return re.sub(r"[-_.]+", "-", match[1]).lower()


@functools.cache  # parsing every file takes ~0.5 s; the tests only read the answer
def imported_modules() -> dict[str, frozenset[str]]:
    """Each third-party top-level module imported anywhere in the package: the files."""
    found: dict[str, set[str]] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                top = name.split(".")[0]
                if top not in sys.stdlib_module_names and top != "plex_source_client":
                    found.setdefault(top, set()).add(str(path.relative_to(ROOT)))
    return {module: frozenset(files) for module, files in found.items()}


@functools.cache  # scans every installed distribution: ~0.5 s each time
def _packages_distributions() -> dict[str, list[str]]:
    return dict(importlib.metadata.packages_distributions())


def distributions(module: str) -> set[str]:
    """The installed distributions that provide ``module``, normalized."""
    return {_name(d) for d in _packages_distributions().get(module, [])}


def test_every_imported_module_is_declared() -> None:
    required = {_name(r) for r in PYPROJECT["project"]["dependencies"]}
    extras = {
        extra: {_name(r) for r in requirements}
        for extra, requirements in PYPROJECT["project"]["optional-dependencies"].items()
        if extra not in NOT_FOR_USERS
    }
    plugins = set(PYPROJECT["project"]["entry-points"]["pytest11"].values())
    problems = []
    for module, files in sorted(imported_modules().items()):
        provided = distributions(module)
        assert provided, f"{module} (imported in {sorted(files)}) is not installed"
        if provided & required or any(provided & declared for declared in extras.values()):
            continue
        plugin_files = {f"{p.replace('.', '/')}.py" for p in plugins}
        if module == "pytest" and files <= plugin_files:
            continue  # loaded only by pytest, through the pytest11 entry point
        problems.append(f"{module} ({', '.join(sorted(provided))}) imported in {sorted(files)}")
    assert problems == [], "imported but not declared in pyproject.toml:\n" + "\n".join(problems)


def test_every_dependency_is_imported() -> None:
    """The other way round: nothing declared for users that the package never imports."""
    provided = {d for module in imported_modules() for d in distributions(module)}
    declared = {_name(r) for r in PYPROJECT["project"]["dependencies"]}
    for extra, requirements in PYPROJECT["project"]["optional-dependencies"].items():
        if extra not in NOT_FOR_USERS:
            declared |= {_name(r) for r in requirements}
    assert declared - provided == IMPORTED_BY_OTHERS


def test_httpcore_is_bounded_as_httpx_requires_it() -> None:
    """httpx 0.27 to 0.29 require ``httpcore==1.*``: ours is the same major version."""
    (httpcore,) = [r for r in PYPROJECT["project"]["dependencies"] if _name(r) == "httpcore"]
    assert ">=1" in httpcore
    assert "<2" in httpcore
    assert importlib.metadata.version("httpcore").split(".")[0] == "1"
