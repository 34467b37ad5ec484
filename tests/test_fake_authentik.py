"""FakeAuthentik answers as authentik 2024.8 does: PATCH semantics, DRF errors, auth, faults."""

from __future__ import annotations

import copy
import json
import time
import uuid
from typing import Any

import httpx
import pytest
from openapi_core import OpenAPI
from openapi_core.testing import MockRequest, MockResponse

from plex_source_client.testing import (
    DEFAULT_AUTHENTICATION_FLOW,
    DEFAULT_ENROLLMENT_FLOW,
    Answer,
    FakeAuthentik,
)

from .test_spec import ROOT, load_spec

PATH = "/api/v3/sources/plex/plex/"


def patch(
    fake: FakeAuthentik,
    body: Any = None,
    *,
    raw: bytes | None = None,
    token: str | None = "admin",
    content_type: str = "application/json",
    path: str = PATH,
    method: str = "PATCH",
) -> Answer:
    headers = {"Content-Type": content_type}
    if token == "admin":
        headers["Authorization"] = f"Bearer {fake.token}"
    elif token is not None:
        headers["Authorization"] = token
    content = raw if raw is not None else (b"" if body is None else json.dumps(body).encode())
    return fake.handle(method, path, headers, content)


@pytest.fixture
def fake() -> FakeAuthentik:
    return FakeAuthentik()


# -- state and PATCH semantics ------------------------------------------------------------------


def test_a_fresh_fake(fake: FakeAuthentik) -> None:
    assert list(fake.sources) == ["plex"]
    assert sorted(fake.flows.values()) == [DEFAULT_AUTHENTICATION_FLOW, DEFAULT_ENROLLMENT_FLOW]
    source = fake.sources["plex"]
    assert source["authentication_flow"] == str(fake.default_authentication_flow)
    assert source["plex_token"]
    assert source["client_id"]
    assert fake.requests == []
    assert fake.url == FakeAuthentik.IN_PROCESS_URL


def test_add_source_fills_read_only_fields_as_authentik_does(fake: FakeAuthentik) -> None:
    source = fake.add_source(slug="plex-test", name="Plex Test", client_id="cid", plex_token="pt")
    assert uuid.UUID(source["pk"])
    assert source["component"] == "ak-source-plex-form"
    assert source["verbose_name"] == "Plex Source"
    assert source["verbose_name_plural"] == "Plex Sources"
    assert source["meta_model_name"] == "authentik_sources_plex.plexsource"
    assert source["managed"] is None
    assert source["icon"] == "/static/authentik/sources/plex.svg"
    assert (source["client_id"], source["plex_token"]) == ("cid", "pt")
    assert len(source) == 22
    with pytest.raises(ValueError, match="already exists"):
        fake.add_source(slug="plex-test")
    with pytest.raises(TypeError, match="bogus"):
        fake.add_source(slug="other", bogus=1)


def test_seeded_sources() -> None:
    fake = FakeAuthentik(sources=[{"slug": "a", "name": "A"}, {"slug": "b", "enabled": False}])
    assert sorted(fake.sources) == ["a", "b"]
    assert fake.sources["b"]["enabled"] is False
    assert FakeAuthentik(sources=[]).sources == {}


def test_only_sent_fields_change(fake: FakeAuthentik) -> None:
    before = fake.sources["plex"]
    answer = patch(fake, {"enabled": False, "allowed_servers": ["abc"]})
    assert answer.status == 200
    after = fake.sources["plex"]
    assert after == {**before, "enabled": False, "allowed_servers": ["abc"]}
    assert answer.json() == after


def test_null_clears_a_flow(fake: FakeAuthentik) -> None:
    assert patch(fake, {"authentication_flow": None}).json()["authentication_flow"] is None


def test_slug_in_the_body_renames(fake: FakeAuthentik) -> None:
    assert patch(fake, {"slug": "renamed"}).status == 200
    assert list(fake.sources) == ["renamed"]
    assert patch(fake, {"enabled": False}).status == 404
    assert patch(fake, {"enabled": False}, path="/api/v3/sources/plex/renamed/").status == 200


def test_read_only_and_unknown_fields_are_ignored(fake: FakeAuthentik) -> None:
    before = fake.sources["plex"]
    answer = patch(fake, {"pk": str(uuid.uuid4()), "component": "x", "icon": "y", "bogus": 1})
    assert answer.status == 200
    assert fake.sources["plex"] == before


def test_names_are_not_unique_but_slugs_are(fake: FakeAuthentik) -> None:
    fake.add_source(slug="other", name="Other")
    assert patch(fake, {"name": "Other"}).status == 200
    taken = patch(fake, {"slug": "other"})
    assert (taken.status, taken.json()) == (
        400,
        {"slug": ["source with this slug already exists."]},
    )
    assert patch(fake, {"slug": "plex"}).status == 200  # its own slug is fine


def test_sources_is_a_snapshot(fake: FakeAuthentik) -> None:
    fake.sources["plex"]["enabled"] = False
    assert fake.sources["plex"]["enabled"] is True


def test_referenced_objects_must_exist(fake: FakeAuthentik) -> None:
    missing = uuid.uuid4()
    answer = patch(fake, {"authentication_flow": str(missing)})
    assert answer.json() == {
        "authentication_flow": [f'Invalid pk "{missing}" - object does not exist.']
    }
    flow = fake.add_flow()
    mapping = fake.add_property_mapping()
    ok = patch(fake, {"enrollment_flow": str(flow), "user_property_mappings": [str(mapping)]})
    assert ok.status == 200
    assert ok.json()["user_property_mappings"] == [str(mapping)]
    assert flow in fake.flows
    assert mapping in fake.property_mappings
    bad_mapping = patch(fake, {"group_property_mappings": [str(missing)]})
    assert bad_mapping.json() == {
        "group_property_mappings": [f'Invalid pk "{missing}" - object does not exist.']
    }


# -- authentik's errors ---------------------------------------------------------------------------

FIELD_ERRORS: list[tuple[dict[str, Any], dict[str, Any]]] = [
    (
        {"slug": "not a slug"},
        {"slug": ['Enter a valid "slug" consisting of letters, numbers, underscores or hyphens.']},
    ),
    ({"slug": "s" * 51}, {"slug": ["Ensure this field has no more than 50 characters."]}),
    ({"name": ""}, {"name": ["This field may not be blank."]}),
    ({"name": "   "}, {"name": ["This field may not be blank."]}),
    ({"name": None}, {"name": ["This field may not be null."]}),
    ({"name": ["x"]}, {"name": ["Not a valid string."]}),
    ({"policy_engine_mode": "bogus"}, {"policy_engine_mode": ['"bogus" is not a valid choice.']}),
    (
        {"user_matching_mode": "name_link"},
        {"user_matching_mode": ['"name_link" is not a valid choice.']},
    ),
    ({"authentication_flow": "x"}, {"authentication_flow": ["“x” is not a valid UUID."]}),
    ({"enabled": "maybe"}, {"enabled": ["Must be a valid boolean."]}),
    (
        {"allowed_servers": "abc"},
        {"allowed_servers": ['Expected a list of items but got type "str".']},
    ),
    ({"allowed_servers": ["a", ""]}, {"allowed_servers": {"1": ["This field may not be blank."]}}),
    (
        {"user_property_mappings": "x"},
        {"user_property_mappings": ['Expected a list of items but got type "str".']},
    ),
    ({"plex_token": ""}, {"plex_token": ["This field may not be blank."]}),
    ({"name": "a\x00b"}, {"name": ["Null characters are not allowed."]}),
    (
        {"allowed_servers": ["ok", "\x00"]},
        {"allowed_servers": {"1": ["Null characters are not allowed."]}},
    ),
    (
        {"slug": "a\x00"},
        {
            "slug": [
                "Null characters are not allowed.",
                'Enter a valid "slug" consisting of letters, numbers, underscores or hyphens.',
            ]
        },
    ),
    # PrimaryKeyRelatedField: an int is UUID(int=...), anything else UUID(hex=...), the value
    # quoted as given; ManyRelatedField hands items (None too) straight to the lookup.
    ({"enrollment_flow": 123}, {"enrollment_flow": ['Invalid pk "123" - object does not exist.']}),
    ({"enrollment_flow": -1}, {"enrollment_flow": ["“-1” is not a valid UUID."]}),
    (
        {"enrollment_flow": True},
        {"enrollment_flow": ["Incorrect type. Expected pk value, received bool."]},
    ),
    ({"enrollment_flow": ["x"]}, {"enrollment_flow": ["“['x']” is not a valid UUID."]}),
    (
        {"enrollment_flow": "0000000A-0000-0000-0000-000000000000"},
        {
            "enrollment_flow": [
                'Invalid pk "0000000A-0000-0000-0000-000000000000" - object does not exist.'
            ]
        },
    ),
    (
        {"user_property_mappings": [None]},
        {"user_property_mappings": ['Invalid pk "None" - object does not exist.']},
    ),
    ({"user_property_mappings": [""]}, {"user_property_mappings": ["“” is not a valid UUID."]}),
    (
        {"user_property_mappings": {"k": 1}},
        {"user_property_mappings": ["“k” is not a valid UUID."]},
    ),
    (
        {"user_property_mappings": 5},
        {"user_property_mappings": ['Expected a list of items but got type "int".']},
    ),
]


@pytest.mark.parametrize(("body", "errors"), FIELD_ERRORS)
def test_field_errors(fake: FakeAuthentik, body: dict[str, Any], errors: dict[str, Any]) -> None:
    before = fake.sources
    answer = patch(fake, body)
    assert (answer.status, answer.json()) == (400, errors)
    assert fake.sources == before  # nothing applied


def test_several_field_errors_at_once(fake: FakeAuthentik) -> None:
    answer = patch(fake, {"name": "", "slug": "a b", "policy_engine_mode": "x", "enabled": True})
    assert set(answer.json()) == {"name", "slug", "policy_engine_mode"}
    assert fake.sources["plex"]["enabled"] is True


def test_drf_coerces_like_authentik(fake: FakeAuthentik) -> None:
    answer = patch(fake, {"name": 42, "enabled": "false", "allow_friends": 0})
    assert answer.status == 200
    assert (answer.json()["name"], answer.json()["enabled"], answer.json()["allow_friends"]) == (
        "42",
        False,
        False,
    )


@pytest.mark.parametrize(
    ("raw", "detail"),
    [
        (b"{not json", "unexpected character: line 1 column 2 (char 1)"),
        (b'{"name": "x"', "unexpected end of data: line 1 column 13 (char 12)"),
        (b'{"name": "x"}}', "unexpected content after document: line 1 column 14 (char 13)"),
        (b'{"enabled": tru}', "invalid literal: line 1 column 13 (char 12)"),
        (b'{"enabled": NaN}', "unexpected character: line 1 column 13 (char 12)"),
        (b'{"a": [1,], "b": 2}', "trailing comma is not allowed: line 1 column 11 (char 10)"),
        (b'\n{"a": 01}', "number with leading zero is not allowed: line 2 column 7 (char 7)"),
        (
            b'{"name": "\xff"}',
            "'utf-8' codec can't decode byte 0xff in position 10: invalid start byte",
        ),
        (
            b"[" * 100_000,
            "array and object recursion depth exceeded: line 1 column 1026 (char 1025)",
        ),
        (
            b'{"a": ' * 100_000 + b"1" + b"}" * 100_000,
            "array and object recursion depth exceeded: line 1 column 6146 (char 6145)",
        ),
    ],
)
def test_malformed_json(fake: FakeAuthentik, raw: bytes, detail: str) -> None:
    """ORJSONParser's answer: the codec's or orjson's (yyjson's) message, never an exception."""
    answer = patch(fake, raw=raw)
    assert (answer.status, answer.json()) == (400, {"detail": f"JSON parse error - {detail}"})


def test_json_nested_below_orjson_limit_is_parsed(fake: FakeAuthentik) -> None:
    deep = b'{"name": ' + b"[" * 1000 + b"]" * 1000 + b"}"  # deeper than Python's own limit
    answer = patch(fake, raw=deep)
    assert fake.requests[-1].json is not None  # parsed: orjson takes up to 1024 levels
    # CharField's str(value) needs Python recursion: as in Django, it may run out (a 500).
    if answer.status == 500:
        assert answer.body == b"<h1>Server Error (500)</h1>"
    else:
        assert (answer.status, answer.json()) == (400, {"name": ["Not a valid string."]})


def test_json_null_body(fake: FakeAuthentik) -> None:
    answer = patch(fake, raw=b"null")
    assert (answer.status, answer.json()) == (400, {"non_field_errors": ["No data provided"]})


def test_json_array_body(fake: FakeAuthentik) -> None:
    answer = patch(fake, [1, 2])
    assert answer.json() == {
        "non_field_errors": ["Invalid data. Expected a dictionary, but got list."]
    }


@pytest.mark.parametrize(
    ("token", "detail"),
    [
        ("Bearer not-a-token", "Token invalid/expired"),
        (None, "You do not have permission to perform this action."),
        ("unprivileged", "You do not have permission to perform this action."),
        ("Basic dXNlcjpwdw==", "Unsupported authentication type"),
    ],
)
def test_403(fake: FakeAuthentik, token: str | None, detail: str) -> None:
    if token == "unprivileged":
        token = f"Bearer {fake.unprivileged_token}"
    answer = patch(fake, {"enabled": False}, token=token)
    assert (answer.status, answer.json()) == (403, {"detail": detail})
    assert fake.sources["plex"]["enabled"] is True


def test_404(fake: FakeAuthentik) -> None:
    answer = patch(fake, {"enabled": False}, path="/api/v3/sources/plex/nope/")
    assert (answer.status, answer.json()) == (404, {"detail": "Not found."})


@pytest.mark.parametrize("method", ["POST", "TRACE"])
def test_405(fake: FakeAuthentik, method: str) -> None:
    answer = patch(fake, {"enabled": False}, method=method)
    assert (answer.status, answer.json()) == (405, {"detail": f'Method "{method}" not allowed.'})


def test_405_comes_after_authentication(fake: FakeAuthentik) -> None:
    # a bad token fails authentication first; without one, ObjectPermissions grants the
    # detail route and DRF finds no handler: 405 (tests/test_fake_dispatch.py)
    answer = patch(fake, {"enabled": False}, method="POST", token="Bearer nope")
    assert (answer.status, answer.json()) == (403, {"detail": "Token invalid/expired"})
    assert patch(fake, {"enabled": False}, method="POST", token=None).status == 405


DETAIL_ALLOW = "GET, PUT, PATCH, DELETE, HEAD, OPTIONS"


@pytest.mark.parametrize(
    "options",
    [
        {"body": {"name": "n"}},
        {"body": {"name": ""}},
        {"token": None},
        {"path": "/api/v3/sources/plex/nope/"},
        {"raw": b"x", "content_type": "text/plain"},
        {"raw": b"{"},
        {"method": "POST"},
        {"method": "GET"},
    ],
    ids=repr,
)
def test_every_answer_of_the_detail_view_has_allow(
    fake: FakeAuthentik, options: dict[str, Any]
) -> None:
    """DRF's APIView.finalize_response sets Allow on every answer of a view."""
    assert patch(fake, **options).headers["Allow"] == DETAIL_ALLOW


def test_the_list_view_has_its_own_allow(fake: FakeAuthentik) -> None:
    answer = patch(fake, {"name": "n"}, path="/api/v3/sources/plex/")
    assert (answer.status, answer.headers["Allow"]) == (405, "GET, POST, HEAD, OPTIONS")
    assert patch(fake, method="GET", path="/api/v3/sources/plex/").json()["results"]


@pytest.mark.parametrize(
    "path",
    [
        "/api/v3/sources/plex/plex",  # no trailing slash
        "/api/v3/sources/plex/a.b/",  # lookup_value_regex is [^/.]+
        "/api/v3/sources/plex/a%2Eb/",  # matched after percent-decoding
        "/api/v3/sources/plex/plex/extra/",
        "/api/v3/nothing-here/",
    ],
)
def test_paths_the_router_does_not_match(fake: FakeAuthentik, path: str) -> None:
    """A GET-only Django view catches them: 405, its Allow, an empty body; nothing changes."""
    before = fake.sources
    answer = patch(fake, {"name": "n"}, path=path)
    assert (answer.status, answer.headers["Allow"], answer.body) == (405, "GET, HEAD, OPTIONS", b"")
    assert fake.sources == before


def test_percent_encoded_slug_is_decoded(fake: FakeAuthentik) -> None:
    fake.add_source(slug="p-1", name="P")
    assert patch(fake, {"name": "Q"}, path="/api/v3/sources/plex/p%2D1/").status == 200
    assert patch(fake, {"name": "Q"}, path="/api/v3/sources/plex/%C3%BC/").status == 404


def test_put_is_a_full_update(fake: FakeAuthentik) -> None:
    before = fake.sources["plex"]
    missing = patch(fake, {"name": "n"}, method="PUT")
    assert (missing.status, missing.json()) == (
        400,
        {"slug": ["This field is required."], "plex_token": ["This field is required."]},
    )
    empty = patch(fake, method="PUT")
    assert set(empty.json()) == {"name", "slug", "plex_token"}
    bad = patch(fake, {"name": "", "slug": "plex", "plex_token": "t", "enabled": 3}, method="PUT")
    assert bad.json() == {
        "name": ["This field may not be blank."],
        "enabled": ["Must be a valid boolean."],
    }
    assert fake.sources["plex"] == before
    ok = patch(fake, {"name": " N ", "slug": "plex-2", "plex_token": "t"}, method="PUT")
    assert ok.status == 200
    # Optional fields left out keep their values (DRF skips them); required ones are set.
    assert fake.sources["plex-2"] == {**before, "name": "N", "slug": "plex-2", "plex_token": "t"}
    assert patch(fake, method="PUT", token=None).status == 403


def test_delete_removes_the_source(fake: FakeAuthentik) -> None:
    answer = patch(fake, method="DELETE")
    assert (answer.status, answer.body) == (204, b"")
    assert fake.sources == {}
    assert patch(fake, method="DELETE").status == 404


def test_head_has_no_body(fake: FakeAuthentik) -> None:
    answer = patch(fake, method="HEAD")
    assert (answer.status, answer.body) == (200, b"")


@pytest.mark.parametrize("path", [PATH, "/api/v3/sources/plex/"])
def test_what_the_fake_does_not_emulate_says_so(fake: FakeAuthentik, path: str) -> None:
    answer = patch(fake, {"slug": "new"}, method="OPTIONS", path=path)
    assert answer.status == 501
    assert "does not emulate" in answer.json()["detail"]


def test_415(fake: FakeAuthentik) -> None:
    answer = patch(fake, raw=b"enabled=false", content_type="text/plain")
    assert (answer.status, answer.json()) == (
        415,
        {"detail": 'Unsupported media type "text/plain" in request.'},
    )


def test_get_returns_the_source(fake: FakeAuthentik) -> None:
    answer = patch(fake, method="GET")
    assert (answer.status, answer.json()) == (200, fake.sources["plex"])


def test_every_answer_has_a_request_id(fake: FakeAuthentik) -> None:
    ids = {patch(fake, body).headers["X-Authentik-Id"] for body in ({}, {"name": ""}, [1])}
    assert len(ids) == 3


# -- faults ---------------------------------------------------------------------------------------


def test_fail_next(fake: FakeAuthentik) -> None:
    fake.fail_next(2, status=503)
    first, second, third = (patch(fake, {"enabled": False}) for _ in range(3))
    assert (first.status, second.status, third.status) == (503, 503, 200)
    assert first.json() == {"detail": "Service Unavailable"}
    assert fake.sources["plex"]["enabled"] is False  # only the third applied
    assert len(fake.requests) == 3


def test_fail_next_429_with_retry_after_and_html(fake: FakeAuthentik) -> None:
    fake.fail_next(status=429, retry_after=1)
    fake.fail_next(status=502, body="<html><h1>502 Bad Gateway</h1></html>")
    limited, gateway = patch(fake, {}), patch(fake, {})
    assert (limited.status, limited.headers["Retry-After"]) == (429, "1")
    assert (gateway.status, gateway.headers["Content-Type"]) == (502, "text/html")
    assert gateway.body.startswith(b"<html>")


def test_corrupt_next_applies_then_garbles(fake: FakeAuthentik) -> None:
    fake.corrupt_next(body='{"truncated": ')
    answer = patch(fake, {"enabled": False})
    assert (answer.status, answer.body) == (200, b'{"truncated": ')
    assert fake.sources["plex"]["enabled"] is False


def test_faults_count_must_be_positive(fake: FakeAuthentik) -> None:
    with pytest.raises(ValueError, match="count"):
        fake.drop_next(0)


def test_latency(fake: FakeAuthentik) -> None:
    fake.latency = 0.2
    started = time.monotonic()
    patch(fake, {})
    assert time.monotonic() - started >= 0.2


def test_requests_are_recorded_with_secrets_masked(fake: FakeAuthentik) -> None:
    patch(fake, {"plex_token": "very-secret-plex", "enabled": True})
    [request] = fake.requests
    assert (request.method, request.path) == ("PATCH", PATH)
    assert request.headers["authorization"] == "Bearer ***"
    assert request.json == {"plex_token": "very-secret-plex", "enabled": True}
    assert "very-secret-plex" not in repr(request)
    assert fake.token not in repr(request) + repr(fake)


@pytest.mark.parametrize(
    "header",
    [
        ("Authorization", "no-scheme-token-value", "no-scheme-token-value"),
        ("Proxy-Authorization", "Basic cHJveHk6cGFzcw==", "cHJveHk6cGFzcw"),
        ("X-Plex-Token", "plex-header-token", "plex-header-token"),
        ("Cookie", "authentik_session=session-cookie-value", "session-cookie-value"),
    ],
)
def test_recorded_headers_mask_every_credential(
    fake: FakeAuthentik, header: tuple[str, str, str]
) -> None:
    """A credential is masked however it is sent: an ``Authorization`` without a scheme,
    a proxy's, a secret-named header, a cookie.
    """
    name, value, secret = header
    fake.handle("GET", PATH, {name: value}, b"")
    [request] = fake.requests
    assert secret not in repr(request)
    assert request.headers[name.lower()] in ("***", "Basic ***")


def test_the_fake_keeps_only_recent_requests_within_a_byte_bound(fake: FakeAuthentik) -> None:
    """``plex-source fake`` serves until stopped: what it records stays bounded, the oldest
    requests dropped first (here 40 bodies of 1 MiB, sent without a token, keep at most 32 MiB).
    """
    body = b'"' + b"a" * (1024 * 1024 - 10) + b'"'
    for _ in range(40):
        fake.handle("PATCH", PATH, {"Content-Type": "application/json"}, body)
    kept = fake.requests
    assert 0 < sum(len(r.body) for r in kept) <= 32 * 1024 * 1024
    assert len(kept) < 40
    patch(fake, {"enabled": False})
    assert fake.requests[-1].json == {"enabled": False}  # the newest is kept


def test_an_unauthenticated_body_is_not_parsed_while_recorded(
    fake: FakeAuthentik, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Recording happens before authentication, under the fake's lock: a body is parsed only
    when a test reads ``.json``, so a stranger's large JSON body costs the fake nothing (as
    DRF, which parses lazily after authenticating: authentik answers 403 unparsed).
    """
    from plex_source_client.testing import _json

    parsed: list[bytes] = []
    real_parse = _json.parse

    def counting_parse(body: bytes, *args: Any) -> Any:
        parsed.append(body)
        return real_parse(body, *args)

    monkeypatch.setattr(_json, "parse", counting_parse)
    body = b"[" + b"0," * 1000 + b"0]"
    answer = fake.handle("PATCH", PATH, {"Content-Type": "application/json"}, body)
    assert answer.status == 403
    assert parsed == []
    assert fake.requests[-1].json == [0] * 1001  # parsed when read
    assert parsed == [body]


# -- the same behaviour over sockets and in process ------------------------------------------------


@pytest.mark.parametrize("mode", ["socket", "transport"])
def test_sockets_and_transport_share_the_behaviour(mode: str) -> None:
    fake = FakeAuthentik()
    if mode == "socket":
        fake.start()
    try:
        client = httpx.Client(
            base_url=fake.url,
            transport=fake.transport() if mode == "transport" else None,
            headers={"Authorization": f"Bearer {fake.token}"},
        )
        with client:
            ok = client.patch(PATH, json={"name": "Renamed"})
            bad = client.patch(PATH, json={"slug": "a b"})
            fake.drop_next()
            with pytest.raises(httpx.RemoteProtocolError):
                client.patch(PATH, json={})
            missing = client.patch("/api/v3/sources/plex/missing/", json={})
    finally:
        fake.stop()
    assert (ok.status_code, ok.json()["name"]) == (200, "Renamed")
    assert bad.status_code == 400
    assert missing.status_code == 404
    assert len(fake.requests) == 4


def test_async_transport() -> None:
    import asyncio

    fake = FakeAuthentik()

    async def run() -> int:
        async with httpx.AsyncClient(base_url=fake.url, transport=fake.transport()) as client:
            response = await client.patch(PATH, json={})
            return response.status_code

    assert asyncio.run(run()) == 403


def test_stop_and_restart_keeps_state() -> None:
    fake = FakeAuthentik()
    with fake:
        first_url = fake.url
        assert first_url.startswith("http://127.0.0.1:")
        with fake.client() as client:
            client.update("plex", name="Kept")
    assert fake.url == FakeAuthentik.IN_PROCESS_URL
    with fake.client() as client:  # in process now
        assert client.update("plex", enabled=False).name == "Kept"


# -- every answer the fake gives fits openapi.yaml -------------------------------------------------


def _spec_with_undocumented_statuses() -> OpenAPI:
    """openapi.yaml, plus 404/405/415 answered with authentik's GenericError body."""
    spec = load_spec()
    responses = spec["paths"]["/sources/plex/{slug}/"]["patch"]["responses"]
    for status in ("404", "405", "415", "429", "502", "503"):
        responses[status] = copy.deepcopy(responses["403"])
    return OpenAPI.from_dict(spec, base_uri=(ROOT / "openapi.yaml").as_uri())


SPEC_CHECKER = _spec_with_undocumented_statuses()

SCENARIOS: dict[str, dict[str, Any]] = {
    "200": {"body": {"enabled": False, "authentication_flow": None}},
    "200 empty body": {"raw": b""},
    "200 rename": {"body": {"slug": "renamed", "allowed_servers": []}},
    "400 fields": {"body": {"name": "", "slug": "a b", "allowed_servers": ["", "x"]}},
    "400 unknown pk": {"body": {"enrollment_flow": str(uuid.UUID(int=7))}},
    "400 parse error": {"raw": b"{"},
    "400 array": {"body": [1]},
    "403 bad token": {"token": "Bearer nope"},
    "403 no token": {"token": None},
    "404": {"path": "/api/v3/sources/plex/missing/"},
    "405": {"method": "POST"},
    "415": {"raw": b"x", "content_type": "text/plain"},
}


@pytest.mark.parametrize("scenario", sorted(SCENARIOS))
def test_answers_fit_the_spec(fake: FakeAuthentik, scenario: str) -> None:
    options = SCENARIOS[scenario]
    answer = patch(fake, **options)
    assert str(answer.status) == scenario.split()[0]
    request = MockRequest(
        "http://127.0.0.1", options.get("method", "PATCH").lower(), options.get("path", PATH)
    )
    response = MockResponse(answer.body, status_code=answer.status, content_type="application/json")
    if options.get("method") == "POST":  # the spec documents PATCH only; check the body shape
        request = MockRequest("http://127.0.0.1", "patch", PATH)
    SPEC_CHECKER.validate_response(request, response)


def test_spec_check_can_fail(fake: FakeAuthentik) -> None:
    answer = patch(fake, {})
    body = answer.json()
    del body["pk"]
    request = MockRequest("http://127.0.0.1", "patch", PATH)
    response = MockResponse(json.dumps(body).encode(), status_code=200)
    with pytest.raises(Exception, match="pk"):
        SPEC_CHECKER.validate_response(request, response)
