"""Token and plan files that are FIFOs: read without ever blocking forever."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from plex_source_client import AsyncPlexSourceClient, ConfigurationError, PlexSourceClient
from plex_source_client._files import read_bounded
from plex_source_client.cli import main
from plex_source_client.testing import FakeAuthentik

SCRIPT = str(Path(sys.executable).parent / "plex-source")
Capture = pytest.CaptureFixture[str]


@pytest.fixture
def fifo(tmp_path: Path) -> Iterator[Path]:
    path = tmp_path / "fifo"
    os.mkfifo(path)
    yield path
    with contextlib.suppress(OSError):  # a reader still blocked in open(): let it go
        os.close(os.open(path, os.O_WRONLY | os.O_NONBLOCK))


def within(seconds: float, fifo: Path, call: Callable[[], Any]) -> Any:
    """``call()``'s result, or a failed test (not a hung one) when it takes longer."""
    outcome: list[Any] = []

    def run() -> None:
        try:
            outcome.append(("value", call()))
        except BaseException as error:  # noqa: BLE001 - handed to the test
            outcome.append(("error", error))

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(seconds)
    if thread.is_alive():
        os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))  # unblock it
        pytest.fail(f"still reading {fifo} after {seconds} s")
    kind, value = outcome[0]
    if kind == "error":
        raise value
    return value


def late_writer(fifo: Path, data: bytes, delay: float = 0.3) -> threading.Thread:
    """A writer that is there at once (as process substitution's is) and writes later."""
    fd = os.open(fifo, os.O_RDWR)  # never blocks; counts as a writer from now on

    def write() -> None:
        time.sleep(delay)
        os.write(fd, data)
        os.close(fd)

    thread = threading.Thread(target=write, daemon=True)
    thread.start()
    return thread


def test_a_fifo_with_no_writer_reads_as_empty(fifo: Path) -> None:
    started = time.monotonic()
    assert within(5, fifo, lambda: read_bounded(str(fifo), 100)) == b""
    assert time.monotonic() - started < 2


def test_a_fifo_whose_writer_writes_late_is_read(fifo: Path) -> None:
    thread = late_writer(fifo, b"x" * 300)
    assert within(5, fifo, lambda: read_bounded(str(fifo), 100)) == b"x" * 101
    thread.join(5)


def test_a_writer_that_never_writes_times_out(fifo: Path) -> None:
    fd = os.open(fifo, os.O_RDWR)
    try:
        with pytest.raises(TimeoutError, match=r"no data within 0\.2 seconds"):
            read_bounded(str(fifo), 100, deadline=0.2)
    finally:
        os.close(fd)


@pytest.mark.parametrize("client_class", [PlexSourceClient, AsyncPlexSourceClient])
def test_from_env_with_a_fifo_token_file(
    fifo: Path, client_class: type[PlexSourceClient] | type[AsyncPlexSourceClient]
) -> None:
    environ = {"AUTHENTIK_URL": "https://auth.example.com", "AUTHENTIK_TOKEN_FILE": str(fifo)}
    with pytest.raises(ConfigurationError, match=r"AUTHENTIK_TOKEN_FILE: .* is empty"):
        within(5, fifo, lambda: client_class.from_env(environ=environ))
    thread = late_writer(fifo, b"a-token-from-a-pipe\n")
    client = within(5, fifo, lambda: client_class.from_env(environ=environ))
    assert client._core.settings.token.reveal() == "a-token-from-a-pipe"
    thread.join(5)


def cli(capsys: Capture, fifo: Path, *argv: str) -> tuple[int, str]:
    code = within(5, fifo, lambda: main(list(argv)))
    return code, capsys.readouterr().err


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["get", "plex", "--token-file", "{fifo}"], "API token file: {fifo} is empty"),
        (["update", "plex", "--plex-token-file", "{fifo}"], "--plex-token-file: {fifo} is empty"),
        (["apply", "{fifo}"], "{fifo}: not valid json"),
        (["update", "plex", "--from-file", "{fifo}"], "{fifo}: not valid json"),
    ],
)
def test_the_cli_with_a_fifo_that_has_no_writer(
    capsys: Capture,
    monkeypatch: pytest.MonkeyPatch,
    fifo: Path,
    argv: list[str],
    message: str,
) -> None:
    with FakeAuthentik() as fake:
        monkeypatch.setenv("AUTHENTIK_URL", fake.url)
        monkeypatch.setenv("AUTHENTIK_TOKEN", fake.token)
        monkeypatch.delenv("AUTHENTIK_TOKEN_FILE", raising=False)
        code, err = cli(capsys, fifo, *(arg.format(fifo=fifo) for arg in argv))
        assert not [r for r in fake.requests if r.method == "PATCH"]
    assert code == 2
    assert message.format(fifo=fifo) in err


def test_authentik_token_file_naming_a_fifo(
    capsys: Capture, monkeypatch: pytest.MonkeyPatch, fifo: Path
) -> None:
    monkeypatch.setenv("AUTHENTIK_URL", "https://auth.example.com")
    monkeypatch.delenv("AUTHENTIK_TOKEN", raising=False)
    monkeypatch.setenv("AUTHENTIK_TOKEN_FILE", str(fifo))
    code, err = cli(capsys, fifo, "get", "plex")
    assert (code, err) == (2, f"plex-source: AUTHENTIK_TOKEN_FILE: {fifo} is empty\n")


def test_the_cli_reads_a_fifo_a_writer_thread_fills(
    capsys: Capture, monkeypatch: pytest.MonkeyPatch, fifo: Path
) -> None:
    with FakeAuthentik() as fake:
        monkeypatch.setenv("AUTHENTIK_URL", fake.url)
        monkeypatch.delenv("AUTHENTIK_TOKEN", raising=False)
        monkeypatch.delenv("AUTHENTIK_TOKEN_FILE", raising=False)
        thread = late_writer(fifo, fake.token.encode() + b"\n")
        code, err = cli(capsys, fifo, "get", "plex", "--token-file", str(fifo))
        thread.join(5)
    assert (code, err) == (0, "")


def test_process_substitution_keeps_working() -> None:
    with FakeAuthentik() as fake:
        env = {k: v for k, v in os.environ.items() if not k.startswith("AUTHENTIK_")}
        env |= {"AUTHENTIK_URL": fake.url, "TOKEN": fake.token, "PLEX_SOURCE": SCRIPT}
        result = subprocess.run(
            [
                "/bin/bash",
                "-c",
                '"$PLEX_SOURCE" update plex --disabled --token-file <(sleep 0.3; echo "$TOKEN")'
                " --plex-token-file <(echo new-plex-token) --output json",
            ],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert (result.returncode, result.stderr) == (0, "")
        assert fake.sources["plex"]["enabled"] is False
        assert fake.sources["plex"]["plex_token"] == "new-plex-token"
