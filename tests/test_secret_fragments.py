"""A part of a long secret is masked wherever a whole one is: runs of 12 characters or more
(:data:`~plex_source_client._secrets.FRAGMENT`). A parser's errors can quote what arrived
so far (aiohttp's did: a token split across two TCP segments showed 23 of its 25 characters in
the error, the CLI's stderr and the retry log line); the async client is checked the same way.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Iterator
from pathlib import Path
from unittest import mock

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from plex_source_client import AsyncPlexSourceClient, PlexSourceError
from plex_source_client._secrets import FRAGMENT, known, mask_known, redact
from plex_source_client.cli import main

from .payloads import SLUG
from .raw_server import ScriptServer, split_send

API_TOKEN = "tok-SECRET-api-1234567890"
CUT = len(API_TOKEN) - 2  # all but the last two characters arrive in the first segment


def test_redact_masks_a_run_of_12_characters_of_a_secret_anywhere() -> None:
    assert redact(f"got '{API_TOKEN[:CUT]}'", [API_TOKEN]) == "got '***'"
    assert redact(f"x{API_TOKEN[3:15]}y", [API_TOKEN]) == "x***y"  # its middle, inside a word
    assert redact(f"a {API_TOKEN[:11]} b", [API_TOKEN]) == f"a {API_TOKEN[:11]} b"  # 11: kept
    assert FRAGMENT == 12


@pytest.mark.parametrize("run", ["12345678", "123456789", "1234567890", "-1234567890"])
def test_a_short_coincidence_with_a_secret_in_a_uuid_is_not_masked(run: str) -> None:
    """A test token ending in ``1234567890`` shares 8 to 11 characters with many a UUID or
    id; that is chance, not a leak: the source's ``pk`` is shown whole.
    """
    assert run in API_TOKEN
    pk = f"0f8fad5b-d9cb-469f-a165{run}".ljust(36, "0")
    assert run in pk
    assert redact(f'"pk": "{pk}"', [API_TOKEN]) == f'"pk": "{pk}"'
    assert mask_known(f"pk {pk} and {run}x", [API_TOKEN]) == f"pk {pk} and {run}x"


def test_separate_parts_are_masked_apart_and_touching_ones_as_one() -> None:
    text = f"{API_TOKEN[:12]} and {API_TOKEN[-12:]}; {API_TOKEN[:12]}{API_TOKEN[-12:]}"
    assert redact(text, [API_TOKEN]) == "*** and ***; ***"


def test_short_secrets_keep_the_whole_value_rule() -> None:
    """A secret under 8 characters has no part masked: only the whole value, standing alone."""
    assert redact("plexpass and plex", ["plexpas"]) == "plexpass and plex"
    assert redact("p: plexpas", ["plexpas"]) == "p: ***"


def test_a_json_escaped_part_is_masked() -> None:
    secret = 'ab"cdefghijklmnop'
    assert redact(json.dumps(secret[:12]), [secret]) == '"***"'


def test_log_filter_masks_parts() -> None:
    assert mask_known(f"Bad status line {API_TOKEN[:CUT]!r}", [API_TOKEN]) == (
        "Bad status line '***'"
    )


SPLIT_STARTS = [
    b"HTTP/1.1 2x0 ",  # an invalid status code, the reason phrase echoes the token
    b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nX Echo: ",  # an invalid header name
]


async def get_async(url: str, max_retries: int = 0) -> None:
    async with AsyncPlexSourceClient(
        url=url, token=API_TOKEN, timeout=5, max_retries=max_retries,
        server_version="2024.8.2",
    ) as client:  # fmt: skip
        await client.get(SLUG)


@pytest.mark.parametrize("start", SPLIT_STARTS, ids=["status-line", "header-line"])
def test_a_parser_error_does_not_show_most_of_a_split_token(start: bytes) -> None:
    script = split_send(start + API_TOKEN[:CUT].encode(), API_TOKEN[CUT:].encode() + b"\r\n\r\n{}")
    with ScriptServer(script) as server, pytest.raises(PlexSourceError) as caught:
        asyncio.run(get_async(server.url))
    shown = f"{caught.value} {caught.value!r}"
    assert API_TOKEN[:CUT] not in shown, shown
    assert API_TOKEN[:FRAGMENT] not in shown, shown


def test_the_retry_log_line_does_not_show_part_of_a_split_token(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO)
    script = split_send(
        b"HTTP/1.1 2x0 " + API_TOKEN[:CUT].encode(), API_TOKEN[CUT:].encode() + b"\r\n\r\n"
    )
    with ScriptServer(script) as server, pytest.raises(PlexSourceError):
        asyncio.run(get_async(server.url, max_retries=1))
    retries = [r.getMessage() for r in caplog.records if "retry 1 of 1" in r.getMessage()]
    assert retries, [r.getMessage() for r in caplog.records]
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert API_TOKEN[:FRAGMENT] not in logged, logged


def test_cli_apply_stderr_does_not_show_most_of_a_split_token(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """The CLI's apply runs the async client."""
    plan = tmp_path / "plan.json"
    plan.write_text(json.dumps([{"slug": SLUG, "changes": {"enabled": True}}]))
    script = split_send(
        b"HTTP/1.1 2x0 " + API_TOKEN[:CUT].encode(), API_TOKEN[CUT:].encode() + b"\r\n\r\n"
    )
    with ScriptServer(script) as server:
        monkeypatch.setenv("AUTHENTIK_URL", server.url)
        monkeypatch.setenv("AUTHENTIK_TOKEN", API_TOKEN)
        monkeypatch.setenv("AUTHENTIK_SERVER_VERSION", "2024.8.2")
        main(["apply", str(plan), "--no-read", "--max-retries", "0", "--timeout", "5"])
    captured = capsys.readouterr()
    assert API_TOKEN[:CUT] not in captured.out + captured.err, captured.err


def _mask_fragments(text: str, grams: frozenset[str]) -> str:
    """``text`` masked with ``grams`` as page-wide masking masks it (runs of :data:`FRAGMENT`)."""
    return known._mask_needles(text, ((FRAGMENT, grams),))


def _masked_by_definition(text: str, grams: frozenset[str]) -> str:
    """Every maximal run of characters covered by a gram's occurrences, one ``***``."""
    covered = [False] * len(text)
    for start in range(len(text) - FRAGMENT + 1):
        if text[start : start + FRAGMENT] in grams:
            covered[start : start + FRAGMENT] = [True] * FRAGMENT
    parts = []
    for index, char in enumerate(text):
        if not covered[index]:
            parts.append(char)
        elif index == 0 or not covered[index - 1]:
            parts.append("***")
    return "".join(parts)


@settings(max_examples=300, deadline=None)
@given(
    secrets=st.lists(st.text("ab-_1", min_size=FRAGMENT, max_size=30), min_size=1, max_size=4),
    text=st.text("ab-_1 x", max_size=80),
)
def test_fragments_are_masked_alike_whichever_search_runs(secrets: list[str], text: str) -> None:
    """Masking looks each window of the text up in the grams (many grams), or each gram up in
    the text (a few): the two searches mask the same characters, as the definition does.
    """
    grams = frozenset(s[i : i + FRAGMENT] for s in secrets for i in range(len(s) - FRAGMENT + 1))
    for find_each_up_to in (0, 10**9):  # the window lookup, then the search for each gram
        with mock.patch.object(known, "_FIND_EACH_UP_TO", find_each_up_to):
            assert _mask_fragments(text, grams) == _masked_by_definition(text, grams)


class _Unlisted(frozenset[str]):
    """Grams that may be looked up but never listed one by one."""

    def __iter__(self) -> Iterator[str]:
        raise AssertionError("every gram listed: the short text cost the number of grams")


def test_a_short_text_costs_its_length_not_the_number_of_grams() -> None:
    """A short value checked against many stored secrets' grams (an export of 200 sources, each
    with its Plex token: ~5,000 values against ~10,000 grams) looks up each of its own
    windows; listing every gram for each value made such an export take seconds.
    """
    tokens = [f"stored-plex-token-{n:04}-abcdefghij" for n in range(200)]
    grams = frozenset(t[i : i + FRAGMENT] for t in tokens for i in range(len(t) - FRAGMENT + 1))
    text = f"name {tokens[7][3:20]} end"
    assert _mask_fragments(text, _Unlisted(grams)) == "name *** end"
    assert _mask_fragments("short", _Unlisted(grams)) == "short"
