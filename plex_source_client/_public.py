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
        if isinstance(obj, type):
            if "__annotations__" in vars(obj):
                hints = typing.get_type_hints(obj, include_extras=True)
                obj.__annotations__ = {name: hints[name] for name in vars(obj)["__annotations__"]}
            # Its methods too: pydoc (3.13 on) says "from plex_source_client._x.Class" after a
            # method whose module is not its class's. Only functions of this class's own body
            # (pydoc's test: the qualified name), never one shared with others (attrs.evolve).
            for name, function in _functions_of(obj):
                own = function.__qualname__ == f"{obj.__qualname__}.{name}"
                if own and function.__module__ == obj.__module__:
                    function.__module__ = module
            _own_replace(obj, module)
        obj.__module__ = module


def _functions_of(cls: type) -> list[tuple[str, Any]]:
    """The functions in ``cls``'s namespace, by the name they have there: methods, class and
    static methods, and property accessors (``fget`` and the like, by their own name).
    """
    found: list[tuple[str, Any]] = []
    for name, member in vars(cls).items():
        if isinstance(member, classmethod | staticmethod):
            member = member.__func__
        if isinstance(member, property):
            found += [(f.__name__, f) for f in (member.fget, member.fset, member.fdel) if f]
        elif callable(member) and hasattr(member, "__code__"):
            found.append((name, member))
    return found


def _own_replace(cls: type, module: str) -> None:
    """Give an attrs class its own ``__replace__`` (``copy.replace``, Python 3.13 on).

    attrs sets every class's ``__replace__`` to the one ``attrs.evolve`` function and renames it
    after the class it decorated last (a private one, say), so pydoc would show each class's
    ``__replace__`` as "from" that class.
    """
    import attrs

    if vars(cls).get("__replace__") is not attrs.evolve:
        return

    def replace(self: Any, /, **changes: Any) -> Any:
        return attrs.evolve(self, **changes)

    replace.__name__ = "__replace__"
    replace.__qualname__ = f"{cls.__qualname__}.__replace__"
    replace.__module__ = module
    cls.__replace__ = replace  # type: ignore[attr-defined]
