"""Property tests (hypothesis): the client's promises hold for any input, not just our examples."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import Callable
from enum import Enum
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from plex_source_client import (
    AsyncPlexSourceClient,
    GroupMatchingMode,
    InvalidRequest,
    PlexSource,
    PlexSourceClient,
    PlexSourceError,
    PolicyEngineMode,
    UserMatchingMode,
)
from plex_source_client._changes import FIELDS_BY_NAME
from plex_source_client._generated.models import PatchedPlexSourceRequest
from plex_source_client.testing import FakeAuthentik

from .payloads import plex_source, plex_source_2026

pytestmark = pytest.mark.property
SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
URL = "https://auth.example.com"

# -- strategies

# DRF refuses NUL characters in any string, and trims surrounding whitespace before checking.
not_blank = st.text(
    alphabet=st.characters(exclude_characters="\x00", exclude_categories=["Cs"]), min_size=1
).filter(str.strip)
with_nul = st.tuples(st.text(), st.text()).map(lambda parts: parts[0] + "\x00" + parts[1])
uuid_value = st.uuids() | st.uuids().map(str) | st.uuids().map(lambda u: str(u).upper())


def enum_value(enum: type[Enum]) -> st.SearchStrategy[Any]:
    return st.sampled_from(list(enum)) | st.sampled_from([m.value for m in enum])


def sequence_of(items: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.lists(items, max_size=4) | st.lists(items, max_size=4).map(tuple)


VALID: dict[str, st.SearchStrategy[Any]] = {
    "name": not_blank,
    "new_slug": st.from_regex(r"\s*[-a-zA-Z0-9_]{1,50}\s*", fullmatch=True),
    "enabled": st.booleans(),
    "authentication_flow": st.none() | uuid_value | st.sampled_from(["", " "]),  # "": null
    "enrollment_flow": st.none() | uuid_value | st.sampled_from(["", " "]),
    "user_property_mappings": sequence_of(uuid_value),
    "group_property_mappings": sequence_of(uuid_value),
    "policy_engine_mode": enum_value(PolicyEngineMode),
    "user_matching_mode": enum_value(UserMatchingMode),
    "user_path_template": not_blank,
    "group_matching_mode": enum_value(GroupMatchingMode),
    "client_id": not_blank,
    "allowed_servers": sequence_of(not_blank),
    "allow_friends": st.booleans(),
    "plex_token": not_blank,
}

#: authentik 2025.12 and newer: two more writable fields, and slugs of any length.
VALID_2026: dict[str, st.SearchStrategy[Any]] = {
    **VALID,
    "new_slug": st.from_regex(r"\s*[-a-zA-Z0-9_]{1,300}\s*", fullmatch=True),
    "promoted": st.booleans(),
    "icon": st.text().filter(lambda s: "\x00" not in s),  # "" clears the icon
}

blank = st.sampled_from(["", " ", "\t\n"])
not_a_string = st.integers() | st.booleans() | st.lists(st.integers(), max_size=2) | st.none()
not_a_uuid = st.text().filter(lambda s: not _is_uuid(s)) | st.integers() | st.floats()
#: Not a flow: a blank string is one (it clears the flow, as null does).
not_a_flow = (
    st.text().filter(lambda s: bool(s.strip()) and not _is_uuid(s)) | st.integers() | st.floats()
)
not_a_list = st.text() | st.integers() | st.none() | st.dictionaries(st.text(), st.integers())


def _is_uuid(text: str) -> bool:
    try:
        uuid.UUID(text)
    except ValueError:
        return False
    return True


def _is_slug(text: str) -> bool:
    return 0 < len(text) <= 50 and text.isascii() and all(c.isalnum() or c in "-_" for c in text)


def bad_choice(enum: type[Enum]) -> st.SearchStrategy[Any]:
    return st.text().filter(lambda s: s not in {m.value for m in enum}) | st.none() | st.integers()


INVALID: dict[str, st.SearchStrategy[Any]] = {
    "name": blank | not_a_string | with_nul,
    "new_slug": st.text().filter(lambda s: not _is_slug(s.strip())) | not_a_string,
    "enabled": st.integers() | st.text() | st.none(),
    "authentication_flow": not_a_flow,
    "enrollment_flow": not_a_flow,
    "user_property_mappings": not_a_list | st.lists(not_a_uuid, min_size=1, max_size=3),
    "group_property_mappings": not_a_list | st.lists(not_a_uuid, min_size=1, max_size=3),
    "policy_engine_mode": bad_choice(PolicyEngineMode),
    "user_matching_mode": bad_choice(UserMatchingMode),
    "user_path_template": blank | not_a_string | with_nul,
    "group_matching_mode": bad_choice(GroupMatchingMode),
    "client_id": blank | not_a_string | with_nul,
    "allowed_servers": not_a_list
    | st.lists(blank | not_a_string | with_nul, min_size=1, max_size=3),
    "allow_friends": st.integers() | st.text() | st.none(),
    "plex_token": blank | not_a_string | with_nul,
}


def as_json(field: str, value: Any) -> Any:
    """What ``value`` for ``field`` must look like on the wire."""
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, list | tuple):
        return [as_json(field, item) for item in value]
    if FIELDS_BY_NAME[field].nullable and isinstance(value, str) and not value.strip():
        return None  # a blank flow clears it: sent as null
    if FIELDS_BY_NAME[field].kind in ("uuid", "uuid_list") and value is not None:
        return str(uuid.UUID(str(value)))  # UUIDs are sent in canonical form
    if isinstance(value, str):
        return value.strip()  # sent as the server stores it: trimmed, as DRF's CharField does
    return value


# -- running a call on both clients, recording what reaches the wire


Handler = Callable[[httpx.Request], httpx.Response]


def call_both(
    slug: Any, changes: dict[str, Any], handler: Handler, server_version: str = "2024.8.2"
) -> list[Any]:
    """The outcome (a result or the raised exception) of the call on each client, told the
    server runs ``server_version`` (so that it asks no version endpoint).
    """
    outcomes: list[Any] = []
    transport = httpx.MockTransport(handler)
    with PlexSourceClient(
        url=URL, token="t0ken", max_retries=0, http_client=httpx.Client(transport=transport),
        server_version=server_version,
    ) as client:  # fmt: skip
        try:
            outcomes.append(client.update_from_mapping(slug, changes))
        except Exception as error:  # noqa: BLE001 - the property is about which exceptions
            outcomes.append(error)

    async def run() -> Any:
        async with httpx.AsyncClient(transport=transport) as http:
            client = AsyncPlexSourceClient(
                url=URL, token="t0ken", max_retries=0, http_client=http,
                server_version=server_version,
            )  # fmt: skip
            try:
                return await client.update_from_mapping(slug, changes)
            except Exception as error:  # noqa: BLE001
                return error

    outcomes.append(asyncio.run(run()))
    return outcomes


def recording(
    sent: list[httpx.Request],
    status: int = 200,
    body: bytes | None = None,
    headers: dict[str, str] | None = None,
) -> Handler:
    """A server that records each request and answers it (a fresh response every time)."""
    content = json.dumps(plex_source()).encode() if body is None else body

    def handler(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return httpx.Response(status, content=content, headers=headers)

    return handler


# -- properties


@SETTINGS
@given(st.fixed_dictionaries({}, optional=VALID).filter(bool))  # none: refused, not sent
def test_valid_changes_become_exactly_those_keys(changes: dict[str, Any]) -> None:
    sent: list[httpx.Request] = []
    outcomes = call_both("my-plex", changes, recording(sent))
    assert all(isinstance(outcome, PlexSource) for outcome in outcomes), outcomes
    expected = {FIELDS_BY_NAME[name].wire: as_json(name, v) for name, v in changes.items()}
    for request in sent:
        body = json.loads(request.content)
        assert body == expected
        # The generated request model reads and writes the body without losing anything.
        assert PatchedPlexSourceRequest.from_dict(body).to_dict() == body
    assert len(sent) == 2


@SETTINGS
@given(st.fixed_dictionaries({}, optional=VALID_2026).filter(bool))
def test_valid_changes_on_2026_become_exactly_those_keys(changes: dict[str, Any]) -> None:
    sent: list[httpx.Request] = []
    handler = recording(sent, body=json.dumps(plex_source_2026()).encode())
    outcomes = call_both("my-plex", changes, handler, server_version="2026.2.2")
    assert all(isinstance(outcome, PlexSource) for outcome in outcomes), outcomes
    expected = {FIELDS_BY_NAME[name].wire: as_json(name, v) for name, v in changes.items()}
    for request in sent:
        assert json.loads(request.content) == expected
    assert len(sent) == 2


@SETTINGS
@given(
    st.sampled_from(["promoted", "icon"]).flatmap(lambda f: st.tuples(st.just(f), VALID_2026[f]))
)
def test_a_2025_12_field_is_refused_before_io_on_2024_8(field_and_value: tuple[str, Any]) -> None:
    field, value = field_and_value
    sent: list[httpx.Request] = []
    outcomes = call_both("my-plex", {field: value}, recording(sent), server_version="2024.8.2")
    for outcome in outcomes:
        assert isinstance(outcome, InvalidRequest), outcome
        assert list(outcome.errors) == [field]
        assert "2025.12" in outcome.errors[field][0]
        assert "this server runs 2024.8.2" in outcome.errors[field][0]
    assert sent == []


@SETTINGS
@given(st.sampled_from(sorted(INVALID)).flatmap(lambda f: st.tuples(st.just(f), INVALID[f])))
def test_any_invalid_value_is_refused_before_io(field_and_value: tuple[str, Any]) -> None:
    field, value = field_and_value
    sent: list[httpx.Request] = []
    outcomes = call_both("my-plex", {field: value}, recording(sent))
    for outcome in outcomes:
        assert isinstance(outcome, InvalidRequest), (field, value, outcome)
        assert list(outcome.errors) == [field]
    assert sent == []


@SETTINGS
@given(st.text(max_size=60) | st.sampled_from(["..", ".", "", "a/b", "%2e%2e", "a?b=c", "#"]))
def test_any_slug_reaches_exactly_its_own_path_or_nothing(slug: str) -> None:
    sent: list[httpx.Request] = []
    outcomes = call_both(slug, {"enabled": True}, recording(sent))
    if all(isinstance(outcome, InvalidRequest) for outcome in outcomes):
        assert sent == []
        return
    assert all(isinstance(outcome, PlexSource) for outcome in outcomes), outcomes
    for request in sent:
        assert request.url.host == "auth.example.com"
        assert request.url.raw_path == f"/api/v3/sources/plex/{slug}/".encode()
        assert request.url.query == b""


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(), children, max_size=3)
    ),
    max_leaves=10,
)
source_with_surprises = st.builds(
    lambda extra, mode: {**plex_source(user_matching_mode=mode), **extra},
    st.dictionaries(st.text().filter(lambda k: k not in plex_source()), json_values, max_size=3),
    st.text(),
)
bodies = (
    json_values.map(lambda v: json.dumps(v).encode())
    | st.binary(max_size=200)
    | source_with_surprises.map(lambda v: json.dumps(v).encode())
)


@SETTINGS
@given(
    status=st.integers(200, 599),
    body=bodies,
    content_type=st.sampled_from(["application/json", "text/html", "text/plain", ""]),
)
def test_any_answer_is_a_source_or_one_of_our_errors(
    status: int, body: bytes, content_type: str
) -> None:
    headers = {"Content-Type": content_type} if content_type else {}
    outcomes = call_both("my-plex", {"enabled": False}, recording([], status, body, headers))
    for outcome in outcomes:
        assert isinstance(outcome, PlexSource | PlexSourceError), repr(outcome)
        if isinstance(outcome, PlexSource):
            assert 200 <= status < 300


# -- the client's string checks mirror authentik's (the fake's DRF CharField) ----------------

STRING_FIELDS = ["name", "new_slug", "user_path_template", "client_id", "plex_token"]
PATH = "/api/v3/sources/plex/plex/"


@SETTINGS
@given(
    st.sampled_from([*STRING_FIELDS, "allowed_servers"]),
    st.text(max_size=12) | st.sampled_from([" \x00", "a\x00", "\u2003x\u2003", "  ", "ok\n"]),
)
def test_the_client_takes_a_string_exactly_when_authentik_does(field: str, text: str) -> None:
    """Accepted by the client iff the server accepts it; and then sent as the server stores it."""
    value: Any = [text] if field == "allowed_servers" else text
    wire = FIELDS_BY_NAME[field].wire
    server = FakeAuthentik()
    headers = {"Authorization": f"Bearer {server.token}", "Content-Type": "application/json"}
    answer = server.handle("PATCH", PATH, headers, json.dumps({wire: value}).encode())
    fake = FakeAuthentik()
    refused: dict[str, Any] | None = None
    with fake.client(max_retries=0) as client:
        try:
            client.update_from_mapping("plex", {field: value})
        except InvalidRequest as error:
            refused = error.errors
    if refused is not None:
        assert answer.status == 400, refused
        return
    assert answer.status == 200, answer.json()
    [stored] = fake.sources.values()
    assert fake.requests[-1].json == {wire: stored[wire]}  # sent is stored: no drift
