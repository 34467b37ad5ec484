"""The SDK core never imports the command line (``plex_source_client.cli``)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "plex_source_client"


def core_modules() -> list[str]:
    """Every module of the package outside ``cli/`` and ``_generated/`` (``__main__``s, entry
    points of the command line, aside).
    """
    names = []
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        if parts[1] in ("cli", "_generated") or parts[-1] == "__main__":
            continue
        names.append(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    return names


def loaded_cli_modules(imports: list[str]) -> list[str]:
    code = (
        "import importlib, json, sys\n"
        f"for name in {imports!r}:\n"
        "    importlib.import_module(name)\n"
        "cli = [m for m in sys.modules if m.startswith('plex_source_client.cli')]\n"
        "print(json.dumps(sorted(cli)))"
    )
    finished = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    return list(json.loads(finished.stdout))


def test_the_core_modules_are_found() -> None:
    modules = core_modules()
    assert {"plex_source_client._core", "plex_source_client._display"} <= set(modules)
    assert "plex_source_client.testing._fake" in modules
    assert not [name for name in modules if name.startswith("plex_source_client.cli")]


def test_no_core_module_imports_the_command_line() -> None:
    assert loaded_cli_modules(core_modules()) == []


def test_the_public_import_does_not_load_the_command_line() -> None:
    assert loaded_cli_modules(["plex_source_client"]) == []


def test_the_check_sees_a_command_line_import() -> None:
    """The check itself can fail: importing the command line is seen."""
    assert "plex_source_client.cli.main" in loaded_cli_modules(["plex_source_client.cli"])
