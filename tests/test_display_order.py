"""Sources are shown and serialized in the order authentik sends their fields, on every release."""

from __future__ import annotations

from codegen.apply_releases import spec_at
from plex_source_client import PlexSource
from plex_source_client._display import FIELD_ORDER

from .payloads import plex_source, plex_source_2024_6, plex_source_2026
from .specs import RELEASED, SPEC, schema


def test_the_order_is_authentik_2026_2_2s() -> None:
    import json

    from .specs import SHARED

    extract = json.loads((SHARED / "2026.2.2" / "plex-source-operations.json").read_text())
    assert list(schema(extract, "PlexSource")["properties"]) == list(FIELD_ORDER)


def test_older_releases_keep_the_same_order_without_what_they_lack() -> None:
    assert [n for n in FIELD_ORDER if n in schema(SPEC, "PlexSource")["properties"]] == list(
        schema(SPEC, "PlexSource")["properties"]
    )
    at_2024_6 = schema(spec_at(RELEASED, (2024, 6, 0)), "PlexSource")["properties"]
    assert set(at_2024_6) <= set(FIELD_ORDER)


def test_to_dict_gives_the_answer_back_in_its_order() -> None:
    for body in (plex_source(), plex_source_2024_6(), plex_source_2026()):
        assert list(PlexSource.from_dict(body).to_dict()) == list(body)
    extra = {**plex_source_2026(), "zz_new_in_2027": 1}
    assert list(PlexSource.from_dict(extra).to_dict()) == list(extra)
