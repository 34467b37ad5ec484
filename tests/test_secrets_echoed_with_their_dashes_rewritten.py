"""A known secret (the API token, a Plex token being sent) that a server echoes with its
hyphens written another way, so that no run of it long enough for the masking to find as
written stays whole (a UUID-shaped key has none): regex-quoted (``re.escape``: ``\\-``, as
a server quoting the pattern it matched the ``Authorization`` header against shows it),
percent-encoded twice (``%252D``, a URL encoded again in a redirect), with typographic
hyphens (U+2010 HYPHEN, U+2011 NON-BREAKING HYPHEN, U+2212 MINUS SIGN, ``&hyphen;``), or
without them (a UUID normalized to its 32 hex digits). Masked in every error of both
clients, in the HTTP libraries' log records and on the command line; a successful answer
carrying the API token so is refused (review round 34). Any other stand-in for a separator
too: a secret written in parts is found part by part (C, Python, JavaScript, CSS escapes,
quoted-printable, cmd.exe and PowerShell quoting: review round 35).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

import pytest
import respx

from .conftest import Twin
from .payloads import SLUG
from .shown import everything_shown, shown_by_failed_get

#: The API token the tests give: one with a long part (masked alone) and a UUID-shaped key
#: (authentik lets an admin set a token's key), whose every part is short.
API_TOKENS = ["tok-FIXED-api-0123456789abcdef", "5e8a9f7c-1d2b-4c3a-9e8f-7a6b5c4d3e21"]

#: A UUID-shaped API token sharing no part with the source the tests' answers hold (the
#: first one shares its flow's: a successful answer shows that flow).
OTHER_UUID_TOKEN = "3f1c7e2a-8b4d-4e6f-a0c9-d2b5e8f1a4c7"

#: A Plex token as the client sends it in a PATCH.
PLEX_TOKEN = "c0d3f00d-7a1b-4e2c-9d8f-0a1b2c3d4e5f"

ECHOES: dict[str, Callable[[str], str]] = {
    "regex-escaped": lambda t: f"access denied: no rule matched /^{re.escape(t)}$/",
    "percent-encoded-twice": lambda t: (
        "access denied, see /login?next=%252Fhome%252F" + t.replace("-", "%252D")
    ),
    "unicode-hyphen": lambda t: f"access denied for {t.replace('-', chr(0x2010))}",
    "non-breaking-hyphen": lambda t: f"access denied for {t.replace('-', chr(0x2011))}",
    "minus-sign": lambda t: f"access denied for {t.replace('-', chr(0x2212))}",
    "html-named-hyphen": lambda t: f"<p>access denied for {t.replace('-', '&hyphen;')}</p>",
    "without-hyphens": lambda t: f"access denied for {t.replace('-', '')}",
}


def _parts_shown(secret: str, shown: str) -> list[str]:
    """The parts (between hyphens) of ``secret`` of 4 characters or more that ``shown`` holds."""
    return [part for part in secret.split("-") if len(part) >= 4 and part in shown]


@pytest.mark.parametrize("token", API_TOKENS, ids=["long-part", "uuid-shaped"])
@pytest.mark.parametrize("echo", list(ECHOES))
def test_api_token_echoed_with_its_hyphens_rewritten_in_a_text_body(
    twin: Twin, api: respx.MockRouter, echo: str, token: str
) -> None:
    body = ECHOES[echo](token)
    shown = shown_by_failed_get(
        twin, api, 400, content=body.encode(), headers={"Content-Type": "text/plain"}, token=token
    )
    assert _parts_shown(token, shown) == [], shown[:400]


@pytest.mark.parametrize("echo", list(ECHOES))
def test_api_token_echoed_with_its_hyphens_rewritten_in_a_json_detail(
    twin: Twin, api: respx.MockRouter, echo: str
) -> None:
    token = API_TOKENS[1]
    shown = shown_by_failed_get(twin, api, 403, json={"detail": ECHOES[echo](token)}, token=token)
    assert _parts_shown(token, shown) == [], shown[:400]


@pytest.mark.parametrize("echo", list(ECHOES))
def test_plex_token_being_sent_echoed_with_its_hyphens_rewritten(
    twin: Twin, api: respx.MockRouter, echo: str
) -> None:
    from plex_source_client import PlexSourceError

    text = ECHOES[echo](PLEX_TOKEN)
    api.patch(f"/sources/plex/{SLUG}/").respond(400, json={"non_field_errors": [text]})
    with pytest.raises(PlexSourceError) as caught:
        twin.call("update", SLUG, options={"max_retries": 0}, plex_token=PLEX_TOKEN)
    shown = everything_shown(caught.value)
    assert _parts_shown(PLEX_TOKEN, shown) == [], shown[:400]


def test_cli_get_api_token_echoed_regex_escaped() -> None:
    from .fixed_server import run_main
    from .raw_server import ScriptServer, reply

    token = API_TOKENS[1]
    body: Any = {"detail": ECHOES["regex-escaped"](token)}
    with ScriptServer(reply(401, json.dumps(body).encode(), "Unauthorized")) as server:
        code, out, err, _ = run_main(
            ["get", SLUG, "--max-retries", "0"], url=server.url,
            env={"AUTHENTIK_SERVER_VERSION": "2024.8.2", "AUTHENTIK_TOKEN": token},
        )  # fmt: skip
    assert code != 0
    assert "Traceback" not in err
    assert _parts_shown(token, out + err) == [], err


@pytest.mark.parametrize("token", API_TOKENS, ids=["long-part", "uuid-shaped"])
def test_the_exact_echo_is_masked_too(twin: Twin, api: respx.MockRouter, token: str) -> None:
    body = f"access denied for {token}".encode()
    shown = shown_by_failed_get(
        twin, api, 400, content=body, headers={"Content-Type": "text/plain"}, token=token
    )
    assert _parts_shown(token, shown) == [], shown[:400]


@pytest.mark.parametrize("echo", ["regex-escaped", "percent-encoded-twice"])
def test_api_token_echoed_with_its_hyphens_rewritten_in_a_reason_phrase_is_logged(
    socket_twin: Twin, caplog: pytest.LogCaptureFixture, echo: str
) -> None:
    # The error drops the reason phrase, but httpx's INFO record ("HTTP Request: GET ...
    # "HTTP/1.1 401 <reason>"") and httpcore's DEBUG one quote it: the filter on their
    # loggers masks only the last part, of 12 characters, the rest of the token is logged.
    import logging

    from plex_source_client import PlexSourceError

    from .raw_server import ScriptServer

    token = API_TOKENS[1]
    reason = ECHOES[echo](token).replace("/", "")
    data = (
        f"HTTP/1.1 401 {reason}\r\nContent-Length: 2\r\nContent-Type: application/json\r\n"
        "Connection: close\r\n\r\n{}"
    ).encode()
    caplog.set_level(logging.DEBUG)
    with ScriptServer(lambda conn, request: conn.send(data)) as server:
        options = {"url": server.url, "token": token, "max_retries": 0}
        with pytest.raises(PlexSourceError):
            socket_twin.call("get", SLUG, options=options | {"allow_insecure_http": True})
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert _parts_shown(token, logged) == [], logged[-600:]


@pytest.mark.parametrize("echo", ["unicode-hyphen", "non-breaking-hyphen", "minus-sign"])
@pytest.mark.parametrize("token", [API_TOKENS[0], OTHER_UUID_TOKEN], ids=["long", "uuid"])
def test_a_2xx_echoing_the_api_token_with_other_dashes_is_refused(
    twin: Twin, api: respx.MockRouter, echo: str, token: str
) -> None:
    from plex_source_client import UnexpectedResponse

    from .payloads import plex_source

    echoed = ECHOES[echo](token).removeprefix("access denied for ")
    api.get(f"/sources/plex/{SLUG}/").respond(200, json=plex_source(name=echoed))
    with pytest.raises(UnexpectedResponse, match="contains your API token") as caught:
        twin.call("get", SLUG, options={"token": token})
    assert _parts_shown(token, everything_shown(caught.value)) == []


@pytest.mark.parametrize("form", ["regex-quoted", "encoded-twice"])
@pytest.mark.parametrize("token", [API_TOKENS[0], OTHER_UUID_TOKEN], ids=["long", "uuid"])
def test_a_2xx_echoing_the_api_token_regex_quoted_or_encoded_twice_is_refused(
    twin: Twin, api: respx.MockRouter, token: str, form: str
) -> None:
    from plex_source_client import UnexpectedResponse

    from .payloads import plex_source

    if form == "regex-quoted":
        source = plex_source(name=re.escape(token))
    else:
        source = plex_source(user_path_template="goauthentik.io/" + token.replace("-", "%252D"))
    api.get(f"/sources/plex/{SLUG}/").respond(200, json=source)
    with pytest.raises(UnexpectedResponse, match="contains your API token") as caught:
        twin.call("get", SLUG, options={"token": token})
    assert _parts_shown(token, everything_shown(caught.value)) == []


def test_text_without_a_secret_is_shown_as_written() -> None:
    from plex_source_client._secrets import mask_text, redact

    text = "pattern ^a\\-b$ \u2011 n\u2010o %252D &hyphen; \u2212 well-known"
    assert redact(text, (API_TOKENS[1],)) == text
    assert mask_text(text, (API_TOKENS[1],)) == mask_text(text, ())


def test_a_valid_source_with_dashes_and_escapes_is_read_as_sent(
    twin: Twin, api: respx.MockRouter
) -> None:
    from .payloads import plex_source

    name = "Plex \u2011 login \\- 50%252D off"
    api.get(f"/sources/plex/{SLUG}/").respond(200, json=plex_source(name=name))
    assert twin.call("get", SLUG, options={"token": API_TOKENS[1]}).name == name


# --- Every other way of writing a separator (review round 35): a secret written in parts is
# found part by part, whatever stands in each separator's place (up to 24 characters):
# C/Python/JS ``\x2d``, C octal ``\055``, Python ``\U0000002d`` and ``\N{HYPHEN-MINUS}``,
# JS/Rust/PHP ``\u{2d}``, CSS ``\2d `` and ``\00002d``, quoted-printable/RFC 2047 ``=2D``,
# old JS ``%u002D``, and the escape characters of cmd.exe (``^-``) and PowerShell (`` `- ``).

HYPHENS = {
    "c-hex": "\\x2d",
    "c-octal": "\\055",
    "python-long-u": "\\U0000002d",
    "python-named": "\\N{HYPHEN-MINUS}",
    "js-braced-u": "\\u{2d}",
    "css-short": "\\2d ",
    "css-long": "\\00002d",
    "quoted-printable": "=2D",
    "js-percent-u": "%u002D",
    "cmd-caret": "^-",
    "powershell-backtick": "`-",
}


@pytest.mark.parametrize("hyphen", list(HYPHENS))
def test_api_token_echoed_with_escaped_hyphens_is_masked(
    twin: Twin, api: respx.MockRouter, hyphen: str
) -> None:
    body = "access denied for " + OTHER_UUID_TOKEN.replace("-", HYPHENS[hyphen])
    shown = shown_by_failed_get(
        twin, api, 401, content=body.encode(), headers={"Content-Type": "text/plain"},
        token=OTHER_UUID_TOKEN,
    )  # fmt: skip
    parts = [part for part in OTHER_UUID_TOKEN.split("-") if part in shown]
    assert len(parts) < 3, parts


@pytest.mark.parametrize("hyphen", ["c-hex", "python-named", "quoted-printable", "cmd-caret"])
def test_a_2xx_echoing_the_api_token_with_escaped_separators_is_refused(
    twin: Twin, api: respx.MockRouter, hyphen: str
) -> None:
    from plex_source_client import UnexpectedResponse

    from .payloads import plex_source

    echoed = OTHER_UUID_TOKEN.replace("-", HYPHENS[hyphen])
    api.get(f"/sources/plex/{SLUG}/").respond(200, json=plex_source(name=echoed))
    with pytest.raises(UnexpectedResponse, match="contains your API token") as caught:
        twin.call("get", SLUG, options={"token": OTHER_UUID_TOKEN})
    assert _parts_shown(OTHER_UUID_TOKEN, everything_shown(caught.value)) == []


def test_a_page_of_sources_storing_tokens_in_parts_is_masked_in_linear_time() -> None:
    """Hundreds of stored UUID-shaped tokens and a body of their first parts: each looked-for
    secret costs one search of the text, and only the first 32 are looked for part by part.
    """
    from .shown import finishes_in_a_child

    finishes_in_a_child(
        """
import uuid
from plex_source_client._secrets import mask_text
tokens = tuple(str(uuid.uuid4()) for _ in range(2000))
text = " ".join(t.split("-")[0] + "-x" for t in tokens) * 40
assert len(mask_text(text, tokens)) > 0
print("done")
""",
        "masking a text with 2,000 secrets written in parts",
        seconds=20,
    )


@pytest.mark.parametrize(
    "token",
    [
        "ak-fake-admin-6xpgSRajTV-9QHao4e1wXrR4DB5j2Xu-",  # token_urlsafe may end in - or _
        "ak-fake-admin-ZyanbYmueP2Kom8OgEzAHYNBG-ef3zX_",
        "_-abc-DEF123-ghi456-_",
    ],
)
def test_a_secret_in_parts_is_masked_with_the_marks_before_and_after_them(
    twin: Twin, api: respx.MockRouter, token: str
) -> None:
    """A secret found part by part was masked from its first part to its last: its final
    ``-`` stayed (``***-``), as a random token_urlsafe ends in one 1 time in 32.
    """
    from plex_source_client._secrets import redact

    assert redact(f"deep {token} and more", (token,)) == "deep *** and more"
    shown = shown_by_failed_get(
        twin, api, 400, content=f"bad {token}!".encode(), headers={"Content-Type": "text/plain"},
        token=token,
    )  # fmt: skip
    assert "bad ***!" in shown
