"""A secret's value written in prose after its name (review round 16, finding 3): ``the
plex_token is T``, ``plex_token set to T``, ``plex_token (string): T``, ``plex_token:
Optional[str] = T``. The ``key value`` rule took the first word after the name (``is``,
``(string):``) for the value and masked it, and the fallback stopped at that ``***``: the
value after it showed. Now a sentence's grammar words (``is``, ``was set to``, ``isn't``)
and a note in parentheses are no value: the fallback masks the token-like words after them;
a note before ``:`` and a type annotation before ``=`` are part of the key's separator, so
the value after them is masked whatever it looks like. A sentence without a value stays
readable.
"""

from __future__ import annotations

import logging

import pytest
import respx

from plex_source_client import PlexSourceError
from plex_source_client._secrets import MASK, mask_text

from .conftest import Twin
from .fixed_server import FixedServer, run_main, source
from .payloads import SLUG
from .shown import everything_shown, text_masked_everywhere

ENDPOINT = f"/sources/plex/{SLUG}/"
#: A Plex token the server stores, unknown to the client: masked only by its name nearby.
UNKNOWN = "Qz7Wk2Lm9Rt4"

#: The red team's five forms (round 16), then variants: other names, other grammar words.
PROSE = [
    "the plex_token is {v}",
    "plex_token was {v}",
    "plex_token set to {v}",
    "plex_token (string): {v}",
    "plex_token: Optional[str] = {v}",
    "the client_secret for user x is now {v}",
    "X-Plex-Token was set to {v}.",
    "api_key has been changed to {v}",
    "plexToken isn't {v}",
    "db_password: str | None = {v}",
    "client_secret (str, required): {v}",
    "api_key (deprecated) {v}",
    "plex_token (string) = {v}",
    "Error: plex_token: the value {v} is not accepted",
    "plex_token\nis {v}",
    "PLEX_TOKEN IS {v}",
]


@pytest.mark.parametrize("form", PROSE)
def test_a_value_in_prose_after_its_name_is_masked(form: str) -> None:
    """Masked in a text, a log record, a JSON string; and where the text repeats it."""
    body = form.format(v=UNKNOWN)
    masked = mask_text(body, ())
    assert UNKNOWN not in masked, masked
    assert MASK in masked
    assert UNKNOWN not in text_masked_everywhere(body)
    assert UNKNOWN not in mask_text(f"{body}\nrequest for {UNKNOWN} failed", ())


@pytest.mark.parametrize("form", PROSE[:5])
def test_both_clients_mask_a_value_in_a_prose_text_error_body(
    twin: Twin, api: respx.MockRouter, caplog: pytest.LogCaptureFixture, form: str
) -> None:
    """A text error body: the error's message, repr, body and pickle, and every log record."""
    caplog.set_level(logging.DEBUG)
    api.get(ENDPOINT).respond(
        500, text=form.format(v=UNKNOWN), headers={"Content-Type": "text/plain"}
    )
    with pytest.raises(PlexSourceError) as caught:
        twin.call("get", SLUG, options={"max_retries": 0})
    assert UNKNOWN not in everything_shown(caught.value), everything_shown(caught.value)
    assert UNKNOWN not in "\n".join(record.getMessage() for record in caplog.records)


@pytest.mark.parametrize("form", PROSE[:5])
def test_both_clients_mask_a_value_in_a_prose_json_detail(
    twin: Twin, api: respx.MockRouter, form: str
) -> None:
    """DRF's ``{"detail": ...}`` naming the secret in prose."""
    api.get(ENDPOINT).respond(403, json={"detail": form.format(v=UNKNOWN)})
    with pytest.raises(PlexSourceError) as caught:
        twin.call("get", SLUG, options={"max_retries": 0})
    assert UNKNOWN not in everything_shown(caught.value), everything_shown(caught.value)


@pytest.mark.parametrize("form", ["the plex_token is {v}", "plex_token: Optional[str] = {v}"])
def test_the_command_line_masks_a_value_a_prose_refusal_names(form: str) -> None:
    """The CLI's error line (a 403 whose detail names the secret) still says what was wrong."""
    with FixedServer([source(slug="refused")], refusals={"refused": form.format(v=UNKNOWN)}) as f:
        code, out, err, _ = run_main(["get", "refused"], url=f.url)
    assert code == 1, err
    assert UNKNOWN not in out + err, err
    assert "plex_token" in err, err
    assert MASK in err, err


#: A value that is no token by its shape (all lowercase): masked only by a rule that knows
#: where it stands (a note before ``:``, a type annotation before ``=``), not by the fallback.
PLAIN = "hunter"


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        (f"plex_token (string): {PLAIN}", f"plex_token (string): {MASK}"),
        (f"plex_token: str = {PLAIN}", f"plex_token: str = {MASK}"),
        (f"plex_token: Optional[list[str]] = {PLAIN}", f"plex_token: Optional[list[str]] = {MASK}"),
        (f'client_secret (str): "{PLAIN}"', f'client_secret (str): "{MASK}"'),
    ],
)
def test_a_note_or_a_type_annotation_is_part_of_the_separator(text: str, masked: str) -> None:
    """The value after them is masked whatever it looks like; the note and the type shown."""
    assert mask_text(text, ()) == masked


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        # Masked today, still masked: a word right after a name is its value.
        ("plex_token secretvalue", f"plex_token {MASK}"),
        ("plexToken k-12345", f"plexToken {MASK}"),
        ("plex_token: str", f"plex_token: {MASK}"),
        ("plex_token=on", f"plex_token={MASK}"),
        ("plex_token=the", f"plex_token={MASK}"),  # a grammar word alone is the value
        ("plex_token (abcdefgh)", f"plex_token {MASK}"),  # a note with nothing after it
        # A value holding ``=`` (base64's padding) is no type annotation.
        ("plex_token: abc=def", f"plex_token: {MASK}"),
        ("plex_token: QUJD= rest", f"plex_token: {MASK} rest"),
        ("plex_token: abc == b", f"plex_token: {MASK} == b"),
        # PostgreSQL's ``Key (columns)=(values)``: its own rule, no note.
        (
            f"Key (name, plex_token)=(Plex, {UNKNOWN}) already exists.",
            f"Key (name, plex_token)=(Plex, {MASK}) already exists.",
        ),
    ],
)
def test_what_was_masked_before_stays_masked(text: str, masked: str) -> None:
    """The grammar words and notes are skipped only where they are not the value."""
    assert mask_text(text, ()) == masked


@pytest.mark.parametrize(
    "sentence",
    [
        "plex_token is required",
        "the plex_token is not valid",
        "plex_token was not set",
        "the plex_token isn't valid",
        "api_key (optional) may not be blank.",
        "client_secret has expired and must be rotated",
    ],
)
def test_a_sentence_about_a_secret_stays_readable(sentence: str) -> None:
    """Without a token-like value nothing is masked: the message says what was wrong."""
    assert mask_text(sentence, ()) == sentence
