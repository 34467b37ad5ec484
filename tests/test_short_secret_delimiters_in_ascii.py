"""A short secret (under ``MIN_ANYWHERE`` characters) stands alone beside every ASCII
character that joins no word, name or path: spaces and control characters (a NUL, DEL, BEL,
a terminal's color sequence ``ESC [ 1 m``), ``+`` (a form-encoded space), ``$``, ``~``,
``%`` (review round 16), as beside quotes, brackets and separators. Beside a letter or a
digit it is part of a word; one that reads as a word (``plex``) is part of a name or a path
beside ``_ . - ^ /`` too and stays shown there, one that reads as no word (``Ab3``: a letter
and a digit, or mixed case) is masked there (review round 17).
"""

from __future__ import annotations

from pathlib import Path

import pytest
import respx

from plex_source_client import PlexSourceError
from plex_source_client._secrets import redact

from .conftest import Twin
from .fixed_server import FixedServer, run_main, source
from .payloads import SLUG, plex_source

ENDPOINT = f"/sources/plex/{SLUG}/"
SHORT = "Ab3"
STORED = "Xy9Q2"

DELIMITED = [
    ("rejected x={t}+y", "rejected x=***+y"),  # form encoding: '+' is a space
    ("rejected +{t}+", "rejected +***+"),
    ("unknown user ${t}", "unknown user $***"),
    ("unknown ~{t}", "unknown ~***"),
    ("rejected {t}%", "rejected ***%"),
    ("rejected \x00{t}\x00", "rejected \x00***\x00"),
    ("rejected \x1b[1m{t}\x1b[0m", "rejected \x1b[1m***\x1b[0m"),  # colored
    ("rejected \x1b[38;5;196m{t}", "rejected \x1b[38;5;196m***"),
    ("rejected\x7f{t}\x7f", "rejected\x7f***\x7f"),  # DEL
    ("rejected {t}\x07", "rejected ***\x07"),  # BEL
]


@pytest.mark.parametrize(("text", "masked"), DELIMITED)
def test_a_short_secret_beside_a_symbol_or_a_control_is_masked(text: str, masked: str) -> None:
    assert redact(text.format(t=SHORT), (SHORT,)) == masked


@pytest.mark.parametrize(
    "text", ["a.plex", "a-plex", "^plex", "/sources/plex/", "_plex", "plex_token", "a\x1bmplex"]
)
def test_a_word_like_short_secret_joined_to_a_word_or_a_path_stays_shown(text: str) -> None:
    """A short secret that reads as a word (a password ``plex``) is part of a path or a name
    beside ``. - ^ / _``: masked there, every URL a message names would lose its slug.
    """
    assert redact(text, ("plex",)) == text


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("a.{t}", "a.***"),
        ("a-{t}-b", "a-***-b"),
        ("^{t}", "^***"),
        ("revoked: /{t}/ (401)", "revoked: /***/ (401)"),
        ("see /{t}", "see /***"),
        ("rejected _{t}_ (revoked)", "rejected _***_ (revoked)"),
        ("{t}!", "***!"),
        ("x{t}", "x{t}"),
        ("{t}x", "{t}x"),
        ("1{t}", "1{t}"),
    ],
)
@pytest.mark.parametrize("secret", ["Ab3", "K9z", "Ab3dE6", "Ab3dE6x", "XvTkLm"])
def test_a_token_like_short_secret_is_masked_beside_anything_but_a_letter_or_digit(
    text: str, masked: str, secret: str
) -> None:
    """A short secret that reads as no word (a letter and a digit, or mixed case: review
    round 17) is masked in a path's segment, in ``_emphasis_``, after ``.``: no word or
    path segment is such a string by chance. Inside a word it is still no secret's.
    """
    assert redact(text.format(t=secret), (secret,)) == masked.format(t=secret)


@pytest.mark.parametrize("secret", ["Ab3dE6x", "K9z"])
def test_both_clients_mask_a_token_like_short_api_token_in_a_path(
    twin: Twin, api: respx.MockRouter, secret: str
) -> None:
    text = f"revoked: /{secret}/ and _{secret}_"
    api.get(ENDPOINT).respond(401, text=text, headers={"Content-Type": "text/plain"})
    with pytest.raises(PlexSourceError) as caught:
        twin.call("get", SLUG, options={"token": secret, "max_retries": 0})
    assert secret not in f"{caught.value} {caught.value!r} {vars(caught.value)!r}"


@pytest.mark.parametrize("secret", ["Ab3dE6x", "K9z"])
def test_the_command_line_masks_a_token_like_short_api_token_in_a_path(secret: str) -> None:
    text = f"revoked: /{secret}/ and _{secret}_"
    with FixedServer([source(slug="refused")], refusals={"refused": text}) as fixed:
        code, out, err, _ = run_main(
            ["get", "refused"], url=fixed.url, env={"AUTHENTIK_TOKEN": secret}
        )
    assert (code, secret in out + err) == (1, False), err


@pytest.mark.parametrize("detail", [text for text, _ in DELIMITED])
def test_an_error_never_shows_a_short_api_token_beside_a_symbol_or_a_control(
    twin: Twin, api: respx.MockRouter, detail: str
) -> None:
    api.get(ENDPOINT).respond(401, json={"detail": detail.format(t=SHORT)})
    with pytest.raises(PlexSourceError) as caught:
        twin.call("get", SLUG, options={"token": SHORT, "max_retries": 0})
    shown = [str(caught.value), repr(caught.value), repr(vars(caught.value))]
    assert not any(SHORT in text for text in shown), shown


@pytest.mark.parametrize(
    "detail", ["rejected x={t}+y", "rejected \x00{t}\x00", "rejected \x1b[1m{t}\x1b[0m"]
)
def test_the_command_line_never_prints_a_short_api_token_beside_plus_or_controls(
    detail: str,
) -> None:
    with FixedServer(
        [source(slug="refused")], refusals={"refused": detail.format(t=SHORT)}
    ) as fixed:
        code, out, err, _ = run_main(
            ["get", "refused"], url=fixed.url, env={"AUTHENTIK_TOKEN": SHORT}
        )
    assert code == 1, err
    assert SHORT not in out + err, err
    assert "***" in err, err


@pytest.mark.parametrize("name", ["Plex +{t}+", "Plex ${t}", "Plex ~{t}~", "Plex {t}%"])
def test_a_short_stored_plex_token_repeated_beside_a_symbol_is_masked_in_the_source(
    twin: Twin, api: respx.MockRouter, name: str
) -> None:
    api.get(ENDPOINT).respond(200, json=plex_source(plex_token=STORED, name=name.format(t=STORED)))
    source_ = twin.call("get", SLUG, options={"max_retries": 0})
    assert STORED not in f"{source_!r} {source_}"


@pytest.mark.parametrize("name", ["Plex +{t}+", "Plex ${t}", "Plex \x00{t}"])
def test_get_masks_and_export_refuses_a_short_stored_plex_token_beside_a_symbol(
    tmp_path: Path, name: str
) -> None:
    target = tmp_path / "plan.toml"
    with FixedServer([source(slug="s1", name=name.format(t=STORED), plex_token=STORED)]) as fixed:
        code, out, err, _ = run_main(["get", "s1"], url=fixed.url)
        assert (code, STORED in out + err) == (0, False), out
        code, out, err, _ = run_main(["export", "-o", str(target)], url=fixed.url)
    assert code == 2, err
    assert STORED not in out + err, err
    assert "plex-source: s1: name: the value repeats a secret" in err, err
    assert not target.exists()
