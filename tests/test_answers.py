"""Reading and checking answers (pure): bounded bodies, bounded JSON, typed fields, masking."""

from __future__ import annotations

import gzip
import json
import re
import zlib
from typing import Any

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from plex_source_client import _answers
from plex_source_client._answers import (
    MAX_JSON_DEPTH,
    JSONTooDeep,
    parse_json,
    source_problem,
)
from plex_source_client._http import body
from plex_source_client._http.body import BodyReader
from plex_source_client._secrets import MASK, mask_text, redact

from .payloads import PLEX_TOKEN, TOKEN, plex_source

LIMIT = 64 * 1024


def read(chunks: list[bytes], encoding: str | None = None, limit: int = LIMIT) -> BodyReader:
    reader = BodyReader(encoding, limit)
    for chunk in chunks:
        if reader.feed(chunk):
            break
    return reader


def content(reader: BodyReader) -> bytes:
    return reader.answer(httpx.Response(200)).content


def chunked(data: bytes, size: int = 16 * 1024) -> list[bytes]:
    return [data[i : i + size] for i in range(0, len(data), size)]


# --- the size limit, after decompression ---------------------------------------------------------


def test_a_body_within_the_limit_is_kept_whole() -> None:
    body = json.dumps(plex_source()).encode()
    reader = read(chunked(body, 100))
    assert (content(reader), reader.problem) == (body, None)
    assert reader.answer(httpx.Response(200)).complete


def test_a_body_past_the_limit_stops_the_reading_and_keeps_its_start() -> None:
    fed = 0

    def endless() -> list[bytes]:
        return [b"x" * 10_000] * 1000  # 10 MB offered; the reader must stop near the limit

    reader = BodyReader(None, LIMIT)
    for chunk in endless():
        fed += 1
        if reader.feed(chunk):
            break
    assert fed == LIMIT // 10_000 + 1
    assert content(reader) == b"x" * LIMIT
    assert reader.problem == f"the body is larger than the {LIMIT:,}-byte limit"
    assert not reader.answer(httpx.Response(200)).complete


@pytest.mark.parametrize("encoding", ["gzip", "x-gzip", "deflate", "raw-deflate"])
def test_a_compression_bomb_inflates_no_further_than_the_limit(encoding: str) -> None:
    zeros = b"\0" * (20 * 1024 * 1024)  # 20 MiB of zeros compress to about 20 KiB
    if encoding in ("gzip", "x-gzip"):
        bomb = gzip.compress(zeros, 9)
    elif encoding == "deflate":
        bomb = zlib.compress(zeros, 9)
    else:
        compressor = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
        bomb = compressor.compress(zeros) + compressor.flush()
    assert len(bomb) < 100_000
    reader = read(chunked(bomb), "deflate" if encoding == "raw-deflate" else encoding)
    assert len(content(reader)) == LIMIT
    assert "larger than" in (reader.problem or "")


@pytest.mark.parametrize("encoding", ["gzip", "deflate", "identity", "", None])
def test_compressed_answers_within_the_limit_decode(encoding: str | None) -> None:
    body = json.dumps(plex_source()).encode()
    sent = body
    if encoding == "gzip":
        sent = gzip.compress(body)
    elif encoding == "deflate":
        sent = zlib.compress(body)
    assert content(read(chunked(sent, 50), encoding)) == body


def test_an_unknown_or_broken_encoding_is_a_problem_not_an_exception() -> None:
    assert read([b"abc"], "br").problem == "unsupported Content-Encoding 'br'"
    assert "cannot be decompressed" in (read([b"not gzip at all"], "gzip").problem or "")


def test_a_body_read_already_by_an_in_process_transport_is_still_limited() -> None:
    response = httpx.Response(200, content=b"y" * (LIMIT + 10))
    reader, done = body.reader_for(response, LIMIT)
    assert done
    assert content(reader) == b"y" * LIMIT


# --- JSON nesting -------------------------------------------------------------------------------


@pytest.mark.parametrize("depth", [MAX_JSON_DEPTH + 1, 1_000, 100_000])
def test_json_nested_too_deeply_is_refused_without_recursion_error(depth: int) -> None:
    for opener, closer in ("[]", "{}"):
        if opener == "{":
            text = '{"a":' * depth + "1" + "}" * depth
        else:
            text = opener * depth + closer * depth
        with pytest.raises(JSONTooDeep):
            parse_json(text.encode())


def test_json_within_the_depth_and_with_many_brackets_parses() -> None:
    nested = "[" * MAX_JSON_DEPTH + "]" * MAX_JSON_DEPTH
    assert parse_json(nested.encode()) is not None
    page = json.dumps({"results": [plex_source() for _ in range(200)]}).encode()
    assert len(parse_json(page)["results"]) == 200


# --- the 2xx must be a Plex source of the spec's types --------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "problem"),
    [
        ({"enabled": "false"}, "enabled must be true or false, got a string"),
        ({"pk": 5}, "pk must be a UUID string, got a number"),
        ({"pk": "not-a-uuid"}, "pk must be a UUID string, got a string that is not a UUID"),
        ({"allowed_servers": "a"}, "allowed_servers must be a list of strings, got a string"),
        ({"allowed_servers": [1]}, "got a list with an item of another kind"),
        ({"user_property_mappings": ["x"]}, "user_property_mappings must be a list of UUID"),
        ({"name": None}, "name must be a string, got null"),
        ({"managed": {}}, "managed must be a string or null, got an object"),
        ({"allow_friends": 1}, "allow_friends must be true or false, got a number"),
        ({"authentication_flow": []}, "authentication_flow must be a UUID string or null"),
    ],
)
def test_a_field_of_the_wrong_type_is_named(overrides: dict[str, Any], problem: str) -> None:
    assert problem in (source_problem(plex_source(**overrides)) or "")


def test_what_newer_servers_send_passes() -> None:
    newer = plex_source(
        icon=None,
        promoted=True,
        icon_url="/static/plex.svg",
        icon_themed_urls={"light": "/l.svg", "dark": "/d.svg"},
        user_matching_mode="a_mode_from_the_future",
    )
    assert source_problem(newer) is None
    assert source_problem(plex_source()) is None


# --- masking bodies that may not parse ------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ('{"plex_token": "ptok-STORED-9876', '{"plex_token": "***'),
        ('{"pk":"1","plex_token":"a\\"b","x":1}', '{"pk":"1","plex_token":"***","x":1}'),
        (
            "<tr><td>plex_token</td><td>hunter22</td></tr>",
            "<tr><td>plex_token</td><td>***</td></tr>",
        ),
        ('<input name="client_secret" value="s3cr3t">', '<input name="client_secret" value="***">'),
        # A bare value runs to the next space: the token may itself hold ``&`` or ``;``.
        ("token=abc123&next=/", "token=***"),
        ("plex_token=abc;def,ghi next", "plex_token=*** next"),
        ("plex_token | abcdefghijk\n", "plex_token | ***\n"),
        ("apiKey: k-12345", "apiKey: ***"),
        ("x-api-key=k-12345", "x-api-key=***"),
        ("plexToken k-12345", "plexToken ***"),
        ("password: hunter22\nuser: x", "password: ***\nuser: x"),
        ("{'api_key': 'k-1'}", "{'api_key': '***'}"),
        ("Invalid token.", "Invalid token."),
        ("the tokens are fine", "the tokens are fine"),
    ],
)
def test_secret_named_keys_are_masked_in_any_text(text: str, masked: str) -> None:
    assert mask_text(text, ()) == masked


def test_known_secrets_are_masked_even_when_cut_short() -> None:
    assert redact(f"Bearer {TOKEN}", [TOKEN]) == f"Bearer {MASK}"
    assert redact(f"echo: {TOKEN[:9]}", [TOKEN], cut=True) == f"echo: {MASK}"
    assert redact("ends with abc", [TOKEN]) == "ends with abc"
    assert PLEX_TOKEN not in mask_text(f'{{"x": "{PLEX_TOKEN}"}}', [PLEX_TOKEN])


def test_kept_text_is_masked_then_shortened() -> None:
    text = '{"plex_token": "' + "s" * 10_000
    kept = _answers.kept_text(text, ())
    assert kept.startswith('{"plex_token": "***')
    assert len(kept) < _answers.KEPT_TEXT + 100
    long = "a" * 10_000
    assert _answers.kept_text(long, ()).endswith("[5,904 more characters not kept]")


@pytest.mark.parametrize(
    "escaped", ["\\u0074oken", "%74oken", "&#116;oken", "&#x74;oken", "&quot;token", "&amp;x"]
)
def test_the_echo_check_parses_an_answer_with_any_escape_a_secret_could_hide_behind(
    escaped: str,
) -> None:
    """Every escape json_holds_secret decodes makes the echo check parse the answer."""
    from plex_source_client._secrets import _ESCAPES, bytes_hold_escape

    assert _ESCAPES.search(escaped)
    assert bytes_hold_escape(escaped.encode())
    assert bytes_hold_escape(f'{{"name": "a {escaped} b"}}'.encode())


def test_a_real_answers_percent_template_is_no_escape() -> None:
    """authentik's default user_path_template (``%(slug)s``) does not make every answer parse
    twice (update() stays near raw httpx's speed)."""
    from plex_source_client._secrets import bytes_hold_escape

    assert not bytes_hold_escape(json.dumps(plex_source()).encode())


@given(st.text(alphabet='\\u&#x;%0123456789abcdefABCDEFGqt_ "', max_size=24))
@settings(max_examples=500, deadline=None)
def test_the_echo_checks_escape_search_finds_what_the_escapes_pattern_finds(text: str) -> None:
    """The echo check's search (each escape form apart, for speed) finds an escape exactly
    when ``_ESCAPES`` (json_holds_secret's) does, whatever surrounds it.
    """
    from plex_source_client._secrets import _ESCAPES, bytes_hold_escape

    whole = re.compile(_ESCAPES.pattern.encode())
    content = text.encode()
    assert bytes_hold_escape(content) == (whole.search(content) is not None)


def test_the_body_encoding_is_the_one_json_detect_encoding_finds() -> None:
    """The fast path for a body's encoding (two plain first bytes) decides as
    ``json.detect_encoding`` does, for every start of a body: BOMs, NULs, ASCII and others.
    """
    import itertools

    from plex_source_client._answers.json_body import _encoding

    byte_values = [0x00, 0x01, 0x7B, 0xEF, 0xBB, 0xBF, 0xFE, 0xFF, 0x80]
    for size in range(6):
        for start in itertools.product(byte_values, repeat=size):
            content = bytes(start)
            assert _encoding(content) == json.detect_encoding(content), content
