"""Masking the secrets of texts whose secrets are not known (bodies, log records, error
bodies) and collecting the values masked, to mask them where the text repeats them: the
entry points :func:`mask_text`, :func:`mask_record`, :func:`text_stored_secrets`, and
:func:`mask_json`, :func:`redact_json` for JSON error bodies. :func:`_mask_keys` runs the
rules by syntax: :mod:`.markup`'s (elements, PostgreSQL's details, multipart fields, items),
:mod:`.bound`'s (the values an SQL statement's placeholders were bound to), then
:mod:`.keyed`'s (``key=value`` and its kin, spaced keys, HTTP credentials), each masking a
value as :mod:`.values` does; last, for a syntax none reads, the fallback of :mod:`.nearby`
(token-like words near a secret name).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from typing import Any, Final

from . import locate
from .bound import mask_bound_values
from .escapes import _ESCAPES, _unescape
from .keyed import (
    _AUTHORIZATION,
    _AUTHORIZATION_STEM,
    _CREDENTIALS,
    _SCHEMES,
    _SECRET_SPACED,
    _mask_keyed,
    mask_spaced,
)
from .known import redact
from .markup import (
    _MULTIPART_FIELD,
    _MULTIPART_STEM,
    _SECRET_ELEMENT,
    _mask_element,
    _mask_items,
    _mask_multipart,
    _mask_named_elements,
    _mask_pg_keys,
)
from .members import (
    is_message,
    listed_values,
    member_kinds,
    secret_members,
    stored_secrets,
)
from .names import is_secret_name
from .nearby import _NAME, mask_nearby_at
from .reading import as_read
from .secret import MASK, MIN_ANYWHERE
from .split import mask_split
from .tables import (
    mask_html_tables,
    mask_json_tables,
    mask_text_tables,
)
from .userinfo import mask_known, mask_userinfo
from .values import _mask_value
from .words import mask_words


def _mask_keys(text: str, found: dict[str, None]) -> str:
    """``text`` with the value of every secret-named key (``plex_token=...``, in JSON, text,
    HTML, XML, PostgreSQL's details, multipart fields, lists and expressions) and HTTP
    credentials (``Bearer ...``) masked, then the token-like words near a secret name whose
    value no rule masked (:func:`.nearby.mask_nearby`); the values masked are added to
    ``found``. A text that names a secret only as a person reads it (fullwidth letters, a
    zero-width space inside the name: see :mod:`.reading`) is shown as read, masked.
    """
    read = as_read(text)
    if read is not text and _names(read) > _names(text):
        text = read
    # Tables first: a header's other names would be taken for the secret's value.
    text = mask_text_tables(text, found)
    if "<" in text:
        text = mask_html_tables(text, found)
    if "<" in text:
        text = _mask_named_elements(text, found)
    if "Key (" in text:
        text = _mask_pg_keys(text, found)
    text = mask_bound_values(text, found)
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
    text = locate.sub(_SECRET_SPACED, functools.partial(mask_spaced, found=found), text, starts)
    if "<" in text:
        text = _SECRET_ELEMENT.sub(functools.partial(_mask_element, found=found), text)
    if locate.holds(_AUTHORIZATION_STEM, text):
        text = _AUTHORIZATION.sub(functools.partial(_mask_value, found=found), text)
    if locate.holds(_SCHEMES, text):
        text = _CREDENTIALS.sub(lambda m: f"{m['scheme']}{m['sep']}{MASK}", text)
    # Last, the fallback for syntaxes no rule above reads: token-like words near a name.
    return mask_nearby_at(text, found, starts if text is located else locate.word_starts(text))


def _names(text: str) -> int:
    """How many words of ``text`` hold a secret's name (``plex_token``; not ``pass``)."""
    return sum(1 for _ in locate.finditer(_NAME, text, locate.word_starts(text)))


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
    secrets = tuple(secrets)
    # The known secrets first: a rule reading a value (``#...`` after a key) could mask part
    # of one and leave its start, under the fragment length, shown.
    text = redact(text, secrets)
    found: dict[str, None] = {}
    text = _mask_keys(text, found)
    # Second pass: a value masked after its key (``plex_token=T``) is masked where the text
    # repeats it (``name: T is not valid``) too.
    # The same tuple when nothing was found: redact's matchers are built once per tuple (an
    # error body of thousands of strings is masked string by string).
    repeated = _repeated(found)
    return redact(mask_userinfo(text), (*secrets, *repeated) if repeated else secrets, cut=cut)


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


def _said(value: Any) -> Any:
    """A member saying what was wrong beside one naming a secret field (see
    :func:`~.members.member_kinds`), already masked as text: its token-like words masked too.
    """
    if isinstance(value, str):
        return mask_words(value, {})
    if isinstance(value, list):
        return [_said(item) for item in value]
    return value


def mask_json(value: Any, secrets: Iterable[str]) -> Any:
    r"""A copy of a JSON error body with secret-named fields, and the values a sibling member
    names as a secret (``{"loc": ["body", "plex_token"], "input": T}``: see
    :func:`~.members.secret_members`), masked, the token-like words of a message beside it
    too (``{"attr": "plex_token", "detail": T}``), and every string (keys too) masked as a text
    body is (:func:`mask_text`): a secret-named key written inside a
    string (``"invalid plex_token=..."``, JSON in a string), a secret escaped in it
    (``&#..;``, ``%XX``, a literal ``\uXXXX``) and HTTP credentials (``Basic ...``); a known
    secret split across its strings first (see :func:`.split.mask_split`).
    """
    secrets = tuple(secrets)
    # A secret split across its strings first (``["3f1c7e2a", "8b4d", ...]``: see .split).
    return _mask_json(mask_split(mask_json_tables(value, {}), secrets), secrets)


def _mask_json(value: Any, secrets: tuple[str, ...]) -> Any:
    """:func:`mask_json`, its tables' secret cells masked already."""
    if isinstance(value, dict):
        hidden, saying = member_kinds(value, error=True)
        return {
            mask_text(key, secrets) if isinstance(key, str) else key: _messages_or_mask(
                item, secrets
            )
            if key in hidden
            else _said(_mask_json(item, secrets))
            if key in saying
            else _mask_json(item, secrets)
            for key, item in value.items()
        }
    if isinstance(value, list):
        if len(value) == 2 and isinstance(value[0], str) and is_secret_name(value[0]):
            # A ``[name, value]`` pair (headers as a debugging page lists them).
            return [mask_text(value[0], secrets), MASK]
        # ``[..., "X-Plex-Token", T, ...]``; a set: looked up once per item (linear time)
        listed = set(listed_values(value))
        return [
            MASK if at in listed else _mask_json(item, secrets) for at, item in enumerate(value)
        ]
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
    secret: see :func:`~.members.secret_members`) masked and known secrets redacted, in keys
    too (a server may echo a secret as a key).
    """
    return _redact_json(mask_json_tables(value, {}), tuple(secrets))


def _redact_json(value: Any, secrets: tuple[str, ...]) -> Any:
    """:func:`redact_json`, its tables' secret cells masked already."""
    if isinstance(value, dict):
        hidden = secret_members(value)
        return {
            redact(key, secrets) if isinstance(key, str) else key: MASK
            if key in hidden
            else _redact_json(item, secrets)
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [_redact_json(item, secrets) for item in value]
    if isinstance(value, str):
        return redact(value, secrets)
    return _number_or_mask(value, secrets)


def json_stored_secrets(value: Any) -> tuple[str, ...]:
    """The values a parsed JSON value stores: under secret-named members (see
    :func:`~.members.stored_secrets`), and under secret-named keys written inside its strings
    (``"detail": "rejected plex_token=T"``, ``"X-Plex-Token: T"``, an XML element), as
    :func:`mask_text` finds them there: the same body may repeat them without their name (a
    URL, a traceback's frame, a ``Location``). Those found in strings are the long ones only
    (see :func:`_repeated`): a short one (``invalid``) could be a word.
    """
    found: dict[str, None] = dict.fromkeys(stored_secrets(value, error=True))
    in_strings: dict[str, None] = {}
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if locate.holds(locate.NAME_STEMS, item):
                _mask_keys(_unescape(item) if _ESCAPES.search(item) else item, in_strings)
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    found.update(dict.fromkeys(_repeated(in_strings)))
    return tuple(found)


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
