"""Short secrets: a 3-character API token and a 3-4 character proxy password work end to end.

A short secret is masked where it stands alone, and a 2xx answer is refused only where the
token really shows (the echoed ``Authorization`` credential); its letters inside the key
``plex_token``, a slug, a name or a path are not the secret. Run against the fake authentik
through a real forward proxy, on the sync client and the async one on both backends.
"""

from __future__ import annotations

import pytest
import respx

from plex_source_client import PlexSourceError, UnexpectedResponse
from plex_source_client.testing import FakeAuthentik

from .conftest import Twin, opts
from .forward_proxy import ForwardProxy
from .payloads import SLUG, plex_source

TOKEN = "tok"


@pytest.mark.parametrize("password", ["tok", "plex"])
def test_short_token_and_proxy_password_work_end_to_end(
    socket_twin: Twin, fake: FakeAuthentik, password: str
) -> None:
    fake.token = TOKEN
    fake.add_source(slug="tok", name="plex tok", plex_token=f"{password}-tok")
    fake.add_source(slug=password + "-x", name=password)
    with ForwardProxy() as proxy:
        options = opts(fake, proxy=proxy.url.replace("http://", f"http://user:{password}@"))
        updated = socket_twin.update("tok", options=options, name="tok", plex_token=password)
        read = socket_twin.call("get", "plex", options=options)
        listed = socket_twin.list_sources(options=options)
    assert (updated.name, updated.plex_token) == ("tok", password)
    assert read.slug == "plex"
    assert {source.slug for source in listed} >= {"plex", "tok", password + "-x"}
    assert {source.name for source in listed} >= {"tok", password}
    assert proxy.seen, "the requests did not go through the proxy"


@pytest.mark.parametrize("echo", ["Bearer tok", "seen: Bearer tok;"])
def test_a_short_token_echoed_as_the_credential_is_refused(
    socket_twin: Twin, fake: FakeAuthentik, echo: str
) -> None:
    fake.token = TOKEN
    fake.add_source(slug="echo", name=echo)
    with pytest.raises(UnexpectedResponse, match="contains your API token") as caught:
        socket_twin.call("get", "echo", options=opts(fake))
    shown = f"{caught.value} {caught.value!r} {caught.value.body}"
    assert "Bearer tok" not in shown


def test_a_short_secret_is_masked_only_where_it_stands_alone() -> None:
    from plex_source_client._secrets import redact

    text = 'plex_token at /sources/plex/tok-1/ "tok" tokens Bearer tok, plex u:plex@h ?t=tok&'
    assert redact(text, [TOKEN, "plex"]) == (
        'plex_token at /sources/plex/tok-1/ "***" tokens Bearer ***, *** u:***@h ?t=***&'
    )


def test_a_short_token_as_the_reason_phrase_or_request_id_is_masked(twin: Twin) -> None:
    import httpx

    from plex_source_client import PermissionDenied

    def handler(request: httpx.Request) -> httpx.Response:
        headers = {"X-Authentik-Id": TOKEN}
        return httpx.Response(403, headers=headers, extensions={"reason_phrase": TOKEN.encode()})

    if twin.kind == "sync":
        http: httpx.Client | httpx.AsyncClient = httpx.Client(
            transport=httpx.MockTransport(handler)
        )
    else:
        http = httpx.AsyncClient(transport=httpx.MockTransport(handler))
    with pytest.raises(PermissionDenied) as caught:
        twin.update("plex", options={"token": TOKEN, "http_client": http}, name="x")
    assert str(caught.value).endswith("-> 403: *** (request id ***)")
    assert caught.value.request_id == "***"


ENDPOINT = "/sources/plex/my-plex/"


@pytest.mark.parametrize("detail", ["Invalid header: Bearer abc.", "Authorization: Bearer abc!"])
def test_a_short_token_echoed_before_punctuation_is_masked(
    twin: Twin, api: respx.MockRouter, detail: str
) -> None:
    """A 3-character API token ``abc`` that a 403 echoes as its ``Bearer`` credential followed
    by sentence punctuation (``Bearer abc.``) is masked in the error message and ``.body``.
    """
    api.get(ENDPOINT).respond(403, json={"detail": detail})
    with pytest.raises(PlexSourceError) as caught:
        twin.call("get", SLUG, options={"token": "abc", "max_retries": 0})
    error = caught.value
    shown = str(error) + repr(error) + repr(getattr(error, "body", None))
    assert "Bearer abc" not in shown, shown


def test_a_200_echoing_a_short_token_before_punctuation_is_refused_or_masked(
    twin: Twin, api: respx.MockRouter
) -> None:
    """A 200 whose ``name`` echoes the 3-character API token as ``Bearer abc.`` is refused
    as an echo (as ``Bearer abc`` is), or masked.
    """
    api.get(ENDPOINT).respond(200, json=plex_source(name="seen: Authorization: Bearer abc."))
    try:
        source = twin.call("get", SLUG, options={"token": "abc", "max_retries": 0})
    except PlexSourceError as error:  # refused as an echo: what the promise allows
        shown = str(error) + repr(vars(error))
    else:
        shown = repr(source) + str(source) + source._repr_html_()
    assert "Bearer abc" not in shown, shown[:300]
