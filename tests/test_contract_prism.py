"""Contract tests: Prism, which did not write our code, judges our requests and the fake's answers.

Mock mode on openapi.yaml checks every request the facade and the CLI send (and that Prism's
example answer parses); deliberately invalid requests from the low-level client prove the
harness can fail. Proxy mode in front of FakeAuthentik checks every answer the fake gives.
"""

from __future__ import annotations

import asyncio
import json
import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from plex_source_client import (
    AsyncPlexSourceClient,
    BadRequest,
    PermissionDenied,
    PlexSource,
    PlexSourceClient,
    PlexSourceError,
    ServerError,
    UnexpectedResponse,
)
from plex_source_client._generated import AuthenticatedClient
from plex_source_client._generated.api.sources import sources_plex_partial_update as operation
from plex_source_client._generated.models import PatchedPlexSourceRequest, PolicyEngineMode
from plex_source_client.testing import FakeAuthentik

from .fixed_server import main_in_process
from .prism import SPEC, StripBaseProxy, running_prism
from .test_client_requests import EVERY_FIELD

pytestmark = pytest.mark.contract
TOKEN = "contract-test-token"


@pytest.fixture(scope="module")
def mock() -> Iterator[StripBaseProxy]:
    with running_prism("mock", str(SPEC)) as prism_url:
        proxy = StripBaseProxy(prism_url)
        try:
            yield proxy
        finally:
            proxy.close()


@pytest.fixture
def prism(mock: StripBaseProxy) -> StripBaseProxy:
    mock.clear()
    return mock


#: (No case without fields: the clients refuse to send an empty PATCH.)
#: Prism serves openapi.yaml: authentik 2024.8.2. Told so, the clients ask no version endpoint
#: (which the spec does not have).
RELEASE = "2024.8.2"

CASES: dict[str, dict[str, Any]] = {
    **{f"only {name}": {name: value} for name, value in EVERY_FIELD.items()},
    "every field": dict(EVERY_FIELD),
    "nullables cleared": {"authentication_flow": None, "enrollment_flow": None},
    "empty lists": {
        "user_property_mappings": [],
        "group_property_mappings": [],
        "allowed_servers": [],
    },
    "enum strings": {
        "policy_engine_mode": "any",
        "user_matching_mode": "username_deny",
        "group_matching_mode": "name_link",
    },
    "longest slug": {"new_slug": "s" * 50},
}


@pytest.mark.parametrize("case", sorted(CASES))
@pytest.mark.parametrize("kind", ["sync", "async"])
def test_facade_requests_satisfy_the_spec(prism: StripBaseProxy, case: str, kind: str) -> None:
    changes = CASES[case]
    if kind == "sync":
        with PlexSourceClient(url=prism.url, token=TOKEN, server_version=RELEASE) as client:
            source = client.update_from_mapping("my-plex", changes)
    else:

        async def run() -> PlexSource:
            async with AsyncPlexSourceClient(
                url=prism.url, token=TOKEN, server_version=RELEASE
            ) as client:
                return await client.update_from_mapping("my-plex", changes)

        source = asyncio.run(run())
    assert isinstance(source, PlexSource)  # Prism's example answer parses
    assert prism.violations() == []
    [exchange] = prism.exchanges
    assert exchange["status"] == 200


FILTERS: dict[str, Any] = {
    "name": "Plex",
    "slug": "my-plex",
    "enabled": False,
    "authentication_flow": uuid.UUID(int=3),
    "enrollment_flow": str(uuid.UUID(int=4)),
    "policy_engine_mode": "all",
    "user_matching_mode": "email_link",
    "group_matching_mode": "name_deny",
    "client_id": "cid",
    "allow_friends": True,
    "search": "plex eu",
    "ordering": "-name,slug",
}


@pytest.mark.parametrize("filters", [{}, FILTERS], ids=["no filters", "every filter"])
@pytest.mark.parametrize("kind", ["sync", "async"])
def test_facade_reads_satisfy_the_spec(
    prism: StripBaseProxy, kind: str, filters: dict[str, Any]
) -> None:
    """get() and list() (every filter the spec lists, typed as it says) and diff()'s GET."""
    if kind == "sync":
        with PlexSourceClient(url=prism.url, token=TOKEN, server_version=RELEASE) as client:
            source = client.get("my-plex")
            listed = list(client.list(page_size=7, **filters))
            client.diff("my-plex", name="x")
    else:

        async def run() -> tuple[PlexSource, list[PlexSource]]:
            async with AsyncPlexSourceClient(
                url=prism.url, token=TOKEN, server_version=RELEASE
            ) as client:
                got = await client.get("my-plex")
                sources = [s async for s in client.list(page_size=7, **filters)]
                await client.diff("my-plex", name="x")
                return got, sources

        source, listed = asyncio.run(run())
    assert isinstance(source, PlexSource)  # Prism's example answers parse
    assert all(isinstance(item, PlexSource) for item in listed)
    assert prism.violations() == []
    assert [exchange["status"] for exchange in prism.exchanges] == [200, 200, 200]
    assert "page_size=7" in prism.exchanges[1]["path"]


def test_prism_flags_an_invalid_list_query(prism: StripBaseProxy) -> None:
    """The GETs are checked too: a filter value the spec refuses is a violation."""
    with httpx.Client(base_url=prism.url) as client:
        client.get(
            "/api/v3/sources/plex/",
            params={"enabled": "maybe", "page": "x"},
            headers={"Authorization": f"Bearer {TOKEN}"},
        )
    assert prism.violations(), prism.exchanges


CLI_CASES = [
    ["update", "my-plex", "--disabled", "--allowed-server", "a", "--clear-enrollment-flow"],
    ["update", "my-plex", "--name", "N", "--new-slug", "n", "--policy-engine-mode", "all",
     "--user-matching-mode", "email_deny", "--group-matching-mode", "identifier",
     "--user-path-template", "t", "--client-id", "c", "--no-allow-friends",
     "--clear-user-property-mappings", "--group-property-mapping", str(uuid.UUID(int=1)),
     "--authentication-flow", str(uuid.UUID(int=2)), "--clear-allowed-servers"],
]  # fmt: skip


@pytest.mark.parametrize("argv", CLI_CASES, ids=["some", "all"])
def test_cli_requests_satisfy_the_spec(prism: StripBaseProxy, argv: list[str]) -> None:
    """The requests ``plex-source`` sends (run in this process: what is checked is what it
    sends, not how a process starts; tests/test_cli_e2e.py runs the console script).
    """
    env = {**os.environ, "AUTHENTIK_URL": prism.url, "AUTHENTIK_TOKEN": TOKEN}
    code, _, stderr = main_in_process(argv, env)
    assert code == 0, stderr
    assert prism.violations() == []
    # It reads first (a GET, no body), then PATCHes what differs from Prism's example source.
    assert [e["request"] is None for e in prism.exchanges][:1] == [True]
    assert len([e for e in prism.exchanges if e["request"] is not None]) <= 1


def test_cli_apply_requests_satisfy_the_spec(prism: StripBaseProxy, tmp_path: Path) -> None:
    plan = tmp_path / "plan.json"
    items = [{"slug": f"s{n}", "changes": CASES[c]} for n, c in enumerate(CASES)]
    plan.write_text(json.dumps(items, default=str))
    env = {
        **os.environ,
        "AUTHENTIK_URL": prism.url,
        "AUTHENTIK_TOKEN": TOKEN,
        "AUTHENTIK_SERVER_VERSION": RELEASE,
    }
    code, _, stderr = main_in_process(["apply", str(plan), "--no-read"], env)
    assert code == 0, stderr
    assert len(prism.exchanges) == len(CASES)
    assert prism.violations() == []


INVALID: dict[str, tuple[PatchedPlexSourceRequest, str]] = {
    "slug pattern": (PatchedPlexSourceRequest(slug="not a slug"), "pattern"),
    "slug too long": (PatchedPlexSourceRequest(slug="s" * 51), "maxLength"),
    "blank name": (PatchedPlexSourceRequest(name=""), "minLength"),
    "null name": (PatchedPlexSourceRequest(name=None), "type"),  # type: ignore[arg-type]
    "enabled not a bool": (PatchedPlexSourceRequest(enabled="no"), "type"),  # type: ignore[arg-type]
    "flow not a uuid": (PatchedPlexSourceRequest(authentication_flow="x"), "format"),  # type: ignore[arg-type]
    "mapping not a uuid": (PatchedPlexSourceRequest(user_property_mappings=["x"]), "format"),  # type: ignore[list-item]
    "unknown enum": (PatchedPlexSourceRequest(policy_engine_mode=PolicyEngineMode("x")), "enum"),
    "blank server": (PatchedPlexSourceRequest(allowed_servers=[""]), "minLength"),
    "servers not a list": (PatchedPlexSourceRequest(allowed_servers="abc"), "type"),  # type: ignore[arg-type]
}  # fmt: skip


@pytest.mark.parametrize("case", sorted(INVALID))
def test_prism_flags_invalid_requests(prism: StripBaseProxy, case: str) -> None:
    """The low-level client validates nothing: what it sends here must be caught by Prism."""
    body, code = INVALID[case]
    with AuthenticatedClient(base_url=prism.url + "/api/v3", token=TOKEN) as client:
        response = operation.sync_detailed("my-plex", client=client, body=body)
    assert response.status_code == 422 or response.status_code == 400
    codes = [violation["code"] for violation in prism.violations()]
    assert code in codes, prism.violations()


# -- proxy mode: every answer of the fake, checked by Prism ---------------------------------------


@pytest.fixture(scope="module")
def checked_fake() -> Iterator[tuple[FakeAuthentik, StripBaseProxy]]:
    with (
        FakeAuthentik() as fake,
        running_prism("proxy", str(SPEC), f"{fake.url}/api/v3", "--errors") as prism_url,
    ):
        proxy = StripBaseProxy(prism_url)
        try:
            yield fake, proxy
        finally:
            proxy.close()


def test_fake_answers_satisfy_the_spec(
    checked_fake: tuple[FakeAuthentik, StripBaseProxy],
) -> None:
    fake, proxy = checked_fake
    proxy.clear()
    fake.add_source(slug="proxied", name="Proxied")
    fake.add_source(slug="taken")
    flow = fake.add_flow()
    with PlexSourceClient(url=proxy.url, token=fake.token) as client:
        source = client.update(
            "proxied", enabled=False, authentication_flow=flow, enrollment_flow=None,
            allowed_servers=["a"], policy_engine_mode="all",
        )  # fmt: skip
        assert source.enabled is False
        with pytest.raises(BadRequest) as rejected:
            client.update("proxied", new_slug="taken", authentication_flow=uuid.uuid4())
        assert set(rejected.value.errors) == {"slug", "authentication_flow"}
    for token in ("wrong-token", fake.unprivileged_token):
        with (
            PlexSourceClient(url=proxy.url, token=token) as client,
            pytest.raises(PermissionDenied),
        ):
            client.update("proxied", enabled=True)
    statuses = [exchange["status"] for exchange in proxy.exchanges]
    assert statuses == [200, 400, 403, 403]
    assert proxy.violations() == []


def test_fake_read_answers_satisfy_the_spec(
    checked_fake: tuple[FakeAuthentik, StripBaseProxy],
) -> None:
    fake, proxy = checked_fake
    proxy.clear()
    for number in range(5):
        fake.add_source(slug=f"read-{number}", enabled=number % 2 == 0)
    with PlexSourceClient(url=proxy.url, token=fake.token) as client:
        assert client.get("read-1").enabled is False
        assert len(list(client.list(page_size=2))) == len(fake.sources)
        assert [s.slug for s in client.list(enabled=False, search="read", ordering="slug")] == [
            "read-1", "read-3",
        ]  # fmt: skip
        with pytest.raises(BadRequest):
            list(client.list(authentication_flow=uuid.uuid4()))
    with (
        PlexSourceClient(url=proxy.url, token=fake.unprivileged_token) as client,
        pytest.raises(PermissionDenied),
    ):
        client.get("read-1")
    pages = (len(fake.sources) + 1) // 2
    statuses = [exchange["status"] for exchange in proxy.exchanges]
    assert statuses == [200] * (1 + pages + 1) + [400, 403]
    assert proxy.violations() == []


def test_proxy_mode_flags_a_fake_that_breaks_the_spec(
    checked_fake: tuple[FakeAuthentik, StripBaseProxy], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same harness fails when the fake's answer breaks the spec (a missing pk)."""
    fake, proxy = checked_fake
    proxy.clear()
    fake.corrupt_next(body=json.dumps({"name": "no pk or anything else"}))
    with (
        PlexSourceClient(url=proxy.url, token=fake.token, max_retries=0) as client,
        pytest.raises(PlexSourceError) as caught,
    ):
        client.update("plex", enabled=False)
    assert proxy.violations(), proxy.exchanges
    assert any("pk" in violation["message"] for violation in proxy.violations())
    assert isinstance(caught.value, ServerError | UnexpectedResponse)
