"""MkDocs hooks (``hooks:`` in mkdocs.yml): pages rendered from their one source at build time.

The page ``reference/cli.md`` holds the marker :data:`MARKER`; at build time it becomes each
command's ``--help``, as ``plex-source COMMAND --help`` prints it in a terminal
:data:`COLUMNS` wide. One source, the parser, so the help and the site cannot differ
(``tests/test_docs_reference.py`` checks it against the command's own output).

A page's line ``<!-- notebook: PATH -->`` (:data:`NOTEBOOK`; alone on its line, so that a page
may quote it) becomes the cells of the notebook at PATH (from the repository root), as text:
the notebook itself lives outside the site.
"""

from __future__ import annotations

import argparse
import json
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

MARKER = "<!-- plex-source --help -->"
#: ``<!-- notebook: examples/quickstart.ipynb -->``: group 1 is the notebook's path.
NOTEBOOK = re.compile(r"^<!-- notebook: (\S+) -->$", re.MULTILINE)
ROOT = Path(__file__).resolve().parents[1]
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


def notebook_markdown(path: Path, levels: int = 2) -> str:
    """The cells of the notebook at ``path`` as Markdown: a Markdown cell as it is, its headings
    ``levels`` deeper (they sit under the page's own), a code cell as a ``python`` block.
    Outputs are left out: they are what running it shows.
    """
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    parts = []
    for cell in cells:
        source = "".join(cell["source"]).strip("\n")
        if cell["cell_type"] == "code":
            parts.append(f"```python\n{source}\n```")
        elif cell["cell_type"] == "markdown":
            parts.append(_deeper_headings(source, levels))
    return "\n\n".join(parts) + "\n"


def _deeper_headings(markdown: str, levels: int) -> str:
    """``markdown`` with each ATX heading (``# Title``) ``levels`` deeper; fenced code, where a
    ``#`` line is a comment, left as it is.
    """
    lines, fenced = [], False
    for line in markdown.splitlines():
        if line.startswith("```"):
            fenced = not fenced
        elif not fenced and re.match(r"#{1,6} ", line):
            line = "#" * levels + line
        lines.append(line)
    return "\n".join(lines)


def on_page_markdown(markdown: str, **kwargs: Any) -> str:
    """MkDocs event: put the rendered help where a page has :data:`MARKER`, and a notebook's
    cells where it has :data:`NOTEBOOK`.
    """
    markdown = NOTEBOOK.sub(lambda found: notebook_markdown(ROOT / found.group(1)), markdown)
    if MARKER not in markdown:
        return markdown
    return markdown.replace(MARKER, cli_reference())
