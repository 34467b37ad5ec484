"""What results and errors show, beyond their message: a diff's current values mask the
source's stored secrets; no error carries the raw answer on its ``__context__`` chain (a
parser's own error quotes the whole body); a URL pasted with the API token in it is refused
without quoting the token; an ``http_client`` of the wrong kind is a ConfigurationError.
"""

from __future__ import annotations

import json

import pytest
import respx

from plex_source_client import PlexSourceError

from .conftest import Twin
from .payloads import SLUG, plex_source

ENDPOINT = f"/sources/plex/{SLUG}/"
STORED = "SeCrEtValue0123456789abcdef"
API_TOKEN = "ApiTok-0123456789abcdefghijXYZ"


@pytest.mark.parametrize("stored_key", ["plex_token", "client_secret"])
def test_diff_masks_a_stored_secret_the_server_repeats_in_a_current_value(
    twin: Twin, api: respx.MockRouter, stored_key: str
) -> None:
    """``client.diff(slug, name="x")`` against a source whose ``name`` repeats the value it
    stores under ``plex_token`` (or a newer server's ``client_secret``): the source's own
    repr masks that value (``name='***'``), but the ``SourceDiff``'s ``str()``/``repr()``
    and its ``FieldChange.current`` show it in clear (``name: "<token>" -> "x"``).
    Severity: high (promise 1, repr/str of results; the package masks the same value in the
    PlexSource it diffed).
    """
    data = plex_source(name=STORED)
    data[stored_key] = STORED
    api.get(ENDPOINT).respond(200, json=data)
    diff = twin.call("diff", SLUG, options={"max_retries": 0}, name="x")
    shown = str(diff) + repr(diff) + diff.display() + repr(diff.changes)
    assert STORED not in shown, shown[:600]


def _chain(error: BaseException) -> list[BaseException]:
    """``error`` and every exception on its ``__context__`` / ``__cause__`` chain."""
    found: list[BaseException] = []
    current: BaseException | None = error
    while current is not None and current not in found:
        found.append(current)
        current = current.__cause__ or current.__context__
    return found


def _stored_body(tail: bytes) -> bytes:
    """A source storing ``STORED`` as its ``plex_token``, with ``tail`` spliced in before the
    closing brace (what makes it unparseable).
    """
    body = plex_source(plex_token=STORED)
    return json.dumps(body).encode()[:-1] + tail + b"}"


def test_a_non_utf8_answer_leaves_no_raw_body_on_the_error_chain(
    twin: Twin, api: respx.MockRouter
) -> None:
    """A 2xx source storing a ``plex_token``, with one invalid UTF-8 byte in another field:
    no ``UnicodeDecodeError`` (whose ``repr()``/``args`` hold the whole raw body) is on the
    error's ``__context__`` chain, which an error tracker records.
    """
    api.get(ENDPOINT).respond(200, content=_stored_body(b', "extra": "\xff"'))
    with pytest.raises(PlexSourceError) as caught:
        twin.call("get", SLUG, options={"max_retries": 0})
    for link in _chain(caught.value):
        shown = str(link) + repr(link) + repr(link.args)
        assert STORED not in shown, f"{type(link).__name__}: {shown[:300]}"


def test_an_unparseable_answer_leaves_no_raw_body_on_the_error_chain(
    twin: Twin, api: respx.MockRouter
) -> None:
    """A 2xx source storing a ``plex_token``, cut by a JSON syntax error: no
    ``json.JSONDecodeError`` (whose ``.doc`` is the whole raw body) is on the error's chain.
    """
    api.get(ENDPOINT).respond(200, content=_stored_body(b', "extra": x'))
    with pytest.raises(PlexSourceError) as caught:
        twin.call("get", SLUG, options={"max_retries": 0})
    for link in _chain(caught.value):
        held = {name: repr(value) for name, value in vars(link).items()}
        held["doc"] = repr(getattr(link, "doc", ""))
        assert not [name for name, value in held.items() if STORED in value], type(link)


@pytest.mark.parametrize(
    "url",
    [
        f"https://auth.example.com/?token={API_TOKEN}",
        f"https://auth.example.com/api/v3/?{API_TOKEN}",
        f"https://auth.example.com/ {API_TOKEN}",
        f"https://auth.example.com:{API_TOKEN}/",
        f"ftp://auth.example.com/{API_TOKEN}",
    ],
)
@pytest.mark.parametrize("kind", ["sync", "async"])
def test_a_bad_url_holding_the_api_token_is_refused_without_showing_it(url: str, kind: str) -> None:
    """``url`` pasted with the API token in it (``?token=...``, after a space, as a "port"),
    the same token passed as ``token=``: the ``ConfigurationError`` masks the token, on its
    whole chain."""
    from plex_source_client import AsyncPlexSourceClient, ConfigurationError, PlexSourceClient

    client_class = PlexSourceClient if kind == "sync" else AsyncPlexSourceClient
    with pytest.raises(ConfigurationError) as caught:
        client_class(url=url, token=API_TOKEN)
    shown = "".join(str(e) + repr(e) + repr(vars(e)) for e in _chain(caught.value))
    assert API_TOKEN not in shown, shown[:300]


@pytest.mark.parametrize("kind", ["sync", "async"])
def test_an_http_client_that_is_not_one_is_a_configuration_error(kind: str) -> None:
    """``http_client=`` given something that is not the matching httpx client: a
    ConfigurationError, as for every other option of the wrong type."""
    from plex_source_client import AsyncPlexSourceClient, PlexSourceClient

    client_class = PlexSourceClient if kind == "sync" else AsyncPlexSourceClient
    with pytest.raises(PlexSourceError):
        client_class(url="https://auth.example.com", token="tok-0123456789", http_client=object())  # type: ignore[arg-type]
