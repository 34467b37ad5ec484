"""Terminal tables of a source (``update``, ``get``, ``demo``), secrets masked."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

from .._display import display_rows


def text_table(source: Mapping[str, Any], *, changed: Collection[str] = ()) -> str:
    """The source as aligned text lines; fields in ``changed`` are marked with ``*``."""
    rows = display_rows(source)
    width = max((len(name) for name, _ in rows), default=0)
    return "\n".join(
        f"  {'*' if name in changed else ' '} {name.ljust(width)}  {value}" for name, value in rows
    )
