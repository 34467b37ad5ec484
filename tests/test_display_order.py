"""Sources are serialized in the order authentik sends their fields, on every release (the
order itself is _generated/spec.py's, checked against authentik's schema by
tests/test_generated_spec.py).
"""

from __future__ import annotations

from plex_source_client import PlexSource
from plex_source_client._display import in_schema_order

from .payloads import plex_source, plex_source_2026


def test_to_dict_gives_the_answer_back_in_its_order() -> None:
    for body in (plex_source(), plex_source_2026()):
        assert list(PlexSource.from_dict(body).to_dict()) == list(body)
    extra = {**plex_source_2026(), "zz_new_in_2027": 1}
    assert list(PlexSource.from_dict(extra).to_dict()) == list(extra)


def test_shown_in_the_serializers_order_then_the_rest() -> None:
    body = plex_source_2026()
    shuffled = {"zz_new": 1, **dict(reversed(list(body.items())))}
    assert list(in_schema_order(shuffled)) == [*body, "zz_new"]
