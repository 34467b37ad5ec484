"""Masking secrets whose values are known (the client's token, a proxy's password, values
a server stored): :func:`redact` (every spelling, short ones standing alone, long ones'
fragments, secrets in parts: :mod:`.parts`) and finding them in parsed JSON.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable, Iterator
from typing import Any, Final

from .escapes import _ESCAPES, _unescape
from .interleaved import holds_interleaved, interleaved_pattern
from .parts import Parted, holds_parts, mask_parts, secrets_in_parts
from .reading import as_echoed
from .secret import MASK, MIN_ANYWHERE, MIN_DASHLESS
from .split import json_strings_hold

#: A part of a long secret this long or longer is masked wherever it shows, as the secret is:
#: a parser's error quotes what arrived so far (when a token is split across two TCP
#: segments: 23 of its 25 characters), a text cut short may hold its middle. A run of 12
#: characters of a random token does not occur by chance; a run of 8 does (``12345678`` of a
#: test token inside a source's UUID), so shorter runs are left alone.
FRAGMENT: Final = 12
#: A secret cut off at the end of a text cut short is masked from this many characters on.
_MIN_CUT = 4
#: What may stand on either side of a short secret that is a whole value (ASCII; in a
#: character class): spaces and control characters (a NUL, the ESC of a colored log line),
#: quotes, brackets, separators, ``+`` (a space, form-encoded), ``$ ~ %``, the marks of
#: anchors and emphasis (``#abc``, ``*abc*``); after it, sentence punctuation too (``Bearer
#: abc.``). Not what joins a word, a name or a path: letters, digits, ``_ . - ^``, and not
#: ``/``: a path's segments (the slug ``plex`` in every URL a message names) would be
#: masked for a short password ``plex``.
#: Every character beyond ASCII that is no letter or digit counts too (see
#: :data:`_STANDS_ALONE`): typographic quotes (Django quotes values so: ``\u201cabc12\u201d is
#: not a valid ...``), the ellipsis, CJK brackets and fullwidth punctuation (``\u300cabc\u300d``,
#: ``\uff1aabc``, ``abc\u3002``), as localized messages quote a value; none joins a word or
#: a URL's path. So do Han and kana (see :data:`_UNSPACED`).
_DELIMITERS: Final = r"""\s\x00-\x1f\x7f"'`=:,;()\[\]{}<>@&#*|+$~%"""
_DELIMITERS_AFTER: Final = _DELIMITERS + r".!?\\"
#: Scripts written without spaces between words: Han (CJK ideographs) and kana. A Latin
#: word is written straight between their characters (``\u4ee4\u724cAb3\u65e0\u6548``), so they
#: delimit a short secret as a space does.
_UNSPACED: Final = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003ffff"
#: Lookarounds: a short secret is preceded (``before``) and followed (``after``) by the
#: text's end, an ASCII delimiter above, or a character beyond ASCII that is no word's or is
#: of a script without spaces (:data:`_UNSPACED`).
_STANDS_ALONE: Final = {
    "before": rf"(?<![^{_DELIMITERS}\x80-\U0010ffff])(?<![^\W\x00-\x7f{_UNSPACED}])",
    "after": rf"(?![^{_DELIMITERS_AFTER}\x80-\U0010ffff])(?![^\W\x00-\x7f{_UNSPACED}])",
}
#: Lookarounds for a short secret that reads as no word (see :func:`_reads_as_no_word`): beside
#: anything but a letter or a digit (``/Ab3dE6/``, ``_K9z_``, ``a.Ab3``), Han and kana included.
_BESIDE_NO_LETTER: Final = {
    "before": rf"(?<![^\W_{_UNSPACED}])",
    "after": rf"(?![^\W_{_UNSPACED}])",
}
#: A lowercase letter followed by an uppercase one: a token's mixed case (``XvTk``), no word's.
_MIXED_CASE: Final = re.compile(r"[a-z][A-Z]")


def _reads_as_no_word(secret: str) -> bool:
    """Whether a short secret reads as no word: 3 characters or more, a letter, and a digit
    or mixed case (``Ab3``, ``K9z``, ``XvTkLm``; not ``plex``, ``Plex``, ``v3``, ``123``). No
    path segment, name or word of a message is such a string by chance, so it is masked beside
    every character but a letter or a digit (``/Ab3/``, ``_Ab3_``, ``a.Ab3``); a word-like one
    only where it stands alone (:data:`_STANDS_ALONE`), so that a password ``plex`` leaves
    ``/sources/plex/`` and ``plex_token`` as they are.
    """
    return (
        len(secret) >= 3
        and any(c.isalpha() for c in secret)
        and (any(c.isdigit() for c in secret) or _MIXED_CASE.search(secret) is not None)
    )


#: A JSON escape for a control character (``\n``, ``\t``) before a short secret, as a JSON
#: text that is not parsed (an unexpected 2xx answer kept as text) writes a line break in a
#: string: a whole value's start. After one, a backslash (``dev\n``, ``dev\"``) is a
#: delimiter (see :data:`_DELIMITERS_AFTER`).
_JSON_ESCAPE_BEFORE: Final = r"(?<=\\[nrtbf])"


def _spellings(secret: str) -> set[str]:
    """``secret`` as it is written raw, in a JSON string and in Python's repr of its bytes
    (how httpcore's debug log shows header values): escaping can change a secret with a
    quote, a backslash or a non-ASCII character. A long secret with hyphens (a UUID-shaped
    key) without them too, as a server normalizing a UUID to its 32 hex digits writes it.
    """
    import json

    dashless = secret.replace("-", "")
    return {
        *((dashless,) if len(dashless) >= MIN_DASHLESS and dashless != secret else ()),
        secret,
        _unescape(secret),  # a token holding ``%2F`` or ``&amp;``, shown decoded
        json.dumps(secret)[1:-1],
        json.dumps(secret)[1:-1].replace("/", "\\/"),  # JSON may escape ``/`` too
        json.dumps(secret, ensure_ascii=False)[1:-1],
        repr(secret)[1:-1],
        repr(secret.encode("utf-8", "backslashreplace"))[2:-1],
    }


#: Up to this many needles of one length, a text is searched once per needle (the string
#: search, at C speed: fastest for the client's own few secrets, even in a long body); more
#: (a page of sources each storing a long token has hundreds of thousands of runs), and it is
#: read once, each of its windows of that length looked up in the needles' set: the work is
#: then the text's length whatever the number or the length of the secrets, not their product.
_FIND_EACH_UP_TO: Final = 128


@functools.lru_cache(maxsize=1024)
def _needles_of(secret: str) -> dict[int, frozenset[str]]:
    """A long ``secret``'s needles by length: each spelling shorter than :data:`FRAGMENT`
    whole, and every run of :data:`FRAGMENT` characters of a longer spelling (which covers the
    whole spelling too). Kept per secret: a page's run secrets grow one source at a time, and
    each new set is then the union of sets already built, not built again from every token.
    """
    spelled = [x for x in _spellings(secret) if x]
    by_length: dict[int, frozenset[str]] = {}
    for length in {len(x) for x in spelled if len(x) < FRAGMENT}:
        by_length[length] = frozenset(x for x in spelled if len(x) == length)
    longer = [x for x in spelled if len(x) >= FRAGMENT]
    if longer:  # built as a frozenset at once: a huge token's runs are not held twice
        runs = (x[i : i + FRAGMENT] for x in longer for i in range(len(x) - FRAGMENT + 1))
        by_length[FRAGMENT] = frozenset(runs)
    return by_length


_Needles = tuple[tuple[int, frozenset[str]], ...]
_Matchers = tuple[tuple[str, ...], re.Pattern[str] | None, _Needles, Parted, re.Pattern[str] | None]


def _matchers(secrets: tuple[str, ...]) -> _Matchers:
    """For ``secrets``: the long ones as written (for a cut text's end), one pattern for the
    short ones standing alone, and the long ones' needles by length (see :func:`_needles_of`).
    Built once per set of secrets, whatever their order; the last tuple asked for is known
    by identity (a JSON value is masked field by field with one tuple of secrets: hashing
    thousands of secrets again for each field made showing such an answer quadratic).
    """
    global _last
    last = _last
    if last is not None and last[0] is secrets:
        return last[1]
    built = (
        *_built(frozenset(secrets)),
        secrets_in_parts(secrets),
        interleaved_pattern(secrets),
    )
    _last = (secrets, built)  # one assignment: another thread sees the old pair or this one
    return built


#: The last tuple of secrets :func:`_matchers` was asked for, and its matchers.
_last: tuple[tuple[str, ...], _Matchers] | None = None


@functools.lru_cache(maxsize=4)
def _built(
    secrets: frozenset[str],
) -> tuple[tuple[str, ...], re.Pattern[str] | None, _Needles]:
    long_ = sorted({s for s in secrets if len(s) >= MIN_ANYWHERE}, key=len, reverse=True)
    by_length: dict[int, list[frozenset[str]]] = {}
    for secret in long_:
        for length, found in _needles_of(secret).items():
            by_length.setdefault(length, []).append(found)
    needles = tuple(  # one secret's set as it is (not copied), several joined in one go
        (length, found[0] if len(found) == 1 else frozenset().union(*found))
        for length, found in sorted(by_length.items())
    )
    short = {x for s in secrets if 0 < len(s) < MIN_ANYWHERE for x in _spellings(s)}
    kinds = []  # the word-like ones standing alone, the token-like ones beside no letter
    for lookaround, chosen in (
        (
            _STANDS_ALONE,
            sorted((x for x in short if not _reads_as_no_word(x)), key=len, reverse=True),
        ),
        (_BESIDE_NO_LETTER, sorted(filter(_reads_as_no_word, short), key=len, reverse=True)),
    ):
        if chosen:
            alternatives = "|".join(map(re.escape, chosen))
            kinds.append(
                f"(?:{lookaround['before']}|{_JSON_ESCAPE_BEFORE})(?:{alternatives})"
                f"{lookaround['after']}"
            )
    pattern = re.compile("|".join(kinds)) if kinds else None
    return tuple(long_), pattern, needles


def _starts(text: str, length: int, needles: frozenset[str]) -> list[int]:
    """Where in ``text`` a needle (all of ``length`` characters) starts, overlaps included."""
    if len(needles) > _FIND_EACH_UP_TO:  # one pass: each window looked up in the set
        return [i for i in range(len(text) - length + 1) if text[i : i + length] in needles]
    starts = []
    for needle in needles:
        start = text.find(needle)
        while start != -1:
            starts.append(start)
            start = text.find(needle, start + 1)
    return starts


def _mask_needles(text: str, needles: tuple[tuple[int, frozenset[str]], ...]) -> str:
    """``text`` with every run of characters covered by the ``needles`` (see
    :func:`_matchers`) replaced by one ``***``: a whole secret, a part of one, secrets side by
    side or overlapping. Every needle is found in the text as it came, before any is masked.
    """
    spans = [
        (start, start + length)
        for length, found in needles
        if len(text) >= length
        for start in _starts(text, length, found)
    ]
    if not spans:
        return text
    spans.sort()
    parts, shown_from = [], 0
    run_start, run_end = spans[0]
    for start, end in spans[1:]:
        if start <= run_end:  # overlapping or touching needles: one run
            run_end = max(run_end, end)
            continue
        parts += [text[shown_from:run_start], MASK]
        shown_from, run_start, run_end = run_end, start, end
    parts += [text[shown_from:run_start], MASK, text[run_end:]]
    return "".join(parts)


def redact(text: str, secrets: Iterable[str], *, cut: bool = False) -> str:
    r"""``text`` with each secret replaced by ``***``: a long one wherever it shows, a short one
    where it stands alone (see :data:`MIN_ANYWHERE`); raw, JSON-escaped or as a bytes repr.
    A part of a long one, :data:`FRAGMENT` characters or more, is masked wherever it shows too.
    The work is linear in the text's length, however many long secrets there are (a page of
    sources each storing a long token: see :data:`_FIND_EACH_UP_TO`).

    A text ``cut`` short (a body read up to a size limit) may end in the first part of a
    (long) secret: that part is masked too.

    A text that hides a secret from this reading but not from a person's (``A\u200bB...``, a
    zero-width space between its letters; ``A\u2011B``, a non-breaking hyphen for its ``-``;
    ``A%252DB``, encoded twice; ``A\-B``, regex-quoted: see :func:`.reading.as_echoed`) is
    shown as read, masked.
    """
    secrets = tuple(secrets)
    redacted = _redact(text, secrets, cut=cut)
    if not secrets:
        return redacted
    # The text as read hides more when masking it as written took a piece of a secret
    # only (a value stored after ``token`` in an echo of the API token in fullwidth letters,
    # masked first, left the rest unrecognisable): then it is shown as read, masked.
    read = as_echoed(text)
    if read is not text:
        again = _redact(read, secrets, cut=cut)
        if _hidden(read, again) > _hidden(text, redacted):
            return again
    read = as_echoed(redacted)
    if read is redacted:
        return redacted
    again = _redact(read, secrets, cut=cut)
    return again if again != read else redacted


def _hidden(text: str, masked: str) -> int:
    """How many characters of ``text`` its ``masked`` form hides (each ``***`` shows none)."""
    return len(text) - (len(masked) - masked.count(MASK) * len(MASK))


def _redact(text: str, secrets: tuple[str, ...], *, cut: bool) -> str:
    """:func:`redact`, of ``text`` as written."""
    long_, short, needles, parted, interleaved = _matchers(secrets)
    if parted:  # first: the needles would mask the longest part alone, and no more
        text = mask_parts(text, parted)
    if interleaved is not None:  # spaced out: ``t e s t``, ``Q\xa0m\xa07...``
        text = interleaved.sub(MASK, text)
    if needles:
        text = _mask_needles(text, needles)
    if short is not None:
        text = _mask_short(text, short)
    if cut:
        for secret in long_:
            length = _cut_at_end(text, secret)
            if length:
                text = text[:-length] + MASK
    return text


#: A terminal's control sequence (CSI: ``ESC [ params final``; SGR colors a log line so:
#: ``\x1b[1mabc\x1b[0m``): it delimits a short secret as a control character does.
_CSI: Final = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]")


def _mask_short(text: str, short: re.Pattern[str]) -> str:
    """``text`` with the short secrets ``short`` finds standing alone masked; a control
    sequence counts as the control character it starts with (read in a copy where each is
    NULs of its length, so the places found are the text's own).
    """
    if "\x1b" not in text:
        return short.sub(MASK, text)
    read = _CSI.sub(lambda match: "\x00" * len(match.group()), text)
    parts: list[str] = []
    shown_from = 0
    for match in short.finditer(read):
        parts += [text[shown_from : match.start()], MASK]
        shown_from = match.end()
    parts.append(text[shown_from:])
    return "".join(parts)


def _cut_at_end(text: str, secret: str) -> int:
    """How many characters of ``secret``'s start ``text`` ends with (the most; at least
    :data:`_MIN_CUT`, fewer than the whole secret), or 0. Only where the secret's first
    characters occur near the end is compared: not every length of a long secret (a page may
    store a token of a million characters), each a copy of that much of it.
    """
    head = secret[:_MIN_CUT]
    start = text.find(head, max(0, len(text) - len(secret) + 1))
    while start != -1:  # the first start found is the longest part
        if secret.startswith(text[start:]):
            return len(text) - start
        start = text.find(head, start + 1)
    return 0


#: The credential of an ``Authorization`` header, however short (to find a short secret), as
#: an echo writes it: after the header's name, whatever the scheme (``Authorization: Bearer
#: tok``, ``Authorization: Token tok``, ``Authorization: tok``, anywhere in a text:
#: ``header``), or after a scheme's word, ending its line, its string, a quoted value or
#: before a control character (``Bearer tok``, a header's value; ``seen: Bearer tok.``,
#: sentence punctuation after it; ``"Bearer tok"`` in a text: ``value``). Form- and
#: URL-encoded too (``Authorization=Bearer+tok``; ``%3A`` is decoded before), as a
#: server's environment names it (``HTTP_AUTHORIZATION=``), quoted or in a code span
#: (```tok```). A scheme's word inside a name (``Basic tok login``, ``Plex (Bearer tok)``)
#: is neither.
_CREDENTIAL_VALUE: Final = r"[^\s\"'`,;&+\x00-\x1f\x7f]+"
_SPACE: Final = r"(?:\s|\+)"
_CREDENTIAL_VALUES: Final = re.compile(
    rf"(?<![a-z0-9])(?:proxy[-_])?authorization[\"']?{_SPACE}*[:=]{_SPACE}*"
    rf"[\"'`]?(?:[a-z][\w.-]*{_SPACE}+)?[\"'`]?(?P<header>{_CREDENTIAL_VALUE})"
    rf"|\b(?:Bearer|Basic|Token|Digest){_SPACE}+[\"'`]?(?P<value>{_CREDENTIAL_VALUE})"
    r"(?=[;,]*(?:[\"'`\x00-\x08\x0e-\x1f\x7f]|[ \t]*(?:\r?\n|\Z)))",
    re.I,
)
#: What ends a sentence after a credential (``Bearer tok.``): ASCII ``.!?:``, and beyond ASCII
#: any punctuation but a bracket (``\u3002``, ``\u2026``, ``\u201d``).
_SENTENCE_END: Final = frozenset(".!?:")
#: What closes the brackets around an echoed header (``[Authorization: Bearer tok]``).
_CLOSING: Final = frozenset(")]}>")


def _trailing(char: str, *, closing: bool) -> bool:
    """Whether ``char`` after a credential is punctuation, not part of it: sentence
    punctuation, and with ``closing`` a closing bracket (any beyond ASCII: ``\u300d``, ``\uff09``).
    """
    if char.isascii():
        return char in _SENTENCE_END or (closing and char in _CLOSING)
    kind = unicodedata.category(char)
    return kind in ("Po", "Pi", "Pf") or (closing and kind == "Pe")


def _credentials(text: str) -> Iterator[str]:
    """The credentials ``text`` echoes as :data:`_CREDENTIAL_VALUES` finds them, each as
    written and with punctuation after it taken off (sentence punctuation; closing brackets
    too after the header's name: ``(Authorization: Bearer tok)``, ``[...]``).
    """
    for match in _CREDENTIAL_VALUES.finditer(text):
        closing = match["header"] is not None
        value = match["header"] if closing else match["value"]
        yield value
        end = len(value)
        while end and _trailing(value[end - 1], closing=closing):
            end -= 1
        yield value[:end]


def json_holds_secret(value: Any, secrets: Iterable[str]) -> bool:
    r"""Whether a parsed JSON value carries a secret in a key or string, decoded (so a JSON
    ``\u0074`` escape hides nothing), escaped forms in it decoded too, as an echo may
    rewrite it (see :func:`.reading.as_echoed`). A long secret counts
    anywhere in a string; a short one (see :data:`MIN_ANYWHERE`) only as the credential of an
    echoed ``Authorization`` header (``Bearer tok``, see :data:`_CREDENTIAL_VALUES`): a
    source's slug or name may well be ``plex`` or hold ``tok`` (the key ``plex_token`` does),
    or ``Basic tok login``, which is no echo of a password. A long secret split across
    strings counts too (see :func:`.split.json_strings_hold`).
    """
    secrets = tuple(s for s in secrets if s)
    long_ = tuple(s for s in secrets if len(s) >= MIN_ANYWHERE)
    short = frozenset(s for s in secrets if len(s) < MIN_ANYWHERE)

    def found(text: str) -> bool:
        decoded = _unescape(text) if _ESCAPES.search(text) else text
        # As echoed from the decoded text: its first decoding is not done twice (a 1 MiB
        # page of escapes took 3 decodings on a 2xx); one more level is read, no less.
        for candidate in dict.fromkeys((text, decoded, as_echoed(decoded))):
            if (
                any(secret in candidate for secret in long_)
                or holds_parts(candidate, long_)
                or holds_interleaved(candidate, long_)
            ):
                return True
            if short and any(value in short for value in _credentials(candidate)):
                return True
        return False

    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if found(item):
                return True
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    # A long secret split across strings (list items, members: see .split).
    return json_strings_hold(value, long_)
