"""A CA bundle that cannot be used (``verify="/path"``, ``SSL_CERT_FILE``, ``SSL_CERT_DIR``) is
the user's configuration error: a ConfigurationError naming the setting, the path and what is
wrong with it, from either client's constructor, and exit code 2 from the CLI. A path that is
no regular file (a FIFO, a directory) is refused before OpenSSL opens it: a FIFO never blocks.
(Issue 18, round 13, finding 6.)
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from plex_source_client import AsyncPlexSourceClient, ConfigurationError, PlexSourceClient

from .conftest import Twin

URL = "http://127.0.0.1:9"
TOKEN = "tok-abc-1234567890"


@pytest.fixture(autouse=True)
def no_trust_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SSL_CERT_FILE", raising=False)
    monkeypatch.delenv("SSL_CERT_DIR", raising=False)


def bad_path(tmp_path: Path, what: str) -> tuple[str, str]:
    """A CA bundle path that cannot be used, and the reason a message should give."""
    if what == "missing":
        return str(tmp_path / "nowhere" / "ca.pem"), "No such file or directory"
    if what == "directory":
        return str(tmp_path), "it is a directory, not a file"
    if what == "device":
        return "/dev/null", "it is a device, not a file"
    garbage = tmp_path / "bad.pem"
    garbage.write_text("not a certificate")
    return str(garbage), "no certificate"


def construct(kind: str, **options: object) -> None:
    """Make (and close) a client of ``kind``: the async one's transport is made at once too."""
    cls = PlexSourceClient if kind == "sync" else AsyncPlexSourceClient
    client = cls(url=URL, token=TOKEN, **options)  # type: ignore[arg-type]
    if isinstance(client, PlexSourceClient):
        client.close()


BAD = ["missing", "directory", "device", "garbage"]


@pytest.mark.parametrize("what", BAD)
def test_ssl_cert_file_that_cannot_be_used_is_a_configuration_error(
    twin: Twin, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, what: str
) -> None:
    path, reason = bad_path(tmp_path, what)
    monkeypatch.setenv("SSL_CERT_FILE", path)
    with pytest.raises(ConfigurationError) as caught:
        construct(twin.kind)
    message = str(caught.value)
    assert message.startswith(f"SSL_CERT_FILE: cannot load CA bundle {path!r}: "), message
    assert reason.lower() in message.lower(), message


@pytest.mark.parametrize("what", BAD)
def test_verify_path_that_cannot_be_used_is_a_configuration_error(
    twin: Twin, tmp_path: Path, what: str
) -> None:
    path, reason = bad_path(tmp_path, what)
    with pytest.raises(ConfigurationError) as caught:
        construct(twin.kind, verify=path)
    message = str(caught.value)
    assert message.startswith(f"verify: cannot load CA bundle {path!r}: "), message
    assert reason.lower() in message.lower(), message


@pytest.mark.parametrize(
    ("what", "reason"),
    [("missing", "No such file or directory"), ("file", "it is a file, not a directory")],
)
def test_ssl_cert_dir_that_is_no_directory_is_a_configuration_error(
    twin: Twin, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, what: str, reason: str
) -> None:
    """httpx reads SSL_CERT_DIR when SSL_CERT_FILE is not set; OpenSSL would take a missing
    directory silently and fail every TLS handshake later.
    """
    path = tmp_path / "certs"
    if what == "file":
        path.write_text("")
    monkeypatch.setenv("SSL_CERT_DIR", str(path))
    with pytest.raises(ConfigurationError) as caught:
        construct(twin.kind)
    assert str(caught.value) == f"SSL_CERT_DIR: cannot load CA directory {str(path)!r}: {reason}"


def test_good_ssl_cert_dir_and_file_are_still_loaded(
    twin: Twin, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    import certifi

    monkeypatch.setenv("SSL_CERT_DIR", str(tmp_path))
    construct(twin.kind)
    monkeypatch.setenv("SSL_CERT_FILE", certifi.where())  # wins over SSL_CERT_DIR, as in httpx
    monkeypatch.setenv("SSL_CERT_DIR", str(tmp_path / "missing"))
    construct(twin.kind)
    construct(twin.kind, verify=certifi.where())


@pytest.mark.parametrize(
    ("how", "kind"),
    [
        ("verify", "sync"),
        ("verify", "async"),
        ("SSL_CERT_FILE", "sync"),
        ("SSL_CERT_FILE", "async"),
        ("SSL_CERT_DIR", "sync"),
    ],
)
def test_a_fifo_as_ca_bundle_is_refused_without_blocking(
    tmp_path: Path, how: str, kind: str
) -> None:
    """OpenSSL opens a CA bundle with a blocking ``open()``: a FIFO with no writer would hang
    the constructor for good. Run in a process of its own, killed if it hangs. (A FIFO as
    SSL_CERT_DIR is no directory: refused just the same.)
    """
    fifo = tmp_path / "ca.pem"
    os.mkfifo(fifo)
    cls = "PlexSourceClient" if kind == "sync" else "AsyncPlexSourceClient"
    verify = f", verify={str(fifo)!r}" if how == "verify" else ""
    code = (
        "import plex_source_client as p\n"
        "try:\n"
        f"    p.{cls}(url='http://127.0.0.1:9', token='tok-abc-1234567890'{verify})\n"
        "except p.ConfigurationError as error:\n"
        "    print(error)\n"
    )
    env = {k: v for k, v in os.environ.items() if k not in ("SSL_CERT_FILE", "SSL_CERT_DIR")}
    if how != "verify":
        env[how] = str(fifo)
    try:
        done = subprocess.run(
            [sys.executable, "-c", code], env=env, timeout=20, check=False, capture_output=True,
            text=True,
        )  # fmt: skip
    except subprocess.TimeoutExpired:
        pytest.fail(f"{cls}(...) still blocked after 20 s opening a FIFO CA bundle ({how})")
    assert done.returncode == 0, done.stderr
    assert "FIFO" in done.stdout, done.stdout


@pytest.mark.parametrize("what", ["missing", "fifo"])
def test_cli_reports_a_bad_ssl_cert_file_as_a_configuration_error(
    tmp_path: Path, what: str
) -> None:
    """Exit code 2 (usage or configuration), the variable named; not "internal error" (5),
    and not a hang on a FIFO.
    """
    from .fixed_server import FixedServer, run_cli, source

    path = tmp_path / "ca.pem"
    if what == "fifo":
        os.mkfifo(path)
    with FixedServer([source(slug="a")]) as server:
        code, _, err, _ = run_cli(
            ["get", "a"], url=server.url, env={"SSL_CERT_FILE": str(path)}, limit=20
        )
    assert code != -9, "killed after 20 s: plex-source hung opening SSL_CERT_FILE"
    assert code == 2, err
    assert "internal error" not in err, err
    assert f"SSL_CERT_FILE: cannot load CA bundle {str(path)!r}" in err, err


@pytest.mark.parametrize("cls", [PlexSourceClient, AsyncPlexSourceClient])
def test_a_long_ca_bundle_path_is_named_whole(tmp_path: Path, cls: type) -> None:
    """A CI runner's deep work folder: the message names the whole path, so it can be found."""
    deep = tmp_path.joinpath(*(["work-folder-of-a-ci-runner"] * 10), "ca.pem")
    assert len(str(deep)) > 250
    with pytest.raises(ConfigurationError) as caught:
        cls(url="http://127.0.0.1:9", token="tok-abc-1234567890", verify=str(deep))
    assert f"verify: cannot load CA bundle {str(deep)!r}: " in str(caught.value)
