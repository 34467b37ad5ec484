"""codegen/releases.yaml and plex_source_client/_releases.py: what each authentik release
after 2024.8 changed in the Plex source operations, checked against authentik's own schemas.

The overlay applied to openapi.yaml (authentik 2024.8.2) and seen as of 2026.2.2 must be exactly
authentik 2026.2.2's schema for these operations; seen as of 2024.8.2, exactly openapi.yaml. So
the generated models (made from the overlay) have every field of both, and no field either lacks.
"""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from codegen.apply_releases import ReleasesError, apply_releases, spec_at
from plex_source_client._releases import (
    ADDED_IN,
    BOUNDARY,
    ICON_WRITABLE_IN,
    SLUG_LIMIT_DROPPED_IN,
    WRITABLE_IN,
    Release,
    missing_fields,
    parse_release,
    slug_max_length,
    unsupported,
)

from .specs import RELEASED, SHARED, SPEC, schema

COMPARED = ("PlexSource", "PatchedPlexSourceRequest", "ThemedUrls")
EXTRACT_2026 = SHARED / "2026.2.2" / "plex-source-operations.json"
EXTRACT_2024 = SHARED / "2024.8.2" / "plex-source-operations.json"


def extract(path: Any) -> dict[str, Any]:
    if not path.exists():
        pytest.fail(f"{path} is not beside this checkout (CI has it as ../shared)")
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def test_seen_as_of_2026_2_2_it_is_authentik_2026_2_2s_schema() -> None:
    ours = spec_at(RELEASED, (2026, 2, 2))
    theirs = extract(EXTRACT_2026)
    for name in COMPARED:
        assert schema(ours, name).get("properties") == schema(theirs, name).get("properties"), name
        # in the serializer's order too (x-authentik-after places what a release added)
        assert list(schema(ours, name)["properties"]) == list(schema(theirs, name)["properties"])
        # authentik marks optional what has a default; every field it requires, we have.
        assert set(schema(theirs, name).get("required", [])) <= set(
            schema(ours, name)["properties"]
        )
    assert schema(ours, "ThemedUrls") == schema(theirs, "ThemedUrls")


def test_seen_as_of_2024_8_2_it_is_openapi_yaml() -> None:
    ours = spec_at(RELEASED, (2024, 8, 2))
    assert ours == SPEC
    theirs = extract(EXTRACT_2024)
    for name in ("PlexSource", "PatchedPlexSourceRequest"):
        assert schema(ours, name) == schema(theirs, name)


def test_between_2025_12_0_and_2025_12_2_there_are_no_themed_urls() -> None:
    ours = spec_at(RELEASED, (2025, 12, 1))
    properties = schema(ours, "PlexSource")["properties"]
    assert {"promoted", "icon_url"} <= set(properties)
    assert "icon_themed_urls" not in properties
    assert "ThemedUrls" not in ours["components"]["schemas"]
    assert "maxLength" not in properties["slug"]
    assert "readOnly" not in properties["icon"]


@pytest.mark.parametrize(
    ("text", "release"),
    [
        ("2025.12", Release(2025, 12, 0)),
        ("2025.12.0", Release(2025, 12, 0)),
        ("2025.12.2", Release(2025, 12, 2)),
        (" 2024.8.2\n", Release(2024, 8, 2)),
        ("2026.2.0-rc1", Release(2026, 2, 0)),
        ("2026.2.0rc1", Release(2026, 2, 0)),
        ("version/2024.8.2", Release(2024, 8, 2)),
        ("2024.06", Release(2024, 6, 0)),
    ],
)
def test_releases_parse_as_authentik_writes_them(text: str, release: Release) -> None:
    assert parse_release(text) == release


@pytest.mark.parametrize(
    "text",
    ["", "2025", "25.12", "2025.13", "2025.0", "latest", "2025.12.x", "1" * 100, 2025.12, None],
)
def test_what_is_not_a_release_is_refused(text: Any) -> None:
    with pytest.raises(ValueError, match=r"looks like 2025\.12"):
        parse_release(text)


def test_releases_order_and_print_as_authentik_writes_them() -> None:
    assert Release(2025, 12, 2) > Release(2025, 12) > Release(2025, 10, 9) > Release(2024, 8, 2)
    assert str(Release(2025, 12)) == "2025.12"
    assert str(Release(2024, 8, 2)) == "2024.8.2"


def test_every_release_mark_is_the_one_boundary() -> None:
    """What a client may send changes at one release, 2025.12: what is written, the slug's
    limit; only a read-only field (icon_themed_urls, 2025.12.2) came later.
    """
    assert {*WRITABLE_IN.values(), SLUG_LIMIT_DROPPED_IN, ICON_WRITABLE_IN} == {BOUNDARY}
    assert Release(2025, 12, 0) == BOUNDARY
    assert all(added >= BOUNDARY for added in ADDED_IN.values())
    assert set(ADDED_IN) - set(WRITABLE_IN) == {"icon_url", "icon_themed_urls"}  # read-only


def test_releases_before_2024_8_are_unsupported() -> None:
    assert unsupported(Release(2024, 8, 0)) is None
    assert unsupported(Release(2026, 2, 2)) is None
    message = unsupported(Release(2024, 6, 4))
    assert message is not None
    assert "2024.6.4" in message
    assert "authentik 2024.8 and newer" in message


def test_what_each_release_can_write() -> None:
    every = ["promoted", "icon", "group_matching_mode", "user_property_mappings", "name"]
    assert missing_fields(Release(2024, 8, 2), every) == ["promoted", "icon"]
    assert missing_fields(Release(2025, 12), every) == []
    assert slug_max_length(Release(2025, 10, 3)) == 50
    assert slug_max_length(Release(2025, 12)) is None
    assert slug_max_length(None) is None


SCHEMAS = "$.components.schemas"
PROPS = "$.components.schemas.PlexSource.properties"
ADDED = "x-authentik-added-in"
NEEDS = f"needs {ADDED}"


@pytest.mark.parametrize(
    ("action", "problem"),
    [
        ({"target": SCHEMAS, "update": {"PlexSource": {}}}, "exists already"),
        ({"target": SCHEMAS, "update": {"New": {"type": "object"}}}, NEEDS),
        ({"target": PROPS, "update": {"name": {"type": "string", ADDED: "2025.12.0"}}}, "exists"),
        ({"target": PROPS, "update": {"new": {"type": "string"}}}, NEEDS),
        ({"target": PROPS, "update": {"new": {ADDED: "2025.12"}}}, "is not a release"),
        ({"target": f"{PROPS}.name", "update": {"maxLength": 9}}, "is not one of"),
        ({"target": f"{PROPS}.nope", "update": {ADDED: "2025.12.0"}}, "unsupported target"),
        ({"target": "$.paths", "update": {"x": 1}}, "unsupported target"),
        ({"target": f"{SCHEMAS}.PlexSource", "update": {"x": 1}}, "unsupported target"),
        ({"target": f"{PROPS}.name", "update": {}}, "non-empty"),
        ({"target": f"{PROPS}.name", "remove": True}, "only target"),
        (
            {"target": PROPS, "update": {"new": {ADDED: "2025.12.0", "x-authentik-after": "no"}}},
            "is no property",
        ),
    ],
)
def test_the_applier_refuses_anything_but_additions_marked_with_their_release(
    action: dict[str, Any], problem: str
) -> None:
    with pytest.raises(ReleasesError, match=problem):
        apply_releases(SPEC, {"overlay": "1.0.0", "actions": [action]})


def test_a_property_is_marked_once() -> None:
    action = {
        "target": "$.components.schemas.PlexSource.properties.slug",
        "update": {"x-authentik-max-length-until": "2025.12.0"},
    }
    with pytest.raises(ReleasesError, match="marked already"):
        apply_releases(RELEASED, {"overlay": "1.0.0", "actions": [action]})


def test_applying_leaves_the_spec_given_as_it_was() -> None:
    before = copy.deepcopy(SPEC)
    spec_at(RELEASED, (2024, 8, 2))
    assert before == SPEC
    assert "promoted" in schema(RELEASED, "PlexSource")["properties"]
