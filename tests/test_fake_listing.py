"""FakeAuthentik's GETs as authentik 2024.8.2 answers them: retrieve and the paginated,
filtered list (raw HTTP, in process), GETs recorded, faults for GETs.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from plex_source_client.testing import FakeAuthentik
from plex_source_client.testing._routes import DETAIL_ALLOW, LIST_ALLOW

LIST = "/api/v3/sources/plex/"


@pytest.fixture
def fake() -> FakeAuthentik:
    return FakeAuthentik()


@pytest.fixture
def http(fake: FakeAuthentik) -> Iterator[httpx.Client]:
    headers = {"Authorization": f"Bearer {fake.token}"}
    with httpx.Client(base_url=fake.url, transport=fake.transport(), headers=headers) as client:
        yield client


def many(fake: FakeAuthentik, count: int) -> None:
    for number in range(count):
        fake.add_source(slug=f"s{number:03}", name=f"S {number:03}")


def test_retrieve(fake: FakeAuthentik, http: httpx.Client) -> None:
    response = http.get("/api/v3/sources/plex/plex/")
    assert response.status_code == 200
    assert response.json() == fake.sources["plex"]
    assert response.headers["Allow"] == DETAIL_ALLOW
    missing = http.get("/api/v3/sources/plex/missing/")
    assert (missing.status_code, missing.json()) == (404, {"detail": "Not found."})
    assert missing.headers["Allow"] == DETAIL_ALLOW


def test_first_page_with_authentiks_defaults(fake: FakeAuthentik, http: httpx.Client) -> None:
    many(fake, 149)  # 150 with "plex"
    response = http.get(LIST)
    assert response.status_code == 200
    assert response.headers["Allow"] == LIST_ALLOW
    body = response.json()
    assert list(body) == ["pagination", "results"]
    assert body["pagination"] == {
        "next": 2, "previous": 0, "count": 150, "current": 1, "total_pages": 2,
        "start_index": 1, "end_index": 100,
    }  # fmt: skip
    assert len(body["results"]) == 100
    last = http.get(LIST, params={"page": 2}).json()
    assert last["pagination"] == {
        "next": 0, "previous": 1, "count": 150, "current": 2, "total_pages": 2,
        "start_index": 101, "end_index": 150,
    }  # fmt: skip
    assert len(last["results"]) == 50
    names = [s["name"] for s in body["results"] + last["results"]]
    assert names == sorted(names)  # the viewset's ordering: by name


@pytest.mark.parametrize("page_size", ["0", "-1", "x", "1.5", ""])
def test_a_page_size_that_is_not_a_positive_number_falls_back_to_100(
    fake: FakeAuthentik, http: httpx.Client, page_size: str
) -> None:
    many(fake, 120)
    body = http.get(LIST, params={"page_size": page_size}).json()
    assert len(body["results"]) == 100


def test_page_size_has_no_maximum(fake: FakeAuthentik, http: httpx.Client) -> None:
    many(fake, 1200)
    assert len(http.get(LIST, params={"page_size": 5000}).json()["results"]) == 1201


@pytest.mark.parametrize("page", ["0", "3", "-1", "x", "1.0"])
def test_a_page_that_does_not_exist_is_invalid(
    fake: FakeAuthentik, http: httpx.Client, page: str
) -> None:
    many(fake, 3)  # 4 sources: 2 pages of 2
    response = http.get(LIST, params={"page_size": 2, "page": page})
    assert (response.status_code, response.json()) == (404, {"detail": "Invalid page."})
    assert response.headers["Allow"] == LIST_ALLOW


def test_page_last(fake: FakeAuthentik, http: httpx.Client) -> None:
    many(fake, 3)
    body = http.get(LIST, params={"page_size": 3, "page": "last"}).json()
    assert body["pagination"]["current"] == 2
    assert len(body["results"]) == 1


def test_an_empty_list_has_one_empty_page(http: httpx.Client) -> None:
    fake = FakeAuthentik(sources=[])
    with httpx.Client(
        base_url=fake.url,
        transport=fake.transport(),
        headers={"Authorization": f"Bearer {fake.token}"},
    ) as client:
        body = client.get(LIST).json()
        assert body == {
            "pagination": {
                "next": 0, "previous": 0, "count": 0, "current": 1, "total_pages": 1,
                "start_index": 0, "end_index": 0,
            },
            "results": [],
        }  # fmt: skip
        assert client.get(LIST, params={"page": 2}).status_code == 404


def test_list_needs_the_same_permissions(fake: FakeAuthentik, http: httpx.Client) -> None:
    for token, detail in [
        (fake.unprivileged_token, "You do not have permission to perform this action."),
        ("nope", "Token invalid/expired"),
    ]:
        response = http.get(LIST, headers={"Authorization": f"Bearer {token}"})
        assert (response.status_code, response.json()) == (403, {"detail": detail})


def slugs(http: httpx.Client, **params: Any) -> list[str]:
    response = http.get(LIST, params=params)
    assert response.status_code == 200, response.text
    return [source["slug"] for source in response.json()["results"]]


def test_filters(fake: FakeAuthentik, http: httpx.Client) -> None:
    flow = fake.add_flow()
    fake.add_source(slug="b-off", name="B off", enabled=False, authentication_flow=str(flow))
    fake.add_source(slug="a-all", name="A all", policy_engine_mode="all", allow_friends=False)
    assert slugs(http, enabled="false") == ["b-off"]
    assert slugs(http, enabled="False") == ["b-off"]
    assert slugs(http, enabled="maybe") == ["a-all", "b-off", "plex"]  # no filter
    assert slugs(http, allow_friends="0") == ["a-all"]
    assert slugs(http, authentication_flow=str(flow).upper()) == ["b-off"]
    assert slugs(http, policy_engine_mode="all") == ["a-all"]
    assert slugs(http, name=" A all ") == ["a-all"]
    assert slugs(http, name="A") == []  # exact, not a prefix
    assert slugs(http, slug="") == ["a-all", "b-off", "plex"]  # empty: no filter


def test_invalid_filter_values_are_400(fake: FakeAuthentik, http: httpx.Client) -> None:
    response = http.get(LIST, params={"authentication_flow": "x", "user_matching_mode": "y"})
    assert response.status_code == 400
    assert response.json() == {
        "authentication_flow": [
            "Select a valid choice. That choice is not one of the available choices."
        ],
        "user_matching_mode": ["Select a valid choice. y is not one of the available choices."],
    }


def test_search_and_ordering(fake: FakeAuthentik, http: httpx.Client) -> None:
    fake.add_source(slug="eu-1", name="Zeta Europe")
    fake.add_source(slug="us-1", name="Alpha US")
    assert slugs(http, search="eu") == ["eu-1"]
    assert slugs(http, search="ALPHA, us") == ["us-1"]  # every term, any field
    assert slugs(http, search="1") == ["us-1", "eu-1"]
    assert slugs(http, ordering="-name") == ["eu-1", "plex", "us-1"]
    assert slugs(http, ordering="slug") == ["eu-1", "plex", "us-1"]
    assert slugs(http, ordering="unknown") == ["us-1", "plex", "eu-1"]  # dropped: by name
    assert slugs(http, ordering="enabled,-slug") == ["us-1", "plex", "eu-1"]


def test_gets_are_recorded(fake: FakeAuthentik, http: httpx.Client) -> None:
    http.get(LIST, params={"page_size": 5})
    http.get("/api/v3/sources/plex/plex/")
    assert [(r.method, r.path, r.json) for r in fake.requests] == [
        ("GET", "/api/v3/sources/plex/?page_size=5", None),
        ("GET", "/api/v3/sources/plex/plex/", None),
    ]
    assert fake.requests[0].headers["authorization"] == "Bearer ***"


def test_faults_apply_to_the_method_asked(fake: FakeAuthentik, http: httpx.Client) -> None:
    fake.fail_next(1, status=503)  # PATCHes, by default: a GET is not affected
    assert http.get(LIST).status_code == 200
    fake.fail_next(1, status=502, method="GET")
    assert http.get("/api/v3/sources/plex/plex/").status_code == 502
    assert http.get(LIST).status_code == 200
    fake.drop_next(method="GET")
    with pytest.raises(httpx.RemoteProtocolError):
        http.get(LIST)
    fake.corrupt_next(body="[]", method="GET")
    assert http.get("/api/v3/sources/plex/missing/").json() == []  # replaced, whatever it was
    with pytest.raises(ValueError, match="PATCH or GET"):
        fake.fail_next(method="DELETE")
