"""A known secret (the API token, a Plex token the PATCH sent) echoed with its hyphens turned
into underscores (``test_api_token_4f1c9d``), as servers and proxies write a value made an
identifier (``re.sub(r"\\W", "_", value)``: a cache key, a metric label): masked in every
error of both clients, a successful answer carrying it refused, the command line too
(review round 38). See tests/test_secrets_echoed_with_their_dashes_rewritten.py for the other
stand-ins.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from plex_source_client import PlexSourceError

from .fixed_server import run_main
from .payloads import SLUG, TOKEN, plex_source
from .raw_server import ScriptServer, reply
from .shown import everything_shown, shown_by_failed_get

UNDERSCORED_TOKEN = TOKEN.replace("-", "_")  # test_api_token_4f1c9d
SENT_PLEX_TOKEN = "Xq7Lm2Np-9Rt4Vw6Yz"


@pytest.mark.parametrize(
    "detail",
    [
        f"Invalid token {UNDERSCORED_TOKEN}",
        f"Token {UNDERSCORED_TOKEN}",
        f"cache key auth_{UNDERSCORED_TOKEN} expired",
        UNDERSCORED_TOKEN,
    ],
)
def test_api_token_echoed_with_underscores_for_hyphens_is_masked(
    twin: Any, api: Any, detail: str
) -> None:
    shown = shown_by_failed_get(twin, api, 401, json={"detail": detail})
    assert "4f1c9d" not in shown, shown


def test_sent_plex_token_echoed_with_underscores_for_hyphens_is_masked(twin: Any, api: Any) -> None:
    echo = SENT_PLEX_TOKEN.replace("-", "_")
    api.patch(f"/sources/plex/{SLUG}/").respond(
        400, json={"detail": f"plex.tv answered 401 for {echo}"}
    )
    with pytest.raises(PlexSourceError) as caught:
        twin.update(SLUG, options={"max_retries": 0}, plex_token=SENT_PLEX_TOKEN)
    shown = everything_shown(caught.value)
    assert "9Rt4Vw6Yz" not in shown, shown


def test_api_token_with_underscores_in_a_2xx_source_is_not_shown(twin: Any, api: Any) -> None:
    api.get(f"/sources/plex/{SLUG}/").respond(
        200, json=plex_source(name=f"session {UNDERSCORED_TOKEN}")
    )
    try:
        shown = repr(twin.call("get", SLUG))
    except PlexSourceError as error:  # refusing the answer, as an exact echo is, is fine
        shown = everything_shown(error)
    assert "4f1c9d" not in shown, shown


def test_cli_get_does_not_print_the_api_token_echoed_with_underscores() -> None:
    body = json.dumps({"detail": f"Invalid token {UNDERSCORED_TOKEN}."}).encode()
    with ScriptServer(reply(401, body, "Unauthorized")) as server:
        code, out, err, _ = run_main(
            ["get", SLUG, "--max-retries", "0"], url=server.url,
            env={"AUTHENTIK_SERVER_VERSION": "2024.8.2", "AUTHENTIK_TOKEN": TOKEN},
        )  # fmt: skip
    assert code != 0
    assert "4f1c9d" not in out + err, out + err
