"""A secret pasted where its file's path goes (``AUTHENTIK_TOKEN_FILE=<the token>``,
``--token-file <the token>``, ``--plex-token-file <the Plex token>``) is never printed: a path
that does not exist is described by the setting, the OS's reason and the deepest directory of
it that exists, never quoted. A path that exists (a directory, a file that cannot be read) is
on disk, no secret, and still named. (Issue 18, round 13, finding 10.)
"""

from __future__ import annotations

from pathlib import Path

import pytest

from plex_source_client import AsyncPlexSourceClient, ConfigurationError, PlexSourceClient

from .conftest import Twin
from .fixed_server import API_TOKEN, FixedServer, run_main, source

#: Secrets as they are pasted: authentik's token, and one of ``openssl rand -base64`` (a
#: bootstrap token may be), whose ``/`` makes it look like a path.
PASTED = [API_TOKEN, "Zm9vYmFy/c2VjcmV0+dG9rZW4xMjM0NTY3OA=="]


@pytest.mark.parametrize("pasted", PASTED)
@pytest.mark.parametrize("how", ["env", "option"])
def test_cli_does_not_print_an_api_token_given_as_the_token_file_path(
    how: str, pasted: str
) -> None:
    with FixedServer([source(slug="a")]) as server:
        if how == "env":
            argv = ["get", "a"]
            env = {"AUTHENTIK_TOKEN": "", "AUTHENTIK_TOKEN_FILE": pasted}
        else:
            argv = ["get", "a", "--token-file", pasted]
            env = {"AUTHENTIK_TOKEN": ""}
        code, out, err, _ = run_main(argv, url=server.url, env=env)
    assert code == 2
    assert pasted not in out + err, err
    assert pasted.split("/")[0] not in out + err, err
    what = "AUTHENTIK_TOKEN_FILE" if how == "env" else "API token file"
    assert err == (
        f"plex-source: {what}: cannot read the file: No such file or directory (its path is "
        "not shown, in case it is the secret itself)\n"
    )


def test_cli_does_not_print_a_plex_token_given_as_its_file_path() -> None:
    pasted = "ptok-PASTED-abcdef0123456789"
    with FixedServer([source(slug="a")]) as server:
        code, out, err, _ = run_main(["update", "a", "--plex-token-file", pasted], url=server.url)
        assert server.requests == []
    assert code == 2
    assert pasted not in out + err, err
    assert "--plex-token-file: cannot read the file: No such file or directory" in err, err


@pytest.mark.parametrize("pasted", PASTED)
def test_token_file_from_the_environment_does_not_echo_a_pasted_token(
    twin: Twin, pasted: str
) -> None:
    with pytest.raises(ConfigurationError) as caught:
        twin.client_class.from_env(
            environ={"AUTHENTIK_URL": "http://127.0.0.1:9", "AUTHENTIK_TOKEN_FILE": pasted}
        )
    message = str(caught.value)
    assert pasted not in message, message
    assert message == (
        "AUTHENTIK_TOKEN_FILE: cannot read the file: No such file or directory (its path is "
        "not shown, in case it is the secret itself)"
    )


def test_a_mistyped_path_names_the_directory_that_exists(tmp_path: Path) -> None:
    """``/run/secrets/tokn``: the directory is named, so the typo can be found."""
    typo = tmp_path / "secrets" / "tokn"
    typo.parent.mkdir()
    for cls in (PlexSourceClient, AsyncPlexSourceClient):
        with pytest.raises(ConfigurationError) as caught:
            cls.from_env(environ={"AUTHENTIK_URL": "http://x:9", "AUTHENTIK_TOKEN_FILE": str(typo)})
        message = str(caught.value)
        assert "tokn" not in message, message
        assert message.endswith(f"; of its directories, {str(typo.parent)!r} exists)"), message


def test_a_path_that_exists_but_cannot_be_read_is_named(tmp_path: Path) -> None:
    """A directory is on disk: naming it leaks nothing, and says what is wrong."""
    with FixedServer([source(slug="a")]) as server:
        code, _, err, _ = run_main(
            ["get", "a", "--token-file", str(tmp_path)], url=server.url,
            env={"AUTHENTIK_TOKEN": ""},
        )  # fmt: skip
    assert (code, err) == (
        2,
        f"plex-source: API token file: cannot read {tmp_path}: Is a directory\n",
    )
