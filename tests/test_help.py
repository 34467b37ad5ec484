"""What ``help()`` and a misspelled keyword tell a user of ``update()``, on both clients."""

from __future__ import annotations

import inspect
import json
import pydoc
import re
import typing
from collections.abc import Coroutine
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
from plex_source_client._base import BaseClient
from plex_source_client._changes import FIELDS_BY_NAME

from .payloads import SLUG, TOKEN, plex_source

CLIENTS = [PlexSourceClient, AsyncPlexSourceClient]
Client = type[PlexSourceClient] | type[AsyncPlexSourceClient]

#: What help() shows each client's methods return.
RETURNS = {
    (PlexSourceClient, "update"): "PlexSource",
    (PlexSourceClient, "update_from_mapping"): "PlexSource",
    (PlexSourceClient, "update_raw"): "RawResponse",
    (AsyncPlexSourceClient, "update"): "Coroutine[Any, Any, PlexSource]",
    (AsyncPlexSourceClient, "update_from_mapping"): "Coroutine[Any, Any, PlexSource]",
    (AsyncPlexSourceClient, "update_raw"): "Coroutine[Any, Any, RawResponse]",
}
HINTS = {
    PlexSourceClient: (PlexSource, RawResponse),
    AsyncPlexSourceClient: (Coroutine[Any, Any, PlexSource], Coroutine[Any, Any, RawResponse]),
}
KEYWORDS = [*FIELDS_BY_NAME, "timeout"]


def render(function: object) -> str:
    return pydoc.render_doc(function, renderer=pydoc.plaintext)  # type: ignore[attr-defined]


def shown_signature(text: str) -> str:
    """The signature at the top of a function's help() text, on one line.

    Python 3.13's pydoc wraps a long signature, one parameter a line: ``update(`` then
    ``    slug: 'str',`` ... then ``) -> 'PlexSource'``; this joins it back.
    """
    lines = text.split("\n\n", 1)[1].splitlines()  # below "Python Library Documentation: ..."
    if not lines[0].endswith("("):
        return lines[0]
    end = next(i for i, line in enumerate(lines) if line.startswith(")"))
    parameters = [line.strip().removesuffix(",") for line in lines[1:end]]
    return f"{lines[0]}{', '.join(parameters)}{lines[end]}"


class _Bare:
    """An annotation that ``inspect`` renders as its text, unquoted."""

    def __init__(self, text: str) -> None:
        self.text = text

    def __repr__(self) -> str:
        return self.text


def unquoted(signature: inspect.Signature) -> str:
    """``signature`` as Python 3.14's help() shows it: string annotations without quotes."""

    def bare(annotation: object) -> object:
        return _Bare(annotation) if isinstance(annotation, str) else annotation

    parameters = [p.replace(annotation=bare(p.annotation)) for p in signature.parameters.values()]
    return str(
        signature.replace(
            parameters=parameters, return_annotation=bare(signature.return_annotation)
        )
    )


@pytest.mark.parametrize(("client", "method"), sorted(RETURNS, key=str))
def test_help_shows_the_real_return_type(client: Client, method: str) -> None:
    """help() shows the signature inspect.signature gives, whichever way the running Python
    renders string annotations (quoted up to 3.13, bare from 3.14, whose pydoc asks for
    ``quote_annotation_strings=False``), and so the real return type.
    """
    function = getattr(client, method)
    returned = RETURNS[client, method]
    signature = inspect.signature(function)
    assert signature.return_annotation == returned
    text = render(function)
    shown = shown_signature(text)
    assert shown in (f"{method}{signature}", f"{method}{unquoted(signature)}")
    assert shown.rsplit(") -> ", 1)[1].strip("'\"") == returned
    assert "_ResultT" not in text
    assert "_RawT" not in text
    assert function.__qualname__ == f"{client.__name__}.{method}"


@pytest.mark.parametrize("client", CLIENTS, ids=lambda c: c.__name__)
def test_type_hints_resolve_to_the_real_return_type(client: Client) -> None:
    source, raw = HINTS[client]
    assert typing.get_type_hints(client.update)["return"] == source
    assert typing.get_type_hints(client.update_from_mapping)["return"] == source
    assert typing.get_type_hints(client.update_raw)["return"] == raw


@pytest.mark.parametrize("client", CLIENTS, ids=lambda c: c.__name__)
def test_the_clients_share_the_code_of_each_method(client: Client) -> None:
    """Twins: only annotations differ from BaseClient's; no wrapper, no second body."""
    for method in ("update", "update_from_mapping", "update_raw"):
        assert getattr(client, method).__code__ is getattr(BaseClient, method).__code__


@pytest.mark.parametrize("client", CLIENTS, ids=lambda c: c.__name__)
def test_help_shows_and_describes_every_keyword(client: Client) -> None:
    parameters = inspect.signature(client.update).parameters
    assert list(parameters) == ["self", "slug", *KEYWORDS]
    text = render(client.update)
    for name in KEYWORDS:
        described = re.search(rf"^ +{name} \(([^)]+)\): (\S.*)$", text, re.MULTILINE)
        assert described, f"help(update) does not describe {name}"
        kind = " ".join(described.group(1).split())
        annotation = str(parameters[name].annotation)
        # the documented type is the annotation's, without NotGiven (Timeout is float | ...)
        first = kind.split(" | ")[0].removeprefix("list of ")
        assert first in annotation or (name == "timeout" and "Timeout" in annotation), name
        assert ("None" in kind) == FIELDS_BY_NAME[name].nullable if name != "timeout" else True
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


@pytest.mark.parametrize("client", CLIENTS, ids=lambda c: c.__name__)
@pytest.mark.parametrize(
    ("keyword", "hint"),
    [
        ("enabeld", "; did you mean 'enabled'?"),
        ("allowed_server", "; did you mean 'allowed_servers'?"),
        ("timout", "; did you mean 'timeout'?"),
        ("colour", ""),
    ],
)
def test_a_misspelled_keyword_is_a_type_error_naming_the_closest(
    client: Client, keyword: str, hint: str
) -> None:
    sent: list[httpx.Request] = []
    instance = make(client, sent)
    expected = f"{client.__name__}.update() got an unexpected keyword argument '{keyword}'{hint}"
    misspelled: dict[str, Any] = {keyword: False}  # as a script would, unchecked by mypy
    with pytest.raises(TypeError) as raised:
        instance.update(SLUG, name="Plex", **misspelled)
    assert str(raised.value) == expected
    assert sent == []


def test_a_misspelled_keyword_is_named_first_of_several() -> None:
    with (
        PlexSourceClient(url="https://auth.example.com", token=TOKEN) as client,
        pytest.raises(TypeError, match="'enabeld'; did you mean 'enabled'"),
    ):
        client.update(SLUG, enabeld=True, allow_frends=True)  # type: ignore[call-arg]


def test_sync_update_sends_only_the_keywords_given() -> None:
    sent: list[httpx.Request] = []
    client = make(PlexSourceClient, sent)
    assert isinstance(client, PlexSourceClient)
    with client:
        client.update(SLUG, enabled=False, name=NOT_GIVEN, timeout=5)
        client.update(SLUG, authentication_flow=None, allowed_servers=[])
    assert [json.loads(request.content) for request in sent] == [
        {"enabled": False},
        {"authentication_flow": None, "allowed_servers": []},
    ]
    assert sent[0].extensions["timeout"]["read"] == 5


@pytest.mark.anyio
async def test_async_update_sends_only_the_keywords_given() -> None:
    sent: list[httpx.Request] = []
    client = make(AsyncPlexSourceClient, sent)
    assert isinstance(client, AsyncPlexSourceClient)
    async with client:
        source = await client.update(SLUG, enabled=False, name=NOT_GIVEN)
    assert isinstance(source, PlexSource)
    assert [json.loads(request.content) for request in sent] == [{"enabled": False}]
