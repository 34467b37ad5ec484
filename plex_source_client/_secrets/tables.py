"""Secrets in tables: a header naming a secret's column (``plex_token``), its values in the
rows under it, where no key stands beside a value. An error body may be a result set: JSON
with the column names apart from the rows (``{"columns": [..., "plex_token"], "rows":
[[..., T]]}``, ClickHouse's ``meta``/``data``, pandas' ``split``, a sheet's first row), or text
(CSV, TSV, ``;`` or ``|`` separated, a fixed-width listing, an HTML table).

A header is a list of names: each cell up to four words and 64 characters (``sha256``,
``?column?``, ``count(*)``, an empty or ``null`` one for an unnamed column; not a sentence,
nor a pair: no ``:`` or ``=``),
one of them a secret's; a header of one cell is a secret's name alone (``plex_token``, as
``SELECT plex_token FROM ...`` answers).

- **JSON** (:func:`json_columns`, :func:`header_row_columns`): a member listing names
  (strings, or objects with a ``name``), or a list one level down (BigQuery's
  ``schema.fields``), beside members holding rows (lists, or BigQuery's ``{"f": [{"v":
  ...}]}``); or a list of lists whose first row is names. The cells at a secret-named
  column's place are secrets.
- **Text** (:func:`mask_text_tables`): a line whose cells, split at a tab, ``|`` (any vertical
  bar of box drawing too), ``;``, ``,`` or two spaces or more, are a header; the lines under
  it to the first blank one (rules, ``---`` or box drawing, skipped) are its rows. A row that
  splits into the header's number of cells has the secret column's cell masked (its quotes
  kept); any other row (a quoted cell holding the separator, a one-column table's sentence)
  has every token-like word masked (:func:`.words.mask_words`). Over-masking is accepted: a
  line that only looks like a header (``Error: invalid plex_token, see below``) masks what
  follows it so.
- **HTML** (:func:`mask_html_tables`): a ``<tr>`` of names, one of them a secret's, then the
  rows after it to the table's end: the secret column's ``<td>`` content masked.

Linear in the text: each line (each tag) is read once.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any, Final

from . import locate, names  # names imports this module: its functions are looked up when called
from .known import MASK
from .words import mask_words

#: The most words a column's name has (a longer cell is a sentence, no header's), and the
#: most characters.
_NAME_WORDS: Final = 4
_NAME_LENGTH: Final = 64
#: A one-column table's header: a secret's name alone (``plex_token``), nothing else.
_BARE_NAME: Final = re.compile(r"[\w.-]+")
#: What a name is not: a pair (``"plex_token": "***"``, ``a=b``) or a masked value.
_PAIR: Final = re.compile(r"[:=]|\*\*\*")
#: The most names a header lists (a wider "header" is no table's).
_MAX_COLUMNS: Final = 200
#: Separators of a text table's cells, tried in this order; then two spaces or more. Every
#: vertical bar (box drawing's ``\u2502 \u2503 \u2551`` too: rich's and tabulate's tables) is
#: read as ``|`` (:data:`_BARS`).
_SEPARATORS: Final = ("\t", "|", ";", ",")
_BARS: Final = str.maketrans(
    dict.fromkeys("\u2502\u2503\u2551\u2506\u2507\u250a\u250b\u254e\u254f", "|")
)
_SPACED: Final = re.compile(r"[ \t]{2,}")
#: A rule between a table's lines (``----``, ``|---|:--|``, ``===+===``, box drawing's
#: ``\u2500\u253c\u2550``...): no letter, digit or other character.
_RULE: Final = re.compile(r"[\s|+:=\-\u2500-\u257f]*")
_QUOTES: Final = "\"'`"
#: Where a BigQuery-style row keeps its cells (``{"f": [{"v": ...}]}``), and a cell its value.
_ROW_CELLS: Final = "f"
_CELL_VALUE: Final = "v"


def _name(cell: Any) -> str | None:
    """A header cell's column name: a string (empty for an unnamed column: pandas' index,
    ``null``), or an object's ``name`` (``column``, ``field``, ``key``, ``label``); None when
    it is neither, or too long to be a name (a sentence).
    """
    if isinstance(cell, dict):
        cell = next(
            (cell[k] for k in ("name", "column", "field", "key", "label") if k in cell), None
        )
    if cell is None:
        return ""
    if not isinstance(cell, str):
        return None
    name: str = cell.strip().strip("\ufeff").strip().strip(_QUOTES).strip()
    if len(name) > _NAME_LENGTH or len(name.split()) > _NAME_WORDS or _PAIR.search(name):
        return None
    return name


def _secret_columns(cells: list[Any]) -> frozenset[int]:
    """The places of the secret-named columns of a header (all of its cells names), or none.
    A header of one cell is a secret's name alone (``plex_token``; not ``Invalid plex_token``).
    """
    if not 1 <= len(cells) <= _MAX_COLUMNS:
        return frozenset()
    read = [_name(cell) for cell in cells]
    if any(name is None for name in read):
        return frozenset()
    if len(read) == 1 and _BARE_NAME.fullmatch(read[0] or "") is None:
        return frozenset()
    return frozenset(i for i, name in enumerate(read) if name and names.is_secret_name(name))


def _row(value: Any) -> list[Any] | None:
    """A table row's cells: a list, or a BigQuery row's ``f``; None for anything else."""
    if isinstance(value, list):
        return value
    if isinstance(value, dict) and isinstance(value.get(_ROW_CELLS), list):
        return list(value[_ROW_CELLS])
    return None


def _holds_rows(value: Any) -> bool:
    """Whether a JSON value is a list of rows (see :func:`_row`)."""
    return isinstance(value, list) and bool(value) and _row(value[0]) is not None


def _headers(item: dict[Any, Any], rows: frozenset[Any]) -> Iterator[list[Any]]:
    """The lists of ``item`` that may name its columns: its members' (but the rows'), and
    those one level down (BigQuery's ``schema.fields``).
    """
    for key, value in item.items():
        if key in rows:
            continue
        if isinstance(value, list):
            yield value
        elif isinstance(value, dict):
            yield from (inner for inner in value.values() if isinstance(inner, list))


def json_columns(item: dict[Any, Any]) -> tuple[frozenset[int], frozenset[Any]]:
    """For a JSON object holding a table: the places of its secret-named columns, and the keys
    of its members holding rows (see the module); two empty sets for any other object (the
    common case, found with one look at each member).
    """
    rows = frozenset(key for key, value in item.items() if _holds_rows(value))
    if not rows:
        return frozenset(), frozenset()
    for header in _headers(item, rows):
        columns = _secret_columns(header)
        if columns:
            return columns, rows
    return frozenset(), frozenset()


def header_row_columns(rows: list[Any]) -> frozenset[int]:
    """For a list of rows whose first row is names (a sheet: ``[["slug", "plex_token"],
    [..., T]]``), the places of its secret-named columns; else none.
    """
    if len(rows) < 2 or not isinstance(rows[0], list):
        return frozenset()
    return _secret_columns(rows[0])


def _value(cell: Any) -> Any:
    """A cell's value: a BigQuery cell's ``v``, any other cell itself."""
    return cell[_CELL_VALUE] if isinstance(cell, dict) and _CELL_VALUE in cell else cell


def column_cells(rows: list[Any], columns: frozenset[int], skip_first: bool) -> Iterator[Any]:
    """The values at ``columns`` of each row of ``rows``, the header row skipped."""
    for row in rows[1:] if skip_first else rows:
        cells = _row(row)
        if cells is not None:
            yield from (_value(cell) for i, cell in enumerate(cells) if i in columns)


def _masked_cells(cells: list[Any], columns: frozenset[int]) -> list[Any]:
    """A row's cells with those at ``columns`` masked (a BigQuery cell keeps its shape)."""
    return [
        cell if i not in columns
        else {**cell, _CELL_VALUE: MASK} if isinstance(cell, dict) and _CELL_VALUE in cell
        else MASK
        for i, cell in enumerate(cells)
    ]  # fmt: skip


def masked_rows(rows: list[Any], columns: frozenset[int], skip_first: bool) -> list[Any]:
    """``rows`` with the cells at ``columns`` of each row masked (the header row kept)."""
    masked: list[Any] = []
    for index, row in enumerate(rows):
        cells = _row(row)
        if cells is None or (skip_first and index == 0):
            masked.append(row)
        elif isinstance(row, list):
            masked.append(_masked_cells(cells, columns))
        else:
            masked.append({**row, _ROW_CELLS: _masked_cells(cells, columns)})
    return masked


def _cells(line: str, separator: str | None) -> list[tuple[int, int]]:
    """Where the cells of a text table's line are (start, end), split at ``separator`` or,
    for None, at two spaces or more; a leading or trailing border (``| a | b |``) is none.
    """
    if separator is None:
        stripped = line.strip()
        at = line.find(stripped) if stripped else 0
        bounds, start = [], at
        for gap in _SPACED.finditer(stripped):
            bounds.append((start, at + gap.start()))
            start = at + gap.end()
        bounds.append((start, at + len(stripped)))
        return bounds
    bounds, start = [], 0
    while (end := line.find(separator, start)) != -1:
        bounds.append((start, end))
        start = end + 1
    bounds.append((start, len(line)))
    if separator == "|":
        if bounds and not line[slice(*bounds[0])].strip():
            bounds.pop(0)
        if bounds and not line[slice(*bounds[-1])].strip():
            bounds.pop()
    return bounds


#: A text table's header: its separator (None: two spaces or more), number of cells, and
#: secret columns.
_Header = tuple[str | None, int, frozenset[int]]


def _header(line: str) -> _Header | None:
    """A text table's header in ``line``: its separator, number of cells and secret columns;
    None when the line is no such header.
    """
    read = line.translate(_BARS)
    for separator in (*(s for s in _SEPARATORS if s in read), None):
        bounds = _cells(read, separator)
        columns = _secret_columns([line[start:end] for start, end in bounds])
        if columns:
            return separator, len(bounds), columns
    return None


def _masked_row(line: str, header: _Header, found: dict[str, None]) -> str:
    """A row of a text table with its secret columns' cells masked (see the module)."""
    separator, count, columns = header
    bounds = _cells(line.translate(_BARS), separator)
    if len(bounds) != count or (count == 1 and len(line.split()) > 1):
        # Cells that do not line up with the header's (a quoted cell holding the separator),
        # or a one-column table's row that is a sentence: its token-like words.
        return mask_words(line, found)
    parts, shown_from = [], 0
    for index, (start, end) in enumerate(bounds):
        if index not in columns:
            continue
        cell = line[start:end]
        value = cell.strip()
        if len(value) >= 2 and value[0] in _QUOTES and value[-1] == value[0]:
            value = value[1:-1]
        if not value.strip():
            continue
        found[value.strip()] = None
        inner_start = start + cell.index(value) if value else start
        parts += [line[shown_from:inner_start], MASK]
        shown_from = inner_start + len(value)
    parts.append(line[shown_from:])
    return "".join(parts)


def mask_text_tables(text: str, found: dict[str, None]) -> str:
    """``text`` with the secret columns of its text tables masked (see the module); the values
    masked are added to ``found``. Only lines holding a secret name are tried as headers.
    """
    if "\n" not in text or not locate.holds(locate.NAME_STEMS, text):
        return text
    lines = text.split("\n")
    index = 0
    changed = False
    while index < len(lines):
        line = lines[index]
        index += 1
        header = _header(line.rstrip("\r")) if names.is_secret_name(line) else None
        if header is None:
            continue
        while index < len(lines) and lines[index].strip():
            row = lines[index]
            if not _RULE.fullmatch(row):
                end = len(row) - (row.endswith("\r"))
                masked = _masked_row(row[:end], header, found) + row[end:]
                if masked != row:
                    lines[index], changed = masked, True
            index += 1
    return "\n".join(lines) if changed else text


#: The tags of an HTML table's rows and cells.
_TABLE_TAG: Final = re.compile(r"<(/?)(tr|td|th|table)\b[^>]{0,500}>", re.IGNORECASE)


def mask_html_tables(text: str, found: dict[str, None]) -> str:
    """``text`` with the secret columns' cells of its HTML tables masked (see the module); the
    values masked are added to ``found``.
    """
    if "<t" not in text.lower():
        return text
    parts: list[str] = []
    shown_from = 0
    columns: frozenset[int] = frozenset()
    row: list[tuple[int, int]] = []  # the current row's cells' contents (start, end)
    cell_start: int | None = None

    def end_row() -> None:
        nonlocal columns, shown_from
        names = [text[start:end] for start, end in row]
        header = _secret_columns([re.sub(r"<[^>]*>", "", name) for name in names])
        if header:
            columns = header
            return
        for index, (start, end) in enumerate(row):
            value = text[start:end].strip()
            if index in columns and value:
                found[re.sub(r"<[^>]*>", "", value).strip() or value] = None
                parts.extend([text[shown_from:start], MASK])
                shown_from = end

    for tag in _TABLE_TAG.finditer(text):
        closing, name = tag.group(1), tag.group(2).lower()
        if cell_start is not None and (name in ("td", "th", "tr", "table")):
            row.append((cell_start, tag.start()))
            cell_start = None
        if name in ("td", "th") and not closing:
            cell_start = tag.end()
        elif name == "tr" or name == "table":
            if row:
                end_row()
                row = []
            if name == "table":
                columns = frozenset()
    if cell_start is not None:
        row.append((cell_start, len(text)))
    if row:
        end_row()
    if not parts:
        return text
    parts.append(text[shown_from:])
    return "".join(parts)
