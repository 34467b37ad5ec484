"""Secrets inside a source never show where the source is shown or kept: secret-named keys
nested in ``additional_properties`` (a newer server's fields) are masked in ``repr()``, in
RawResponse's repr and in the notebook table; ``NotApplied.source`` is a copy with its secret
fields masked (an error's attributes are shown, logged and pickled).
"""

from __future__ import annotations

import json
import pickle
from typing import Any

import pytest
import respx

from plex_source_client import NotApplied, PlexSource
from plex_source_client._display import display_rows
from plex_source_client._models import masked_source

from .conftest import Twin
from .payloads import SLUG, plex_source

ENDPOINT = f"/sources/plex/{SLUG}/"
STORED_PLEX_TOKEN = "ptok-STORED-9876543210"


def source_with_nested_secret() -> Any:
    return PlexSource.from_dict(
        plex_source(extra={"plex_token": STORED_PLEX_TOKEN, "client_secret": STORED_PLEX_TOKEN})
    )


def test_repr_masks_secret_keys_nested_in_additional_properties() -> None:
    source = source_with_nested_secret()
    assert STORED_PLEX_TOKEN not in repr(source)
    assert "'extra': {'plex_token': '***', 'client_secret': '***'}" in repr(source)


def test_repr_html_masks_secret_keys_nested_in_additional_properties() -> None:
    source = source_with_nested_secret()
    assert STORED_PLEX_TOKEN not in source._repr_html_()


def test_display_rows_mask_nested_secrets_and_keep_the_rest() -> None:
    rows = dict(display_rows({"slug": "s", "extra": [{"api_key": "k-123"}, {"name": "n"}]}))
    assert rows["extra"] == '[{"api_key": "***"}, {"name": "n"}]'
    assert rows["slug"] == '"s"'


def test_raw_response_repr_from_a_server_with_a_nested_secret(
    twin: Twin, api: respx.MockRouter
) -> None:
    api.patch(ENDPOINT).respond(
        200, json=plex_source(extra={"nested": {"plex_token": STORED_PLEX_TOKEN}})
    )
    raw = twin.call("update_raw", SLUG, {"enabled": True})
    assert STORED_PLEX_TOKEN not in repr(raw)


def test_not_applied_error_attributes_hold_no_plex_token(twin: Twin, api: respx.MockRouter) -> None:
    """_errors.py: "No message, attribute or repr ever contains the API token or a Plex
    token". NotApplied.source was the parsed PlexSource, plex_token in clear; it pickles too.
    (The client learns no release: respx leaves the version endpoint unmocked, so it fails.)
    """
    api.patch(ENDPOINT).respond(200, json=plex_source(plex_token=STORED_PLEX_TOKEN))
    with pytest.raises(NotApplied) as caught:
        twin.update(SLUG, options={"server_version": None, "max_retries": 0}, promoted=True)
    error = caught.value
    leaks = {
        "source.plex_token": getattr(error.source, "plex_token", None) == STORED_PLEX_TOKEN,
        "source.to_dict()": STORED_PLEX_TOKEN in json.dumps(error.source.to_dict()),
        "pickle": STORED_PLEX_TOKEN.encode() in pickle.dumps(error),
    }
    assert not any(leaks.values()), leaks
    assert error.source.plex_token == "***"
    assert error.source.slug == SLUG  # the rest as the server sent it


def test_masked_source_masks_only_secrets_and_leaves_the_original() -> None:
    source = PlexSource.from_dict(plex_source(plex_token=STORED_PLEX_TOKEN, extra={"a": 1}))
    masked = masked_source(source)
    assert masked.plex_token == "***"
    assert masked.to_dict() == {**source.to_dict(), "plex_token": "***"}
    assert source.plex_token == STORED_PLEX_TOKEN
    empty = masked_source(PlexSource.from_dict(plex_source(plex_token="")))
    assert empty.plex_token == ""  # nothing to hide: shown as empty


def test_themed_urls_repr_masks_a_secret_key_and_the_sources_stored_token(
    twin: Twin, api: respx.MockRouter
) -> None:
    """``source.icon_themed_urls`` (a public :class:`ThemedUrls`) masks in its own repr an
    extra secret-named key's value, and the ``plex_token`` its source stores when it repeats
    it; the values themselves are kept. (Red team round 9, issue 18: the generated class's
    repr showed ``additional_properties={'api_key': ...}``.)
    """
    from plex_source_client import ThemedUrls

    from .payloads import plex_source_2026

    key = "ApiKeyValue-0123456789abcdef"
    themed = {"light": STORED_PLEX_TOKEN, "dark": "d.svg", "api_key": key}
    data = plex_source_2026(icon="i", icon_themed_urls=themed, plex_token=STORED_PLEX_TOKEN)
    api.get(ENDPOINT).respond(200, json=data)
    source = twin.call("get", SLUG, options={"max_retries": 0, "server_version": "2026.2.2"})
    urls = source.icon_themed_urls
    assert isinstance(urls, ThemedUrls)
    shown = repr(urls) + repr(source)
    assert key not in shown, shown
    assert STORED_PLEX_TOKEN not in shown, shown
    assert (
        repr(urls)
        == "ThemedUrls(light='***', dark='d.svg', additional_properties={'api_key': '***'})"
    )
    assert (urls.light, urls["api_key"], urls.to_dict()) == (STORED_PLEX_TOKEN, key, themed)
