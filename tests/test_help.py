"""What ``help()`` and a misspelled keyword tell a user of ``update()``, on both clients.

Each client declares its own methods (no shared base class, no signature rewriting): help()
shows them as written, ``update``'s changes typed as ``**changes: Unpack[Changes]``.
"""

from __future__ import annotations

import inspect
import json
import pydoc
import re
import typing
from typing import Any

import httpx
import pytest

from plex_source_client import (
    NOT_GIVEN,
    AsyncPlexSourceClient,
    PlexSource,
    PlexSourceClient,
    RawResponse,
)
from plex_source_client._changes import FIELDS_BY_NAME
from plex_source_client._generated.spec import Changes

from .payloads import SLUG, TOKEN, plex_source

CLIENTS = [PlexSourceClient, AsyncPlexSourceClient]
Client = type[PlexSourceClient] | type[AsyncPlexSourceClient]

#: What each client's methods return (awaited, for the async client's coroutine functions).
RETURNS = {"update": PlexSource, "update_from_mapping": PlexSource, "update_raw": RawResponse}
KEYWORDS = [*FIELDS_BY_NAME, "timeout"]


def render(function: object) -> str:
    return pydoc.render_doc(function, renderer=pydoc.plaintext)  # type: ignore[attr-defined]


@pytest.mark.parametrize("client", CLIENTS, ids=lambda c: c.__name__)
@pytest.mark.parametrize("method", sorted(RETURNS))
def test_help_shows_the_real_return_type(client: Client, method: str) -> None:
    function = getattr(client, method)
    returned = RETURNS[method]
    assert typing.get_type_hints(function)["return"] is returned
    assert inspect.signature(function).return_annotation == returned.__name__
    text = render(function)
    assert re.search(rf"\) -> '?{returned.__name__}'?$", text, re.MULTILINE)
    assert function.__qualname__ == f"{client.__name__}.{method}"
    assert inspect.iscoroutinefunction(function) == (client is AsyncPlexSourceClient)


@pytest.mark.parametrize("client", CLIENTS, ids=lambda c: c.__name__)
def test_update_takes_the_slug_then_typed_changes(client: Client) -> None:
    parameters = inspect.signature(client.update).parameters
    assert [(p.name, p.kind.name) for p in parameters.values()] == [
        ("self", "POSITIONAL_ONLY"),
        ("slug", "POSITIONAL_ONLY"),
        ("timeout", "KEYWORD_ONLY"),
        ("changes", "VAR_KEYWORD"),
    ]
    hints = typing.get_type_hints(client.update)
    assert hints["changes"] == typing.Unpack[Changes]


@pytest.mark.parametrize("client", CLIENTS, ids=lambda c: c.__name__)
def test_help_describes_every_keyword(client: Client) -> None:
    text = render(client.update)
    hints = typing.get_type_hints(Changes)
    for name in KEYWORDS:
        described = re.search(rf"^ +{name} \(([^)]+)\): (\S.*)$", text, re.MULTILINE)
        assert described, f"help(update) does not describe {name}"
        kind = " ".join(described.group(1).split())
        if name == "timeout":
            continue
        # the documented type is the typed one: its first alternative names the same type
        first = kind.split(" | ")[0].removeprefix("list of ")
        assert first in str(hints[name]), name
        assert ("None" in kind) == FIELDS_BY_NAME[name].nullable
    assert text.count("``None`` clears it.") == 2
    assert "``None`` for any other keyword is an" in text


def mock_transport(sent: list[httpx.Request]) -> httpx.MockTransport:
    def answer(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return httpx.Response(200, json=plex_source())

    return httpx.MockTransport(answer)


def make(client: Client, sent: list[httpx.Request]) -> PlexSourceClient | AsyncPlexSourceClient:
    transport = mock_transport(sent)
    url = "https://auth.example.com"
    if client is PlexSourceClient:
        return PlexSourceClient(url=url, token=TOKEN, http_client=httpx.Client(transport=transport))
    return AsyncPlexSourceClient(
        url=url, token=TOKEN, http_client=httpx.AsyncClient(transport=transport)
    )


def call(instance: PlexSourceClient | AsyncPlexSourceClient, method: str, **kwargs: Any) -> Any:
    """``instance.method(SLUG, **kwargs)``, run to its end (awaited, for the async client)."""
    import asyncio

    result = getattr(instance, method)(SLUG, **kwargs)
    return asyncio.run(result) if inspect.iscoroutine(result) else result


@pytest.mark.parametrize("client", CLIENTS, ids=lambda c: c.__name__)
@pytest.mark.parametrize("method", ["update", "diff"])
@pytest.mark.parametrize(
    ("keyword", "hint"),
    [
        ("enabeld", "; did you mean 'enabled'?"),
        ("allowed_server", "; did you mean 'allowed_servers'?"),
        ("timout", "; did you mean 'timeout'?"),
        ("slug", "; did you mean 'new_slug'? (the source to change is the first argument)"),
        ("colour", ""),
    ],
)
def test_a_misspelled_keyword_is_a_type_error_naming_the_closest(
    client: Client, method: str, keyword: str, hint: str
) -> None:
    sent: list[httpx.Request] = []
    instance = make(client, sent)
    expected = f"{client.__name__}.{method}() got an unexpected keyword argument '{keyword}'{hint}"
    with pytest.raises(TypeError) as raised:
        call(instance, method, name="Plex", **{keyword: False})
    assert str(raised.value) == expected
    assert sent == []


@pytest.mark.parametrize("client", CLIENTS, ids=lambda c: c.__name__)
def test_a_misspelled_list_filter_is_a_type_error(client: Client) -> None:
    instance = make(client, [])
    with pytest.raises(TypeError, match=r"list\(\) got an unexpected .* 'enabeld'; did you mean"):
        instance.list(enabeld=True)  # type: ignore[call-arg]
    with pytest.raises(TypeError, match="'page_sise'; did you mean 'page_size'"):
        instance.list(page_sise=5)  # type: ignore[call-arg]


def test_a_misspelled_keyword_is_named_first_of_several() -> None:
    with (
        PlexSourceClient(url="https://auth.example.com", token=TOKEN) as client,
        pytest.raises(TypeError, match="'enabeld'; did you mean 'enabled'"),
    ):
        client.update(SLUG, enabeld=True, allow_frends=True)  # type: ignore[call-arg]


@pytest.mark.parametrize("client", CLIENTS, ids=lambda c: c.__name__)
def test_a_missing_option_is_named_on_the_client(client: Client) -> None:
    with pytest.raises(TypeError) as raised:
        client(url="https://auth.example.com")  # type: ignore[call-arg]
    assert str(raised.value) == (
        f"{client.__name__}.__init__() missing 1 required keyword-only argument: 'token'"
    )


@pytest.mark.parametrize("client", CLIENTS, ids=lambda c: c.__name__)
def test_update_sends_only_the_keywords_given(client: Client) -> None:
    """A keyword passed as NOT_GIVEN is the same as one left out (type checkers refuse it)."""
    sent: list[httpx.Request] = []
    instance = make(client, sent)
    source = call(instance, "update", enabled=False, name=NOT_GIVEN, timeout=5)
    call(instance, "update", authentication_flow=None, allowed_servers=[])
    assert isinstance(source, PlexSource)
    assert [json.loads(request.content) for request in sent] == [
        {"enabled": False},
        {"authentication_flow": None, "allowed_servers": []},
    ]
    assert sent[0].extensions["timeout"]["read"] == 5
