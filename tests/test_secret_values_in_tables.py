"""A stored token in a table, where no key stands beside its value: JSON with the column names
apart from the rows (``{"columns": [..., "plex_token"], "rows": [[..., T]]}``, ClickHouse's
``meta``/``data``, pandas' ``split``, a sheet's header row), and text tables (CSV, quoted CSV,
TSV, an HTML table, a fixed-width listing, ``|`` tables under a rule) whose header names
``plex_token``: every row's cell in that column is masked, in both clients' errors and on the
command line (review round 22). A line that only looks like a header (a sentence) is none.
"""

from __future__ import annotations

from typing import Any

import pytest
import respx

from .conftest import Twin
from .payloads import SLUG
from .shown import shown_by_failed_cli_get, shown_by_failed_get

STORED = "xQ3zR9pL2mN8vB7cD4fG"

# --- 1. tables -------------------------------------------------------------------------------

JSON_TABLES = [
    pytest.param(
        {"columns": ["slug", "plex_token", "enabled"], "rows": [[SLUG, STORED, True]]},
        id="columns-and-rows",
    ),
    pytest.param(
        {
            "meta": [{"name": "slug", "type": "String"}, {"name": "plex_token", "type": "String"}],
            "data": [[SLUG, STORED]],
        },
        id="clickhouse-meta-and-data",
    ),
    pytest.param(
        {"columns": ["slug", "plex_token"], "index": [0], "data": [[SLUG, STORED]]},
        id="pandas-split",
    ),
]

TEXT_TABLES = [
    pytest.param(f"slug,plex_token,enabled\n{SLUG},{STORED},true", id="csv"),
    pytest.param(f'"slug","plex_token","enabled"\r\n"{SLUG}","{STORED}","true"', id="csv-quoted"),
    pytest.param(f"slug\tplex_token\tenabled\n{SLUG}\t{STORED}\ttrue", id="tsv"),
    pytest.param(
        "<table>\n<tr><th>slug</th><th>plex_token</th></tr>\n"
        f"<tr><td>{SLUG}</td><td>{STORED}</td></tr>\n</table>",
        id="html-table-a-row-a-line",
    ),
    pytest.param(
        f"SLUG      PLEX_TOKEN             ENABLED\n{SLUG}   {STORED}   true", id="fixed-width"
    ),
]


@pytest.mark.parametrize("body", JSON_TABLES)
def test_a_stored_token_in_a_json_table_is_masked(
    twin: Twin, api: respx.MockRouter, body: Any
) -> None:
    assert STORED not in shown_by_failed_get(twin, api, 500, json=body)


@pytest.mark.parametrize("body", JSON_TABLES)
def test_the_command_line_masks_a_stored_token_in_a_json_table(body: Any) -> None:
    out, err = shown_by_failed_cli_get(body)
    assert STORED not in out
    assert STORED not in err


@pytest.mark.parametrize("text", TEXT_TABLES)
def test_a_stored_token_in_a_text_table_is_masked(
    twin: Twin, api: respx.MockRouter, text: str
) -> None:
    shown = shown_by_failed_get(
        twin, api, 400, content=text.encode(), headers={"Content-Type": "text/plain"}
    )
    assert STORED not in shown


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        (
            f"slug,plex_token\na,{STORED}\nb,{STORED[::-1]}\n\nnext 12ab",
            "slug,plex_token\na,***\nb,***\n\nnext 12ab",
        ),
        (
            f" slug | plex_token \n------+-----------\n a | {STORED}\n b | c",
            " slug | plex_token \n------+-----------\n a | ***\n b | ***",
        ),
        (f'"plex_token","slug"\n"{STORED}","a, b"', '"plex_token","slug"\n"***","a, b"'),
        (  # (the cell after a secret-named element is masked by that rule: over-masking)
            "<table><tr><th>id</th><th>Plex Token</th></tr>"
            f"<tr><td>1</td><td><b>{STORED}</b></td></tr></table>",
            "<table><tr><th>id</th><th>Plex Token</th></tr>"
            "<tr><td>***</td><td>***</td></tr></table>",
        ),
        # A sentence is no header: the next line keeps its words.
        (
            "Invalid plex_token, please check the settings and try again\nRequest 3f2a, 9b1c",
            "Invalid plex_token, please check the settings and try again\nRequest 3f2a, 9b1c",
        ),
    ],
    ids=["every-row", "psql", "quoted-comma-row", "html-one-line", "a-sentence"],
)
def test_text_tables_mask_the_secret_column_of_every_row(text: str, masked: str) -> None:
    from plex_source_client._secrets import mask_text

    assert mask_text(text, ()) == masked


@pytest.mark.parametrize(
    "body",
    [
        {"values": [["slug", "plex_token"], [SLUG, STORED]]},
        {"columns": ["slug", "pin"], "rows": [[SLUG, 123456789]], "plex_token": "x"},
    ],
    ids=["sheet-header-row", "no-secret-column"],
)
def test_json_tables_by_header_row_and_without_a_secret_column(body: Any) -> None:
    from plex_source_client._secrets import mask_json, stored_secrets

    masked = mask_json(body, ())
    if "values" in body:
        assert masked["values"] == [["slug", "plex_token"], [SLUG, "***"]]
        assert STORED in stored_secrets(body)
    else:
        assert masked["rows"] == [[SLUG, 123456789]]


def test_a_json_tables_secret_cell_is_masked_where_the_body_repeats_it(
    twin: Twin, api: respx.MockRouter
) -> None:
    body = {"columns": ["plex_token", "slug"], "rows": [[STORED, SLUG]], "detail": f"{STORED}!"}
    assert STORED not in shown_by_failed_get(twin, api, 500, json=body)
