"""Release support at its edges (authentik 2024.6 to 2026.x): a token (API or Plex) in a
version string stays masked, a field ignored under a wrong server_version is reported as such,
UNSET survives copies, the version endpoint is asked once per client (and an unanswering one
costs one timeout), slugs stay renameable. Each docstring says the claim it holds, the impact
of breaking it, and how it was reproduced.
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import io
import json
import logging
import pickle
import typing
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from mypy import api as mypy_api

from plex_source_client import (
    UNSET,
    ConfigurationError,
    InvalidRequest,
    NotApplied,
    PlexSource,
    PlexSourceClient,
    PlexSourceError,
    compute_diff,
)
from plex_source_client.cli import main
from plex_source_client.testing import FakeAuthentik

ROOT = Path(__file__).resolve().parent.parent
VERSION_SUFFIX = "/admin/version/"


def escaped(text: str) -> str:
    """``text`` as JSON ``\\uXXXX`` escapes: the same string parsed, other bytes on the wire."""
    return "".join(f"\\u{ord(ch):04x}" for ch in text)


def client_with_version(
    fake: FakeAuthentik,
    answer: Callable[[httpx.Request], httpx.Response],
    **options: Any,
) -> tuple[PlexSourceClient, list[httpx.Request]]:
    """A client of ``fake`` (in process) whose ``/api/v3/admin/version/`` answers ``answer``
    (a hostile server, or a proxy in front of authentik); the version requests are recorded.
    """
    inner = fake.transport()
    asked: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith(VERSION_SUFFIX):
            asked.append(request)
            return answer(request)
        return inner.handle_request(request)

    http = httpx.Client(transport=httpx.MockTransport(handler))
    return PlexSourceClient(url=fake.url, token=fake.token, http_client=http, **options), asked


def json_answer(body: str) -> Callable[[httpx.Request], httpx.Response]:
    return lambda request: httpx.Response(
        200, content=body.encode(), headers={"Content-Type": "application/json"}
    )


@contextlib.contextmanager
def captured_log() -> Iterator[io.StringIO]:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setLevel(logging.DEBUG)
    logger = logging.getLogger("plex_source_client")
    old_level = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    try:
        yield stream
    finally:
        logger.removeHandler(handler)
        logger.setLevel(old_level)


def run_cli(
    argv: list[str], env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> tuple[int, str, str]:
    for name in ("AUTHENTIK_TOKEN_FILE", "AUTHENTIK_INSECURE", "AUTHENTIK_SERVER_VERSION"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(argv)
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 1
    return int(code or 0), out.getvalue(), err.getvalue()


# --- HIGH ---------------------------------------------------------------------------------------


#: An authentik-format API token: 60 letters and digits (authentik's default token length).
TOKEN_60 = "Zx81JHqk2LmN0pQrStUvWxYz0123456789abcdefGHIJKLmnopqRSTUVwxyz"
#: A shorter key, as an admin may set one by hand.
TOKEN_40 = "Zx81JHqk2LmN0pQrStUvWxYz0123456789abcdef"


@pytest.mark.parametrize(
    ("token", "version_json"),
    [
        # the first 57 of 60 characters, raw: not the whole token, so not refused nor masked
        (TOKEN_60, '"2024.8-' + TOKEN_60[:57] + '"'),
        # the whole token, JSON-escaped: not the token's bytes, so not refused
        (TOKEN_40, '"2024.8.0-' + escaped(TOKEN_40) + '"'),
    ],
    ids=["57-of-60-chars-raw", "whole-token-json-escaped"],
)
def test_api_token_smuggled_in_the_version_string_leaks(token: str, version_json: str) -> None:
    """HIGH. Claim: the API token never appears in a message, a repr or a log record; "a 2xx
    answer that carries the API token is refused (UnexpectedResponse)".

    Broken: the echo check looks for the whole token's raw bytes, and masking for the whole
    token. A hostile server (or a compromised proxy in front of /api/v3/admin/) answers the
    version endpoint with the token in the release's pre-release part (``[-+][0-9A-Za-z.+-]*``,
    64 characters in all): either the first 57 characters of a 60-character authentik token,
    raw, or a shorter token whole but JSON-escaped (``\u0061...``). The client believes it,
    and the token (or all but 3 characters of it) is printed in every release message
    (``... this server runs 2024.8-<TOKEN>``), in ``repr(client)``, ``client.server_version``
    and the DEBUG log (``the server runs authentik 2024.8-<TOKEN>``).

    Impact: the token ends in CI logs and tracebacks, the exact place the library promises it
    never reaches. Repro: version answer as below, then ``update("plex", promoted=True)``.
    """
    fake = FakeAuthentik(version="2024.8")
    fake.token = token
    client, _ = client_with_version(fake, json_answer('{"version_current": ' + version_json + "}"))
    with captured_log() as log, client:
        with pytest.raises(PlexSourceError) as caught:
            client.update("plex", promoted=True)
        shown = [str(caught.value), repr(client), str(client.server_version), log.getvalue()]
    leaks = [text[:120] for text in shown if token[:40] in text]
    assert leaks == [], f"API token shown in: {leaks}"


def test_apply_applies_some_items_then_exits_2_saying_nothing_was_sent(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """HIGH. Claim (README, CLI): "The whole file is validated before anything is sent: one
    bad value anywhere lists every problem (item, slug, field) and exits 2 without a single
    request"; exit 2 means "nothing was sent"; each item ends in exactly one outcome.

    Broken: a plan item that sets a field the server's release lacks (``promoted`` on a 2024.8
    authentik) passes the file check (the release is not known then) and is refused only
    inside the run, by ``compute_diff`` outside the runner's ``try``. The InvalidRequest
    escapes ``run_plan``: items already PATCHed stay applied, no result table is printed, and
    the command exits 2 with ``invalid request, nothing was sent`` and no item or slug.

    Impact: a CI job is told nothing changed while authentik was changed (and the failing item
    is not named). Repro: fake 2024.8; plan ``[{plex: enabled=false}, {plex: promoted=true}]``;
    ``plex-source apply plan.json``: exit 2, "nothing was sent", yet one PATCH was made.
    """
    with FakeAuthentik(version="2024.8") as fake:
        plan = tmp_path / "plan.json"
        plan.write_text(
            json.dumps(
                [
                    {"slug": "plex", "changes": {"enabled": False}},
                    {"slug": "plex", "changes": {"promoted": True}},
                ]
            )
        )
        env = {"AUTHENTIK_URL": fake.url, "AUTHENTIK_TOKEN": fake.token}
        code, _out, err = run_cli(["apply", str(plan)], env, monkeypatch)
        patches = [request for request in fake.requests if request.method == "PATCH"]
    said_nothing_sent = code == 2 or "nothing was sent" in err
    assert not (said_nothing_sent and patches), (
        f"exit {code}, stderr {err.strip()!r}, but {len(patches)} PATCH(es) were applied"
    )


# --- MEDIUM -------------------------------------------------------------------------------------


def test_a_field_ignored_under_a_wrong_release_is_reported_as_probably_applied() -> None:
    """MEDIUM. Claim: a field the server ignored is never silently lost; it is reported as
    NotApplied "naming what was and was not applied". README on UnexpectedResponse: "the
    change was probably applied".

    Broken: when the release is known but wrong (the server's version endpoint claims 2026.2,
    or ``server_version=``/``AUTHENTIK_SERVER_VERSION`` is stale after a rollback to 2024.8),
    ``update(promoted=True)`` is sent, the 2024.8 server ignores ``promoted`` (200), and the
    client raises UnexpectedResponse "the server reported success, so the change was probably
    applied, but its response is not a Plex source: missing required field(s): promoted, ...".

    Impact: the one field the user asked for was NOT applied, and the error tells them it
    probably was. Repro: fake 2024.8, ``client(server_version="2026.2").update("plex",
    promoted=True)``.
    """
    fake = FakeAuthentik(version="2024.8")
    with fake.client(server_version="2026.2") as client, pytest.raises(PlexSourceError) as caught:
        client.update("plex", promoted=True)
    assert fake.sources["plex"].get("promoted") is None  # the server did ignore it
    error = caught.value
    assert isinstance(error, NotApplied) or "probably applied" not in str(error), str(error)


def test_a_stale_server_version_makes_every_read_fail_without_saying_why() -> None:
    """MEDIUM. Claim: the client "tells exactly which field was wrong"; errors say what went
    wrong in one line.

    Broken: with ``server_version="2026.2"`` (or ``AUTHENTIK_SERVER_VERSION``) against a 2024.8
    server, every ``get()``, ``list()`` and ``update()`` fails with "the server answered 200,
    but not with a Plex source: missing required field(s): promoted, icon_url,
    icon_themed_urls", which blames the server; nothing mentions the given release.

    Impact: a CI variable left from another environment breaks every call with a message that
    sends the user looking at authentik, not at their own setting. Repro: as below.
    """
    fake = FakeAuthentik(version="2024.8")
    with fake.client(server_version="2026.2") as client, pytest.raises(PlexSourceError) as caught:
        client.get("plex")
    message = str(caught.value)
    assert "server_version" in message or "AUTHENTIK_SERVER_VERSION" in message, message


def test_a_pickled_or_deep_copied_2024_source_no_longer_reads_as_unset() -> None:
    """MEDIUM. Claims: a field the server's release lacks reads as ``UNSET`` (README idiom:
    ``if source.promoted is UNSET``); ``to_dict()`` leaves UNSET fields out (so it is JSON).

    Broken: ``pickle`` (multiprocessing, caches) and ``copy.deepcopy`` make a new ``Unset``
    instance. On the copy of a 2024.x source, ``source.promoted is UNSET`` is False, the copy
    is not equal to the original, ``to_dict()`` contains ``"promoted": <Unset object>`` (so
    ``json.dumps`` fails), and ``compute_diff(copy, {"promoted": True})`` accepts the change
    the original refuses.

    Impact: scripts that pass sources between processes or cache them take the "promoted
    exists" branch on a 2024 server and crash serialising. Repro: as below.
    """
    fake = FakeAuthentik(version="2024.8")
    with fake.client() as client:
        source = client.get("plex")
    pickled = pickle.loads(pickle.dumps(source))  # noqa: S301 - our own bytes
    for clone in (pickled, copy.deepcopy(source)):
        assert clone.promoted is UNSET
        assert clone == source
        json.dumps(clone.to_dict())
        with pytest.raises(InvalidRequest):
            compute_diff(clone, {"promoted": True})


def test_concurrent_first_calls_learn_the_release_once() -> None:
    """MEDIUM. Claim: "the client learns the server's release once per client"; "one
    GET /api/v3/admin/version/ ... remembered for the client's life".

    Broken: the async client has no lock around the first learn: N concurrent
    ``update(promoted=...)`` calls on a fresh client each send their own version GET (5 calls,
    5 GETs). ``plex-source apply`` runs items exactly like this (concurrency 8).

    Impact: a burst of N requests to an admin endpoint instead of one (and N extra timeouts
    when that endpoint hangs). Repro: ``asyncio.gather`` of 5 updates on a fake 2026.2.
    """
    fake = FakeAuthentik(version="2026.2")
    for index in range(4):
        fake.add_source(slug=f"s{index}", name=f"S{index}", client_id="c", plex_token="p")

    async def burst() -> None:
        async with fake.async_client() as client:
            slugs = ["plex", *(f"s{index}" for index in range(4))]
            await asyncio.gather(*(client.update(slug, promoted=True) for slug in slugs))

    asyncio.run(burst())
    asked = [request for request in fake.requests if request.path.endswith(VERSION_SUFFIX)]
    assert len(asked) == 1, f"{len(asked)} version requests from one client"


def test_cli_server_version_option_exists(monkeypatch: pytest.MonkeyPatch) -> None:
    """MEDIUM. Claim (README, authentik releases): "Or say it yourself, and no request is
    made: ..., ``AUTHENTIK_SERVER_VERSION`` for ``from_env()`` and the CLI, or
    ``--server-version``."

    Broken: no ``plex-source`` command has ``--server-version``: ``plex-source update plex
    --enabled --server-version 2026.2`` is a usage error (exit 2, "unrecognized arguments").

    Impact: a CI job written from the README fails. Repro: as below.
    """
    with FakeAuthentik(version="2026.2") as fake:
        env = {"AUTHENTIK_URL": fake.url, "AUTHENTIK_TOKEN": fake.token}
        code, _out, err = run_cli(
            ["update", "plex", "--enabled", "--server-version", "2026.2"], env, monkeypatch
        )
    assert code == 0, err


def test_an_api_token_put_in_authentik_server_version_is_echoed() -> None:
    """MEDIUM. Claim: the API token never appears in an error message; a bad token is "a
    ConfigurationError that does not repeat it".

    Broken: a CI job that maps the wrong secret (``AUTHENTIK_SERVER_VERSION:
    ${{ secrets.AUTHENTIK_TOKEN }}``) gets ``ConfigurationError: server_version: an authentik
    release looks like 2025.12 or 2024.8.2, got 'ak-Zx81...'``: the first 38 characters of the
    token, although the client knows the token (AUTHENTIK_TOKEN holds the same value).

    Impact: most of the token lands in the CI log. Repro: as below.
    """
    token = "ak-Zx81JHqk2LmN0pQrStUvWxYz0123456789abcdefGHIJKLmnopq"
    environ = {
        "AUTHENTIK_URL": "https://auth.example.com",
        "AUTHENTIK_TOKEN": token,
        "AUTHENTIK_SERVER_VERSION": token,
    }
    with pytest.raises(ConfigurationError) as caught:
        PlexSourceClient.from_env(environ=environ)
    assert token[:12] not in str(caught.value), str(caught.value)


def test_a_plex_token_in_the_version_string_is_shown_in_the_error() -> None:
    """MEDIUM. Claim: "plex_token: a secret: masked in every repr, log and error"; messages
    mask "every secret the client knows (..., the Plex token sent, ...)".

    Broken: the version answer is read before the PATCH, so its masking does not know the
    Plex token the call sends; the release text is then put verbatim in the InvalidRequest
    ``... this server runs 2024.8.0-<plex token>``. A server that stores the Plex token (every
    authentik does) can answer ``version_current: "2024.8.0-<it>"``.

    Impact: a re-applied plan (same Plex token) prints the Plex token in its error. Repro:
    version answer as below, then ``update("plex", promoted=True, plex_token=<same>)``.
    """
    fake = FakeAuthentik(version="2024.8")
    plex_token = "PlexTok3nStoredOnTheServer42"  # letters and digits, as Plex tokens are
    fake.sources["plex"]["plex_token"] = plex_token
    body = json.dumps({"version_current": "2024.8.0-" + plex_token})
    client, _ = client_with_version(fake, json_answer(body))
    with client, pytest.raises(PlexSourceError) as caught:
        client.update("plex", promoted=True, plex_token=plex_token)
    assert plex_token not in str(caught.value), str(caught.value)


# --- LOW ----------------------------------------------------------------------------------------


def test_typing_get_type_hints_of_plex_source() -> None:
    """LOW. Claim: the newer fields are typed on ``PlexSource`` (``ThemedUrls``, ...).

    Broken: ``typing.get_type_hints(PlexSource)`` raises ``NameError: name 'ThemedUrls' is not
    defined`` (the generated module imports it only under TYPE_CHECKING).

    Impact: anything that introspects the model at run time (cattrs, pydantic's
    ``TypeAdapter``, typeguard, FastAPI response models, ``attrs.resolve_types``) fails on it.
    Repro: as below.
    """
    hints = typing.get_type_hints(PlexSource)
    assert "icon_themed_urls" in hints


def test_mypy_narrows_the_documented_is_unset_idiom(tmp_path: Path) -> None:
    """LOW. Claim: the newer fields are typed for mypy --strict users; the README's idiom is
    ``if source.promoted is UNSET: ... else: <use source.promoted>``.

    Broken: ``UNSET`` is a plain instance, so ``is UNSET`` does not narrow: in the ``else``
    branch ``source.promoted`` is still ``bool | Unset`` and ``flag: bool = source.promoted``
    is a mypy --strict error. Only ``isinstance(x, Unset)`` narrows, and the README never
    says so.

    Impact: users following the README get type errors (or sprinkle casts). Repro: below.
    """
    script = tmp_path / "user_script.py"
    script.write_text(
        "from plex_source_client import UNSET, PlexSource\n"
        "\n"
        "\n"
        "def promoted(source: PlexSource) -> bool:\n"
        "    if source.promoted is UNSET:\n"
        "        return False\n"
        "    flag: bool = source.promoted\n"
        "    return flag\n"
    )
    stdout, stderr, status = mypy_api.run(
        ["--strict", "--cache-dir", str(ROOT / ".mypy_cache"), str(script)]
    )
    assert status == 0, stdout + stderr


def test_an_unanswering_version_endpoint_costs_a_timeout_on_every_call() -> None:
    """LOW. Claim (Safe by default): "the one call that first needs the server's release may
    take one more ``timeout`` to ask it (a single attempt, never retried)".

    Broken: a timeout (or refused connection) leaves the release "unknown for this call only",
    so every later call that needs it asks again and pays one more timeout each (the
    releases section says so; the time bound in *Safe by default* does not).

    Impact: behind a proxy that blackholes /api/v3/admin/, each ``update(promoted=...)`` costs
    30 s more, for the client's whole life (a plan of 100 such items: 100 x 30 s). Repro:
    version endpoint that times out; three updates; three version requests.
    """

    def hang(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("no answer", request=request)

    fake = FakeAuthentik(version="2026.2")
    client, asked = client_with_version(fake, hang)
    with client:
        for _ in range(3):
            client.update("plex", promoted=True)
    assert len(asked) <= 1, f"{len(asked)} version requests, each a full timeout"


def test_not_applied_icon_message_does_not_claim_the_answer_lacks_icon() -> None:
    """LOW. Claim: NotApplied names what was and was not applied, accurately.

    Broken: ``update(icon="plex.svg")`` on a 2024.8 server (release unknown) raises "not
    applied: icon: the server ignored it (its answer has no such field ...)", but the answer
    HAS an ``icon`` field (the read-only URL); what it lacks is ``icon_url``.

    Impact: a user checks the answer, sees ``icon`` there, and distrusts the error. Repro: below.
    """
    fake = FakeAuthentik(version="2024.8", version_endpoint=False)
    with fake.client() as client, pytest.raises(NotApplied) as caught:
        client.update("plex", icon="plex.svg")
    assert "icon" in caught.value.source.to_dict()
    assert "no such field" not in str(caught.value), str(caught.value)


def test_plan_reports_a_60_character_rename_that_apply_then_refuses(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """LOW. Claim: ``plan`` shows "what apply would change"; the 50-character slug limit holds
    before 2025.12 and the client learns the release when a slug over 50 characters needs it.

    Broken: ``plan`` (and ``diff``'s pure twin ``compute_diff``) never learns the release: on
    a 2024.8 authentik it lists ``new_slug: "plex" -> "<60 chars>"`` as a change (exit 4),
    then ``apply`` of the same file learns it and rejects the item (exit 1).

    Impact: a reviewer approves a plan that cannot be applied. Repro: below.
    """
    plan = tmp_path / "plan.json"
    plan.write_text(json.dumps([{"slug": "plex", "changes": {"new_slug": "a" * 60}}]))
    with FakeAuthentik(version="2024.8") as fake:
        env = {"AUTHENTIK_URL": fake.url, "AUTHENTIK_TOKEN": fake.token}
        plan_code, plan_out, _ = run_cli(["plan", str(plan)], env, monkeypatch)
        apply_code, apply_out, _ = run_cli(["apply", str(plan)], env, monkeypatch)
    assert not (plan_code == 4 and apply_code != 0), (plan_out, apply_out)


def test_a_2024_source_repr_is_stable_and_says_unset() -> None:
    """LOW. Claim: a field the release lacks "reads as UNSET"; PlexSource's repr is for humans
    (notebooks, logs).

    Broken: ``repr(UNSET)`` is ``<plex_source_client._generated.types.Unset object at
    0x7f...>``: a 2024.x source's repr shows that (a private module path and a memory address)
    for ``promoted``, ``icon_url``, ...; the repr differs from run to run (snapshot tests,
    log diffs).

    Impact: noisy, non-reproducible reprs and logs. Repro: ``repr(client.get("plex"))`` on 2024.8.
    """
    fake = FakeAuthentik(version="2024.8.2")
    with fake.client() as client:
        source = client.get("plex")
    assert " at 0x" not in repr(source), repr(source)[-200:]


def test_validate_false_with_a_long_slug_asks_for_a_release_it_never_uses() -> None:
    """LOW. Claims: the release is asked "only when a change depends on it"; ``validate=False``
    "sends values unchecked"; "never sends a request the user didn't mean".

    Broken: with ``validate=False`` the slug length is never checked, yet a 60-character
    ``new_slug`` still triggers ``GET /api/v3/admin/version/`` first.

    Impact: one extra request (and, on a hanging endpoint, one extra timeout) for nothing.
    Repro: fake 2024.8; ``client(validate=False).update("plex", new_slug="a"*60)``.
    """
    fake = FakeAuthentik(version="2024.8")
    with fake.client(validate=False) as client, contextlib.suppress(PlexSourceError):
        client.update("plex", new_slug="a" * 60)
    asked = [request for request in fake.requests if request.path.endswith(VERSION_SUFFIX)]
    assert asked == []


def test_fake_orders_by_promoted_but_the_client_refuses_it() -> None:
    """LOW. Claim: the fake plays a release's list ("its ... list filters"), so tests against
    it say what the client does against that release.

    Broken: the fake playing 2026.2 orders ``?ordering=-promoted`` (a model field of that
    release: DRF's OrderingFilter takes it), while ``client.list(ordering="-promoted")`` is an
    InvalidRequest ("'promoted' is not a field to order by") whatever the release.

    Impact: the fake and the client disagree; a user cannot list promoted sources first on
    2026. Repro: below.
    """
    fake = FakeAuthentik(version="2026.2")
    fake.add_source(slug="b", name="B", client_id="c", plex_token="p", promoted=True)
    with httpx.Client(transport=fake.transport()) as http:
        answer = http.get(
            fake.url + "/api/v3/sources/plex/",
            params={"ordering": "-promoted"},
            headers={"Authorization": f"Bearer {fake.token}"},
        )
    assert [source["slug"] for source in answer.json()["results"]] == ["b", "plex"]
    with fake.client(server_version="2026.2") as client:
        assert [source.slug for source in client.list(ordering="-promoted")] == ["b", "plex"]


def test_renaming_to_a_slug_over_4096_characters_strands_the_source() -> None:
    """MEDIUM. Claims: slugs of any length from 2025.12 ("new_slug: at most 50 before
    authentik 2025.12"); the client never sends a request the user did not mean; the path
    slug is limited to 4,096 characters because "no longer slug fits in a URL".

    Broken: on 2025.12+ the client sends ``new_slug`` of any length (5,000 characters here:
    a pasted file, a variable holding the wrong thing), the server renames the source, and from
    then on the client refuses that slug in every path: ``get()``, ``update()`` (so also a
    rename back) and the CLI are InvalidRequest "no longer slug fits in a URL". The client
    lets you do what it then cannot undo.

    Impact: one typo strands a login source for every user of this client (the admin UI is
    the only way back). Repro: fake 2026.2; ``update("plex", new_slug="a"*5000)``; then
    ``update("a"*5000, new_slug="plex")``.
    """
    fake = FakeAuthentik(version="2026.2")
    with fake.client() as client:
        try:
            renamed = client.update("plex", new_slug="a" * 5000)
        except InvalidRequest:
            return  # refused before sending: what the claims imply
        client.update(renamed.slug, new_slug="plex")  # undo: the client must be able to
    assert "plex" in fake.sources


def test_authentik_env_fixture_ignores_a_stray_authentik_server_version(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    """MEDIUM. Claim: the ``authentik_env`` fixture points ``from_env()`` at the fake (the
    README's "complete test of a script" works as written), and the fake plays 2024.8.2 by
    default.

    Broken: the fixture sets AUTHENTIK_URL/AUTHENTIK_TOKEN and clears AUTHENTIK_TOKEN_FILE and
    AUTHENTIK_INSECURE, but leaves AUTHENTIK_SERVER_VERSION (which ``from_env()`` now reads).
    On a CI runner that exports AUTHENTIK_SERVER_VERSION=2026.2 for its real jobs, the
    README's own example test fails: the client believes 2026.2, and every answer of the
    fake (2024.8.2) is "missing required field(s): promoted, icon_url, icon_themed_urls".

    Impact: users' test suites break depending on the machine's environment. Repro: export
    AUTHENTIK_SERVER_VERSION=2026.2, run the README's test_disable_source.
    """
    monkeypatch.setenv("AUTHENTIK_SERVER_VERSION", "2026.2")
    pytester.makepyfile(
        """
        from plex_source_client import PlexSourceClient


        def disable_source(slug):
            with PlexSourceClient.from_env() as client:
                return client.update(slug, enabled=False)


        def test_disable_source(authentik_env):
            assert disable_source("plex").enabled is False
        """
    )
    result = pytester.runpytest_inprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=1)
