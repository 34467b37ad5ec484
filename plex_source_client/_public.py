"""Public names report the module users import them from, not the private one defining them.

``help()``, tracebacks and ``pickle`` name a class by ``__module__`` and ``__qualname__``: left
alone, an error shows as ``plex_source_client._errors.NotFound`` and ``help(PlexSourceClient)``
points into private modules. httpx does the same in its ``__init__``; here each defining
module calls :func:`publish` right after its definitions, so the public name holds however the
class was reached (``from plex_source_client._errors import NotFound`` included). The public
module must resolve every published name (``pickle`` looks it up there).
"""

from __future__ import annotations

import typing
from typing import Any

PUBLIC_MODULE: typing.Final = "plex_source_client"


def publish(*objects: Any, module: str = PUBLIC_MODULE) -> None:
    """Set ``__module__`` of each class or function to ``module``.

    A class's own annotations are resolved first, in the module defining it:
    ``typing.get_type_hints`` looks names up in the namespace ``__module__`` names, where the
    defining module's imports (``httpx``, ``Callable``) do not exist.
    """
    for obj in objects:
        if isinstance(obj, type) and "__annotations__" in vars(obj):
            hints = typing.get_type_hints(obj, include_extras=True)
            obj.__annotations__ = {name: hints[name] for name in vars(obj)["__annotations__"]}
        obj.__module__ = module
