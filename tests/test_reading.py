"""Read before write: get(), list() and diff() end to end against FakeAuthentik over real
sockets, on the sync client and the async one.
"""

from __future__ import annotations

import asyncio
import json
import math
import uuid
from typing import Any

import pytest

from plex_source_client import (
    AsyncPlexSourceClient,
    InvalidRequest,
    NotFound,
    PermissionDenied,
    PlexSource,
    PlexSourceClient,
    ServerError,
    SourceDiff,
    UnexpectedResponse,
)
from plex_source_client.testing import FakeAuthentik

from .conftest import Twin, opts


def gets(fake: FakeAuthentik) -> list[str]:
    """The paths (query included) of every GET the fake received."""
    return [request.path for request in fake.requests if request.method == "GET"]


def page_body(fake: FakeAuthentik, **pagination: int) -> str:
    """A list page holding the fake's "plex" source, with the given pagination numbers."""
    numbers = {
        "next": 0, "previous": 0, "count": 1, "current": 1, "total_pages": 1,
        "start_index": 1, "end_index": 1, **pagination,
    }  # fmt: skip
    return json.dumps({"pagination": numbers, "results": [fake.sources["plex"]]})


# -- get --------------------------------------------------------------------------------------


def test_get_returns_the_source_as_the_server_has_it(
    socket_twin: Twin, fake: FakeAuthentik
) -> None:
    source = socket_twin.call("get", "plex", options=opts(fake))
    assert isinstance(source, PlexSource)
    assert source.to_dict() == fake.sources["plex"]
    [request] = fake.requests
    assert (request.method, request.path, request.body) == (
        "GET",
        "/api/v3/sources/plex/plex/",
        b"",
    )
    assert request.headers["authorization"] == "Bearer ***"
    assert "content-type" not in request.headers  # no body, so no Content-Type


def test_get_of_an_unknown_slug_is_not_found_and_not_retried(
    socket_twin: Twin, fake: FakeAuthentik
) -> None:
    with pytest.raises(NotFound, match="no Plex source with this slug") as caught:
        socket_twin.call("get", "missing", options=opts(fake))
    assert caught.value.method == "GET"
    assert len(fake.requests) == 1


@pytest.mark.parametrize("slug", ["..", "a/b", "", "x y", "s" * 5000])
def test_get_of_an_invalid_slug_sends_nothing(
    socket_twin: Twin, fake: FakeAuthentik, slug: str
) -> None:
    with pytest.raises(InvalidRequest) as caught:
        socket_twin.call("get", slug, options=opts(fake))
    assert set(caught.value.errors) == {"slug"}
    assert fake.requests == []


def test_get_is_retried_like_a_patch(socket_twin: Twin, fake: FakeAuthentik) -> None:
    fake.fail_next(2, status=503, method="GET")
    source = socket_twin.call("get", "plex", options=opts(fake))
    assert source.slug == "plex"
    assert len(gets(fake)) == 3
    assert len(socket_twin.sleeps) == 2


def test_get_gives_up_after_the_retries(socket_twin: Twin, fake: FakeAuthentik) -> None:
    fake.fail_next(2, status=503, method="GET")
    with pytest.raises(ServerError) as caught:
        socket_twin.call("get", "plex", options=opts(fake, max_retries=1))
    assert caught.value.attempts == 2


def test_get_with_an_unprivileged_token(socket_twin: Twin, fake: FakeAuthentik) -> None:
    with pytest.raises(PermissionDenied, match="permission"):
        socket_twin.call("get", "plex", options=opts(fake, token=fake.unprivileged_token))


def test_get_of_something_else_is_an_unexpected_response(
    socket_twin: Twin, fake: FakeAuthentik
) -> None:
    secret = fake.sources["plex"]["plex_token"]
    fake.corrupt_next(body=json.dumps({"name": "x", "plex_token": secret}), method="GET")
    with pytest.raises(UnexpectedResponse, match="not with a Plex source") as caught:
        socket_twin.call("get", "plex", options=opts(fake))
    assert "probably applied" not in str(caught.value)  # a GET changes nothing
    assert secret not in str(caught.value)
    assert secret not in str(caught.value.body)


def test_get_answers_larger_than_the_limit_are_refused(
    socket_twin: Twin, fake: FakeAuthentik
) -> None:
    with pytest.raises(UnexpectedResponse, match="larger than the 100-byte limit"):
        socket_twin.call("get", "plex", options=opts(fake, max_response_size=100))


# -- list -------------------------------------------------------------------------------------


@pytest.mark.parametrize(("total", "page_size"), [(8, 3), (8, 8), (8, 1), (1, 100), (250, 100)])
def test_list_walks_every_page(
    socket_twin: Twin, fake: FakeAuthentik, total: int, page_size: int
) -> None:
    for number in range(1, total):  # the fake starts with "plex"
        fake.add_source(slug=f"s{number:03}", name=f"Source {number:03}")
    sources = socket_twin.list_sources(options=opts(fake), page_size=page_size)
    assert all(isinstance(source, PlexSource) for source in sources)
    assert [source.to_dict() for source in sources] == sorted(
        fake.sources.values(), key=lambda source: source["name"]
    )  # authentik's default ordering: by name
    pages = math.ceil(total / page_size)
    assert gets(fake) == [
        f"/api/v3/sources/plex/?page_size={page_size}&page={page}" for page in range(1, pages + 1)
    ]


def test_list_of_no_sources_is_one_request(socket_twin: Twin) -> None:
    with FakeAuthentik(sources=[]) as empty:
        assert socket_twin.list_sources(options=opts(empty)) == []
        assert gets(empty) == ["/api/v3/sources/plex/?page_size=100&page=1"]


def test_list_filters(socket_twin: Twin, fake: FakeAuthentik) -> None:
    flow = fake.add_flow()
    fake.add_source(slug="off-1", name="Off one", enabled=False, authentication_flow=str(flow))
    fake.add_source(slug="off-2", name="Off two", enabled=False, policy_engine_mode="all")
    fake.add_source(slug="on", name="On", client_id="cid-on")

    def slugs(**filters: Any) -> list[str]:
        return [s.slug for s in socket_twin.list_sources(options=opts(fake), **filters)]

    assert slugs(enabled=False) == ["off-1", "off-2"]
    assert slugs(enabled=False, ordering="-name") == ["off-2", "off-1"]
    assert slugs(authentication_flow=flow) == ["off-1"]
    assert slugs(policy_engine_mode="all") == ["off-2"]
    assert slugs(client_id=" cid-on ") == ["on"]
    assert slugs(search="OFF") == ["off-1", "off-2"]
    assert slugs(name="On", slug="on") == ["on"]
    assert slugs(ordering="-slug", page_size=2) == ["plex", "on", "off-2", "off-1"]
    assert gets(fake)[0] == "/api/v3/sources/plex/?enabled=false&page_size=100&page=1"
    assert gets(fake)[2] == f"/api/v3/sources/plex/?authentication_flow={flow}&page_size=100&page=1"


@pytest.mark.parametrize(
    ("filters", "field"),
    [
        ({"page_size": 0}, "page_size"),
        ({"page_size": 1001}, "page_size"),
        ({"page_size": True}, "page_size"),
        ({"enabled": "yes"}, "enabled"),
        ({"authentication_flow": "not-a-uuid"}, "authentication_flow"),
        ({"policy_engine_mode": "some"}, "policy_engine_mode"),
        ({"name": "  "}, "name"),
        ({"search": "a\x00b"}, "search"),
        ({"slug": None}, "slug"),
        ({"ordering": "nam"}, "ordering"),
        ({"ordering": "name,plex_token"}, "ordering"),
    ],
)
def test_list_checks_every_value_before_sending(
    socket_twin: Twin, fake: FakeAuthentik, filters: dict[str, Any], field: str
) -> None:
    with pytest.raises(InvalidRequest) as caught:
        socket_twin.list_sources(options=opts(fake), **filters)
    assert set(caught.value.errors) == {field}
    assert fake.requests == []


def test_list_suggests_a_misspelled_keyword(fake: FakeAuthentik) -> None:
    with fake.client() as client, pytest.raises(TypeError, match="did you mean 'enabled'"):
        client.list(enabeld=True)  # type: ignore[call-arg]


def test_list_is_lazy_and_checks_when_called(fake: FakeAuthentik) -> None:
    for number in range(5):
        fake.add_source(slug=f"s{number}")
    with fake.client() as client:
        with pytest.raises(InvalidRequest):
            client.list(page_size=0)  # at the call, not at the first next()
        sources = client.list(page_size=2)
        assert fake.requests == []
        next(sources), next(sources)
        assert len(fake.requests) == 1
        next(sources)
        assert len(fake.requests) == 2


def test_async_list_is_lazy_and_checks_when_called(fake: FakeAuthentik) -> None:
    for number in range(5):
        fake.add_source(slug=f"s{number}")

    async def run() -> None:
        async with AsyncPlexSourceClient(url=fake.url, token=fake.token) as client:
            with pytest.raises(InvalidRequest):
                client.list(page_size=0)
            sources = client.list(page_size=2)
            assert fake.requests == []
            await anext(sources), await anext(sources)
            assert len(fake.requests) == 1
            await anext(sources)
            assert len(fake.requests) == 2

    asyncio.run(run())


def test_a_failed_page_is_retried(socket_twin: Twin, fake: FakeAuthentik) -> None:
    fake.add_source(slug="second")
    fake.fail_next(1, status=503, method="GET")
    sources = socket_twin.list_sources(options=opts(fake), page_size=1)
    assert [s.slug for s in sources] == ["plex", "second"]
    assert gets(fake) == [
        "/api/v3/sources/plex/?page_size=1&page=1",
        "/api/v3/sources/plex/?page_size=1&page=1",
        "/api/v3/sources/plex/?page_size=1&page=2",
    ]
    assert len(socket_twin.sleeps) == 1


def test_a_page_that_is_not_a_page(socket_twin: Twin, fake: FakeAuthentik) -> None:
    fake.corrupt_next(body="<html>OK</html>", method="GET")
    with pytest.raises(UnexpectedResponse, match="not with a page of Plex sources"):
        socket_twin.list_sources(options=opts(fake))


def test_a_wrong_source_on_a_page_is_named_with_its_index(
    socket_twin: Twin, fake: FakeAuthentik
) -> None:
    good = fake.sources["plex"]
    body = {
        "pagination": json.loads(page_body(fake, count=2, end_index=2))["pagination"],
        "results": [good, {**good, "enabled": "yes"}],
    }
    fake.corrupt_next(body=json.dumps(body), method="GET")
    with pytest.raises(UnexpectedResponse, match=r"results\[1\]: .*enabled must be true or false"):
        socket_twin.list_sources(options=opts(fake))


@pytest.mark.parametrize(
    ("pagination", "reason"),
    [
        ({"next": 1, "count": 5}, "it does not lead to page 2"),  # the same page again
        ({"next": 3, "count": 5}, "it does not lead to page 2"),  # a page skipped
        ({"next": 2, "count": 1}, "makes 1 page"),  # more pages than the count implies
        ({"next": "2"}, "pagination.next must be a whole number"),
        ({"count": -1}, "pagination.count must be a whole number"),
    ],
)
def test_hostile_pagination_ends_in_an_unexpected_response(
    socket_twin: Twin, fake: FakeAuthentik, pagination: dict[str, Any], reason: str
) -> None:
    fake.corrupt_next(10, body=page_body(fake, **pagination), method="GET")
    with pytest.raises(UnexpectedResponse, match=reason):
        socket_twin.list_sources(options=opts(fake), page_size=1)
    assert len(gets(fake)) == 1  # refused at the first page: nothing more was asked


def test_a_server_that_always_has_a_next_page_cannot_loop(
    socket_twin: Twin, fake: FakeAuthentik
) -> None:
    """Each page leads to the next and claims more sources: bounded by the first count."""
    bodies = [page_body(fake, next=n + 1, current=n, count=2 + n) for n in range(1, 10)]
    for body in bodies:
        fake.corrupt_next(body=body, method="GET")
    with pytest.raises(UnexpectedResponse, match="makes 3 page"):
        socket_twin.list_sources(options=opts(fake), page_size=1)
    assert len(gets(fake)) == 3


def test_an_empty_page_that_says_more_follow(socket_twin: Twin, fake: FakeAuthentik) -> None:
    body = json.loads(page_body(fake, next=2, count=5))
    fake.corrupt_next(body=json.dumps({**body, "results": []}), method="GET")
    with pytest.raises(UnexpectedResponse, match="page 1 is empty"):
        socket_twin.list_sources(options=opts(fake), page_size=1)


# -- diff -------------------------------------------------------------------------------------


def test_diff_of_values_the_server_has_is_unchanged(socket_twin: Twin, fake: FakeAuthentik) -> None:
    state = fake.sources["plex"]
    diff = socket_twin.call(
        "diff", "plex", options=opts(fake), name="  Plex ", enabled=True,
        authentication_flow=str(state["authentication_flow"]).upper(),
        plex_token=state["plex_token"], policy_engine_mode="any",
    )  # fmt: skip
    assert isinstance(diff, SourceDiff)
    assert diff.unchanged
    assert diff.changes == {}
    assert diff.patch() == {}
    assert [r.method for r in fake.requests] == ["GET"]  # read only, nothing written


def test_diff_lists_what_would_change(socket_twin: Twin, fake: FakeAuthentik) -> None:
    before = fake.sources["plex"]
    secret = "new-plex-token-value"
    diff = socket_twin.call(
        "diff", "plex", options=opts(fake), name="Plex", enabled=False,
        new_slug="plex-2", plex_token=secret, allowed_servers=["a"],
    )  # fmt: skip
    assert diff.slug == "plex"
    assert list(diff.changes) == ["enabled", "new_slug", "plex_token", "allowed_servers"]
    assert (diff.changes["enabled"].current, diff.changes["enabled"].desired) == (True, False)
    assert str(diff.changes["new_slug"]) == '"plex" -> "plex-2"'
    assert diff.patch() == {
        "enabled": False, "new_slug": "plex-2", "plex_token": secret, "allowed_servers": ["a"],
    }  # fmt: skip
    for shown in (str(diff), repr(diff), diff.display(), str(diff.changes["plex_token"])):
        assert secret not in shown
        assert before["plex_token"] not in shown
    assert "plex_token: changed" in str(diff)
    assert fake.sources == {"plex": before}  # nothing was written


def test_diff_checks_like_update_before_sending(socket_twin: Twin, fake: FakeAuthentik) -> None:
    with pytest.raises(InvalidRequest) as caught:
        socket_twin.call("diff", "plex", options=opts(fake), new_slug="not a slug", name="")
    assert set(caught.value.errors) == {"new_slug", "name"}
    with pytest.raises(InvalidRequest):
        socket_twin.call("diff", "../x", options=opts(fake), name="x")
    assert fake.requests == []


def test_diff_of_an_unknown_source(socket_twin: Twin, fake: FakeAuthentik) -> None:
    with pytest.raises(NotFound):
        socket_twin.call("diff", "missing", options=opts(fake), name="x")


def test_diff_from_mapping_and_then_update(fake: FakeAuthentik) -> None:
    """The CI pattern: diff, then PATCH only what differs (nothing, the second time)."""
    mapping = fake.add_property_mapping()
    wanted = {"enabled": False, "user_property_mappings": [str(mapping), str(mapping)]}
    with PlexSourceClient(url=fake.url, token=fake.token) as client:
        diff = client.diff_from_mapping("plex", wanted)
        assert list(diff.changes) == ["enabled", "user_property_mappings"]
        client.update_from_mapping("plex", diff.patch())
        assert client.diff_from_mapping("plex", wanted).unchanged  # kept once: still a match
    # Every supported release has property mappings: the release is never asked.
    assert [(r.method, r.path.split("/")[3]) for r in fake.requests] == [
        ("GET", "sources"),
        ("PATCH", "sources"),
        ("GET", "sources"),
    ]


def test_diff_misspelled_keyword(fake: FakeAuthentik) -> None:
    with fake.client() as client, pytest.raises(TypeError, match="did you mean 'enabled'"):
        client.diff("plex", enabeld=True)  # type: ignore[call-arg]


def test_async_diff_is_awaited(fake: FakeAuthentik) -> None:
    async def run() -> SourceDiff:
        async with AsyncPlexSourceClient(url=fake.url, token=fake.token) as client:
            pending = client.diff("plex", enabled=False)
            assert fake.requests == []  # nothing until awaited
            return await pending

    assert list(asyncio.run(run()).changes) == ["enabled"]


def test_unknown_flow_filter_is_the_servers_400(fake: FakeAuthentik) -> None:
    from plex_source_client import BadRequest

    with fake.client() as client, pytest.raises(BadRequest, match="Select a valid choice"):
        list(client.list(authentication_flow=uuid.uuid4()))


@pytest.mark.parametrize(
    ("cls", "returns"),
    [
        (PlexSourceClient, ("PlexSource", "Iterator[PlexSource]", "SourceDiff")),
        (AsyncPlexSourceClient, ("PlexSource", "AsyncIterator[PlexSource]", "SourceDiff")),
    ],
)
def test_help_shows_each_clients_types(
    cls: type[PlexSourceClient] | type[AsyncPlexSourceClient], returns: tuple[str, str, str]
) -> None:
    import inspect

    signatures = [inspect.signature(getattr(cls, name)) for name in ("get", "list", "diff")]
    assert tuple(s.return_annotation for s in signatures) == returns
    # get() and diff() are coroutine functions in the async client (awaited, a PlexSource).
    assert inspect.iscoroutinefunction(cls.diff) == (cls is AsyncPlexSourceClient)
    assert inspect.iscoroutinefunction(cls.get) == (cls is AsyncPlexSourceClient)
    update = inspect.signature(cls.update)
    assert signatures[2].parameters == update.parameters  # diff takes update()'s keywords
    assert list(signatures[1].parameters) == ["self", "page_size", "timeout", "filters"]
    assert signatures[1].parameters["filters"].annotation == "Unpack[ListFilters]"
    assert "lazily" in (cls.list.__doc__ or "")  # list()'s own docstring
