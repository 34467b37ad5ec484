"""``export -o FILE`` leaves no file unsafe: an existing file is replaced only with --force,
atomically (a failure leaves it byte-identical, no temporary file behind), a file holding
the Plex token is 0600 whatever the old one was, and a symbolic link is never written
through. Each case runs ``plex-source`` against :class:`FixedServer`: in this process
(:func:`run_main`), but for a failing disk, broken in a process by its ``sitecustomize``.
"""

from __future__ import annotations

import errno
import json
import os
import stat
import tomllib
from collections.abc import Iterator
from pathlib import Path

import pytest

from plex_source_client.cli import outfile
from plex_source_client.cli.exits import UsageError

from .fixed_server import API_TOKEN, PLEX_TOKEN, FixedServer, run_cli, run_main, source

OLD = b'# my own plan, by hand\n[[items]]\nslug = "plex-eu"\n'


@pytest.fixture(scope="module")
def server() -> Iterator[FixedServer]:
    with FixedServer(
        [source(slug="plex", name="Plex"), source(slug="odd", name="odd \ud800")]
    ) as s:
        yield s


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    folder = tmp_path / "out"
    folder.mkdir()
    return folder


def old_file(path: Path, mode: int = 0o644) -> Path:
    path.write_bytes(OLD)
    path.chmod(mode)
    return path


def mode_of(path: Path) -> int:
    return stat.S_IMODE(path.lstat().st_mode)


def assert_clean(code: int, out: str, err: str, expected: int) -> None:
    assert code == expected, err
    assert "Traceback" not in out + err
    assert API_TOKEN not in out + err
    assert PLEX_TOKEN not in out + err


@pytest.mark.parametrize("secrets", [[], ["--include-secrets"]])
def test_an_existing_file_is_refused_without_force(
    server: FixedServer, folder: Path, secrets: list[str]
) -> None:
    plan = old_file(folder / "plex-sources.toml")
    before = len(server.requests)
    code, out, err, _ = run_main(["export", "-o", str(plan), *secrets], url=server.url)
    assert_clean(code, out, err, 2)
    assert err == f"plex-source: -o {plan}: the file exists; add --force to replace it\n"
    assert (plan.read_bytes(), mode_of(plan)) == (OLD, 0o644)
    assert sorted(os.listdir(folder)) == ["plex-sources.toml"]
    assert len(server.requests) == before  # refused before reading anything


@pytest.mark.parametrize("kind", ["fifo", "folder", "socket"])
@pytest.mark.parametrize("force", [[], ["--force"]])
def test_a_device_a_pipe_or_a_folder_is_never_replaced(
    server: FixedServer, folder: Path, kind: str, force: list[str]
) -> None:
    """``-o /dev/null --force`` run as root put a regular file in the device's place (review
    round 17): what is no file is refused, ``--force`` or not, and left as it was.
    """
    import socket

    target = folder / "target"
    if kind == "fifo":
        os.mkfifo(target)
    elif kind == "folder":
        target.mkdir()
    else:
        listener = socket.socket(socket.AF_UNIX)
        listener.bind(str(target))
    try:
        before = target.lstat().st_mode
        code, out, err, _ = run_main(["export", "-o", str(target), *force], url=server.url)
        assert_clean(code, out, err, 2)
        assert "not a file (a device, a pipe or a folder)" in err, err
        assert target.lstat().st_mode == before
        assert sorted(os.listdir(folder)) == ["target"]
    finally:
        if kind == "socket":
            listener.close()


def test_force_replaces_the_file_whole(server: FixedServer, folder: Path) -> None:
    plan = old_file(folder / "plex-sources.toml", 0o640)
    code, out, err, _ = run_main(["export", "plex", "-o", str(plan), "--force"], url=server.url)
    assert_clean(code, out, err, 0)
    assert out == ""
    written = tomllib.loads(plan.read_text())
    assert [item["slug"] for item in written["items"]] == ["plex"]
    assert PLEX_TOKEN not in plan.read_text()
    assert API_TOKEN not in plan.read_text()
    umask = os.umask(0)
    os.umask(umask)
    assert mode_of(plan) == 0o666 & ~umask  # a new file, as any new file
    assert sorted(os.listdir(folder)) == ["plex-sources.toml"]  # no temporary file left


def test_a_file_with_secrets_is_0600_even_over_a_0644_file(
    server: FixedServer, folder: Path
) -> None:
    plan = old_file(folder / "plex.json")
    argv = ["export", "plex", "--include-secrets", "-o", str(plan), "--force"]
    code, out, err, _ = run_main(argv, url=server.url)
    assert_clean(code, out, err, 0)
    assert mode_of(plan) == 0o600
    [item] = json.loads(plan.read_text())["items"]
    assert item["changes"]["plex_token"] == PLEX_TOKEN
    assert API_TOKEN not in plan.read_text()
    new = folder / "new.toml"  # and a new one
    code, out, err, _ = run_main([*argv[:3], "-o", str(new)], url=server.url)
    assert_clean(code, out, err, 0)
    assert (mode_of(new), PLEX_TOKEN in new.read_text()) == (0o600, True)


@pytest.mark.parametrize("dangling", [False, True])
def test_a_symlink_is_never_written_through(
    server: FixedServer, folder: Path, tmp_path: Path, dangling: bool
) -> None:
    victim = tmp_path / "victim"
    if not dangling:
        old_file(victim)
    link = folder / "plex.toml"
    link.symlink_to(victim)
    argv = ["export", "plex", "--include-secrets", "-o", str(link)]
    code, out, err, _ = run_main(argv, url=server.url)
    assert_clean(code, out, err, 2)
    assert "the file exists; add --force" in err
    assert link.is_symlink()
    code, out, err, _ = run_main([*argv, "--force"], url=server.url)
    assert_clean(code, out, err, 0)
    assert not link.is_symlink()  # the link itself replaced by the new file
    assert (mode_of(link), PLEX_TOKEN in link.read_text()) == (0o600, True)
    if dangling:
        assert not victim.exists()
    else:
        assert (victim.read_bytes(), mode_of(victim)) == (OLD, 0o644)


def test_a_lone_surrogate_is_escaped_in_json_and_leaves_an_old_toml_file_as_it_was(
    server: FixedServer, folder: Path
) -> None:
    plan = old_file(folder / "plex.toml")
    argv = ["export", "odd", "-o", str(plan), "--force"]
    code, out, err, _ = run_main(argv, url=server.url)
    assert_clean(code, out, err, 2)  # TOML cannot hold it: refused, not an internal error
    assert err == (
        "plex-source: odd: a value holds a lone surrogate (such as \\ud800), which TOML cannot "
        "hold: export as JSON (JSON escapes it: -o FILE.json, or --format json); nothing was "
        "written\n"
    )
    assert (plan.read_bytes(), mode_of(plan)) == (OLD, 0o644)
    assert sorted(os.listdir(folder)) == ["plex.toml"]
    as_json = old_file(folder / "plex.json")
    code, out, err, _ = run_main(["export", "odd", "-o", str(as_json), "--force"], url=server.url)
    assert_clean(code, out, err, 0)
    assert "odd \\ud800" in as_json.read_text(encoding="utf-8")  # JSON's escape: valid UTF-8
    assert json.loads(as_json.read_text())["items"][0]["changes"]["name"] == "odd \ud800"
    code, out, err, _ = run_main(["export", "odd", "--format", "json"], url=server.url)
    assert_clean(code, out, err, 0)
    assert json.loads(out)["items"][0]["changes"]["name"] == "odd \ud800"


#: Run first in the process: writing the file's data fails as on a full disk.
FULL_DISK = (
    "import errno, os\n"
    "def fsync(fd):\n"
    "    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))\n"
    "os.fsync = fsync\n"
)


@pytest.mark.parametrize("secrets", [[], ["--include-secrets"]])
def test_a_failure_while_writing_leaves_the_old_file_and_no_temporary_file(
    server: FixedServer, folder: Path, secrets: list[str]
) -> None:
    plan = old_file(folder / "plex.toml")
    argv = ["export", "plex", "-o", str(plan), "--force", *secrets]
    code, out, err, _ = run_cli(argv, url=server.url, hook=FULL_DISK)  # a process: the hook
    assert_clean(code, out, err, 2)
    assert err == f"plex-source: -o {plan}: cannot write: No space left on device\n"
    assert (plan.read_bytes(), mode_of(plan)) == (OLD, 0o644)
    assert sorted(os.listdir(folder)) == ["plex.toml"]


def test_an_interrupt_while_writing_removes_the_temporary_file(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    plan = old_file(folder / "plex.toml")

    def interrupted(fd: int) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "fsync", interrupted)
    with pytest.raises(KeyboardInterrupt):
        outfile.write_output_file(str(plan), "new", private=True, force=True, option="-o")
    assert plan.read_bytes() == OLD
    assert sorted(os.listdir(folder)) == ["plex.toml"]


def test_the_temporary_file_is_0600_before_a_byte_is_written(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    created = []
    new_file = outfile._new_file

    def watched(*args: object, **kwargs: object) -> tuple[int, str]:
        fd, path = new_file(*args, **kwargs)  # type: ignore[arg-type]
        created.append((stat.S_IMODE(os.fstat(fd).st_mode), os.fstat(fd).st_size, path))
        return fd, path

    monkeypatch.setattr(outfile, "_new_file", watched)
    plan = old_file(folder / "plex.toml")
    outfile.write_output_file(str(plan), PLEX_TOKEN, private=True, force=True, option="-o")
    [(mode, size, path)] = created
    assert (mode, size) == (0o600, 0)
    assert Path(path).parent == folder  # the same folder: the rename cannot cross devices
    assert (plan.read_text(), mode_of(plan)) == (PLEX_TOKEN, 0o600)


def test_a_file_made_after_the_check_is_still_not_replaced(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    plan = old_file(folder / "plex.toml")
    monkeypatch.setattr(os.path, "lexists", lambda path: False)  # as if made just after it
    with pytest.raises(UsageError, match="the file exists; add --force to replace it"):
        outfile.write_output_file(str(plan), "new", private=False, force=False, option="-o")
    assert plan.read_bytes() == OLD
    assert sorted(os.listdir(folder)) == ["plex.toml"]


def test_a_file_system_without_hard_links_still_never_replaces(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_links(*args: object, **kwargs: object) -> None:
        raise OSError(errno.EPERM, "Operation not permitted")

    monkeypatch.setattr(os, "link", no_links)
    new = folder / "new.toml"
    outfile.write_output_file(str(new), "new", private=False, force=False, option="-o")
    assert new.read_text() == "new"
    assert sorted(os.listdir(folder)) == ["new.toml"]


def test_the_help_says_what_force_does_with_a_link() -> None:
    code, out, err, _ = run_main(["export", "--help"])
    assert code == 0, err
    flat = " ".join(out.split())
    assert "--force replace FILE if it exists (default: refused); a symbolic link at FILE" in flat
    assert "never followed" in flat
