"""An HTML table whose cells span many columns (``colspan=999`` on every cell, the reader's
cap) is masked in linear time: each cell was copied once per column it spans, and the header
check read every copy, twice per error (1 MiB: ~19 s; review round 38). A row wider than
1,000 columns is no header (an accepted limit). Hang guards, in a child killed after 20 s;
a secret column spanning several is still masked.
"""

from __future__ import annotations

from plex_source_client._secrets.tables import mask_html_tables

from .shown import finishes_in_a_child


def test_a_1_mib_page_of_wide_cells_is_masked_in_linear_time() -> None:
    finishes_in_a_child(
        """
import asyncio, contextlib, respx
from plex_source_client import AsyncPlexSourceClient, PlexSourceClient, PlexSourceError
from tests.payloads import SLUG
URL = "https://auth.example.com"
for named in (True, False):
    head = "<table><tr><th colspan=999>plex_token</th></tr>" if named else "<table>"
    body = (head + "<tr><td colspan=999>x</td></tr>" * 35_000).encode()
    with respx.mock(base_url=URL + "/api/v3", assert_all_called=False) as api:
        html = {"Content-Type": "text/html"}
        api.route(path__regex=".*").respond(400, content=body, headers=html)
        with PlexSourceClient(url=URL, token="tok-FIXED-api-0123456789abcdef", max_retries=0) as c:
            with contextlib.suppress(PlexSourceError):
                c.get(SLUG)
        async def run():
            async with AsyncPlexSourceClient(
                url=URL, token="tok-FIXED-api-0123456789abcdef", max_retries=0
            ) as c:
                with contextlib.suppress(PlexSourceError):
                    await c.get(SLUG)
        asyncio.run(run())
print("done")
""",
        "a 1 MiB HTML page of cells spanning 999 columns",
    )


def test_a_secret_column_spanning_several_is_masked() -> None:
    page = (
        "<table><tr><th>slug</th><th colspan=2>plex_token</th></tr>"
        "<tr><td>plex</td><td>Ab12Cd34Ef56</td><td>Gh78Ij90Kl12</td></tr></table>"
    )
    found: dict[str, None] = {}
    masked = mask_html_tables(page, found)
    assert "Ab12Cd34Ef56" not in masked
    assert "Gh78Ij90Kl12" not in masked
    assert "<td>plex</td>" in masked


def test_a_row_wider_than_a_header_can_be_is_read_as_words() -> None:
    page = (
        "<table><tr><th>plex_token</th></tr>"
        "<tr><td colspan=999>Ab12Cd34Ef56</td><td colspan=999>x</td></tr></table>"
    )
    masked = mask_html_tables(page, {})
    assert "Ab12Cd34Ef56" not in masked  # a row that does not line up: token-like words masked
