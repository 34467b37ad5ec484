"""A run of backslashes in an answer is read in linear time: a valid source whose name is
256 Ki backslashes, the PATCH answer to an update, a JSON 400, a text 500, ``plex-source get``
(each in a child process, killed after 8 s). Reading a regex-quoted echo (``tok\\-abc``, see
``_secrets.reading.as_echoed``) tried the rest of the run from every backslash: quadratic, 32
KiB took 11.6 s and the 1 MiB a client accepts hours, after the timeout had stopped counting
(review round 35, both reviewers). A source holding backslashes comes back as sent.
"""

from __future__ import annotations

import respx

from .conftest import Twin
from .payloads import SLUG, plex_source
from .shown import finishes_in_a_child

#: A child that answers ``get`` (sync, then async) with ``status`` and ``body`` (JSON text or
#: plain text) through respx, and prints ``done``.
_SCRIPT = """
import asyncio, json, respx
from plex_source_client import AsyncPlexSourceClient, PlexSourceClient, PlexSourceError
from tests.payloads import SLUG, plex_source
URL = "https://auth.example.com"
RUNS = "\\\\\\\\" * {count}  # backslashes: a JSON string twice as long
status, kind, op = {status!r}, {kind!r}, {op!r}
if kind == "valid":
    answer = dict(json=plex_source(name=RUNS))
elif kind == "json":
    answer = dict(json={{"detail": RUNS}})
else:
    answer = dict(content=RUNS.encode(), headers={{"Content-Type": "text/plain"}})
with respx.mock(base_url=URL + "/api/v3", assert_all_called=False) as api:
    api.route(path__regex=".*").respond(status, **answer)
    with PlexSourceClient(url=URL, token="tok-FIXED-api-0123456789abcdef", max_retries=0) as c:
        try:
            c.get(SLUG) if op == "get" else c.update(SLUG, enabled=True)
        except PlexSourceError:
            pass
    async def run():
        async with AsyncPlexSourceClient(
            url=URL, token="tok-FIXED-api-0123456789abcdef", max_retries=0
        ) as c:
            try:
                await (c.get(SLUG) if op == "get" else c.update(SLUG, enabled=True))
            except PlexSourceError:
                pass
    asyncio.run(run())
print("done")
"""


def _guard(status: int, kind: str, op: str = "get", count: int = 1 << 17) -> None:
    """2 * count backslashes (256 Ki by default; a JSON error is parsed and masked up to 64 KiB)."""
    finishes_in_a_child(
        _SCRIPT.format(status=status, kind=kind, op=op, count=count),
        f"{op} of a {status} {kind} answer holding a run of backslashes (quadratic)",
        seconds=8,
    )


def test_a_valid_source_whose_name_is_a_run_of_backslashes_is_read_in_linear_time() -> None:
    _guard(200, "valid")


def test_an_update_answered_by_a_valid_source_of_backslashes_is_read_in_linear_time() -> None:
    _guard(200, "valid", "update")


def test_a_json_error_of_backslashes_is_masked_in_linear_time() -> None:
    _guard(400, "json", count=15_000)


def test_a_text_error_of_backslashes_is_masked_in_linear_time() -> None:
    _guard(500, "text")


def test_the_cli_get_of_a_source_of_backslashes_finishes() -> None:
    """``plex-source get`` against a server holding such a source: a hang, not an exit."""
    finishes_in_a_child(
        """
from tests.fixed_server import FixedServer, run_main, source
with FixedServer([source(name="\\\\\\\\" * (1 << 17))]) as server:
    code, out, err, _ = run_main(["get", "my-plex", "--max-retries", "0"], url=server.url,
        env={"AUTHENTIK_SERVER_VERSION": "2024.8.2", "AUTHENTIK_ALLOW_INSECURE_HTTP": "1"})
assert code == 0, (code, err)
print("done")
""",
        "plex-source get of a source named by a run of backslashes (quadratic)",
        seconds=8,
    )


def test_a_valid_source_with_backslashes_in_its_name_comes_back_as_sent(
    twin: Twin, api: respx.MockRouter
) -> None:
    name = "C:\\\\share\\plex " + "\\" * 2000 + "a \\- b"
    api.get(f"/sources/plex/{SLUG}/").respond(200, json=plex_source(name=name))
    assert twin.call("get", SLUG).name == name
