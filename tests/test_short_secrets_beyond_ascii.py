# ruff: noqa: RUF001 - the fullwidth and CJK punctuation is the point
"""A short secret (under ``MIN_ANYWHERE`` characters: a 3-character test token, a short
stored Plex token) is masked where it stands alone, and beyond ASCII every character that
is no letter or digit delimits it as a space does: CJK brackets, fullwidth punctuation, the
ideographic full stop, as localized messages quote a value (review round 15). So do Han and
kana, written without spaces around a Latin word. An ``Authorization`` header echoed with
any scheme, or followed by such punctuation or inside brackets, is an echo.
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
STORED = "Xy9Q2"  # mixed case and a digit: not the accepted all-lowercase case


def _shown(error: BaseException) -> str:
    """All an error shows: message, repr, attributes, along its cause and context."""
    parts = []
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        parts += [str(current), repr(current), repr(vars(current))]
        current = current.__cause__ or current.__context__
    return "\n".join(parts)


QUOTED = [
    "无效的令牌：{t}",  # fullwidth colon
    "令牌（{t}）无效",  # fullwidth parentheses
    "トークン「{t}」は無効です",  # corner brackets
    "トークン『{t}』は無効です",  # white corner brackets
    "令牌【{t}】无效",  # black lenticular brackets
    "令牌《{t}》无效",  # double angle brackets
    "令牌{t}无效",  # Han on both sides, no punctuation
    "トークン{t}は無効です",  # kana
    "the token {t}。",  # ideographic full stop
    "the token “{t}”",  # typographic quotes (round 14)
]


@pytest.mark.parametrize("detail", QUOTED)
def test_a_short_api_token_a_message_quotes_beyond_ascii_is_masked(
    twin: Twin, api: respx.MockRouter, detail: str
) -> None:
    api.get(ENDPOINT).respond(401, json={"detail": detail.format(t=SHORT)})
    with pytest.raises(PlexSourceError) as caught:
        twin.call("get", SLUG, options={"token": SHORT, "max_retries": 0})
    shown = _shown(caught.value)
    assert SHORT not in shown, shown
    assert detail.format(t="***").rstrip("\u3002") in str(caught.value)


@pytest.mark.parametrize(
    "text",
    ["Ab3é", "éAb3", "ÄAb3x", "straße Ab3ß", "Ab3\u0660"],
)
def test_a_short_secret_inside_a_word_of_any_script_stays_shown(text: str) -> None:
    """Beyond ASCII a letter or a digit still joins a word (``é``, ``ß``, ``\u0660``): only
    no-letter characters and the scripts written without spaces delimit a short secret.
    """
    assert redact(text, (SHORT,)) == text


def test_the_command_line_masks_a_short_token_a_refusal_quotes_in_cjk_brackets() -> None:
    with FixedServer(
        [source(slug="refused")], refusals={"refused": f"トークン「{SHORT}」は無効です"}
    ) as fixed:
        code, out, err, _ = run_main(
            ["get", "refused"], url=fixed.url, env={"AUTHENTIK_TOKEN": SHORT}
        )
    assert code == 1, err
    assert SHORT not in out + err, err
    assert "トークン「***」は無効です" in err, err


@pytest.mark.parametrize("name", ["令牌【{t}】", "token：{t}", "トークン「{t}」", "令牌{t}"])
def test_a_short_stored_plex_token_repeated_beyond_ascii_is_masked_in_the_source(
    twin: Twin, api: respx.MockRouter, name: str
) -> None:
    api.get(ENDPOINT).respond(200, json=plex_source(plex_token=STORED, name=name.format(t=STORED)))
    source_ = twin.call("get", SLUG, options={"max_retries": 0})
    assert STORED not in f"{source_!r} {source_}"
    assert source_.name == name.format(t=STORED)  # the value itself is the server's, unchanged


def test_get_prints_a_short_stored_plex_token_repeated_in_cjk_brackets_masked() -> None:
    with FixedServer([source(slug="s1", name=f"令牌【{STORED}】", plex_token=STORED)]) as fixed:
        code, out, err, _ = run_main(["get", "s1"], url=fixed.url)
    assert code == 0, err
    assert STORED not in out + err, out
    assert "令牌【***】" in out, out


def test_export_refuses_a_name_repeating_a_short_stored_plex_token_and_writes_nothing(
    tmp_path: Path,
) -> None:
    """Without ``--include-secrets`` the file must hold no secret; written ``***``, ``apply``
    would rename the source: export refuses (exit 2) naming the field, as for a long token,
    and ``--include-secrets`` writes it (the file is then 0600).
    """
    target = tmp_path / "plan.toml"
    with FixedServer([source(slug="s1", name=f"トークン「{STORED}」", plex_token=STORED)]) as fixed:
        code, out, err, _ = run_main(["export", "-o", str(target)], url=fixed.url)
        assert code == 2, err
        assert STORED not in out + err, err
        assert "plex-source: s1: name: the value repeats a secret" in err, err
        assert not target.exists()
        code, _out, err, _ = run_main(
            ["export", "--include-secrets", "-o", str(target)], url=fixed.url
        )
    assert code == 0, err
    assert f'name = "トークン「{STORED}」"' in target.read_text(encoding="utf-8")
    assert target.stat().st_mode & 0o777 == 0o600


ECHOES = [
    "Authorization: Token dev",  # DRF's scheme, after the header's name
    "Authorization: Digest dev",
    "Authorization: dev",  # no scheme
    "Authorization: Bearer dev\u3002",  # ideographic full stop
    "Authorization: Bearer dev\u2026",  # ellipsis
    "seen: Bearer dev\u3002",  # ending the text, as ``seen: Bearer dev.`` does
    "seen: Token dev",
    "(Authorization: Bearer dev\u300d",
    "[Authorization: Bearer dev]",
    "{Authorization: Bearer dev}",
    "<Authorization: Bearer dev>",
    "Authorization: Bearer dev\u201d",  # a closing typographic quote
]


@pytest.mark.parametrize("name", ECHOES)
def test_a_short_api_token_echoed_as_an_authorization_header_is_refused(
    twin: Twin, api: respx.MockRouter, name: str
) -> None:
    api.get(ENDPOINT).respond(200, json=plex_source(name=name))
    with pytest.raises(PlexSourceError, match="your API token") as caught:
        twin.call("get", SLUG, options={"token": "dev", "max_retries": 0})
    assert "dev" not in _shown(caught.value).replace("/dev", "")


@pytest.mark.parametrize(
    "name",
    ["Plex (Bearer dev)", "Plex（Bearer dev）", "Token dev rotation", "Basic dev login", "dev"],
)
def test_a_scheme_word_inside_a_name_is_no_echo_of_a_short_token(
    twin: Twin, api: respx.MockRouter, name: str
) -> None:
    api.get(ENDPOINT).respond(200, json=plex_source(name=name))
    source_ = twin.call("get", SLUG, options={"token": "dev", "max_retries": 0})
    assert source_.name == name


def test_the_command_line_refuses_an_echo_before_an_ideographic_full_stop() -> None:
    with FixedServer([source(slug="echo", name="Authorization: Bearer dev\u3002")]) as fixed:
        code, out, err, _ = run_main(["get", "echo"], url=fixed.url, env={"AUTHENTIK_TOKEN": "dev"})
    assert code != 0, out
    assert "Bearer dev" not in out + err, out
