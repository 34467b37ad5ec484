"""Static typing catches what the runtime would: typo'd keywords, None where not nullable, bad
enum strings. (tests/typed_usage.py, the accepted side, is checked by the mypy step.)
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from mypy import api as mypy_api

ROOT = Path(__file__).resolve().parents[1]

MISTAKES = {
    "typo": ('client.update("x", enabeld=False)', 'Unexpected keyword argument "enabeld"'),
    "none where not nullable": ('client.update("x", enabled=None)', 'Argument "enabled"'),
    "bad enum string": ('client.update("x", policy_engine_mode="bogus")', "policy_engine_mode"),
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
