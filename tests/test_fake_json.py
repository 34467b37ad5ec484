"""The fake's JSON parse errors are orjson's, whatever Python runs the fake.

authentik (2024.8.2 and 2026.2.2 alike) parses a body with drf_orjson_renderer's ORJSONParser:
``orjson.loads`` and its yyjson reader. Every expected message below is what orjson 3.10.7 and
3.11.7 (which agree on all of them) raised for the document; the fake computes them with its
own scanner (:mod:`plex_source_client.testing._json`), not with the interpreter's ``json``
module, whose error positions and wording changed in Python 3.13.
"""

from __future__ import annotations

from typing import Any

import pytest

from plex_source_client.testing import FakeAuthentik, _json

#: (document, orjson's message), recorded from orjson 3.10.7 / 3.11.7.
ORJSON_ERRORS = [
    ("{nope", "unexpected character: line 1 column 2 (char 1)"),
    ('{"a": [1,], "b": 2}', "trailing comma is not allowed: line 1 column 11 (char 10)"),
    ("[1,]", "trailing comma is not allowed: line 1 column 3 (char 2)"),
    ('{"a":1,}', "trailing comma is not allowed: line 1 column 7 (char 6)"),
    ('{"a":1,', "unexpected end of data: line 1 column 8 (char 7)"),
    ("[1,", "unexpected end of data: line 1 column 4 (char 3)"),
    ("{", "unexpected end of data: line 1 column 2 (char 1)"),
    ("[", "unexpected end of data: line 1 column 2 (char 1)"),
    ("   ", "input data is empty: line 1 column 1 (char 0)"),
    ('{"a" 1}', "unexpected character: line 1 column 6 (char 5)"),
    ('{"a":}', "unexpected character: line 1 column 6 (char 5)"),
    ("{1:2}", "unexpected character: line 1 column 2 (char 1)"),
    ('{"a":1 "b":2}', "unexpected character: line 1 column 8 (char 7)"),
    ("[1 2]", "unexpected character: line 1 column 4 (char 3)"),
    ('{"a":1}x', "unexpected content after document: line 1 column 8 (char 7)"),
    ('{"a":1} {}', "unexpected content after document: line 1 column 9 (char 8)"),
    ("01", "number with leading zero is not allowed: line 1 column 1 (char 0)"),
    ("[01]", "number with leading zero is not allowed: line 1 column 2 (char 1)"),
    ("-", "unexpected end of data: line 1 column 2 (char 1)"),
    ("[-]", "no digit after minus sign: line 1 column 3 (char 2)"),
    ("-a", "no digit after minus sign: line 1 column 2 (char 1)"),
    ("1.", "unexpected end of data: line 1 column 3 (char 2)"),
    ("1.e5", "no digit after decimal point: line 1 column 3 (char 2)"),
    ("1e", "unexpected end of data: line 1 column 3 (char 2)"),
    ("1e+", "unexpected end of data: line 1 column 4 (char 3)"),
    ("[1.]", "no digit after decimal point: line 1 column 4 (char 3)"),
    ("tru", "unexpected end of data: line 1 column 4 (char 3)"),
    ("nul", "unexpected end of data: line 1 column 4 (char 3)"),
    ("fals", "unexpected end of data: line 1 column 5 (char 4)"),
    ("trux", "invalid literal: line 1 column 1 (char 0)"),
    ("True", "unexpected character: line 1 column 1 (char 0)"),
    ("NaN", "unexpected character: line 1 column 1 (char 0)"),
    ("[NaN]", "unexpected character: line 1 column 2 (char 1)"),
    ("-Infinity", "no digit after minus sign: line 1 column 2 (char 1)"),
    ("Infinity", "unexpected character: line 1 column 1 (char 0)"),
    ('"abc', "unexpected end of data: line 1 column 5 (char 4)"),
    ('"a\x01b"', "unexpected control character in string: line 1 column 3 (char 2)"),
    ('"\\x"', "invalid escaped character in string: line 1 column 3 (char 2)"),
    ('"\\u12"', "invalid escaped sequence in string: line 1 column 2 (char 1)"),
    ('"\\u12zz"', "invalid escaped sequence in string: line 1 column 2 (char 1)"),
    ('"\\ud800"', "no low surrogate in string: line 1 column 8 (char 7)"),
    ('"\\ud800\\u0041"', "invalid low surrogate in string: line 1 column 8 (char 7)"),
    ('"\\udc00"', "invalid high surrogate in string: line 1 column 2 (char 1)"),
    ("1e999", "number is infinity when parsed as double: line 1 column 1 (char 0)"),
    ("-1e999", "number is infinity when parsed as double: line 1 column 1 (char 0)"),
    ('{"a":1}}', "unexpected content after document: line 1 column 8 (char 7)"),
    ("]", "unexpected character: line 1 column 1 (char 0)"),
    ("}", "unexpected character: line 1 column 1 (char 0)"),
    (",", "unexpected character: line 1 column 1 (char 0)"),
    ("{,}", "unexpected character: line 1 column 2 (char 1)"),
    ("[,]", "unexpected character: line 1 column 2 (char 1)"),
    ('{"a":1,,"b":2}', "unexpected character: line 1 column 8 (char 7)"),
    ("[1,,2]", "unexpected character: line 1 column 4 (char 3)"),
    ('{"a"', "unexpected end of data: line 1 column 5 (char 4)"),
    ('{"a":', "unexpected end of data: line 1 column 6 (char 5)"),
    ('{"a":1', "unexpected end of data: line 1 column 7 (char 6)"),
    ('{"a\n":1}', "unexpected control character in string: line 1 column 4 (char 3)"),
    ("\n\n  {x", "unexpected character: line 3 column 4 (char 5)"),
    ('{"é": x}', "unexpected character: line 1 column 7 (char 6)"),
    ('{"€€": tru}', "invalid literal: line 1 column 8 (char 7)"),
    ('["😀", x]', "unexpected character: line 1 column 7 (char 6)"),
    ("[1]\n\n  x", "unexpected content after document: line 3 column 3 (char 7)"),
    ("{'a':1}", "unexpected character: line 1 column 2 (char 1)"),
    ('{"a":1}\x00', "unexpected content after document: line 1 column 8 (char 7)"),
    ("[]]", "unexpected content after document: line 1 column 3 (char 2)"),
    ("[1}", "unexpected character: line 1 column 3 (char 2)"),
    ('{"a":1]', "unexpected character: line 1 column 7 (char 6)"),
    ('"\t"', "unexpected control character in string: line 1 column 2 (char 1)"),
    ("[1e5.]", "unexpected character: line 1 column 5 (char 4)"),
    ("[.5]", "unexpected character: line 1 column 2 (char 1)"),
    ("[+1]", "unexpected character: line 1 column 2 (char 1)"),
    ("[0x10]", "unexpected character: line 1 column 3 (char 2)"),
    ("123abc", "unexpected content after document: line 1 column 4 (char 3)"),
    ("[true false]", "unexpected character: line 1 column 7 (char 6)"),
    ('{"a":[}', "unexpected character: line 1 column 7 (char 6)"),
    ('{"a":{"b":[1,2,}}', "unexpected character: line 1 column 16 (char 15)"),
    (" [1,] ", "trailing comma is not allowed: line 1 column 4 (char 3)"),
    ("[1,]\n", "trailing comma is not allowed: line 1 column 3 (char 2)"),
    ('{"a": [1,],}', "trailing comma is not allowed: line 1 column 11 (char 10)"),
    ("[\n1,\n]", "trailing comma is not allowed: line 2 column 2 (char 3)"),
    ('{"a":1,\n}', "trailing comma is not allowed: line 1 column 7 (char 6)"),
    ("[1,\n", "unexpected end of data: line 2 column 1 (char 4)"),
    ('"\\', "unexpected end of data: line 1 column 3 (char 2)"),
    ('"\\u', "unexpected end of data: line 1 column 4 (char 3)"),
    ('{"a\\"}', "unexpected end of data: line 1 column 7 (char 6)"),
    ("\t\r\n", "input data is empty: line 1 column 1 (char 0)"),
    ("[1,\t]", "trailing comma is not allowed: line 1 column 3 (char 2)"),
    ("-01", "number with leading zero is not allowed: line 1 column 2 (char 1)"),
    ("2.5e", "unexpected end of data: line 1 column 5 (char 4)"),
    ("[-]]", "no digit after minus sign: line 1 column 3 (char 2)"),
    ("[-x]", "no digit after minus sign: line 1 column 3 (char 2)"),
    ("nan", "invalid literal: line 1 column 1 (char 0)"),
    ("inf", "unexpected character: line 1 column 1 (char 0)"),
    ("[tr]", "invalid literal: line 1 column 2 (char 1)"),
    ("[tru", "unexpected end of data: line 1 column 5 (char 4)"),
    ("[t", "unexpected end of data: line 1 column 3 (char 2)"),
    ("[1e]", "no digit after exponent sign: line 1 column 4 (char 3)"),
    ("[1e+]", "no digit after exponent sign: line 1 column 5 (char 4)"),
    ("[1.x]", "no digit after decimal point: line 1 column 4 (char 3)"),
    ('"\\u00zz"', "invalid escaped sequence in string: line 1 column 2 (char 1)"),
    ('"\\ud800\\n"', "no low surrogate in string: line 1 column 8 (char 7)"),
    ('"\\ud800\\', "unexpected end of data: line 1 column 9 (char 8)"),
    ('"\\ud800\\u12"', "invalid escaped sequence in string: line 1 column 8 (char 7)"),
    ('{"a"  :  1  ,  }', "trailing comma is not allowed: line 1 column 13 (char 12)"),
    ("1 2", "unexpected content after document: line 1 column 3 (char 2)"),
    ('{"\\x":1}', "invalid escaped character in string: line 1 column 4 (char 3)"),
    ("[1.8e308]", "number is infinity when parsed as double: line 1 column 2 (char 1)"),
    ("[1" + "0" * 400 + "]", "number is infinity when parsed as double: line 1 column 2 (char 1)"),
]


@pytest.mark.parametrize(("document", "expected"), ORJSON_ERRORS)
def test_parse_errors_are_orjsons(document: str, expected: str) -> None:
    with pytest.raises(_json.ParseError) as raised:
        _json.parse(document.encode())
    assert raised.value.detail == f"JSON parse error - {expected}"


def test_the_trailing_comma_python_313_words_differently() -> None:
    """Python 3.13's json says ``Illegal trailing comma`` at the comma; orjson (yyjson) steps
    past the ``]`` and back to the nearest comma, here the one after it.
    """
    with pytest.raises(_json.ParseError) as raised:
        _json.parse(b'{"a": [1,], "b": 2}')
    assert raised.value.detail == (
        "JSON parse error - trailing comma is not allowed: line 1 column 11 (char 10)"
    )


@pytest.mark.parametrize(
    ("document", "value"),
    [
        ('{"a": [1, 2.5, -3e2, true, false, null, {}], "b": ""}', None),
        ('"\\u00e9\\ud83d\\ude00\\n\\/"', "\u00e9\U0001f600\n/"),
        ("18446744073709551615", 18446744073709551615),  # uint64: an int
        ("18446744073709551616", 1.8446744073709552e19),  # beyond: a double, as orjson
        ("-9223372036854775809", -9.223372036854776e18),
        ("1" + "0" * 5000, None),  # longer than int() takes: a double, here infinite: refused
        ('{"a": 1, "a": 2}', {"a": 2}),
        (" \t\r\n[ ] ", []),
        ("1e-400", 0.0),
        ("-0", 0),
    ],
)
def test_values_are_built_as_orjson_builds_them(document: str, value: Any) -> None:
    if document.startswith("1000"):
        with pytest.raises(_json.ParseError, match="number is infinity"):
            _json.parse(document.encode())
        return
    parsed = _json.parse(document.encode())
    if value is None:
        assert parsed == {"a": [1, 2.5, -300.0, True, False, None, {}], "b": ""}
    else:
        assert parsed == value
        assert type(parsed) is type(value)


def test_nesting_up_to_orjsons_limit_parses_without_python_recursion() -> None:
    depth = _json.MAX_DEPTH
    assert _json.parse(b"[" * depth + b"]" * depth) is not None
    assert _json.parse(b'{"a":' * depth + b"1" + b"}" * depth) is not None


@pytest.mark.parametrize(
    ("document", "position"),
    [
        (b"[" * 100_000, 1025),  # just past the 1025th bracket
        (b'{"a": ' * 100_000 + b"1" + b"}" * 100_000, 6 * 1024 + 1),
        (b" [" * 2000, 2 * 1025),
    ],
)
def test_nesting_beyond_orjsons_limit(document: bytes, position: int) -> None:
    with pytest.raises(_json.ParseError) as raised:
        _json.parse(document)
    assert raised.value.detail.startswith(
        "JSON parse error - array and object recursion depth exceeded: "
    )
    assert raised.value.detail.endswith(f"(char {position})")


def test_not_utf8() -> None:
    with pytest.raises(_json.ParseError) as raised:
        _json.parse(b'{"name": "\xff"}')
    assert raised.value.detail == (
        "JSON parse error - 'utf-8' codec can't decode byte 0xff in position 10: invalid start byte"
    )


@pytest.mark.parametrize("version", ["2024.8.2", "2026.2.2"])
def test_the_fake_answers_the_parse_error(version: str) -> None:
    fake = FakeAuthentik(version=version)
    answer = fake.handle(
        "PATCH",
        "/api/v3/sources/plex/plex/",
        {"Authorization": f"Bearer {fake.token}", "Content-Type": "application/json"},
        b'{"a": [1,], "b": 2}',
    )
    assert answer.status == 400
    assert answer.json() == {
        "detail": "JSON parse error - trailing comma is not allowed: line 1 column 11 (char 10)"
    }
