"""The clients and the server's authentik release: learned once per client (only when a change
depends on it), or given; validation follows it; a field the server ignored is reported.

Against respx here (every exchange scripted); against the fake playing each release in
tests/test_releases_fake.py.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import httpx
import pytest
import respx

from plex_source_client import (
    AsyncPlexSourceClient,
    ConfigurationError,
    InvalidRequest,
    NotApplied,
    PlexSource,
    PlexSourceClient,
    UnexpectedResponse,
)

from .conftest import API, URL
from .payloads import PLEX_TOKEN, SLUG, TOKEN, plex_source, plex_source_2026

ENDPOINT = f"/sources/plex/{SLUG}/"
VERSION = "/admin/version/"
LONG_SLUG = "s" * 60
ON_2024_8 = "this server runs 2024.8.2"
SLUG_HINT = (
    "Ensure this field has no more than 50 characters. (this server runs authentik 2024.8.2: "
    "slugs longer than 50 characters need 2025.12 or newer)"
)
ICON_RO = f"(before, it is the read-only icon URL); {ON_2024_8}"


def version_body(current: str) -> dict[str, Any]:
    """authentik's VersionSerializer."""
    return {
        "version_current": current,
        "version_latest": current,
        "version_latest_valid": True,
        "build_hash": "",
        "outdated": False,
        "outpost_outdated": False,
    }


def run(
    kind: str, *calls: tuple[str, tuple[Any, ...], dict[str, Any]], **options: Any
) -> list[Any]:
    """Each call's result (or the error it raised), made in order on ONE client of ``kind``."""
    settings: dict[str, Any] = {"url": URL, "token": TOKEN, "max_retries": 0, **options}
    outcomes: list[Any] = []
    if kind == "sync":
        with PlexSourceClient(**settings) as client:
            for method, args, kwargs in calls:
                try:
                    outcomes.append(getattr(client, method)(*args, **kwargs))
                except Exception as error:  # noqa: BLE001 - the outcome is what is checked
                    outcomes.append(error)
            outcomes.append(client.server_version)
        return outcomes

    async def go() -> None:
        async with AsyncPlexSourceClient(backend="httpx", **settings) as client:
            for method, args, kwargs in calls:
                try:
                    outcomes.append(await getattr(client, method)(*args, **kwargs))
                except Exception as error:  # noqa: BLE001
                    outcomes.append(error)
            outcomes.append(client.server_version)

    asyncio.run(go())
    return outcomes


def update(**changes: Any) -> tuple[str, tuple[Any, ...], dict[str, Any]]:
    return ("update", (SLUG,), changes)


KINDS = ["sync", "async"]


@pytest.fixture(params=KINDS)
def kind(request: pytest.FixtureRequest) -> str:
    return str(request.param)


# -- learning the release -----------------------------------------------------------------------


def test_the_release_is_learned_once_and_only_when_a_change_needs_it(
    kind: str, api: respx.MockRouter
) -> None:
    version = api.get(VERSION).respond(200, json=version_body("2026.2.2"))
    patch = api.patch(ENDPOINT).respond(200, json=plex_source_2026(promoted=True))
    *results, learned = run(
        kind,
        update(enabled=True),  # every release has it: nothing to learn
        update(promoted=True),  # 2025.12+: learn first
        update(promoted=True, new_slug=LONG_SLUG),  # known by now
    )
    assert all(isinstance(result, PlexSource) for result in results), results
    assert version.call_count == 1
    assert patch.call_count == 3
    assert [call.request.method for call in api.calls] == ["PATCH", "GET", "PATCH", "PATCH"]
    assert learned == "2026.2.2"


def test_a_given_release_is_never_asked(kind: str, api: respx.MockRouter) -> None:
    version = api.get(VERSION).respond(200, json=version_body("2026.2.2"))
    api.patch(ENDPOINT).respond(200, json=plex_source_2026())
    *results, known = run(kind, update(promoted=False), server_version="2025.12")
    assert isinstance(results[0], PlexSource)
    assert version.call_count == 0
    assert known == "2025.12"


@pytest.mark.parametrize(
    ("status", "body"),
    [
        (403, {"detail": "You do not have permission to perform this action."}),
        (404, {"detail": "Not found."}),
        (200, {"version_current": "latest"}),
        (200, ["2026.2.2"]),
        (200, "<html>proxy login</html>"),
        (503, {"detail": "busy"}),
    ],
    ids=["403", "404", "not-a-release", "not-an-object", "html", "503"],
)
def test_a_server_that_will_not_say_is_asked_once_and_checked_by_its_answer(
    kind: str, api: respx.MockRouter, status: int, body: Any
) -> None:
    if isinstance(body, str):
        version = api.get(VERSION).respond(status, text=body)
    else:
        version = api.get(VERSION).respond(status, json=body)
    patch = api.patch(ENDPOINT).respond(200, json=plex_source_2026(promoted=True))
    *results, known = run(kind, update(promoted=True), update(promoted=True), max_retries=2)
    assert all(isinstance(result, PlexSource) for result in results), results
    assert version.call_count == 1  # one attempt, never retried, and not asked again
    assert patch.call_count == 2
    assert known is None


def test_no_answer_from_the_version_endpoint_is_not_asked_again(
    kind: str, api: respx.MockRouter
) -> None:
    """A version endpoint that does not answer costs one attempt, once per client."""
    version = api.get(VERSION).mock(side_effect=httpx.ConnectError("refused"))
    api.patch(ENDPOINT).respond(200, json=plex_source_2026())
    *results, known = run(kind, update(icon="plex.svg"), update(icon="plex.svg"), max_retries=3)
    assert all(isinstance(result, PlexSource) for result in results), results
    assert version.call_count == 1
    assert known is None


def test_concurrent_first_calls_ask_once(api: respx.MockRouter) -> None:
    """Async tasks changing a release-dependent field on a fresh client: one version request;
    the others wait for its answer.
    """
    version = api.get(VERSION).respond(200, json=version_body("2026.2.2"))
    api.patch(ENDPOINT).respond(200, json=plex_source_2026())

    async def go() -> list[PlexSource]:
        async with AsyncPlexSourceClient(url=URL, token=TOKEN, backend="httpx") as client:
            return await asyncio.gather(*(client.update(SLUG, promoted=True) for _ in range(8)))

    sources = asyncio.run(go())
    assert len(sources) == 8
    assert version.call_count == 1


def test_a_version_string_is_shown_as_parsed_never_as_the_server_wrote_it(
    kind: str, api: respx.MockRouter
) -> None:
    """Whatever follows the release in the server's text (here, the Plex token this call
    sends) never reaches a message, a repr or server_version.
    """
    api.get(VERSION).respond(200, json=version_body(f"2024.8.2-{PLEX_TOKEN}"))
    error, known = run(kind, update(promoted=True, plex_token=PLEX_TOKEN))
    assert isinstance(error, InvalidRequest)
    assert error.errors["promoted"] == [
        "promoted needs authentik 2025.12 or newer; this server runs 2024.8.2"
    ]
    assert known == "2024.8.2"


def test_the_version_answer_is_read_with_the_same_limits(kind: str, api: respx.MockRouter) -> None:
    huge = {"version_current": "2026.2.2", "padding": "x" * 2_000_000}
    api.get(VERSION).respond(200, json=huge)
    api.patch(ENDPOINT).respond(200, json=plex_source_2026())
    *results, known = run(kind, update(promoted=True))
    assert isinstance(results[0], PlexSource)
    assert known is None  # too big to be authentik's: not learned


def test_a_version_answer_echoing_the_token_is_not_believed(
    kind: str, api: respx.MockRouter
) -> None:
    api.get(VERSION).respond(200, json={"version_current": "2026.2.2", "x": TOKEN})
    api.patch(ENDPOINT).respond(200, json=plex_source_2026())
    *_, known = run(kind, update(promoted=True))
    assert known is None


# -- validation follows the release ------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"promoted": True}, "promoted", f"promoted needs authentik 2025.12 or newer; {ON_2024_8}"),
        ({"icon": "x.svg"}, "icon", f"icon can be set from authentik 2025.12 on {ICON_RO}"),
        ({"new_slug": LONG_SLUG}, "new_slug", SLUG_HINT),
    ],
)  # fmt: skip
def test_on_2024_8_newer_fields_and_long_slugs_are_refused_before_sending(
    kind: str, api: respx.MockRouter, changes: dict[str, Any], field: str, message: str
) -> None:
    api.get(VERSION).respond(200, json=version_body("2024.8.2"))
    patch = api.patch(ENDPOINT).respond(200, json=plex_source())
    error, known = run(kind, update(enabled=False, **changes))
    assert isinstance(error, InvalidRequest)
    assert error.errors == {field: [message]}
    assert patch.call_count == 0
    assert known == "2024.8.2"


def test_a_server_before_2024_8_is_refused_naming_the_supported_releases(
    kind: str, api: respx.MockRouter
) -> None:
    api.get(VERSION).respond(200, json=version_body("2024.6.4"))
    patch = api.patch(ENDPOINT).respond(200, json=plex_source())
    error, known = run(kind, update(promoted=True))
    assert isinstance(error, UnexpectedResponse)
    assert "this server runs authentik 2024.6.4" in str(error)
    assert "supports authentik 2024.8 and newer" in str(error)
    assert patch.call_count == 0
    assert known is None


def test_a_server_version_before_2024_8_is_a_configuration_error() -> None:
    with pytest.raises(ConfigurationError, match=r"2024\.6 is not supported.*2024\.8 and newer"):
        PlexSourceClient(url="https://auth.example.com", token=TOKEN, server_version="2024.6")


def test_an_answer_without_the_2024_8_fields_is_unexpected(
    kind: str, api: respx.MockRouter
) -> None:
    old = {
        k: v
        for k, v in plex_source().items()
        if k not in ("user_property_mappings", "group_property_mappings", "group_matching_mode")
    }
    api.patch(ENDPOINT).respond(200, json=old)
    error, _ = run(kind, update(enabled=False))
    assert isinstance(error, UnexpectedResponse)
    assert (
        "missing required field(s): user_property_mappings, group_property_mappings, "
        "group_matching_mode" in str(error)
    )


def test_on_2026_the_new_fields_and_a_long_slug_are_sent(kind: str, api: respx.MockRouter) -> None:
    api.get(VERSION).respond(200, json=version_body("2026.2.2"))
    patch = api.patch(ENDPOINT).respond(
        200, json=plex_source_2026(slug=LONG_SLUG, promoted=True, icon="", icon_url=None)
    )
    source, _ = run(kind, update(new_slug=LONG_SLUG, promoted=True, icon="  "))
    assert isinstance(source, PlexSource)
    assert patch.calls.last.request.content == (
        b'{"slug":"' + LONG_SLUG.encode() + b'","promoted":true,"icon":""}'
    )
    assert (source.slug, source.promoted, source.icon, source.icon_url) == (
        LONG_SLUG,
        True,
        "",
        None,
    )
    assert source.icon_themed_urls is None


def test_a_known_release_requires_its_fields_in_the_answer(
    kind: str, api: respx.MockRouter
) -> None:
    api.patch(ENDPOINT).respond(200, json=plex_source())  # a 2024.8 answer from a "2026" server
    error, _ = run(kind, update(enabled=True), server_version="2026.2.2")
    assert isinstance(error, UnexpectedResponse)
    assert "missing required field(s): promoted, icon_url, icon_themed_urls" in str(error)


def test_validate_false_still_refuses_a_field_the_release_lacks(
    kind: str, api: respx.MockRouter
) -> None:
    patch = api.patch(ENDPOINT).respond(200, json=plex_source())
    error, _ = run(kind, update(promoted=True), server_version="2024.8.2", validate=False)
    assert isinstance(error, InvalidRequest)
    assert patch.call_count == 0


# -- the release unknown: the answer tells --------------------------------------------------------


def test_an_ignored_field_is_reported_with_what_was_applied(
    kind: str, api: respx.MockRouter
) -> None:
    api.get(VERSION).respond(404, json={"detail": "Not found."})
    patch = api.patch(ENDPOINT).respond(200, json=plex_source(enabled=False, name="Plex 2"))
    error, known = run(kind, update(enabled=False, promoted=True, name="Plex 2", icon="x.svg"))
    assert known is None
    assert patch.call_count == 1
    assert isinstance(error, NotApplied)
    assert error.not_applied == ("promoted", "icon")
    assert error.applied == ("enabled", "name")
    assert isinstance(error.source, PlexSource)
    assert error.source.name == "Plex 2"
    assert (error.status_code, error.method) == (200, "PATCH")
    message = str(error)
    assert "not applied: promoted, icon" in message
    assert "the other fields (enabled, name) were applied" in message


def test_update_raw_reports_ignored_fields_too(kind: str, api: respx.MockRouter) -> None:
    api.patch(ENDPOINT).respond(200, json=plex_source())
    error, _ = run(kind, ("update_raw", (SLUG, {"promoted": True}), {}), server_version=None)
    # promoted needs the release: unknown here (respx has no version route -> no answer)
    assert isinstance(error, NotApplied)


# -- diff --------------------------------------------------------------------------------------


def test_diff_refuses_a_field_the_release_lacks_before_reading(
    kind: str, api: respx.MockRouter
) -> None:
    api.get(VERSION).respond(200, json=version_body("2024.8.2"))
    read = api.get(ENDPOINT).respond(200, json=plex_source())
    error, _ = run(kind, ("diff", (SLUG,), {"promoted": True}))
    assert isinstance(error, InvalidRequest)
    assert read.call_count == 0


def test_diff_with_the_release_unknown_reads_it_from_the_source(
    kind: str, api: respx.MockRouter
) -> None:
    api.get(VERSION).respond(404)
    api.get(ENDPOINT).respond(200, json=plex_source())
    error, _ = run(kind, ("diff", (SLUG,), {"promoted": True, "icon": "x"}))
    assert isinstance(error, InvalidRequest)
    assert set(error.errors) == {"promoted", "icon"}
    assert "promoted needs authentik 2025.12 or newer" in error.errors["promoted"][0]


def test_diff_on_2026_compares_the_new_fields(kind: str, api: respx.MockRouter) -> None:
    api.get(ENDPOINT).respond(200, json=plex_source_2026(promoted=False, icon="plex.svg"))
    diff, _ = run(
        kind, ("diff", (SLUG,), {"promoted": True, "icon": "plex.svg"}), server_version="2026.2"
    )
    assert list(diff.changes) == ["promoted"]
    assert diff.patch() == {"promoted": True}


# -- configuration, secrets -----------------------------------------------------------------------


@pytest.mark.parametrize("bad", ["latest", "2025", "", "2025.13", 2025.12])
def test_a_bad_server_version_is_a_configuration_error(bad: Any) -> None:
    with pytest.raises(ConfigurationError, match="server_version: an authentik release looks like"):
        PlexSourceClient(url=URL, token=TOKEN, server_version=bad)


def test_the_release_comes_from_the_environment_too() -> None:
    environ = {
        "AUTHENTIK_URL": URL,
        "AUTHENTIK_TOKEN": TOKEN,
        "AUTHENTIK_SERVER_VERSION": " 2026.2 ",
    }
    with PlexSourceClient.from_env(environ=environ) as client:
        assert client.server_version == "2026.2"
        assert "server_version='2026.2'" in repr(client)
    with PlexSourceClient.from_env(environ=environ, server_version="2024.8.2") as client:
        assert client.server_version == "2024.8.2"


def test_learning_the_release_never_logs_a_secret(
    kind: str, api: respx.MockRouter, caplog: pytest.LogCaptureFixture
) -> None:
    api.get(VERSION).respond(403, json={"detail": f"bad token {TOKEN}"})
    api.patch(ENDPOINT).respond(200, json=plex_source_2026())
    with caplog.at_level(logging.DEBUG, logger="plex_source_client"):
        run(kind, update(promoted=True, plex_token=PLEX_TOKEN))
    assert "could not learn the server's authentik release" in caplog.text
    assert TOKEN not in caplog.text
    assert PLEX_TOKEN not in caplog.text


def test_the_version_request_carries_the_token_and_no_body(
    kind: str, api: respx.MockRouter
) -> None:
    version = api.get(VERSION).respond(200, json=version_body("2026.2.2"))
    api.patch(ENDPOINT).respond(200, json=plex_source_2026())
    run(kind, update(promoted=True))
    request = version.calls.last.request
    assert request.url == f"{API}{VERSION}"
    assert request.headers["Authorization"] == f"Bearer {TOKEN}"
    assert request.content == b""
