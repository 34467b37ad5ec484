"""Masking the values after secret-named keys (``plex_token=...`` in JSON, text, HTML, XML,
headers) and HTTP credentials in texts whose secrets are not known: bodies, log records,
error bodies; and collecting those values to mask where the text repeats them. One rule per
syntax; for a syntax none reads, the fallback of :mod:`.nearby` (token-like words near a
secret name).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from typing import Any, Final

from . import locate
from .escapes import _ESCAPES, _unescape
from .known import MASK, MIN_ANYWHERE, mask_known, mask_userinfo, redact
from .names import _SECRET_NAME_PARTS, is_message, is_secret_name, secret_members
from .nearby import mask_nearby_at

#: A tag between a key and its value (``<td>token</td><td>T``); not a CDATA section: that
#: holds the value (``<![CDATA[T]]>``).
_TAG: Final = r"<(?!!\[)[^<>]{0,200}>"
#: A CDATA section (``<![CDATA[T]]>``), to its end or the text's.
_CDATA: Final = r"<!\[CDATA\[(?:[^\]]|\](?!\]>))*(?:\]\]>)?"
_PARTS: Final = _SECRET_NAME_PARTS
#: A secret-named key: a whole word (letters, digits, ``_``, ``.``, ``-``; not the ``-`` of
#: a ``->`` after it) of up to 400 characters with a secret's name in its first 200
#: (``plex_token``, ``plex_token_used_by_the_nightly_sync_job=``). The lookahead finds the
#: name once and the word is taken whole without backtracking: linear in the text.
_KEY_WORD: Final = (
    r"(?<![\w.-])(?=[\w.-]{0,200}?(?:" + _PARTS + r"))(?:[\w.]|-(?!>)){1,400}+(?![\w.-])"
)
#: Typographic closing quotes (as word processors and chat tools paste JSON) after a key.
_CURLY_CLOSE: Final = "\u201d\u2019\u00bb"
#: YAML's tag and anchor between a key's ``:`` and its value (``!!str``, ``!<tag:...>``,
#: ``&anchor``; both in either order), on the key's line.
_YAML_PROPERTIES: Final = r"(?:(?<=:)(?:[ \t]+[!&]\S{0,200}(?=[ \t]+\S)){1,2})?"
#: How PHP's print_r and var_dump write an object's property that is not public, between its
#: name and the ``]``: ``[plex_token:protected]``, ``["plex_token":"App\\Source":private]``.
_PHP_VISIBILITY: Final = r'(?::(?:"?[\w\\]{1,200}"?:)?(?:protected|private))'
#: A note in parentheses between a key and its ``:`` (``plex_token (string): T``, as
#: documentation and schema dumps write a field's type): part of the separator. Not before
#: ``=``: PostgreSQL's ``Key (columns)=(values)`` is read by its own rule.
_NOTE: Final = r"(?:[ \t]+\([^()\r\n]{0,60}\)(?=[ \t]*:(?!:)))?"
#: A type annotation between a key's ``:`` and its value's ``=`` (``plex_token: str = T``,
#: ``plex_token: Optional[str] = T``, ``api_key: str | None = T``): a type's name, its
#: brackets, then a spaced ``=`` (a value holding ``=``, base64's ``YWJj=``, is no type).
_ANNOTATION: Final = r":[ \t]*[a-z_][\w.\[\]|, ]{0,100}?[ \t]+=(?![=>])"
#: A secret-named key and what separates it from its value, in JSON (complete or cut short,
#: or escaped inside a string: ``{\"plex_token\": \"...``), ``key=value``, ``key: value``,
#: ``key | value``, ``key -> value``, ``key := value``, ``key => value`` and, as CJK text
#: writes it, ``key\uff1avalue`` (a fullwidth colon) text (PHP's
#: print_r and var_dump, Ruby's and Perl's hashes: ``=>`` is tried before ``=``, or the value
#: would start at ``>``), form fields (``source[plex_token]=...``, var_dump's
#: ``["plex_token"]=>``, an object's ``[plex_token:protected] =>``) and HTML
#: (``<td>token</td><td>value``, ``name="token" value="..."``). var_dump's type before a
#: string (``string(20) "..."``), a dash on the key's line (``plex_token: - T``; one on
#: the lines after starts a YAML sequence), YAML's tag or anchor (``plex_token: !!str T``,
#: ``&tok T``) and a form array's brackets (``plex_token[]=T``, ``source[plex_token][0]=T``)
#: are part of the separator, as are a note before ``:`` (:data:`_NOTE`) and a type
#: annotation before ``=`` (:data:`_ANNOTATION`); the key may be in typographic quotes
#: (``\u201cplex_token\u201d:``). Its value follows (see :func:`_value_end`); a grammar word
#: there with more after it is prose, not a value (:data:`_PROSE_AFTER_KEY`).
_SECRET_KEY: Final = re.compile(
    r"(?P<key>" + _KEY_WORD + r")"
    r"(?P<sep>\\?[\"'"
    + _CURLY_CLOSE
    + r"]?"
    + _PHP_VISIBILITY
    + r"?\]?(?:\[[\w.-]{0,40}\]){0,4}"
    + _NOTE
    + r"(?:\s*(?:=>|->|:=|\u2192|"
    + _ANNOTATION
    + r"|[:=|\uff1a])(?:[ \t]*-[ \t]+(?=[^\s-]))?"
    + _YAML_PROPERTIES
    + r"|\s+value\s*=|(?=\s*<))"
    r"(?:\s*" + _TAG + r"){0,8}(?:\s*string\(\d{1,10}\))?\s*)(?=\S)",
    re.IGNORECASE,
)
#: A value that is not a list or an object: quoted (to its closing quote or the end of the
#: text; in triple quotes as TOML and Python write them; a Python bytes or raw string's
#: prefix, ``b'...'``, with it), quoted with escaped quotes (JSON inside a JSON string), a
#: CDATA section, or a bare word (to the next space: a token may hold ``&`` or ``;``).
_VALUE: Final = re.compile(
    r"(?:[bBrRuU]{1,2}(?=[\"']))?"
    r"(?:\"{3}(?:[^\"\\]|\\.|\"(?!\"\"))*(?:\"{3})?|'{3}(?:[^']|'(?!''))*(?:'{3})?"
    r"|\"(?:[^\"\\]|\\.)*\"?|'[^']*'?"
    r"|\u201c[^\u201d]*\u201d?|\u2018[^\u2019]*\u2019?|\u00ab[^\u00bb]*\u00bb?)"
    r"|\\\"(?:(?!\\\")[\s\S])*(?:\\\")?|" + _CDATA + r"|[^\s\"'<>]+"
)
#: A YAML block scalar's indicator (``|``, ``>-``, ``|+2``): the value is on the lines after.
_YAML_BLOCK: Final = re.compile(r"[|>][+-]?[1-9]?(?=[ \t]*\r?\n)")
#: The rest of the indicator's line and the indented (or blank) lines that follow it.
_INDENTED_LINES: Final = re.compile(r"[ \t]*(?:\r?\n(?:[ \t]+[^\r\n]*|[ \t]*(?=\r?\n)))+")
#: A YAML block sequence's item (``- T``, or a ``-`` alone before a nested item), to its
#: line's end.
_YAML_ITEM: Final = re.compile(r"-(?:[ \t]+(?P<value>[^\r\n]*))?(?=\r?\n|\Z)")
#: The next line: its indentation and the rest.
_NEXT_LINE: Final = re.compile(r"\r?\n(?P<indent>[ \t]*)(?P<rest>[^\r\n]*)")
#: What matters when finding where a list or an object ends: brackets, quotes, backslashes.
_STRUCTURE: Final = re.compile(r"[\[\]{}\"\\]")
#: An XML element named as a secret holds one as its text: ``<authToken>T</authToken>`` (as
#: Plex's own API writes it), ``<plex_token>T`` cut short.
_SECRET_ELEMENT: Final = re.compile(
    r"<(?P<name>[\w.:-]{1,80})(?P<attrs>\s[^<>]{0,200})?>(?P<value>\s*" + _CDATA + r"|[^<]+)"
)


def _value_end(text: str, start: int) -> int:
    """Where the value at ``text[start]`` ends: a list or an object at its matching bracket
    (brackets inside strings skipped), however long or nested; the text's end when it is
    cut short. Otherwise as :data:`_VALUE` reads it.
    """
    if text[start] not in "[{":
        match = _VALUE.match(text, start)
        return match.end() if match else start
    depth, in_string, escaped, escaped_at = 0, False, False, -2
    for found in _STRUCTURE.finditer(text, start):
        char, at = found.group(), found.start()
        if escaped and at == escaped_at + 1:
            escaped = False
            continue
        escaped = False
        if char == "\\":
            escaped, escaped_at = True, at
        elif char == '"':
            in_string = not in_string
        elif not in_string:
            depth += 1 if char in "[{" else -1
            if depth == 0:
                return at + 1
    return len(text)


def _yaml_sequence_end(text: str, key: re.Match[str], found: dict[str, None]) -> int:
    """Where a YAML block sequence under a secret-named key ends (``plex_token:`` and, on the
    lines after, ``- T``): its items, the lines at the first one's indentation that start
    with ``-``, and the more indented lines inside them; 0 when there is none (a value on the
    key's line, or one that does not start with ``-``). What the items hold (``T``, its
    quotes taken off) is added to ``found``.
    """
    sep, start = key["sep"], key.end()
    indent = sep.rsplit("\n", 1)[-1]
    if "\n" not in sep or indent.strip(" \t") or (item := _YAML_ITEM.match(text, start)) is None:
        return 0
    end = start
    while item is not None:
        if item["value"] and item["value"].strip():
            _masked(item["value"].strip(), found)
        end, item = item.end(), None
        while (line := _NEXT_LINE.match(text, end)) is not None and line["rest"]:
            if line["indent"] == indent:
                item = _YAML_ITEM.match(text, line.start("rest"))
                break
            if not line["indent"].startswith(indent) or len(line["indent"]) == len(indent):
                break
            end = line.end()  # a more indented line: inside the item
    return end


#: A YAML block mapping's entry (``new_value: T``, or ``new:`` before more indented lines),
#: its key plain or quoted.
_YAML_ENTRY: Final = re.compile(
    r"(?:[\w.-]{1,200}|\"[^\"\r\n]{0,200}\"|'[^'\r\n]{0,200}')[ \t]*:(?=[ \t]|\r?\n|\Z)"
)
#: A line of a YAML block mapping: its indentation, sequence dashes and entry's key (all
#: kept), then its scalar (masked, when there is one) and trailing spaces.
_YAML_MAPPING_LINE: Final = re.compile(
    r"^(?P<head>[ \t]*(?:-[ \t]+)*(?:"
    + _YAML_ENTRY.pattern
    + r")?[ \t]*)(?P<value>[^\r\n]*?)(?P<tail>[ \t]*\r?)$",
    re.MULTILINE,
)


def _yaml_mapping(text: str, key: re.Match[str], found: dict[str, None]) -> tuple[int, str] | None:
    """A YAML block mapping nested under a secret-named key (``plex_token:`` and, on the
    lines after, more indented, ``new_value: T`` and ``previous_value: U``, as an audit
    diff writes a change): where it ends and the block with every scalar in it masked (its
    keys kept): all are the secret's, as everything inside a secret-named key's object is
    in JSON. None when none follows the key.
    """
    sep, start = key["sep"], key.end()
    indent = sep.rsplit("\n", 1)[-1]
    if "\n" not in sep or not indent or indent.strip(" \t") or not _YAML_ENTRY.match(text, start):
        return None
    own = text[text.rfind("\n", 0, key.start()) + 1 : key.start()]
    if not own.strip(" \t") and len(own) >= len(indent):
        return None  # not more indented than the key: no block of its
    end = text.find("\n", start)
    end = len(text) if end == -1 else end
    while (line := _NEXT_LINE.match(text, end)) is not None and line["rest"].strip():
        if not line["indent"].startswith(indent):
            break
        end = line.end()

    def masked(line: re.Match[str]) -> str:
        if not line["value"]:
            return line.group()
        return f"{line['head']}{_masked(line['value'], found)}{line['tail']}"

    return end, _YAML_MAPPING_LINE.sub(masked, text[start:end])


#: An arrow after a value, as a change is written (``plex_token: old -> T``, ``'old' =>
#: 'T'``, ``old \u2192 T``): the value after it is the key's too.
_ARROW: Final = re.compile(r"[ \t]*(?:->|=>|\u2192|\u27f6|\u21d2)[ \t]*(?=[^\s-])")


def _mask_arrows(text: str, end: int, found: dict[str, None]) -> tuple[int, str]:
    """The values after arrows from ``end`` on (``-> T``, ``\u2192 T``, one after another),
    masked, and where they end (``end`` and ``""`` when no arrow follows).
    """
    parts: list[str] = []
    while (arrow := _ARROW.match(text, end)) is not None:
        value_end = _value_end(text, arrow.end())
        if value_end == arrow.end():
            break
        parts += [arrow.group(), _masked(text[arrow.end() : value_end], found)]
        end = value_end
    return end, "".join(parts)


def _mask_keyed(text: str, found: dict[str, None], starts: locate.Starts) -> str:
    """``text`` with the value after every secret-named key (:data:`_SECRET_KEY`) masked;
    ``starts``: where a key can start (see :func:`.locate.word_starts`).
    """
    parts: list[str] = []
    shown_from = 0
    match = locate.search(_SECRET_KEY, text, 0, starts)
    while match is not None:
        mapping = _yaml_mapping(text, match, found)  # ``key:``, then ``new: T`` indented
        if mapping is not None:
            end, masked = mapping
            parts += [text[shown_from : match.start()], match["key"], match["sep"], masked]
            shown_from = end
            match = locate.search(_SECRET_KEY, text, end, starts)
            continue
        block = _YAML_BLOCK.match(text, match.end())  # ``key: >-``, then indented lines
        if block is not None:
            end = (_INDENTED_LINES.match(text, block.end()) or block).end()
        else:
            end = _yaml_sequence_end(text, match, found) or _value_end(text, match.end())
        if (
            end == match.end()
            or _separator_only(text[match.end() : end])
            or _PROSE_AFTER_KEY.match(text, match.end()) is not None
        ):
            # No value here (a tag follows; ``plex_token ~> T``; ``plex_token: the value T``):
            # left to the other rules.
            match = locate.search(_SECRET_KEY, text, match.start() + 1, starts)
            continue
        parts += [text[shown_from : match.start()], match["key"], match["sep"]]
        parts.append(_masked(text[match.end() : end], found))
        end, changed_to = _mask_arrows(text, end, found)  # ``old -> T``: both the key's
        parts.append(changed_to)
        shown_from = end
        match = locate.search(_SECRET_KEY, text, max(end, match.end()), starts)
    parts.append(text[shown_from:])
    return "".join(parts)


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


#: The words of a validator's message naming what it was given (``plex_token: expected str,
#: got T``, ``plex_token: invalid. got T``, ``received T``): no value, left to the fallback
#: as the grammar words are (see :data:`_LINKING_WORDS`).
_VALIDATOR_WORDS: Final = (
    "expected|expecting|got|received|given|invalid|found|provided|supplied|instead"
)
#: The grammar words of a sentence that link a name to its value or say something of it:
#: verbs of being, having and assigning (``is``, ``was set to``, ``has been changed to``),
#: auxiliaries, prepositions, articles, ``not`` and ``now`` (``the plex_token is T``, ``the
#: client_secret for user x is now T``). Closed classes of English: no stored secret is one.
_LINKING_WORDS: Final = (
    "is|are|was|were|be|been|being|am|has|have|had|will|would|shall|should|can|could|may"
    "|might|must|do|does|did|set|reset|changed|updated|became|becomes|become|equals|equal"
    "|contains|holds|means|to|for|of|in|on|at|from|by|with|as|into|the|a|an|this|that|its"
    "|your|my|our|their|and|or|but|not|now|still|currently|already|also|then|value"
    "|" + _VALIDATOR_WORDS
)
#: A word of a sentence's grammar: a linking word (:data:`_LINKING_WORDS`) or a contraction
#: (``isn't``, ``doesn't``, ``it's``; a value's pattern stops at the ``'``).
_GRAMMAR_WORD: Final = (
    r"(?:" + _LINKING_WORDS + r")(?![\w-])|[a-z]{1,12}['\u2019](?:t|s|re|ve|ll|d|m)(?![\w-])"
)
#: What the ``key value`` rule (:data:`_SECRET_SPACED`) does not take for the value after a
#: name: a grammar word (:data:`_GRAMMAR_WORD`) or a note in parentheses with more on its
#: line (``plex_token (string): T``, ``api_key (deprecated) T``). The rule then masks
#: nothing there and the fallback (:func:`.nearby.mask_nearby`) masks the token-like words
#: of the rest of the line, the value among them: were the filler masked, the fallback
#: would stop at its ``***`` and show the value after it.
_NOT_A_VALUE: Final = _GRAMMAR_WORD + r"|\([^()\r\n]{0,60}\)[:=]?[ \t]+\S"
#: A grammar word with more on its line after a key's ``:`` or ``=`` (``plex_token: the
#: value T is invalid``): prose, left to the fallback as after :data:`_SECRET_SPACED`'s
#: names. Alone on its line it is the value (``plex_token=on``).
_PROSE_AFTER_KEY: Final = re.compile(r"(?:" + _GRAMMAR_WORD + r")\S{0,2}[ \t]+\S", re.I)
#: An identifier-like secret-named key (``plex_token``, ``api-key``: a ``_`` or ``-`` in it;
#: or camelCase: ``plexToken``, ``apiKey``) followed by its value after mere spaces:
#: ``plex_token abc123``. A plain word (``Token invalid``) is no key; a grammar word or a
#: note after the name is no value (:data:`_NOT_A_VALUE`).
_SECRET_SPACED: Final = re.compile(
    r"(?<![\w.-])(?P<key>[\w.-]{0,40}?[_-](?:"
    + _PARTS
    + r")[\w.-]{0,40}|(?:"
    + _PARTS
    + r")[_-][\w.-]{0,40}"
    + r"|(?-i:[a-z][A-Za-z0-9]{0,40}?"
    + r"(?:Token|Secret|Passw(?:or)?d|Key)\w{0,40})"
    + r"|(?-i:api[A-Z]?[Kk]ey|private[A-Z]?[Kk]ey)\w{0,40})"
    + r"(?P<sep>[ \t]+|[ \t]*\r?\n[ \t]*)(?!"
    + _NOT_A_VALUE
    + r")"
    + r"(?P<value>[^\s\"'<>,;&=:|-][^\s\"'<>]*)",
    re.IGNORECASE,
)
#: HTTP credentials anywhere: ``Bearer <token>``, ``Basic <base64 of user:password>``.
#: An ``Authorization`` header or field, whatever its scheme (``Token T``, DRF's; ``Digest
#: ...``): its credential, up to the end of the line.
_AUTHORIZATION: Final = re.compile(
    r"(?P<key>\b(?:proxy-)?authorization[\"']?\s*[:=]\s*[\"']?)(?P<sep>)(?P<value>[^\r\n\"'<>]+)",
    re.I,
)
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
_CREDENTIALS: Final = re.compile(r"\b(?P<scheme>Bearer|Basic)(?P<sep>\s+)[\w+/=.~-]{6,}", re.I)
#: What :data:`_AUTHORIZATION`'s and :data:`_CREDENTIALS`' matches hold: a text without it
#: needs no pass (see :mod:`.locate`).
_AUTHORIZATION_STEM: Final = locate.ignoring_case("authorization")
_SCHEMES: Final = locate.ignoring_case("bearer", "basic")


#: What opens a quoted value and closes it, longest first (``"""`` before ``"``).
_QUOTES: Final = (
    ("<![CDATA[", "]]>"),
    ('"""', '"""'),
    ("'''", "'''"),
    ('\\"', '\\"'),
    ('"', '"'),
    ("'", "'"),
    ("\u201c", "\u201d"),
    ("\u2018", "\u2019"),
    ("\u00ab", "\u00bb"),
    ("[", "]"),
    ("{", "}"),
)
#: A Python string's prefix (``b'...'``, ``rb"..."``): kept with the masked value.
_STRING_PREFIX: Final = re.compile(r"[bru]{1,2}(?=[\"'])", re.IGNORECASE)


def _masked(value: str, found: dict[str, None]) -> str:
    """A secret-named key's ``value`` masked (its quotes, or a list's or an object's brackets,
    kept); what it holds (its strings, quotes taken off) is added to ``found``.
    """
    prefix = _STRING_PREFIX.match(value)
    prefix_text = prefix.group() if prefix else ""
    value = value[len(prefix_text) :]
    quote, ends = next(((o, c) for o, c in _QUOTES if value.startswith(o)), ("", ""))
    closing = (
        ends if quote and len(value) >= len(quote) + len(ends) and value.endswith(ends) else ""
    )
    found.update(dict.fromkeys(_held_values(value, quote, closing)))
    return f"{prefix_text}{quote}{MASK}{closing}"


#: A letter or a digit: a value without any is no secret (``~>``, ``::``, ``***``).
_LETTER_OR_DIGIT: Final = re.compile(r"[^\W_]")


def _separator_only(value: str) -> bool:
    """Whether a key's "value" is punctuation of a syntax no rule reads (``~`` of
    ``plex_token ~> T``, ``::`` of ``password ::: T``, the ``[`` of ``plex-token ["T"]``
    where a rule stops at the quote) or a mask already: at most 3 characters, no letter or
    digit, not a quoted string (``""`` stays masked). Not masked as the value: the fallback
    (:func:`.nearby.mask_nearby`) then looks at what follows.
    """
    return len(value) <= 3 and value[:1] not in "\"'" and not _LETTER_OR_DIGIT.search(value)


def _mask_value(match: re.Match[str], found: dict[str, None]) -> str:
    """The match of a secret-named key and its value (``key``, ``sep``, ``value``), masked;
    as it is when the value is punctuation only (see :func:`_separator_only`).
    """
    if _separator_only(match["value"]):
        return match.group()
    return f"{match['key']}{match['sep']}{_masked(match['value'], found)}"


#: The strings inside a masked list or object value (``["T1", "T2"]``, ``{"k": "T"}``).
_QUOTED: Final = re.compile(r"\"((?:[^\"\\]|\\.)*)\"|'([^']*)'")


def _held_values(value: str, quote: str, closing: str) -> list[str]:
    """The secret(s) a masked ``value`` holds: a quoted one without its quotes, the quoted
    strings of a list or an object, a bare word as it is; stripped, empty ones left out.
    """
    if quote in ("[", "{"):
        held = [a or b for a, b in _QUOTED.findall(value)]
    elif quote:
        held = [value[len(quote) : len(value) - len(closing)]]
    else:
        # A bare value runs to the next space: ``T&next=1`` may be the token ``T&next=1`` or
        # the token ``T`` and a next parameter; both are masked where the text repeats them.
        held = [value, *(part for part in re.split(r"[&;,|]", value) if part != value)]
    return [x.strip() for x in held if x.strip()]


def _mask_named_elements(text: str, found: dict[str, None]) -> str:
    """``text`` with the value of every element named as a secret by an attribute (see
    :data:`_NAMED_TAG`) masked. Runs before :func:`_mask_keyed`, which masks the name in
    ``key="plex_token"`` as a ``key``'s value.
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


def _mask_keys(text: str, found: dict[str, None]) -> str:
    """``text`` with the value of every secret-named key (``plex_token=...``, in JSON, text,
    HTML, XML, PostgreSQL's details, multipart fields, lists and expressions) and HTTP
    credentials (``Bearer ...``) masked, then the token-like words near a secret name whose
    value no rule masked (:func:`.nearby.mask_nearby`); the values masked are added to
    ``found``.
    """
    if "<" in text:
        text = _mask_named_elements(text, found)
    if "Key (" in text:
        text = _mask_pg_keys(text, found)
    if locate.holds(_MULTIPART_STEM, text):
        text = _MULTIPART_FIELD.sub(functools.partial(_mask_multipart, found=found), text)
    # The name patterns are tried only where a secret-named word starts (see
    # :mod:`.locate`), found again when a pass changed the text.
    located, starts = text, locate.word_starts(text)
    text = _mask_items(text, found, locate.item_starts(starts))
    if text is not located:
        located, starts = text, locate.word_starts(text)
    text = _mask_keyed(text, found, starts)
    if text is not located:
        located, starts = text, locate.word_starts(text)
    text = locate.sub(_SECRET_SPACED, functools.partial(_mask_value, found=found), text, starts)
    if "<" in text:
        text = _SECRET_ELEMENT.sub(functools.partial(_mask_element, found=found), text)
    if locate.holds(_AUTHORIZATION_STEM, text):
        text = _AUTHORIZATION.sub(functools.partial(_mask_value, found=found), text)
    if locate.holds(_SCHEMES, text):
        text = _CREDENTIALS.sub(lambda m: f"{m['scheme']}{m['sep']}{MASK}", text)
    # Last, the fallback for syntaxes no rule above reads: token-like words near a name.
    return mask_nearby_at(text, found, starts if text is located else locate.word_starts(text))


def _repeated(found: dict[str, None]) -> tuple[str, ...]:
    """The values masked after their keys that are masked where a text repeats them too:
    long ones only, a short one could be a word.
    """
    return tuple(value for value in found if len(value) >= MIN_ANYWHERE)


def mask_text(text: str, secrets: Iterable[str], *, cut: bool = False) -> str:
    r"""``text`` (a body that may not parse: cut-short JSON, HTML, plain text) with the value
    of every secret-named key masked and every known secret redacted (see :func:`redact` for
    ``cut``). Escaped text (``\u0074oken``, ``&quot;``, ``%22``) is shown decoded: that is
    how its secrets are found (a secret holding ``%2F`` or ``&amp;`` itself is masked in its
    decoded form too: see :func:`.known._spellings`).
    """
    if _ESCAPES.search(text):
        text = _unescape(text)
    found: dict[str, None] = {}
    text = _mask_keys(text, found)
    # Second pass: a value masked after its key (``plex_token=T``) is masked where the text
    # repeats it (``name: T is not valid``) too.
    return redact(mask_userinfo(text), (*secrets, *_repeated(found)), cut=cut)


#: A header as httpcore's debug records list them, ``(b'X-Plex-Token', b'value')``.
_HEADER_PAIR: Final = re.compile(
    r"(?P<key>\(b?(?P<q>['\"])(?P<name>[^'\"\\]{1,200})(?P=q),\s*b?)"
    r"(?P<vq>['\"])(?P<value>(?:\\.|(?!(?P=vq))[^\\])*)(?P=vq)"
)


def _mask_header(match: re.Match[str], found: dict[str, None]) -> str:
    """A header pair's match, its value masked when the header's name is a secret's."""
    if not is_secret_name(match["name"]):
        return match.group()
    found[match["value"]] = None
    return f"{match['key']}{match['vq']}{MASK}{match['vq']}"


def mask_record(text: str, secrets: Iterable[str]) -> str:
    """A log record's text (other code's requests' too) with secrets masked and nothing else
    changed: the known ``secrets`` and URL credentials (see :func:`mask_known`), the value of
    every secret-named key (``plex_token=...`` in a reason phrase) and header (httpcore's
    ``(b'X-Plex-Token', b'...')``), HTTP credentials. Escaped text is shown decoded only
    where decoding finds a secret-named key.
    """
    found: dict[str, None] = {}
    masked = _mask_keys(_HEADER_PAIR.sub(functools.partial(_mask_header, found=found), text), found)
    if _ESCAPES.search(masked):
        decoded = _unescape(masked)
        keyed = _mask_keys(decoded, found)
        if keyed != decoded:
            masked = keyed
    return mask_known(masked, (*secrets, *_repeated(found)))


def _messages_or_mask(value: Any, secrets: tuple[str, ...]) -> Any:
    """A secret member's value in an error body (a secret-named key's, or one a sibling names
    as a secret): DRF's list of messages shown (masked as any text), anything else masked
    whole.
    """
    if isinstance(value, list) and value and all(is_message(item) for item in value):
        return [mask_text(item, secrets) for item in value]
    return MASK


def mask_json(value: Any, secrets: Iterable[str]) -> Any:
    r"""A copy of a JSON error body with secret-named fields, and the values a sibling member
    names as a secret (``{"loc": ["body", "plex_token"], "input": T}``: see
    :func:`~.names.secret_members`), masked, and every string (keys too) masked as a text
    body is (:func:`mask_text`): a secret-named key written inside a
    string (``"invalid plex_token=..."``, JSON in a string), a secret escaped in it
    (``&#..;``, ``%XX``, a literal ``\uXXXX``) and HTTP credentials (``Basic ...``).
    """
    secrets = tuple(secrets)
    if isinstance(value, dict):
        hidden = secret_members(value)
        return {
            mask_text(key, secrets) if isinstance(key, str) else key: _messages_or_mask(
                item, secrets
            )
            if key in hidden
            else mask_json(item, secrets)
            for key, item in value.items()
        }
    if isinstance(value, list):
        if len(value) == 2 and isinstance(value[0], str) and is_secret_name(value[0]):
            # A ``[name, value]`` pair (headers as a debugging page lists them).
            return [mask_text(value[0], secrets), MASK]
        return [mask_json(item, secrets) for item in value]
    if isinstance(value, str):
        return mask_text(value, secrets)
    return _number_or_mask(value, secrets)


def _number_or_mask(value: Any, secrets: tuple[str, ...]) -> Any:
    """A JSON number repeating a stored numeric secret (see ``stored_secrets``) masked; any
    other value as it is.
    """
    if isinstance(value, int | float) and not isinstance(value, bool):
        text = str(value)
        if redact(text, secrets) != text:
            return MASK
    return value


def redact_json(value: Any, secrets: Iterable[str]) -> Any:
    """A copy of a JSON value with secret-named fields (and values a sibling names as a
    secret: see :func:`~.names.secret_members`) masked and known secrets redacted, in keys
    too (a server may echo a secret as a key).
    """
    secrets = tuple(secrets)
    if isinstance(value, dict):
        hidden = secret_members(value)
        return {
            redact(key, secrets) if isinstance(key, str) else key: MASK
            if key in hidden
            else redact_json(item, secrets)
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [redact_json(item, secrets) for item in value]
    if isinstance(value, str):
        return redact(value, secrets)
    return _number_or_mask(value, secrets)


def text_stored_secrets(text: str) -> tuple[str, ...]:
    """The values a text (a body that is not JSON) holds under secret-named keys, as
    :func:`mask_text` finds them (``plex_token=T``): the text is masked, but the same answer's
    headers (a ``Location``, a request id) may repeat them, so they are masked there too.
    """
    if _ESCAPES.search(text):
        text = _unescape(text)
    found: dict[str, None] = {}
    _mask_keys(text, found)
    return tuple(found)
