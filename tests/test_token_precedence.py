"""AUTHENTIK_TOKEN and AUTHENTIK_TOKEN_FILE both set: the SDK and the CLI refuse alike."""

from __future__ import annotations

from pathlib import Path

import pytest

from plex_source_client import AsyncPlexSourceClient, ConfigurationError, PlexSourceClient
from plex_source_client.cli import main
from plex_source_client.testing import FakeAuthentik

BOTH = "AUTHENTIK_TOKEN and AUTHENTIK_TOKEN_FILE are both set; set only one"
Clients = type[PlexSourceClient] | type[AsyncPlexSourceClient]


@pytest.mark.parametrize("client_class", [PlexSourceClient, AsyncPlexSourceClient])
def test_from_env_refuses_both(client_class: Clients, tmp_path: Path) -> None:
    (tmp_path / "token").write_text("token-from-the-file\n")
    environ = {
        "AUTHENTIK_URL": "https://auth.example.com",
        "AUTHENTIK_TOKEN": "token-from-the-variable",
        "AUTHENTIK_TOKEN_FILE": str(tmp_path / "token"),
    }
    with pytest.raises(ConfigurationError) as caught:
        client_class.from_env(environ=environ)
    assert str(caught.value) == BOTH
    client = client_class.from_env(environ=environ, token="given-explicitly")
    assert client._core.settings.token.reveal() == "given-explicitly"
    for empty in ("AUTHENTIK_TOKEN", "AUTHENTIK_TOKEN_FILE"):  # an empty one is not set
        alone = client_class.from_env(environ={**environ, empty: " "})
        assert alone._core.settings.token.reveal() in (
            "token-from-the-file",
            "token-from-the-variable",
        )


def test_the_cli_refuses_both_unless_token_file_is_given(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    with FakeAuthentik() as fake:
        (tmp_path / "token").write_text(fake.token)
        monkeypatch.setenv("AUTHENTIK_URL", fake.url)
        monkeypatch.setenv("AUTHENTIK_TOKEN", fake.token)
        monkeypatch.setenv("AUTHENTIK_TOKEN_FILE", str(tmp_path / "token"))
        assert main(["get", "plex"]) == 2
        assert capsys.readouterr().err == f"plex-source: {BOTH}\n"
        assert main(["update", "plex", "--disabled"]) == 2
        assert capsys.readouterr().err == f"plex-source: {BOTH}\n"
        assert fake.requests == []
        assert main(["get", "plex", "--token-file", str(tmp_path / "token")]) == 0
        assert capsys.readouterr().err == ""
