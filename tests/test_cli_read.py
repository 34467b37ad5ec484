"""Read before write, against the fake over sockets: the quiet ``apply`` (and ``update``),
``plan``, ``get`` and ``export``, counting the requests each sends (``fake.requests``).
"""

from __future__ import annotations

import json
import tomllib
from pathlib import Path
from typing import Any

import pytest

from plex_source_client.cli import main
from plex_source_client.cli.runner import LIST_FROM
from plex_source_client.testing import FakeAuthentik

Capture = pytest.CaptureFixture[str]
LIST = "/api/v3/sources/plex/"


def run(capsys: Capture, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def requests(fake: FakeAuthentik, method: str) -> list[str]:
    """The paths (query left out) of the requests with ``method``."""
    return [r.path.split("?")[0] for r in fake.requests if r.method == method]


def matching_plan(fake: FakeAuthentik, count: int) -> list[dict[str, Any]]:
    """``count`` sources on the fake and a plan that asks for what they already have."""
    for n in range(count):
        fake.add_source(slug=f"s{n:03}", name=f"Source {n}", allowed_servers=[f"srv{n}"])
    return [
        {
            "slug": f"s{n:03}",
            "changes": {"name": f"Source {n}", "enabled": True, "allowed_servers": [f"srv{n}"]},
        }
        for n in range(count)
    ]


def write(tmp_path: Path, items: Any, name: str = "plan.json") -> str:
    path = tmp_path / name
    path.write_text(json.dumps(items))
    return str(path)


def test_reapplying_a_matching_200_item_plan_sends_no_patch(
    authentik_env: FakeAuthentik, capsys: Capture, tmp_path: Path
) -> None:
    plan = write(tmp_path, matching_plan(authentik_env, 200))
    before = len(authentik_env.requests)
    code, out, err = run(capsys, "apply", plan)
    assert (code, err) == (0, "")
    sent = authentik_env.requests[before:]
    assert [(r.method, r.path.split("?")[0]) for r in sent] == [("GET", LIST)]  # one page
    assert out.splitlines()[-1] == "200 items: 200 unchanged"
    assert out.count(" unchanged ") == 200


def test_changing_3_of_200_items_sends_3_patches_of_the_differing_fields(
    authentik_env: FakeAuthentik, capsys: Capture, tmp_path: Path
) -> None:
    items = matching_plan(authentik_env, 200)
    items[5]["changes"]["name"] = "Renamed 5"
    items[77]["changes"]["enabled"] = False
    items[150]["changes"] |= {"allowed_servers": ["other"], "name": "Renamed 150"}
    before = len(authentik_env.requests)
    code, out, err = run(capsys, "apply", write(tmp_path, items), "--output", "json")
    assert (code, err) == (0, "")
    patches = [(r.path, r.json) for r in authentik_env.requests[before:] if r.method == "PATCH"]
    assert sorted(patches) == [
        (f"{LIST}s005/", {"name": "Renamed 5"}),
        (f"{LIST}s077/", {"enabled": False}),
        (f"{LIST}s150/", {"name": "Renamed 150", "allowed_servers": ["other"]}),
    ]
    assert requests(authentik_env, "GET")[-1:] == [LIST]
    records = [json.loads(line) for line in out.splitlines()]
    assert [r["outcome"] for r in records].count("unchanged") == 197
    assert records[150]["sent"] == ["name", "allowed_servers"]
    assert records[0]["sent"] == []
    assert authentik_env.sources["s150"]["allowed_servers"] == ["other"]


def test_no_read_patches_every_item_and_reads_nothing(
    authentik_env: FakeAuthentik, capsys: Capture, tmp_path: Path
) -> None:
    plan = write(tmp_path, matching_plan(authentik_env, 200))
    before = len(authentik_env.requests)
    code, out, _ = run(capsys, "apply", plan, "--no-read")
    assert code == 0
    sent = authentik_env.requests[before:]
    assert {r.method for r in sent} == {"PATCH"}
    assert len(sent) == 200
    assert out.splitlines()[-1] == "200 items: 200 applied"


def test_a_small_plan_gets_each_source_instead_of_listing(
    authentik_env: FakeAuthentik, capsys: Capture, tmp_path: Path
) -> None:
    items = matching_plan(authentik_env, LIST_FROM - 1)
    items[0]["changes"]["name"] = "New"
    before = len(authentik_env.requests)
    assert run(capsys, "apply", write(tmp_path, items))[0] == 0
    sent = [(r.method, r.path) for r in authentik_env.requests[before:]]
    gets = sorted(path for method, path in sent if method == "GET")
    assert gets == [f"{LIST}{item['slug']}/" for item in items]
    assert [s for s in sent if s[0] == "PATCH"] == [("PATCH", f"{LIST}s000/")]


def test_update_is_quiet_too_and_no_read_sends_anyway(
    authentik_env: FakeAuthentik, capsys: Capture
) -> None:
    before = len(authentik_env.requests)
    code, out, _ = run(capsys, "update", "plex", "--enabled")  # already enabled
    assert code == 0
    assert [r.method for r in authentik_env.requests[before:]] == ["GET"]
    assert out.startswith('Plex source "plex" unchanged: authentik already has every field')
    code, out, _ = run(capsys, "update", "plex", "--enabled", "--output", "json")
    assert json.loads(out)["outcome"] == "unchanged"
    before = len(authentik_env.requests)
    assert run(capsys, "update", "plex", "--enabled", "--no-read")[0] == 0
    assert [(r.method, r.json) for r in authentik_env.requests[before:]] == [
        ("PATCH", {"enabled": True})
    ]


def test_a_rename_then_an_update_of_the_new_slug_stay_ordered(
    authentik_env: FakeAuthentik, capsys: Capture, tmp_path: Path
) -> None:
    authentik_env.add_source(slug="old")
    items = [
        {"slug": "old", "changes": {"new_slug": "new"}},
        {"slug": "new", "changes": {"name": "New name"}},
        {"slug": "old", "changes": {"name": "gone"}},
    ]
    plan = write(tmp_path, items)
    code, out, _ = run(capsys, "plan", plan, "--output", "json")
    assert code == 1
    assert [json.loads(line)["outcome"] for line in out.splitlines()] == [
        "change",
        "change",
        "not_found",
    ]
    assert not requests(authentik_env, "PATCH")
    code, out, _ = run(capsys, "apply", plan, "--output", "json")
    assert code == 1  # the third item's source is gone: not found
    assert [json.loads(line)["outcome"] for line in out.splitlines()] == [
        "applied",
        "applied",
        "not_found",
    ]
    assert authentik_env.sources["new"]["name"] == "New name"
    assert "old" not in authentik_env.sources


def test_check_still_works_after_a_read(
    authentik_env: FakeAuthentik, capsys: Capture, tmp_path: Path
) -> None:
    items = matching_plan(authentik_env, 2)
    items[0]["changes"]["name"] = "  padded  "  # authentik trims it: not drift
    code, out, err = run(capsys, "apply", write(tmp_path, items), "--check")
    assert (code, err) == (0, "")
    assert out.splitlines()[-1] == "2 items: 1 applied, 1 unchanged"


# -- plan --------------------------------------------------------------------------------------


def test_plan_exits_0_when_nothing_would_change(
    authentik_env: FakeAuthentik, capsys: Capture, tmp_path: Path
) -> None:
    plan = write(tmp_path, matching_plan(authentik_env, 50))
    code, out, err = run(capsys, "plan", plan)
    assert (code, out, err) == (0, "50 items: 0 to change, 50 unchanged\n", "")
    assert requests(authentik_env, "GET") == [LIST]
    assert not requests(authentik_env, "PATCH")


def test_plan_exits_4_and_shows_current_and_desired(
    authentik_env: FakeAuthentik, capsys: Capture, tmp_path: Path
) -> None:
    items = matching_plan(authentik_env, 50)
    items[3]["changes"]["name"] = "New 3"
    items[9]["changes"] |= {"enabled": False, "allowed_servers": []}
    items[20]["changes"]["plex_token"] = "a-new-plex-token-value"
    items.append({"slug": "ghost", "changes": {"enabled": False}})
    code, out, err = run(capsys, "plan", write(tmp_path, items))
    assert code == 1  # an unknown slug is the server's refusal, as for apply
    assert out.splitlines() == [
        "~ s003 (item 4)",
        '    name: "Source 3" -> "New 3"',
        "~ s009 (item 10)",
        "    enabled: true -> false",
        '    allowed_servers: ["srv9"] -> []',
        "~ s020 (item 21)",
        "    plex_token: changed",
        "! ghost (item 51): not found",
        "51 items: 3 to change, 47 unchanged, 1 not found",
    ]
    assert err == "plex-source: ghost: not found: no Plex source has this slug\n"
    assert "a-new-plex-token-value" not in out + err
    assert not requests(authentik_env, "PATCH")
    del items[-1]
    assert run(capsys, "plan", write(tmp_path, items))[0] == 4


def test_plan_json_has_one_object_per_item_and_no_secret(
    authentik_env: FakeAuthentik, capsys: Capture, tmp_path: Path
) -> None:
    items = matching_plan(authentik_env, 3)
    items[1]["changes"] |= {"name": "B", "plex_token": "another-token-value"}
    code, out, _ = run(capsys, "plan", write(tmp_path, items), "--output", "json")
    assert code == 4
    records = [json.loads(line) for line in out.splitlines()]
    assert [r["outcome"] for r in records] == ["unchanged", "change", "unchanged"]
    assert records[1]["changes"] == {
        "name": {"current": "Source 1", "desired": "B"},
        "plex_token": {"changed": True, "secret": True},
    }
    current_token = authentik_env.sources["s001"]["plex_token"]
    assert "another-token-value" not in out
    assert current_token not in out


def test_plan_with_the_current_plex_token_is_unchanged(
    authentik_env: FakeAuthentik, capsys: Capture, tmp_path: Path
) -> None:
    token = authentik_env.sources["plex"]["plex_token"]
    plan = write(tmp_path, [{"slug": "plex", "changes": {"plex_token": token}}])
    code, out, err = run(capsys, "plan", plan)
    assert (code, out) == (0, "1 item: 0 to change, 1 unchanged\n")
    assert token not in out + err


def test_plan_of_a_failing_server_exits_3(
    authentik_env: FakeAuthentik, capsys: Capture, tmp_path: Path
) -> None:
    authentik_env.fail_next(10, status=503, method="GET")
    plan = write(tmp_path, [{"slug": "plex", "changes": {"enabled": False}}])
    code, out, err = run(capsys, "plan", plan, "--max-retries", "0")
    assert code == 3
    assert "plex: failed:" in err
    assert out.endswith("1 item: 0 to change, 0 unchanged, 1 failed\n")


# -- get ---------------------------------------------------------------------------------------


def test_get_masks_the_plex_token_unless_asked(
    authentik_env: FakeAuthentik, capsys: Capture
) -> None:
    token = authentik_env.sources["plex"]["plex_token"]
    code, out, err = run(capsys, "get", "plex")
    assert (code, err) == (0, "")
    assert out.startswith('Plex source "plex":\n')
    assert "plex_token               ***" in out
    assert token not in out
    code, out, _ = run(capsys, "get", "plex", "--output", "json")
    source = json.loads(out)
    assert (source["slug"], source["plex_token"], token in out) == ("plex", "***", False)
    assert token in run(capsys, "get", "plex", "--show-secrets")[1]
    assert (
        json.loads(run(capsys, "get", "plex", "--show-secrets", "--output", "json")[1])[
            "plex_token"
        ]
        == token
    )
    assert [r.method for r in authentik_env.requests] == ["GET"] * 4


def test_get_of_an_unknown_slug_exits_1(authentik_env: FakeAuthentik, capsys: Capture) -> None:
    code, out, err = run(capsys, "get", "ghost")
    assert (code, out) == (1, "")
    assert err == "plex-source: ghost: not found: no Plex source has this slug\n"


# -- export ------------------------------------------------------------------------------------


def configured_sources(fake: FakeAuthentik) -> None:
    """Sources with flows, mappings and lists set, and one with no flows at all."""
    flow = fake.add_flow()
    mappings = [str(fake.add_property_mapping()) for _ in range(2)]
    fake.add_source(
        slug="full",
        name='Quotes " and \\ and ünïcode',
        authentication_flow=str(flow),
        user_property_mappings=mappings,
        group_property_mappings=mappings[:1],
        allowed_servers=["a1", "b2"],
        allow_friends=False,
        policy_engine_mode="all",
        user_matching_mode="email_link",
        group_matching_mode="name_deny",
    )
    fake.add_source(slug="bare", authentication_flow=None, enrollment_flow=None)


@pytest.mark.parametrize("fmt", ["toml", "json"])
def test_export_then_plan_reports_no_change(
    authentik_env: FakeAuthentik, capsys: Capture, tmp_path: Path, fmt: str
) -> None:
    configured_sources(authentik_env)
    exported = tmp_path / f"sources.{fmt}"
    code, out, err = run(capsys, "export", "--format", fmt, "-o", str(exported))
    assert (code, out, err) == (0, "", "")
    assert requests(authentik_env, "GET") == [LIST]
    text = exported.read_text()
    document = tomllib.loads(text) if fmt == "toml" else json.loads(text)
    by_slug = {item["slug"]: item["changes"] for item in document["items"]}
    assert sorted(by_slug) == ["bare", "full", "plex"]
    assert (
        by_slug["full"]["user_property_mappings"]
        == authentik_env.sources["full"]["user_property_mappings"]
    )
    assert "new_slug" not in by_slug["full"]
    assert ("authentication_flow" in by_slug["bare"]) == (fmt == "json")  # TOML has no null
    code, out, err = run(capsys, "plan", str(exported))
    assert (code, out, err) == (0, "3 items: 0 to change, 3 unchanged\n", "")
    before = len(authentik_env.requests)
    assert run(capsys, "apply", str(exported))[0] == 0
    # three sources (fewer than LIST_FROM): a GET each, nothing to PATCH; the property
    # mappings need no release (every supported one has them)
    assert [r.method for r in authentik_env.requests[before:]] == ["GET"] * 3
    assert all(r.path.startswith("/api/v3/sources/") for r in authentik_env.requests[before:])


def test_export_leaves_secrets_out_unless_asked(
    authentik_env: FakeAuthentik, capsys: Capture, tmp_path: Path
) -> None:
    configured_sources(authentik_env)
    tokens = [source["plex_token"] for source in authentik_env.sources.values()]
    code, out, err = run(capsys, "export")
    assert code == 0
    assert "plex_token" not in out
    assert not [token for token in tokens if token in out + err]
    code, out, _ = run(capsys, "export", "--format", "json", "full")
    assert [item["slug"] for item in json.loads(out)["items"]] == ["full"]
    assert "plex_token" not in out
    with_secrets = tmp_path / "secret.toml"
    assert run(capsys, "export", "--include-secrets", "-o", str(with_secrets)) == (0, "", "")
    items = tomllib.loads(with_secrets.read_text())["items"]
    assert sorted(item["changes"]["plex_token"] for item in items) == sorted(tokens)
    assert with_secrets.stat().st_mode & 0o077 == 0
    assert run(capsys, "plan", str(with_secrets))[:2] == (0, "3 items: 0 to change, 3 unchanged\n")


def test_export_of_an_unknown_slug_writes_nothing(
    authentik_env: FakeAuthentik, capsys: Capture, tmp_path: Path
) -> None:
    target = tmp_path / "out.toml"
    code, out, err = run(capsys, "export", "plex", "ghost", "-o", str(target))
    assert (code, out, target.exists()) == (1, "", False)
    assert err.splitlines() == [
        "plex-source: ghost: not found: no Plex source has this slug",
        "plex-source: nothing was written",
    ]


def test_export_reads_named_sources_with_one_get_each(
    authentik_env: FakeAuthentik, capsys: Capture
) -> None:
    configured_sources(authentik_env)
    code, out, _ = run(capsys, "export", "full", "bare")
    assert code == 0
    assert [item["slug"] for item in tomllib.loads(out)["items"]] == ["full", "bare"]
    assert sorted(requests(authentik_env, "GET")) == [f"{LIST}bare/", f"{LIST}full/"]


def test_items_on_one_slug_are_compared_with_the_state_the_earlier_ones_leave(
    authentik_env: FakeAuthentik, capsys: Capture, tmp_path: Path
) -> None:
    """The source a PATCH returns is the current one for the next item of its group: a
    change and its undo both run, with no second read.
    """
    original = authentik_env.sources["plex"]["name"]
    items = [
        {"slug": "plex", "changes": {"name": "Changed"}},
        {"slug": "plex", "changes": {"name": original}},
    ]
    plan = write(tmp_path, items)
    code, out, _ = run(capsys, "plan", plan, "--output", "json")
    assert code == 4
    assert [json.loads(line)["changes"]["name"]["desired"] for line in out.splitlines()] == [
        "Changed",
        original,
    ]
    before = len(authentik_env.requests)
    code, out, _ = run(capsys, "apply", plan)
    assert (code, out.splitlines()[-1]) == (0, "2 items: 2 applied")
    assert [r.method for r in authentik_env.requests[before:]] == ["GET", "PATCH", "PATCH"]
    assert authentik_env.sources["plex"]["name"] == original


@pytest.mark.parametrize("command", ["plan", "apply"])
def test_a_refused_list_falls_back_to_one_get_per_item(
    authentik_env: FakeAuthentik, capsys: Capture, tmp_path: Path, command: str
) -> None:
    """A token that may read sources one by one but not list them: still no PATCH."""
    plan = write(tmp_path, matching_plan(authentik_env, LIST_FROM))
    authentik_env.fail_next(1, status=403, method="GET")  # the list
    code, out, err = run(capsys, command, plan)
    assert (code, err) == (0, "")
    assert "10 unchanged" in out
    gets = requests(authentik_env, "GET")
    assert gets[0] == LIST
    assert sorted(gets[1:]) == [f"{LIST}s{n:03}/" for n in range(LIST_FROM)]
    assert not requests(authentik_env, "PATCH")
