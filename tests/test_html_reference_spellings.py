"""HTML character references spelt every way ``html.unescape`` reads them (a capital ``X``,
leading zeros, no ``;``) still spell the API token: an error body showing it is masked, and a
2xx answer echoing it is refused, on both clients (review round 13).
"""

from __future__ import annotations

import pickle
from html import unescape
from typing import Any

import pytest
import respx

from plex_source_client import PlexSourceError

from .conftest import Twin
from .payloads import SLUG, plex_source

ENDPOINT = f"/sources/plex/{SLUG}/"
API_TOKEN = "tok-SECRET-api-1234567890"
HTML_ESCAPES = {
    "capital-X": lambda c: f"&#X{ord(c):x};",
    "hex-leading-zeros": lambda c: f"&#x{ord(c):08x};",
    "decimal-leading-zeros": lambda c: f"&#{ord(c):010d};",
    "no-semicolon": lambda c: f"&#{ord(c)} ",
}


def _shown(error: BaseException) -> str:
    return f"{error}\n{error!r}\n{getattr(error, 'body', '')}\n{pickle.dumps(error)!r}"


def _every_seventh(secret: str, escape: Any) -> str:
    return "".join(escape(c) if i % 7 == 6 else c for i, c in enumerate(secret))


@pytest.mark.parametrize("escape", list(HTML_ESCAPES.values()), ids=list(HTML_ESCAPES))
@pytest.mark.parametrize("kind", ["json", "html"])
def test_an_error_body_spelling_the_token_with_html_references_is_masked(
    twin: Twin, api: respx.MockRouter, escape: Any, kind: str
) -> None:
    echoed = _every_seventh(API_TOKEN, escape)
    if kind == "json":
        api.get(ENDPOINT).respond(500, json={"detail": f"bad credentials {echoed} ."})
    else:
        page = f"<html><body><p>bad credentials {echoed} .</p></body></html>"
        api.get(ENDPOINT).respond(502, text=page, headers={"Content-Type": "text/html"})
    with pytest.raises(PlexSourceError) as caught:
        twin.call("get", SLUG, options={"token": API_TOKEN, "max_retries": 0})
    shown = _shown(caught.value)
    assert API_TOKEN not in unescape(shown), shown


@pytest.mark.parametrize("escape", list(HTML_ESCAPES.values()), ids=list(HTML_ESCAPES))
def test_a_2xx_spelling_the_token_with_html_references_never_shows_it(
    twin: Twin, api: respx.MockRouter, escape: Any
) -> None:
    echoed = _every_seventh(API_TOKEN, escape)
    api.get(ENDPOINT).respond(200, json=plex_source(name=f"Plex {echoed}"))
    try:
        source = twin.call("get", SLUG, options={"token": API_TOKEN, "max_retries": 0})
    except PlexSourceError as error:  # refused: what the error shows must not hold it either
        shown = _shown(error)
    else:
        shown = repr(source) + str(source) + source._repr_html_()
    assert API_TOKEN not in unescape(shown), shown
