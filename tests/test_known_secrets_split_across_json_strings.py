"""A known secret split across a JSON value's strings: a UUID-shaped API token cut at its
hyphens into a list's items (a server that split the ``Authorization`` header), a token cut
anywhere into items or members. An error masks the items that spell it together (a message
item beside them stays), or the whole body when the pieces sit in different members; a
successful answer holding it so is refused; a text listing the parts (``, `` between them,
a line each) is masked too.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
import respx

from plex_source_client import PlexSourceError, UnexpectedResponse
from plex_source_client._secrets import mask_json, redact

from .fixed_server import FixedServer, run_main
from .payloads import SLUG, plex_source
from .shown import everything_shown

UUID_TOKEN = "3f1c7e2a-8b4d-4c1e-9a2b-7d6e5f4a3b2c"
PARTS = UUID_TOKEN.split("-")
#: A token of no parts, cut in the middle.
PLAIN_TOKEN = "Zq8xPL2vKm4nRw7tYb3c"
HALVES = [PLAIN_TOKEN[:10], PLAIN_TOKEN[10:]]


def shown_pieces(text: str, pieces: list[str]) -> list[str]:
    return [piece for piece in pieces if piece in text]


def failed_get(twin: Any, api: respx.MockRouter, token: str, status: int, **answer: Any) -> str:
    api.get(f"/sources/plex/{SLUG}/").respond(status, **answer)
    with pytest.raises(PlexSourceError) as caught:
        twin.call("get", SLUG, options={"token": token, "max_retries": 0})
    return everything_shown(caught.value)


@pytest.mark.parametrize(
    "body",
    [{"detail": PARTS}, {"detail": ["Invalid token", *PARTS]}, {"errors": [[*PARTS], "x"]}],
    ids=["detail-list", "message-then-parts", "nested-list"],
)
def test_error_listing_the_api_token_part_by_part(
    twin: Any, api: respx.MockRouter, body: dict[str, Any]
) -> None:
    shown = failed_get(twin, api, UUID_TOKEN, 403, json=body)
    assert shown_pieces(shown, PARTS) == []


def test_error_listing_a_token_cut_in_halves(twin: Any, api: respx.MockRouter) -> None:
    shown = failed_get(twin, api, PLAIN_TOKEN, 403, json={"detail": [*HALVES, "Invalid"]})
    assert shown_pieces(shown, HALVES) == []


def test_error_with_the_pieces_in_different_members(twin: Any, api: respx.MockRouter) -> None:
    """Pieces in members of their own (no list to mask item by item): the body is masked
    whole.
    """
    body = {"scheme": "Bearer", "head": HALVES[0], "tail": HALVES[1]}
    shown = failed_get(twin, api, PLAIN_TOKEN, 403, json=body)
    assert shown_pieces(shown, HALVES) == []
    assert "-> 403: ***" in shown


def test_error_with_the_pieces_as_a_key_and_its_value(twin: Any, api: respx.MockRouter) -> None:
    shown = failed_get(twin, api, PLAIN_TOKEN, 403, json={HALVES[0]: HALVES[1]})
    assert shown_pieces(shown, HALVES) == []


def test_the_items_beside_the_pieces_stay_shown() -> None:
    assert mask_json({"detail": ["Invalid token", *PARTS, "retry"]}, (UUID_TOKEN,)) == {
        "detail": ["Invalid token", *["***"] * len(PARTS), "retry"]
    }
    # A whole secret in one item is masked as any text is: its words stay.
    masked = mask_json({"detail": [f"Invalid token {UUID_TOKEN}"]}, (UUID_TOKEN,))
    assert masked == {"detail": ["Invalid token ***"]}


@pytest.mark.parametrize(
    "text",
    [", ".join(PARTS), " ".join(PARTS), json.dumps(PARTS), json.dumps(PARTS, indent=2)],
    ids=["comma", "space", "json-list", "json-lines"],
)
def test_a_text_listing_the_parts_is_masked(text: str) -> None:
    assert shown_pieces(redact(text, (UUID_TOKEN,)), PARTS) == []


@pytest.mark.parametrize(
    ("token", "servers"),
    [(UUID_TOKEN, PARTS), (PLAIN_TOKEN, HALVES)],
    ids=["uuid-parts", "halves"],
)
def test_2xx_listing_the_api_token_in_pieces_is_refused(
    twin: Any, api: respx.MockRouter, token: str, servers: list[str]
) -> None:
    api.get(f"/sources/plex/{SLUG}/").respond(200, json=plex_source(allowed_servers=servers))
    with pytest.raises(UnexpectedResponse) as caught:
        twin.call("get", SLUG, options={"token": token, "max_retries": 0})
    assert "contains your API token" in str(caught.value)
    assert shown_pieces(everything_shown(caught.value), servers) == []


def test_cli_get_of_a_source_listing_the_api_token_part_by_part() -> None:
    with FixedServer([plex_source(allowed_servers=PARTS)]) as server:
        code, out, err, _ = run_main(
            ["get", SLUG], url=server.url, env={"AUTHENTIK_TOKEN": UUID_TOKEN}
        )
    assert code != 0
    assert shown_pieces(out + err, PARTS) == [], (code, out, err)


def test_an_error_body_of_many_lists_and_stored_secrets_is_searched_a_few_times(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A hostile body storing 40 secrets whole beside 20,000 small lists: the lists are
    searched once for them all, not once per secret (4.4 s for 850 KB before). Counted: the
    searches for one secret at a time are a few per secret and per list spelling one, not
    one per secret and list (800,000).
    """
    from plex_source_client._secrets import json_stored_secrets, split

    body: dict[str, Any] = {f"l{n}": ["a", "b"] for n in range(20_000)}
    body.update({f"plex_token_{n}": f"Tok{n:08d}AbcdefghXYZ" for n in range(40)})
    body["detail"] = PARTS
    searches: list[int] = []
    holds = split._holds

    def counting(text: str, long_: tuple[str, ...]) -> bool:
        searches.append(len(long_))
        return holds(text, long_)

    monkeypatch.setattr(split, "_holds", counting)
    masked = mask_json(body, (UUID_TOKEN, *json_stored_secrets(body)))
    assert masked["detail"] == ["***"] * len(PARTS)
    assert len(searches) <= 1_000
