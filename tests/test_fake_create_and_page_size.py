"""The fake creates a source on a list POST as DRF's ``create`` does, and sizes list pages as
each release's ``Pagination`` does (2026.2: the tenant's default 20, maximum 100).
"""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest

from plex_source_client.testing import FakeAuthentik

LIST = "/api/v3/sources/plex/"
LIST_ALLOW = "GET, POST, HEAD, OPTIONS"
RELEASES = ("2024.8.2", "2026.2.2")


def send(fake: FakeAuthentik, method: str, path: str, body: Any = None) -> tuple[int, Any, Any]:
    headers = {"Authorization": f"Bearer {fake.token}", "Content-Type": "application/json"}
    raw = b"" if body is None else json.dumps(body).encode()
    answer = fake.handle(method, path, headers, raw)
    return answer.status, json.loads(answer.body) if answer.body else None, answer.headers


@pytest.mark.parametrize("version", RELEASES)
def test_a_list_post_creates_a_source(version: str) -> None:
    fake = FakeAuthentik(version=version)
    status, body, headers = send(
        fake, "POST", LIST, {"name": "New", "slug": "new", "plex_token": "pt", "pk": "ignored"}
    )
    assert (status, headers["Allow"], "Location" in headers) == (201, LIST_ALLOW, False)
    assert body == fake.sources["new"]
    uuid.UUID(body["pk"])
    assert (body["name"], body["plex_token"], body["enabled"]) == ("New", "pt", True)
    assert (body["authentication_flow"], body["enrollment_flow"]) == (None, None)
    assert len(body["client_id"]) == 40  # generate_id()
    assert body["client_id"].isalnum()
    assert list(body) == list(fake.sources["plex"])  # the release's shape
    assert send(fake, "GET", LIST + "new/")[1] == body


@pytest.mark.parametrize("version", RELEASES)
def test_a_list_post_is_validated_as_a_put(version: str) -> None:
    fake = FakeAuthentik(version=version)
    status, body, _ = send(fake, "POST", LIST, {"name": "n"})
    assert (status, body) == (
        400,
        {"slug": ["This field is required."], "plex_token": ["This field is required."]},
    )
    status, body, _ = send(fake, "POST", LIST, {"name": "n", "slug": "plex", "plex_token": "p"})
    assert (status, body) == (400, {"slug": ["source with this slug already exists."]})
    assert list(fake.sources) == ["plex"]


@pytest.mark.parametrize("version", RELEASES)
def test_a_list_post_of_a_user_without_the_add_permission(version: str) -> None:
    fake = FakeAuthentik(version=version)
    for token, detail in [
        (fake.unprivileged_token, "You do not have permission to perform this action."),
        (None, "Authentication credentials were not provided."),
    ]:
        headers = {"Content-Type": "application/json"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        answer = fake.handle(
            "POST", LIST, headers, b'{"name": "n", "slug": "n", "plex_token": "p"}'
        )
        assert (answer.status, json.loads(answer.body)) == (403, {"detail": detail})
    assert list(fake.sources) == ["plex"]


def many(version: str, count: int) -> FakeAuthentik:
    return FakeAuthentik([{"slug": f"s{i:03}"} for i in range(count)], version=version)


@pytest.mark.parametrize(
    ("query", "old", "new"),
    [
        ("", 100, 20),  # PAGE_SIZE; the tenant's default
        ("?page_size=7", 7, 7),
        ("?page_size=150", 150, 100),  # no maximum; the tenant's maximum
        ("?page_size=abc", 100, 100),  # DRF falls back to PAGE_SIZE (capped from 2026.2)
        ("?page_size=0", 100, 100),
        ("?page_size=", 100, 100),
    ],
)
def test_page_size_per_release(query: str, old: int, new: int) -> None:
    for version, size in (("2024.8.2", old), ("2026.2.2", new)):
        status, body, _ = send(many(version, 160), "GET", LIST + query)
        assert status == 200
        assert len(body["results"]) == size
        assert body["pagination"]["total_pages"] == -(-160 // size)
        assert body["pagination"]["end_index"] == size


def test_the_last_page_of_the_default_size_2026() -> None:
    status, body, _ = send(many("2026.2.2", 45), "GET", LIST + "?page=3")
    assert (status, body["pagination"]) == (
        200,
        {
            "next": 0,
            "previous": 2,
            "count": 45,
            "current": 3,
            "total_pages": 3,
            "start_index": 41,
            "end_index": 45,
        },
    )
    assert send(many("2026.2.2", 45), "GET", LIST + "?page=4")[:2] == (
        404,
        {"detail": "Invalid page."},
    )
