"""``plex-source fake``: a fake authentik in the foreground, tried as a user would."""

from __future__ import annotations

import json
import signal
import socket
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from plex_source_client.cli import main
from plex_source_client.testing._serve import StartError, start_fake

from .fake_process import SCRIPT, clean_environment, running_fake, stop

Capture = pytest.CaptureFixture[str]
FLOW = "8c3a5a1e-6b7d-4f5e-9c2a-1d0e3f4a5b6c"


def get_source(env: dict[str, str], slug: str) -> dict[str, object]:
    answer = httpx.get(
        f"{env['AUTHENTIK_URL']}/api/v3/sources/plex/{slug}/",
        headers={"Authorization": f"Bearer {env['AUTHENTIK_TOKEN']}"},
    )
    answer.raise_for_status()
    source: dict[str, object] = answer.json()
    return source


def test_update_and_apply_against_plex_source_fake(tmp_path: Path) -> None:
    argv = [SCRIPT, "fake", "--source", "a", "--source", "b", "--flow", FLOW]
    with running_fake(argv, tmp_path / "fake.err") as (process, exports):
        assert sorted(exports) == ["AUTHENTIK_TOKEN", "AUTHENTIK_URL"]
        assert exports["AUTHENTIK_URL"].startswith("http://127.0.0.1:")
        env = clean_environment() | exports
        update = subprocess.run(
            [SCRIPT, "update", "a", "--disabled", "--enrollment-flow", FLOW, "--output", "json"],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert (update.returncode, update.stderr) == (0, "")
        assert json.loads(update.stdout)["outcome"] == "applied"
        plan = tmp_path / "plan.json"
        plan.write_text(json.dumps([{"slug": "b", "changes": {"name": "B", "enabled": False}}]))
        apply = subprocess.run(
            [SCRIPT, "apply", str(plan), "--check"],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert (apply.returncode, apply.stderr) == (0, "")
        assert get_source(exports, "a")["enabled"] is False
        assert get_source(exports, "a")["enrollment_flow"] == FLOW
        assert get_source(exports, "b")["name"] == "B"
        code, took = stop(process)
    assert code == 0
    assert took < 3
    err = (tmp_path / "fake.err").read_text()
    assert "Traceback" not in err
    assert "with the Plex sources a, b and the flow " + FLOW in err
    assert "fake authentik: PATCH /api/v3/sources/plex/a/ -> 200" in err
    assert err.endswith("plex-source: the fake authentik stopped\n")


def test_python_m_testing_runs_it_too_and_ctrl_c_stops_it(tmp_path: Path) -> None:
    argv = [sys.executable, "-m", "plex_source_client.testing"]
    with running_fake(argv, tmp_path / "fake.err") as (process, exports):
        assert get_source(exports, "plex")["slug"] == "plex"  # the default source
        code, took = stop(process, signal.SIGINT)
    assert (code, took < 3) == (0, True)
    assert "Traceback" not in (tmp_path / "fake.err").read_text()


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["--source", "a b"], "--source a b: a slug is 1 to 50 letters, digits, '-' or '_'"),
        (["--source", "a", "--source", "a"], "--source given twice: a"),
        (["--flow", "nope"], "--flow nope: not a UUID"),
        (["--property-mapping", "x"], "--property-mapping x: not a UUID"),
        (["--port", "70000"], "--port 70000: a port is 0 (a free one) to 65535"),
    ],
)
def test_bad_options_are_usage_errors(capsys: Capture, options: list[str], message: str) -> None:
    assert main(["fake", *options]) == 2
    captured = capsys.readouterr()
    assert (captured.out, captured.err) == ("", f"plex-source: {message}\n")


def test_a_port_in_use_is_a_usage_error(capsys: Capture) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        assert main(["fake", "--port", str(port)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"plex-source: cannot listen on 127.0.0.1:{port}: ")


def test_start_fake_on_a_chosen_port_with_flows_and_mappings() -> None:
    with socket.socket() as probe:  # a port free a moment ago
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    lines: list[str] = []
    mapping = "11111111-2222-3333-4444-555555555555"
    fake = start_fake(
        port=port, sources=["x"], flows=[FLOW], property_mappings=[mapping], log=lines.append
    )
    try:
        assert fake.url == f"http://127.0.0.1:{port}"
        assert list(fake.sources) == ["x"]
        assert FLOW in {str(pk) for pk in fake.flows}
        assert {str(pk) for pk in fake.property_mappings} == {mapping}
        with fake.client() as client:
            client.update("x", user_property_mappings=[mapping], authentication_flow=FLOW)
        # Every supported release has property mappings: no release asked, one PATCH.
        assert lines == [
            "fake authentik: PATCH /api/v3/sources/plex/x/ -> 200\n",
        ]
    finally:
        fake.stop()
    with pytest.raises(StartError):
        start_fake(sources=["x" * 51])
