"""Masking the value after a secret-named key written as text, one rule per family of
syntaxes: :data:`_SECRET_KEY`, a key and a separator (``key=value``, ``key: value``, JSON
whole, cut short or escaped in a string, form fields, PHP's print_r and var_dump, Ruby's and
Perl's ``=>``, HTML's ``<td>token</td><td>T``), with YAML's block scalars, sequences and
mappings under the key and a change's arrows (``old -> T``) after its value;
:data:`_SECRET_SPACED`, an identifier-like key then its value after spaces (``plex_token
T``). Prose is not read as a value (``the plex_token is T``, :data:`_PROSE_AFTER_KEY`): the
fallback of :mod:`.nearby` masks it. Also HTTP credentials, whose key names no secret
(``Authorization: ...``, ``Bearer ...``). The key patterns are tried only where :mod:`.locate`
finds a secret-named word.
"""

from __future__ import annotations

import re
from typing import Final

from . import locate
from .secret import MASK
from .values import (
    _KEY_WORD,
    _PARTS,
    _mask_value,
    _masked,
    _separator_only,
    _value_end,
)
from .words import EDGE, token_like

#: A tag between a key and its value (``<td>token</td><td>T``); not a CDATA section: that
#: holds the value (``<![CDATA[T]]>``).
_TAG: Final = r"<(?!!\[)[^<>]{0,200}>"
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
#: (``\u201cplex_token\u201d:``). Its value follows (see :func:`.values._value_end`); a grammar
#: word there with more after it is prose, not a value (:data:`_PROSE_AFTER_KEY`).
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
#: A heredoc's opener (HCL's ``<<EOT`` and ``<<-EOT``, Ruby's ``<<~EOS``, a shell's
#: ``<<'EOF'``) ending its line: the value is on the lines after, up to its marker's line.
_HEREDOC: Final = re.compile(
    r"[ \t]*<<[-~]?(?P<q>[\"']?)(?P<marker>[A-Za-z_][A-Za-z0-9_]{0,40})(?P=q)[ \t]*(?=\r?\n)"
)
#: How far a heredoc's marker line is looked for; without one there, all of it is masked
#: (each opener consumes what it looked at: linear time).
_HEREDOC_SPAN: Final = 4096
#: A YAML block scalar's indicator (``|``, ``>-``, ``|+2``): the value is on the lines after.
_YAML_BLOCK: Final = re.compile(r"[|>][+-]?[1-9]?(?=[ \t]*\r?\n)")
#: The rest of the indicator's line and the indented (or blank) lines that follow it.
_INDENTED_LINES: Final = re.compile(r"[ \t]*(?:\r?\n(?:[ \t]+[^\r\n]*|[ \t]*(?=\r?\n)))+")
#: A YAML block sequence's item (``- T``, or a ``-`` alone before a nested item), to its
#: line's end.
_YAML_ITEM: Final = re.compile(r"-(?:[ \t]+(?P<value>[^\r\n]*))?(?=\r?\n|\Z)")
#: The next line: its indentation and the rest.
_NEXT_LINE: Final = re.compile(r"\r?\n(?P<indent>[ \t]*)(?P<rest>[^\r\n]*)")


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


def _mask_heredoc(text: str, opener: re.Match[str], found: dict[str, None]) -> tuple[int, str]:
    """Where a heredoc's value (the lines after ``opener``, up to the line of its marker)
    ends, and the opener, ``***`` and the marker's line that replace it; each of its lines
    is added to ``found``. Without a marker's line in :data:`_HEREDOC_SPAN` characters, the
    lines up to there are its value.
    """
    start = opener.end()
    marker = re.compile(r"\r?\n[ \t]*" + re.escape(opener["marker"]) + r"[ \t]*(?=\r?\n|\Z)")
    closing = marker.search(text, start, start + _HEREDOC_SPAN)
    if closing is not None:
        value, end, after = text[start : closing.start()], closing.end(), closing.group()
    else:
        last_line = text.rfind("\n", start + 1, start + _HEREDOC_SPAN)
        end = len(text) if len(text) <= start + _HEREDOC_SPAN or last_line == -1 else last_line
        value, after = text[start:end], ""
    found.update(dict.fromkeys(line.strip() for line in value.splitlines() if line.strip()))
    return end, f"{opener.group()}\n{MASK}{after}"


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
        heredoc = _HEREDOC.match(text, match.end())  # ``key = <<EOT``, lines, ``EOT``
        if heredoc is not None:
            end, masked = _mask_heredoc(text, heredoc, found)
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
#: More on a line after a word: a non-blank character before the line's end.
_MORE_ON_THE_LINE: Final = re.compile(r"[ \t]*\S")


def mask_spaced(match: re.Match[str], found: dict[str, None]) -> str:
    """A match of :data:`_SECRET_SPACED` with its value masked, when that word is the value:
    token-like (see :mod:`.words`: ``plex_token abc123 is invalid``) or ending its line
    (``plex_token secretvalue``). Any other word with more on its line is a sentence's
    (``plex_token LIKE 'T'``, ``plex_token mismatch: T``, ``token_hash mismatch for T``): no
    list of such words can be whole, so none is taken for the value; it is left as it is,
    and the fallback (:func:`.nearby.mask_nearby`) masks the token-like words of the line,
    the value among them (were the word masked, the fallback would stop at its ``***``).
    """
    if not token_like(match["value"].strip(EDGE)) and _MORE_ON_THE_LINE.match(
        match.string, match.end()
    ):
        return match.group()
    return _mask_value(match, found)


#: An ``Authorization`` header or field, whatever its scheme (``Token T``, DRF's; ``Digest
#: ...``): its credential, up to the end of the line.
_AUTHORIZATION: Final = re.compile(
    r"(?P<key>\b(?:proxy-)?authorization[\"']?\s*[:=]\s*[\"']?)(?P<sep>)(?P<value>[^\r\n\"'<>]+)",
    re.I,
)
#: HTTP credentials anywhere: ``Bearer <token>``, ``Basic <base64 of user:password>``.
_CREDENTIALS: Final = re.compile(r"\b(?P<scheme>Bearer|Basic)(?P<sep>\s+)[\w+/=.~-]{6,}", re.I)
#: What :data:`_AUTHORIZATION`'s and :data:`_CREDENTIALS`' matches hold: a text without it
#: needs no pass (see :mod:`.locate`).
_AUTHORIZATION_STEM: Final = locate.ignoring_case("authorization")
_SCHEMES: Final = locate.ignoring_case("bearer", "basic")
