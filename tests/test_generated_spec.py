"""plex_source_client/_generated/spec.py, the tables the client and the fake read the spec from,
checked against an independent source: authentik's own schema.yml extracts for 2024.8.2 and
2026.2.2 (/work/shared/authentik/*/plex-source-operations.json), and the answers a real
authentik 2024.8.2 gave. A wrong table (a codegen bug, a wrong overlay) fails here, even though
the client and the fake, reading the same table, would agree with each other.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from plex_source_client._generated import spec

from .specs import SHARED

OLD, NEW = "2024.8.2", "2026.2.2"


def operations(release: str) -> dict[str, Any]:
    path = SHARED / release / "plex-source-operations.json"
    if not path.exists():
        pytest.fail(f"{path} is not beside this checkout (CI has it as ../shared)")
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def schemas(release: str) -> dict[str, Any]:
    found: dict[str, Any] = operations(release)["components"]["schemas"]
    return found


def resolve(release: str, prop: dict[str, Any]) -> dict[str, Any]:
    ref = prop.get("$ref") or (prop.get("allOf") or [{}])[0].get("$ref")
    if ref is None:
        return prop
    return {**schemas(release)[ref.rsplit("/", 1)[1]], **prop}


def test_writable_fields_are_authentiks_in_its_order_with_its_constraints() -> None:
    theirs = schemas(NEW)["PatchedPlexSourceRequest"]["properties"]
    old = schemas(OLD)["PatchedPlexSourceRequest"]["properties"]
    assert [field.wire for field in spec.WRITABLE_FIELDS] == list(theirs)
    for field in spec.WRITABLE_FIELDS:
        prop = resolve(NEW, theirs[field.wire])
        limits = prop["items"] if prop.get("type") == "array" else prop
        assert field.nullable == bool(prop.get("nullable")), field.wire
        assert field.min_length == limits.get("minLength"), field.wire
        # the 2024.8 limit (2025.12 dropped the slug's, as MAX_LENGTH_UNTIL says)
        old_limits = resolve(OLD, old[field.wire]) if field.wire in old else prop
        assert field.max_length == old_limits.get("maxLength"), field.wire
        pattern = limits.get("pattern")
        assert (field.pattern.pattern if field.pattern else None) == pattern, field.wire
        assert sorted(field.enum or ()) == sorted(prop.get("enum", ())), field.wire
        expected_kind = (
            "enum"
            if "enum" in prop
            else {"boolean": "bool", "string": "str", "array": "list"}[prop["type"]]
        )
        if expected_kind == "str" and prop.get("format") == "uuid":
            expected_kind = "uuid"
        if expected_kind == "list":
            expected_kind = "uuid_list" if prop["items"].get("format") == "uuid" else "str_list"
        assert field.kind == expected_kind, field.wire
    assert {field.name for field in spec.WRITABLE_FIELDS} == set(spec.Changes.__annotations__)


def test_answer_fields_are_authentiks_in_the_order_it_sends_them() -> None:
    theirs = schemas(NEW)["PlexSource"]["properties"]
    assert list(spec.SOURCE_FIELD_TYPES) == list(theirs)
    old = list(schemas(OLD)["PlexSource"]["properties"])
    assert [name for name in spec.SOURCE_FIELD_TYPES if name not in spec.ADDED_IN] == old
    for name, json_type in spec.SOURCE_FIELD_TYPES.items():
        prop = resolve(NEW, theirs[name])
        kind = prop.get("type")
        if name in ("icon", "icon_url"):  # spec-corrections.yaml: null without an icon
            assert json_type == "nullable_str"
        elif name == "icon_themed_urls":
            assert json_type == "nullable_themed_urls"
        elif kind == "array":
            items = "uuid_list" if prop["items"].get("format") == "uuid" else "str_list"
            assert json_type == items, name
        else:
            base = {"boolean": "bool", "string": "str"}[str(kind)]
            if prop.get("format") == "uuid":
                base = "uuid"
            assert json_type == ("nullable_" if prop.get("nullable") else "") + base, name


def test_every_field_2024_8_2_sends_is_required() -> None:
    """Supported releases start at 2024.8: every field a real 2024.8.2 answer carries is
    required; only what 2025.12 added may be absent.
    """
    old = list(schemas(OLD)["PlexSource"]["properties"])
    assert list(spec.REQUIRED_SOURCE_FIELDS) == old
    recorded = json.loads((SHARED / OLD / "recorded-answers.json").read_text(encoding="utf-8"))
    cases = recorded["cases"] if isinstance(recorded, dict) else recorded
    answers = [
        case["response"]["body"]
        for case in cases
        if 200 <= case["response"]["status"] < 300
        and isinstance(case["response"].get("body"), dict)
        and "pk" in case["response"]["body"]
    ]
    assert answers
    for body in answers:
        assert list(body) == old


def test_release_marks_are_what_2026_2_2_has_and_2024_8_2_lacks() -> None:
    for name, table in (
        ("PlexSource", spec.ADDED_IN),
        ("PatchedPlexSourceRequest", spec.WRITABLE_FROM),
    ):
        new = schemas(NEW)[name]["properties"]
        old = schemas(OLD)[name]["properties"]
        added = {field for field in new if field not in old}
        if name == "PatchedPlexSourceRequest":
            assert set(table) == added  # promoted and icon: icon was read-only before
        else:
            assert set(table) == added
    assert schemas(OLD)["PlexSource"]["properties"]["icon"].get("readOnly") is True
    assert "maxLength" in schemas(OLD)["PatchedPlexSourceRequest"]["properties"]["slug"]
    assert "maxLength" not in schemas(NEW)["PatchedPlexSourceRequest"]["properties"]["slug"]
    assert set(spec.MAX_LENGTH_UNTIL) == {"slug"}


def test_list_filters_and_pagination_are_authentiks() -> None:
    operation = operations(OLD)["paths"]["/sources/plex/"]["get"]
    parameters = {p["name"]: p["schema"] for p in operation["parameters"]}
    assert [f.name for f in spec.LIST_FILTERS] == [
        name for name in parameters if name not in ("page", "page_size")
    ]
    for f in spec.LIST_FILTERS:
        schema = parameters[f.name]
        assert f.choices == tuple(schema.get("enum", ())), f.name
        expected = (
            "enum"
            if "enum" in schema
            else "bool"
            if schema["type"] == "boolean"
            else "uuid"
            if schema.get("format") == "uuid"
            else "str"
        )
        assert f.kind == expected, f.name
    assert set(spec.ListFilters.__annotations__) == {f.name for f in spec.LIST_FILTERS}
    pagination = schemas(OLD)["Pagination"]
    assert tuple(pagination["properties"]) == spec.PAGINATION_FIELDS
    assert set(pagination["required"]) == set(spec.PAGINATION_FIELDS)


def test_the_module_is_what_generate_writes(tmp_path: Path) -> None:
    """The committed file is codegen/write_tables.py's output (generate.sh --check guards the
    whole folder; this is the quick check of the one file).
    """
    import subprocess
    import sys

    root = Path(__file__).resolve().parents[1]
    released, corrected, out = tmp_path / "r.yaml", tmp_path / "s.yaml", tmp_path / "spec.py"
    for args in (
        ["codegen/apply_releases.py", "openapi.yaml", "codegen/releases.yaml", released],
        ["codegen/apply_corrections.py", released, "codegen/spec-corrections.yaml", corrected],
        ["codegen/write_tables.py", corrected, out],
    ):
        subprocess.run([sys.executable, *map(str, args)], cwd=root, check=True)
    ruff = Path(sys.executable).parent / "ruff"
    subprocess.run(
        [str(ruff), "format", str(out), "--isolated", "--no-cache", "--target-version", "py311",
         "--quiet"],
        check=True,
    )  # fmt: skip
    assert out.read_text() == (root / "plex_source_client/_generated/spec.py").read_text()
