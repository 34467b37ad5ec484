"""A plan or changes file naming a key twice in one mapping (a copy-paste slip: ``slug:
my-plex`` then ``slug: other-plex``) is refused, exit 2, nothing sent, in YAML and JSON as
TOML refuses it: their parsers kept the last value, so ``apply`` PATCHed a source the reader
did not see first, or sent the other of two values (review round 35b). YAML 1.2 says keys
are unique; yamllint's key-duplicates rule flags them.
"""

from __future__ import annotations

from typing import Any

import pytest

from .fixed_server import FixedServer, run_main, source

DUPLICATED = {
    "slug.yaml": "- slug: my-plex\n  slug: other-plex\n  changes: {name: Renamed}\n",
    "slug.json": '[{"slug": "my-plex", "slug": "other-plex", "changes": {"name": "Renamed"}}]',
    "changes.yaml": "- slug: my-plex\n  changes:\n    enabled: false\n    enabled: true\n",
    "changes.json": '[{"slug": "my-plex", "changes": {"enabled": false, "enabled": true}}]',
}


@pytest.mark.parametrize("command", ["plan", "apply"])
@pytest.mark.parametrize("name", sorted(DUPLICATED))
def test_plan_naming_a_key_twice_is_refused(tmp_path: Any, command: str, name: str) -> None:
    plan = tmp_path / name
    plan.write_text(DUPLICATED[name])
    other = source(slug="other-plex", pk="1b2c3d4e-5f6a-4b7c-8d9e-0f1a2b3c4d5e")
    with FixedServer([source(), other]) as server:
        code, _, err, _ = run_main([command, str(plan)], url=server.url)
        requests = list(server.requests)
    assert code == 2, err
    assert requests == []


@pytest.mark.parametrize("name", ["changes.yaml", "changes.json"])
def test_update_from_a_file_naming_a_key_twice_is_refused(tmp_path: Any, name: str) -> None:
    changes = tmp_path / name
    text = (
        "enabled: false\nenabled: true\n"
        if name.endswith("yaml")
        else ('{"enabled": false, "enabled": true}')
    )
    changes.write_text(text)
    with FixedServer([source()]) as server:
        code, _, err, _ = run_main(
            ["update", "my-plex", "--from-file", str(changes)], url=server.url
        )
        requests = list(server.requests)
    assert code == 2, err
    assert "'enabled' appears twice" in err
    assert requests == []


def test_the_same_key_in_two_mappings_is_no_repeat(tmp_path: Any) -> None:
    plan = tmp_path / "plan.yaml"
    plan.write_text(
        "- slug: my-plex\n  changes: {enabled: false}\n"
        "- slug: my-plex\n  changes: {enabled: true}\n"
    )
    with FixedServer([source()]) as server:
        code, _, err, _ = run_main(["plan", str(plan)], url=server.url)
    assert code == 4, err  # drift: the plan would change the source
    assert "appears twice" not in err
