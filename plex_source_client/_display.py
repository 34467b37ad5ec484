"""Showing a Plex source to people, secrets masked: the rows and the notebook table the core
needs (``PlexSource._repr_html_``); the terminal table is the command line's
(:mod:`plex_source_client.cli.tables`).
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Mapping
from typing import Any, Final

from ._generated.spec import SOURCE_FIELD_TYPES
from ._secrets import MASK, is_secret_name, redact, redact_json, stored_secrets
from ._text import json_text

#: PlexSource's fields in the order authentik's serializer sends them (``_generated/spec.py``,
#: from the spec with codegen/releases.yaml placing what later releases added; an older
#: release's order is the same without the fields it lacks).
FIELD_ORDER: Final = tuple(SOURCE_FIELD_TYPES)


def in_schema_order(source: Mapping[str, Any]) -> dict[str, Any]:
    """``source`` with authentik's fields first, in schema order, then any others."""
    known = {name: source[name] for name in FIELD_ORDER if name in source}
    return known | {name: value for name, value in source.items() if name not in known}


def display_rows(source: Mapping[str, Any], also: Iterable[str] = ()) -> list[tuple[str, str]]:
    """``(field, value)`` pairs for a source's JSON, values as compact JSON (controls
    escaped: :func:`._text.json_text`), secrets masked: a secret-named field (an empty one
    shows as it is: it holds nothing), every secret-named key inside a value, and the values
    they hold wherever another field repeats them, and the secrets ``also`` names (those
    other sources of the same answer store).
    """
    return _rows(source, shown_secrets(source, also))


def shown_secrets(source: Mapping[str, Any], also: Iterable[str] = ()) -> tuple[str, ...]:
    """What showing ``source`` masks wherever it repeats them: the values it stores under
    secret-named keys, and ``also`` (those the other sources of its answer store).
    """
    return (*stored_secrets(dict(source)), *also)


def _rows(source: Mapping[str, Any], stored: tuple[str, ...]) -> list[tuple[str, str]]:
    rows = []
    for name, value in in_schema_order(source).items():
        if is_secret_name(name) and value:
            rows.append((name, MASK))
        else:
            rows.append((name, json_text(redact_json(value, stored))))
    return rows


def html_table(source: Mapping[str, Any], also: Iterable[str] = ()) -> str:
    """The source as a compact HTML table (for Jupyter), secrets masked (see
    :func:`display_rows`); its caption names the slug, masked as its row is.
    """
    stored = shown_secrets(source, also)
    title = f"PlexSource {redact(str(source.get('slug', '')), stored)}"
    cells = "".join(
        f"<tr><th style='text-align:left'>{html.escape(name)}</th>"
        f"<td style='text-align:left'><code>{html.escape(value)}</code></td></tr>"
        for name, value in _rows(source, stored)
    )
    return f"<table><caption>{html.escape(title)}</caption>{cells}</table>"
