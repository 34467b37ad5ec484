"""compute_diff(): pure, values compared as the server stores them, secrets never shown; and
``--check`` (find_drift) making the very same comparison.
"""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from plex_source_client import (
    FieldChange,
    InvalidRequest,
    PlexSource,
    PolicyEngineMode,
    SourceDiff,
    UserMatchingMode,
    compute_diff,
)
from plex_source_client.cli.drift import find_drift
from plex_source_client.testing import FakeAuthentik

FLOW = uuid.UUID("58a24dac-c95f-4b5d-8a07-9148908201f3")
M1 = uuid.UUID("16663e95-8ee4-4aa2-bddc-80250fc3aeac")
M2 = uuid.UUID("26663e95-8ee4-4aa2-bddc-80250fc3aeac")
SECRET = "current-plex-token-s3cr3t"


def source(**fields: Any) -> PlexSource:
    """A PlexSource as authentik returns it, with ``fields`` set."""
    fake = FakeAuthentik(sources=[])
    data = fake.add_source(
        slug="plex", name="Plex", plex_token=SECRET, authentication_flow=str(FLOW),
        user_property_mappings=[str(M1), str(M2)], allowed_servers=["a", "b"], **fields,
    )  # fmt: skip
    return PlexSource.from_dict(data)


UNCHANGED: dict[str, dict[str, Any]] = {
    "nothing": {},
    "same values": {"name": "Plex", "enabled": True, "new_slug": "plex", "plex_token": SECRET},
    "trimmed strings": {"name": "  Plex\n", "allowed_servers": [" a", "b "]},
    "uuid in another form": {"authentication_flow": str(FLOW).upper()},
    "uuid object": {"authentication_flow": FLOW},
    "urn uuid": {"authentication_flow": FLOW.urn},
    "enum member": {"policy_engine_mode": PolicyEngineMode.ANY},
    "enum string": {"user_matching_mode": "identifier"},
    "mappings in another order": {"user_property_mappings": [M2, M1]},
    "a mapping twice": {"user_property_mappings": [str(M1), M2, str(M1).upper()]},
    "null flow": {"enrollment_flow": None},
}


@pytest.mark.parametrize("case", sorted(UNCHANGED))
def test_unchanged(case: str) -> None:
    current = source(enrollment_flow=None)
    diff = compute_diff(current, UNCHANGED[case])
    assert diff.unchanged, diff
    assert (diff.changes, diff.patch(), str(diff)) == ({}, {}, "no changes")
    assert find_drift(UNCHANGED[case], current) == {}  # the same comparison


CHANGED: dict[str, tuple[dict[str, Any], Any, Any]] = {
    "name": ({"name": " New "}, "Plex", "New"),
    "rename": ({"new_slug": "plex-2"}, "plex", "plex-2"),
    "bool": ({"enabled": False}, True, False),
    "flow cleared": ({"authentication_flow": None}, str(FLOW), None),
    "flow set": ({"enrollment_flow": FLOW}, None, str(FLOW)),
    "enum": ({"user_matching_mode": UserMatchingMode.EMAIL_LINK}, "identifier", "email_link"),
    "a mapping less": ({"user_property_mappings": [M1, M1]}, [str(M1), str(M2)], [str(M1)]),
    "servers reordered": ({"allowed_servers": ["b", "a"]}, ["a", "b"], ["b", "a"]),
    "servers cleared": ({"allowed_servers": []}, ["a", "b"], []),
}


@pytest.mark.parametrize("case", sorted(CHANGED))
def test_changed(case: str) -> None:
    changes, current, desired = CHANGED[case]
    diff = compute_diff(source(enrollment_flow=None), changes)
    [(name, change)] = diff.changes.items()
    assert name == change.name == next(iter(changes))
    assert (change.current, change.desired, change.secret) == (current, desired, False)
    assert diff.patch() == changes  # as given, not as compared
    assert not diff.unchanged
    assert find_drift(changes, source(enrollment_flow=None)).keys() == {name}


def test_only_differing_fields_are_kept_in_request_order() -> None:
    diff = compute_diff(
        source(), {"plex_token": "new", "name": "Plex", "enabled": False, "client_id": "c2"}
    )
    assert list(diff.changes) == ["plex_token", "enabled", "client_id"]
    assert diff.patch() == {"plex_token": "new", "enabled": False, "client_id": "c2"}
    assert diff.slug == "plex"


def test_display() -> None:
    change = FieldChange("allowed_servers", ["a"], ["a", "b"])
    assert change.display() == str(change) == '["a"] -> ["a", "b"]'
    diff = compute_diff(source(), {"name": "Plëx", "enabled": False})
    assert str(diff) == diff.display() == 'name: "Plex" -> "Plëx"\nenabled: true -> false'


def test_a_secret_is_never_shown() -> None:
    new = "brand-new-s3cr3t-token"
    diff = compute_diff(source(), {"plex_token": new, "name": "Other"})
    change = diff.changes["plex_token"]
    assert change.secret
    assert (change.current, change.desired) == (SECRET, new)  # there, for code that asks
    assert change.display() == str(change) == "changed"
    shown = [str(diff), repr(diff), diff.display(), str(change), repr(change), change.display()]
    for text in shown:
        assert SECRET not in text
        assert new not in text
    assert repr(change) == (
        "FieldChange(name='plex_token', current='***', desired='***', secret=True)"
    )
    assert 'name: "Plex" -> "Other"' in str(diff)


def test_the_secrets_drift_is_not_shown_either() -> None:
    drift = find_drift({"plex_token": "other"}, source())
    assert drift == {"plex_token": "the server has another value (not shown: it is a secret)"}


def test_changes_are_checked_like_update() -> None:
    with pytest.raises(InvalidRequest) as caught:
        compute_diff(source(), {"name": "", "new_slug": "a b", "enabeld": True, "slug": "x"})
    assert set(caught.value.errors) == {"name", "new_slug", "enabeld", "slug"}
    assert "did you mean 'enabled'?" in caught.value.errors["enabeld"][0]
    assert "new_slug" in caught.value.errors["slug"][0]


def test_unvalidated_values_are_compared_without_failing() -> None:
    odd = {"name": 5, "authentication_flow": "not-a-uuid", "user_property_mappings": [[1]]}
    diff = compute_diff(source(), odd, validate=False)
    assert list(diff.changes) == list(odd)
    assert diff.patch() == odd
    with pytest.raises(InvalidRequest):  # unknown names are refused even so
        compute_diff(source(), {"nme": "x"}, validate=False)


def test_only_a_plex_source_is_compared() -> None:
    with pytest.raises(TypeError, match="PlexSource"):
        compute_diff({"name": "x"}, {"name": "y"})  # type: ignore[arg-type]


def test_diffs_are_frozen_values() -> None:
    diff = compute_diff(source(), {"enabled": False})
    assert isinstance(diff, SourceDiff)
    assert diff == compute_diff(source(), {"enabled": False})
    with pytest.raises(AttributeError):
        diff.slug = "x"  # type: ignore[misc]
