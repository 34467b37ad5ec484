"""How authentik 2024.8 parses a JSON request body, and the error it answers when it cannot.

authentik's only parser is drf_orjson_renderer's ``ORJSONParser``: it decodes the body as UTF-8,
hands the text to ``orjson.loads`` (yyjson underneath) and turns any ``ValueError`` into DRF's
``ParseError``, answered 400 ``{"detail": "JSON parse error - <the exception>"}``. So:

- a body that is not UTF-8 gets the codec's message (``'utf-8' codec can't decode byte 0xff in
  position 0: invalid start byte``);
- a document nested 1024 arrays/objects deep gets orjson's recursion limit (``array and object
  recursion depth exceeded``), never a ``RecursionError``;
- a syntax error gets yyjson's wording (``unexpected character``, ``unexpected end of data``,
  ``unexpected content after document``, ``invalid literal``, ...) and orjson's position
  (``line 1 column 2 (char 1)``, counted in characters, as Python's ``json`` counts).

The fake has no orjson: it parses with the standard library, rejects what orjson rejects and
Python accepts (``NaN``, ``Infinity``), reads integers beyond 64 bits as floats as orjson does,
and maps Python's syntax errors onto yyjson's messages. The common errors read exactly as
authentik's; rarer ones (a number that overflows a double, a lone surrogate escape) are
accepted, or worded differently.
"""

from __future__ import annotations

import json
import re
import sys
import threading
from typing import Any, Final

#: orjson's limit: the 1024th nested array or object is refused.
MAX_DEPTH: Final = 1024
_INT64_MIN: Final = -(2**63)
_UINT64_MAX: Final = 2**64 - 1
_OPEN_OR_CLOSE: Final = re.compile(r'[\[\]{}"\\]')
_NAN_OR_INFINITY: Final = re.compile(r'"(?:[^"\\]|\\.)*"|(-?)(?:NaN|Infinity)')
_NUMBER_BEFORE: Final = re.compile(r"-?\d+(\.\d*)?([eE][-+]?\d*)?$")
_RECURSION_LOCK: Final = threading.Lock()


class ParseError(Exception):
    """The body is not JSON authentik accepts; ``detail`` is its 400 answer's message."""

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


class _NotJSON(ValueError):
    """NaN or Infinity: Python's json takes them, orjson does not."""


def parse(body: bytes) -> Any:
    """The JSON value in ``body`` (not empty), or :class:`ParseError` with authentik's message."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ParseError(f"JSON parse error - {exc}") from None
    too_deep = _too_deep_at(text)
    if too_deep is not None:
        raise ParseError(_message("array and object recursion depth exceeded", text, too_deep))
    try:
        return _loads(text)
    except _NotJSON:
        found = _NAN_OR_INFINITY.search(text)
        while found is not None and found.group(0).startswith('"'):
            found = _NAN_OR_INFINITY.search(text, found.end())
        position = found.start() if found is not None else 0
        minus = found is not None and found.group(1) == "-"
        reason = "no digit after minus sign" if minus else "unexpected character"
        raise ParseError(_message(reason, text, position)) from None
    except json.JSONDecodeError as exc:
        raise ParseError(_message(*_yyjson_error(exc, text))) from None


def _loads(text: str) -> Any:
    def no_constant(name: str) -> Any:
        raise _NotJSON(name)

    def integer(digits: str) -> int | float:
        value = int(digits)
        return value if _INT64_MIN <= value <= _UINT64_MAX else float(digits)

    try:
        return json.loads(text, parse_constant=no_constant, parse_int=integer)
    except RecursionError:
        # Python's limit (about 1000 frames) is below orjson's 1024 levels: lift it for this
        # document, which _too_deep_at has already bounded.
        with _RECURSION_LOCK:
            limit = sys.getrecursionlimit()
            sys.setrecursionlimit(max(limit, 4 * MAX_DEPTH))
            try:
                return json.loads(text, parse_constant=no_constant, parse_int=integer)
            finally:
                sys.setrecursionlimit(limit)


def _too_deep_at(text: str) -> int | None:
    """Where orjson gives up on nesting (just past the 1024th open bracket), if it does."""
    if text.count("[") + text.count("{") < MAX_DEPTH:
        return None
    depth = 0
    in_string = False
    skip_to = 0
    for found in _OPEN_OR_CLOSE.finditer(text):
        index = found.start()
        if index < skip_to:
            continue
        char = found.group()
        if in_string:
            if char == "\\":
                skip_to = index + 2
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            if depth >= MAX_DEPTH:
                return index + 1
        elif char in "]}":
            depth -= 1
    return None


def _yyjson_error(exc: json.JSONDecodeError, text: str) -> tuple[str, str, int]:
    """Python's complaint about ``text``, as yyjson words it and where it places it."""
    message, position = exc.msg, exc.pos
    if not text.strip(" \t\r\n"):
        return "input data is empty", text, 0
    if message.startswith("Unexpected UTF-8 BOM"):
        return "byte order mark (BOM) is not supported", text, 0
    before = text[position - 1] if 0 < position <= len(text) else ""
    char = text[position] if position < len(text) else ""
    if before == "0" and char.isdigit() and not text[position - 2 : position - 1].isdigit():
        return "number with leading zero is not allowed", text, position - 1
    if char and char in "]}" and text[:position].rstrip(" \t\r\n").endswith(","):
        after = position + 1  # yyjson notices a trailing comma past the closing bracket
        if after >= len(text):
            return "unexpected end of data", text, after
        return "trailing comma is not allowed", text, after
    if message == "Extra data":
        number = _NUMBER_BEFORE.search(text, 0, position)
        if number is not None and char == "." and not (number.group(1) or number.group(2)):
            return "no digit after decimal point", text, position
        if number is not None and char and char in "eE" and not number.group(2):
            return "no digit after exponent sign", text, position
        return "unexpected content after document", text, position
    if message.startswith("Unterminated string"):
        return "unexpected end of data", text, len(text)
    if message.startswith("Invalid control character"):
        return "unexpected control character in string", text, position
    if message.startswith("Invalid \\"):  # an unknown escape, or a bad \uXXXX
        return "invalid escaped character in string", text, position + 1
    if not text[position:].strip(" \t\r\n"):
        return "unexpected end of data", text, len(text)
    if message == "Expecting value" and text[position] in "tfn":
        return "invalid literal", text, position
    if message == "Expecting value" and text[position] == "-":
        return "no digit after minus sign", text, position
    return "unexpected character", text, position


def _message(reason: str, text: str, position: int) -> str:
    # orjson.JSONDecodeError is json.JSONDecodeError: the same "line L column C (char P)".
    return f"JSON parse error - {json.JSONDecodeError(reason, text, position)}"
