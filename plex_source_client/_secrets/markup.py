"""Masking the secrets that markup and structured messages name in a syntax other than
``key=value``: XML and HTML elements named as a secret (``<authToken>T</authToken>``, as
Plex's API writes it) or by a ``name`` or ``key`` attribute (``<input name="plex_token"
value="T">``, ``<entry key="plex_token">T</entry>``), PostgreSQL's key details (``Key (name,
plex_token)=(Plex, T) already exists``), a multipart form's fields (``name="plex_token"``,
the value on the lines after) and the ``[name, value]`` items of lists and expressions
(``["plex_token", "T"]``, ``(:plex_token T)``). Each pairs a name with a value that
:mod:`.keyed`'s rules, reading a key and what follows it, would not.
"""

from __future__ import annotations

import functools
import re
from typing import Final

from . import locate
from .names import is_secret_name
from .secret import MASK
from .values import (
    _CDATA,
    _KEY_WORD,
    _mask_value,
    _masked,
    _value_end,
)

#: An XML element named as a secret holds one as its text: ``<authToken>T</authToken>`` (as
#: Plex's own API writes it), ``<plex_token>T`` cut short.
_SECRET_ELEMENT: Final = re.compile(
    r"<(?P<name>[\w.:-]{1,80})(?P<attrs>\s[^<>]{0,200})?>(?P<value>\s*" + _CDATA + r"|[^<]+)"
)


def _mask_element(match: re.Match[str], found: dict[str, None]) -> str:
    """An XML element's match, its text masked when the element is named as a secret."""
    value = match["value"].strip()
    if not is_secret_name(match["name"]) or not value:
        return match.group()
    tag = f"<{match['name']}{match['attrs'] or ''}>"
    if not value.startswith("<"):  # plain text, stored as it is (not as a quoted value)
        found[value] = None
        return f"{tag}{MASK}"
    space = match["value"][: len(match["value"]) - len(match["value"].lstrip())]
    return f"{tag}{space}{_masked(value, found)}"  # a CDATA section, its markers kept


#: A tag named by a ``name`` or ``key`` attribute, whose ``value`` or ``content`` attribute
#: (in either order: ``<input value='T' name='plex_token'>``, ``<add key="plex_token"
#: value="T"/>``, ``<meta name="..." content="T">``) or text (``<entry key="plex_token">T
#: </entry>``, Java's XML properties; ``<textarea name=...>``; inside child tags without
#: attributes, ``<property name=...><value>T``) is the named value.
_NAMED_TAG: Final = re.compile(r"<(?P<tag>[\w.:-]{1,80})(?:\s[^<>]{0,4096})?>")
_NAME_ATTR: Final = re.compile(r"""\b(?:name|key)\s*=\s*["']?(?P<name>[^"'\s>]+)""", re.I)
_VALUE_ATTR: Final = re.compile(
    r"""(?P<key>\b(?:value|content)\s*=\s*)(?P<sep>)(?P<value>"[^"]*"|'[^']*'|[^\s>]+)""", re.I
)
#: The text of a named element: after child tags without attributes, a CDATA section or the
#: text up to the next tag.
_ELEMENT_TEXT: Final = re.compile(
    r"(?P<inner>(?:\s*<[\w.:-]{1,80}>){0,4})(?P<space>\s*)(?P<value>" + _CDATA + r"|[^<]+)"
)
#: HTML's elements without content: the text after ``<input name="plex_token">`` is not its.
_VOID_ELEMENTS: Final = frozenset(
    [
        "area",
        "base",
        "br",
        "col",
        "embed",
        "hr",
        "img",
        "input",
        "keygen",
        "link",
        "meta",
        "param",
        "source",
        "track",
        "wbr",
    ]
)


def _mask_named_elements(text: str, found: dict[str, None]) -> str:
    """``text`` with the value of every element named as a secret by an attribute (see
    :data:`_NAMED_TAG`) masked. Runs before :func:`.keyed._mask_keyed`, which masks the name
    in ``key="plex_token"`` as a ``key``'s value.
    """
    parts: list[str] = []
    shown_from = 0
    for match in _NAMED_TAG.finditer(text):
        tag = match.group()
        name = _NAME_ATTR.search(tag)
        if match.start() < shown_from or name is None or not is_secret_name(name["name"]):
            continue
        parts += [text[shown_from : match.start()]]
        parts.append(_VALUE_ATTR.sub(functools.partial(_mask_value, found=found), tag))
        shown_from = match.end()
        if tag.endswith("/>") or match["tag"].lower() in _VOID_ELEMENTS:
            continue
        inner = _ELEMENT_TEXT.match(text, match.end())
        if inner is not None and inner["value"].strip():
            parts += [inner["inner"], inner["space"], _masked(inner["value"].rstrip(), found)]
            shown_from = inner.end() - (len(inner["value"]) - len(inner["value"].rstrip()))
    parts.append(text[shown_from:])
    return "".join(parts)


#: PostgreSQL's description of a key (a unique or foreign key violation's ``DETAIL:  Key
#: (name, plex_token)=(Plex, T) already exists.``): its columns (names, or expressions such as
#: ``lower(name)``), then its values, as the columns' types print them (unquoted: a value may
#: hold ``, `` or ``)``).
_PG_KEY: Final = re.compile(
    r"\bKey \((?P<columns>(?:[^=()\r\n]|\([^=()\r\n]{0,200}\)){1,300})\)=\("
)
#: Where PostgreSQL's value list ends: the ``)`` before the rest of its message (``already
#: exists``, ``is not present in table``, ``is still referenced``, ``conflicts with``) or
#: before the line's end (searched up to it); else the line's last ``)``.
_PG_VALUES_END: Final = re.compile(r"\)(?=[ \t]+(?:already|is|conflicts)\b|\.?[ \t]*\Z)")


def _columns(columns: str) -> list[str]:
    """PostgreSQL's column list split at its commas, not those inside an expression's
    parentheses or a quoted name (``coalesce(a, b)``, ``"a, b"``).
    """
    parts, depth, quoted, start = [], 0, False, 0
    for at, char in enumerate(columns):
        if char == '"':
            quoted = not quoted
        elif not quoted and char in "()":
            depth += 1 if char == "(" else -1
        elif not quoted and depth == 0 and char == ",":
            parts.append(columns[start:at])
            start = at + 1
    return [part.strip() for part in [*parts, columns[start:]]]


def _mask_pg_keys(text: str, found: dict[str, None]) -> str:
    """``text`` with the values of PostgreSQL's key descriptions (:data:`_PG_KEY`) masked
    where a column is secret-named: the value at that column's place when the values split
    at ``, `` line up with the columns, else the whole value list (a value holds a comma).
    """
    parts: list[str] = []
    shown_from = 0
    for match in _PG_KEY.finditer(text):
        columns = _columns(match["columns"])
        secret = [is_secret_name(column) for column in columns]
        if match.start() < shown_from or not any(secret):
            continue
        line_end = text.find("\n", match.end())
        line_end = len(text) if line_end == -1 else line_end
        if text[line_end - 1 : line_end] == "\r":
            line_end -= 1
        close = _PG_VALUES_END.search(text, match.end(), line_end)
        end = close.start() if close is not None else text.rfind(")", match.end(), line_end)
        end = line_end if end == -1 else end  # cut short: the values run to the line's end
        values = text[match.end() : end].split(", ")
        if len(values) != len(columns):
            values, secret = [text[match.end() : end]], [True]
        masked = [
            _masked(value, found) if is_secret and value.strip() else value
            for value, is_secret in zip(values, secret, strict=True)
        ]
        parts += [text[shown_from : match.end()], ", ".join(masked)]
        shown_from = end
    parts.append(text[shown_from:])
    return "".join(parts)


#: A multipart form's field (``Content-Disposition: form-data; name="plex_token"``, its other
#: headers, a blank line): its value is the lines after, up to the next boundary (``--...``).
_MULTIPART_FIELD: Final = re.compile(
    r"Content-Disposition:[ \t]*form-data(?:;[^;\r\n]{0,200}+){0,4}?;[ \t]*name="
    r"(?P<q>\"?)(?P<name>[^\"\r\n;]{1,200}+)(?P=q)[^\r\n]{0,400}+(?:\r?\n[^\r\n]{1,400}+){0,8}"
    r"\r?\n\r?\n(?P<value>[^\r\n]*(?:\r?\n(?!--)[^\r\n]*)*)",
    re.IGNORECASE,
)
#: What :data:`_MULTIPART_FIELD`'s matches start with (see :mod:`.locate`).
_MULTIPART_STEM: Final = locate.ignoring_case("content-disposition:")


def _mask_multipart(match: re.Match[str], found: dict[str, None]) -> str:
    """A multipart field's match, its value masked when the field's name is a secret's."""
    value = match["value"].rstrip()
    if not is_secret_name(match["name"]) or not value:
        return match.group()
    found[value] = None
    head = match.group()[: match.start("value") - match.start()]
    return f"{head}{MASK}{match['value'][len(value) :]}"


#: A secret-named item of a list or an expression: a ``[name, value]`` pair, its name quoted
#: (``["plex_token", "T"]``, Python's ``('plex_token', 'T')``; not PostgreSQL's column list
#: ``(plex_token, name)``), an S-expression (``(plex_token "T")``: a quoted
#: value) or an EDN or Lisp keyword (``{:plex-token "T"}``, ``(:plex_token T)``).
_SECRET_ITEM: Final = re.compile(
    r"(?:(?<=[(\[])(?P<q>[\"']?)" + _KEY_WORD + r"(?P=q)"
    r"(?:(?<=[\"'])(?P<pair>\s*,\s*)|\s+(?=[\"']))"
    r"|(?<=[\s({\[,]):" + _KEY_WORD + r"\s+)(?=\S)",
    re.IGNORECASE,
)
#: A bare value inside a list or an expression: up to a space, a comma or a bracket.
_ITEM_BARE: Final = re.compile(r"[^\s\"'<>,()\[\]{}]+")
#: What closes a ``[name, value]`` pair after its value.
_PAIR_CLOSE: Final = re.compile(r"\s*[\])]")


def _mask_items(text: str, found: dict[str, None], starts: locate.Starts) -> str:
    """``text`` with the value of every secret-named item (:data:`_SECRET_ITEM`) masked; a
    pair's only when it closes after its value (``["plex_token", "name", "slug"]`` lists
    names). A quoted value or a bare word: a list or a map is not searched for its end here,
    where many rejected pairs would each search the rest of the text (the fallback masks the
    token-like words in it). ``starts``: where an item can start (see
    :func:`.locate.item_starts`).
    """
    parts: list[str] = []
    shown_from = 0
    for match in locate.finditer(_SECRET_ITEM, text, starts):
        start = match.end()
        if start <= shown_from:
            continue
        if text[start] in "\"'":
            end = _value_end(text, start)
        else:  # a bare word; a list or a map is left to the fallback (``mask_nearby``)
            end = (_ITEM_BARE.match(text, start) or match).end()
        if end <= start or (match["pair"] and _PAIR_CLOSE.match(text, end) is None):
            continue
        parts += [text[shown_from:start], _masked(text[start:end], found)]
        shown_from = end
    parts.append(text[shown_from:])
    return "".join(parts)
