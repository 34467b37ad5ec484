"""``--token-file -`` and ``--plex-token-file -`` read standard input with the time limit a
token file has (10 s): a pipe that never writes nor ends is exit 2 with a message saying
so, never a hang. The process cases run ``plex-source`` against :class:`FixedServer`; the
one waiting out the limit runs with it cut to :data:`SHORT_DEADLINE` (nothing depends on its
length but the wait).
"""

from __future__ import annotations

import fcntl
import os
import subprocess
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from plex_source_client import _files

from .fixed_server import API_TOKEN, PLEX_TOKEN, FixedServer, run_cli, run_main, source

#: The process is killed after this many seconds: well past the 10 s limit.
HARD_LIMIT = 40.0
#: The limit the process waiting it out is given instead of 10 s (its ``sitecustomize``).
SHORT_DEADLINE = 0.5
SHORT_DEADLINE_HOOK = (
    f"import plex_source_client._files as files\nfiles.READ_DEADLINE = {SHORT_DEADLINE}\n"
)


def test_standard_input_has_the_limit_a_token_file_has() -> None:
    assert _files.READ_DEADLINE == 10.0  # what --help and docs/guides/cli.md say


def test_a_standard_input_that_never_writes_ends_in_time_with_exit_2() -> None:
    cases = {
        "API token file": ["get", "plex", "--token-file", "-"],
        "--plex-token-file": ["update", "plex", "--plex-token-file", "-"],
    }
    with ThreadPoolExecutor(len(cases)) as pool:  # both at once: one wait
        runs = {
            what: pool.submit(
                run_cli, argv, stdin=subprocess.PIPE, limit=HARD_LIMIT, hook=SHORT_DEADLINE_HOOK
            )
            for what, argv in cases.items()
        }
        results = {what: run.result() for what, run in runs.items()}
    for what, (code, out, err, _) in results.items():
        assert code == 2, (what, code, err)  # -9: killed, it hung
        assert out == ""
        assert err == (
            f"plex-source: {what}: standard input (-) did not end within {SHORT_DEADLINE:g} "
            "seconds, so nothing was read from it: pipe the secret in and close the pipe, or "
            "give a file\n"
        )
        assert API_TOKEN not in err


def test_a_token_on_standard_input_is_read(tmp_path: Path) -> None:
    token = tmp_path / "token"
    token.write_text(API_TOKEN + "\n")
    with FixedServer([source(slug="plex")]) as server, token.open("rb") as stdin:
        code, out, err, _ = run_cli(
            ["get", "plex", "--token-file", "-"], url=server.url, env={"AUTHENTIK_TOKEN": ""},
            stdin=stdin.fileno(),
        )  # fmt: skip
    assert (code, err) == (0, "")
    assert '"plex"' in out
    assert API_TOKEN not in out
    assert PLEX_TOKEN not in out


def test_the_bounded_read_of_a_descriptor() -> None:
    read, write = os.pipe()
    try:
        flags = fcntl.fcntl(read, fcntl.F_GETFL)
        os.write(write, b"s3cr3t\n")
        with pytest.raises(TimeoutError):  # written, but not ended
            _files.read_descriptor_bounded(read, 64, deadline=0.3)
        assert fcntl.fcntl(read, fcntl.F_GETFL) == flags  # the shared flags left alone
        os.write(write, b"more")
        threading.Timer(0.2, os.close, [write]).start()
        write = -1
        assert _files.read_descriptor_bounded(read, 64, deadline=5) == b"more"
    finally:
        os.close(read)
        if write >= 0:
            os.close(write)


def test_the_bounded_read_stops_one_byte_past_the_limit() -> None:
    read, write = os.pipe()
    try:
        os.write(write, b"x" * 100)
        assert _files.read_descriptor_bounded(read, 10, deadline=1) == b"x" * 11
    finally:
        os.close(read)
        os.close(write)


@pytest.mark.parametrize("option", ["--token-file", "--plex-token-file"])
def test_a_token_file_holding_a_dotenv_line_is_exit_2_naming_the_slip(
    tmp_path: Path, option: str
) -> None:
    """Sent as written, ``AUTHENTIK_TOKEN=<token>`` fails as a 403 that never says why."""
    token = tmp_path / "token"
    token.write_text(f"AUTHENTIK_TOKEN={API_TOKEN}\n")
    argv = ["update", "plex", "--name", "x", option, str(token)]
    with FixedServer([source(slug="plex")]) as server:
        code, out, err, _ = run_main(argv, url=server.url)
        requests = list(server.requests)
    assert code == 2, (out, err)
    assert "holds a variable's assignment" in err
    assert API_TOKEN not in out + err
    assert requests == []


def test_a_quoted_token_variable_is_exit_2_naming_the_slip() -> None:
    """``docker run --env-file`` keeps a value's quotes: sent, the token fails as a 403."""
    with FixedServer([source(slug="plex")]) as server:
        code, out, err, _ = run_main(
            ["get", "plex"], url=server.url, env={"AUTHENTIK_TOKEN": f'"{API_TOKEN}"'}
        )
        requests = list(server.requests)
    assert code == 2, (out, err)
    assert "AUTHENTIK_TOKEN holds the secret in quotes" in err
    assert API_TOKEN not in out + err
    assert requests == []


@pytest.mark.parametrize("api_token_from", ["option", "variable"])
def test_both_secrets_from_standard_input_is_a_usage_error(api_token_from: str) -> None:
    """``--plex-token-file -`` beside an API token read from ``-`` too (the option or
    ``AUTHENTIK_TOKEN_FILE=-``): one standard input cannot hold both; said so, before any
    read (it said "--plex-token-file: - is empty", the first read having taken it all).
    """
    argv = ["update", "plex", "--plex-token-file", "-"]
    env = {"AUTHENTIK_TOKEN": ""}
    if api_token_from == "option":
        argv += ["--token-file", "-"]
    else:
        env["AUTHENTIK_TOKEN_FILE"] = "-"
    with FixedServer([source()]) as server:
        code, out, err, _ = run_main(argv, url=server.url, env=env)
        assert server.requests == []
    assert (code, out) == (2, "")
    assert "both read standard input" in err
