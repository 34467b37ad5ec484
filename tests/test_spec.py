"""openapi.yaml agrees, field by field, with authentik's own reference for the operation.

The reference (reference/sources-plex-partial-update.api.mdx, a verbatim copy of
../shared/seed/) carries the whole operation as zlib-deflated, base64-encoded JSON in its
front-matter field ``api:``, with every ``$ref`` inlined and the referenced component's name put
in ``title``. We inline openapi.yaml the same way and compare: any drift fails here, by name.
"""

from __future__ import annotations

import base64
import copy
import json
import re
import zlib
from pathlib import Path
from typing import Any

import pytest
import yaml

from plex_source_client import AUTHENTIK_API_VERSION

ROOT = Path(__file__).resolve().parents[1]
REFERENCE = ROOT / "reference" / "sources-plex-partial-update.api.mdx"
SHARED_REFERENCE = ROOT.parent / "shared" / "seed" / REFERENCE.name


def decode_reference(path: Path) -> dict[str, Any]:
    match = re.search(r"^api: (\S+)$", path.read_text(encoding="utf-8"), re.MULTILINE)
    assert match, f"{path} has no front-matter field 'api:'"
    operation: dict[str, Any] = json.loads(zlib.decompress(base64.b64decode(match.group(1))))
    return operation


def load_spec() -> dict[str, Any]:
    spec: dict[str, Any] = yaml.safe_load((ROOT / "openapi.yaml").read_text(encoding="utf-8"))
    return spec


def inline(node: Any, schemas: dict[str, Any]) -> Any:
    """Replace every ``$ref`` by a copy of its component titled with the component's name."""
    if isinstance(node, list):
        return [inline(item, schemas) for item in node]
    if not isinstance(node, dict):
        return node
    if "$ref" in node:
        name = node["$ref"].removeprefix("#/components/schemas/")
        resolved = inline(copy.deepcopy(schemas[name]), schemas)
        return {**resolved, "title": resolved.get("title", name)}
    return {key: inline(value, schemas) for key, value in node.items()}


REF = decode_reference(REFERENCE)
SPEC = load_spec()
SCHEMAS = SPEC["components"]["schemas"]
PATH_ITEM = SPEC["paths"][REF["path"]]
OPERATION = inline(PATH_ITEM[REF["method"]], SCHEMAS)

REQUEST_REF = REF["requestBody"]["content"]["application/json"]["schema"]
REQUEST_OURS = OPERATION["requestBody"]["content"]["application/json"]["schema"]
RESPONSE_REF = REF["responses"]["200"]["content"]["application/json"]["schema"]
RESPONSE_OURS = OPERATION["responses"]["200"]["content"]["application/json"]["schema"]


def test_vendored_reference_is_the_shared_seed() -> None:
    if not SHARED_REFERENCE.exists():
        pytest.skip(f"{SHARED_REFERENCE} is not beside this checkout")
    assert REFERENCE.read_bytes() == SHARED_REFERENCE.read_bytes()


def test_document_header() -> None:
    assert SPEC["openapi"] == "3.0.3"
    assert SPEC["info"] == REF["info"]
    assert SPEC["info"]["version"] == "2024.8.2"
    assert SPEC["servers"] == REF["servers"] == [{"url": "/api/v3/"}]
    assert SPEC["components"]["securitySchemes"] == REF["securitySchemes"]
    assert list(SPEC["paths"]) == [REF["path"]] == ["/sources/plex/{slug}/"]
    assert list(PATH_ITEM) == [REF["method"]] == ["patch"]


def test_package_declares_the_spec_version() -> None:
    assert SPEC["info"]["version"] == AUTHENTIK_API_VERSION


@pytest.mark.parametrize(
    "key", ["operationId", "description", "parameters", "tags", "security", "requestBody"]
)
def test_operation_field(key: str) -> None:
    assert OPERATION[key] == REF[key]


@pytest.mark.parametrize("status", ["200", "400", "403"])
def test_response(status: str) -> None:
    assert OPERATION["responses"][status] == REF["responses"][status]


def test_no_other_responses() -> None:
    assert sorted(OPERATION["responses"]) == sorted(REF["responses"]) == ["200", "400", "403"]


def test_field_counts() -> None:
    assert len(REQUEST_REF["properties"]) == len(REQUEST_OURS["properties"]) == 15
    assert len(RESPONSE_REF["properties"]) == len(RESPONSE_OURS["properties"]) == 22


@pytest.mark.parametrize("field", sorted(REQUEST_REF["properties"]))
def test_request_field(field: str) -> None:
    assert REQUEST_OURS["properties"].get(field) == REQUEST_REF["properties"][field]


@pytest.mark.parametrize("field", sorted(RESPONSE_REF["properties"]))
def test_response_field(field: str) -> None:
    assert RESPONSE_OURS["properties"].get(field) == RESPONSE_REF["properties"][field]


@pytest.mark.parametrize(
    ("ours", "ref"), [(REQUEST_OURS, REQUEST_REF), (RESPONSE_OURS, RESPONSE_REF)]
)
def test_schema_level_keywords(ours: dict[str, Any], ref: dict[str, Any]) -> None:
    """Type, title, description and required list; properties are compared one by one above."""
    assert {k: v for k, v in ours.items() if k != "properties"} == {
        k: v for k, v in ref.items() if k != "properties"
    }
    assert list(ours["properties"]) == list(ref["properties"]), "field order differs"


def test_components_are_named_as_authentik_names_them() -> None:
    assert sorted(SCHEMAS) == [
        "GenericError",
        "GroupMatchingModeEnum",
        "PatchedPlexSourceRequest",
        "PlexSource",
        "PolicyEngineMode",
        "UserMatchingModeEnum",
        "ValidationError",
    ]


@pytest.mark.parametrize("schema", ["PatchedPlexSourceRequest", "PlexSource"])
def test_enums_are_referenced_as_authentik_references_them(schema: str) -> None:
    """drf-spectacular refers to a bare enum directly and to a described one through allOf."""
    properties = SCHEMAS[schema]["properties"]
    assert properties["policy_engine_mode"] == {"$ref": "#/components/schemas/PolicyEngineMode"}
    for field, enum in [
        ("user_matching_mode", "UserMatchingModeEnum"),
        ("group_matching_mode", "GroupMatchingModeEnum"),
    ]:
        assert properties[field]["allOf"] == [{"$ref": f"#/components/schemas/{enum}"}]


def test_inlining_notices_drift() -> None:
    """The comparison above can fail: a changed constraint makes the inlined spec differ."""
    drifted = copy.deepcopy(SCHEMAS)
    drifted["PatchedPlexSourceRequest"]["properties"]["slug"]["maxLength"] = 128
    operation = inline(PATH_ITEM["patch"], drifted)
    assert operation["requestBody"] != REF["requestBody"]
