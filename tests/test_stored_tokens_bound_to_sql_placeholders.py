# ruff: noqa: S608  (SQL error texts a server shows, not queries run)
"""A stored Plex token in a database error that names its column by a placeholder only
(``plex_token=%s``, ``?``, ``$1``, ``VALUES (%s, %s)``) and lists the bound values apart
(SQLAlchemy's ``[parameters: (...)]``, PostgreSQL's ``DETAIL:  parameters: $1 = '...'``,
MyBatis' ``==> Parameters:``, Hibernate's ``binding parameter [1]``, Django's ``params=``):
the listing is masked, in a text body, a JSON message and the command line's output; an SQL
error naming no secret keeps its values.
"""

from __future__ import annotations

import pytest
import respx

from .conftest import Twin
from .shown import shown_by_failed_cli_get, shown_by_failed_get

STORED = "Zq8xPL2vKm4nRw7tYb3c"

SQL_ERRORS = {
    "sqlalchemy-pyformat": (
        "(psycopg2.errors.StringDataRightTruncation) value too long for type character"
        " varying(10)\n[SQL: UPDATE authentik_sources_plex_plexsource SET plex_token=%s"
        f" WHERE id=%s]\n[parameters: ('{STORED}', 5)]"
    ),
    "sqlalchemy-qmark": (
        "[SQL: UPDATE plexsource SET plex_token=? WHERE source_ptr_id=?]\n"
        f"[parameters: ('{STORED}', 5)]"
    ),
    "postgresql-log": (
        "STATEMENT:  UPDATE plexsource SET plex_token = $1 WHERE id = $2\n"
        f"DETAIL:  parameters: $1 = '{STORED}', $2 = '5'"
    ),
    "mybatis": (
        "==>  Preparing: UPDATE plex_source SET plex_token = ? WHERE id = ?\n"
        f"==> Parameters: {STORED}(String), 5(Integer)"
    ),
    "sqlite-insert": (
        "UNIQUE constraint failed: plexsource.plex_token\n"
        "[SQL: INSERT INTO plexsource (plex_token) VALUES (?)]\n"
        f"[parameters: ('{STORED}',)]"
    ),
    "django-params": (
        'INSERT INTO "plexsource" ("plex_token", "client_id") VALUES (%s, %s)\n'
        f"params=('{STORED}', 'abc')"
    ),
    "hibernate-5": (
        f"binding parameter [1] as [VARCHAR] - [{STORED}]\n"
        "update plex_source set plex_token=? where id=?"
    ),
    "hibernate-6": (
        f"binding parameter (1:VARCHAR) <- [{STORED}]\n"
        "update plex_source set plex_token=? where id=?"
    ),
    "oracle-bind-variables": (
        f"ORA-12899: value too large for column PLEX_TOKEN\nBind variables: :1 = '{STORED}', :2 = 5"
    ),
    "python-logging-args": f"UPDATE plexsource SET plex_token=%s WHERE id=%s args=('{STORED}', 5)",
}


@pytest.mark.parametrize("message", list(SQL_ERRORS.values()), ids=list(SQL_ERRORS))
def test_stored_token_bound_to_a_placeholder_is_not_shown(
    twin: Twin, api: respx.MockRouter, message: str
) -> None:
    shown = shown_by_failed_get(twin, api, 500, content=message.encode())
    assert STORED not in shown


@pytest.mark.parametrize("message", list(SQL_ERRORS.values()), ids=list(SQL_ERRORS))
def test_stored_token_bound_to_a_placeholder_in_a_json_detail_is_not_shown(
    twin: Twin, api: respx.MockRouter, message: str
) -> None:
    shown = shown_by_failed_get(twin, api, 400, json={"detail": message})
    assert STORED not in shown


@pytest.mark.parametrize("message", list(SQL_ERRORS.values()), ids=list(SQL_ERRORS))
def test_cli_get_does_not_show_a_stored_token_bound_to_a_placeholder(message: str) -> None:
    out, err = shown_by_failed_cli_get({"detail": message})
    assert STORED not in out + err


def test_the_bound_token_is_masked_where_a_header_repeats_it(
    twin: Twin, api: respx.MockRouter
) -> None:
    """The listing's values are masked wherever the same answer repeats them: a request id
    header holding the token too.
    """
    shown = shown_by_failed_get(
        twin, api, 500, content=SQL_ERRORS["sqlalchemy-qmark"].encode(),
        headers={"X-Request-Id": STORED},
    )  # fmt: skip
    assert STORED not in shown


def test_an_sql_error_naming_no_secret_keeps_its_bound_values(
    twin: Twin, api: respx.MockRouter
) -> None:
    """Only a statement naming a secret loses its listing: a slug's unique violation shows
    the values a reader needs.
    """
    message = (
        "duplicate slug\n[SQL: UPDATE plexsource SET slug=%s WHERE id=%s]\n"
        "[parameters: ('my-plex-2', 5)]"
    )
    shown = shown_by_failed_get(twin, api, 500, content=message.encode())
    assert "[parameters: ('my-plex-2', 5)]" in shown


def test_a_masked_listing_keeps_its_closing_bracket(twin: Twin, api: respx.MockRouter) -> None:
    shown = shown_by_failed_get(twin, api, 500, content=SQL_ERRORS["sqlalchemy-qmark"].encode())
    assert "[parameters: ***]" in shown
