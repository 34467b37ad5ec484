"""The masking of texts tries its secret-name patterns only where a name can start (see
``plex_source_client._secrets.locate``): fast on a large body, and the same output for every
input as trying them everywhere (plain ``re``, as the masking did before).
"""

from __future__ import annotations

import contextlib
import random
import re
import string
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from plex_source_client._secrets import keyed, locate, markup, names, nearby, text

#: Every code point (lone surrogates too): what a pattern may meet in a text.
_EVERY_CHARACTER = "".join(map(chr, range(0x110000)))


#: Every letter of the stems the locator looks for (localized ones too), and ASCII's.
_STEM_LETTERS = sorted(set(string.ascii_lowercase) | set("".join(locate.STEM_WORDS)))


@pytest.mark.parametrize("letter", _STEM_LETTERS)
def test_letter_variants_are_what_ignorecase_matches_over_every_code_point(letter: str) -> None:
    """The case-sensitive class of a letter holds exactly the code points ``re.IGNORECASE``
    matches for it (the Kelvin sign for k, the long s for s, the dotted and dotless i's, the
    old forms of Cyrillic \u043e, \u0441, \u0442).
    """
    ignoring = re.compile(letter, re.IGNORECASE)
    expected = [m.start() for m in ignoring.finditer(_EVERY_CHARACTER)]
    variants = re.compile(f"[{re.escape(locate.letter_variants(letter))}]")
    assert [m.start() for m in variants.finditer(_EVERY_CHARACTER)] == expected


#: Secret names in all their spellings: case variants, the Unicode characters
#: ``re.IGNORECASE`` takes for a letter (Kelvin sign, long s, dotted and dotless i), words
#: that are no name (``monkey``), names in paths, the keywords of the other rules.
_NAMES = (
    "token",
    "tOkEn",
    "TOKEN",
    "to\u212aen",
    "plex_token",
    "X-Plex-Token",
    "plexToken",
    "PLEX_TO\u212aEN",
    "authToken",
    "secret",
    "\u017fecret",
    "SECRET",
    "client_secret",
    "secret_key",
    "password",
    "PASSWD",
    "pa\u017f\u017fword",
    "passwd",
    "passphrase",
    "credential",
    "credent\u0130al",
    "credent\u0131al",
    "CREDENTIALS",
    "key",
    "KEY",
    "Key",
    "\u212aey",
    "keys",
    "Keys",
    "apiKey",
    "api_key",
    "API-KEY",
    "private-key",
    "privateKey",
    "accessKeys",
    "signingkey",
    "monkey",
    "keyboard",
    "keyed",
    "tokenizer",
    "/core/tokens/",
    "token/",
    "Authorization",
    "author\u0131zation",
    "AUTHOR\u0130ZAT\u0131ON",
    "proxy-authorization",
    "Bearer",
    "BASIC",
    "ba\u017fic",
    "bearer",
    "x.token.y",
    "a-key-b",
    "Token.",
    "token-",
    "_token_",
    "9token",
    # Localized names (names._LOCALIZED_NAME_PARTS), in their cases and folds.
    "Plex-\u0442\u043e\u043a\u0435\u043d",
    "\u0422\u041e\u041a\u0415\u041d\u0410",
    "\u1c84\u1c82\u043a\u0435\u043d",
    "jeton",
    "JETONS",
    "belirte\u00e7",
    "BEL\u0130RTE\u00c7",
    "\u4ee4\u724c",
    "\u6b0a\u6756",
    "Plex\u30c8\u30fc\u30af\u30f3",
    "\ud1a0\ud070",
    "Passwort",
    "KENNWORT",
    "mot de passe",
    "MOT DE PASSE",
    "passe",
    "contrase\u00f1a",
    "CONTRASENA",
    "senha",
    "has\u0142o",
    "HAS\u0141A",
    "ha\u015ble",
    "wachtwoord",
    "\u043f\u0430\u0440\u043e\u043b\u044c",
    "\u041f\u0410\u0420\u041e\u041b\u042f",
    "\u015fifre",
    "\u015e\u0130FRE",
    "heslo",
    "hesel",
    "salasana",
    "\u5bc6\u7801",
    "\u5bc6\u78bc",
    "\u5bc6\u94a5",
    "\u5bc6\u9470",
    "\u91d1\u9470",
    "\u30d1\u30b9\u30ef\u30fc\u30c9",
    "\ube44\ubc00\ubc88\ud638",
    "secr\u00e8te",
    "SECR\u00c8TE",
    "segreto",
    "segredo",
    "sekret",
    "\u0441\u0435\u043a\u0440\u0435\u0442",
    "\u1c83\u0435\u043a\u0440\u0435\u1c85",
    "salaisuus",
    "\u30b7\u30fc\u30af\u30ec\u30c3\u30c8",
    "\u79d8\u5bc6",
    "\uc2dc\ud06c\ub9bf",
    "clave",
    "parola",
)
_VALUES = (
    "abc123XYZ",
    "Qw12Er34",
    "XvTkLm",
    "RuntimeError",
    "2024-01-01",
    "aaaaaaaaaaaaaaaaaaaa",
    "***",
    '"quoted value"',
    "'v4lue'",
    '["a1234567", "b"]',
    '{"k": "v1234567"}',
    '""',
    "b'T0k3n'",
    "<![CDATA[s3cr3t99]]>",
    "string(8)",
    ">-",
    "|",
    "!!str",
    "&a",
    "-",
    "hunter",
    '("plex_token", "T0k3n123")',
    '["api_key", "hunter"]',
    "(:plex-token hunter)",
    'Content-Disposition: form-data; name="password"\r\n\r\nhunter\r\n--b',
    'content-di\u017fpo\u017fition: form-data; name="pa\u017f\u017fword"\n\nhunter\n--b',
)
_GLUE = (
    "=",
    ": ",
    " = ",
    "=>",
    "->",
    " | ",
    ":=",
    " ~> ",
    ",",
    ";",
    " ",
    "  ",
    "\n",
    "\r\n",
    "\n  - ",
    "\t",
    "/",
    ".",
    "-",
    "_",
    "",
    "<td>",
    "</td>",
    '<input name="token" value="v12345">',
    '<entry key="plex_token">',
    "<authToken>",
    "</authToken>",
    "(",
    ")",
    "[",
    "]",
    "{",
    "}",
    '"',
    "'",
    '\\"',
    "\u201c",
    "\u201d",
    "\u00ab",
    "\u00bb",
    ":",
    "&",
    "%22",
    "Key (",
    ")=(",
    'Content-Disposition: form-data; name="',
    "CONTENT-DI\u017fPO\u017fITION:",
    "\uff1a",
    " -> ",
    " \u2192 ",
    "mot de ",
    "\n    ",
)


def _texts(count: int, seed: int) -> Iterator[str]:
    """``count`` texts mixing secret names, values, separators, quotes and newlines."""
    rnd = random.Random(seed)
    for _ in range(count):
        pieces = []
        for _ in range(rnd.randint(1, 40)):
            kind = rnd.random()
            if kind < 0.3:
                pieces.append(rnd.choice(_NAMES))
            elif kind < 0.5:
                pieces.append(rnd.choice(_VALUES))
            elif kind < 0.6:
                pieces.append("".join(rnd.choices(string.ascii_letters + string.digits, k=6)))
            else:
                pieces.append(rnd.choice(_GLUE))
        yield "".join(pieces)


@contextlib.contextmanager
def _plain_re() -> Iterator[None]:
    """The masking with its patterns tried everywhere (their own ``search``, ``finditer``,
    ``sub``) and no pass skipped: how it ran before the locator, the reference.
    """
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(locate, "finditer", lambda pattern, text, starts: pattern.finditer(text))
        patch.setattr(
            locate, "search", lambda pattern, text, pos, starts: pattern.search(text, pos)
        )
        patch.setattr(
            locate, "sub", lambda pattern, replace, text, starts: pattern.sub(replace, text)
        )
        patch.setattr(locate, "holds", lambda stem, text: True)
        yield


def _with_found(mask: Callable[[str, dict[str, None]], str]) -> Callable[[str], Any]:
    def call(value: str) -> tuple[str, list[str]]:
        found: dict[str, None] = {}
        return mask(value, found), list(found)

    return call


_FUNCTIONS: dict[str, Callable[[str], Any]] = {
    "mask_text": lambda value: text.mask_text(value, ()),
    "mask_text cut": lambda value: text.mask_text(value, ("abc123XYZ",), cut=True),
    "text_stored_secrets": text.text_stored_secrets,
    "mask_record": lambda value: text.mask_record(value, ()),
    "_mask_keys": _with_found(text._mask_keys),
    "mask_nearby": _with_found(nearby.mask_nearby),
    "is_secret_name": names.is_secret_name,
}


@pytest.mark.parametrize("seed", range(4))
def test_located_masking_gives_what_plain_re_gives(seed: int) -> None:
    """On generated texts (names in every spelling, values, separators, quotes, newlines),
    every masking function gives exactly what it gives with its patterns tried everywhere.
    """
    texts = list(_texts(400, seed))
    with _plain_re():
        expected = {name: [call(value) for value in texts] for name, call in _FUNCTIONS.items()}
    for name, call in _FUNCTIONS.items():
        for value, want in zip(texts, expected[name], strict=True):
            assert call(value) == want, (name, value)
    # The texts do exercise the rules: most of them have something masked.
    changed = zip(expected["mask_text"], texts, strict=True)
    assert sum(masked != value for masked, value in changed) > len(texts) // 2


@pytest.mark.parametrize(
    "name",
    ["to\u212aen", "\u017fecret", "credent\u0130al", "credent\u0131al", "pa\u017f\u017fword"],
)
def test_a_name_spelled_with_a_unicode_fold_is_masked_after(name: str) -> None:
    """A name ``re.IGNORECASE`` reads through a Unicode fold (Kelvin sign, long s, dotted or
    dotless i) still has its value masked: the locator finds it.
    """
    assert text.mask_text(f"plex_{name}=Qw12Er34 and {name} Zx98Cv76", ()) == (
        f"plex_{name}=*** and {name} ***"
    )


def test_locator_helpers_are_re_when_tried_everywhere() -> None:
    """``locate.finditer``, ``search`` and ``sub`` given every position are the pattern's own."""
    patterns = [keyed._SECRET_KEY, markup._SECRET_ITEM, keyed._SECRET_SPACED, nearby._NAME]
    for value in _texts(300, 9):
        everywhere = range(len(value) + 1)
        for pattern in patterns:
            spans = [m.span() for m in locate.finditer(pattern, value, everywhere)]
            assert spans == [m.span() for m in pattern.finditer(value)]
            for pos in (0, len(value) // 2):
                found = locate.search(pattern, value, pos, everywhere)
                plain = pattern.search(value, pos)
                assert (found and found.span()) == (plain and plain.span())
            assert locate.sub(pattern, lambda m: "#", value, everywhere) == pattern.sub("#", value)


def _word_starts_by_brute_force(value: str) -> list[int]:
    word = re.compile(r"[\w.-]")
    stem = re.compile("|".join(map(re.escape, locate.STEM_WORDS)), re.IGNORECASE)
    starts = []
    for at in range(len(value)):
        if at and word.match(value, at - 1):
            continue
        end = re.compile(r"[\w.-]*").match(value, at)
        if end is not None and stem.search(value, at, end.end()):
            starts.append(at)
    return starts


def test_word_starts_are_the_words_holding_a_stem() -> None:
    """``word_starts`` is every start of a word holding a stem, in any spelling."""
    for value in _texts(300, 11):
        assert locate.word_starts(value) == _word_starts_by_brute_force(value), value


@pytest.mark.parametrize("name", _NAMES)
def test_every_name_a_pattern_matches_holds_a_stem(name: str) -> None:
    """Whatever a secret-name pattern matches (:data:`.names._SECRET_NAME_PARTS`, English and
    localized) holds a stem of :data:`.locate.STEM_WORDS` (a stem the locator finds): the
    locator misses no name. ``re.IGNORECASE`` compares them, as the patterns do.
    """
    stems = re.compile("|".join(map(re.escape, locate.STEM_WORDS)), re.IGNORECASE)
    for pattern in (names._SECRET_NAME, nearby._NAME):
        for match in pattern.finditer(name):
            assert stems.search(match.group()), (name, match.group())
            assert locate.NAME_STEMS.search(match.group()), (name, match.group())


def test_an_ascii_text_is_scanned_for_the_ascii_stems_only() -> None:
    """The stems holding a letter beyond ASCII cannot be in an ASCII text: the ASCII ones are
    all its scan needs (and find what the full set finds).
    """
    checked = 0
    for value in _texts(300, 12):
        ascii_value = value.encode("ascii", "ignore").decode()
        full = [m.start() for m in locate.NAME_STEMS.finditer(ascii_value)]
        assert [m.start() for m in locate.ASCII_NAME_STEMS.finditer(ascii_value)] == full
        checked += bool(full)
    assert checked > 200


def test_word_starts_of_a_huge_word_and_of_a_text_without_names() -> None:
    """A million-character word of names is one start, found once; a text without any stem
    has none, so no name pattern is tried on it at all.
    """
    assert locate.word_starts("x " + "token" * 200_000) == [2]
    assert locate.word_starts("the request could not be processed. " * 30_000) == []


@pytest.mark.parametrize(
    ("value", "masked"),
    [
        # The list pass shortens the text: the key after it is found in the new text.
        ('["plex_token", "abcdefghij123"] password=hunter', '["plex_token", "***"] password=***'),
        # The key pass shortens it: the spaced key after it too.
        ("plex_token=abcdefghij123 plex_token hunter", "plex_token=*** plex_token ***"),
        # The spaced key's pass shortens it: the fallback's name after it too.
        ("plex_token abcdefghij123 then token ~> hunter99", "plex_token *** then token ~> ***"),
    ],
)
def test_a_pass_changing_the_text_has_the_names_after_it_found_again(
    value: str, masked: str
) -> None:
    """Each pass that masks a value changes where the names after it are: they are found
    again in its output, not at their places in its input.
    """
    assert text.mask_text(value, ()) == masked
    with _plain_re():
        assert text.mask_text(value, ()) == masked


def test_a_text_dense_with_names_is_scanned_by_re_itself() -> None:
    """Where names are dense (``key=... key=...``), trying a pattern at each from Python
    would cost more than ``re``'s own scan: it scans, and masks the same.
    """
    value = "key=abc123 token: Qw12Er34 " * 2000
    assert locate.word_starts(value) is None
    masked = text.mask_text(value, ())
    assert masked == "key=*** token: *** " * 2000
    with _plain_re():
        assert text.mask_text(value, ()) == masked
