"""The facade's field table and signatures agree with the spec the generated code comes from
(openapi.yaml with codegen/releases.yaml and spec-corrections.yaml), so they cannot drift."""

from __future__ import annotations

import inspect
import typing
from pathlib import Path
from typing import Any, Literal, get_args, get_origin

import pytest

from plex_source_client import AsyncPlexSourceClient, PlexSourceClient
from plex_source_client._changes import FIELDS, FIELDS_BY_NAME, Field
from plex_source_client._generated.spec import Changes

from .specs import GENERATED_FROM, SPEC

ROOT = Path(__file__).resolve().parents[1]
SCHEMAS = GENERATED_FROM["components"]["schemas"]
REQUEST = SCHEMAS["PatchedPlexSourceRequest"]["properties"]


def test_every_request_property_has_exactly_one_field() -> None:
    assert sorted(field.wire for field in FIELDS) == sorted(REQUEST)


@pytest.mark.parametrize("client", [PlexSourceClient, AsyncPlexSourceClient])
def test_update_has_one_typed_keyword_per_field(client: type[Any]) -> None:
    """``**changes: Unpack[Changes]``: the generated TypedDict has one optional key per field."""
    parameters = inspect.signature(client.update).parameters
    assert list(parameters) == ["self", "slug", "timeout", "changes"]
    assert parameters["changes"].annotation == "Unpack[Changes]"
    assert list(typing.get_type_hints(Changes)) == [field.name for field in FIELDS]
    assert Changes.__optional_keys__ == frozenset(FIELDS_BY_NAME)


def literal_values(annotation: Any) -> set[str]:
    values: set[str] = set()
    for arg in get_args(annotation):
        if get_origin(arg) is Literal:
            values.update(get_args(arg))
        else:
            values |= literal_values(arg)
    return values


@pytest.mark.parametrize("field", [f for f in FIELDS if f.enum], ids=lambda f: f.name)
def test_enum_keywords_accept_exactly_the_spec_strings(field: Field) -> None:
    hints = typing.get_type_hints(Changes)
    assert field.enum is not None
    assert literal_values(hints[field.name]) == {m.value for m in field.enum}


def test_only_nullable_fields_accept_none_statically() -> None:
    hints = typing.get_type_hints(Changes)
    for name, field in FIELDS_BY_NAME.items():
        assert (type(None) in get_args(hints[name])) == field.nullable, name


def test_the_path_is_the_specs() -> None:
    from plex_source_client._changes import LIST_PATH, PATH_TEMPLATE, source_path
    from plex_source_client._generated.api.sources import sources_plex_list as list_op
    from plex_source_client._generated.api.sources import sources_plex_partial_update as op
    from plex_source_client._generated.api.sources import sources_plex_retrieve as get_op

    assert list(SPEC["paths"]) == [LIST_PATH, PATH_TEMPLATE]
    assert list_op._get_kwargs()["url"] == LIST_PATH
    for slug in ["my-plex", "a/b", "x y", "ä"]:
        assert source_path(slug) == op._get_kwargs(slug=slug)["url"]
        assert source_path(slug) == get_op._get_kwargs(slug=slug)["url"]
