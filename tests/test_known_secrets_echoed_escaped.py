"""A known secret (the API token, a Plex token being sent) echoed escaped in a way the
plain search misses:

- every character written as an escape of a language or format (review round 40): CSS's
  ``\\74 \\65 ...`` (an error page putting the rejected credential into a ``<style>`` block
  with an encoder escaping every character), C's and Python's ``\\x74``, octal ``\\164``,
  ``\\u{74}``, ``\\U00000074``, JavaScript ``escape()``'s ``%u0074``, quoted-printable's
  ``=74``, a backslash doubled too (``\\u0074``, ``%74`` and ``&#116;`` were masked already);
- split by HTML that shows nothing (review round 40b): ``<wbr>`` (a page wrapping a long
  token), an empty inline element, a comment, a letter per ``<span>``;
- its separators written as escapes that lost their backslash on the way (review round 42):
  ``u002d`` (MySQL drops the backslash of an escape it does not know, so JSON text pasted
  into an SQL literal keeps ``u002d``: the well-known ``u00e9`` for ``é``), ``x2D``.

Masked in every error of both clients and on the command line; a 2xx carrying the API token
so is refused; text without a secret is shown as written.
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Callable

import pytest
import respx

from .conftest import Twin
from .payloads import SLUG, TOKEN
from .shown import (
    everything_shown,
    shown_by_failed_cli_get,
    shown_by_failed_get,
    shown_by_failed_update,
)

ESCAPES: dict[str, Callable[[str], str]] = {
    "css-hex-and-space": lambda t: "".join(f"\\{ord(c):x} " for c in t).rstrip(),
    "css-upper-hex": lambda t: "".join(f"\\{ord(c):X} " for c in t).rstrip(),
    "css-six-digits": lambda t: "".join(f"\\{ord(c):06x}" for c in t),
    "c-hex": lambda t: "".join(f"\\x{ord(c):02x}" for c in t),
    "c-octal": lambda t: "".join(f"\\{ord(c):03o}" for c in t),
    "es2015-braced": lambda t: "".join(f"\\u{{{ord(c):x}}}" for c in t),
    "python-long": lambda t: "".join(f"\\U{ord(c):08x}" for c in t),
    "js-escape": lambda t: "".join(f"%u{ord(c):04X}" for c in t),
    "quoted-printable": lambda t: "".join(f"={ord(c):02X}" for c in t),
    "python-named": lambda t: "".join(f"\\N{{{unicodedata.name(c)}}}" for c in t),
    "python-named-lowercase-only": lambda t: "".join(
        f"\\N{{{unicodedata.name(c)}}}" if c.islower() else c for c in t
    ),
    "c-hex-backslash-doubled": lambda t: "".join(f"\\\\x{ord(c):02x}" for c in t),
    "u002d-backslash-lost": lambda t: t.replace("-", "u002d"),
    "x2D-backslash-lost": lambda t: t.replace("-", "x2D"),
}
#: A UUID-shaped API token (authentik lets an admin set a token's key): every part is short.
UUID_TOKEN = "5e8a9f7c-1d2b-4c3a-9e8f-7a6b5c4d3e2f"


#: HTML that shows nothing between the token's letters (review round 40b): a line-break
#: opportunity a page inserts to wrap a long token, an empty inline element, a comment, a
#: letter per inline element.
SPLIT_BY_HTML: dict[str, Callable[[str], str]] = {
    "wbr": lambda t: t[:10] + "<wbr>" + t[10:],
    "empty-bold": lambda t: t[:10] + "<b></b>" + t[10:],
    "comment": lambda t: t[:10] + "<!-- wrapped -->" + t[10:],
    "letter-per-span": lambda t: "".join(f'<span class="c">{c}</span>' for c in t),
}


def _shows(token: str, shown: str) -> bool:
    """Whether ``shown`` holds ``token``, or its first 8 characters, in any of the forms."""
    forms: list[Callable[[str], str]] = [*ESCAPES.values(), *SPLIT_BY_HTML.values(), str]
    return any(
        escape(part) in shown or escape(part) in json.dumps(shown)
        for part in (token, token[:8])
        for escape in forms
    )


@pytest.mark.parametrize("token", [TOKEN, UUID_TOKEN], ids=["token", "uuid"])
@pytest.mark.parametrize("form", [*ESCAPES, *SPLIT_BY_HTML])
def test_the_api_token_so_echoed_in_a_page_is_masked(
    twin: Twin, api: respx.MockRouter, form: str, token: str
) -> None:
    echo = {**ESCAPES, **SPLIT_BY_HTML}[form](token)
    body = f'<style>p::after {{ content: "{echo}" }}</style><p>Bad token <code>{echo}</code></p>'
    shown = shown_by_failed_get(
        twin, api, 401, content=body.encode(), headers={"content-type": "text/html"}, token=token
    )
    assert not _shows(token, shown), shown[:600]


@pytest.mark.parametrize("form", list(ESCAPES))
def test_the_api_token_so_echoed_in_a_json_detail_is_masked(
    twin: Twin, api: respx.MockRouter, form: str
) -> None:
    body = {"detail": f"bad token {ESCAPES[form](TOKEN)}"}
    shown = shown_by_failed_get(twin, api, 401, json=body)
    assert not _shows(TOKEN, shown), shown[:600]


@pytest.mark.parametrize(
    "form",
    ["css-hex-and-space", "c-octal", "quoted-printable", "u002d-backslash-lost", "python-named"],
)
def test_a_plex_token_being_sent_so_echoed_is_masked(
    twin: Twin, api: respx.MockRouter, form: str
) -> None:
    plex_token = "pLeX-9f8e7d6c5b4a3210"
    shown = shown_by_failed_update(twin, api, plex_token, f"rejected: {ESCAPES[form](plex_token)}")
    assert not _shows(plex_token, shown)


@pytest.mark.parametrize(
    "form",
    [
        "css-hex-and-space",
        "c-hex",
        "js-escape",
        "quoted-printable",
        "u002d-backslash-lost",
        "python-named",
    ],
)
def test_a_2xx_carrying_the_api_token_so_is_refused(
    twin: Twin, api: respx.MockRouter, form: str
) -> None:
    from plex_source_client import UnexpectedResponse

    from .payloads import plex_source

    api.get(f"/sources/plex/{SLUG}/").respond(200, json=plex_source(name=ESCAPES[form](TOKEN)))
    with pytest.raises(UnexpectedResponse, match="contains your API token") as caught:
        twin.call("get", SLUG)
    assert not _shows(TOKEN, everything_shown(caught.value))


@pytest.mark.parametrize("form", ["css-hex-and-space", "u002d-backslash-lost"])
def test_cli_get_masks_the_api_token_so_echoed(form: str) -> None:
    from .fixed_server import API_TOKEN

    echo = ESCAPES[form](API_TOKEN)
    out, err = shown_by_failed_cli_get({"detail": f"invalid token {echo}"}, status=401)
    assert not _shows(API_TOKEN, out + err), out + err


def test_text_of_such_escapes_without_a_secret_is_shown_as_written() -> None:
    from plex_source_client._secrets import mask_text, redact

    text = r"regex \b\d{3}\x41 \101 =3D \2d %u0041 a=B0 ok max2def 0x2d testu002dapi box5fish"
    assert redact(text, (TOKEN,)) == text
    assert mask_text(text, (TOKEN,)) == mask_text(text, ())


@pytest.mark.parametrize(
    "name", ["Plex =AB=CD", "Plex %u0041 \\x41 \\74 login", "max2def testu002dapi"]
)
def test_a_valid_source_holding_such_escapes_is_read_as_sent(
    twin: Twin, api: respx.MockRouter, name: str
) -> None:
    from .payloads import plex_source

    api.get(f"/sources/plex/{SLUG}/").respond(200, json=plex_source(name=name))
    assert twin.call("get", SLUG).name == name


def test_an_escape_of_no_character_is_left_as_written() -> None:
    from plex_source_client._secrets import as_echoed

    assert as_echoed("\\U00110000 \\U0000D800 %uD800 \\u{110000}") == (
        "\\U00110000 \\U0000D800 %uD800 \\u{110000}"
    )


@pytest.mark.parametrize(
    ("written", "read"),
    [
        ("\\74 \\65 st", "test"),  # CSS: hex, a space ends it
        ("\\000074\\000065st", "test"),  # CSS: six digits, nothing ends it
        ("\\164\\145st", "test"),  # C: octal, three digits
        ("\\164 st", "\u0164st"),  # three digits and a space: CSS's hex, not octal
        ("\\x74\\\\x65st", "test"),  # C/Python hex, a backslash doubled
        ("\\u{74}\\U00000065st", "test"),
        ("%u0074%u0065st", "test"),
        ("=74=65st", "test"),
    ],
)
def test_each_form_is_read_as_its_language_reads_it(written: str, read: str) -> None:
    from plex_source_client._secrets import as_echoed

    assert as_echoed(written) == read


@pytest.mark.parametrize("form", ["wbr", "letter-per-span"])
def test_a_2xx_carrying_the_api_token_split_by_html_is_refused(
    twin: Twin, api: respx.MockRouter, form: str
) -> None:
    from plex_source_client import UnexpectedResponse

    from .payloads import plex_source

    name = SPLIT_BY_HTML[form](TOKEN)
    api.get(f"/sources/plex/{SLUG}/").respond(200, json=plex_source(name=name))
    with pytest.raises(UnexpectedResponse, match="contains your API token") as caught:
        twin.call("get", SLUG)
    assert TOKEN[:10] not in everything_shown(caught.value)


def test_html_between_other_words_is_shown_as_written() -> None:
    from plex_source_client._secrets import mask_text, redact

    text = "<p>Plex <b>login</b> <!-- note --> <wbr>failed</p>"
    assert redact(text, (TOKEN,)) == text
    assert mask_text(text, (TOKEN,)) == mask_text(text, ())
