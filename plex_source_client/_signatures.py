"""Signatures that read well in ``help()``, editors and type checkers, at no cost per call.

:class:`~._base.BaseClient` writes each public method once for both clients, returning its
type variables ``_ResultT``/``_RawT``. Type checkers resolve those per client; ``help()`` and
``inspect.signature`` would show the bare variable. :func:`specialize` gives each client its own
copy of those methods (same code, no wrapper) whose return annotation names the real type.

``update()`` takes its keywords as ``**changes`` (one fast set check instead of Python's own
keyword binding, so a misspelled keyword can get a "did you mean"), and shows and type-checks
as the typed signature of a template method (:func:`keywords_of`).
"""

from __future__ import annotations

import inspect
import re
import types
from collections.abc import Callable, Collection, Mapping
from typing import Any, ParamSpec, TypeVar

from ._changes import suggest

_P = ParamSpec("_P")
_R = TypeVar("_R")


def keywords_of(
    template: Callable[_P, object],
) -> Callable[[Callable[..., _R]], Callable[_P, _R]]:
    """Decorate a ``(self, slug, **changes)`` implementation so that type checkers, ``help()``,
    ``inspect.signature`` and ``typing.get_type_hints`` see ``template``'s parameters instead
    (with the implementation's own return type: ``update`` and ``diff`` share a template).
    The implementation must itself reject keywords the template does not have
    (:func:`keyword_names`, :func:`unexpected_keyword`).

    The implementation's positional parameters (``self, slug``) become positional-only, as if
    written ``(self, slug, /, **changes)``: a ``slug=`` keyword then lands among the changes,
    where it gets the "did you mean 'new_slug'?" hint instead of Python's "got multiple
    values for argument 'slug'".
    """

    def apply(implementation: Callable[..., _R]) -> Callable[_P, _R]:
        returned = implementation.__annotations__.get("return", inspect.Signature.empty)
        signature = inspect.signature(template).replace(return_annotation=returned)
        code = getattr(implementation, "__code__", None)
        if code is not None and code.co_argcount > 1:  # more than self: make them positional-only
            implementation.__code__ = code.replace(co_posonlyargcount=code.co_argcount)
            signature = _positional_only(signature, code.co_argcount)
        implementation.__signature__ = signature  # type: ignore[attr-defined]
        implementation.__annotations__ = {**template.__annotations__, "return": returned}
        return implementation

    return apply


def _positional_only(signature: inspect.Signature, count: int) -> inspect.Signature:
    """``signature`` with its first ``count`` parameters positional-only."""
    parameters = list(signature.parameters.values())
    return signature.replace(
        parameters=[
            p.replace(kind=inspect.Parameter.POSITIONAL_ONLY) if i < count else p
            for i, p in enumerate(parameters)
        ]
    )


def keyword_names(function: Callable[..., object]) -> frozenset[str]:
    """The keyword-only parameter names of ``function``."""
    parameters = inspect.signature(function).parameters.values()
    return frozenset(p.name for p in parameters if p.kind is inspect.Parameter.KEYWORD_ONLY)


def unexpected_keyword(
    method: str, given: Mapping[str, object], known: Collection[str]
) -> TypeError:
    """Python's own error for the first unknown keyword in ``given``, with a suggestion."""
    name = next(key for key in given if key not in known)
    message = f"{method}() got an unexpected keyword argument {name!r}"
    hint = suggest(name, tuple(sorted(known)))
    return TypeError(f"{message}; {hint}" if hint else message)


def _shown(annotation: object) -> str:
    """``annotation`` as written in code: ``Coroutine[Any, Any, PlexSource]``, no modules."""
    text = annotation if isinstance(annotation, str) else inspect.formatannotation(annotation)
    return re.sub(r"\b(?:\w+\.)+(\w+)", r"\1", text)


def specialize(cls: type, returns: Mapping[str, object]) -> None:
    """Give ``cls`` its own copy of every inherited method whose return annotation is one of
    ``returns``' type variable names (``"_ResultT"``), annotated with the type it stands for.

    The copy runs the very same code; only ``__annotations__``, ``__signature__``,
    ``__qualname__`` and ``__module__`` differ, so ``help(cls.update)`` shows ``-> PlexSource``.
    """
    for name in dir(cls):
        function = inspect.getattr_static(cls, name)
        if name in vars(cls) or not isinstance(function, types.FunctionType):
            continue
        returned = function.__annotations__.get("return")
        if isinstance(returned, str) and returned in returns:
            setattr(cls, name, _with_return(function, cls, returns[returned]))


def _with_return(function: types.FunctionType, cls: type, returned: object) -> Any:
    copy = types.FunctionType(
        function.__code__,
        function.__globals__,
        function.__name__,
        function.__defaults__,
        function.__closure__,
    )
    copy.__kwdefaults__ = function.__kwdefaults__
    copy.__dict__.update(function.__dict__)
    copy.__doc__ = function.__doc__
    copy.__qualname__ = f"{cls.__qualname__}.{function.__name__}"
    copy.__module__ = cls.__module__
    copy.__annotations__ = {**function.__annotations__, "return": returned}
    signature = inspect.signature(function)
    copy.__signature__ = signature.replace(  # type: ignore[attr-defined]
        return_annotation=_shown(returned)
    )
    return copy
