"""Stored tokens in the result sets servers return (review round 25), masked in the masking,
both clients and on the command line: HTML tables with ``colspan``/``rowspan``, a fixed
header in a table of its own, long attributes, a data cell holding a name; JSON result sets
of well-known shapes (Google's DataTable, Neo4j, Grafana's column-major frames, Databricks,
Kusto); headers with an expression column (``enabled = 1``, ``'%H:%i'``), a long label, a
title row. And the cost stays linear: a run of ``<`` in a table cell (was quadratic: 1 MiB
some 20 minutes), the known secrets' matchers built a few times per error body, not once
per string (was ~2 s for a 64 KiB table of 4,600 tokens).
"""

from __future__ import annotations

import textwrap
from typing import Any

import pytest
import respx

from .conftest import Twin
from .shown import (
    counted_matcher_builds,
    finishes_in_a_child,
    shown_by_failed_cli_get,
    shown_by_failed_get,
    text_masked_everywhere,
)

STORED = "xQ3zR9pL2mN8vB7cD4fG"
OTHER = "aB3dE5gH7jK9mN1pQ3sT"
THIRD = "Zz9Yy8Xx7Ww6Vv5Uu4Tt"
TOKENS = (STORED, OTHER, THIRD)
_ROWS = (("a", OTHER), ("b", THIRD), ("plex", STORED))


def _leaked(shown: str) -> list[str]:
    return [token for token in TOKENS if token in shown]


# --- 1. A hang in the HTML table reader -------------------------------------------------------

_HANG_SCRIPT = textwrap.dedent(
    """
    import asyncio, time
    import respx
    from plex_source_client import AsyncPlexSourceClient, PlexSourceClient, PlexSourceError
    from plex_source_client._secrets import mask_text

    body = "<table><tr><th>plex_token</th></tr><tr><td>" + "<" * (1024 * 1024 - 100)
    started = time.perf_counter()
    mask_text(body, ())
    with respx.mock(base_url="https://auth.example.com/api/v3") as api:
        api.get("/sources/plex/plex/").respond(
            500, content=body.encode(), headers={"Content-Type": "text/html"}
        )
        options = dict(url="https://auth.example.com", token="tok-Ab3dE5gH7", max_retries=0)
        try:
            with PlexSourceClient(**options) as client:
                client.get("plex")
        except PlexSourceError:
            pass

        async def main():
            async with AsyncPlexSourceClient(**options) as client:
                await client.get("plex")

        try:
            asyncio.run(main())
        except PlexSourceError:
            pass
    print("done", round(time.perf_counter() - started, 2))
    """
)


def test_an_unclosed_run_of_angle_brackets_in_a_table_cell_is_masked_in_linear_time() -> None:
    """1 MiB of ``<`` after ``<td>``: masked (as text, by both clients) in seconds. The child
    is killed after 20 s (a linear reading takes well under one).
    """
    finishes_in_a_child(_HANG_SCRIPT, "masking a 1 MiB '<td><<<<...' body (quadratic)")


# --- 2. HTML tables ----------------------------------------------------------------------------


def _tr(*cells: str, tag: str = "td") -> str:
    return "<tr>" + "".join(f"<{tag}>{cell}</{tag}>" for cell in cells) + "</tr>\n\n\n"


_HEADER = "<table>\n" + _tr("slug", "plex_token", tag="th")

HTML_TABLES = [
    pytest.param(
        _HEADER
        + _tr("plex-token-login", "Qr5St7Uv9Wx1Yz3Ab5Cd")
        + "".join(_tr(slug, token) for slug, token in _ROWS)
        + "</table>",
        id="a-row-whose-slug-holds-token-is-taken-for-a-header",
    ),
    pytest.param(
        "<table>\n"
        + _tr("group", "slug", "plex_token", tag="th")
        + "<tr><td rowspan=4>production</td><td>x</td><td>-</td></tr>\n\n\n"
        + "".join(_tr(slug, token) for slug, token in _ROWS)
        + "</table>",
        id="rowspan",
    ),
    pytest.param(
        "<table>\n"
        + _tr("slug", "name", "plex_token", tag="th")
        + "".join(
            f"<tr><td colspan=2>{slug}</td><td>{token}</td></tr>\n\n\n" for slug, token in _ROWS
        )
        + "</table>",
        id="colspan",
    ),
    pytest.param(
        '<div class="dataTables_scrollHead"><table><thead>'
        + _tr("slug", "plex_token", tag="th")
        + '</thead></table></div>\n<div class="dataTables_scrollBody"><table><tbody>\n'
        + "".join(_tr(slug, token) for slug, token in _ROWS)
        + "</tbody></table></div>",
        id="datatables-fixed-header",
    ),
    pytest.param(
        _HEADER
        + "".join(
            f"<tr><td>{slug}</td><td class='{'cell ' * 110}'>{token}</td></tr>\n\n\n"
            for slug, token in _ROWS
        )
        + "</table>",
        id="long-class-attribute",
    ),
]


@pytest.mark.parametrize("text", HTML_TABLES)
def test_an_html_table_is_masked(text: str) -> None:
    assert _leaked(text_masked_everywhere(text)) == []


@pytest.mark.parametrize("text", HTML_TABLES[1:])
def test_both_clients_mask_an_html_table_body(twin: Twin, api: respx.MockRouter, text: str) -> None:
    """(A text body's row taken for a header is masked by the clients: the second pass masks
    the short slugs the first pass found, and ``***`` is no header's cell. Not in a JSON
    ``detail``, below.)
    """
    shown = shown_by_failed_get(
        twin, api, 500, content=text.encode(), headers={"Content-Type": "text/html"}
    )
    assert _leaked(shown) == []


@pytest.mark.parametrize("text", HTML_TABLES)
def test_both_clients_mask_an_html_table_in_a_json_detail(
    twin: Twin, api: respx.MockRouter, text: str
) -> None:
    assert _leaked(shown_by_failed_get(twin, api, 400, json={"detail": text})) == []


# --- 3. JSON result sets of well-known shapes --------------------------------------------------

JSON_TABLES = [
    pytest.param(
        {
            "version": "0.6",
            "status": "ok",
            "table": {
                "cols": [
                    {"id": "A", "label": "slug", "type": "string"},
                    {"id": "B", "label": "plex_token", "type": "string"},
                ],
                "rows": [{"c": [{"v": slug}, {"v": token}]} for slug, token in _ROWS],
            },
        },
        id="google-visualization-datatable",
    ),
    pytest.param(
        {
            "results": [
                {
                    "columns": ["slug", "plex_token"],
                    "data": [{"row": [slug, token], "meta": [None, None]} for slug, token in _ROWS],
                }
            ],
            "errors": [],
        },
        id="neo4j-http-api",
    ),
    pytest.param(
        {
            "results": {
                "A": {
                    "frames": [
                        {
                            "schema": {
                                "fields": [
                                    {"name": "slug", "type": "string"},
                                    {"name": "plex_token", "type": "string"},
                                ]
                            },
                            "data": {"values": [[s for s, _ in _ROWS], [t for _, t in _ROWS]]},
                        }
                    ]
                }
            }
        },
        id="grafana-data-frame",
    ),
    pytest.param(
        {
            "statement_id": "01ef-x",
            "status": {"state": "SUCCEEDED"},
            "manifest": {
                "schema": {
                    "column_count": 2,
                    "columns": [
                        {"name": "slug", "type_name": "STRING", "position": 0},
                        {"name": "plex_token", "type_name": "STRING", "position": 1},
                    ],
                }
            },
            "result": {"data_array": [[slug, token] for slug, token in _ROWS]},
        },
        id="databricks-statement",
    ),
    pytest.param(
        {
            "Tables": [
                {
                    "TableName": "Table_0",
                    "Columns": [
                        {"ColumnName": "slug", "DataType": "String"},
                        {"ColumnName": "plex_token", "DataType": "String"},
                    ],
                    "Rows": [[slug, token] for slug, token in _ROWS],
                }
            ]
        },
        id="kusto-v1",
    ),
]

# --- 4. One header cell that is no name; a sheet's title row ----------------------------------

ODD_HEADERS_JSON = [
    pytest.param(
        {
            "columns": ["slug", "plex_token", "enabled = 1"],
            "rows": [[slug, token, 1] for slug, token in _ROWS],
        },
        id="json-expression-column",
    ),
    pytest.param(
        {
            "columns": ["slug", "plex_token", "users who logged in today"],
            "rows": [[slug, token, 1] for slug, token in _ROWS],
        },
        id="json-five-word-label",
    ),
    pytest.param(
        [["Plex sources"], ["slug", "plex_token"], *[[slug, token] for slug, token in _ROWS]],
        id="sheet-with-a-title-row",
    ),
]

ODD_HEADERS_TEXT = [
    pytest.param(
        "+------+----------------------+-------------------------------+\n"
        "| slug | plex_token           | DATE_FORMAT(created, '%H:%i') |\n"
        "+------+----------------------+-------------------------------+\n"
        + "".join(f"| {slug} | {token} | 10:00 |\n" for slug, token in _ROWS)
        + "+------+----------------------+-------------------------------+\n3 rows in set",
        id="mysql-expression-column",
    ),
    pytest.param(
        "slug,plex_token,enabled = 1\n" + "".join(f"{slug},{token},1\n" for slug, token in _ROWS),
        id="csv-expression-column",
    ),
    pytest.param(
        "slug\tplex_token\tusers who logged in today\n"
        + "".join(f"{slug}\t{token}\t1\n" for slug, token in _ROWS),
        id="tsv-five-word-label",
    ),
]


@pytest.mark.parametrize("body", JSON_TABLES + ODD_HEADERS_JSON)
def test_both_clients_mask_a_json_table(twin: Twin, api: respx.MockRouter, body: Any) -> None:
    assert _leaked(shown_by_failed_get(twin, api, 400, json=body)) == []


@pytest.mark.parametrize("text", ODD_HEADERS_TEXT)
def test_a_text_table_with_an_odd_header_cell_is_masked(text: str) -> None:
    assert _leaked(text_masked_everywhere(text)) == []


@pytest.mark.parametrize("text", ODD_HEADERS_TEXT)
def test_both_clients_mask_a_text_table_with_an_odd_header_cell(
    twin: Twin, api: respx.MockRouter, text: str
) -> None:
    shown = shown_by_failed_get(
        twin, api, 500, content=text.encode(), headers={"Content-Type": "text/plain"}
    )
    assert _leaked(shown) == []


@pytest.mark.parametrize(
    "body",
    [JSON_TABLES[0].values[0], JSON_TABLES[2].values[0], ODD_HEADERS_JSON[0].values[0]],
    ids=["gviz", "grafana", "expression-column"],
)
def test_the_command_line_masks_these(body: Any) -> None:
    out, err = shown_by_failed_cli_get(body)
    assert _leaked(out + err) == []


# --- 5. Quadratic masking of a JSON error body -------------------------------------------------


def test_masking_a_json_error_table_builds_the_matchers_a_few_times(
    twin: Twin, api: respx.MockRouter, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A 64 KiB error body (the most parsed) holding a one-column table of ~4,600 tokens: each
    string's masking rebuilt (hashed) the set of all of them (``mask_text`` passes a new
    tuple to ``redact``), ~9,000 times; ~2 s per error, quadratic. Counted, not timed.
    """

    rows = [[f"Ab{i:05d}xY"] for i in range(4600)]
    built = counted_matcher_builds(monkeypatch)
    shown = shown_by_failed_get(twin, api, 400, json={"columns": ["plex_token"], "rows": rows})
    assert "Ab00042xY" not in shown
    assert 0 < len(built) <= 20, len(built)


def test_a_header_cell_spanning_columns_counts_as_that_many() -> None:
    from plex_source_client._secrets import mask_text

    text = (
        "<table><tr><th colspan=2>source</th><th>plex_token</th></tr>"
        "<tr><td>a</td><td>b</td><td>lowercaseonly</td></tr></table>"
    )
    masked = mask_text(text, ())
    assert "lowercaseonly" not in masked  # its column's cell (a word no other rule masks)
    assert "<td>b</td>" in masked
