"""The real ``plex-source`` console script in a subprocess, against FakeAuthentik over sockets;
the runs whose point is one outcome of the command's logic (an exit code, a refused plan, a dry
run) in this process (``main_in_process``), each command having its runs as a process here.
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import uuid
from pathlib import Path
from typing import Any

import pytest

from plex_source_client.testing import FakeAuthentik

from .fixed_server import main_in_process

SCRIPT = str(Path(sys.executable).parent / "plex-source")


def cli(
    fake: FakeAuthentik, tmp_path: Path, *argv: str, process: bool = True
) -> subprocess.CompletedProcess[str]:
    """Run the console script the way a CI job does: URL and token file in the environment
    (``process=False``: ``plex-source`` in this process, with that environment).
    """
    token_file = tmp_path / "authentik-token"
    token_file.write_text(fake.token)
    env = {k: v for k, v in os.environ.items() if not k.startswith("AUTHENTIK_")}
    env |= {"AUTHENTIK_URL": fake.url, "AUTHENTIK_TOKEN_FILE": str(token_file)}
    args = [SCRIPT, *argv]
    if process:
        result = subprocess.run(
            args, env=env, capture_output=True, text=True, timeout=300, check=False
        )
    else:
        result = subprocess.CompletedProcess(args, *main_in_process(argv, env))
    plex_tokens = [source["plex_token"] for source in fake.sources.values()]
    for text in (result.stdout, result.stderr, " ".join(args)):
        assert fake.token not in text
        assert not [token for token in plex_tokens if token in text]
    return result


def build_plan(fake: FakeAuthentik) -> tuple[list[dict[str, Any]], dict[int, str]]:
    """200 items: 180 the server applies, 20 it rejects; returns the plan and why each fails."""
    items: list[dict[str, Any]] = []
    expected_failure: dict[int, str] = {}
    for n in range(180):
        fake.add_source(slug=f"s{n:03}", name=f"Source {n}")
        items.append(
            {
                "slug": f"s{n:03}",
                "changes": {
                    "name": f"Renamed {n}",
                    "enabled": n % 2 == 0,
                    "allowed_servers": [f"srv{n}"],
                },
            }
        )
    for n in range(7):
        items.append({"slug": f"ghost-{n}", "changes": {"enabled": False}})
    for n in range(7):
        fake.add_source(slug=f"badflow-{n}")
        items.append(
            {"slug": f"badflow-{n}", "changes": {"authentication_flow": str(uuid.uuid4())}}
        )
    for n in range(6):
        fake.add_source(slug=f"mover-{n}")
        fake.add_source(slug=f"taken-{n}")
        items.append({"slug": f"mover-{n}", "changes": {"new_slug": f"taken-{n}"}})
    random.Random(7).shuffle(items)
    for index, item in enumerate(items):
        prefix = item["slug"].split("-")[0]
        if prefix in ("ghost", "badflow", "mover"):
            expected_failure[index] = prefix
    return items, expected_failure


@pytest.mark.parametrize("read", [True, False], ids=["read-first", "no-read"])
def test_apply_200_items_with_faults(fake: FakeAuthentik, tmp_path: Path, read: bool) -> None:
    items, expected_failure = build_plan(fake)
    plan = tmp_path / "plan.json"
    plan.write_text(json.dumps(items))
    fake.fail_next(4, status=503)
    fake.drop_next(4)
    sources = len(fake.sources)

    options = [] if read else ["--no-read"]
    result = cli(
        fake, tmp_path, "apply", str(plan), "--output", "json", "--max-retries", "8", *options
    )

    assert result.returncode == 1, result.stderr
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["index"] for r in records] == list(range(200))  # every item, in input order
    assert [r["slug"] for r in records] == [item["slug"] for item in items]
    outcomes = [r["outcome"] for r in records]
    assert outcomes.count("applied") == 180
    assert outcomes.count("rejected") + outcomes.count("not_found") == 20
    for index, why in expected_failure.items():
        record = records[index]
        if why == "ghost":
            assert record["outcome"] == "not_found"
        elif why == "badflow":
            assert record["outcome"] == "rejected"
            assert list(record["errors"]) == ["authentication_flow"]
            assert "object does not exist" in record["errors"]["authentication_flow"][0]
        else:
            assert record["outcome"] == "rejected"
            assert record["errors"] == {"slug": ["source with this slug already exists."]}
    # The server's state has every applied change, once; nothing else changed.
    state = fake.sources
    for item, record in zip(items, records, strict=True):
        if record["outcome"] == "applied":
            for field, value in item["changes"].items():
                assert state[item["slug"]][field] == value
    assert all(f"mover-{n}" in state for n in range(6))
    patches = [r for r in fake.requests if r.method == "PATCH"]
    gets = [r.path.split("?")[0] for r in fake.requests if r.method == "GET"]
    if read:  # one list page (500 sources), a GET of each of the 7 ghosts the list lacks; the
        # ghosts get no PATCH; one retry per injected fault
        assert sources <= 500
        ghosts = sorted(f"/api/v3/sources/plex/ghost-{n}/" for n in range(7))
        assert sorted(gets) == ["/api/v3/sources/plex/", *ghosts]
        assert len(patches) == 200 - 7 + 8
    else:  # one request per item, plus one retry per injected fault
        assert (gets, len(patches)) == ([], 200 + 8)
    assert sum(r["attempts"] for r in records) == 208
    # One stderr line per problem, naming slug and field.
    assert len(result.stderr.splitlines()) == 20


def test_an_invalid_item_stops_the_whole_plan(fake: FakeAuthentik, tmp_path: Path) -> None:
    items, _ = build_plan(fake)
    items.insert(57, {"slug": "s001", "changes": {"new_slug": "not a slug"}})
    plan = tmp_path / "plan.json"
    plan.write_text(json.dumps(items))
    result = cli(fake, tmp_path, "apply", str(plan), process=False)
    assert result.returncode == 2
    assert fake.requests == []
    assert result.stderr.splitlines() == [
        'plex-source: invalid: item 58 (s001): new_slug: Enter a valid "slug" consisting of '
        "letters, numbers, underscores or hyphens.",
        "plex-source: nothing was sent",
    ]


def test_dry_run_sends_nothing(fake: FakeAuthentik, tmp_path: Path) -> None:
    items, _ = build_plan(fake)
    plan = tmp_path / "plan.json"
    plan.write_text(json.dumps(items))
    result = cli(fake, tmp_path, "apply", str(plan), "--dry-run", "--output", "json", process=False)
    assert result.returncode == 0
    requests = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(requests) == 200
    assert requests[0]["headers"]["Authorization"] == "Bearer ***"
    assert requests[0]["url"] == f"{fake.url}/api/v3/sources/plex/{items[0]['slug']}/"
    assert fake.requests == []


@pytest.mark.parametrize(
    ("setup", "argv", "code"),
    [
        (None, ["update", "plex", "--disabled"], 0),
        (None, ["update", "missing", "--disabled"], 1),
        (None, ["update", "plex", "--new-slug", "not valid"], 2),
        ("fail", ["update", "plex", "--disabled", "--max-retries", "2"], 3),
        # The server answers with a source that did not take the name as asked.
        ("drift", ["update", "plex", "--name", "asked", "--check"], 4),
    ],
)
def test_every_exit_code(
    fake: FakeAuthentik, tmp_path: Path, setup: str | None, argv: list[str], code: int
) -> None:
    if setup == "fail":  # retried at once (Retry-After: 0): tests/test_cli.py records backoffs
        fake.fail_next(3, status=503, retry_after=0)
    if setup == "drift":
        fake.corrupt_next(body=json.dumps({**fake.sources["plex"], "name": "kept"}))
    result = cli(fake, tmp_path, *argv, "--output", "json", process=code == 0)
    assert result.returncode == code, result.stderr
    if code != 2:
        [record] = [json.loads(line) for line in result.stdout.splitlines()]
        assert record["slug"] == argv[1]
    if code == 0:
        assert record["source"]["enabled"] is False
        assert record["source"]["plex_token"] == "***"
        assert fake.sources["plex"]["plex_token"] not in result.stdout


def test_export_plan_apply_get_as_a_ci_job_runs_them(fake: FakeAuthentik, tmp_path: Path) -> None:
    """The console script, as a CI job runs it: export, then plan and apply on the exported
    file (no change, no PATCH), a plan that changes 3 of 200, and get; ``cli`` checks that no
    token (API or Plex) appears in any output.
    """
    flow = fake.add_flow()
    mapping = fake.add_property_mapping()
    for n in range(199):
        fake.add_source(
            slug=f"s{n:03}",
            authentication_flow=str(flow),
            user_property_mappings=[str(mapping)] if n % 2 else [],
            allowed_servers=[f"srv{n}"],
        )
    exported = tmp_path / "sources.toml"
    assert cli(fake, tmp_path, "export", "-o", str(exported)).returncode == 0
    before = len(fake.requests)
    planned = cli(fake, tmp_path, "plan", str(exported))
    assert (planned.returncode, planned.stdout) == (0, "200 items: 0 to change, 200 unchanged\n")
    applied = cli(fake, tmp_path, "apply", str(exported))
    assert (applied.returncode, applied.stdout.splitlines()[-1]) == (0, "200 items: 200 unchanged")
    assert [(r.method, r.path.split("?")[0]) for r in fake.requests[before:]] == [
        ("GET", "/api/v3/sources/plex/"),
    ] * 2  # for plan, then apply: one list page each; no release asked, no PATCH
    text = exported.read_text()
    for n in (3, 50, 120):
        text = text.replace(f'allowed_servers = ["srv{n}"]', f'allowed_servers = ["new{n}"]')
    exported.write_text(text)
    planned = cli(fake, tmp_path, "plan", str(exported))
    assert planned.returncode == 4
    assert planned.stdout.count(" -> ") == 3
    before = len(fake.requests)
    applied = cli(fake, tmp_path, "apply", str(exported))
    assert applied.returncode == 0
    patches = sorted((r.path, r.json) for r in fake.requests[before:] if r.method == "PATCH")
    assert patches == [
        (f"/api/v3/sources/plex/s{n:03}/", {"allowed_servers": [f"new{n}"]}) for n in (3, 50, 120)
    ]
    shown = cli(fake, tmp_path, "get", "s003", "--output", "json")
    assert json.loads(shown.stdout)["allowed_servers"] == ["new3"]
