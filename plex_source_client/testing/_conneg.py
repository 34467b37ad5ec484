"""How authentik's API views negotiate media types: the ``Accept`` header and ``?format=`` of
an answer, the ``Content-Type`` (and charset) of a request body.

Pure functions, no I/O: :class:`~plex_source_client.testing.FakeAuthentik` uses them. Both
releases the fake plays behave alike here (DRF 3.14's and 3.16's ``negotiation.py`` and
``utils/mediatypes.py`` are the same code; Django 5.0's and 5.2's ``parse_header_parameters``
too). authentik renders with drf_orjson_renderer's ``ORJSONRenderer`` alone (media type
``application/json``, format ``json``) and parses with its ``ORJSONParser`` alone
(``application/json``): ``REST_FRAMEWORK["DEFAULT_RENDERER_CLASSES"]`` and
``["DEFAULT_PARSER_CLASSES"]`` in ``authentik/root/settings.py``.
"""

from __future__ import annotations

import codecs
from typing import Final

#: The only renderer's and parser's media type, and the renderer's format.
JSON_MEDIA_TYPE: Final = ("application", "json")
JSON_FORMAT: Final = "json"
#: DRF's ``NotAcceptable.default_detail``.
NOT_ACCEPTABLE: Final = "Could not satisfy the request Accept header."


def _parameters(text: str) -> list[str]:
    """Django's ``_parseparam``: the ``;``-separated parts of a header value (a ``;`` inside
    double quotes does not split), each stripped; the first is the value itself.
    """
    parts = []
    rest = ";" + text
    while rest[:1] == ";":
        rest = rest[1:]
        end = rest.find(";")
        while end > 0 and (rest.count('"', 0, end) - rest.count('\\"', 0, end)) % 2:
            end = rest.find(";", end + 1)
        if end < 0:
            end = len(rest)
        parts.append(rest[:end].strip())
        rest = rest[end:]
    return parts


def parse_media_type(text: str) -> tuple[str, str, dict[str, str]]:
    """(main type, subtype, parameters) as DRF's ``_MediaType`` reads them through Django's
    ``parse_header_parameters``: the type lower-cased, parameter names lower-cased and values
    stripped of their quotes.
    """
    first, *rest = _parameters(text)
    params: dict[str, str] = {}
    for part in rest:
        name, equals, value = part.partition("=")
        if not equals:
            continue
        name = name.strip().lower().removesuffix("*")
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] == '"':
            value = value[1:-1].replace("\\\\", "\\").replace('\\"', '"')
        params[name] = value
    main, _, sub = first.lower().partition("/")
    return main, sub, params


def matches_json(text: str) -> bool:
    """DRF's ``media_type_matches("application/json", text)``: the renderer's (or parser's)
    type has no parameters, so only the types count, and ``*`` matches either.
    """
    main, sub, _ = parse_media_type(text)
    return sub in ("*", JSON_MEDIA_TYPE[1]) and main in ("*", JSON_MEDIA_TYPE[0])


def negotiate(accept: str | None, format_param: str | None) -> tuple[int, str] | None:
    """None when the JSON renderer may answer, else the status and detail DRF's
    ``DefaultContentNegotiation.select_renderer`` raises with, before authentication
    (``APIView.initial`` negotiates first).

    ``format_param`` (``?format=``, the last value): any format but ``json`` leaves no renderer,
    ``Http404``, answered 404 ``Not found.`` in every release (raised without a message).
    ``accept``: the ``Accept`` header (None: absent, which DRF reads as ``*/*``), split on
    commas; any entry matching ``application/json`` selects it (quality values only order
    entries, never exclude one), else 406 ``Could not satisfy the request Accept header.``.
    An empty header matches nothing.
    """
    if format_param and format_param != JSON_FORMAT:
        return 404, "Not found."
    entries = ["*/*"] if accept is None else [entry.strip() for entry in accept.split(",")]
    if any(matches_json(entry) for entry in entries):
        return None
    return 406, NOT_ACCEPTABLE


def breaks_the_request(content_type: str) -> bool:
    """Whether Django cannot even build the request: its ``charset`` makes ``codecs.lookup``
    raise ValueError (a NUL in it), which ``_set_content_type_params`` does not catch (only
    LookupError). Raised while the ASGI handler builds the request, before any view or
    middleware runs: the ASGI server answers its plain 500, for every method.
    """
    charset = parse_media_type(content_type)[2].get("charset")
    if charset is None:
        return False
    try:
        codecs.lookup(charset)
    except LookupError:
        return False
    except ValueError:
        return True
    return False


def body_encoding(content_type: str) -> str:
    """The charset a JSON body is decoded with: Django's ``HttpRequest.encoding`` (the
    ``charset`` parameter when Python knows the codec, ``_set_content_type_params``), which DRF
    hands the parser as ``parser_context["encoding"]``; else ``DEFAULT_CHARSET``, UTF-8.
    """
    charset = parse_media_type(content_type)[2].get("charset")
    if charset is not None:
        try:
            codecs.lookup(charset)
        except LookupError:
            return "utf-8"
        return charset
    return "utf-8"
