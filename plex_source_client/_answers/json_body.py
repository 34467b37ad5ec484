"""An answer's body as JSON or text, never trusted: bounded JSON parsing (UTF-8 only, a
bound on nesting and on lists and objects), the body as text, and a 2xx body's JSON or a
ValueError saying (masked) why there is none.
"""

from __future__ import annotations

import json
from typing import Any, Final

from .._http.body import Answer
from .._secrets import mask_text, text_stored_secrets
from .._text import one_line

#: The default largest body accepted, after decompression. A Plex source is about 1 KiB.
DEFAULT_MAX_RESPONSE_SIZE: Final = 1024 * 1024

#: Deepest JSON nesting accepted. authentik's answers nest 3 levels at most (a 400's
#: ``{"field": {"0": ["message"]}}``); deeper is not an answer of this API.
MAX_JSON_DEPTH: Final = 32

#: The most lists and objects a JSON answer may hold: a page of 1,000 sources has about 4,000;
#: a megabyte of ``[{},{},...]`` would parse into some 80 MB of Python objects.
MAX_JSON_CONTAINERS: Final = 20_000


class JSONTooDeep(ValueError):
    """The JSON nests deeper than :data:`MAX_JSON_DEPTH`."""


class NotUTF8(ValueError):
    """The body is not UTF-8 (JSON in UTF-16 or UTF-32, or invalid UTF-8)."""


class DuplicateKey(ValueError):
    """An object in the JSON repeats a key. authentik's JSON (Python's ``json`` behind DRF's
    renderer, from a dict) never does, and ``json.loads`` would keep only the last value: a
    value stored under a secret-named key before its repeat would no longer be known as one,
    and so not masked where the body repeats it.
    """


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """An object's pairs as a dict; :class:`DuplicateKey` if a key repeats."""
    value = dict(pairs)
    if len(value) != len(pairs):
        raise DuplicateKey("the JSON repeats a key in an object, which authentik's never does")
    return value


#: The first bytes of the byte order marks ``json.detect_encoding`` looks for (UTF-8's,
#: UTF-16's, UTF-32's) and of UTF-16/32 text that starts with ASCII (a NUL).
_NOT_PLAIN_UTF8_START: Final = frozenset(b"\xef\xfe\xff\x00")


def _encoding(content: bytes) -> str:
    """The encoding ``json.loads(content)`` would read ``content`` in: UTF-8 (``utf-8-sig``
    with a byte order mark), or UTF-16/32 when the first bytes hold NULs or their BOM.

    Every answer's body is looked at this way (the echo check, the request id, the parser):
    two bytes that are no BOM's start nor a NUL settle it as ``json.detect_encoding`` would
    (tests/test_answers.py compares them), without its chain of prefix checks.
    """
    if len(content) >= 2 and content[0] not in _NOT_PLAIN_UTF8_START and content[1]:
        return "utf-8"
    return json.detect_encoding(content)


def as_utf8(content: bytes) -> bytes:
    """``content`` as UTF-8: unchanged when it is (or is not text at all), else decoded as the
    UTF-16/32 JSON decoding reads it (undecodable bytes replaced) and re-encoded. Checks for
    echoed secrets look at this, so they see what a JSON parser would.
    """
    encoding = _encoding(content)
    if encoding.startswith("utf-8"):
        return content
    return content.decode(encoding, "replace").encode("utf-8", "replace")


def parse_json(content: bytes) -> Any:
    """The JSON value in ``content``; ValueError if it is not JSON or nests too deeply, and
    :class:`NotUTF8` if it is not UTF-8: JSON between systems is UTF-8 (RFC 8259, section
    8.1; a leading byte order mark is ignored, as it allows) and authentik sends nothing else.
    ``json.loads(bytes)`` would read UTF-16 and UTF-32 too, past every check on the raw bytes.
    An object repeating a key raises :class:`DuplicateKey`: it is not authentik's JSON.

    Nesting is bounded before anything recursive sees the value: a body with few brackets
    cannot nest deeply (the fast path for real answers); otherwise the parsed value is walked
    without recursion, and the parser's own RecursionError is caught.
    """
    encoding = _encoding(content)
    if not encoding.startswith("utf-8"):
        raise NotUTF8(
            f"the body is {encoding.upper()}, not UTF-8: JSON between systems is UTF-8 "
            "(RFC 8259), and authentik sends nothing else"
        )
    try:
        # As json.loads(bytes) decodes (a UTF-8-encoded lone surrogate passes, as before).
        text = content.decode(encoding, "surrogatepass")
    except UnicodeDecodeError:
        raise NotUTF8("the body is not valid UTF-8") from None
    containers = text.count("[") + text.count("{")
    if containers > MAX_JSON_CONTAINERS:  # each parses into a Python object of ~50+ bytes
        raise JSONTooDeep(f"the JSON holds more than {MAX_JSON_CONTAINERS:,} lists and objects")
    try:
        value = json.loads(text, object_pairs_hook=_unique_keys)
    except RecursionError:
        raise JSONTooDeep(f"the JSON nests deeper than {MAX_JSON_DEPTH} levels") from None
    if containers > MAX_JSON_DEPTH and _depth(value) > MAX_JSON_DEPTH:
        raise JSONTooDeep(f"the JSON nests deeper than {MAX_JSON_DEPTH} levels")
    return value


def _depth(value: Any) -> int:
    deepest = 0
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            item = list(item.values())
        if isinstance(item, list):
            if depth > deepest:
                deepest = depth
            if depth > MAX_JSON_DEPTH:
                break
            stack.extend((child, depth + 1) for child in item)
    return deepest


def body_text(answer: Answer) -> str:
    """The body as text (UTF-8, or UTF-16/32 as :func:`as_utf8` reads it; undecodable bytes
    replaced), not yet masked: masking then finds a secret however the body spells it.
    """
    content = answer.content
    encoding = _encoding(content)
    return content.decode("utf-8" if encoding.startswith("utf-8") else encoding, "replace")


def shown_problem(answer: Answer, secrets: tuple[str, ...]) -> str:
    """Why the body was not read in full, masked, then shortened: it can quote a header."""
    return one_line(mask_text(answer.problem or "the body was not read in full", secrets), 300)


def body_text_secrets(answer: Answer) -> tuple[str, ...]:
    """The values ``answer``'s body, read as text, stores under secret-named keys
    (:func:`~.._secrets.text_stored_secrets`), found once per answer: the success path's
    refusal and the error it becomes both need them (each whole-body scan of a 1 MiB page of
    named values costs ~2 s).
    """
    if answer.text_secrets is None:
        answer.text_secrets = text_stored_secrets(body_text(answer))
    return answer.text_secrets


#: How much of a 2xx body that is no JSON is masked for the start its error quotes (100
#: characters): a few times that, as masking shortens a text; not the whole 1 MiB body.
_MASKED_START: Final = 4096


def success_json(answer: Answer, secrets: tuple[str, ...]) -> Any:
    """The 2xx body's JSON, or ValueError saying (safely: masked) why there is none. What the
    message quotes of the headers is masked with the values the body stores under
    secret-named keys too (``plex_token=T`` in the body, ``; x=T`` in its ``Content-Type``).
    """
    if not answer.complete:
        raise ValueError(shown_problem(answer, (*secrets, *body_text_secrets(answer))))
    try:
        return parse_json(answer.content)
    except (JSONTooDeep, NotUTF8, DuplicateKey) as exc:
        raise ValueError(str(exc)) from None
    except ValueError:
        text = body_text(answer)
        masking = (*secrets, *body_text_secrets(answer))
        content_type = one_line(
            mask_text(answer.response.headers.get("Content-Type", "no content type"), masking),
            200,
        )
        head = text[:_MASKED_START]
        start = one_line(mask_text(head, masking, cut=len(head) < len(text)), 100)
        raise ValueError(f"the body is not JSON ({content_type}): {start!r}") from None
