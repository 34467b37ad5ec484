"""Masking the long secrets a whole page stores is linear in what is shown, and export never
writes ``***`` for a real value.

Every source's stored secret is masked in every string of every source shown (page-wide
masking, the CLI's run secrets). Searching every string for every run of every token made a
280 KB page of 150 sources with 1,000-character Plex tokens keep ``export`` busy for minutes;
the known secrets are now found in one pass over each text (issue 18, round 13 finding 10).
A long secret repeated in a writable field (``name``) would be exported as ``***``, which
``apply`` sends back: export refuses instead (exit 2, the slug and field named, never the value).
"""

from __future__ import annotations

import asyncio
import json
import random
import string
from pathlib import Path
from typing import Any

import pytest
import respx

from plex_source_client import AsyncPlexSourceClient, PlexSourceClient, PlexSourceError
from plex_source_client._secrets import FRAGMENT, MASK, redact
from plex_source_client._secrets.known import _FIND_EACH_UP_TO, _MIN_CUT, _matchers

from .conftest import TWIN_DEFAULTS, Twin
from .fixed_server import FixedServer, run_cli, run_main, source
from .payloads import list_page

_ALPHABET = string.ascii_letters + string.digits + '/\u00e9"\\'


def _tokens(count: int, length: int, seed: int = 1, alphabet: str = _ALPHABET) -> list[str]:
    rnd = random.Random(seed)
    return ["".join(rnd.choice(alphabet) for _ in range(length)) for _ in range(count)]


def test_cli_export_of_a_page_with_long_stored_tokens_ends_in_time() -> None:
    """Red team round 13's attack: 150 sources, 1,000-character Plex tokens (a 280 KB page).
    Took minutes before the fix; about a second now (benchmarks/masking.py measures it). The
    limit is a hang guard, not a timing assertion.
    """
    sources = [source(slug=f"s{i}", plex_token=token) for i, token in enumerate(_tokens(150, 1000))]
    assert len(json.dumps({"results": sources})) < 300_000
    with FixedServer(sources) as server:
        code, out, err, _ = run_cli(["export", "--format", "json"], url=server.url, limit=90)
    assert code != -9, "export still running after 90 s (killed), for one 280 KB answer"
    assert code == 0, err
    assert len(json.loads(out)["items"]) == 150


@pytest.mark.parametrize("twin", ["sync", "async"], indirect=True)
def test_list_masks_other_sources_tokens_in_a_large_page(twin: Twin, api: respx.MockRouter) -> None:
    """Both clients: a page of 150 long tokens; source 7 is named after source 3's token
    (whole), source 8 holds a run of 40 of source 5's characters, source 9 two of them side by
    side, source 10 a JSON spelling of one: each is masked where the source is shown.
    """
    tokens = _tokens(150, 1000, seed=2)
    results = [
        source(slug=f"s{i}", name=f"n{i}", plex_token=token) for i, token in enumerate(tokens)
    ]
    results[7]["name"] = tokens[3]
    results[8]["name"] = f"x {tokens[5][300:340]} y"
    results[9]["name"] = tokens[1][:FRAGMENT] + tokens[2][-FRAGMENT:]
    results[10]["name"] = f"<{json.dumps(tokens[4])[1:-1]}>"
    api.get("/sources/plex/").respond(200, json=list_page(results))
    listed = twin.list_sources(page_size=150)
    shown = {source.slug: repr(source) for source in listed}
    assert f"name={MASK!r}" in shown["s7"]
    assert f"name='x {MASK} y'" in shown["s8"]
    assert f"name={MASK!r}" in shown["s9"]
    assert f"name='<{MASK}>'" in shown["s10"]
    everything = "".join(shown.values())
    for token in tokens:
        for start in range(0, len(token) - FRAGMENT, 97):
            assert token[start : start + FRAGMENT] not in everything


@pytest.mark.parametrize("count", [1, 3, 40, 400])
def test_redact_finds_the_same_whatever_the_number_of_secrets(count: int) -> None:
    """Few needles are found one by one, many by one pass of the text's windows
    (``_FIND_EACH_UP_TO``): both mask whole secrets (8 to 11 characters too), runs of
    :data:`FRAGMENT` characters, overlapping and adjacent ones as one ``***``.
    """
    long_ = _tokens(count, 60, seed=count, alphabet=string.ascii_letters)
    middle = ["mid-" + token[:7] for token in long_][: max(1, count // 4)]  # 11 characters
    secrets = [*long_, *middle]
    grams = dict(_matchers(tuple(secrets))[2])[FRAGMENT]
    if count in (1, 400):  # both ways of searching are exercised
        assert (len(grams) > _FIND_EACH_UP_TO) == (count == 400)
    first, last = long_[0], long_[-1]
    cases = {
        f"a {first} b": f"a {MASK} b",
        f"a {first[10:30]} b": f"a {MASK} b",
        f"{first[:FRAGMENT]}{last[-FRAGMENT:]}": MASK,  # adjacent: one run
        f"[{middle[0]}]": f"[{MASK}]",
        f"x{middle[0]}y": f"x{MASK}y",  # 8+ characters: masked inside a word too
        f"a {first[: FRAGMENT - 1]} b": f"a {first[: FRAGMENT - 1]} b",  # 11: chance, kept
        f"{json.dumps(first)}": f'"{MASK}"',
        "nothing here": "nothing here",
    }
    for text, expected in cases.items():
        assert redact(text, secrets) == expected, text


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("name", "{own}"),  # its own stored token, whole
        ("name", "Plex {other}"),  # another source's, inside a longer name
        ("user_path_template", "goauthentik.io/{other_part}"),  # a run of 20 of one
        ("name", "{own} and {own}"),  # twice
        ("allowed_servers", ["srv", "{other}"]),  # an item of a list
    ],
)
def test_export_refuses_a_value_repeating_a_long_secret(
    tmp_path: Path, field: str, value: str | list[str]
) -> None:
    """Written as ``***``, the value would change the source on ``apply``: exit 2, the slug
    and field named, never the value, no file written; ``--include-secrets`` writes it as it is.
    """
    own, other = "own-PLEX-token-abcdefghij0123", "other-PLEX-token-klmnopqrst4567"
    spelled = {"own": own, "other": other, "other_part": other[5:25]}
    shown: Any = (
        value.format(**spelled)
        if isinstance(value, str)
        else [item.format(**spelled) for item in value]
    )
    sources = [
        source(slug="a", plex_token=own, **{field: shown}),
        source(slug="b", plex_token=other),
    ]
    plan = tmp_path / "plan.toml"
    with FixedServer(sources) as server:
        code, out, err, _ = run_main(["export", "-o", str(plan)], url=server.url)
        assert (code, out, plan.exists()) == (2, "", False), err
        assert err == (
            f"plex-source: a: {field}: the value repeats a secret this run read (a stored Plex "
            "token or the API token), which export would write as ***, and apply "
            "would then send: export it with --include-secrets, or change the value on the "
            "server\n"
            "plex-source: nothing was written\n"
        )
        code, out, err, _ = run_main(
            ["export", "a", "--include-secrets", "--format", "json"], url=server.url
        )
        assert code == 0, err
        assert json.loads(out)["items"][0]["changes"][field] == shown
        code, out, err, _ = run_main(["export", "b", "--format", "json"], url=server.url)
    assert code == 0, err  # a source repeating no secret is exported as before
    assert other not in out


def test_export_refusal_names_a_slug_holding_a_secret_masked() -> None:
    """A slug repeating another source's token: named ``***`` (the slug is a value too)."""
    other = "other-PLEX-token-klmnopqrst4567"
    sources = [source(slug=f"x-{other}"), source(slug="b", plex_token=other)]
    with FixedServer(sources) as server:
        code, out, err, _ = run_main(["export"], url=server.url)
    assert (code, out) == (2, ""), err
    assert err.startswith(f"plex-source: x-{MASK}: slug: the value repeats a secret"), err
    assert other not in err


@pytest.mark.parametrize("twin", ["sync", "async"], indirect=True)
def test_a_cut_error_body_after_a_page_storing_a_huge_token(
    twin: Twin, api: respx.MockRouter
) -> None:
    """A page stores a 600,000-character token (under the 1 MiB answer limit); a later error
    body larger than the limit is cut inside that token: what was read of it is masked. The
    start of a long secret at a cut text's end is found where the secret's first characters
    occur, not by trying each of its 600,000 lengths, each a copy (about a minute per error
    before; benchmarks/masking.py and the report measure it, no timing is asserted here).
    """
    token = _tokens(1, 600_000, seed=4, alphabet=string.ascii_letters)[0]
    results = [source(slug="huge", plex_token=token)]
    api.get("/sources/plex/").respond(200, json=list_page(results))
    limit = 1024 * 1024
    api.get("/sources/plex/later/").respond(500, content=b"x" * (limit - 5000) + token.encode())
    settings: dict[str, Any] = {**TWIN_DEFAULTS, "max_retries": 0}  # one client: it learns

    if twin.kind == "sync":
        with PlexSourceClient(**settings) as client:
            listed = list(client.list())
            with pytest.raises(PlexSourceError) as caught:
                client.get("later")
            error = caught.value
    else:

        async def go() -> Any:
            async with AsyncPlexSourceClient(**settings) as client:
                listed = [item async for item in client.list()]
                with pytest.raises(PlexSourceError) as caught:
                    await client.get("later")
                return listed, caught.value

        listed, error = asyncio.run(go())
    assert [item.slug for item in listed] == ["huge"]
    shown = f"{error}\n{error!r}\n{getattr(error, 'body', '')}"
    assert "xxxx" in shown
    assert token[:FRAGMENT] not in shown, shown[-200:]
    assert token[: _MIN_CUT + 2] not in shown, shown[-200:]


_CUT_AFTER_A_HUGE_TOKEN = """
import random, string, respx
from plex_source_client import PlexSourceClient, PlexSourceError
from tests.payloads import plex_source
token = random.Random(5).choice(string.ascii_letters) * 1_000_000
pagination = {"next": 0, "previous": 0, "count": 1, "current": 1, "total_pages": 1,
              "start_index": 1, "end_index": 1}
page = {"pagination": pagination, "results": [plex_source(slug="huge", plex_token=token)]}
with respx.mock(base_url="https://auth.example.com/api/v3") as api:
    api.get("/sources/plex/").respond(200, json=page)
    api.get("/sources/plex/later/").respond(500, content=b"x" * 2_000_000)
    with PlexSourceClient(url="https://auth.example.com", token="t" * 40, max_retries=0,
                          server_version="2024.8.2") as client:
        assert [source.slug for source in client.list()] == ["huge"]
        for _ in range(10):
            try:
                client.get("later")
            except PlexSourceError:
                pass
print("done")
"""


def test_cut_error_bodies_after_a_page_storing_a_million_character_token_end() -> None:
    """Ten cut error bodies after a page storing a 1,000,000-character token: each was
    masked by copying each of the token's lengths (about 15 s per error before the fix, minutes
    on a loaded machine; well under a second now). The 90 s limit is a hang guard only.
    The token is one letter repeated, as it always was (it was drawn one character at a time,
    each from a new ``Random(5)``: 5 s of seeding); the old masking copied each of its lengths
    whatever its letters.
    """
    import subprocess
    import sys

    root = Path(__file__).resolve().parents[1]
    try:
        done = subprocess.run(
            [sys.executable, "-c", _CUT_AFTER_A_HUGE_TOKEN],
            cwd=root,
            capture_output=True,
            text=True,
            timeout=90,
            check=False,
        )
    except subprocess.TimeoutExpired:
        pytest.fail("ten error bodies still being masked after 90 s")
    assert (done.returncode, done.stdout) == (0, "done\n"), done.stderr[-2000:]
