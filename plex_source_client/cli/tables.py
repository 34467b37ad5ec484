"""Terminal tables of a source (``update``, ``get``, ``demo``), secrets masked."""

from __future__ import annotations

import json
from collections.abc import Collection, Mapping
from typing import Any

from .._display import display_rows, in_schema_order


def text_table(
    source: Mapping[str, Any], *, changed: Collection[str] = (), show_secrets: bool = False
) -> str:
    """The source as aligned text lines; fields in ``changed`` are marked with ``*``; secrets
    masked unless ``show_secrets``.
    """
    if show_secrets:
        rows = [
            (name, json.dumps(value, ensure_ascii=False))
            for name, value in in_schema_order(source).items()
        ]
    else:
        rows = display_rows(source)
    width = max((len(name) for name, _ in rows), default=0)
    return "\n".join(
        f"  {'*' if name in changed else ' '} {name.ljust(width)}  {value}" for name, value in rows
    )
