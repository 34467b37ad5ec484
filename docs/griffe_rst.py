"""A griffe extension: the docstrings' reStructuredText roles and literal-block markers, shown
as Markdown (the code's docstrings are written for ``help()``; the site renders Markdown).
"""

from __future__ import annotations

import re
from typing import Any

import griffe

#: ``:class:`~x.Y``` and the like: the role dropped, the name kept as code.
ROLE = re.compile(r":(?:class|func|meth|mod|attr|data|exc|obj):`~?\.?([^`]+)`")
#: A paragraph ending in ``::`` introduces an indented literal block (kept as a code block).
LITERAL = re.compile(r"(?m)^(\s*)::\s*$")


def to_markdown(text: str) -> str:
    """``text`` (a docstring) with its reStructuredText roles and ``::`` lines made Markdown."""
    text = ROLE.sub(lambda match: f"`{match.group(1)}`", text)
    text = LITERAL.sub("", text)
    text = re.sub(r"``([^`]+)``", r"`\1`", text)
    return re.sub(r"(\S)::$", r"\1:", text, flags=re.MULTILINE)


class RestructuredTextRoles(griffe.Extension):
    """Rewrites every loaded object's docstring with :func:`to_markdown`."""

    def on_instance(self, *, obj: griffe.Object, **kwargs: Any) -> None:
        """Called for each object griffe loads."""
        if obj.docstring is not None:
            obj.docstring.value = to_markdown(obj.docstring.value)
