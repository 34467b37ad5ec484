"""The fake answers reads, list queries and other methods in DRF's dispatch order, per view,
as authentik's ``ObjectPermissions`` and ``ObjectFilter`` decide (both releases checked).

authentik: ``ObjectPermissions.has_permission`` grants every request on a detail route and
otherwise needs the method's model permissions (``MethodNotAllowed`` for a method DRF's
``perms_map`` lacks, ``NotAuthenticated`` for nobody); ``ObjectFilter`` raises
``PermissionDenied`` for a user with no view permission and no object.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from plex_source_client.testing import FakeAuthentik

LIST = "/api/v3/sources/plex/"
DETAIL = "/api/v3/sources/plex/plex/"
DETAIL_ALLOW = "GET, PUT, PATCH, DELETE, HEAD, OPTIONS"
LIST_ALLOW = "GET, POST, HEAD, OPTIONS"
DENIED = "You do not have permission to perform this action."
NO_CREDENTIALS = "Authentication credentials were not provided."
RELEASES = ("2024.8.2", "2026.2.2")


def call(fake: FakeAuthentik, method: str, path: str, who: str | None, **headers: str) -> Any:
    if who == "admin":
        headers["Authorization"] = f"Bearer {fake.token}"
    elif who == "unprivileged":
        headers["Authorization"] = f"Bearer {fake.unprivileged_token}"
    elif who is not None:
        headers["Authorization"] = who
    return fake.handle(method, path, headers, b"")


def detail_of(answer: Any) -> tuple[int, Any, str | None]:
    body = json.loads(answer.body) if answer.body else None
    return answer.status, body, answer.headers.get("Allow")


@pytest.mark.parametrize("version", RELEASES)
@pytest.mark.parametrize("method", ["GET", "DELETE", "PUT"])
def test_a_source_read_or_written_without_a_user_is_denied_by_object_filter(
    version: str, method: str
) -> None:
    fake = FakeAuthentik(version=version)
    for who in (None, "Bearer", "unprivileged"):
        answer = call(fake, method, DETAIL, who)
        assert detail_of(answer) == (403, {"detail": DENIED}, DETAIL_ALLOW)
    assert "plex" in fake.sources


@pytest.mark.parametrize("version", RELEASES)
def test_the_list_without_credentials_is_not_authenticated(version: str) -> None:
    fake = FakeAuthentik(version=version)
    for who in (None, "Bearer"):
        answer = call(fake, "GET", LIST, who)
        assert detail_of(answer) == (403, {"detail": NO_CREDENTIALS}, LIST_ALLOW)


def test_the_list_with_another_scheme_per_release() -> None:
    # 2024.8.2's TokenAuthentication refuses the scheme; 2026.2.2 leaves the request anonymous
    old = call(FakeAuthentik(version="2024.8.2"), "GET", LIST, "Basic dTpw")
    assert detail_of(old) == (403, {"detail": "Unsupported authentication type"}, LIST_ALLOW)
    new = call(FakeAuthentik(version="2026.2.2"), "GET", LIST, "Basic dTpw")
    assert detail_of(new) == (403, {"detail": NO_CREDENTIALS}, LIST_ALLOW)


@pytest.mark.parametrize("version", RELEASES)
def test_the_list_of_a_user_without_permissions_is_denied_not_empty(version: str) -> None:
    fake = FakeAuthentik(version=version)
    for method in ("GET", "HEAD"):
        answer = call(fake, method, LIST, "unprivileged")
        assert (answer.status, answer.headers["Allow"]) == (403, LIST_ALLOW)
    assert detail_of(call(fake, "GET", LIST, "unprivileged")) == (
        403,
        {"detail": DENIED},
        LIST_ALLOW,
    )
    # the denial comes before django-filter validates the query
    answer = call(fake, "GET", LIST + "?policy_engine_mode=bogus", "unprivileged")
    assert detail_of(answer) == (403, {"detail": DENIED}, LIST_ALLOW)


@pytest.mark.parametrize("version", RELEASES)
def test_an_unknown_token_fails_before_anything_else(version: str) -> None:
    fake = FakeAuthentik(version=version)
    for method, path in [("GET", LIST), ("GET", DETAIL), ("TRACE", LIST), ("POST", DETAIL)]:
        answer = call(fake, method, path, "Bearer nope")
        assert detail_of(answer)[:2] == (403, {"detail": "Token invalid/expired"})


@pytest.mark.parametrize("version", RELEASES)
@pytest.mark.parametrize("who", [None, "unprivileged", "admin"])
def test_a_method_the_detail_route_lacks_is_405_for_anyone(version: str, who: str | None) -> None:
    fake = FakeAuthentik(version=version)
    for method in ("POST", "TRACE", "FOO"):
        answer = call(fake, method, DETAIL, who)
        expected = {"detail": f'Method "{method}" not allowed.'}
        assert detail_of(answer) == (405, expected, DETAIL_ALLOW)


@pytest.mark.parametrize("version", RELEASES)
@pytest.mark.parametrize("who", [None, "unprivileged", "admin"])
def test_a_method_perms_map_lacks_is_405_on_the_list_for_anyone(
    version: str, who: str | None
) -> None:
    fake = FakeAuthentik(version=version)
    answer = call(fake, "TRACE", LIST, who)
    assert detail_of(answer) == (405, {"detail": 'Method "TRACE" not allowed.'}, LIST_ALLOW)


@pytest.mark.parametrize("version", RELEASES)
@pytest.mark.parametrize("method", ["PATCH", "PUT", "DELETE"])
def test_a_write_method_on_the_list(version: str, method: str) -> None:
    fake = FakeAuthentik(version=version)
    expected = {
        None: (403, {"detail": NO_CREDENTIALS}),
        "unprivileged": (403, {"detail": DENIED}),  # no change/delete permission
        "admin": (405, {"detail": f'Method "{method}" not allowed.'}),  # no handler
    }
    for who, (status, body) in expected.items():
        assert detail_of(call(fake, method, LIST, who)) == (status, body, LIST_ALLOW)


@pytest.mark.parametrize("version", RELEASES)
def test_the_version_view_needs_a_user(version: str) -> None:
    fake = FakeAuthentik(version=version)
    answer = call(fake, "GET", "/api/v3/admin/version/", None)
    assert detail_of(answer) == (403, {"detail": NO_CREDENTIALS}, "GET, HEAD, OPTIONS")
    assert call(fake, "GET", "/api/v3/admin/version/", "unprivileged").status == 200
