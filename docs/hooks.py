"""MkDocs hooks (``hooks:`` in mkdocs.yml): the command line reference rendered from the parser.

The page ``reference/cli.md`` holds the marker :data:`MARKER`; at build time it becomes each
command's ``--help``, as ``plex-source COMMAND --help`` prints it in a terminal
:data:`COLUMNS` wide. One source, the parser, so the help and the site cannot differ
(``tests/test_docs_reference.py`` checks it against the command's own output).
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

MARKER = "<!-- plex-source --help -->"
#: The terminal width the help is rendered for (argparse reads it from ``COLUMNS``).
COLUMNS = "100"


@contextmanager
def _columns(width: str) -> Iterator[None]:
    """``COLUMNS`` set to ``width`` for the duration (argparse wraps help to it)."""
    before = os.environ.get("COLUMNS")
    os.environ["COLUMNS"] = width
    try:
        yield
    finally:
        if before is None:
            del os.environ["COLUMNS"]
        else:
            os.environ["COLUMNS"] = before


def command_helps() -> dict[str, str]:
    """Each command line's ``--help`` text, by the command as typed (``plex-source`` first,
    then ``plex-source COMMAND`` for each subcommand, in the parser's order).
    """
    from plex_source_client.cli.main import build_parser

    with _columns(COLUMNS):
        parser = build_parser()
        helps = {"plex-source": parser.format_help()}
        for action in parser._subparsers._group_actions if parser._subparsers else []:
            if isinstance(action, argparse._SubParsersAction):
                for name, subparser in action.choices.items():
                    helps[f"plex-source {name}"] = subparser.format_help()
    return helps


def cli_reference() -> str:
    """The Markdown that replaces :data:`MARKER`: a section per command, its help verbatim."""
    sections = [
        f"## `{command}`\n\n```text\n{text.rstrip()}\n```\n"
        for command, text in command_helps().items()
    ]
    return "\n".join(sections)


def on_page_markdown(markdown: str, **kwargs: Any) -> str:
    """MkDocs event: put the rendered help where a page has :data:`MARKER`."""
    if MARKER not in markdown:
        return markdown
    return markdown.replace(MARKER, cli_reference())
