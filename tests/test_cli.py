"""``plex-source update`` and ``apply`` in process, against the fake over sockets."""

from __future__ import annotations

import argparse
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from plex_source_client import AsyncPlexSourceClient, PlexSourceClient
from plex_source_client.cli import main
from plex_source_client.cli.planfile import PlanItem, group_items
from plex_source_client.cli.runner import ItemResult, Progress
from plex_source_client.testing import FakeAuthentik

Capture = pytest.CaptureFixture[str]


def run(capsys: Capture, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def write_plan(tmp_path: Path, items: Any, name: str = "plan.json") -> str:
    path = tmp_path / name
    path.write_text(json.dumps(items) if name.endswith(".json") else items)
    return str(path)


def test_update_sends_only_the_options_given(authentik_env: FakeAuthentik, capsys: Capture) -> None:
    code, out, err = run(
        capsys, "update", "plex", "--disabled", "--allowed-server", "a", "--allowed-server", "b",
        "--clear-enrollment-flow", "--policy-engine-mode", "all",
    )  # fmt: skip
    assert (code, err) == (0, "")
    assert authentik_env.requests[-1].json == {
        "enabled": False,
        "allowed_servers": ["a", "b"],
        "enrollment_flow": None,
        "policy_engine_mode": "all",
    }
    assert "  * enabled                  false" in out
    assert "plex_token               ***" in out


@pytest.mark.parametrize(
    ("options", "sent"),
    [
        (["--enabled"], {"enabled": True}),
        (["--name", "New"], {"name": "New"}),
        (["--new-slug", "plex-2"], {"slug": "plex-2"}),
        (["--clear-authentication-flow"], {"authentication_flow": None}),
        (["--clear-user-property-mappings"], {"user_property_mappings": []}),
        (["--clear-group-property-mappings"], {"group_property_mappings": []}),
        (["--clear-allowed-servers"], {"allowed_servers": []}),
        (["--user-matching-mode", "email_link"], {"user_matching_mode": "email_link"}),
        (["--group-matching-mode", "name_deny"], {"group_matching_mode": "name_deny"}),
        (["--user-path-template", "x/%(slug)s"], {"user_path_template": "x/%(slug)s"}),
        (["--client-id", "cid"], {"client_id": "cid"}),
        (["--no-allow-friends"], {"allow_friends": False}),
        (["--allow-friends"], {"allow_friends": True}),
    ],
)
def test_each_option(
    authentik_env: FakeAuthentik, capsys: Capture, options: list[str], sent: dict[str, Any]
) -> None:
    code, _, err = run(capsys, "update", "plex", *options, "--no-read")  # sent, changed or not
    assert (code, err) == (0, "")
    assert authentik_env.requests[-1].json == sent


def test_uuid_options(authentik_env: FakeAuthentik, capsys: Capture) -> None:
    flow = authentik_env.add_flow()
    mapping = authentik_env.add_property_mapping()
    code, _, err = run(
        capsys, "update", "plex", "--authentication-flow", str(flow), "--enrollment-flow",
        str(flow), "--user-property-mapping", str(mapping), "--group-property-mapping",
        str(mapping),
    )  # fmt: skip
    assert (code, err) == (0, "")
    source = authentik_env.sources["plex"]
    assert source["authentication_flow"] == source["enrollment_flow"] == str(flow)
    assert source["group_property_mappings"] == [str(mapping)]


def test_plex_token_from_a_file_or_stdin(
    authentik_env: FakeAuthentik, capsys: Capture, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    secret = tmp_path / "plex"
    secret.write_text("plex-token-from-file\n")
    code, out, err = run(capsys, "update", "plex", "--plex-token-file", str(secret))
    assert code == 0
    assert authentik_env.sources["plex"]["plex_token"] == "plex-token-from-file"
    assert "plex-token-from-file" not in out + err

    import io

    monkeypatch.setattr("sys.stdin", io.StringIO("plex-token-from-stdin\n"))
    assert run(capsys, "update", "plex", "--plex-token-file", "-")[0] == 0
    assert authentik_env.sources["plex"]["plex_token"] == "plex-token-from-stdin"


@pytest.mark.parametrize("suffix", [".json", ".toml"])
def test_update_from_file(
    authentik_env: FakeAuthentik, capsys: Capture, tmp_path: Path, suffix: str
) -> None:
    changes = tmp_path / f"changes{suffix}"
    if suffix == ".json":
        changes.write_text(json.dumps({"name": "From file", "allowed_servers": ["x"]}))
    else:
        changes.write_text('name = "From file"\nallowed_servers = ["x"]\n')
    code, _, err = run(capsys, "update", "plex", "--from-file", str(changes), "--disabled")
    assert (code, err) == (0, "")
    assert authentik_env.requests[-1].json == {
        "name": "From file",
        "allowed_servers": ["x"],
        "enabled": False,
    }


def test_update_from_file_conflicting_with_an_option(
    authentik_env: FakeAuthentik, capsys: Capture, tmp_path: Path
) -> None:
    changes = tmp_path / "c.json"
    changes.write_text(json.dumps({"name": "A"}))
    code, _, err = run(capsys, "update", "plex", "--from-file", str(changes), "--name", "B")
    assert code == 2
    assert "given both" in err
    assert authentik_env.requests == []


def test_json_output(authentik_env: FakeAuthentik, capsys: Capture) -> None:
    code, out, _ = run(capsys, "update", "plex", "--name", "J", "--output", "json")
    record = json.loads(out)
    assert code == 0
    assert record["outcome"] == "applied"
    assert record["source"]["name"] == "J"
    assert record["source"]["plex_token"] == "***"
    assert record["request_id"]


def test_exit_1_rejected_and_not_found(authentik_env: FakeAuthentik, capsys: Capture) -> None:
    authentik_env.add_source(slug="taken")
    code, _, err = run(capsys, "update", "plex", "--new-slug", "taken")
    assert code == 1
    assert err == "plex-source: plex: slug: source with this slug already exists.\n"
    code, _, err = run(capsys, "update", "missing", "--enabled")
    assert code == 1
    assert "missing: not found" in err


def test_exit_1_permission_denied(
    authentik_env: FakeAuthentik, capsys: Capture, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AUTHENTIK_TOKEN", authentik_env.unprivileged_token)
    code, _, err = run(capsys, "update", "plex", "--enabled")
    assert code == 1
    assert "You do not have permission" in err


def test_exit_2_invalid_nothing_sent(authentik_env: FakeAuthentik, capsys: Capture) -> None:
    code, _, err = run(capsys, "update", "plex", "--new-slug", "a b", "--name", "")
    assert code == 2
    assert err.splitlines() == [
        'plex-source: invalid: --new-slug: Enter a valid "slug" consisting of '
        "letters, numbers, underscores or hyphens.",
        "plex-source: invalid: --name: This field may not be blank.",
        "plex-source: nothing was sent",
    ]
    assert authentik_env.requests == []


def test_exit_2_usage(capsys: Capture, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AUTHENTIK_URL", raising=False)
    monkeypatch.delenv("AUTHENTIK_TOKEN", raising=False)
    code, _, err = run(capsys, "update", "plex", "--enabled")
    assert code == 2
    assert "AUTHENTIK_URL is not set" in err
    with pytest.raises(SystemExit):
        main(["update", "plex", "--enabled", "--disabled"])


@pytest.mark.parametrize("option", ["--token", "--plex-token", "--token=", "--plex-token="])
def test_secrets_on_the_command_line_are_refused_without_echo(capsys: Capture, option: str) -> None:
    argv = (
        ["update", "plex", option + "s3cret-value"]
        if option.endswith("=")
        else ["update", "plex", option, "s3cret-value"]
    )
    with pytest.raises(SystemExit) as exited:
        main(argv)
    assert exited.value.code == 2
    err = capsys.readouterr().err
    assert "is not supported" in err
    assert "s3cret-value" not in err


def test_exit_3_server_failure(
    authentik_env: FakeAuthentik, capsys: Capture, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Three 503s: the command backs off twice (waits recorded, not slept) and exits 3."""
    waits: list[float] = []

    async def wait(seconds: float) -> None:
        waits.append(seconds)

    monkeypatch.setattr(PlexSourceClient, "_sleep", staticmethod(waits.append))
    monkeypatch.setattr(AsyncPlexSourceClient, "_sleep", staticmethod(wait))
    authentik_env.fail_next(3, status=503)
    code, _, err = run(capsys, "update", "plex", "--disabled", "--max-retries", "2")
    assert code == 3
    assert "plex: failed:" in err
    assert "503" in err
    assert len(waits) == 2, waits  # the backoff before each of the two retries
    assert 0.25 <= waits[0] <= 0.5, waits
    assert 0.5 <= waits[1] <= 1.0, waits


def test_exit_3_unreachable(capsys: Capture, monkeypatch: pytest.MonkeyPatch) -> None:
    fake = FakeAuthentik()
    with fake:
        url = fake.url
    monkeypatch.setenv("AUTHENTIK_URL", url)
    monkeypatch.setenv("AUTHENTIK_TOKEN", fake.token)
    code, _, err = run(capsys, "update", "plex", "--enabled", "--max-retries", "0")
    assert code == 3
    assert "ConnectError" in err


def test_exit_4_drift(authentik_env: FakeAuthentik, capsys: Capture) -> None:
    # The server answers with a source that did not take the name (a plugin, a policy...).
    answered = {**authentik_env.sources["plex"], "name": "kept"}
    authentik_env.corrupt_next(body=json.dumps(answered))
    code, _, err = run(capsys, "update", "plex", "--name", "asked", "--check")
    assert code == 4
    assert err == 'plex-source: plex: name: drift: requested "asked", server has "kept"\n'
    assert run(capsys, "update", "plex", "--name", "exact", "--check")[0] == 0


def test_a_repeated_mapping_is_not_drift(authentik_env: FakeAuthentik, capsys: Capture) -> None:
    """authentik keeps property mappings as a set (each once, in its own order)."""
    mapping = str(authentik_env.add_property_mapping())
    code, _, err = run(
        capsys, "update", "plex", "--user-property-mapping", mapping,
        "--user-property-mapping", mapping, "--check",
    )  # fmt: skip
    assert (code, err) == (0, "")


def test_trimmed_strings_are_not_drift(authentik_env: FakeAuthentik, capsys: Capture) -> None:
    """The client sends "  padded " as the server stores it: "padded". Nothing to report."""
    code, _, err = run(
        capsys, "update", "plex", "--name", "  padded ", "--allowed-server", " a ", "--check"
    )
    assert (code, err) == (0, "")
    assert authentik_env.requests[-1].json == {"name": "padded", "allowed_servers": ["a"]}
    assert authentik_env.sources["plex"]["name"] == "padded"


def test_trimming_is_not_drift_even_unvalidated(
    authentik_env: FakeAuthentik, capsys: Capture
) -> None:
    """With --no-validate the padding is sent; the server trims it, and that is no drift."""
    code, _, err = run(capsys, "update", "plex", "--name", " p ", "--no-validate", "--check")
    assert (code, err) == (0, "")
    assert authentik_env.requests[-1].json == {"name": " p "}


def test_dry_run_sends_nothing(authentik_env: FakeAuthentik, capsys: Capture) -> None:
    code, out, _ = run(capsys, "update", "plex", "--disabled", "--dry-run", "--output", "json")
    assert code == 0
    assert json.loads(out) == {
        "method": "PATCH",
        "url": f"{authentik_env.url}/api/v3/sources/plex/plex/",
        "headers": {"Authorization": "Bearer ***", "Content-Type": "application/json"},
        "json": {"enabled": False},
    }
    assert authentik_env.requests == []


def test_dry_run_needs_no_token(capsys: Capture, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AUTHENTIK_URL", raising=False)
    monkeypatch.delenv("AUTHENTIK_TOKEN", raising=False)
    code, out, _ = run(capsys, "update", "plex", "--enabled", "--dry-run")
    assert code == 0
    assert "PATCH $AUTHENTIK_URL/api/v3/sources/plex/plex/" in out


def test_token_file(capsys: Capture, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    with FakeAuthentik() as fake:
        token = tmp_path / "token"
        token.write_text(fake.token + "\n")
        monkeypatch.setenv("AUTHENTIK_URL", fake.url)
        monkeypatch.delenv("AUTHENTIK_TOKEN", raising=False)
        assert run(capsys, "update", "plex", "--enabled", "--token-file", str(token))[0] == 0
        monkeypatch.setenv("AUTHENTIK_TOKEN_FILE", str(token))
        assert run(capsys, "update", "plex", "--disabled")[0] == 0
        assert fake.sources["plex"]["enabled"] is False


# -- apply ----------------------------------------------------------------------------------------


def test_apply_text_summary(authentik_env: FakeAuthentik, capsys: Capture, tmp_path: Path) -> None:
    authentik_env.add_source(slug="b")
    plan = write_plan(
        tmp_path,
        [
            {"slug": "plex", "changes": {"enabled": False}},
            {"slug": "zzz", "changes": {"name": "x"}},
            {"slug": "b", "changes": {"new_slug": "plex"}},
        ],
    )
    code, out, err = run(capsys, "apply", plan)
    assert code == 1
    lines = out.splitlines()
    assert lines[1].split()[:4] == ["1", "plex", "applied", "200"]
    assert lines[2].split()[:4] == ["2", "zzz", "not_found", "404"]
    assert lines[3].split()[:4] == ["3", "b", "rejected", "400"]
    assert lines[-1] == "3 items: 1 applied, 1 rejected, 1 not found"
    assert err.splitlines() == [
        "plex-source: zzz: not found: no Plex source has this slug",
        "plex-source: b: slug: source with this slug already exists.",
    ]


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("plan.toml", '[[items]]\nslug = "plex"\n[items.changes]\nenabled = false\n'),
        ("plan.yaml", "- slug: plex\n  changes:\n    enabled: false\n"),
        ("plan.json", {"items": [{"slug": "plex", "changes": {"enabled": False}}]}),
    ],
)
def test_apply_file_formats(
    authentik_env: FakeAuthentik, capsys: Capture, tmp_path: Path, name: str, content: Any
) -> None:
    plan = write_plan(tmp_path, content, name)
    assert run(capsys, "apply", plan)[0] == 0
    assert authentik_env.sources["plex"]["enabled"] is False


def test_apply_invalid_plan_sends_nothing(
    authentik_env: FakeAuthentik, capsys: Capture, tmp_path: Path
) -> None:
    plan = write_plan(
        tmp_path,
        [
            {"slug": "plex", "changes": {"enabled": False}},
            {"slug": "..", "changes": {"enabeld": True}},
            {"slug": "ok", "changes": {"allowed_servers": "abc"}, "extra": 1},
            "not an item",
        ],
    )
    code, _, err = run(capsys, "apply", plan)
    assert code == 2
    assert authentik_env.requests == []
    assert err.splitlines() == [
        'plex-source: invalid: item 2 (..): slug: Enter a valid "slug" consisting of letters, '
        "numbers, underscores or hyphens.",
        "plex-source: invalid: item 2 (..): enabeld: Unknown field; did you mean 'enabled'?",
        "plex-source: invalid: item 3 (ok): extra: unknown key (items have slug and changes)",
        "plex-source: invalid: item 3 (ok): allowed_servers: Must be a list, got a single "
        'string; wrap it in a list: ["abc"].',
        "plex-source: invalid: item 4: expected a mapping with slug and changes, got a string",
        "plex-source: nothing was sent",
    ]


@pytest.mark.parametrize(
    ("content", "message"),
    [("{not json", "not valid json"), ('{"a": 1}', "expected a list")],
)
def test_apply_unreadable_plan(
    authentik_env: FakeAuthentik, capsys: Capture, tmp_path: Path, content: str, message: str
) -> None:
    plan = tmp_path / "plan.json"
    plan.write_text(content)
    code, _, err = run(capsys, "apply", str(plan))
    assert code == 2
    assert message in err
    assert run(capsys, "apply", str(tmp_path / "missing.json"))[0] == 2


def test_apply_fail_fast(authentik_env: FakeAuthentik, capsys: Capture, tmp_path: Path) -> None:
    for n in range(5):
        authentik_env.add_source(slug=f"s{n}")
    items = [{"slug": "missing", "changes": {"enabled": False}}]
    items += [{"slug": f"s{n}", "changes": {"enabled": False}} for n in range(5)]
    plan = write_plan(tmp_path, items)
    code, out, _ = run(
        capsys, "apply", plan, "--fail-fast", "--concurrency", "1", "--output", "json"
    )
    outcomes = [json.loads(line)["outcome"] for line in out.splitlines()]
    assert code == 1
    assert outcomes == ["not_found"] + ["skipped"] * 5
    assert len(authentik_env.requests) == 1


def test_apply_orders_items_on_the_same_slug(
    authentik_env: FakeAuthentik, capsys: Capture, tmp_path: Path
) -> None:
    plan = write_plan(
        tmp_path,
        [
            {"slug": "plex", "changes": {"new_slug": "renamed"}},
            {"slug": "renamed", "changes": {"name": "After rename"}},
            {"slug": "renamed", "changes": {"enabled": False}},
        ],
    )
    code, out, _ = run(capsys, "apply", plan, "--concurrency", "8", "--output", "json")
    assert code == 0
    assert [json.loads(line)["outcome"] for line in out.splitlines()] == ["applied"] * 3
    assert authentik_env.sources["renamed"]["name"] == "After rename"


def test_apply_concurrency_must_be_positive(
    authentik_env: FakeAuthentik, capsys: Capture, tmp_path: Path
) -> None:
    plan = write_plan(tmp_path, [])
    assert run(capsys, "apply", plan, "--concurrency", "0")[0] == 2


def test_group_items() -> None:
    items = [
        PlanItem(0, "a", {"new_slug": "b"}),
        PlanItem(1, "c", {}),
        PlanItem(2, "b", {}),
        PlanItem(3, "d", {"new_slug": "c"}),
        PlanItem(4, "e", {}),
    ]
    groups = [[item.index for item in group] for group in group_items(items)]
    assert groups == [[0, 2], [1, 3], [4]]


def test_progress_writes_only_when_asked_and_when_long() -> None:
    lines: list[str] = []
    progress = Progress(3, lines.append)
    result = ItemResult(index=0, slug="a", outcome="applied")
    progress.advance(result)
    assert lines == []  # a short run shows nothing until the end
    progress.advance(result, final=True)
    assert lines == ["\r1/3 (1 applied)\n"]
    Progress(3, None).advance(result, final=True)  # no terminal: nothing to write to


def test_no_command_prints_help(capsys: Capture) -> None:
    assert main([]) == 2
    assert "exit codes:" in capsys.readouterr().out


def test_apply_twice_is_safe(authentik_env: FakeAuthentik, capsys: Capture, tmp_path: Path) -> None:
    """A PATCH sets values: re-running a plan changes nothing more and succeeds again."""
    plan = write_plan(
        tmp_path,
        [{"slug": "plex", "changes": {"enabled": False, "allowed_servers": ["a"], "name": "P"}}],
    )
    assert run(capsys, "apply", plan, "--check")[0] == 0
    first = authentik_env.sources
    assert run(capsys, "apply", plan, "--check")[0] == 0
    assert authentik_env.sources == first


def test_plain_http_to_a_remote_host_needs_the_flag(
    capsys: Capture, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AUTHENTIK_URL", "http://authentik.invalid")
    monkeypatch.setenv("AUTHENTIK_TOKEN", "some-token")
    code, _, err = run(capsys, "update", "plex", "--enabled")
    assert code == 2
    assert "give --allow-insecure-http if this network is trusted" in err
    assert "allow_insecure_http" not in err
    code, _, err = run(
        capsys, "update", "plex", "--enabled", "--allow-insecure-http", "--max-retries", "0",
        "--timeout", "2",
    )  # fmt: skip
    assert code == 3  # accepted, then the (unresolvable) host fails: a transport error


# -- the first hour: no silent no-ops, messages in the plan's and the command line's words ------


NO_FIELD = (
    "plex-source: no field to change: give at least one field option such as --enabled or "
    "--name NAME (see plex-source update --help); nothing was sent\n"
)


@pytest.mark.parametrize("extra", [[], ["--no-validate"], ["--dry-run"], ["--output", "json"]])
def test_update_without_a_field_option_is_refused(
    authentik_env: FakeAuthentik, capsys: Capture, extra: list[str]
) -> None:
    code, out, err = run(capsys, "update", "plex", *extra)
    assert (code, out, err) == (2, "", NO_FIELD)
    assert authentik_env.requests == []


def test_update_from_an_empty_file_without_options_is_refused(
    authentik_env: FakeAuthentik, capsys: Capture, tmp_path: Path
) -> None:
    changes = tmp_path / "changes.json"
    changes.write_text("{}")
    code, _, err = run(capsys, "update", "plex", "--from-file", str(changes))
    assert code == 2
    assert err == NO_FIELD.replace("give", f"{changes} has none; give", 1)
    assert authentik_env.requests == []
    assert run(capsys, "update", "plex", "--from-file", str(changes), "--enabled")[0] == 0


@pytest.mark.parametrize("options", [[], ["--no-validate"], ["--dry-run"]])
def test_a_plan_item_without_changes_is_refused(
    authentik_env: FakeAuthentik, capsys: Capture, tmp_path: Path, options: list[str]
) -> None:
    plan = write_plan(
        tmp_path,
        [
            {"slug": "plex", "changes": {"enabled": False}},
            {"slug": "plex", "changes": {}},
            {"slug": "plex"},
        ],
    )
    code, out, err = run(capsys, "apply", plan, *options)
    assert (code, out) == (2, "")
    assert err.splitlines() == [
        "plex-source: invalid: item 2 (plex): changes: No field to change: give at least one "
        "field (such as enabled or name); an empty update would change nothing.",
        "plex-source: invalid: item 3 (plex): changes: missing: every item needs a mapping of "
        "the fields to change",
        "plex-source: nothing was sent",
    ]
    assert authentik_env.requests == []


def test_plan_messages_use_the_plans_words(
    authentik_env: FakeAuthentik, capsys: Capture, tmp_path: Path
) -> None:
    plan = write_plan(
        tmp_path,
        """
        [[items]]
        changes = { enabled = "false" }

        [[items]]
        slug = "plex"
        changes = { allow_friends = 1, name = 2.5, allowed_servers = "abc" }

        [[items]]
        slug = 7
        changes = { policy_engine_mode = true, user_property_mappings = { a = 1 } }
        """.replace("\n        ", "\n"),
        "plan.toml",
    )
    code, _, err = run(capsys, "apply", plan)
    assert code == 2
    assert err.splitlines() == [
        "plex-source: invalid: item 1 (no slug): slug: missing: every item needs the slug of "
        "the source to change",
        "plex-source: invalid: item 1 (no slug): enabled: Must be true or false, got the "
        'string "false".',
        "plex-source: invalid: item 2 (plex): allow_friends: Must be true or false, got a number.",
        "plex-source: invalid: item 2 (plex): name: Must be a string, got a number.",
        "plex-source: invalid: item 2 (plex): allowed_servers: Must be a list, got a single "
        'string; wrap it in a list: ["abc"].',
        "plex-source: invalid: item 3 (slug is a number): slug: Must be a string, got a number.",
        "plex-source: invalid: item 3 (slug is a number): policy_engine_mode: Must be one of: "
        "all, any; got true.",
        "plex-source: invalid: item 3 (slug is a number): user_property_mappings: Must be a "
        "list, got a mapping.",
        "plex-source: nothing was sent",
    ]
    for python_word in ("None", "True", "False", "NoneType", "int", "str", "dict", "float"):
        assert not re.search(rf"\b{python_word}\b", err), python_word
    assert "'abc'" not in err


def test_plan_null_is_called_null(capsys: Capture, tmp_path: Path) -> None:
    plan = write_plan(tmp_path, [{"slug": None, "changes": {"enabled": None, "name": True}}])
    code, _, err = run(capsys, "apply", plan, "--dry-run")
    assert code == 2
    assert err.splitlines() == [
        "plex-source: invalid: item 1 (no slug): slug: Must be a string, got null.",
        "plex-source: invalid: item 1 (no slug): enabled: May not be null: only "
        "authentication_flow and enrollment_flow can be cleared.",
        "plex-source: invalid: item 1 (no slug): name: Must be a string, got true.",
        "plex-source: nothing was sent",
    ]


def test_update_messages_name_the_options_not_an_item(
    authentik_env: FakeAuthentik, capsys: Capture, tmp_path: Path
) -> None:
    changes = tmp_path / "changes.json"
    changes.write_text(json.dumps({"client_id": "", "enabeld": True}))
    code, _, err = run(
        capsys, "update", "a b", "--allowed-server", "", "--authentication-flow", "nope",
        "--user-property-mapping", "x", "--from-file", str(changes),
    )  # fmt: skip
    assert code == 2
    assert err.splitlines() == [
        'plex-source: invalid: SLUG: Enter a valid "slug" consisting of letters, numbers, '
        "underscores or hyphens.",
        "plex-source: invalid: enabeld: Unknown field; did you mean 'enabled'?",
        "plex-source: invalid: client_id: This field may not be blank.",
        "plex-source: invalid: --allowed-server: Item 0: This field may not be blank.",
        'plex-source: invalid: --authentication-flow: "nope" is not a valid UUID.',
        'plex-source: invalid: --user-property-mapping: Item 0: "x" is not a valid UUID.',
        "plex-source: nothing was sent",
    ]
    assert "item 1" not in err
    changes.write_text(json.dumps({"slug": "x"}))  # a key of the file, not the argument
    code, _, err = run(capsys, "update", "a b", "--from-file", str(changes))
    assert err.splitlines()[:2] == [
        'plex-source: invalid: slug: Enter a valid "slug" consisting of letters, numbers, '
        "underscores or hyphens.",
        "plex-source: invalid: slug: Unknown field; did you mean 'new_slug'? (the source to "
        "change is the first argument)",
    ]
    assert authentik_env.requests == []


def test_counts_are_plural_aware(
    authentik_env: FakeAuthentik, capsys: Capture, tmp_path: Path
) -> None:
    one = write_plan(tmp_path, [{"slug": "plex", "changes": {"enabled": False}}])
    assert run(capsys, "apply", one)[1].splitlines()[-1] == "1 item: 1 applied"
    assert run(capsys, "apply", one, "--dry-run")[1].splitlines()[-1] == (
        "dry run: 1 request shown, none sent"
    )
    two = write_plan(tmp_path, [{"slug": "plex", "changes": {"enabled": True}}] * 2, "two.json")
    assert run(capsys, "apply", two)[1].splitlines()[-1] == "2 items: 1 applied, 1 unchanged"
    assert run(capsys, "apply", two, "--no-read")[1].splitlines()[-1] == "2 items: 2 applied"
    assert run(capsys, "apply", two, "--dry-run")[1].splitlines()[-1] == (
        "dry run: 2 requests shown, none sent"
    )


def test_update_output_says_what_its_marker_means(
    authentik_env: FakeAuthentik, capsys: Capture, tmp_path: Path
) -> None:
    """``*`` marks the fields sent, from options and from --from-file alike: after a read,
    only those that differed; with --no-read, every one given (changed or not). The heading
    says so.
    """
    changes = tmp_path / "changes.json"
    changes.write_text(json.dumps({"client_id": "cid"}))
    enabled_before = authentik_env.sources["plex"]["enabled"]
    for extra, expected in (([], {"client_id"}), (["--no-read"], {"enabled", "client_id"})):
        code, out, _ = run(
            capsys, "update", "plex", "--enabled", "--from-file", str(changes), *extra
        )
        assert (code, enabled_before) == (0, True)
        heading, *rows = out.splitlines()
        assert heading.startswith('Plex source "plex" as authentik now has it (request id ')
        assert heading.endswith("; * marks the fields this update sent):")
        marked = {row.split()[1] for row in rows if row.startswith("  * ")}
        assert marked == expected
        assert authentik_env.requests[-1].json.keys() == expected


def test_every_option_has_help_that_states_its_default() -> None:
    from plex_source_client.cli.main import build_parser as _parser

    def walk(parser: argparse.ArgumentParser) -> Iterator[tuple[str, argparse.Action]]:
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                for name, sub in action.choices.items():
                    yield from ((f"{name} {where}", found) for where, found in walk(sub))
            else:
                yield parser.prog, action

    checked = 0
    for where, action in walk(_parser()):
        if action.help == argparse.SUPPRESS:
            continue  # --token and --plex-token: refused, never shown
        name = "/".join(action.option_strings) or action.dest
        assert action.help, f"{where}: {name} has no help"
        assert action.help.strip(), f"{where}: {name} has no help"
        takes_value = action.nargs != 0 and action.option_strings
        if takes_value and action.default is not argparse.SUPPRESS:
            assert "default" in action.help, f"{where}: {name} does not state its default"
        checked += 1
    assert checked >= 50  # the walk reached every subcommand's options


def test_apply_help_shows_a_minimal_plan_that_is_valid(capsys: Capture) -> None:
    import textwrap
    import tomllib

    from plex_source_client.cli.planfile import parse_plan

    with pytest.raises(SystemExit):
        main(["apply", "--help"])
    text = capsys.readouterr().out
    start = text.index("a minimal plan, plex-sources.toml")
    block = text[start:].split("\n", 1)[1].split("\n\n", 1)[0]
    plan = tomllib.loads(textwrap.dedent(block))
    assert [item.slug for item in parse_plan(plan)] == ["plex-eu"]
    assert "the keys of changes (at least one per item): name, new_slug, enabled," in text


def test_credentials_in_the_url_point_to_the_token_settings(
    capsys: Capture, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AUTHENTIK_URL", "https://admin:hunter2@auth.example.com")
    monkeypatch.setenv("AUTHENTIK_TOKEN", "some-token")
    code, _, err = run(capsys, "update", "plex", "--enabled")
    assert code == 2
    assert "AUTHENTIK_TOKEN, AUTHENTIK_TOKEN_FILE or --token-file" in err
    assert "token=" not in err
    assert "hunter2" not in err


def test_every_writable_field_has_an_update_option() -> None:
    """A field added to the spec (see docs/contributing/regeneration.md, "Adding a field")
    needs its option here too: ``update`` names every field ``update()`` takes.
    """
    import argparse

    from plex_source_client._changes import FIELD_NAMES
    from plex_source_client.cli.options import add_field_options

    parser = argparse.ArgumentParser()
    add_field_options(parser)
    destinations = {action.dest for action in parser._actions}
    assert set(FIELD_NAMES) - destinations == set()
