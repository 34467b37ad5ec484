"""A secret-named field is a secret however a server spells its name: ``apiKey``,
``privateKey``, ``x-api-key`` as ``api_key`` (a newer server's camelCase field, an extra field
nested anywhere): masked in a source's repr, str and HTML, in error bodies and messages, and
in every command's output.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import respx

from plex_source_client import PlexSourceError
from plex_source_client._secrets import is_secret_name, mask_text
from plex_source_client.cli import main

from .conftest import Twin
from .payloads import SLUG, plex_source
from .raw_server import ScriptServer, reply

ENDPOINT = f"/sources/plex/{SLUG}/"
STORED = "SeCrEt-apikey-value-0123456789"


@pytest.mark.parametrize(
    "name",
    ["plex_token", "X-Plex-Token", "apiKey", "APIKEY", "api-key", "privateKey", "private_key",
     "clientSecret", "passwd", "userPassword", "x-api-key", "passphrase", "credentials",
     "keys", "signingKeys", "accesskey", "signing_key", "KEY"],
)  # fmt: skip
def test_secret_names_in_any_spelling(name: str) -> None:
    assert is_secret_name(name)


@pytest.mark.parametrize(
    "name", ["name", "slug", "client_id", "allowed_servers", "monkey", "monkeys", "keyboard"]
)
def test_ordinary_names_are_not_secret(name: str) -> None:
    assert not is_secret_name(name)


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("apiKey=k-1234567", "apiKey=***"),
        ('{"privateKey": "k-1234567"}', '{"privateKey": "***"}'),
        ("plexToken k-1234567 is bad", "plexToken *** is bad"),
        ("Token invalid/expired", "Token invalid/expired"),  # authentik's own 403 wording
    ],
)
def test_text_masks_values_after_any_spelling(text: str, shown: str) -> None:
    assert mask_text(text, ()) == shown


@pytest.mark.parametrize("key", ["apiKey", "privateKey", "x-api-key"])
def test_source_repr_shows_camelcase_secret_field(
    twin: Twin, api: respx.MockRouter, key: str
) -> None:
    """A newer server's camelCase secret field, nested in an extra field: the repr, str and
    HTML of the source mask the stored value."""
    data = plex_source(name="n")
    data["extra"] = {key: STORED}
    api.get(ENDPOINT).respond(200, json=data)
    source = twin.call("get", SLUG, options={"max_retries": 0})
    shown = repr(source) + str(source) + source._repr_html_()
    assert STORED not in shown, shown[:800]


@pytest.mark.parametrize("key", ["apiKey", "privateKey"])
def test_400_body_shows_camelcase_secret_field(twin: Twin, api: respx.MockRouter, key: str) -> None:
    """A 400 JSON body holding ``{"apiKey": ...}``: masked in the error message and .body."""
    api.get(ENDPOINT).respond(400, content=json.dumps({key: STORED, "name": ["bad"]}).encode())
    with pytest.raises(PlexSourceError) as caught:
        twin.call("get", SLUG, options={"max_retries": 0})
    error = caught.value
    shown = str(error) + repr(getattr(error, "body", "")) + repr(vars(error))
    assert STORED not in shown, shown[:600]


@pytest.mark.parametrize(
    "command",
    [
        ["get", SLUG],
        ["get", SLUG, "--output", "json"],
        ["export", SLUG, "--format", "json"],
        ["plan", "{plan}"],
        ["apply", "{plan}", "--check"],
    ],
)
def test_cli_prints_camelcase_secret_field(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    command: list[str],
) -> None:
    """A newer server's ``apiKey`` field, repeated in ``name``: masked by every command."""
    data = plex_source(name=STORED)
    data["apiKey"] = STORED
    server = ScriptServer(reply(200, json.dumps(data).encode()))
    monkeypatch.setenv("AUTHENTIK_URL", server.url)
    monkeypatch.setenv("AUTHENTIK_TOKEN", "tok-SECRET-api-1234567890")
    monkeypatch.setenv("AUTHENTIK_SERVER_VERSION", "2024.8.2")
    plan = tmp_path / "plan.json"
    plan.write_text(json.dumps([{"slug": SLUG, "changes": {"name": "New"}}]))
    argv = [part.replace("{plan}", str(plan)) for part in command]
    with server:
        code = main(argv)
    captured = capsys.readouterr()
    assert STORED not in captured.out + captured.err, (code, captured.out, captured.err)


KEY_VALUE = "StoredKeyValue-0123456789abcdef"


@pytest.mark.parametrize("key", ["signing_key", "signingKey", "access_key", "encryption_key"])
def test_source_repr_masks_a_field_named_key(twin: Twin, api: respx.MockRouter, key: str) -> None:
    """A field whose name has *key* as a word (``signing_key``, ``signingKey``) that a newer
    server returns is masked in the source's repr and HTML."""
    data = plex_source()
    data[key] = KEY_VALUE
    api.get(ENDPOINT).respond(200, json=data)
    source = twin.call("get", SLUG, options={"max_retries": 0})
    shown = repr(source) + source._repr_html_()
    assert KEY_VALUE not in shown, shown[-300:]


def test_cli_get_json_masks_a_field_named_key(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """``plex-source get --output json`` masks a server's ``signing_key`` value."""
    data = plex_source()
    data["signing_key"] = KEY_VALUE
    server = ScriptServer(reply(200, json.dumps(data).encode()))
    monkeypatch.setenv("AUTHENTIK_URL", server.url)
    monkeypatch.setenv("AUTHENTIK_TOKEN", "tok-SECRET-api-1234567890")
    monkeypatch.setenv("AUTHENTIK_SERVER_VERSION", "2024.8.2")
    with server:
        code = main(["get", SLUG, "--output", "json"])
    captured = capsys.readouterr()
    assert KEY_VALUE not in captured.out + captured.err, (code, captured.out[-400:])


PLURAL_STORED = "SeCrEtValue0123456789abcdef"


@pytest.mark.parametrize("key", ["keys", "access_keys", "signingKeys", "accesskey", "passphrase"])
def test_plural_and_joined_key_names_are_secret_in_a_source(
    twin: Twin, api: respx.MockRouter, key: str
) -> None:
    """A newer server's field named ``keys`` / ``access_keys`` / ``signingKeys`` (a plural
    "key"), ``accesskey`` (joined lowercase) or ``passphrase`` holds a secret: masked in the
    source's repr, str and HTML."""
    data = plex_source(name="n")
    data["extra"] = {key: [PLURAL_STORED]}
    api.get(ENDPOINT).respond(200, json=data)
    source = twin.call("get", SLUG, options={"max_retries": 0})
    shown = repr(source) + str(source) + source._repr_html_()
    assert PLURAL_STORED not in shown, shown[:600]


@pytest.mark.parametrize("key", ["keys", "access_keys", "signingKeys", "accesskey", "passphrase"])
def test_plural_and_joined_key_names_are_secret_in_an_error_body(
    twin: Twin, api: respx.MockRouter, key: str
) -> None:
    """The same names in a 400 JSON body: masked in the error's message, ``.body`` and
    ``.errors``."""
    api.get(ENDPOINT).respond(400, json={key: PLURAL_STORED, "name": ["bad"]})
    with pytest.raises(PlexSourceError) as caught:
        twin.call("get", SLUG, options={"max_retries": 0})
    shown = str(caught.value) + repr(caught.value) + repr(vars(caught.value))
    assert PLURAL_STORED not in shown, shown[:600]
