"""The clients against the fake authentik playing 2024.8.2 and 2026.2, over real sockets
(sync and async): the issue's "done when", end to end.

- new fields (promoted, icon) work where they exist and are refused before sending where not;
- a 60-character slug works on 2026.2 and is refused on 2024.8.2;
- ordinary updates never ask the release: ten updates, ten PATCHes;
- with the release unknown (the version endpoint blocked), an ignored field is reported as
  not applied, never silently lost, and the fields that were applied are said to be.
"""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from plex_source_client import (
    UNSET,
    InvalidRequest,
    NotApplied,
    PlexSource,
    ThemedUrls,
)
from plex_source_client.testing import FakeAuthentik

from .conftest import Twin

LONG_SLUG = "plex-" + "x" * 55  # 60 characters
RELEASES = ["2024.8.2", "2026.2"]


def started(version: str, *, version_endpoint: bool = True) -> FakeAuthentik:
    fake = FakeAuthentik(version=version, version_endpoint=version_endpoint).start()
    assert list(fake.sources) == ["plex"]  # the fake's own source
    return fake


def options(fake: FakeAuthentik, **more: Any) -> dict[str, Any]:
    # server_version None: the clients learn the release from the fake, as in real use.
    return {"url": fake.url, "token": fake.token, "server_version": None, **more}


@pytest.fixture(params=RELEASES)
def release_fake(request: pytest.FixtureRequest) -> Any:
    fake = started(request.param)
    yield fake
    fake.stop()


def paths(fake: FakeAuthentik) -> list[str]:
    return [f"{r.method} {r.path}" for r in fake.requests]


# -- every release: what every release has works, without asking the release --------------------


def test_ten_updates_of_ordinary_fields_send_ten_patches(
    socket_twin: Twin, release_fake: FakeAuthentik
) -> None:
    """One client, ten updates of fields every supported release has (the property mappings
    and group_matching_mode among them): ten PATCHes and nothing else, no version request.
    """
    mappings = [str(release_fake.add_property_mapping()) for _ in range(2)]
    updates: list[dict[str, Any]] = [
        {"user_property_mappings": mappings},
        {"group_property_mappings": mappings[:1]},
        {"group_matching_mode": "name_link"},
        {"user_path_template": "goauthentik.io/sources/plex-users"},
        {"enabled": False},
        {"name": "Plex 2"},
        {"allow_friends": False},
        {"allowed_servers": ["abc123"]},
        {"user_matching_mode": "email_link", "policy_engine_mode": "all"},
        {"authentication_flow": None},
    ]
    sources = socket_twin.call_many("update", "plex", updates, options=options(release_fake))
    assert len(sources) == 10
    assert sources[-1].user_property_mappings == [uuid.UUID(m) for m in mappings]
    assert paths(release_fake) == ["PATCH /api/v3/sources/plex/plex/"] * 10


def test_fields_every_release_has_work_without_asking_the_release(
    socket_twin: Twin, release_fake: FakeAuthentik
) -> None:
    source = socket_twin.update("plex", options(release_fake), name="Plex 2", enabled=False)
    assert isinstance(source, PlexSource)
    assert (source.name, source.enabled) == ("Plex 2", False)
    assert paths(release_fake) == ["PATCH /api/v3/sources/plex/plex/"]


# -- 2026.2 --------------------------------------------------------------------------------------


def test_on_2026_2_the_new_fields_and_a_long_slug_are_applied(socket_twin: Twin) -> None:
    fake = started("2026.2")
    try:
        source = socket_twin.update(
            "plex", options(fake), promoted=True, icon="%(theme)s/plex.svg", new_slug=LONG_SLUG
        )
        assert isinstance(source, PlexSource)
        assert (source.slug, source.promoted, source.icon) == (
            LONG_SLUG,
            True,
            "%(theme)s/plex.svg",
        )
        assert isinstance(source.icon_url, str)
        assert isinstance(source.icon_themed_urls, ThemedUrls)
        light = source.icon_themed_urls.light
        assert isinstance(light, str)
        assert "light" in light
        assert fake.sources[LONG_SLUG]["promoted"] is True
        assert paths(fake) == [
            "GET /api/v3/admin/version/",
            "PATCH /api/v3/sources/plex/plex/",
        ]
        # The slug is now 60 characters long: reading and changing it by that slug works too.
        again = socket_twin.update(LONG_SLUG, options(fake), icon="")
        assert (again.icon, again.icon_themed_urls) == ("", None)
        assert socket_twin.call("get", LONG_SLUG, options=options(fake)).promoted is True
    finally:
        fake.stop()


def test_on_2026_2_diff_compares_the_new_fields(socket_twin: Twin) -> None:
    fake = started("2026.2")
    try:
        diff = socket_twin.call("diff", "plex", options=options(fake), promoted=True, icon="")
        assert list(diff.changes) == ["promoted"]
    finally:
        fake.stop()


# -- 2024.8.2 ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"promoted": True}, "promoted", "promoted needs authentik 2025.12 or newer"),
        ({"icon": "plex.svg"}, "icon", "icon can be set from authentik 2025.12 on"),
        ({"new_slug": LONG_SLUG}, "new_slug", "Ensure this field has no more than 50 characters."),
    ],
)
def test_on_2024_8_2_newer_fields_and_a_long_slug_are_refused_before_sending(
    socket_twin: Twin, changes: dict[str, Any], field: str, message: str
) -> None:
    fake = started("2024.8.2")
    try:
        with pytest.raises(InvalidRequest) as caught:
            socket_twin.update("plex", options(fake), name="Plex 2", **changes)
        assert list(caught.value.errors) == [field]
        assert caught.value.errors[field][0].startswith(message)
        assert paths(fake) == ["GET /api/v3/admin/version/"]  # asked; nothing changed
        assert fake.sources["plex"]["name"] == "Plex"
    finally:
        fake.stop()


def test_on_2024_8_2_the_answer_has_no_2025_12_fields(socket_twin: Twin) -> None:
    fake = started("2024.8.2")
    try:
        source = socket_twin.update("plex", options(fake), group_matching_mode="name_link")
        assert source.group_matching_mode == "name_link"
        assert source.promoted is UNSET
        assert source.icon_url is UNSET
        assert source.icon_themed_urls is UNSET
    finally:
        fake.stop()


# -- the release unknown: ignored fields are reported ----------------------------------------


@pytest.mark.parametrize(
    ("version", "changes", "ignored"),
    [
        ("2024.8.2", {"promoted": True, "name": "P"}, ("promoted",)),
        ("2024.8.2", {"promoted": True, "icon": "x.svg", "enabled": False}, ("promoted", "icon")),
    ],
)
def test_with_the_version_endpoint_blocked_an_ignored_field_is_reported(
    socket_twin: Twin, version: str, changes: dict[str, Any], ignored: tuple[str, ...]
) -> None:
    fake = started(version, version_endpoint=False)
    try:
        with pytest.raises(NotApplied) as caught:
            socket_twin.update("plex", options(fake), **changes)
        error = caught.value
        assert error.not_applied == ignored
        assert error.applied == tuple(name for name in changes if name not in ignored)
        assert f"not applied: {', '.join(ignored)}" in str(error)
        applied_name = changes.get("name")
        if applied_name is not None:
            assert fake.sources["plex"]["name"] == applied_name  # the rest was applied
            assert error.source.name == applied_name
        assert paths(fake) == [
            "GET /api/v3/admin/version/",
            "PATCH /api/v3/sources/plex/plex/",
        ]
    finally:
        fake.stop()


def test_with_the_version_endpoint_blocked_2026_fields_still_work(socket_twin: Twin) -> None:
    """Unknown release, but a server that has the field: sent, applied, no error."""
    fake = started("2026.2", version_endpoint=False)
    try:
        source = socket_twin.update("plex", options(fake), promoted=True, new_slug=LONG_SLUG)
        assert (source.promoted, source.slug) == (True, LONG_SLUG)
    finally:
        fake.stop()


def test_a_given_release_is_trusted_without_asking(socket_twin: Twin) -> None:
    fake = started("2026.2")
    try:
        source = socket_twin.update("plex", options(fake, server_version="2026.2"), promoted=True)
        assert source.promoted is True
        assert paths(fake) == ["PATCH /api/v3/sources/plex/plex/"]
    finally:
        fake.stop()


# -- list(): a filter the release lacks would be ignored ---------------------------------------


def test_on_2024_8_2_the_group_matching_filter_filters(socket_twin: Twin) -> None:
    fake = started("2024.8.2")
    try:
        fake.add_source(slug="linked", group_matching_mode="name_link")
        listed = socket_twin.list_sources(options(fake), group_matching_mode="name_link")
        assert [s.slug for s in listed] == ["linked"]
    finally:
        fake.stop()


# -- the release unknown: no guess from the answers' shape -------------------------------------


def test_a_source_read_does_not_make_the_client_guess_the_release() -> None:
    """Version endpoint blocked: a source without ``promoted`` read first does not settle the
    release; ``promoted`` is sent, and the answer shows it was ignored (NotApplied).
    """
    fake = started("2024.8.2", version_endpoint=False)
    try:
        with fake.client(server_version=None) as client:
            client.get("plex")
            with pytest.raises(NotApplied) as caught:
                client.update("plex", promoted=True, name="P")
            assert caught.value.not_applied == ("promoted",)
            assert client.server_version is None
        assert [f"{r.method} {r.path}" for r in fake.requests] == [
            "GET /api/v3/sources/plex/plex/",
            "GET /api/v3/admin/version/",
            "PATCH /api/v3/sources/plex/plex/",
        ]
    finally:
        fake.stop()


def test_not_applied_says_which_release_each_field_needs_and_what_helps() -> None:
    fake = started("2024.8.2", version_endpoint=False)
    try:
        with fake.client(server_version=None) as client, pytest.raises(NotApplied) as caught:
            client.update("plex", promoted=True, icon="x.svg", name="P")
        message = str(caught.value)
        assert caught.value.needs == {"promoted": "2025.12", "icon": "2025.12"}
        assert "(promoted and icon need authentik 2025.12 or newer" in message
        assert "the other fields (name) were applied" in message
        assert "; set server_version to have such fields refused before sending" in message
    finally:
        fake.stop()


def test_not_applied_under_a_wrong_server_version_says_to_fix_it() -> None:
    fake = started("2024.8.2")
    try:
        with fake.client(server_version="2026.2") as client, pytest.raises(NotApplied) as caught:
            client.update("plex", promoted=True)
        assert (
            "; the server behaves older than authentik 2026.2, the release given or learned: "
            "fix server_version" in str(caught.value)
        )
    finally:
        fake.stop()


def test_list_learns_the_release_before_a_filter_it_would_ignore(socket_twin: Twin) -> None:
    fake = started("2024.8.2")
    try:
        with pytest.raises(InvalidRequest) as caught:
            socket_twin.list_sources(options(fake), ordering="-promoted")
        assert "ordering by promoted needs authentik 2025.12 or newer" in str(caught.value)
        assert "this server runs 2024.8.2 (it would ignore it)" in str(caught.value)
        assert paths(fake) == ["GET /api/v3/admin/version/"]  # no page was read
    finally:
        fake.stop()


def test_list_orders_by_promoted_on_2026(socket_twin: Twin) -> None:
    fake = started("2026.2")
    try:
        fake.add_source(slug="a-promoted", promoted=True)
        listed = socket_twin.list_sources(options(fake), ordering="-promoted,slug")
        assert [s.slug for s in listed] == ["a-promoted", "plex"]
        assert fake.requests[0].path == "/api/v3/admin/version/"
    finally:
        fake.stop()
