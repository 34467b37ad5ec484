"""Keeping secrets (the API token, Plex tokens) out of reprs, logs, errors and output."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from typing import Any, Final

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

#: Parts of field names that hold a secret, in authentik's responses and in our requests,
#: however a server spells the name: ``plex_token``, ``X-Plex-Token``, ``apiKey``,
#: ``private-key``, ``APIKEY``, ``passwd``, and ``key`` as a word of its own (``signing_key``,
#: ``accessKey``, ``KEY``; not ``monkey``, ``keyboard``) (a regular expression, matched
#: ignoring case).
_SECRET_NAME_PARTS: Final = (
    r"token|secret|passw(?:or)?d|private[_-]?key|api[_-]?key"  # noqa: S105
    r"|(?<![a-z])key(?![a-z])|(?-i:(?<=[a-z0-9])Key(?![a-z]))"
)
_SECRET_NAME: Final = re.compile(_SECRET_NAME_PARTS, re.IGNORECASE)


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


def is_secret_name(name: str) -> bool:
    """Whether a field called ``name`` holds a secret (``plex_token``, ``client_secret``,
    ``apiKey``, ``x-api-key``, ...).
    """
    return _SECRET_NAME.search(name) is not None


def stored_secrets(value: Any) -> tuple[str, ...]:
    """The strings a JSON value stores under secret-named keys (``plex_token``, at any depth;
    every string inside such a key's list or object too), stripped forms included: an answer
    that masks them under their key may repeat them in another field (a name, a message), so
    whatever shows that JSON masks them there too (see :func:`redact`). Walks the value once:
    called where it is masked or shown (an error, a repr), never on a successful call's path.
    """
    found: dict[str, None] = {}
    stack: list[tuple[Any, bool]] = [(value, False)]
    while stack:
        item, under_secret = stack.pop()
        if isinstance(item, str):
            if under_secret:
                found.update(dict.fromkeys(x for x in (item, item.strip()) if x))
        elif isinstance(item, dict):
            stack.extend(
                (child, under_secret or is_secret_name(str(key))) for key, child in item.items()
            )
        elif isinstance(item, list | tuple):
            # An error body's messages about a secret field (``This field may not be
            # blank.``) are no stored value.
            stack.extend((child, under_secret) for child in item if not is_message(child))
    return tuple(found)


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
    :data:`FRAGMENT` characters) replaced by one ``***``. Each gram is looked for by the
    string search (C speed); only those present are located, so a text without any is
    searched once per gram and returned as it is.
    """
    present = [gram for gram in grams if gram in text]
    if not present:
        return text
    spans = []
    for gram in present:
        start = text.find(gram)
        while start != -1:
            spans.append((start, start + FRAGMENT))
            start = text.find(gram, start + 1)
    spans.sort()
    parts, shown_from = [], 0
    run_start, run_end = spans[0]
    for start, end in spans[1:]:
        if start <= run_end:  # overlapping or touching grams: one run
            run_end = max(run_end, end)
            continue
        parts += [text[shown_from:run_start], MASK]
        shown_from, run_start, run_end = run_end, start, end
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


_TAG: Final = r"<[^<>]{0,200}>"
_PARTS: Final = _SECRET_NAME_PARTS
#: A secret-named key and what separates it from its value, in JSON (complete or cut short,
#: or escaped inside a string: ``{\"plex_token\": \"...``), ``key=value``, ``key: value``,
#: ``key | value`` and ``key -> value`` text, form fields (``source[plex_token]=...``) and
#: HTML (``<td>token</td><td>value``, ``name="token" value="..."``). Its value follows (see
#: :func:`_value_end`).
_SECRET_KEY: Final = re.compile(
    r"(?<![\w.-])(?P<key>[\w.-]{0,40}?(?:" + _PARTS + r")[\w.-]{0,40})"
    r"(?P<sep>\\?[\"'\]]?(?:\s*(?:[:=|]|->|=>|\u2192)|\s+value\s*=|(?=\s*<))"
    r"(?:\s*" + _TAG + r"){0,8}\s*)(?=\S)",
    re.IGNORECASE,
)
#: A value that is not a list or an object: quoted (to its closing quote or the end of the
#: text), quoted with escaped quotes (JSON inside a JSON string), or a bare word (to the next
#: space: a token may hold ``&`` or ``;``).
_VALUE: Final = re.compile(
    r"\"(?:[^\"\\]|\\.)*\"?|'[^']*'?|\\\"(?:(?!\\\")[\s\S])*(?:\\\")?|[^\s\"'<>]+"
)
#: What matters when finding where a list or an object ends: brackets, quotes, backslashes.
_STRUCTURE: Final = re.compile(r"[\[\]{}\"\\]")
#: An XML element named as a secret holds one as its text: ``<authToken>T</authToken>`` (as
#: Plex's own API writes it), ``<plex_token>T`` cut short.
_SECRET_ELEMENT: Final = re.compile(
    r"<(?P<name>[\w.:-]{1,80})(?P<attrs>\s[^<>]{0,200})?>(?P<value>[^<]+)"
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


def _mask_keyed(text: str, found: dict[str, None]) -> str:
    """``text`` with the value after every secret-named key (:data:`_SECRET_KEY`) masked."""
    parts: list[str] = []
    shown_from = 0
    match = _SECRET_KEY.search(text)
    while match is not None:
        end = _value_end(text, match.end())
        if end == match.end():  # no value here (a tag follows): not a key and its value
            match = _SECRET_KEY.search(text, match.start() + 1)
            continue
        parts += [text[shown_from : match.start()], match["key"], match["sep"]]
        parts.append(_masked(text[match.end() : end], found))
        shown_from = end
        match = _SECRET_KEY.search(text, max(end, match.end()))
    parts.append(text[shown_from:])
    return "".join(parts)


def _mask_element(match: re.Match[str], found: dict[str, None]) -> str:
    """An XML element's match, its text masked when the element is named as a secret."""
    if not is_secret_name(match["name"]) or not match["value"].strip():
        return match.group()
    found[match["value"].strip()] = None
    return f"<{match['name']}{match['attrs'] or ''}>{MASK}"


#: An identifier-like secret-named key (``plex_token``, ``api-key``: a ``_`` or ``-`` in it;
#: or camelCase: ``plexToken``, ``apiKey``) followed by its value after mere spaces:
#: ``plex_token abc123``. A plain word (``Token invalid``) is no key.
_SECRET_SPACED: Final = re.compile(
    r"(?<![\w.-])(?P<key>[\w.-]{0,40}?[_-](?:"
    + _PARTS
    + r")[\w.-]{0,40}|(?:"
    + _PARTS
    + r")[_-][\w.-]{0,40}"
    + r"|(?-i:[a-z][A-Za-z0-9]{0,40}?"
    + r"(?:Token|Secret|Passw(?:or)?d|Key)\w{0,40})"
    + r"|(?-i:api[A-Z]?[Kk]ey|private[A-Z]?[Kk]ey)\w{0,40})"
    + r"(?P<sep>[ \t]+|[ \t]*\r?\n[ \t]*)(?P<value>[^\s\"'<>,;&=:|-][^\s\"'<>]*)",
    re.IGNORECASE,
)
#: HTTP credentials anywhere: ``Bearer <token>``, ``Basic <base64 of user:password>``.
_CREDENTIALS: Final = re.compile(r"\b(?P<scheme>Bearer|Basic)(?P<sep>\s+)[\w+/=.~-]{6,}", re.I)
#: The credential of an ``Authorization`` header, however short (to find a short secret).
_CREDENTIAL_VALUES: Final = re.compile(r"\b(?:Bearer|Basic)\s+(?P<value>[^\s\"',;]+)", re.I)
#: Escapes that can spell a key so the patterns above miss it: JSON's ``\u0074``, HTML's
#: ``&quot;``, URLs' ``%22``.
_ESCAPES: Final = re.compile(
    r"\\u[0-9a-fA-F]{4}|&(?:#\d{1,7}|#x[0-9a-fA-F]{1,6}|\w{2,8});|%[0-9a-fA-F]{2}"
)


def _masked(value: str, found: dict[str, None]) -> str:
    """A secret-named key's ``value`` masked (its quotes, or a list's or an object's brackets,
    kept); what it holds (its strings, quotes taken off) is added to ``found``.
    """
    quote = '\\"' if value.startswith('\\"') else value[:1] if value[:1] in "\"'[{" else ""
    ends = {"[": "]", "{": "}"}.get(quote, quote)
    closing = ends if quote and len(value) > len(quote) and value.endswith(ends) else ""
    found.update(dict.fromkeys(_held_values(value, quote, closing)))
    return f"{quote}{MASK}{closing}"


def _mask_value(match: re.Match[str], found: dict[str, None]) -> str:
    """The match of a secret-named key and its value (``key``, ``sep``, ``value``), masked."""
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


def _unescape(text: str) -> str:
    """``text`` with JSON, HTML and URL escapes decoded, so escaped keys are found too."""
    import html
    from urllib.parse import unquote

    def one(match: re.Match[str]) -> str:
        escape = match.group()
        if escape.startswith("\\u"):
            return chr(int(escape[2:], 16))
        if escape.startswith("%"):
            return unquote(escape)
        return html.unescape(escape)

    return _ESCAPES.sub(one, text)


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


def _mask_keys(text: str, found: dict[str, None]) -> str:
    """``text`` with the value of every secret-named key (``plex_token=...``, in JSON, text,
    HTML, XML) and HTTP credentials (``Bearer ...``) masked; the values masked are added to
    ``found``.
    """
    text = _mask_keyed(text, found)
    text = _SECRET_SPACED.sub(functools.partial(_mask_value, found=found), text)
    if "<" in text:
        text = _SECRET_ELEMENT.sub(functools.partial(_mask_element, found=found), text)
    return _CREDENTIALS.sub(lambda m: f"{m['scheme']}{m['sep']}{MASK}", text)


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
    decoded form too: see :func:`_spellings`).
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
    r"(?P<vq>['\"])(?P<value>(?:\\.|(?!(?P=vq))[^\\]){0,8192})(?P=vq)"
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


#: A validation message, as DRF writes them (``This field may not be blank.``): words of a
#: few letters, spaces, a full stop. Under a secret-named key of an error body such a
#: sentence is the reason, not the secret: a token is one long word.
_MESSAGE: Final = re.compile(r"[A-Z][a-z]{0,11}(?: [\w,'\"()-]{1,12}){2,30}\.")


def is_message(value: object) -> bool:
    """Whether ``value`` is a validation message (see :data:`_MESSAGE`), not a stored value."""
    return isinstance(value, str) and _MESSAGE.fullmatch(value) is not None


def _messages_or_mask(value: Any, secrets: tuple[str, ...]) -> Any:
    """A secret-named key's value in an error body: DRF's list of messages shown (masked as
    any text), anything else masked whole.
    """
    if isinstance(value, list) and value and all(is_message(item) for item in value):
        return [mask_text(item, secrets) for item in value]
    return MASK


def mask_json(value: Any, secrets: Iterable[str]) -> Any:
    r"""A copy of a JSON error body with secret-named fields masked and every string (keys
    too) masked as a text body is (:func:`mask_text`): a secret-named key written inside a
    string (``"invalid plex_token=..."``, JSON in a string), a secret escaped in it
    (``&#..;``, ``%XX``, a literal ``\uXXXX``) and HTTP credentials (``Basic ...``).
    """
    secrets = tuple(secrets)
    if isinstance(value, dict):
        return {
            mask_text(key, secrets) if isinstance(key, str) else key: _messages_or_mask(
                item, secrets
            )
            if is_secret_name(str(key))
            else mask_json(item, secrets)
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [mask_json(item, secrets) for item in value]
    if isinstance(value, str):
        return mask_text(value, secrets)
    return value


def redact_json(value: Any, secrets: Iterable[str]) -> Any:
    """A copy of a JSON value with secret-named fields masked and known secrets redacted,
    in keys too (a server may echo a secret as a key).
    """
    secrets = tuple(secrets)
    if isinstance(value, dict):
        return {
            redact(key, secrets) if isinstance(key, str) else key: MASK
            if is_secret_name(str(key))
            else redact_json(item, secrets)
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [redact_json(item, secrets) for item in value]
    if isinstance(value, str):
        return redact(value, secrets)
    return value


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
