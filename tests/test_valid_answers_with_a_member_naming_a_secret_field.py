"""A valid answer whose source carries an extra object member naming a secret field (a newer
server describing its write-only ``plex_token``: ``{"field": "plex_token", "set": true}``,
``{"name": "plex_token", "type": "string"}``) is exported and shown as it is: only an error's
item (one with a member saying what was wrong, or giving the value it got) makes its other
members secrets. Before (review round 27) every other field of the source was taken for a
stored secret and ``export`` refused, for that source and every source sharing its values.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from .fixed_server import FixedServer, run_main, source

ENV = {"AUTHENTIK_SERVER_VERSION": "2024.8.2"}

#: Extra members a newer server might add to a source: an object describing a secret field,
#: no secret value in it.
EXTRAS: list[dict[str, Any]] = [
    {"plex_token_state": {"field": "plex_token", "set": True}},
    {"write_only": {"name": "plex_token", "type": "string"}},
    {"schema_hint": {"name": "password", "type": "string"}},
]


def _export(sources: list[dict[str, Any]], *argv: str) -> tuple[int, str, str]:
    with FixedServer(sources) as server:
        code, out, err, _ = run_main(["export", *argv], url=server.url, env=ENV)
    return code, out, err


@pytest.mark.parametrize("extra", EXTRAS, ids=lambda extra: next(iter(extra)))
@pytest.mark.parametrize("fmt", ["toml", "json"])
def test_export_of_a_source_with_an_extra_member_naming_a_secret_field(
    extra: dict[str, Any], fmt: str
) -> None:
    expected = _export([source()], "--format", fmt)
    assert expected[0] == 0, expected
    code, out, err = _export([source(**extra)], "--format", fmt)
    assert (code, err) == (0, ""), err
    assert out == expected[1]


@pytest.mark.parametrize("extra", EXTRAS, ids=lambda extra: next(iter(extra)))
def test_one_sources_extra_member_does_not_refuse_the_other_sources_export(
    extra: dict[str, Any],
) -> None:
    other = source(
        slug="other",
        name="Other",
        pk="11111111-1234-4abc-8def-0123456789ab",
        plex_token="ptok-OTHER-1234567890abcd",
    )
    expected = _export([other], "other")
    assert expected[0] == 0, expected
    code, out, err = _export([other, source(**extra)])
    assert (code, err) == (0, ""), err
    assert expected[1].split("[[items]]", 1)[1] in out


def test_export_to_a_file_of_a_source_with_an_extra_member(tmp_path: Path) -> None:
    plan = tmp_path / "plan.toml"
    code, _, err = _export([source(**EXTRAS[0])], "-o", str(plan))
    assert (code, err) == (0, ""), err
    assert 'name = "Plex"' in plan.read_text()
