"""Valid sources (2024.8.2 and 2026.2.2 bodies) with members a newer server may add are not
taken for error items (review round 30): a display name mentioning a token beside a
``description``, ``status``, ``type`` or ``title``; an object with ``old``/``new``,
``current`` or ``value`` about another field. ``export`` writes them, ``get`` and ``plan``
show their fields; and ``export`` never crashes on a stored value equal to a plan field's
name (``name``: was ``KeyError`` and exit 5).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from .fixed_server import PLEX_TOKEN, FixedServer, run_main, source
from .payloads import plex_source, plex_source_2026


def _source_2026(**overrides: Any) -> dict[str, Any]:
    return plex_source_2026(plex_token=PLEX_TOKEN, **overrides)


RELEASES: dict[str, Callable[..., dict[str, Any]]] = {"2024.8.2": source, "2026.2.2": _source_2026}

#: A display name mentioning a token, key or secret (a perfectly valid name) and a member a
#: newer server might add to a source (a description, a status, a type).
NAMED: list[dict[str, Any]] = [
    {"name": "Plex token login", "description": "Family Plex server"},
    {"name": "Plex token login", "status": "ok"},
    {"name": "PassKey", "type": "plex"},
    {"name": "Secret Plex", "title": "Family"},
]
#: An object member holding a value of a non-secret field (an audit record of the last change
#: of the name, a sync state), beside the source's ``plex_token``.
RECORDS: list[dict[str, Any]] = [
    {"last_change": {"field": "name", "old": "Plex old", "new": "Plex"}},
    {"sync": {"state": "idle", "current": "Plex"}},
    {"display": {"value": "Plex", "locale": "en"}},
]


def _run(body: dict[str, Any], release: str, *argv: str) -> tuple[int, str, str]:
    with FixedServer([body]) as server:
        code, out, err, _ = run_main(
            list(argv), url=server.url, env={"AUTHENTIK_SERVER_VERSION": release}
        )
    return code, out, err


@pytest.mark.parametrize("release", list(RELEASES))
@pytest.mark.parametrize("extra", NAMED + RECORDS, ids=lambda e: "-".join(map(str, e)))
def test_export_of_a_valid_source_with_a_newer_member(release: str, extra: dict[str, Any]) -> None:
    make = RELEASES[release]
    plain = {k: v for k, v in extra.items() if k == "name"}
    expected = _run(make(**plain), release, "export")
    assert expected[0] == 0, expected
    code, out, err = _run(make(**extra), release, "export")
    assert (code, err) == (0, ""), err
    assert out == expected[1]


@pytest.mark.parametrize("release", list(RELEASES))
@pytest.mark.parametrize("extra", NAMED, ids=lambda e: "-".join(map(str, e)))
def test_get_of_a_valid_source_with_a_newer_member_shows_its_fields(
    release: str, extra: dict[str, Any]
) -> None:
    code, out, err = _run(RELEASES[release](**extra), release, "get", "my-plex")
    assert code == 0, err
    assert '"my-plex"' in out  # the slug, not ***
    assert '"plex-client-id"' in out  # client_id
    assert PLEX_TOKEN not in out


def test_plan_shows_the_current_client_id_of_a_valid_source(tmp_path: Any) -> None:
    plan = tmp_path / "plan.toml"
    plan.write_text('[[items]]\nslug = "my-plex"\n\n[items.changes]\nclient_id = "new-client"\n')
    body = plex_source(plex_token=PLEX_TOKEN, **NAMED[0])
    code, out, err = _run(body, "2024.8.2", "plan", str(plan))
    assert code == 4, err  # changes to make
    assert 'client_id: "plex-client-id" -> "new-client"' in out, out


@pytest.mark.parametrize("release", list(RELEASES))
def test_export_never_crashes_on_a_stored_value_equal_to_a_plan_field_name(release: str) -> None:
    # ``"name"`` taken for a stored secret masks the plan's key ``name``: KeyError: '***'.
    code, _, err = _run(RELEASES[release](**RECORDS[0]), release, "export")
    assert "internal error" not in err
    assert code in (0, 2), err


def test_a_resource_with_a_description_and_a_field_descriptor_hides_nothing_else() -> None:
    from plex_source_client._secrets.members import member_kinds

    item: dict[str, Any] = {f"field{i}": "x" for i in range(20)}  # a source has 20 and more
    item |= {"slug": "s", "description": "d", "state": {"field": "plex_token", "set": True}}
    assert member_kinds(item)[0] == frozenset()


def test_a_resource_whose_name_reads_as_a_field_hides_no_value_member() -> None:
    from plex_source_client._secrets.members import member_kinds

    item = {f"field{i}": "x" for i in range(20)}  # a source has 20 members and more
    item |= {"name": "plex-token-login", "default_value": "abc12345XY"}
    assert member_kinds(item)[0] == frozenset()
    # ... as a small setting object naming the field does: {"OptionName": ..., "Value": T}
    assert member_kinds({"OptionName": "PLEX_TOKEN", "Value": "T"})[0] == {"Value"}


def test_export_of_a_source_whose_short_token_is_a_field_name_refuses_cleanly() -> None:
    from .fixed_server import FixedServer, run_main, source

    with FixedServer([source(plex_token="enabled")]) as server:
        code, _, err, _ = run_main(
            ["export"], url=server.url, env={"AUTHENTIK_SERVER_VERSION": "2024.8.2"}
        )
    assert code == 2, err
    assert "internal error" not in err
