"""A stored secret the client does not know, written by a server's text after its name in
three more shapes, and after its name in another language (review round 17, findings 1 and
4): a YAML block mapping nested under the name (an audit diff: ``plex_token:\\n  new_value:
T``), a change arrow (``plex_token: old -> T``), a validator naming what it got
(``plex_token: expected str, got T``); ``Plex-\u0442\u043e\u043a\u0435\u043d: T``,
``jeton Plex : T``, ``Plex \u4ee4\u724c\uff1aT``. Each showed the value: the rule for
``key: value`` took the nested key, the old value or ``expected`` for the value, and the
fallback stopped at that ``***``; a localized name was no secret name. Now every scalar in
the nested block and the values on both sides of an arrow are the secret's, a validator's
words are no value, and the words for a token, a password and a secret in authentik's
languages name a secret. Sentences without a value stay readable.
"""

from __future__ import annotations

import logging

import pytest
import respx

from plex_source_client import PlexSourceError
from plex_source_client._secrets import MASK, mask_json, mask_text, stored_secrets
from plex_source_client._secrets.names import is_secret_name

from .conftest import Twin
from .fixed_server import FixedServer, run_main, source
from .payloads import SLUG
from .shown import everything_shown, text_masked_everywhere

ENDPOINT = f"/sources/plex/{SLUG}/"
#: A Plex token the server stores, unknown to the client: masked only by its name nearby.
UNKNOWN = "Qz7Wk2Lm9Rt4"
#: A value that is no token by its shape (all lowercase): masked only by a rule that knows
#: where it stands, not by the fallback's token-like words.
PLAIN = "hunter"


# --- A YAML block mapping nested under the name -------------------------------------------

#: (text with ``{v}``, what it is masked to).
MAPPINGS = [
    (
        "plex_token:\n  new_value: {v}\n  previous_value: old",
        "plex_token:\n  new_value: ***\n  previous_value: ***",
    ),
    (
        "plex_token:\n  previous_value: old\n  new_value: {v}",
        "plex_token:\n  previous_value: ***\n  new_value: ***",
    ),
    ("plex_token:\n  new: {v}\n  old: x", "plex_token:\n  new: ***\n  old: ***"),
    # Nested deeper, quoted keys and values, a list inside: every scalar.
    (
        "changes:\n  plex_token:\n    \"new\":\n      value: '{v}'\n    old:\n      - a1\nslug: s",
        "changes:\n  plex_token:\n    \"new\":\n      value: '***'\n    old:\n      - ***\nslug: s",
    ),
    # The block ends where the indentation does: the sibling after it is shown.
    (
        "source:\n  plex_token:\n    new: {v}\n  slug: plex-login\n",
        "source:\n  plex_token:\n    new: ***\n  slug: plex-login\n",
    ),
]


@pytest.mark.parametrize(("form", "masked"), MAPPINGS)
@pytest.mark.parametrize("value", [UNKNOWN, PLAIN])
def test_every_scalar_of_a_mapping_under_a_secret_name_is_masked(
    form: str, masked: str, value: str
) -> None:
    """Whatever the value looks like (``hunter`` is no token by its shape), its keys shown."""
    body = form.format(v=value)
    assert mask_text(body, ()) == masked
    assert value not in text_masked_everywhere(body)
    # Where the text repeats it, it is masked too.
    assert UNKNOWN not in mask_text(f"{form.format(v=UNKNOWN)}\nretrying {UNKNOWN}", ())


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        # A block sequence and a scalar on the next line: masked as before.
        ("plex_token:\n  - abc\n  - def\nslug: s", "plex_token:\n  ***\nslug: s"),
        ("plex_token:\n  hunter\nslug: s", "plex_token:\n  ***\nslug: s"),
        # ``value`` (a grammar word) as the nested key: the mapping's, not prose (was shown).
        ("plex_token:\n  value: hunter", "plex_token:\n  value: ***"),
    ],
)
def test_other_values_on_the_lines_under_a_secret_name(text: str, masked: str) -> None:
    """A sequence and a plain value under the name are masked as before."""
    assert mask_text(text, ()) == masked


# --- A change arrow -----------------------------------------------------------------------

ARROWS = [
    ("plex_token: old -> {v}", "plex_token: *** -> ***"),
    ("plex_token: 'old' -> '{v}'", "plex_token: '***' -> '***'"),
    ("plex_token: old \u2192 {v}", "plex_token: *** \u2192 ***"),
    ("plex_token=old => {v} (changed)", "plex_token=*** => *** (changed)"),
    ("plex_token: a1 -> b2 -> {v}", "plex_token: *** -> *** -> ***"),
    ('{{"plex_token": "old" -> "{v}"}}', '{"plex_token": "***" -> "***"}'),
]


@pytest.mark.parametrize(("form", "masked"), ARROWS)
@pytest.mark.parametrize("value", [UNKNOWN, PLAIN])
def test_the_values_on_both_sides_of_an_arrow_are_masked(
    form: str, masked: str, value: str
) -> None:
    """Both the old value and the new one, whatever they look like."""
    body = form.format(v=value)
    assert mask_text(body, ()) == masked
    assert value not in text_masked_everywhere(body)


# --- A validator naming what it got -------------------------------------------------------

VALIDATORS = [
    ("plex_token: expected str, got {v}", "plex_token: expected str, got ***"),
    ("plex_token: invalid. got {v}", "plex_token: invalid. got ***"),
    ("plex_token: received {v} instead", "plex_token: received *** instead"),
    ("plex_token got {v}", "plex_token got ***"),
    ("Invalid plex_token: found {v}", "Invalid plex_token: found ***"),
]


@pytest.mark.parametrize(("form", "masked"), VALIDATORS)
def test_a_value_a_validator_names_is_masked(form: str, masked: str) -> None:
    """``expected``, ``got``, ``invalid``... are no value: the token after them is masked."""
    body = form.format(v=UNKNOWN)
    assert mask_text(body, ()) == masked
    assert UNKNOWN not in text_masked_everywhere(body)


@pytest.mark.parametrize(
    "sentence",
    [
        "plex_token: expected str, got int",
        "plex_token: invalid value",
        "plex_token: expected a string.",
        "plex_token: invalid. got nothing",
    ],
)
def test_a_validators_message_without_a_value_stays_readable(sentence: str) -> None:
    """Nothing token-like in it: nothing masked."""
    assert mask_text(sentence, ()) == sentence


@pytest.mark.parametrize(
    ("text", "masked"),
    [("plex_token: invalid", "plex_token: ***"), ("plex_token=got", "plex_token=***")],
)
def test_a_validator_word_alone_is_still_the_value(text: str, masked: str) -> None:
    """Alone after the key it is the value (masked as before)."""
    assert mask_text(text, ()) == masked


# --- A localized name ---------------------------------------------------------------------

#: The red team's five forms, then the words for a token, a password and a secret in
#: authentik's other languages, in upper case too.
LOCALIZED = [
    ("Plex-\u0442\u043e\u043a\u0435\u043d: {v}", "Plex-\u0442\u043e\u043a\u0435\u043d: ***"),
    ("\u0442\u043e\u043a\u0435\u043d Plex: {v}", "\u0442\u043e\u043a\u0435\u043d Plex: ***"),
    ("Plex \u4ee4\u724c\uff1a{v}", "Plex \u4ee4\u724c\uff1a***"),
    ("Plex\u30c8\u30fc\u30af\u30f3: {v}", "Plex\u30c8\u30fc\u30af\u30f3: ***"),
    ("jeton Plex : {v}", "jeton Plex : ***"),
    ("Plex-Passwort: {v}", "Plex-Passwort: ***"),
    ("Kennwort={v}", "Kennwort=***"),
    ("mot de passe : {v}", "mot de passe : ***"),
    ("MOT DE PASSE: {v}", "MOT DE PASSE: ***"),
    ("cl\u00e9 secr\u00e8te : {v}", "cl\u00e9 secr\u00e8te : ***"),
    ("contrase\u00f1a: {v}", "contrase\u00f1a: ***"),
    ("CONTRASE\u00d1A: {v}", "CONTRASE\u00d1A: ***"),
    ("segreto: {v}", "segreto: ***"),
    ("senha do Plex: {v}", "senha do Plex: ***"),
    ("segredo: {v}", "segredo: ***"),
    ("has\u0142o: {v}", "has\u0142o: ***"),
    ("HAS\u0141O: {v}", "HAS\u0141O: ***"),
    ("sekret: {v}", "sekret: ***"),
    ("wachtwoord: {v}", "wachtwoord: ***"),
    ("\u043f\u0430\u0440\u043e\u043b\u044c: {v}", "\u043f\u0430\u0440\u043e\u043b\u044c: ***"),
    ("\u041f\u0410\u0420\u041e\u041b\u042c: {v}", "\u041f\u0410\u0420\u041e\u041b\u042c: ***"),
    ("\u0441\u0435\u043a\u0440\u0435\u0442: {v}", "\u0441\u0435\u043a\u0440\u0435\u0442: ***"),
    ("\u015fifre: {v}", "\u015fifre: ***"),
    ("\u015e\u0130FRE: {v}", "\u015e\u0130FRE: ***"),
    ("belirte\u00e7: {v}", "belirte\u00e7: ***"),
    ("heslo: {v}", "heslo: ***"),
    ("salasana: {v}", "salasana: ***"),
    ("salaisuus: {v}", "salaisuus: ***"),
    ("\ud1a0\ud070: {v}", "\ud1a0\ud070: ***"),
    ("\ube44\ubc00\ubc88\ud638: {v}", "\ube44\ubc00\ubc88\ud638: ***"),
    ("\uc2dc\ud06c\ub9bf: {v}", "\uc2dc\ud06c\ub9bf: ***"),
    ("\u5bc6\u7801\uff1a{v}", "\u5bc6\u7801\uff1a***"),
    ("\u5ba2\u6237\u7aef\u5bc6\u94a5\uff1a{v}", "\u5ba2\u6237\u7aef\u5bc6\u94a5\uff1a***"),
    ("\u5bc6\u78bc: {v}", "\u5bc6\u78bc: ***"),
    ("\u6b0a\u6756: {v}", "\u6b0a\u6756: ***"),
    ("\u91d1\u9470: {v}", "\u91d1\u9470: ***"),
    ("\u30d1\u30b9\u30ef\u30fc\u30c9: {v}", "\u30d1\u30b9\u30ef\u30fc\u30c9: ***"),
    (
        "\u30b7\u30fc\u30af\u30ec\u30c3\u30c8: {v}",
        "\u30b7\u30fc\u30af\u30ec\u30c3\u30c8: ***",
    ),
    ("\u79d8\u5bc6: {v}", "\u79d8\u5bc6: ***"),
    # A CJK message reads on around the value: its brackets are no part of it.
    ("\u4ee4\u724c\uff08{v}\uff09\u65e0\u6548", "\u4ee4\u724c\uff08***\uff09\u65e0\u6548"),
    (
        "\u30c8\u30fc\u30af\u30f3\u300c{v}\u300d\u306f\u7121\u52b9",
        "\u30c8\u30fc\u30af\u30f3\u300c***\u300d\u306f\u7121\u52b9",
    ),
]


@pytest.mark.parametrize(("form", "masked"), LOCALIZED)
def test_a_value_after_a_localized_name_is_masked(form: str, masked: str) -> None:
    """In a text, a log record, a JSON string; and where the text repeats it."""
    body = form.format(v=UNKNOWN)
    assert mask_text(body, ()) == masked
    assert UNKNOWN not in text_masked_everywhere(body)
    assert UNKNOWN not in mask_text(f"{body}\nretrying {UNKNOWN}", ())


@pytest.mark.parametrize(
    "text", ["\u5bc6\u7801\uff1a{v}", "Plex \u4ee4\u724c\uff1a{v}", "Passwort: {v}"]
)
def test_a_fullwidth_colon_separates_a_key_from_its_value(text: str) -> None:
    """After ``\uff1a`` (as CJK text writes ``:``) the value is masked whatever it looks like."""
    assert mask_text(text.format(v=PLAIN), ()) == text.format(v=MASK)


def test_a_localized_name_as_a_json_key_holds_a_secret() -> None:
    """A JSON member named in another language is masked and collected as a secret's."""
    body = {"Passwort": PLAIN, "\u043f\u0430\u0440\u043e\u043b\u044c": UNKNOWN, "name": "x"}
    assert mask_json(body, ()) == {
        "Passwort": MASK,
        "\u043f\u0430\u0440\u043e\u043b\u044c": MASK,
        "name": "x",
    }
    assert set(stored_secrets(body)) == {PLAIN, UNKNOWN}


@pytest.mark.parametrize(
    "word",
    [
        # Ordinary words of a message (left out on purpose): keys, secrecy, "word", "hidden".
        "clave",
        "chiave",
        "Schl\u00fcssel",
        "cl\u00e9",
        "klucz",
        "\u043a\u043b\u044e\u0447",
        "geheim",
        "Geheimnis",
        "parola",
        "gizli",
        "tunnus",
        "\uc554\ud638",
        # ``passe`` names a password only after ``mot de``.
        "passe",
        "passer",
    ],
)
def test_ordinary_words_are_no_secret_name(word: str) -> None:
    assert not is_secret_name(word)


@pytest.mark.parametrize(
    "sentence",
    [
        "Le jeton Plex est invalide.",
        "\u041f\u0430\u0440\u043e\u043b\u044c \u043d\u0435 \u043c\u043e\u0436\u0435\u0442 "
        "\u0431\u044b\u0442\u044c \u043f\u0443\u0441\u0442\u044b\u043c.",
        "\u4ee4\u724c\u65e0\u6548\u3002",
        "Das Passwort ist abgelaufen.",
        "La clave: 12345678",
        "le test passe : Ab12Cd34",
    ],
)
def test_a_localized_sentence_without_a_value_stays_readable(sentence: str) -> None:
    """Nothing token-like after a localized name, or no name at all: nothing masked."""
    assert mask_text(sentence, ()) == sentence


# --- Both clients and the command line ----------------------------------------------------

#: A form of each kind, as a server writes it.
FORMS = [
    MAPPINGS[0][0],
    ARROWS[0][0],
    ARROWS[2][0],
    VALIDATORS[0][0],
    VALIDATORS[1][0],
    LOCALIZED[0][0],
    LOCALIZED[2][0],
    LOCALIZED[4][0],
    LOCALIZED[7][0],
]


@pytest.mark.parametrize("form", FORMS)
def test_both_clients_mask_it_in_a_text_error_body(
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


@pytest.mark.parametrize("form", FORMS)
def test_both_clients_mask_it_in_a_json_detail(
    twin: Twin, api: respx.MockRouter, form: str
) -> None:
    """DRF's ``{"detail": ...}`` writing it."""
    api.get(ENDPOINT).respond(403, json={"detail": form.format(v=UNKNOWN)})
    with pytest.raises(PlexSourceError) as caught:
        twin.call("get", SLUG, options={"max_retries": 0})
    assert UNKNOWN not in everything_shown(caught.value), everything_shown(caught.value)


@pytest.mark.parametrize("form", [FORMS[0], FORMS[1], FORMS[3], FORMS[5], FORMS[7]])
def test_the_command_line_masks_it(form: str) -> None:
    """The CLI's error line (a 403 whose detail writes it) still says what was wrong."""
    with FixedServer([source(slug="refused")], refusals={"refused": form.format(v=UNKNOWN)}) as f:
        code, out, err, _ = run_main(["get", "refused"], url=f.url)
    assert code == 1, err
    assert UNKNOWN not in out + err, err
    assert MASK in err, err
