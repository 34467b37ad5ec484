"""Masking secrets whose values are known (the client's token, a proxy's password, values
a server stored): :class:`Secret`, :func:`redact` (every spelling, short ones standing alone,
long ones' fragments), finding them in parsed JSON, and URL credentials.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from typing import Any, Final

from .escapes import _ESCAPES, _unescape

MASK: Final = "***"

#: The largest secret file read (an authentik token is 60 characters): a huge file or a device
#: named by mistake is refused, not read whole.
MAX_SECRET_FILE_BYTES: Final = 64 * 1024

#: A secret this long is masked wherever it shows, inside a word too: a real token (authentik's
#: are 60 characters) cannot appear by chance. A shorter one (a 3-letter test token, a proxy
#: password ``plex``) could: it is masked only where it stands alone, as a whole value is
#: written (between spaces, quotes, ``=``, ``:``, ``@``, ``&``, brackets, or the text's ends),
#: and never "found" inside a word or a key (``plex_token``) or a path (``/sources/plex/``).
MIN_ANYWHERE: Final = 8
#: A part of a long secret this long or longer is masked wherever it shows, as the secret is:
#: a parser's error quotes what arrived so far (when a token is split across two TCP
#: segments: 23 of its 25 characters), a text cut short may hold its middle. A run of 12
#: characters of a random token does not occur by chance; a run of 8 does (``12345678`` of a
#: test token inside a source's UUID), so shorter runs are left alone.
FRAGMENT: Final = 12
#: A secret cut off at the end of a text cut short is masked from this many characters on.
_MIN_CUT = 4
#: What may stand on either side of a short secret that is a whole value; after it, sentence
#: punctuation too (``Bearer abc.``).
_DELIMITERS: Final = r"""\s"'`=:,;()\[\]{}<>@&"""
_DELIMITERS_AFTER: Final = _DELIMITERS + r".!?"


class Secret:
    """A string that never shows itself: ``repr()`` and ``str()`` give ``***``.

    Call :meth:`reveal` where the real value is needed (the Authorization header).
    """

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        """The secret itself."""
        return self._value

    def __repr__(self) -> str:
        return f"Secret({MASK!r})"

    __str__ = __repr__

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(self._value)


def _spellings(secret: str) -> set[str]:
    """``secret`` as it is written raw, in a JSON string and in Python's repr of its bytes
    (how httpcore's debug log shows header values): escaping can change a secret with a
    quote, a backslash or a non-ASCII character.
    """
    import json

    return {
        secret,
        _unescape(secret),  # a token holding ``%2F`` or ``&amp;``, shown decoded
        json.dumps(secret)[1:-1],
        json.dumps(secret)[1:-1].replace("/", "\\/"),  # JSON may escape ``/`` too
        json.dumps(secret, ensure_ascii=False)[1:-1],
        repr(secret)[1:-1],
        repr(secret.encode("utf-8", "backslashreplace"))[2:-1],
    }


@functools.lru_cache(maxsize=64)
def _matchers(
    secrets: tuple[str, ...],
) -> tuple[tuple[str, ...], tuple[str, ...], re.Pattern[str] | None, frozenset[str]]:
    """For ``secrets``: the long ones (each spelling, longest first), the long ones again as
    written (for a cut text's end), one pattern for the short ones standing alone, and every
    run of :data:`FRAGMENT` characters of a long one's spellings (to find its parts).
    """
    long_ = sorted({s for s in secrets if len(s) >= MIN_ANYWHERE}, key=len, reverse=True)
    spelled = sorted({x for s in long_ for x in _spellings(s)}, key=len, reverse=True)
    grams = frozenset(x[i : i + FRAGMENT] for x in spelled for i in range(len(x) - FRAGMENT + 1))
    short = sorted(
        {x for s in secrets if 0 < len(s) < MIN_ANYWHERE for x in _spellings(s)},
        key=len,
        reverse=True,
    )
    pattern = None
    if short:
        alternatives = "|".join(map(re.escape, short))
        pattern = re.compile(f"(?<![^{_DELIMITERS}])(?:{alternatives})(?![^{_DELIMITERS_AFTER}])")
    return tuple(spelled), tuple(long_), pattern, grams


def _mask_fragments(text: str, grams: frozenset[str]) -> str:
    """``text`` with every run of characters covered by the ``grams`` (the secrets' runs of
    :data:`FRAGMENT` characters) replaced by one ``***``.

    Whichever search is shorter: a text with fewer windows of :data:`FRAGMENT` characters than
    there are grams (a value, a message, against the grams of many stored secrets) has each
    window looked up in the set; else each gram is looked for by the string search (C speed),
    only those present located, so a long text without any is searched once per gram.
    """
    windows = len(text) - FRAGMENT + 1
    if windows <= 0 or not grams:
        return text
    if windows < len(grams):
        starts = [i for i in range(windows) if text[i : i + FRAGMENT] in grams]
    else:
        starts = []
        for gram in [gram for gram in grams if gram in text]:
            start = text.find(gram)
            while start != -1:
                starts.append(start)
                start = text.find(gram, start + 1)
        starts.sort()
    if not starts:
        return text
    parts, shown_from = [], 0
    run_start, run_end = starts[0], starts[0] + FRAGMENT
    for start in starts[1:]:
        if start <= run_end:  # overlapping or touching grams: one run
            run_end = max(run_end, start + FRAGMENT)
            continue
        parts += [text[shown_from:run_start], MASK]
        shown_from, run_start, run_end = run_end, start, start + FRAGMENT
    parts += [text[shown_from:run_start], MASK, text[run_end:]]
    return "".join(parts)


def redact(text: str, secrets: Iterable[str], *, cut: bool = False) -> str:
    """``text`` with each secret replaced by ``***``: a long one wherever it shows, a short one
    where it stands alone (see :data:`MIN_ANYWHERE`); raw, JSON-escaped or as a bytes repr.
    A part of a long one, :data:`FRAGMENT` characters or more, is masked wherever it shows too.

    A text ``cut`` short (a body read up to a size limit) may end in the first part of a
    (long) secret: that part is masked too.
    """
    spelled, long_, short, grams = _matchers(tuple(secrets))
    for secret in spelled:
        if secret in text:
            text = text.replace(secret, MASK)
    if grams:
        text = _mask_fragments(text, grams)
    if short is not None:
        text = short.sub(MASK, text)
    if cut:
        for secret in long_:
            for length in range(len(secret) - 1, _MIN_CUT - 1, -1):
                if text.endswith(secret[:length]):
                    text = text[:-length] + MASK
                    break
    return text


#: The credential of an ``Authorization`` header, however short (to find a short secret).
_CREDENTIAL_VALUES: Final = re.compile(r"\b(?:Bearer|Basic)\s+(?P<value>[^\s\"',;]+)", re.I)


def json_holds_secret(value: Any, secrets: Iterable[str]) -> bool:
    r"""Whether a parsed JSON value carries a secret in a key or string, decoded (so a JSON
    ``\u0074`` escape hides nothing), escaped forms in it decoded too. A long secret counts
    anywhere in a string; a short one (see :data:`MIN_ANYWHERE`) only as the credential of an
    echoed ``Authorization`` header (``Bearer tok``): a source's slug or name may well be
    ``plex`` or hold ``tok`` (the key ``plex_token`` does), which is no echo of a password.
    """
    secrets = tuple(s for s in secrets if s)
    long_ = tuple(s for s in secrets if len(s) >= MIN_ANYWHERE)
    short = frozenset(s for s in secrets if len(s) < MIN_ANYWHERE)

    def found(text: str) -> bool:
        for candidate in (text, _unescape(text)) if _ESCAPES.search(text) else (text,):
            if any(secret in candidate for secret in long_):
                return True
            if short and any(
                value in short or value.rstrip(".!?:)") in short
                for value in (m["value"] for m in _CREDENTIAL_VALUES.finditer(candidate))
            ):
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
    return False


#: ``scheme://user:password@``: a URL's credentials (userinfo), whatever the scheme and even
#: when the rest of the URL is invalid (a bad port, a space, a control character).
#: The credentials run to the LAST ``@`` before the URL's end (its first whitespace), as a
#: careful reader takes them: a password may hold ``/``, ``#`` or ``?``, where a URL parser
#: (and a pattern stopping there) would end the host and show the rest.
_USERINFO: Final = re.compile(r"(?P<scheme>\b[A-Za-z][A-Za-z0-9+.-]{0,30}://)\S{0,512}@")
#: A URL's start up to where its credentials begin: optional spaces, a scheme and its
#: slashes (``https://``, ``https:``, ``//``, or nothing: ``user:pw@host``).
_URL_START: Final = re.compile(r"\s*(?:[A-Za-z][A-Za-z0-9+.-]{0,30}:)?/{0,3}")


def url_userinfo(url: str) -> str | None:
    """The credentials (``user:password``) of a configured ``url`` (one value, read whole) as
    a careful reader finds them: everything between the scheme's ``//`` and the LAST ``@``,
    spaces included (a pasted password may hold one). None when there is no ``@`` after the
    scheme. A URL parser ends the host at the first ``/``, ``#`` or ``?`` instead, and so
    reads part of a password as a port or a path. In free text, :func:`mask_userinfo` ends
    a URL at its first whitespace.
    """
    url = url.strip()
    start = _URL_START.match(url)
    rest = url[start.end() if start else 0 :]
    at = rest.rfind("@")
    return rest[:at] if at > 0 else None


def url_secrets(url: str) -> tuple[str, ...]:
    """The secrets in ``url``'s credentials (see :func:`url_userinfo`): the whole userinfo,
    the password, and the password's parts between ``/``, ``#``, ``?``, ``:`` and ``@`` (what
    a URL parser quotes as a "port" or a host). Empty when the URL has none.
    """
    userinfo = url_userinfo(url)
    if not userinfo:
        return ()
    found = [userinfo]
    _, colon, password = userinfo.partition(":")
    if colon and password:
        found.append(password)
        found += [part for part in re.split(r"[/?#:@]", password) if part]
    return tuple(dict.fromkeys(found))


def mask_userinfo(text: str) -> str:
    """``text`` with the credentials of every URL in it masked (``https://***@host``)."""
    if "@" not in text:
        return text
    return _USERINFO.sub(lambda m: f"{m['scheme']}{MASK}@", text)


def mask_known(text: str, secrets: Iterable[str]) -> str:
    """``text`` with the known ``secrets`` (see :func:`redact`) and URL credentials masked,
    nothing else: as written, or, when an escaped form (``%74ok...``) hides a secret, decoded
    and masked. For texts that are not ours to rewrite (other code's log records).
    """
    secrets = tuple(secrets)
    masked = mask_userinfo(redact(text, secrets))
    if _ESCAPES.search(masked):
        decoded = _unescape(masked)
        redacted = redact(decoded, secrets)
        if redacted != decoded:
            return redacted
    return masked
