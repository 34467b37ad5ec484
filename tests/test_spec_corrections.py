"""codegen/spec-corrections.yaml: what generate.sh corrects in authentik's schema before
generating, and nothing more.

authentik's schema marks fields of PlexSource optional that its serializer always sends; the
correction makes every field every release has required, so the generated model types them
without ``Unset`` (the fields codegen/releases.yaml marks as added by a release stay optional:
an older release's answer lacks them). It also makes ``icon`` and ``icon_url`` nullable, as the
server sends them. openapi.yaml itself stays identical to the reference (tests/test_spec.py).
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
from plex_source_client import PlexSource, ThemedUrls, UnexpectedResponse
from plex_source_client._generated.models import PlexSource as GeneratedPlexSource
from plex_source_client._generated.models import ThemedUrls as GeneratedThemedUrls
from plex_source_client._generated.types import Unset

from .payloads import SLUG, TOKEN, plex_source
from .specs import GENERATED_FROM, RELEASED

ROOT = Path(__file__).resolve().parents[1]
CORRECTIONS = ROOT / "codegen" / "spec-corrections.yaml"
RECORDED = ROOT.parent / "shared" / "authentik" / "2024.8.2" / "recorded-answers.json"

OVERLAY = load_yaml(CORRECTIONS)
CORRECTED = GENERATED_FROM
PROPERTIES = RELEASED["components"]["schemas"]["PlexSource"]["properties"]
#: The properties releases.yaml marks as added by a release: optional, Unset when absent.
MARKED = [name for name, prop in PROPERTIES.items() if "x-authentik-added-in" in prop]
EVERY_RELEASE = [name for name in PROPERTIES if name not in MARKED]
NULLABLE = ("icon", "icon_url")


def required(spec: dict[str, Any]) -> list[str]:
    names: list[str] = spec["components"]["schemas"]["PlexSource"]["required"]
    return names


def without_corrections(spec: dict[str, Any]) -> dict[str, Any]:
    rest = copy.deepcopy(spec)
    plex_source = rest["components"]["schemas"]["PlexSource"]
    del plex_source["required"]
    for name in NULLABLE:
        plex_source["properties"][name].pop("nullable", None)
    return rest


def test_the_correction_makes_every_field_of_every_release_required() -> None:
    assert len(EVERY_RELEASE) == 22  # every field of 2024.8.2, the oldest supported release
    assert sorted(required(CORRECTED)) == sorted(EVERY_RELEASE)
    assert len(required(CORRECTED)) == len(set(required(CORRECTED)))
    assert not set(MARKED) & set(required(CORRECTED))


def test_the_correction_only_adds_required_entries_and_two_nullables() -> None:
    """Everything else, openapi.yaml's own required entries included, is left as it was."""
    assert without_corrections(CORRECTED) == without_corrections(RELEASED)
    original = required(RELEASED)
    assert required(CORRECTED)[: len(original)] == original
    added = required(CORRECTED)[len(original) :]
    assert added
    assert all(name in PROPERTIES for name in added)
    corrected_properties = CORRECTED["components"]["schemas"]["PlexSource"]["properties"]
    assert all(corrected_properties[name]["nullable"] is True for name in NULLABLE)
    assert not any(PROPERTIES[name].get("nullable") for name in NULLABLE)
    assert required(RELEASED) == original, "the spec given was changed in place"


def test_every_recorded_real_answer_carries_every_field_of_its_release() -> None:
    """The evidence the correction cites: real 2024.8.2 answers have all its 22 fields, every
    one required (only what 2025.12 added is marked, and not required).
    """
    if not RECORDED.exists():
        pytest.skip(f"{RECORDED} is not beside this checkout")
    cases = json.loads(RECORDED.read_text(encoding="utf-8"))["cases"]
    sources = [
        case["response"]["body"]
        for case in cases
        if case["response"]["status"] // 100 == 2 and isinstance(case["response"]["body"], dict)
    ]
    assert len(sources) >= 20
    assert all(PROPERTIES[name]["x-authentik-added-in"] >= "2025.12" for name in MARKED)
    for body in sources:
        assert sorted(body) == sorted(required(CORRECTED))


ONLY_REQUIRED = "may only hold `required`"
ONLY_NULLABLE = "may only be `nullable: true`"
ICON = "PlexSource.properties.icon"


@pytest.mark.parametrize(
    ("target", "action", "problem"),
    [
        ("PlexSource", {"update": {"required": ["nope"]}}, "is not a property of PlexSource"),
        ("PlexSource", {"update": {"required": ["name"]}}, "is required already"),
        ("PlexSource", {"update": {"required": ["enabled"], "description": "x"}}, ONLY_REQUIRED),
        ("PlexSource", {"update": {"properties": {}}}, ONLY_REQUIRED),
        ("PlexSource", {"remove": True}, "only target, description and update"),
        (ICON, {"update": {"nullable": False}}, ONLY_NULLABLE),
        (ICON, {"update": {"type": "integer"}}, ONLY_NULLABLE),
        ("PlexSource.properties.managed", {"update": {"nullable": True}}, "is nullable already"),
        ("PlexSource.properties.nope", {"update": {"nullable": True}}, "no such property"),
        ("PlexSource.items.icon", {"update": {"nullable": True}}, "no such property"),
        ("Nope", {}, "unsupported target"),
    ],
)
def test_the_applier_refuses_anything_but_what_it_documents(
    target: str, action: dict[str, Any], problem: str
) -> None:
    overlay = {
        "overlay": "1.0.0",
        "actions": [{"target": f"$.components.schemas.{target}", **action}],
    }
    with pytest.raises(CorrectionError, match=problem):
        apply_corrections(RELEASED, overlay)


def test_a_target_outside_the_schemas_is_refused() -> None:
    overlay = {"overlay": "1.0.0", "actions": [{"target": "$.paths", "update": {"required": []}}]}
    with pytest.raises(CorrectionError, match="unsupported target"):
        apply_corrections(RELEASED, overlay)


def test_the_generated_model_types_every_release_field_plainly_and_the_others_unset() -> None:
    fields = {f.name: f for f in attrs.fields(GeneratedPlexSource) if f.init}
    assert sorted(fields) == sorted(PROPERTIES)
    hints = generated_hints()
    assert GeneratedThemedUrls in typing.get_args(hints["icon_themed_urls"])
    for name in EVERY_RELEASE:
        assert fields[name].default is attrs.NOTHING, name
        assert Unset not in typing.get_args(hints[name]), name
        assert hints[name] is not Unset, name
    for name in MARKED:
        assert Unset in typing.get_args(hints[name]), name
    for name in NULLABLE:
        assert type(None) in typing.get_args(hints[name]), name


def generated_hints(themed_urls: type[Any] = GeneratedThemedUrls) -> dict[str, Any]:
    """The generated model's type hints (its module imports ThemedUrls for type checkers
    only), ``ThemedUrls`` read as ``themed_urls``.
    """
    return typing.get_type_hints(GeneratedPlexSource, localns={"ThemedUrls": themed_urls})


def test_the_public_source_has_the_generated_models_fields() -> None:
    """PlexSource is its own class (help() shows no private base), its fields restated from the
    generated model: the same names in the same order, with the same types and defaults.
    """

    def described(cls: type[Any]) -> list[tuple[str, Any, bool]]:
        return [(f.name, f.default, f.init) for f in attrs.fields(cls)]

    assert described(PlexSource) == described(GeneratedPlexSource)
    # The same types, the public ThemedUrls where the generated model has its own.
    assert typing.get_type_hints(PlexSource) == generated_hints(ThemedUrls)
    assert PlexSource.__mro__ == (PlexSource, object)


def test_the_public_themed_urls_has_the_generated_models_fields() -> None:
    """ThemedUrls is its own class too (its repr masks secrets), restated from the generated
    model; a source's ``icon_themed_urls`` is one, and goes back to the same JSON.
    """

    def described(cls: type[Any]) -> list[tuple[str, Any, bool]]:
        return [(f.name, f.default, f.init) for f in attrs.fields(cls)]

    assert described(ThemedUrls) == described(GeneratedThemedUrls)
    assert typing.get_type_hints(ThemedUrls) == typing.get_type_hints(GeneratedThemedUrls)
    assert ThemedUrls.__mro__ == (ThemedUrls, object)
    themed = {"light": "l.svg", "dark": None, "extra": {"x": 1}}
    source = PlexSource.from_dict(
        {**plex_source(), "icon_themed_urls": themed, "icon_url": None, "promoted": False}
    )
    assert type(source.icon_themed_urls) is ThemedUrls
    assert source.to_dict()["icon_themed_urls"] == themed
    assert ThemedUrls.from_dict(themed).to_dict() == themed


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
    """The committed code is what generate.sh makes of openapi.yaml plus releases.yaml and
    the correction; without the correction it would differ (the fields would be ``Unset``-able
    again).
    """
    (tmp_path / "with").mkdir()
    applied = _generate_check(tmp_path / "with", OVERLAY)
    assert applied.returncode == 0, applied.stdout + applied.stderr
    (tmp_path / "without").mkdir()
    not_applied = _generate_check(tmp_path / "without", {**OVERLAY, "actions": []})
    assert not_applied.returncode == 1
    assert "enabled: bool | Unset = UNSET" in not_applied.stdout


def _update_answered_with(body: dict[str, Any], server_version: str | None) -> PlexSource:
    import httpx

    from plex_source_client import PlexSourceClient

    transport = httpx.MockTransport(lambda request: httpx.Response(200, json=body))
    with PlexSourceClient(
        url="https://auth.example.com",
        token=TOKEN,
        http_client=httpx.Client(transport=transport),
        server_version=server_version,
    ) as client:
        return client.update(SLUG, enabled=True)


@pytest.mark.parametrize("field", sorted(set(plex_source())))
def test_an_answer_missing_any_field_of_its_release_is_an_unexpected_response(field: str) -> None:
    body = plex_source()
    del body[field]
    with pytest.raises(
        UnexpectedResponse, match=f"missing required field\\(s\\): {field}"
    ) as caught:
        _update_answered_with(body, "2024.8.2")
    # A field only some releases have: the given release may be what is wrong.
    assert ("fix server_version" in str(caught.value)) == (field in MARKED)


@pytest.mark.parametrize("field", sorted(set(plex_source())))
def test_with_the_release_unknown_only_fields_every_release_has_are_required(field: str) -> None:
    body = plex_source()
    del body[field]
    if field in EVERY_RELEASE:
        with pytest.raises(UnexpectedResponse, match=f"missing required field\\(s\\): {field}$"):
            _update_answered_with(body, None)
    else:
        source = _update_answered_with(body, None)
        assert isinstance(getattr(source, field), Unset)


def test_a_full_answer_parses_with_plain_types() -> None:
    source = PlexSource.from_dict(plex_source())
    servers: list[str] = source.allowed_servers
    assert servers == ["abc123"]
    assert source.enabled is True
    assert source.allow_friends is True


def test_every_writable_field_is_a_field_of_the_answer() -> None:
    """So --check (plex_source_client/cli/drift.py) can find every requested field in the
    answer, when the server's release has it.
    """
    from plex_source_client._changes import FIELDS

    assert {field.wire for field in FIELDS} <= set(PROPERTIES)
