r"""A text as a reader sees it: characters that show nothing and marks drawn on a letter left
out, compatibility characters read as the plain ones they stand for. A hostile server may
write an echoed secret, or a secret's name, so that the masking's patterns miss it and a
person still reads it: an API token with a zero-width space, a soft hyphen, a variation
selector or a combining low line between its letters (``A\u200bB\u200bC...``), or a name
in fullwidth letters (``\uff50\uff4c\uff45\uff58_token``).

The masking (:func:`.known.redact`, :func:`.text.mask_text`) reads such a text a second time
in this form, and shows it so, masked, only when that finds a secret the text as written
hides: any other text is shown as it was written (a name in an emoji sequence keeps its
zero-width joiners, a Japanese message its fullwidth punctuation).

:func:`as_echoed` goes further for known secrets only: what an echo may do to one (escapes
decoded again, a quoting backslash dropped, any dash read as ``-``) undone.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from typing import Final

from .escapes import _ESCAPES, _unescape

#: Characters that show nothing between two letters, Unicode's default-ignorable ones: the
#: format characters (category Cf: zero-width space and joiners, soft hyphen, word joiner,
#: bidirectional marks, the byte order mark, tags) and these others, the combining grapheme
#: joiner, Hangul fillers, Khmer inherent vowels, Mongolian and other variation selectors;
#: and the symbols drawn as an empty cell that stand in for a blank where spaces are refused
#: (the braille pattern blank U+2800, the musical null notehead U+1D159).
_SHOWING_NOTHING: Final = re.compile(
    "[\u034f\u115f\u1160\u17b4\u17b5\u180b-\u180f\u2800\u3164\ufe00-\ufe0f\uffa0"
    "\U0001d159\U000e0000-\U000e0fff]"
)


#: Format characters (Cf) and the marks drawn over, under or through the letter before
#: (nonspacing Mn, enclosing Me: a combining low line or long stroke after each letter of
#: an echoed token, "fancy text", still reads letter for letter).
_MARKS: Final = frozenset(("Cf", "Mn", "Me"))


@functools.lru_cache(maxsize=4096)
def _read_as(char: str) -> str:
    r"""How a reader reads one character beyond ASCII: ``""`` when it shows nothing or is a
    mark on the letter before (see :data:`_SHOWING_NOTHING`, :data:`_MARKS`), the one
    character its compatibility form is (NFKC: fullwidth
    ``\uff41`` is ``a``, halfwidth katakana are katakana, a mathematical bold ``A`` is ``A``),
    or itself (a character whose compatibility form is several, a ligature, is left as is).
    """
    if unicodedata.category(char) in _MARKS or _SHOWING_NOTHING.fullmatch(char):
        return ""
    plain = unicodedata.normalize("NFKC", char)
    return plain if len(plain) == 1 else char


def as_read(text: str) -> str:
    """``text`` as a reader sees it (see the module): ``text`` itself (the same object) when
    that changes nothing, as for every ASCII text.
    """
    if text.isascii():
        return text
    table = {ord(char): _read_as(char) for char in set(text) if not char.isascii()}
    changed = {code: read for code, read in table.items() if read != chr(code)}
    return text.translate(changed) if changed else text


#: Dashes and minus signs a text renderer, a "smart typography" filter or a hostile echo may
#: write for a secret's ``-`` (Unicode's dash punctuation, Pd, the minus signs, and letters
#: drawn as a dash, such as the Japanese long-vowel mark ``ー``): read as
#: ``-`` when looking for a known secret (a UUID-shaped token with U+2011 NON-BREAKING HYPHENs
#: has no run of 12 characters the masking would find as written).
_DASHES: Final = re.compile(
    "[\u058a\u05be\u1400\u1806\u2010-\u2015\u2e17\u2e1a\u2e3a\u2e3b\u2e40\u2e5d\u301c\u3030"
    "\u30a0\ufe31\ufe32\ufe58\ufe63\uff0d\u2212\u2043\u02d7\u2796\U00010ead"
    # letters that draw a dash: the long-vowel mark (a normaliser's stand-in for a fullwidth
    # hyphen, halfwidth too), the Arabic tatweel, the modifier letter macron
    "\u30fc\uff70\u0640\u02c9]"
)
#: Backslashes before ASCII punctuation, as ``re.escape`` and shells quote it (``tok\-abc``:
#: a server quoting the pattern it matched a credential against), doubled too (a bytes repr
#: in a log record: ``tok\\-abc``).
#: A run is matched from its first backslash only, and never given back (possessive): tried
#: at every backslash of a long run not followed by punctuation, it took quadratic time.
_BACKSLASHED: Final = re.compile(r"(?<!\\)\\++([!-/:-@\[\]-`{-~])")
#: Characters written as escapes of a language or format :func:`.escapes._unescape` does
#: not decode, as an encoder escaping every character of an echoed secret writes them: C's,
#: Python's and JavaScript's ``\x74``, Rust's and ES2015's ``\u{74}``, Python's ``\U00000074``,
#: C's octal ``\164``, CSS's ``\74 `` (hex, one optional space ending it; three digits and a
#: space are CSS's, not octal), the old JavaScript ``escape()``'s ``%u0074``,
#: quoted-printable's ``=74``, Python's ``\N{LATIN SMALL LETTER T}``. A backslash may be
#: doubled (a JSON text's). Only for known secrets (see :func:`as_echoed`): decoded, ``\b``
#: of a regular expression is a control character, and no secret is found in it. Each form
#: starts with its own literal, and is searched apart: ``re`` then scans for it (one
#: alternation is tried at every position).
_CHAR_ESCAPES: Final = (
    re.compile(
        r"\\{1,2}(?:x(?P<x>[0-9a-fA-F]{2})|u\{(?P<braced>[0-9a-fA-F]{1,6})\}"
        r"|U(?P<U>[0-9a-fA-F]{8})|(?P<octal>[0-3][0-7]{2})(?![0-9a-fA-F ])"
        r"|(?P<css>[0-9a-fA-F]{1,6}) ?)"
    ),
    re.compile(r"%u(?P<percent_u>[0-9a-fA-F]{4})"),
    re.compile(r"=(?P<qp>[0-9A-F]{2})"),
    # Python's named escape, ``\N{LATIN SMALL LETTER T}`` (the longest name has 88 letters)
    re.compile(r"\\{1,2}N\{(?P<named>[A-Za-z0-9 -]{1,88})\}"),
)


def _char(escape: re.Match[str]) -> str:
    """The character an escape of :data:`_CHAR_ESCAPES` stands for; the escape as written
    when it stands for no character (a surrogate, past U+10FFFF, a name Unicode lacks).
    """
    named = escape.groupdict().get("named")
    if named is not None:
        try:
            return unicodedata.lookup(named)
        except KeyError:
            return escape.group()
    base = 8 if escape.groupdict().get("octal") else 16
    code = int(next(group for group in escape.groups() if group is not None), base)
    if code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
        return escape.group()
    return chr(code)


#: A separator's escape (``-``, ``.``, ``/``, ``_``) that lost its backslash on the way,
#: between two letters or digits: ``u002d`` (MySQL drops the backslash of an escape it does
#: not know: JSON text pasted into an SQL literal keeps ``u002d``), ``x2d``. Read as the
#: separator when looking for known secrets (``testu002dapi`` for ``test-api``).
_LOST_BACKSLASH: Final = re.compile(r"(?<=[^\W_])(?:u00|x)(2[dDeEfF]|5[fF])(?=[^\W_])")
_LOST_BACKSLASH_STEMS: Final = ("u002", "u005", "x2", "x5")
#: The separators as such escapes, in each way they are written: ``u002d``, ``u002D``,
#: ``x2d``, ``x2D`` (see :func:`lost_backslash_spellings`).
_LOST_BACKSLASH_FORMS: Final = tuple(
    {ord(c): style.format(ord(c)) for c in "-./_"}
    for style in ("u{:04x}", "u{:04X}", "x{:02x}", "x{:02X}")
)


def lost_backslash_spellings(secret: str) -> set[str]:
    """``secret`` with its separators written as escapes that lost their backslash (see
    :data:`_LOST_BACKSLASH`): how an echo of it reads so as written (``testu002dapi``).
    """
    if not any(c in secret for c in "-./_"):
        return set()
    return {secret.translate(lost) for lost in _LOST_BACKSLASH_FORMS}


#: A line break inside a word (``Zq8Rt5Yu2Io\n9Pa4Sd7Fg``): a text hard-wrapped at a width
#: (``fold -w 76``, quoted-printable's soft break ``=\r\n``, a fixed-width log) cuts a long
#: token where the line ends, and a narrow column after its hyphens. Read as nothing when
#: looking for known secrets (a text shown so, masked, has such lines joined).
_WRAPPED: Final = re.compile(r"(?<=[\w-])=?[ \t]*\r?\n[ \t]*(?=\w)")
#: HTML that shows nothing between two letters: a line-break opportunity (``<wbr>``, which
#: a page inserts into a long token to wrap it), a comment, an inline element's tag (``<b>``,
#: ``</span>``; not a block's or a cell's, which set the letters apart).
_INVISIBLE_HTML: Final = re.compile(
    r"<!--.{0,200}?-->|</?(?:wbr|b|i|u|s|em|strong|span|small|mark|code|kbd|samp|var|tt|a"
    r"|abbr|bdi|bdo|cite|del|dfn|ins|q|sub|sup|font)(?:\s[^<>]{0,200})?/?>",
    re.IGNORECASE | re.DOTALL,
)
#: How many times escapes are decoded in a row: a URL encoded twice (``%252D``), HTML escaped
#: twice (``&amp;hyphen;``), a JSON escape of a percent escape.
_DECODINGS: Final = 3


def as_echoed(text: str) -> str:
    r"""``text`` with what a hostile echo may do to a known secret undone: escapes decoded,
    again and again (``%252D`` is ``-``, see :func:`.escapes._unescape`; ``\x74``, ``\74 ``
    and the other forms of :data:`_CHAR_ESCAPES` too), a backslash before
    punctuation dropped (``re.escape``'s ``tok\-abc``), a separator's escape that lost its
    backslash read as the separator (:data:`_LOST_BACKSLASH`), HTML that shows nothing left out
    (:data:`_INVISIBLE_HTML`: ``tok<wbr>abc``), lines broken inside a word joined
    (:data:`_WRAPPED`), every dash and minus read as ``-``
    (:data:`_DASHES`), then read as a person reads it (:func:`as_read`). ``text`` itself
    (the same object) when none of that changes anything, as for ordinary ASCII text.
    Looked at only for known secrets: a text is shown so, masked, only when that finds one.
    """
    read = text
    for _ in range(_DECODINGS):
        decoded = _unescape(read) if _ESCAPES.search(read) else read
        for form in _CHAR_ESCAPES:
            if form.search(decoded):
                decoded = form.sub(_char, decoded)
        if decoded == read:
            break
        read = decoded
    if any(stem in read for stem in _LOST_BACKSLASH_STEMS):
        read = _LOST_BACKSLASH.sub(lambda escape: chr(int(escape[1], 16)), read)
    if "\\" in read:
        read = _BACKSLASHED.sub(r"\1", read)
    if "<" in read:
        read = _INVISIBLE_HTML.sub("", read)
    if "\n" in read:
        read = _WRAPPED.sub("", read)
    if not read.isascii():
        read = as_read(_DASHES.sub("-", read))
    return text if read == text else read
