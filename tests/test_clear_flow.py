"""``""`` clears a flow (TOML has no null): sent, and compared, as JSON null."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from plex_source_client import PlexSourceClient, compute_diff
from plex_source_client._changes import build_body
from plex_source_client.cli import main
from plex_source_client.testing import FakeAuthentik

Capture = pytest.CaptureFixture[str]


@pytest.mark.parametrize("blank", ["", "  "])
def test_a_blank_flow_is_sent_as_null(blank: str) -> None:
    body = build_body(
        "plex", {"enrollment_flow": blank, "authentication_flow": blank}, validate=True
    )
    assert json.loads(body) == {"enrollment_flow": None, "authentication_flow": None}


def test_a_blank_name_is_still_refused() -> None:
    with pytest.raises(ValueError, match="may not be blank"):
        build_body("plex", {"name": ""}, validate=True)


def test_a_toml_plan_clears_a_flow_without_drift(
    authentik_env: FakeAuthentik, tmp_path: Path, capsys: Capture
) -> None:
    plan = tmp_path / "plan.toml"
    plan.write_text('[[items]]\nslug = "plex"\nchanges = { enrollment_flow = "" }\n')
    assert authentik_env.sources["plex"]["enrollment_flow"] is not None
    assert main(["apply", str(plan), "--check"]) == 0
    assert authentik_env.sources["plex"]["enrollment_flow"] is None
    assert authentik_env.requests[-1].json == {"enrollment_flow": None}
    assert "drift" not in capsys.readouterr().err
    assert main(["plan", str(plan)]) == 0  # nothing would change
    patches = len([r for r in authentik_env.requests if r.method == "PATCH"])
    assert main(["apply", str(plan), "--check"]) == 0  # unchanged: no PATCH
    assert len([r for r in authentik_env.requests if r.method == "PATCH"]) == patches
    with PlexSourceClient.from_env() as client:
        assert compute_diff(client.get("plex"), {"enrollment_flow": ""}).unchanged


def test_enrollment_flow_empty_on_the_command_line_clears(authentik_env: FakeAuthentik) -> None:
    assert main(["update", "plex", "--authentication-flow", "", "--check"]) == 0
    assert authentik_env.sources["plex"]["authentication_flow"] is None
