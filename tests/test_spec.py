"""openapi.yaml agrees, field by field, with authentik's own references for its operations.

The reference (reference/sources-plex-partial-update.api.mdx, a verbatim copy of
../shared/seed/) carries the whole operation as zlib-deflated, base64-encoded JSON in its
front-matter field ``api:``, with every ``$ref`` inlined and the referenced component's name put
in ``title``. We inline openapi.yaml the same way and compare: any drift fails here, by name.

The two GETs (``sources_plex_retrieve``, ``sources_plex_list``) and the components they add are
compared with authentik's own schema.yml at 2024.8.2
(reference/authentik-2024.8.2-plex-source-operations.json, a verbatim copy of
../shared/authentik/2024.8.2/plex-source-operations.json), both sides inlined the same way.
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
OPERATIONS = ROOT / "reference" / "authentik-2024.8.2-plex-source-operations.json"
SHARED_OPERATIONS = (
    ROOT.parent / "shared" / "authentik" / "2024.8.2" / "plex-source-operations.json"
)


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
SCHEMA_YML: dict[str, Any] = json.loads(OPERATIONS.read_text(encoding="utf-8"))
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
    assert list(SPEC["paths"]) == ["/sources/plex/", REF["path"]] == list(SCHEMA_YML["paths"])
    assert REF["path"] == "/sources/plex/{slug}/"
    assert list(PATH_ITEM) == ["get", REF["method"]] == ["get", "patch"]
    assert list(SPEC["paths"]["/sources/plex/"]) == ["get"]
    assert SPEC["info"] == SCHEMA_YML["info"]
    assert SPEC["servers"] == SCHEMA_YML["servers"]
    assert SPEC["components"]["securitySchemes"] == SCHEMA_YML["security_schemes"]


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
    assert sorted(SCHEMAS) == sorted(SCHEMA_YML["components"]["schemas"])
    assert sorted(SCHEMAS) == [
        "GenericError",
        "GroupMatchingModeEnum",
        "PaginatedPlexSourceList",
        "Pagination",
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


# -- the two GETs, against authentik's schema.yml at 2024.8.2 -----------------------------------

YML_SCHEMAS = SCHEMA_YML["components"]["schemas"]
GETS = [("/sources/plex/", "sources_plex_list"), ("/sources/plex/{slug}/", "sources_plex_retrieve")]


def test_vendored_operations_are_the_shared_file() -> None:
    if not SHARED_OPERATIONS.exists():
        pytest.skip(f"{SHARED_OPERATIONS} is not beside this checkout")
    assert OPERATIONS.read_bytes() == SHARED_OPERATIONS.read_bytes()
    assert SCHEMA_YML["info"]["version"] == "2024.8.2"


@pytest.mark.parametrize(("path", "operation_id"), GETS)
def test_get_operation_is_authentiks(path: str, operation_id: str) -> None:
    ours = inline(SPEC["paths"][path]["get"], SCHEMAS)
    theirs = inline(SCHEMA_YML["paths"][path]["get"], YML_SCHEMAS)
    assert ours["operationId"] == theirs["operationId"] == operation_id
    for key in sorted(set(ours) | set(theirs)):
        assert ours.get(key) == theirs.get(key), key


@pytest.mark.parametrize(("path", "operation_id"), GETS)
def test_get_operation_is_written_as_authentik_writes_it(path: str, operation_id: str) -> None:
    """Verbatim, not only equal once inlined: the same ``$ref``s, parameters in order."""
    assert SPEC["paths"][path]["get"] == SCHEMA_YML["paths"][path]["get"]


def test_list_parameters() -> None:
    parameters = SPEC["paths"]["/sources/plex/"]["get"]["parameters"]
    assert [p["name"] for p in parameters] == [
        "allow_friends", "authentication_flow", "client_id", "enabled", "enrollment_flow",
        "group_matching_mode", "name", "ordering", "page", "page_size", "policy_engine_mode",
        "search", "slug", "user_matching_mode",
    ]  # fmt: skip


@pytest.mark.parametrize("name", sorted(YML_SCHEMAS))
def test_component_is_authentiks(name: str) -> None:
    """Every component, the PATCH's included, is schema.yml's at 2024.8.2."""
    assert SCHEMAS[name] == YML_SCHEMAS[name]


def test_patch_is_schema_ymls_too() -> None:
    patch = SCHEMA_YML["paths"]["/sources/plex/{slug}/"]["patch"]
    assert SPEC["paths"]["/sources/plex/{slug}/"]["patch"] == patch


def test_get_comparison_notices_drift() -> None:
    """The comparison can fail: a changed list parameter makes the operations differ."""
    drifted = copy.deepcopy(SPEC["paths"]["/sources/plex/"]["get"])
    drifted["parameters"][9]["schema"]["maximum"] = 1000
    assert drifted != SCHEMA_YML["paths"]["/sources/plex/"]["get"]
    assert inline(drifted, SCHEMAS) != inline(
        SCHEMA_YML["paths"]["/sources/plex/"]["get"], YML_SCHEMAS
    )
