"""A known secret written in parts (a UUID-shaped API token: authentik lets an admin set a
token's key) echoed in a text wrapped at a narrow width (``textwrap.fill``, ``fold -s``, a
narrow column): broken after its hyphens, it spans three lines or more (review round 43:
broken once it was masked; more often, the middle lines' parts were shown), and inside a
part at a column narrower than its parts. A line break inside a word is read as nothing
when looking for known secrets (``_secrets.reading._WRAPPED``; round 49b: see
test_secrets_wrapped_at_a_line_end.py).
"""

from __future__ import annotations

import textwrap

import pytest
import respx

from .conftest import Twin
from .shown import shown_by_failed_get

#: A UUID-shaped API token (authentik lets an admin set a token's key).
UUID_TOKEN = "5e8a9f7c-1d2b-4c3a-9e8f-7a6b5c4d3e2f"
MESSAGE = f"Authentication failed: the token {UUID_TOKEN} is not valid."
LONGER = (
    f"The API token you presented, {UUID_TOKEN}, has expired and can no longer be used to "
    "authenticate."
)


def _shown_parts(shown: str) -> list[str]:
    return [part for part in UUID_TOKEN.split("-") if part in shown]


@pytest.mark.parametrize("width", [11, 12, 13, 16, 17, 18, 20, 24])
def test_the_api_token_echoed_in_text_wrapped_at_a_narrow_width_is_masked(
    twin: Twin, api: respx.MockRouter, width: int
) -> None:
    text = textwrap.fill(MESSAGE if width != 20 else LONGER, width)
    shown = shown_by_failed_get(
        twin, api, 403, content=text.encode(), headers={"content-type": "text/plain"},
        token=UUID_TOKEN,
    )  # fmt: skip
    assert not _shown_parts(shown), shown[:600]


@pytest.mark.parametrize(
    "echo",
    [
        "5e8a9f7c-\n1d2b-\n4c3a-\n9e8f-\n7a6b5c4d3e2f",  # a part per line
        "5e8a9f7c-1d2b-\n4c3a-9e8f-\n7a6b5c4d3e2f",
        "5e8a9f7c-\n1d2b-4c3a-\n9e8f-7a6b5c4d3e2f",
    ],
)
def test_the_api_token_broken_after_two_or_more_hyphens_is_masked(
    twin: Twin, api: respx.MockRouter, echo: str
) -> None:
    body = f"The API token you presented, {echo}, has expired."
    shown = shown_by_failed_get(
        twin, api, 403, content=body.encode(), headers={"content-type": "text/plain"},
        token=UUID_TOKEN,
    )  # fmt: skip
    assert not _shown_parts(shown), shown[:600]


def test_cli_get_masks_the_api_token_in_a_narrowly_wrapped_detail() -> None:
    import json

    from .fixed_server import run_main
    from .payloads import SLUG
    from .raw_server import ScriptServer, reply

    detail = textwrap.fill(MESSAGE, 17)
    body = json.dumps({"detail": detail}).encode()
    with ScriptServer(reply(401, body, "Unauthorized")) as server:
        code, out, err, _ = run_main(
            ["get", SLUG, "--max-retries", "0"], url=server.url,
            env={"AUTHENTIK_SERVER_VERSION": "2024.8.2", "AUTHENTIK_TOKEN": UUID_TOKEN},
        )  # fmt: skip
    assert code != 0, out
    assert "Traceback" not in err, err
    assert not _shown_parts(out + err), out + err
