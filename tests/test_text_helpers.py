"""The one truncation and the one type description every message uses (plex_source_client._text)."""

from __future__ import annotations

import uuid

import pytest

from plex_source_client import InvalidRequest, PlexSourceClient
from plex_source_client._text import describe_type, one_line, quoted, shorten


@pytest.mark.parametrize(
    ("value", "described"),
    [
        (None, "null"),
        (True, "true"),
        (False, "false"),
        (3, "a number"),
        (2.5, "a number"),
        ("x", "a string"),
        ({"a": 1}, "a mapping"),
        ([1], "a list"),
        ((1,), "a list"),
        ({1}, "a set"),
        (b"x", "bytes"),
        (uuid.uuid4(), "a UUID"),
        (object(), "a object"),
    ],
)
def test_a_value_is_described_in_json_words(value: object, described: str) -> None:
    assert describe_type(value) == described


def test_one_line_flattens_whitespace_then_shortens() -> None:
    assert one_line("a\n  b\tc", 80) == "a b c"
    long = one_line("word\n" * 100, 40)
    assert len(long) == 40
    assert "\n" not in long
    assert long.endswith("... (499 characters)")


def test_one_line_counts_the_whole_of_a_huge_text() -> None:
    shown = one_line("x" * 300_000, 60)
    assert shown.endswith("... (300000 characters)")
    assert len(shown) == 60


def test_quoted_shows_a_string_as_json_shortened_and_anything_else_by_type() -> None:
    assert quoted("abc") == '"abc"'
    assert quoted("a\x1bb") == '"a\\u001bb"'
    assert quoted("x" * 500, 60) == shorten('"' + "x" * 500 + '"', 60)
    assert quoted(7) == "a number"


def test_messages_use_the_type_description() -> None:
    client = PlexSourceClient(url="https://auth.example.com", token="t")
    with client, pytest.raises(InvalidRequest, match=r"got a list\."):
        client.update("plex", name=["not", "a", "string"])  # type: ignore[arg-type]
