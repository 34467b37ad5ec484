"""A stored "secret" a hostile answer makes of thousands of parts (``a1-a1-...-a1-b2``), its
parts but the last repeated elsewhere, is masked in linear time: an error body, the ``repr``
of a valid source storing it, ``plex-source get`` of that source, and a body of ``plex_token=``
repeated (a value of ~95,000 parts) sent as JSON that is not. Looking for a secret part by
part (a UUID-shaped key whatever stands for its separators) searched on from every first
part's match through every part, quadratic time, and compiled a pattern of one group per part
(review round 36): only secrets of at most 8 parts and 256 characters are looked for so, the
others as written. Hang guards, each in a child killed after 20 or 30 s (before: minutes).
"""

from __future__ import annotations

from .shown import finishes_in_a_child

_PRELUDE = """
import asyncio, contextlib, json, respx
from plex_source_client import AsyncPlexSourceClient, PlexSourceClient, PlexSourceError
from tests.payloads import SLUG, plex_source
URL = "https://auth.example.com"
SECRET = "-".join(["a1"] * 48_000) + "-b2"
DECOY = "-".join(["a1"] * 48_000)

def both(answer, then=lambda result: None):
    with respx.mock(base_url=URL + "/api/v3", assert_all_called=False) as api:
        api.route(path__regex=".*").respond(**answer)
        with PlexSourceClient(url=URL, token="tok-FIXED-api-0123456789abcdef", max_retries=0) as c:
            with contextlib.suppress(PlexSourceError):
                then(c.get(SLUG))
        async def run():
            async with AsyncPlexSourceClient(
                url=URL, token="tok-FIXED-api-0123456789abcdef", max_retries=0
            ) as c:
                with contextlib.suppress(PlexSourceError):
                    then(await c.get(SLUG))
        asyncio.run(run())
"""


def test_an_error_body_with_a_many_part_stored_secret_is_masked_in_linear_time() -> None:
    finishes_in_a_child(
        _PRELUDE
        + """
body = f"note {DECOY} end\\nplex_token={SECRET}\\n".encode()
both(dict(status_code=400, content=body, headers={"Content-Type": "text/plain"}))
print("done")
""",
        "an error naming a stored token of 48,000 parts",
    )


def test_the_repr_of_a_valid_source_storing_a_many_part_token_is_linear() -> None:
    finishes_in_a_child(
        _PRELUDE
        + """
shown = []
both(dict(status_code=200, json=plex_source(plex_token=SECRET, name=DECOY)),
     lambda source: shown.append(repr(source)))
assert len(shown) == 2 and SECRET not in shown[0]
print("done")
""",
        "repr of a source storing a token of 48,000 parts",
    )


def test_the_command_line_gets_a_source_storing_a_many_part_token_in_linear_time() -> None:
    finishes_in_a_child(
        _PRELUDE
        + """
from tests.fixed_server import run_main
from tests.raw_server import ScriptServer, reply
body = json.dumps(plex_source(plex_token=SECRET, name=DECOY)).encode()
with ScriptServer(reply(200, body)) as server:
    code, out, err, _ = run_main(["get", SLUG, "--max-retries", "0"], url=server.url,
        env={"AUTHENTIK_SERVER_VERSION": "2024.8.2"})
assert code == 0, err
assert SECRET not in out
print("done")
""",
        "plex-source get of a source storing a token of 48,000 parts",
    )


def test_a_body_of_repeated_secret_keys_is_masked_in_linear_time() -> None:
    finishes_in_a_child(
        _PRELUDE
        + """
body = ("plex_token=" * (1024 * 1024 // 11)).encode()
both(dict(status_code=400, content=body, headers={"Content-Type": "application/json"}))
print("done")
""",
        "a 1 MiB error body of plex_token= repeated",
    )


def test_a_short_stored_secret_of_many_parts_is_masked_in_linear_time() -> None:
    """Under 256 characters, but 84 parts: each of the 1 MiB body's 350,000 starts of a decoy
    would be searched through 83 of them.
    """
    finishes_in_a_child(
        _PRELUDE
        + """
secret = "-".join(["a1"] * 83) + "-b2"
decoy = "-".join(["a1"] * 83) + " "
body = (decoy * (1024 * 1024 // len(decoy)) + "plex_token=" + secret).encode()
both(dict(status_code=400, content=body, headers={"Content-Type": "text/plain"}))
print("done")
""",
        "an error naming a stored token of 84 parts after 1 MiB of its decoys",
    )


def test_other_bodies_learning_a_many_part_secret_are_masked_in_linear_time() -> None:
    """Each learns a "secret" of tens of thousands of parts (review round 36b): a YAML list
    under ``plex_token:``, the word for token and a fullwidth colon repeated, a valid source
    whose stored token is 640 KB of short parts (authentik's plex_token is a text field).
    """
    finishes_in_a_child(
        _PRELUDE
        + """
text = {"Content-Type": "text/plain"}
both(dict(status_code=400, content=("plex_token:\\n" + "  - Ab1\\n" * 130_000).encode(),
          headers=text))
both(dict(status_code=500, content=("\\u4ee4\\u724c\\uff1a" * 116_000).encode(), headers=text))
token = "-".join(f"p{i % 10}x" for i in range(160_000))
shown = []
both(dict(status_code=200, json=plex_source(plex_token=token)),
     lambda source: shown.append(repr(source)))
assert len(shown) == 2 and token not in shown[0]
print("done")
""",
        "bodies learning secrets of many parts",
        seconds=30,
    )
