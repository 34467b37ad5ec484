"""How authentik parses a JSON request body, and the error it answers when it cannot.

authentik's only JSON parser (2024.8 to 2026.2) is drf_orjson_renderer's ``ORJSONParser``: it
decodes the body as UTF-8 (or the request's charset: see :func:`parse`), hands the text to
``orjson.loads`` (yyjson's reader underneath, without any of its leniency flags) and turns
any ``ValueError`` into DRF's ``ParseError``, answered 400
``{"detail": "JSON parse error - <the exception>"}``. So:

- a body that is not UTF-8 gets the codec's message (``'utf-8' codec can't decode byte 0xff in
  position 0: invalid start byte``);
- a syntax error gets yyjson's wording (``unexpected character``, ``unexpected end of data``,
  ``trailing comma is not allowed``, ``invalid literal``, ...) at yyjson's position, as orjson
  reports it: ``<reason>: line L column C (char P)``, ``P`` counted in characters;
- the 1025th nested array or object gets orjson's limit, ``array and object recursion depth
  exceeded``, just past its bracket.

The fake does not use the running interpreter's ``json`` module to find errors: where and how
it reports one changed between Python releases (3.13 words trailing commas itself, at the
comma), and authentik's answer does not depend on the Python that runs the fake. :func:`parse`
is its own scanner, which walks the text as yyjson's reader does and stops at the same place
with the same reason; it was checked against orjson 3.10.7 and 3.11.7 (which answer alike) on
generated malformed documents. Values are built as orjson builds them: integers beyond 64 bits
become floats, a number too large for a double is an error, duplicate keys keep the last value.
"""

from __future__ import annotations

import re
from typing import Any, Final

#: orjson's limit: the 1025th nested array or object is refused.
MAX_DEPTH: Final = 1024
_INT64_MIN: Final = -(2**63)
_UINT64_MAX: Final = 2**64 - 1
#: The longest integer literal that may fit 64 bits; longer ones are floats anyway.
_LONGEST_INT: Final = len(str(_INT64_MIN))
_DIGITS: Final = "0123456789"
#: A run of string characters that need no attention (no quote, backslash or control char).
_PLAIN: Final = re.compile(r'[^"\\\x00-\x1f]*')
_SPACES: Final = re.compile(r"[ \t\n\r]*")
_HEX4: Final = re.compile(r"[0-9a-fA-F]{4}")
_ESCAPES: Final = {
    '"': '"',
    "\\": "\\",
    "/": "/",
    "b": "\b",
    "f": "\f",
    "n": "\n",
    "r": "\r",
    "t": "\t",
}
_LITERALS: Final[dict[str, tuple[str, Any]]] = {
    "t": ("true", True),
    "f": ("false", False),
    "n": ("null", None),
}


class ParseError(Exception):
    """The body is not JSON authentik accepts; ``detail`` is its 400 answer's message."""

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


class _Fail(Exception):
    """yyjson's error: its reason and the character position it reports."""

    def __init__(self, reason: str, position: int) -> None:
        super().__init__(reason, position)
        self.reason = reason
        self.position = position


def parse(body: bytes, encoding: str = "utf-8") -> Any:
    """The JSON value in ``body`` (not empty), or :class:`ParseError` with authentik's message.

    ``encoding``: the request's charset (``ORJSONParser`` decodes the body with
    ``parser_context["encoding"]``, Django's ``request.encoding``: see
    :func:`~._conneg.body_encoding`), a codec Python knows. A codec that is not a text
    encoding raises :class:`LookupError`, as it does in the parser (a 500 there).
    """
    try:
        text = body.decode(encoding)
    except ValueError as exc:  # any UnicodeError (punycode's, "undefined"'s): DRF's ParseError
        raise ParseError(f"JSON parse error - {exc}") from None
    try:
        return _Reader(text).document()
    except _Fail as fail:
        raise ParseError(
            f"JSON parse error - {message(fail.reason, text, fail.position)}"
        ) from None


def message(reason: str, text: str, position: int) -> str:
    """The text of orjson's ``JSONDecodeError``: ``reason: line L column C (char P)``, as Python's
    ``json.JSONDecodeError`` (which orjson's subclasses) formats it, computed here.
    """
    line = text.count("\n", 0, position) + 1
    column = position - text.rfind("\n", 0, position)
    return f"{reason}: line {line} column {column} (char {position})"


class _Reader:
    """yyjson's reader over one document, without recursion (an explicit stack of containers)."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.end = len(text)

    def _char(self, index: int) -> str:
        return self.text[index] if index < self.end else ""

    def _skip(self, index: int) -> int:
        return _SPACES.match(self.text, index).end()  # type: ignore[union-attr]  # always matches

    def document(self) -> Any:
        index = self._skip(0)
        if index >= self.end:
            raise _Fail("input data is empty", 0)
        value, index = self._value(index)
        index = self._skip(index)
        if index < self.end:
            raise _Fail("unexpected content after document", index)
        return value

    def _value(self, index: int) -> tuple[Any, int]:
        """The value at ``index`` (no whitespace before it) and where it ends."""
        char = self.text[index]
        if char in "[{":
            return self._containers(index)
        if char == '"':
            return self._string(index)
        if char == "-" or char in _DIGITS:
            return self._number(index)
        if char in _LITERALS:
            return self._literal(index)
        raise _Fail("unexpected character", index)

    def _literal(self, index: int) -> tuple[Any, int]:
        word, value = _LITERALS[self.text[index]]
        found = self.text[index : index + len(word)]
        if found == word:
            return value, index + len(word)
        if word.startswith(found):  # the text ends inside the literal
            raise _Fail("unexpected end of data", self.end)
        raise _Fail("invalid literal", index)

    def _number(self, start: int) -> tuple[int | float, int]:
        index = start
        if self._char(index) == "-":
            index += 1
            if index >= self.end:
                raise _Fail("unexpected end of data", self.end)
            if self.text[index] not in _DIGITS:
                raise _Fail("no digit after minus sign", index)
        if self.text[index] == "0":
            if self._char(index + 1) != "" and self._char(index + 1) in _DIGITS:
                raise _Fail("number with leading zero is not allowed", index)
            index += 1
        else:
            index = self._digits(index)
        is_float = False
        if self._char(index) == ".":
            is_float = True
            index = self._digits_after(index + 1, "no digit after decimal point")
        if self._char(index) in ("e", "E"):
            is_float = True
            index += 1
            if self._char(index) in ("+", "-"):
                index += 1
            index = self._digits_after(index, "no digit after exponent sign")
        literal = self.text[start:index]
        if not is_float and index - start <= _LONGEST_INT:  # (int() refuses huge literals)
            number = int(literal)
            if _INT64_MIN <= number <= _UINT64_MAX:
                return number, index
        value = float(literal)
        if value in (float("inf"), float("-inf")):
            raise _Fail("number is infinity when parsed as double", start)
        return value, index

    def _digits(self, index: int) -> int:
        while index < self.end and self.text[index] in _DIGITS:
            index += 1
        return index

    def _digits_after(self, index: int, reason: str) -> int:
        if index >= self.end:
            raise _Fail("unexpected end of data", self.end)
        if self.text[index] not in _DIGITS:
            raise _Fail(reason, index)
        return self._digits(index)

    def _string(self, start: int) -> tuple[str, int]:
        parts: list[str] = []
        index = start + 1
        while True:
            plain = _PLAIN.match(self.text, index)  # always matches (maybe nothing)
            parts.append(plain.group())  # type: ignore[union-attr]
            index = plain.end()  # type: ignore[union-attr]
            if index >= self.end:
                raise _Fail("unexpected end of data", self.end)
            char = self.text[index]
            if char == '"':
                return "".join(parts), index + 1
            if char != "\\":
                raise _Fail("unexpected control character in string", index)
            decoded, index = self._escape(index)
            parts.append(decoded)

    def _escape(self, backslash: int) -> tuple[str, int]:
        """The character a backslash escape at ``backslash`` stands for, and where it ends."""
        index = backslash + 1
        if index >= self.end:
            raise _Fail("unexpected end of data", self.end)
        kind = self.text[index]
        if kind in _ESCAPES:
            return _ESCAPES[kind], index + 1
        if kind != "u":
            raise _Fail("invalid escaped character in string", index)
        high = self._hex4(backslash)
        after = backslash + 6
        if 0xDC00 <= high <= 0xDFFF:
            raise _Fail("invalid high surrogate in string", backslash)
        if not 0xD800 <= high <= 0xDBFF:
            return chr(high), after
        if self.text[after : after + 2] != "\\u":
            if after + 2 > self.end and self.text[after:] in ("", "\\"):
                raise _Fail("unexpected end of data", self.end)
            raise _Fail("no low surrogate in string", after)
        low = self._hex4(after)
        if not 0xDC00 <= low <= 0xDFFF:
            raise _Fail("invalid low surrogate in string", after)
        return chr(0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00)), after + 6

    def _hex4(self, backslash: int) -> int:
        """The four hex digits of the ``u`` escape at ``backslash``."""
        digits = self.text[backslash + 2 : backslash + 6]
        if _HEX4.fullmatch(digits):
            return int(digits, 16)
        if len(digits) < 4 and all(c in "0123456789abcdefABCDEF" for c in digits):
            raise _Fail("unexpected end of data", self.end)
        raise _Fail("invalid escaped sequence in string", backslash)

    def _containers(self, start: int) -> tuple[Any, int]:
        """An array or object at ``start``, nested containers included, iteratively."""
        # Each open container: its value, the key awaiting a value (objects), element count.
        stack: list[tuple[list[Any] | dict[str, Any], list[str]]] = []
        index = start
        value: Any = None
        while True:
            # Here: at a value's first character (whitespace skipped), in the innermost
            # container or at the top. Open containers push; anything else is a scalar.
            char = self.text[index]
            if char in "[{":
                if len(stack) >= MAX_DEPTH:
                    raise _Fail("array and object recursion depth exceeded", index + 1)
                container: list[Any] | dict[str, Any] = [] if char == "[" else {}
                stack.append((container, []))
                index = self._skip(index + 1)
                closing = "]" if char == "[" else "}"
                if index < self.end and self.text[index] == closing:
                    value = container
                    stack.pop()
                    index += 1
                else:
                    if char == "{":
                        index = self._key(index, stack[-1][1])
                    elif index >= self.end:
                        raise _Fail("unexpected end of data", self.end)
                    continue
            else:
                value, index = self._value(index)
            # A value is complete: add it to its container, then close containers or go on.
            while True:
                if not stack:
                    return value, index
                container, key = stack[-1]
                if isinstance(container, list):
                    container.append(value)
                else:
                    container[key.pop()] = value
                closing = "]" if isinstance(container, list) else "}"
                index = self._skip(index)
                if index >= self.end:
                    raise _Fail("unexpected end of data", self.end)
                char = self.text[index]
                if char == closing:
                    value = container
                    stack.pop()
                    index += 1
                    continue
                if char != ",":
                    raise _Fail("unexpected character", index)
                index = self._skip(index + 1)
                if index >= self.end:
                    raise _Fail("unexpected end of data", self.end)
                if self.text[index] == closing:
                    raise _Fail("trailing comma is not allowed", self._comma_before(index + 1))
                if isinstance(container, dict):
                    index = self._key(index, key)
                break

    def _key(self, index: int, key: list[str]) -> int:
        """Read an object's ``"key":`` at ``index``; returns where its value starts."""
        if index >= self.end:
            raise _Fail("unexpected end of data", self.end)
        if self.text[index] != '"':
            raise _Fail("unexpected character", index)
        name, index = self._string(index)
        index = self._skip(index)
        if index >= self.end:
            raise _Fail("unexpected end of data", self.end)
        if self.text[index] != ":":
            raise _Fail("unexpected character", index)
        index = self._skip(index + 1)
        if index >= self.end:
            raise _Fail("unexpected end of data", self.end)
        key.append(name)
        return index

    def _comma_before(self, index: int) -> int:
        """Where yyjson reports a trailing comma: it steps past the closing bracket, then back
        to the nearest comma (which may be the one just after the bracket).
        """
        while self._char(index) != ",":
            index -= 1
        return index
