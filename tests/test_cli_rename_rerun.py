"""Re-running a plan that renames a source is safe and quiet: the second run finds the source at
its new slug and changes nothing (plan exit 0, apply "unchanged"), or only what differs there.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from plex_source_client.cli import main
from plex_source_client.testing import FakeAuthentik

Capture = pytest.CaptureFixture[str]


@pytest.fixture
def env(authentik_env: FakeAuthentik) -> FakeAuthentik:
    return authentik_env


def write(tmp_path: Path, changes: dict[str, object]) -> Path:
    plan = tmp_path / "plan.json"
    plan.write_text(json.dumps([{"slug": "plex", "changes": changes}]))
    return plan


def patches(fake: FakeAuthentik) -> list[str]:
    return [r.path for r in fake.requests if r.method == "PATCH"]


def test_a_renaming_plan_applied_twice_changes_nothing_the_second_time(
    env: FakeAuthentik, tmp_path: Path, capsys: Capture
) -> None:
    plan = write(tmp_path, {"new_slug": "plex-main", "name": "Plex main"})
    assert main(["apply", str(plan)]) == 0
    assert list(env.sources) == ["plex-main"]
    capsys.readouterr()
    assert main(["plan", str(plan)]) == 0  # nothing would change
    assert main(["apply", str(plan), "--output", "json"]) == 0
    line = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert line["outcome"] == "unchanged"
    assert "already renamed to 'plex-main'" in line["message"]
    assert patches(env) == ["/api/v3/sources/plex/plex/"]  # only the first run's


def test_a_changed_value_after_the_rename_goes_to_the_new_slug(
    env: FakeAuthentik, tmp_path: Path, capsys: Capture
) -> None:
    assert main(["apply", str(write(tmp_path, {"new_slug": "plex-main"}))]) == 0
    plan = write(tmp_path, {"new_slug": "plex-main", "enabled": False})
    assert main(["plan", str(plan)]) == 4
    assert main(["apply", str(plan)]) == 0
    assert env.sources["plex-main"]["enabled"] is False
    assert patches(env)[-1] == "/api/v3/sources/plex/plex-main/"


def test_a_missing_source_without_a_renamed_one_is_still_not_found(
    env: FakeAuthentik, tmp_path: Path
) -> None:
    plan = tmp_path / "plan.json"
    plan.write_text(json.dumps([{"slug": "gone", "changes": {"new_slug": "nowhere"}}]))
    assert main(["plan", str(plan)]) == 1
    assert main(["apply", str(plan)]) == 1
    assert patches(env) == []


def test_update_run_twice_with_a_rename_is_unchanged_the_second_time(env: FakeAuthentik) -> None:
    argv = ["update", "plex", "--new-slug", "plex-main", "--name", "Main"]
    assert main(argv) == 0
    assert main(argv) == 0
    assert list(env.sources) == ["plex-main"]
    assert len(patches(env)) == 1
