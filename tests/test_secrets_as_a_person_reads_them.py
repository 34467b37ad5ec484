"""A secret, or a secret's name, that a server writes so that the masking's patterns miss it
but a person reads it: the API token with characters that show nothing between its letters
(zero-width space, soft hyphen, word joiner, combining grapheme joiner, variation selector,
byte order mark, a tag character, a Hangul filler), a stored token after a name in fullwidth
letters (``\\uff50\\uff4c\\uff45\\uff58\\uff3f\\uff54\\uff4f\\uff4b\\uff45\\uff4e: T``), halfwidth
katakana or a zero-width space inside it: masked in every error of both clients, refused in a
successful answer, masked on the command line (review round 20). Text that hides nothing is
shown as written.
"""

from __future__ import annotations

import pytest
import respx

from plex_source_client import UnexpectedResponse
from plex_source_client._secrets import mask_json, mask_text, redact

from .conftest import Twin
from .fixed_server import API_TOKEN
from .payloads import PLEX_TOKEN, SLUG, TOKEN, plex_source
from .shown import (
    everything_shown,
    shown_by_failed_cli_get,
    shown_by_failed_get,
    shown_by_failed_update,
    text_masked_everywhere,
)

ENDPOINT = f"/sources/plex/{SLUG}/"
STORED = "xQ3zR9pL2mN8vB7cD4fG"

INVISIBLE = {
    "zero-width-space": "\u200b",
    "soft-hyphen": "\u00ad",
    "word-joiner": "\u2060",
    "combining-grapheme-joiner": "\u034f",
    "variation-selector-16": "\ufe0f",
    "byte-order-mark": "\ufeff",
    "left-to-right-mark": "\u200e",
    "tag-letter": "\U000e0061",
    "hangul-filler": "\u3164",
    # drawn as an empty cell, the usual stand-in for a blank where spaces are refused
    "braille-pattern-blank": "\u2800",
    "musical-null-notehead": "\U0001d159",
}


def spaced_out(secret: str, between: str) -> str:
    return between.join(secret)


@pytest.mark.parametrize("between", INVISIBLE.values(), ids=INVISIBLE.keys())
def test_an_api_token_with_invisible_characters_in_an_error_is_masked(
    twin: Twin, api: respx.MockRouter, between: str
) -> None:
    echo = spaced_out(TOKEN, between)
    shown = shown_by_failed_get(twin, api, 403, json={"detail": f"user {echo} is not here"})
    assert echo not in shown
    assert echo.encode("unicode_escape").decode() not in shown
    assert "is not here" in shown


@pytest.mark.parametrize("sent", ["api-token", "plex-token"])
@pytest.mark.parametrize("between", INVISIBLE.values(), ids=INVISIBLE.keys())
def test_a_known_secret_with_invisible_characters_in_a_text_body_is_masked(
    twin: Twin, api: respx.MockRouter, between: str, sent: str
) -> None:
    """In a text body, no word naming a token near it (a 401 quoting the API token, a 400 the
    Plex token the PATCH sent): every letter apart, each of the last eight too.
    """
    secret = TOKEN if sent == "api-token" else PLEX_TOKEN
    echo = spaced_out(secret, between)
    text = f"The request was refused; we saw {echo} in it."
    if sent == "api-token":
        shown = shown_by_failed_get(twin, api, 401, content=text.encode())
    else:
        shown = shown_by_failed_update(twin, api, PLEX_TOKEN, text)
    assert echo not in shown
    assert spaced_out(secret[-8:], between) not in shown


@pytest.mark.parametrize("between", INVISIBLE.values(), ids=INVISIBLE.keys())
def test_a_2xx_echoing_the_api_token_with_invisible_characters_is_refused(
    twin: Twin, api: respx.MockRouter, between: str
) -> None:
    echo = spaced_out(TOKEN, between)
    api.get(ENDPOINT).respond(200, json=plex_source(name=echo))
    with pytest.raises(UnexpectedResponse, match="contains your API token") as caught:
        twin.call("get", SLUG)
    assert echo not in everything_shown(caught.value)


@pytest.mark.parametrize("between", ["\u200b", "\u00ad", "\ufe0f"], ids=["zwsp", "shy", "vs16"])
def test_a_short_api_token_with_invisible_characters_is_masked(
    twin: Twin, api: respx.MockRouter, between: str
) -> None:
    echo = spaced_out("k9Z", between)
    detail = {"detail": f"bad login {echo} (expired)"}
    shown = shown_by_failed_get(twin, api, 403, json=detail, token="k9Z")
    assert echo not in shown
    assert "(expired)" in shown


@pytest.mark.parametrize("between", ["\u200b", "\u2060"], ids=["zwsp", "word-joiner"])
def test_the_command_line_masks_an_api_token_with_invisible_characters(between: str) -> None:
    echo = spaced_out(API_TOKEN, between)
    out, err = shown_by_failed_cli_get({"detail": f"account {echo} is not allowed"}, 403)
    for text in (out, err):
        assert echo not in text
        assert API_TOKEN[4:16] not in text.replace(between, "")
        assert echo.encode("unicode_escape").decode() not in text


FULLWIDTH = "".join(chr(ord(c) + 0xFEE0) for c in "plex_token")
NAMES = [
    pytest.param(f"{FULLWIDTH}: {STORED}", id="fullwidth-name"),
    pytest.param(f"{FULLWIDTH}\uff1a{STORED}", id="fullwidth-name-and-colon"),
    pytest.param(f"\U0001d429\U0001d425\U0001d41e\U0001d431_token = {STORED}", id="math-bold"),
    pytest.param(f"\uff84\uff70\uff78\uff9d: {STORED}", id="halfwidth-katakana"),
    pytest.param(f"plex_to\u200bken={STORED}", id="zero-width-space-inside"),
    pytest.param(f"pass\u00adword: {STORED}", id="soft-hyphen-inside"),
]


@pytest.mark.parametrize("text", NAMES)
def test_a_stored_token_after_a_name_a_person_reads_is_masked(text: str) -> None:
    assert STORED not in text_masked_everywhere(text)


@pytest.mark.parametrize("text", NAMES)
def test_both_clients_mask_a_stored_token_after_such_a_name(
    twin: Twin, api: respx.MockRouter, text: str
) -> None:
    assert STORED not in shown_by_failed_get(twin, api, 400, json={"detail": text})


def test_a_json_key_in_fullwidth_letters_names_a_secret(twin: Twin, api: respx.MockRouter) -> None:
    body = {FULLWIDTH: STORED, "detail": f"rejected: {STORED}"}
    # The key names a secret only as read: it is shown so (see _secrets/reading.py).
    assert mask_json(body, ())["plex_token"] == "***"
    assert STORED not in shown_by_failed_get(twin, api, 400, json=body)


@pytest.mark.parametrize(
    "text",
    [
        "\U0001f469\u200d\U0001f4bb Plex\ufe0f for the team",  # an emoji sequence
        "\u30bd\u30fc\u30b9\u304c\u898b\u3064\u304b\u308a\u307e\u305b\u3093\uff1a\uff38\uff59\uff5a",
        "\uff30\uff4c\uff45\uff58 (fullwidth name), caf\u0065\u0301",
        "\u202eevil\u202c and \ufeffBOM",
    ],
    ids=["emoji", "japanese", "fullwidth-and-accent", "bidi-and-bom"],
)
def test_text_that_hides_nothing_is_shown_as_written(text: str) -> None:
    assert mask_text(text, (TOKEN, "k9Z")) == text
    assert redact(text, (TOKEN, "k9Z")) == text
