"""Terminal tables of a source (``update``, ``get``, ``demo``), secrets masked, every control
character of a server's field name or value escaped.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

from .._display import display_rows, in_schema_order
from .._text import escape_controls, json_text


def text_table(
    source: Mapping[str, Any], *, changed: Collection[str] = (), show_secrets: bool = False
) -> str:
    """The source as aligned text lines; fields in ``changed`` are marked with ``*``; secrets
    masked unless ``show_secrets``. Names and values are the server's: a newline or an escape
    sequence in either is shown escaped (:func:`.escape_controls`), never sent to the terminal.
    """
    if show_secrets:
        rows = [(name, json_text(value)) for name, value in in_schema_order(source).items()]
    else:
        rows = display_rows(source)
    shown = [(name, escape_controls(name), escape_controls(value)) for name, value in rows]
    width = max((len(name) for _, name, _ in shown), default=0)
    return "\n".join(
        f"  {'*' if name in changed else ' '} {escaped.ljust(width)}  {value}"
        for name, escaped, value in shown
    )
