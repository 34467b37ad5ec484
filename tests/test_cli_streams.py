"""``plex-source``'s output streams: a reader that goes away (``| head -1``) and text the
encoding cannot hold never fail a command.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from plex_source_client.cli import main
from plex_source_client.testing import FakeAuthentik

SCRIPT = str(Path(sys.executable).parent / "plex-source")


def environment(fake: FakeAuthentik) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AUTHENTIK_")}
    return env | {"AUTHENTIK_URL": fake.url, "AUTHENTIK_TOKEN": fake.token}


def run_with_closed_stdout(fake: FakeAuthentik, *argv: str) -> tuple[int, str]:
    """Run the console script with its stdout a pipe whose read end is already closed."""
    read_end, write_end = os.pipe()
    os.close(read_end)  # the reader went away before a line was written (| head -0)
    try:
        process = subprocess.run(
            [SCRIPT, *argv],
            env=environment(fake),
            stdout=write_end,
            stderr=subprocess.PIPE,
            text=True,
            timeout=120,
            check=False,
        )
    finally:
        os.close(write_end)
    return process.returncode, process.stderr


def test_update_into_a_closed_pipe_finishes_with_its_exit_code() -> None:
    with FakeAuthentik() as fake:
        code, err = run_with_closed_stdout(fake, "update", "plex", "--disabled")
        assert fake.sources["plex"]["enabled"] is False
    assert (code, err) == (0, "")


def test_apply_json_into_a_closed_pipe_finishes_with_its_exit_code(tmp_path: Path) -> None:
    with FakeAuthentik() as fake:
        for number in range(30):
            fake.add_source(slug=f"plex-{number}")
        plan = [{"slug": f"plex-{n}", "changes": {"name": "x" * 3000}} for n in range(30)]
        plan.append({"slug": "missing", "changes": {"enabled": True}})
        (tmp_path / "plan.json").write_text(json.dumps(plan))
        code, err = run_with_closed_stdout(
            fake, "apply", str(tmp_path / "plan.json"), "--output", "json"
        )
        assert all(fake.sources[f"plex-{n}"]["name"] == "x" * 3000 for n in range(30))
    assert code == 1  # the missing source's not_found, as with a reader
    assert "internal error" not in err
    assert "Traceback" not in err
    assert "BrokenPipe" not in err


def strict_stream() -> io.TextIOWrapper:
    """A stream as a terminal's: UTF-8 that raises on a lone surrogate."""
    return io.TextIOWrapper(io.BytesIO(), encoding="utf-8", errors="strict", write_through=True)


def written(stream: io.TextIOWrapper) -> str:
    buffer = stream.buffer
    assert isinstance(buffer, io.BytesIO)
    return buffer.getvalue().decode("utf-8")


def test_a_lone_surrogate_from_the_server_is_printed_escaped(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    out, err = strict_stream(), strict_stream()
    monkeypatch.setattr(sys, "stdout", out)
    monkeypatch.setattr(sys, "stderr", err)
    with FakeAuthentik() as fake:
        fake.add_source(slug="odd", name="\ud800")
        monkeypatch.setenv("AUTHENTIK_URL", fake.url)
        monkeypatch.setenv("AUTHENTIK_TOKEN", fake.token)
        monkeypatch.delenv("AUTHENTIK_TOKEN_FILE", raising=False)
        assert main(["update", "odd", "--disabled"]) == 0
        assert main(["get", "odd"]) == 0
        fake.fail_next(status=400, body=b'{"name": ["not \\ud800 this"]}')
        assert main(["update", "odd", "--name", "other"]) == 1
    assert written(out).count("\\ud800") >= 2
    assert "enabled" in written(out)
    assert "not \\ud800 this" in written(err)
    assert "internal error" not in written(err)
