"""Each string of a JSON error body (keys too) is masked as a text body is: secret-named keys
written inside strings, escaped secrets and HTTP credentials.
"""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest
import respx

from plex_source_client import PlexSourceError

from .conftest import Twin
from .payloads import SLUG
from .shown import everything_shown

API_TOKEN = "tok-SECRET-api-1234567890"
SENT_PLEX_TOKEN = "ptok-SENT-5555544444"
STORED_PLEX_TOKEN = "ptok-STORED-9876543210"
ENDPOINT = f"/sources/plex/{SLUG}/"

Capture = pytest.CaptureFixture[str]


# --- 4. JSON error bodies: strings are not masked as text bodies are ------------------------


@pytest.mark.parametrize(
    "body",
    [
        # the value of a secret-named key written in a string: masked in a text body
        {"detail": f"invalid plex_token={STORED_PLEX_TOKEN}"},
        {"name": [f"plex_token: {STORED_PLEX_TOKEN}"]},
        # JSON inside a string (a proxy wrapping the upstream's answer)
        {"detail": "upstream: " + json.dumps({"plex_token": STORED_PLEX_TOKEN})},
    ],
)
def test_json_error_body_masks_secret_values_written_in_its_strings(
    twin: Twin, api: respx.MockRouter, body: dict[str, Any]
) -> None:
    """safety.md: "the value of every secret-named key (`plex_token`, ...) in JSON, cut-short
    JSON, HTML and text". The same text as a text/plain body is masked (mask_text); as a
    JSON body only its keys are looked at (redact_json), so the error's message and .body
    show the stored Plex token.
    """
    api.get(ENDPOINT).respond(400, json=body)
    with pytest.raises(PlexSourceError) as caught:
        twin.call("get", SLUG, options={"max_retries": 0})
    assert STORED_PLEX_TOKEN not in everything_shown(caught.value), str(caught.value)


def escaped_every_seventh(secret: str, escape: Any) -> str:
    """``secret`` with every 7th character escaped: no run of FRAGMENT (8) raw characters."""
    return "".join(escape(c) if i % 7 == 6 else c for i, c in enumerate(secret))


@pytest.mark.parametrize(
    "escape",
    [lambda c: f"&#{ord(c)};", lambda c: f"%{ord(c):02X}", lambda c: f"\\u{ord(c):04x}"],
    ids=["html-entity", "percent", "json-u-escape-in-text"],
)
def test_json_error_body_echoing_the_api_token_escaped_is_masked(
    twin: Twin, api: respx.MockRouter, escape: Any
) -> None:
    """A text body is unescaped before masking (mask_text), and the 2xx echo check decodes
    escapes (json_holds_secret); a JSON error body's strings are only redact()ed, which
    looks for raw 8-character runs. With one character in seven escaped, the whole API token
    shows (decoded by anyone reading the log).
    """
    from html import unescape
    from urllib.parse import unquote

    shown_token = escaped_every_seventh(API_TOKEN, escape)
    api.get(ENDPOINT).respond(500, json={"detail": f"bad credentials {shown_token}"})
    with pytest.raises(PlexSourceError) as caught:
        twin.call("get", SLUG, options={"token": API_TOKEN, "max_retries": 0})
    message = str(caught.value)
    decoded = unescape(unquote(message.encode().decode("unicode_escape")))
    assert API_TOKEN not in decoded, message


def test_json_error_body_echoing_proxy_basic_credentials_is_masked(
    twin: Twin, api: respx.MockRouter
) -> None:
    """A text body's ``Basic <base64>`` is masked (_CREDENTIALS); in a JSON error body (an
    echo service, a proxy's JSON error quoting the request headers) it is kept, and it is
    the proxy's user:password in base64.
    """
    proxy_auth = base64.b64encode(b"user:Hunter2S3cretPW").decode()
    api.get(ENDPOINT).respond(
        502,
        json={
            "detail": "bad gateway",
            "request_headers": {"Proxy-Authorization": f"Basic {proxy_auth}"},
        },
    )
    with pytest.raises(PlexSourceError) as caught:
        twin.call("get", SLUG, options={"max_retries": 0})
    assert proxy_auth not in everything_shown(caught.value), repr(
        getattr(caught.value, "body", None)
    )


def test_drf_messages_about_the_plex_token_field_are_shown(
    twin: Twin, api: respx.MockRouter
) -> None:
    """Real authentik (2024.8.2 and 2026.2.2, recorded) answers a blank Plex token with
    ``{"plex_token": ["This field may not be blank."]}``: DRF's message is no secret, and the
    user is told why (the value under the key is masked when it is anything else)."""
    from plex_source_client import BadRequest

    reason = "This field may not be blank."
    api.patch(ENDPOINT).respond(400, json={"plex_token": [reason]})
    with pytest.raises(BadRequest) as caught:
        twin.update(SLUG, {"max_retries": 0, "validate": False}, plex_token="")
    assert caught.value.errors.get("plex_token") == [reason], caught.value.errors
    assert reason in str(caught.value), str(caught.value)
