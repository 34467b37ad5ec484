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
    "source.icon_themed_urls": "None | plex_source_client._generated.models.themed_urls."
    "ThemedUrls | plex_source_client._generated.types.Unset",
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
    # update() type-checks as its full typed signature, without Any: every keyword named.
    assert update.startswith("def (slug: str, *, name: str | ")
    assert update.endswith(") -> plex_source_client._models.PlexSource")
    assert "Any" not in update
    assert "**" not in update
