"""A stored token in tables of every shape a result set takes, on its third row (beyond the
header's neighbouring line: only the table readers find it) and every other row: headers
with an unnamed column (pandas' index, ``null``, ``?column?``), a row number ``#``, names
holding digits (``sha256``, ``oauth2_client_id``), ``plex_token*``, a byte order mark; box
drawing (tabulate, rich, sqlite3's ``.mode box``); one-column tables (``SELECT plex_token``)
in text and JSON; BigQuery's ``schema.fields`` and ``rows[].f[].v``. Masked in the masking,
both clients (text body, JSON detail, JSON table) and on the command line (review round 24).
"""

from __future__ import annotations

from typing import Any

import pytest
import respx

from .conftest import Twin
from .shown import shown_by_failed_cli_get, shown_by_failed_get, text_masked_everywhere

STORED = "xQ3zR9pL2mN8vB7cD4fG"
OTHER = "aB3dE5gH7jK9mN1pQ3sT"
THIRD = "Zz9Yy8Xx7Ww6Vv5Uu4Tt"
TOKENS = (STORED, OTHER, THIRD)

# 1. A text table's header with one cell the reader does not take for a name.
TEXT_TABLES = [
    pytest.param(
        f",slug,plex_token\n0,a,{OTHER}\n1,b,{THIRD}\n2,plex,{STORED}\n",
        id="pandas-to_csv-index",
    ),
    pytest.param(f"#,slug,plex_token\n1,a,{OTHER}\n2,b,{THIRD}\n3,plex,{STORED}", id="hash-column"),
    pytest.param(
        f"slug,sha256,plex_token\na,x,{OTHER}\nb,y,{THIRD}\nplex,z,{STORED}", id="sha256-column"
    ),
    pytest.param(
        f"slug\toauth2_client_id\tplex_token\na\t1\t{OTHER}\nb\t2\t{THIRD}\nplex\t3\t{STORED}",
        id="oauth2-column-tsv",
    ),
    pytest.param(
        f"uuid4|slug|plex_token\n1|a|{OTHER}\n2|b|{THIRD}\n3|plex|{STORED}", id="uuid4-column"
    ),
    pytest.param(f"slug*,plex_token*\na,{OTHER}\nb,{THIRD}\nplex,{STORED}", id="required-marker"),
    pytest.param(
        f" ?column? | slug | plex_token\n----------+------+-----------\n 1 | a | {OTHER}\n"
        f" 1 | b | {THIRD}\n 1 | plex | {STORED}\n(3 rows)",
        id="psql-unnamed-column",
    ),
    pytest.param(
        f"\ufeffslug,plex_token\na,{OTHER}\nb,{THIRD}\nplex,{STORED}", id="excel-csv-utf8-bom"
    ),
]

# 2. Box-drawing tables.
BOX_TABLES = [
    pytest.param(
        "╒════════╤══════════════════════╕\n"
        "│ slug   │ plex_token           │\n"
        "╞════════╪══════════════════════╡\n"
        f"│ a      │ {OTHER} │\n"
        "├────────┼──────────────────────┤\n"
        f"│ b      │ {THIRD} │\n"
        "├────────┼──────────────────────┤\n"
        f"│ plex   │ {STORED} │\n"
        "╘════════╧══════════════════════╛",
        id="tabulate-fancy_grid",
    ),
    pytest.param(
        "┏━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━┓\n"
        "┃ slug ┃ plex_token           ┃\n"
        "┡━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━┩\n"
        f"│ a    │ {OTHER} │\n"
        f"│ b    │ {THIRD} │\n"
        f"│ plex │ {STORED} │\n"
        "└──────┴──────────────────────┘",
        id="rich-table",
    ),
    pytest.param(
        "┌──────┬──────────────────────┐\n"
        "│ slug │      plex_token      │\n"
        "├──────┼──────────────────────┤\n"
        f"│ a    │ {OTHER} │\n"
        f"│ b    │ {THIRD} │\n"
        f"│ plex │ {STORED} │\n"
        "└──────┴──────────────────────┘",
        id="sqlite3-mode-box",
    ),
]

_ROWS = [["a", 1, OTHER], ["b", 2, THIRD], ["plex", 3, STORED]]

# 3. JSON tables with one non-name in the column list, a sheet, BigQuery.
JSON_TABLES = [
    pytest.param({"columns": ["slug", "sha256", "plex_token"], "rows": _ROWS}, id="digit-column"),
    pytest.param({"columns": ["slug", "", "plex_token"], "rows": _ROWS}, id="empty-column"),
    pytest.param({"columns": ["slug", None, "plex_token"], "rows": _ROWS}, id="null-column"),
    pytest.param(
        {"columns": ["slug", "?column?", "plex_token"], "rows": _ROWS}, id="psql-unnamed-column"
    ),
    pytest.param(
        {"columns": ["slug", "count(*)", "plex_token"], "rows": _ROWS}, id="aggregate-column"
    ),
    pytest.param([["slug", "oauth2_client", "plex_token"], *_ROWS], id="sheet-digit-column"),
    pytest.param([["", "slug", "plex_token"], *_ROWS], id="sheet-index-column"),
    pytest.param(
        {
            "kind": "bigquery#queryResponse",
            "schema": {
                "fields": [
                    {"name": "slug", "type": "STRING"},
                    {"name": "plex_token", "type": "STRING"},
                ]
            },
            "rows": [
                {"f": [{"v": slug}, {"v": token}]}
                for slug, token in (("a", OTHER), ("b", THIRD), ("plex", STORED))
            ],
        },
        id="bigquery-query-response",
    ),
]

# 4. A table of the secret column alone.
ONE_COLUMN_TEXT = [
    pytest.param(f" plex_token \n------------\n {OTHER}\n {THIRD}\n {STORED}\n(3 rows)", id="psql"),
    pytest.param(f"plex_token\n{OTHER}\n{THIRD}\n{STORED}", id="csv"),
]
ONE_COLUMN_JSON = [
    pytest.param({"columns": ["plex_token"], "rows": [[OTHER], [THIRD], [STORED]]}, id="rows"),
    pytest.param([["plex_token"], [OTHER], [THIRD], [STORED]], id="sheet"),
    pytest.param(
        {"fields": [{"name": "plex_token"}], "rows": [[OTHER], [THIRD], [STORED]]}, id="fields"
    ),
]


def _leaked(shown: str) -> list[str]:
    return [token for token in TOKENS if token in shown]


@pytest.mark.parametrize("text", TEXT_TABLES + BOX_TABLES + ONE_COLUMN_TEXT)
def test_a_text_table_is_masked(text: str) -> None:
    assert _leaked(text_masked_everywhere(text)) == []


@pytest.mark.parametrize("text", TEXT_TABLES + BOX_TABLES + ONE_COLUMN_TEXT)
def test_both_clients_mask_a_text_table_body(twin: Twin, api: respx.MockRouter, text: str) -> None:
    shown = shown_by_failed_get(
        twin, api, 500, content=text.encode(), headers={"Content-Type": "text/csv; charset=utf-8"}
    )
    assert _leaked(shown) == []


@pytest.mark.parametrize("text", TEXT_TABLES + BOX_TABLES + ONE_COLUMN_TEXT)
def test_both_clients_mask_a_text_table_in_a_json_detail(
    twin: Twin, api: respx.MockRouter, text: str
) -> None:
    assert _leaked(shown_by_failed_get(twin, api, 400, json={"detail": text})) == []


@pytest.mark.parametrize("body", JSON_TABLES + ONE_COLUMN_JSON)
def test_both_clients_mask_a_json_table(twin: Twin, api: respx.MockRouter, body: Any) -> None:
    assert _leaked(shown_by_failed_get(twin, api, 400, json=body)) == []


@pytest.mark.parametrize(
    "body",
    [
        {"detail": f",slug,plex_token\n0,a,{OTHER}\n1,b,{THIRD}\n2,plex,{STORED}"},
        {"columns": ["slug", "sha256", "plex_token"], "rows": _ROWS},
        {"columns": ["plex_token"], "rows": [[OTHER], [THIRD], [STORED]]},
    ],
    ids=["pandas-csv-in-detail", "json-digit-column", "json-one-column"],
)
def test_the_command_line_masks_these(body: Any) -> None:
    out, err = shown_by_failed_cli_get(body)
    assert _leaked(out + err) == []


@pytest.mark.parametrize(
    "text",
    [
        f"slug,plex_token\na,{OTHER}\nb,{THIRD}\nplex,{STORED}",
        f"| slug | plex_token |\n|---|---|\n| a | {OTHER} |\n| b | {THIRD} |\n| plex | {STORED} |",
    ],
    ids=["csv", "markdown"],
)
def test_plain_tables_are_masked(text: str) -> None:
    assert _leaked(text_masked_everywhere(text)) == []


def test_a_json_table_with_only_names_is_masked() -> None:
    from plex_source_client._secrets import mask_json

    shown = str(mask_json({"columns": ["slug", "id", "plex_token"], "rows": _ROWS}, ()))
    assert _leaked(shown) == []


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        # A one-column table's sentence keeps its words; its tokens are masked.
        (
            f"plex_token\nThis field may not be blank.\n{STORED}",
            "plex_token\nThis field may not be blank.\n***",
        ),
        # One cell that is more than a name is no one-column header.
        ("Invalid plex_token value\nrequest 3f2a9c", "Invalid plex_token value\nrequest 3f2a9c"),
        # A byte order mark before it (Excel's CSV) does not hide the name.
        ("\ufeffplex_token\nlowercaseonly", "\ufeffplex_token\n***"),
    ],
    ids=["one-column-sentence", "no-header", "bom-one-column"],
)
def test_one_column_headers_are_a_bare_name(text: str, masked: str) -> None:
    from plex_source_client._secrets import mask_text

    assert mask_text(text, ()) == masked
