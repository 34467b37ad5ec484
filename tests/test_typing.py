"""Static typing catches what the runtime would: typo'd keywords, None where not nullable, bad
enum strings; with mypy --strict and with pyright in strict mode, naming the public client.
(tests/typed_usage.py, the accepted side, is checked by the mypy step and here by pyright.)
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import textwrap
from pathlib import Path

import pytest
from mypy import api as mypy_api

from plex_source_client._changes import FIELDS_BY_NAME

ROOT = Path(__file__).resolve().parents[1]

MISTAKES = {
    "typo": ('client.update("x", enabeld=False)', 'Unexpected keyword argument "enabeld"'),
    "none where not nullable": ('client.update("x", enabled=None)', 'Argument "enabled"'),
    "bad enum string": ('client.update("x", policy_engine_mode="bogus")', "policy_engine_mode"),
    "list filter typo": ("client.list(enabeld=True)", 'Unexpected keyword argument "enabeld"'),
    "list filter type": ('client.list(enabled="yes")', 'Argument "enabled"'),
    "diff typo": ('client.diff("x", enabeld=False)', 'Unexpected keyword argument "enabeld"'),
    "get result": ("diff: int = client.get('x')", "Incompatible types in assignment"),
    "async list is not awaited": (
        'async def f() -> None:\n    await AsyncPlexSourceClient(url="u", token="t").list()',
        'Incompatible types in "await"',
    ),
    "async not awaited result": (
        'source: PlexSource = AsyncPlexSourceClient(url="u", token="t").update("x")',
        "Incompatible types in assignment",
    ),
}


@pytest.mark.parametrize("mistake", sorted(MISTAKES))
def test_mistakes_fail_to_type_check(mistake: str, tmp_path: Path) -> None:
    line, expected = MISTAKES[mistake]
    snippet = tmp_path / "snippet.py"
    snippet.write_text(
        textwrap.dedent(
            """\
            from plex_source_client import AsyncPlexSourceClient, PlexSource, PlexSourceClient

            client = PlexSourceClient(url="https://auth.example.com", token="t")
            """
        )
        + line
        + "\n"
    )
    stdout, stderr, status = mypy_api.run(
        ["--strict", "--cache-dir", str(ROOT / ".mypy_cache"), str(snippet)]
    )
    assert status == 1, stdout + stderr
    assert expected in stdout


#: What mypy infers for expressions of typed user code (``reveal_type``).
REVEALED = {
    "source.enabled": "bool",
    "source.allow_friends": "bool",
    "source.allowed_servers": "list[str]",
    "source.client_id": "str",
    # Every field 2024.8 sends is its plain type; only what 2025.12 added may be Unset.
    "source.user_property_mappings": "list[uuid.UUID]",
    "source.group_property_mappings": "list[uuid.UUID]",
    "source.user_path_template": "str",
    "source.group_matching_mode": "plex_source_client._generated.models.group_matching_mode."
    "GroupMatchingMode",
    "source.promoted": "bool | plex_source_client._generated.types.Unset",
    "source.icon": "None | str",
    "source.icon_url": "None | str | plex_source_client._generated.types.Unset",
    "source.icon_themed_urls": "None | plex_source_client._models.ThemedUrls | "
    "plex_source_client._generated.types.Unset",
    "source.authentication_flow": "None | uuid.UUID",
    "source.policy_engine_mode": "plex_source_client._generated.models.policy_engine_mode."
    "PolicyEngineMode",
    'client.update("x", enabled=True)': "plex_source_client._models.PlexSource",
    'client.update_from_mapping("x", {})': "plex_source_client._models.PlexSource",
    'client.update_raw("x", {})': "plex_source_client._models.RawResponse",
    "pending": "typing.Coroutine[Any, Any, plex_source_client._models.PlexSource]",
}

#: revealing the coroutine is using it "without await", which mypy reports.
IGNORED = {"pending": "  # type: ignore[unused-coroutine]"}


def test_revealed_types(tmp_path: Path) -> None:
    snippet = tmp_path / "snippet.py"
    snippet.write_text(
        textwrap.dedent(
            """\
            from plex_source_client import AsyncPlexSourceClient, PlexSource, PlexSourceClient

            client = PlexSourceClient(url="https://auth.example.com", token="t")
            async_client = AsyncPlexSourceClient(url="https://auth.example.com", token="t")
            source = client.update("x")
            pending = async_client.update("x", enabled=True)
            """
        )
        + "".join(
            f"reveal_type({expression}){IGNORED.get(expression, '')}\n" for expression in REVEALED
        )
        + "reveal_type(client.update)\n"
    )
    stdout, stderr, status = mypy_api.run(
        ["--strict", "--cache-dir", str(ROOT / ".mypy_cache"), str(snippet)]
    )
    assert status == 0, stdout + stderr
    revealed = [
        line.split('Revealed type is "', 1)[1].rstrip('"')
        for line in stdout.splitlines()
        if "Revealed type is" in line
    ]
    *revealed, update = revealed
    assert dict(zip(REVEALED, revealed, strict=True)) == REVEALED
    # update() type-checks as its typed signature, without Any: every keyword named, in
    # **changes: Unpack[Changes] (mypy shows it as **TypedDict(...)).
    assert update.startswith("def (str, *, timeout: ")
    assert update.endswith(") -> plex_source_client._models.PlexSource")
    assert "**changes: **TypedDict(" in update
    assert all(f"'{name}'?: " in update for name in FIELDS_BY_NAME)
    assert "Any" not in update


#: A user script with two mistakes: a misspelled keyword (line 4), a wrong type (line 5).
TWO_MISTAKES = """\
from plex_source_client import PlexSourceClient

with PlexSourceClient(url="https://auth.example.com", token="t0ken") as client:
    client.update("my-plex", enabeld=False)
    client.update("my-plex", allow_friends="yes")
"""
#: Names a type checker must not show a user: the old generic base and private modules.
PRIVATE = ("BaseClient", "_HttpT", "plex_source_client._")


def test_mypy_reports_exactly_the_two_mistakes_naming_the_client(tmp_path: Path) -> None:
    script = tmp_path / "script.py"
    script.write_text(TWO_MISTAKES)
    stdout, stderr, status = mypy_api.run(
        ["--strict", "--cache-dir", str(ROOT / ".mypy_cache"), "--no-error-summary", str(script)]
    )
    assert status == 1, stdout + stderr
    errors = [line.split(":", 1)[1] for line in stdout.splitlines() if ": error:" in line]
    assert errors == [
        '4: error: Unexpected keyword argument "enabeld" for "update" of "PlexSourceClient"; '
        'did you mean "enabled"?  [call-arg]',
        '5: error: Argument "allow_friends" to "update" of "PlexSourceClient" has incompatible '
        'type "str"; expected "bool"  [arg-type]',
    ]
    # mypy adds a note saying where update() is defined (a module, as for httpx's own
    # "httpx._client"); the errors themselves name the public client only.
    assert not any(name in error for error in errors for name in PRIVATE)
    assert "BaseClient" not in stdout


PYRIGHT = ROOT / "tests" / "contract" / "node_modules" / ".bin" / "pyright"


def pyright(folder: Path, *scripts: Path) -> list[tuple[str, int, str]]:
    """pyright in strict mode over ``scripts`` (in ``folder``): each error's file name, line
    and message. Installed with Prism (tests/contract/package.json, npm ci in scripts/check).
    """
    if not PYRIGHT.exists():
        message = f"pyright is not installed ({PYRIGHT}); scripts/check installs it with npm"
        if os.environ.get("PLEX_SOURCE_REQUIRE_PRISM") == "1":
            pytest.fail(message)
        pytest.skip(message)
    (folder / "pyrightconfig.json").write_text(
        json.dumps({"typeCheckingMode": "strict", "pythonVersion": "3.11"})
    )
    python = shutil.which("python") or "python3"
    done = subprocess.run(
        [str(PYRIGHT), "--pythonpath", os.environ.get("PYTHON", python), "--outputjson",
         *map(str, scripts)],
        cwd=folder, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    report = json.loads(done.stdout)
    return [
        (Path(d["file"]).name, d["range"]["start"]["line"] + 1, d["message"])
        for d in report["generalDiagnostics"]
        if d["severity"] == "error"
    ]


def test_pyright_strict_accepts_typed_usage_and_reports_exactly_the_two_mistakes(
    tmp_path: Path,
) -> None:
    import sys

    os.environ.setdefault("PYTHON", sys.executable)
    shutil.copy(ROOT / "tests" / "typed_usage.py", tmp_path / "typed_usage.py")
    (tmp_path / "script.py").write_text(TWO_MISTAKES)
    errors = pyright(tmp_path, tmp_path / "typed_usage.py", tmp_path / "script.py")
    assert [(name, line) for name, line, _ in errors] == [("script.py", 4), ("script.py", 5)]
    assert errors[0][2] == 'No parameter named "enabeld"'
    assert errors[1][2].startswith(
        'Argument of type "Literal[\'yes\']" cannot be assigned to parameter "allow_friends" '
        'of type "bool" in function "update"'
    )
    assert not any(name in message for _, _, message in errors for name in PRIVATE)
