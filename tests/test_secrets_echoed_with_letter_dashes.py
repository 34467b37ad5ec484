"""A known secret echoed with its hyphens written as a letter drawn as a dash (review round
49): the Japanese long-vowel mark (U+30FC, what normalisers such as neologdn turn a
fullwidth hyphen into), its halfwidth form (U+FF70), the Arabic tatweel (U+0640), the
modifier letter macron (U+02C9). Punctuation, symbol and space stand-ins were masked; these
letters were not, and a secret of short word-like parts showed whole. Read as ``-`` when
looking for known secrets (``_secrets.reading._DASHES``), in errors and redirects of both
clients.
"""

from __future__ import annotations

import pytest
import respx

from plex_source_client import PlexSourceError

from .conftest import Twin
from .payloads import PLEX_TOKEN, SLUG, TOKEN
from .shown import everything_shown, shown_by_failed_get, shown_by_failed_update

STAND_INS = ["\u30fc", "\uff70", "\u0640", "\u02c9"]
IDS = ["katakana-prolonged-mark", "halfwidth-prolonged-mark", "arabic-tatweel", "modifier-macron"]


@pytest.mark.parametrize("stand_in", STAND_INS, ids=IDS)
def test_api_token_echoed_with_letter_like_hyphens_is_not_shown(
    twin: Twin, api: respx.MockRouter, stand_in: str
) -> None:
    echoed = TOKEN.replace("-", stand_in)
    shown = shown_by_failed_get(
        twin, api, 401, json={"detail": f"Invalid token {echoed}."}, token=TOKEN
    )
    assert echoed not in shown


def test_api_token_in_a_redirects_path_with_prolonged_marks_is_not_shown(
    twin: Twin, api: respx.MockRouter
) -> None:
    """``/x/test%E3%83%BCapi...`` decoded in the error's 'redirected to' text."""
    location = "/login/" + TOKEN.replace("-", "%E3%83%BC")
    shown = shown_by_failed_get(twin, api, 301, headers={"Location": location}, token=TOKEN)
    assert TOKEN.replace("-", "\u30fc") not in shown
    assert location not in shown


@pytest.mark.parametrize("stand_in", STAND_INS, ids=IDS)
def test_sent_plex_token_echoed_with_letter_like_hyphens_is_not_shown(
    twin: Twin, api: respx.MockRouter, stand_in: str
) -> None:
    echoed = PLEX_TOKEN.replace("-", stand_in)
    shown = shown_by_failed_update(twin, api, PLEX_TOKEN, f"Plex rejected the token {echoed}.")
    assert echoed not in shown


def test_error_of_a_prolonged_mark_echo_does_not_pickle_the_token(
    twin: Twin, api: respx.MockRouter
) -> None:
    echoed = TOKEN.replace("-", "\u30fc")
    api.get(f"/sources/plex/{SLUG}/").respond(403, json={"detail": echoed})
    with pytest.raises(PlexSourceError) as caught:
        twin.call("get", SLUG, options={"max_retries": 0, "token": TOKEN})
    assert echoed not in everything_shown(caught.value)
