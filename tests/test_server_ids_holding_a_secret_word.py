"""An id holding the letters of a secret's name inside it (a server id ``5kEy8CqYsoL8``:
``kEy`` between digits) names no secret: the id after it in ``allowed_servers`` is no stored
value, so ``get`` shows it and ``export`` writes it (round 53b: masked, and the export
refused). Names that do hold ``key`` as a word of their own still name a secret.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
import respx

from plex_source_client._secrets import is_secret_name

from .fixed_server import FixedServer, run_main, source
from .payloads import SLUG, plex_source

SERVERS = ["5kEy8CqYsoL8", "kh03EYQhss2V"]


@pytest.mark.parametrize("name", ["5kEy8CqYsoL8", "a5Key8", "aes256Key", "2key", "monkey"])
def test_key_inside_an_id_names_no_secret(name: str) -> None:
    assert not is_secret_name(name)


@pytest.mark.parametrize(
    "name",
    ["key", "KEY", "keys", "key2", "KEY_1", "api_key", "x-api-key", "accessKey", "sshKey", "Key"],
)
def test_key_as_a_word_names_a_secret(name: str) -> None:
    assert is_secret_name(name)


def test_both_clients_show_such_server_ids(twin: Any, api: respx.MockRouter) -> None:
    api.get(f"/sources/plex/{SLUG}/").respond(200, json=plex_source(allowed_servers=SERVERS))
    got = twin.call("get", SLUG)
    assert got.allowed_servers == SERVERS
    assert all(server in repr(got) for server in SERVERS)


def test_cli_get_shows_such_server_ids() -> None:
    with FixedServer([source(slug="s", allowed_servers=SERVERS)]) as server:
        code, out, err, _ = run_main(["get", "s", "--output", "json"], url=server.url)
    assert code == 0, err
    assert json.loads(out)["allowed_servers"] == SERVERS


def test_export_writes_such_server_ids() -> None:
    with FixedServer([source(slug="s", allowed_servers=SERVERS)]) as server:
        code, out, err, _ = run_main(["export", "--format", "json"], url=server.url)
    assert code == 0, err
    items = json.loads(out)
    items = items["items"] if isinstance(items, dict) else items
    assert items[0]["changes"]["allowed_servers"] == SERVERS
