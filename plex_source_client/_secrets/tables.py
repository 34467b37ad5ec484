"""Secrets in tables: a header naming a secret's column (``plex_token``), its values in the
rows under it, where no key stands beside a value. An error body may be a result set: JSON
with the column names apart from the rows (``{"columns": [..., "plex_token"], "rows":
[[..., T]]}``, ClickHouse's ``meta``/``data``, pandas' ``split``, a sheet's first row), or text
(CSV, TSV, ``;`` or ``|`` separated, a fixed-width listing, an HTML table).

A header is a row with a cell naming a secret: a secret's name alone (``plex_token``,
``"plex_token"``, ``plex_token*``; in HTML and JSON a label of up to three words too, ``Plex
Token``), whatever its other cells (``sha256``, ``?column?``, ``enabled = 1``, none at all).
A pair (``"plex_token": "***"``) or a sentence (``Invalid plex_token, please retry``) is none.

- **JSON** (:func:`mask_json_tables`, a pass before the masking by member): an object holding,
  three objects deep at most, a header (a list of names, or of column objects named by
  ``name``, ``label``, ``ColumnName``...: BigQuery's ``schema.fields``, Google's ``cols``,
  Kusto's ``Columns``, Databricks' ``manifest.schema.columns``) and rows (lists of lists, or
  of row objects: BigQuery's ``{"f": [{"v": ...}]}``, Google's ``c``, Neo4j's ``row``); as
  many lists as columns are also read as columns (Grafana's ``data.values``). Or a list of
  rows whose first row (or second, under a title) is a header.
- **Text** (:func:`mask_text_tables`): a line whose cells, split at a tab, ``|`` (any vertical
  bar of box drawing too), ``;``, ``,`` or two spaces or more, are a header; the lines under
  it to the first blank one (rules, ``---`` or box drawing, skipped) are its rows. A row that
  splits into the header's number of cells has the secret column's cell masked (its quotes
  kept); any other row (a quoted cell holding the separator, a one-column table's sentence)
  has every token-like word masked (:func:`.words.mask_words`).
- **HTML** (:func:`mask_html_tables`): see there.

Over-masking is accepted: a row that only looks like a header masks what follows it so.
Linear in the text: each line (each tag) is read once.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator
from typing import Any, Final

from . import locate
from .names import is_secret_name
from .secret import MASK
from .words import mask_words

#: The most names a header lists (a wider "header" is no table's).
_MAX_COLUMNS: Final = 1000
#: A secret column's name in a header's cell: a bare name (``plex_token``, ``PLEX_TOKEN``),
#: perhaps quoted or marked required (``"plex_token"``, ``plex_token*``); not a pair
#: (``"plex_token": "***"``) or a sentence (``Invalid plex_token``).
_BARE_NAME: Final = re.compile(r"[\w.-]+")
#: In an HTML or JSON header, where a cell is a header's for sure, a label of up to three
#: such words too (``Plex Token``, ``API Key``); in a text line that could be a sentence's
#: start (``Invalid plex_token, please retry``), one word only.
_LABEL: Final = re.compile(r"[\w.-]+(?: [\w.-]+){0,2}")
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
#: What a header cell's name may be wrapped in: quotes, a byte order mark, a required mark.
_AROUND_A_NAME: Final = "\"'`\ufeff* \t\r"
_QUOTES: Final = "\"'`"
#: The members of a JSON header's column object that name it (folded: lowercase, no ``_``):
#: ``name``, Google's ``label``, Kusto's ``ColumnName``...
_NAMING: Final = frozenset(
    ("name", "label", "title", "header", "columnname", "column", "field", "fieldname", "key", "id")
)
#: Where a JSON row object keeps its cells: BigQuery's ``f``, Google's ``c``, Neo4j's
#: ``row``; and a cell object its value (``v``).
_ROW_CELLS: Final = ("f", "c", "row", "values", "cells")
_CELL_VALUES: Final = ("v", "value")
#: How deep inside an object its header and its rows may be (Databricks:
#: ``manifest.schema.columns`` beside ``result.data_array``).
_DEPTH: Final = 3


def _secret_name(cell: Any, name: re.Pattern[str]) -> bool:
    """Whether a header's cell names a secret column: a secret's ``name`` (:data:`_BARE_NAME`
    or :data:`_LABEL`), or an object one of whose naming members is one.
    """
    if isinstance(cell, dict):
        return any(
            _secret_name(value, name)
            for key, value in cell.items()
            if isinstance(key, str) and key.lower().replace("_", "") in _NAMING
        )
    if not isinstance(cell, str) or len(cell) > 200:
        return False
    written = cell.strip(_AROUND_A_NAME)
    return name.fullmatch(written) is not None and is_secret_name(written)


def _secret_columns(cells: list[Any], name: re.Pattern[str] = _LABEL) -> frozenset[int]:
    """The places of a header's secret-named columns (see :func:`_secret_name`), or none."""
    if not 1 <= len(cells) <= _MAX_COLUMNS:
        return frozenset()
    return frozenset(i for i, cell in enumerate(cells) if _secret_name(cell, name))


def _cells_of(row: Any) -> list[Any] | None:
    """A JSON table row's cells: a list, or a row object's cells (:data:`_ROW_CELLS`)."""
    if isinstance(row, list):
        return row
    if isinstance(row, dict):
        return next((row[key] for key in _ROW_CELLS if isinstance(row.get(key), list)), None)
    return None


def _is_rows(value: Any) -> bool:
    """Whether a JSON value is a list of rows (see :func:`_cells_of`)."""
    return isinstance(value, list) and bool(value) and _cells_of(value[0]) is not None


def _lists(item: dict[Any, Any], depth: int) -> Iterator[list[Any]]:
    """The lists inside ``item``, ``depth`` objects deep at most."""
    for value in item.values():
        if isinstance(value, list):
            yield value
        elif isinstance(value, dict) and depth > 1:
            yield from _lists(value, depth - 1)


def _masked_value(cell: Any, found: dict[str, None]) -> Any:
    """A secret cell masked (a cell object keeps its shape); its value added to ``found``."""
    if isinstance(cell, dict):
        for key in _CELL_VALUES:
            if key in cell:
                return {**cell, key: _masked_value(cell[key], found)}
        return cell
    if isinstance(cell, str | int | float) and not isinstance(cell, bool):
        text = str(cell)
        if text.strip():
            found[text.strip()] = None
        return MASK
    return cell


def _masked_row(row: Any, columns: frozenset[int], found: dict[str, None]) -> Any:
    """A JSON table row with the cells at ``columns`` masked."""
    cells = _cells_of(row)
    if cells is None:
        return row
    masked = [_masked_value(c, found) if i in columns else c for i, c in enumerate(cells)]
    if isinstance(row, list):
        return masked
    key = next(key for key in _ROW_CELLS if row.get(key) is cells)
    return {**row, key: masked}


def _masked_rows(
    rows: list[Any], columns: frozenset[int], count: int, found: dict[str, None]
) -> list[Any]:
    """``rows`` with their secret cells masked; when there are as many lists as the header has
    columns, each a column's values (Grafana's column-major ``data.values``), those of the
    secret columns masked whole as well.
    """
    masked = [_masked_row(row, columns, found) for row in rows]
    if len(rows) == count and all(isinstance(row, list) for row in rows):
        masked = [
            [_masked_value(c, found) for c in rows[i]] if i in columns else row
            for i, row in enumerate(masked)
        ]
    return masked


def _replace_rows(
    item: dict[Any, Any],
    header: list[Any],
    columns: frozenset[int],
    found: dict[str, None],
    depth: int,
) -> dict[Any, Any]:
    """``item`` with the rows inside it (``depth`` objects deep at most) masked."""
    return {
        key: _masked_rows(value, columns, len(header), found)
        if value is not header and _is_rows(value)
        else _replace_rows(value, header, columns, found, depth - 1)
        if isinstance(value, dict) and depth > 1
        else value
        for key, value in item.items()
    }


def mask_json_tables(value: Any, found: dict[str, None]) -> Any:
    """``value`` (parsed JSON) with the secret cells of the tables in it masked, the values
    masked added to ``found``; ``value`` itself when it holds none. A table is an object
    holding, :data:`_DEPTH` objects deep at most, a header (a list naming a secret column:
    see :func:`_secret_columns`) and rows beside it (lists of rows), or a list of rows whose
    first (or second, under a title) row is a header.
    """
    if isinstance(value, dict):
        lists = list(_lists(value, _DEPTH))
        if any(_is_rows(found_list) for found_list in lists):
            for header in lists:
                columns = _secret_columns(header)
                if columns:
                    value = _replace_rows(value, header, columns, found, _DEPTH)
                    break
        items = {key: mask_json_tables(item, found) for key, item in value.items()}
        return items if any(items[k] is not value[k] for k in items) else value
    if isinstance(value, list):
        rows = value
        for at in (0, 1):
            if len(rows) > at + 1 and isinstance(rows[at], list):
                columns = _secret_columns(rows[at])
                if columns:
                    rows = rows[: at + 1] + [
                        _masked_row(row, columns, found) for row in rows[at + 1 :]
                    ]
                    break
        listed = [mask_json_tables(item, found) for item in rows]
        return listed if any(a is not b for a, b in zip(listed, value, strict=True)) else value
    return value


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
    separators = [s for s in _SEPARATORS if s in read]
    # One cell (``key=1``, a sentence): a header only when it is a bare name. Said first,
    # cheaply: every line holding a secret's name is asked (a body of 175,000 of them).
    if (
        not separators
        and _SPACED.search(read.strip()) is None
        and _BARE_NAME.fullmatch(read.strip().strip(_AROUND_A_NAME)) is None
    ):
        return None
    for separator in (*separators, None):
        bounds = _cells(read, separator)
        columns = _secret_columns([line[start:end] for start, end in bounds], _BARE_NAME)
        if columns:
            return separator, len(bounds), columns
    return None


def _masked_line(line: str, header: _Header, found: dict[str, None]) -> str:
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
        header = _header(line.rstrip("\r")) if is_secret_name(line) else None
        if header is None:
            continue
        while index < len(lines) and lines[index].strip():
            row = lines[index]
            if not _RULE.fullmatch(row):
                end = len(row) - (row.endswith("\r"))
                masked = _masked_line(row[:end], header, found) + row[end:]
                if masked != row:
                    lines[index], changed = masked, True
            index += 1
    return "\n".join(lines) if changed else text


#: The tags of an HTML table's rows and cells (the attributes read to the next ``<`` at most:
#: linear in a run of ``<``), a cell's ``colspan``, and any tag (to read a cell's text).
_TABLE_TAG: Final = re.compile(r"<(/?)(tr|td|th|table)\b([^<>]*)>", re.IGNORECASE)
_COLSPAN: Final = re.compile(r"colspan\s*=\s*[\"']?(\d{1,3})", re.IGNORECASE)
_TAG: Final = re.compile(r"<[^<>]*>")


def mask_html_tables(text: str, found: dict[str, None]) -> str:
    """``text`` with the secret columns' cells of its HTML tables masked; the values masked
    are added to ``found``. A row naming a secret column is a header (once a header is
    known, only a row of ``<th>`` cells: a data cell may hold a name, a slug
    ``plex-token-login``); it holds for the rows after it, in the same or a later table (a
    fixed header is often a table of its own). A cell spanning columns (``colspan``) counts
    as that many; a row whose cells do not line up with the header's (``rowspan``) has every
    token-like word masked.
    """
    if "<t" not in text and "<T" not in text:
        return text
    parts: list[str] = []
    shown_from = 0
    columns: frozenset[int] = frozenset()
    count = 0
    row: list[tuple[int, int, int, bool]] = []  # cells: content start, end, span, is <th>
    cell: tuple[int, int, bool] | None = None  # the open cell: start, span, is <th>
    ordered: list[int] = []  # the secret columns, ascending

    def end_row() -> None:
        nonlocal columns, count, shown_from
        width = sum(span for _, _, span, _ in row)
        header: set[int] = set()
        if width <= _MAX_COLUMNS:  # wider: no header's (``colspan=999`` on every cell)
            place = 0
            for start, end, span, _ in row:  # each cell read once, whatever it spans
                if _secret_name(_TAG.sub("", text[start:end]), _LABEL):
                    header.update(range(place, place + span))
                place += span
        if header and (not columns or any(is_th for *_, is_th in row)):
            columns, count = frozenset(header), width
            ordered[:] = sorted(columns)
            return
        if not columns:
            return
        if width != count:
            start, end = row[0][0], row[-1][1]
            masked = mask_words(text[start:end], found)
            if masked != text[start:end]:
                parts.extend([text[shown_from:start], masked])
                shown_from = end
            return
        place = 0
        for start, end, span, _ in row:
            value = text[start:end].strip()
            at = bisect.bisect_left(ordered, place)  # a secret column among those it spans
            if value and at < len(ordered) and ordered[at] < place + span:
                found[_TAG.sub("", value).strip() or value] = None
                parts.extend([text[shown_from:start], MASK])
                shown_from = end
            place += span

    for tag in _TABLE_TAG.finditer(text):
        closing, name = tag.group(1), tag.group(2).lower()
        if cell is not None:
            row.append((cell[0], tag.start(), cell[1], cell[2]))
            cell = None
        if name in ("td", "th") and not closing:
            span = _COLSPAN.search(tag.group(3))
            cell = (tag.end(), max(1, int(span.group(1))) if span else 1, name == "th")
        elif name in ("tr", "table") and row:
            end_row()
            row = []
    if cell is not None:
        row.append((cell[0], len(text), cell[1], cell[2]))
    if row:
        end_row()
    if not parts:
        return text
    parts.append(text[shown_from:])
    return "".join(parts)
