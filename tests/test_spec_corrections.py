"""codegen/spec-corrections.yaml: what generate.sh corrects in authentik's schema before
generating, and nothing more.

authentik's schema marks 12 fields of PlexSource optional that its serializer always sends; the
correction makes them required, so the generated model types them without ``Unset``.
openapi.yaml itself stays identical to the reference (tests/test_spec.py).
"""

from __future__ import annotations

import copy
import json
import os
import shutil
import subprocess
import sys
import typing
from pathlib import Path
from typing import Any

import attrs
import pytest
import yaml

from codegen.apply_corrections import CorrectionError, apply_corrections, load_yaml
from plex_source_client import PlexSource, UnexpectedResponse
from plex_source_client._generated.models import PlexSource as GeneratedPlexSource
from plex_source_client._generated.types import Unset

from .payloads import SLUG, TOKEN, plex_source

ROOT = Path(__file__).resolve().parents[1]
CORRECTIONS = ROOT / "codegen" / "spec-corrections.yaml"
RECORDED = ROOT.parent / "shared" / "authentik" / "2024.8.2" / "recorded-answers.json"

SPEC = load_yaml(ROOT / "openapi.yaml")
OVERLAY = load_yaml(CORRECTIONS)
CORRECTED = apply_corrections(SPEC, OVERLAY)
PROPERTIES = list(SPEC["components"]["schemas"]["PlexSource"]["properties"])


def required(spec: dict[str, Any]) -> list[str]:
    names: list[str] = spec["components"]["schemas"]["PlexSource"]["required"]
    return names


def without_plex_source_required(spec: dict[str, Any]) -> dict[str, Any]:
    rest = copy.deepcopy(spec)
    del rest["components"]["schemas"]["PlexSource"]["required"]
    return rest


def test_the_correction_makes_every_property_of_plex_source_required() -> None:
    assert len(PROPERTIES) == 22
    assert sorted(required(CORRECTED)) == sorted(PROPERTIES)
    assert len(required(CORRECTED)) == len(set(required(CORRECTED)))


def test_the_correction_only_adds_required_entries_to_plex_source() -> None:
    """Everything else, openapi.yaml's own required entries included, is left as it was."""
    assert without_plex_source_required(CORRECTED) == without_plex_source_required(SPEC)
    original = required(SPEC)
    assert required(CORRECTED)[: len(original)] == original
    added = required(CORRECTED)[len(original) :]
    assert added
    assert all(name in PROPERTIES for name in added)
    assert required(SPEC) == original, "the spec given was changed in place"


def test_every_recorded_real_answer_carries_every_field() -> None:
    """The evidence the correction cites: real 2024.8.2 answers have all 22 fields."""
    if not RECORDED.exists():
        pytest.skip(f"{RECORDED} is not beside this checkout")
    cases = json.loads(RECORDED.read_text(encoding="utf-8"))["cases"]
    sources = [
        case["response"]["body"]
        for case in cases
        if case["response"]["status"] // 100 == 2 and isinstance(case["response"]["body"], dict)
    ]
    assert len(sources) >= 20
    for body in sources:
        assert sorted(body) == sorted(required(CORRECTED))


@pytest.mark.parametrize(
    ("action", "problem"),
    [
        ({"update": {"required": ["not_a_field"]}}, "is not a property of PlexSource"),
        ({"update": {"required": ["name"]}}, "is required already"),
        ({"update": {"required": ["enabled"], "description": "x"}}, "may only hold `required`"),
        ({"update": {"properties": {}}}, "may only hold `required`"),
        ({"remove": True}, "only target, description and update"),
        ({"target": "$.paths", "update": {"required": ["enabled"]}}, "unsupported target"),
        ({"target": "$.components.schemas.Nope"}, "unsupported target"),
    ],
)
def test_the_applier_refuses_anything_but_adding_required_properties(
    action: dict[str, Any], problem: str
) -> None:
    overlay = {
        "overlay": "1.0.0",
        "actions": [{"target": "$.components.schemas.PlexSource", **action}],
    }
    with pytest.raises(CorrectionError, match=problem):
        apply_corrections(SPEC, overlay)


def test_the_generated_model_has_every_field_required_and_none_unset() -> None:
    fields = {f.name: f for f in attrs.fields(GeneratedPlexSource) if f.init}
    assert sorted(fields) == sorted(PROPERTIES)
    assert all(f.default is attrs.NOTHING for f in fields.values())
    hints = typing.get_type_hints(GeneratedPlexSource)
    for name in PROPERTIES:
        assert Unset not in typing.get_args(hints[name]), name
        assert hints[name] is not Unset, name


def _generate_check(
    tmp_path: Path, corrections: dict[str, Any]
) -> subprocess.CompletedProcess[str]:
    """./generate.sh --check in a copy of the repository's generator inputs, with
    ``corrections`` as codegen/spec-corrections.yaml.
    """
    for name in ("generate.sh", "openapi.yaml", "pyproject.toml"):
        shutil.copy2(ROOT / name, tmp_path / name)
    shutil.copytree(
        ROOT / "codegen", tmp_path / "codegen", ignore=shutil.ignore_patterns("__pycache__")
    )
    shutil.copytree(
        ROOT / "plex_source_client" / "_generated",
        tmp_path / "plex_source_client" / "_generated",
        ignore=shutil.ignore_patterns("__pycache__"),
    )
    (tmp_path / "codegen" / "spec-corrections.yaml").write_text(yaml.safe_dump(corrections))
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    return subprocess.run(
        [str(tmp_path / "generate.sh"), "--check"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
        timeout=120,
    )


@pytest.mark.skipif(
    shutil.which("openapi-python-client", path=str(Path(sys.executable).parent)) is None,
    reason="openapi-python-client (the dev extra) is not installed",
)
def test_generate_sh_generates_the_committed_code_only_with_the_correction(
    tmp_path: Path,
) -> None:
    """The committed code is what generate.sh makes of openapi.yaml plus the correction;
    without the correction it would differ (the fields would be ``Unset``-able again).
    """
    (tmp_path / "with").mkdir()
    applied = _generate_check(tmp_path / "with", OVERLAY)
    assert applied.returncode == 0, applied.stdout + applied.stderr
    (tmp_path / "without").mkdir()
    not_applied = _generate_check(tmp_path / "without", {**OVERLAY, "actions": []})
    assert not_applied.returncode == 1
    assert "enabled: bool | Unset = UNSET" in not_applied.stdout


@pytest.mark.parametrize("field", sorted(set(PROPERTIES)))
def test_an_answer_missing_any_field_is_an_unexpected_response(field: str) -> None:
    import httpx

    from plex_source_client import PlexSourceClient

    body = plex_source()
    del body[field]
    transport = httpx.MockTransport(lambda request: httpx.Response(200, json=body))
    with (
        PlexSourceClient(
            url="https://auth.example.com",
            token=TOKEN,
            http_client=httpx.Client(transport=transport),
        ) as client,
        pytest.raises(UnexpectedResponse, match=f"missing required field\\(s\\): {field}$"),
    ):
        client.update(SLUG, enabled=True)


def test_a_full_answer_parses_with_plain_types() -> None:
    source = PlexSource.from_dict(plex_source())
    servers: list[str] = source.allowed_servers
    assert servers == ["abc123"]
    assert source.enabled is True
    assert source.allow_friends is True


def test_every_writable_field_is_in_every_answer() -> None:
    """So --check (plex_source_client/_drift.py) finds every requested field in the answer."""
    from plex_source_client._changes import FIELDS

    assert {field.wire for field in FIELDS} <= set(required(CORRECTED))
