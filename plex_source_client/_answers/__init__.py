"""Reading and checking what the server answered. Pure logic, no I/O, shared by both clients.

An answer is never trusted: its body is read up to a size limit counted after decompression
(``_http/body.py``), parsed with a bound on nesting, and a 2xx body must be what the request
expects; a non-2xx answer becomes its status's own error. Whatever is kept on an error or shown
in a message is masked (secret-named keys and known secrets, parsed or not) and shortened first.

- :mod:`.json_body`: the body as JSON (bounded, UTF-8 only) or as text;
- :mod:`.source`: a 2xx body as a Plex source, every field of its spec's JSON type;
- :mod:`.page`: a 2xx body of the list as a :class:`~.page.Page` of sources;
- :mod:`.version`: a 2xx body of the version endpoint as the server's release;
- :mod:`.errors`: a non-2xx answer as its typed error, and what errors keep of a body.

The names below are the ones the rest of the package and its tests use.
"""

from __future__ import annotations

from .errors import (
    KEPT_TEXT,
    LIST_NOT_FOUND,
    MAX_PARSED_ERROR,
    answer_secrets,
    api_error,
    error_body,
    kept_text,
    request_id,
    request_id_hiding,
    unexpected_body,
)
from .json_body import (
    DEFAULT_MAX_RESPONSE_SIZE,
    MAX_JSON_DEPTH,
    DuplicateKey,
    JSONTooDeep,
    NotUTF8,
    as_utf8,
    body_text,
    parse_json,
)
from .page import Page, page_from_json, parse_page
from .source import parse_source, require_release_fields, source_problem
from .version import VERSION_PATH, parse_version

__all__ = [
    "DEFAULT_MAX_RESPONSE_SIZE",
    "KEPT_TEXT",
    "LIST_NOT_FOUND",
    "MAX_JSON_DEPTH",
    "MAX_PARSED_ERROR",
    "VERSION_PATH",
    "DuplicateKey",
    "JSONTooDeep",
    "NotUTF8",
    "Page",
    "answer_secrets",
    "api_error",
    "as_utf8",
    "body_text",
    "error_body",
    "kept_text",
    "page_from_json",
    "parse_json",
    "parse_page",
    "parse_source",
    "parse_version",
    "request_id",
    "request_id_hiding",
    "require_release_fields",
    "source_problem",
    "unexpected_body",
]
