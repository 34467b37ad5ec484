"""The command line against the fake playing the authentik releases people run (issue 14):
2024.8.2 and 2026.2 (releases before 2024.8 are not supported: a usage error).

New fields work where they exist and are refused before anything is sent where they do not
(exit 2, the client's message) when the release is known: given (``--server-version``,
``AUTHENTIK_SERVER_VERSION``) or asked of the server once. When it cannot be learned (the
fake's version endpoint off), a field the server lacks is never silently lost: the item ends
``not_applied`` (exit 4), and ``--check`` and JSON output say which fields.
"""

from __future__ import annotations

import json
import tomllib
from pathlib import Path
from typing import Any

import pytest

from plex_source_client.cli import main
from plex_source_client.cli.exits import EXIT_CODES_HELP
from plex_source_client.testing import FakeAuthentik

from .fake_process import SCRIPT, clean_environment, running_fake, stop
from .fixed_server import main_in_process

Capture = pytest.CaptureFixture[str]
VERSION = "/api/v3/admin/version/"
LONG_SLUG = "plex-" + "x" * 55  # 60 characters
REFUSED_PROMOTED = (
    "--promoted: promoted needs authentik 2025.12 or newer; this server runs 2024.8.2"
)

new_release = pytest.mark.authentik_version("2026.2")
release_2024_8 = pytest.mark.authentik_version("2024.8.2")
release_2024_8_unknown = pytest.mark.authentik_version("2024.8.2", version_endpoint=False)


@pytest.fixture
def env(authentik_env: FakeAuthentik, monkeypatch: pytest.MonkeyPatch) -> FakeAuthentik:
    """The fake, with the environment pointing at it and no release given."""
    monkeypatch.delenv("AUTHENTIK_SERVER_VERSION", raising=False)
    return authentik_env


def run(capsys: Capture, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def paths(fake: FakeAuthentik, method: str | None = None) -> list[str]:
    return [r.path.split("?")[0] for r in fake.requests if method is None or r.method == method]


def patches(fake: FakeAuthentik) -> list[Any]:
    return [r.json for r in fake.requests if r.method == "PATCH"]


def one_json(out: str) -> dict[str, Any]:
    [line] = out.splitlines()
    result: dict[str, Any] = json.loads(line)
    return result


# -- 2026.2: the new fields exist ---------------------------------------------------------------


@new_release
def test_promoted_icon_and_a_long_slug_are_applied_on_2026(
    env: FakeAuthentik, capsys: Capture
) -> None:
    code, out, err = run(
        capsys, "update", "plex", "--promoted", "--icon", "plex.png", "--output", "json"
    )
    assert (code, err) == (0, "")
    result = one_json(out)
    assert (result["outcome"], result["not_applied"], result["sent"]) == (
        "applied",
        [],
        ["promoted", "icon"],
    )
    assert result["source"]["promoted"] is True
    # A stored file's URL, signed as authentik 2025.12's file backend signs it.
    assert result["source"]["icon_url"].startswith("/files/media/public/plex.png?token=")
    assert (env.sources["plex"]["promoted"], env.sources["plex"]["icon"]) == (True, "plex.png")
    assert patches(env) == [{"promoted": True, "icon": "plex.png"}]
    assert VERSION in paths(env)  # promoted and icon depend on the release: asked once

    code, out, err = run(capsys, "update", "plex", "--new-slug", LONG_SLUG, "--check")
    assert (code, err) == (0, "")
    assert f'Plex source "{LONG_SLUG}" as authentik now has it' in out
    assert LONG_SLUG in env.sources

    code, out, err = run(capsys, "update", LONG_SLUG, "--no-promoted", "--icon", "")
    assert (code, err) == (0, "")
    assert (env.sources[LONG_SLUG]["promoted"], env.sources[LONG_SLUG]["icon"]) == (False, "")
    assert "* promoted" in out
    assert "* icon " in out


@new_release
def test_get_shows_the_new_fields_on_2026(env: FakeAuthentik, capsys: Capture) -> None:
    assert run(capsys, "update", "plex", "--icon", "plex-%(theme)s.svg")[0] == 0
    code, out, err = run(capsys, "get", "plex", "--output", "json")
    assert (code, err) == (0, "")
    source = json.loads(out)
    assert source["promoted"] is False
    assert source["icon"] == "plex-%(theme)s.svg"
    assert {
        theme: url.partition("?token=")[0] for theme, url in source["icon_themed_urls"].items()
    } == {
        "light": "/files/media/public/plex-light.svg",
        "dark": "/files/media/public/plex-dark.svg",
    }
    code, out, err = run(capsys, "get", "plex")
    assert (code, err) == (0, "")
    rows = {line.split()[0]: line.split(None, 1)[1] for line in out.splitlines()[1:]}
    assert rows["promoted"] == "false"
    assert rows["icon_url"].startswith('"/files/media/public/plex-%(theme)s.svg?token=')
    assert rows["icon_themed_urls"].startswith('{"light": ')


@new_release
def test_get_shows_a_null_themed_icon_on_2026(env: FakeAuthentik, capsys: Capture) -> None:
    code, out, _ = run(capsys, "get", "plex", "--output", "json")
    assert code == 0
    source = json.loads(out)
    assert source["icon_themed_urls"] is None  # there, and null: not left out
    assert source["icon_url"] == "/static/authentik/sources/plex.svg"


PLANS = {
    "toml": '[[items]]\nslug = "plex"\nchanges = { promoted = true, icon = "fa://plex" }\n',
    "json": json.dumps([{"slug": "plex", "changes": {"promoted": True, "icon": "fa://plex"}}]),
    "yaml": "- slug: plex\n  changes:\n    promoted: true\n    icon: fa://plex\n",
}


@new_release
@pytest.mark.parametrize("fmt", sorted(PLANS))
def test_plan_files_take_promoted_and_icon(
    env: FakeAuthentik, capsys: Capture, tmp_path: Path, fmt: str
) -> None:
    plan = tmp_path / f"plan.{fmt}"
    plan.write_text(PLANS[fmt])
    code, out, err = run(capsys, "plan", str(plan), "--output", "json")
    assert (code, err) == (4, "")
    assert one_json(out)["changes"] == {
        "promoted": {"current": False, "desired": True},
        "icon": {"current": "", "desired": "fa://plex"},
    }
    code, out, err = run(capsys, "apply", str(plan), "--check")
    assert (code, err) == (0, "")
    assert (env.sources["plex"]["promoted"], env.sources["plex"]["icon"]) == (True, "fa://plex")
    assert run(capsys, "plan", str(plan)) == (0, "1 item: 0 to change, 1 unchanged\n", "")


def test_apply_help_lists_the_new_plan_keys(capsys: Capture) -> None:
    with pytest.raises(SystemExit):
        main(["apply", "--help"])
    out = capsys.readouterr().out
    assert "promoted" in out
    assert "icon" in out


@new_release
@pytest.mark.parametrize("fmt", ["toml", "json"])
def test_export_on_2026_writes_promoted_and_icon_and_plans_no_change(
    env: FakeAuthentik, capsys: Capture, tmp_path: Path, fmt: str
) -> None:
    assert (
        run(capsys, "update", "plex", "--promoted", "--icon", "https://cdn.example/p.svg")[0] == 0
    )
    exported = tmp_path / f"sources.{fmt}"
    assert run(capsys, "export", "--format", fmt, "-o", str(exported)) == (0, "", "")
    text = exported.read_text()
    document = tomllib.loads(text) if fmt == "toml" else json.loads(text)
    [item] = document["items"]
    assert item["changes"]["promoted"] is True
    assert item["changes"]["icon"] == "https://cdn.example/p.svg"
    assert "icon_url" not in item["changes"]  # read-only
    assert "icon_themed_urls" not in item["changes"]
    assert run(capsys, "plan", str(exported)) == (0, "1 item: 0 to change, 1 unchanged\n", "")
    before = len(env.requests)
    assert run(capsys, "apply", str(exported))[0] == 0
    assert "PATCH" not in [r.method for r in env.requests[before:]]


@release_2024_8
def test_export_on_2024_8_leaves_out_promoted_and_the_read_only_icon(
    env: FakeAuthentik, capsys: Capture
) -> None:
    code, out, _ = run(capsys, "export")
    assert code == 0
    changes = tomllib.loads(out)["items"][0]["changes"]
    assert "promoted" not in changes
    assert "icon" not in changes  # the resolved URL, read-only before 2025.12
    assert "group_matching_mode" in changes


# -- 2024.8.2: refused before sending -----------------------------------------------------------


@release_2024_8
@pytest.mark.parametrize(
    ("option", "message"),
    [
        (["--promoted"], REFUSED_PROMOTED),
        (["--no-promoted"], REFUSED_PROMOTED.replace("--promoted", "--no-promoted", 1)),
        (
            ["--icon", "x.svg"],
            "--icon: icon can be set from authentik 2025.12 on (before, it is the read-only "
            "icon URL); this server runs 2024.8.2",
        ),
        (
            ["--new-slug", LONG_SLUG],
            "--new-slug: Ensure this field has no more than 50 characters. (this server runs "
            "authentik 2024.8.2: slugs longer than 50 characters need 2025.12 or newer)",
        ),
    ],
)
@pytest.mark.parametrize("read", [[], ["--no-read"]])
def test_what_2024_8_lacks_is_refused_before_sending(
    env: FakeAuthentik, capsys: Capture, option: list[str], message: str, read: list[str]
) -> None:
    code, out, err = run(capsys, "update", "plex", "--name", "Renamed", *option, *read)
    assert (code, out) == (2, "")
    assert err == f"plex-source: invalid: {message}\nplex-source: nothing was sent\n"
    assert paths(env) == [VERSION]  # asked the release; nothing else
    assert env.sources["plex"]["name"] == "Plex"


@release_2024_8
def test_a_plan_is_refused_whole_when_one_item_needs_a_newer_release(
    env: FakeAuthentik, capsys: Capture, tmp_path: Path
) -> None:
    env.add_source(slug="b")
    plan = tmp_path / "plan.json"
    plan.write_text(
        json.dumps(
            [
                {"slug": "plex", "changes": {"name": "First"}},
                {"slug": "b", "changes": {"name": "Second", "promoted": True}},
            ]
        )
    )
    for command in ("apply", "plan"):
        code, out, err = run(capsys, command, str(plan))
        assert (code, out) == (2, ""), command
        assert err == (
            "plex-source: invalid: item 2 (b): promoted: promoted needs authentik 2025.12 or "
            "newer; this server runs 2024.8.2\nplex-source: nothing was sent\n"
        )
    assert paths(env) == [VERSION, VERSION]  # one question a run; not one source read
    assert patches(env) == []


@release_2024_8
def test_a_plan_with_only_fields_every_release_has_does_not_ask(
    env: FakeAuthentik, capsys: Capture, tmp_path: Path
) -> None:
    plan = tmp_path / "plan.toml"
    plan.write_text('[[items]]\nslug = "plex"\nchanges = { name = "P", enabled = false }\n')
    assert run(capsys, "apply", str(plan))[0] == 0
    assert VERSION not in paths(env)


@release_2024_8
def test_the_server_version_given_is_not_asked(
    env: FakeAuthentik, capsys: Capture, monkeypatch: pytest.MonkeyPatch
) -> None:
    code, _, err = run(capsys, "update", "plex", "--promoted", "--server-version", "2024.8.2")
    assert (code, err.splitlines()[0]) == (2, f"plex-source: invalid: {REFUSED_PROMOTED}")
    monkeypatch.setenv("AUTHENTIK_SERVER_VERSION", "2024.8")
    code, _, err = run(capsys, "update", "plex", "--promoted")
    assert code == 2
    assert err.startswith(
        "plex-source: invalid: --promoted: promoted needs authentik 2025.12 or newer; this "
        "server runs 2024.8\n"
    )
    assert env.requests == []  # refused from what was given: not even a read


@release_2024_8
def test_a_given_release_is_shown_as_parsed(env: FakeAuthentik, capsys: Capture) -> None:
    """``2024.08`` is release 2024.8: messages name it so, never as typed."""
    code, _, err = run(capsys, "update", "plex", "--promoted", "--server-version", " 2024.08 ")
    assert code == 2
    assert "promoted needs authentik 2025.12 or newer; this server runs 2024.8\n" in err


@release_2024_8
def test_a_release_before_2024_8_is_a_usage_error(env: FakeAuthentik, capsys: Capture) -> None:
    code, out, err = run(capsys, "update", "plex", "--enabled", "--server-version", "2024.6")
    assert (code, out) == (2, "")
    assert (
        "--server-version: authentik 2024.6 is not supported; this tool supports authentik "
        "2024.8 and newer" in err
    )
    assert env.requests == []


@new_release
def test_the_option_wins_over_the_variable(
    env: FakeAuthentik, capsys: Capture, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AUTHENTIK_SERVER_VERSION", "2024.8.2")
    assert run(capsys, "update", "plex", "--promoted")[0] == 2
    code, _, err = run(capsys, "update", "plex", "--promoted", "--server-version", "2026.2")
    assert (code, err) == (0, "")
    assert env.sources["plex"]["promoted"] is True
    assert VERSION not in paths(env)


def test_dry_run_checks_against_the_release_given(
    capsys: Capture, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("AUTHENTIK_URL", raising=False)
    monkeypatch.delenv("AUTHENTIK_SERVER_VERSION", raising=False)
    code, out, err = run(
        capsys, "update", "plex", "--promoted", "--dry-run", "--server-version", "2024.8.2"
    )
    assert (code, out) == (2, "")
    assert REFUSED_PROMOTED in err
    code, out, err = run(
        capsys, "update", "plex", "--promoted", "--dry-run", "--server-version", "2026.2"
    )
    assert (code, err) == (0, "")
    assert '{"promoted": true}' in out


@pytest.mark.parametrize("command", [["update", "plex", "--enabled"], ["get", "plex"], ["export"]])
def test_a_bad_server_version_is_a_usage_error(
    env: FakeAuthentik, capsys: Capture, monkeypatch: pytest.MonkeyPatch, command: list[str]
) -> None:
    code, out, err = run(capsys, *command, "--server-version", "latest")
    assert (code, out) == (2, "")
    assert err == (
        "plex-source: --server-version: an authentik release looks like 2025.12 or 2024.8.2, "
        "got 'latest'\n"
    )
    monkeypatch.setenv("AUTHENTIK_SERVER_VERSION", "2024")
    code, out, err = run(capsys, *command)
    assert (code, out) == (2, "")
    assert err.startswith("plex-source: AUTHENTIK_SERVER_VERSION: an authentik release looks")
    assert env.requests == []


@release_2024_8
def test_get_on_2024_8_shows_no_new_field(env: FakeAuthentik, capsys: Capture) -> None:
    code, out, _ = run(capsys, "get", "plex", "--output", "json")
    assert code == 0
    source = json.loads(out)
    assert {"promoted", "icon_url", "icon_themed_urls"}.isdisjoint(source)
    assert source["icon"] == "/static/authentik/sources/plex.svg"
    code, out, _ = run(capsys, "get", "plex")
    assert code == 0
    assert "promoted" not in out
    assert "icon_url" not in out
    assert "group_matching_mode" in out


# -- the release unknown: reported, never silently lost ------------------------------------------

NOT_APPLIED_PROMOTED = (
    "not applied: promoted: {how}, so the server's authentik release lacks it (promoted needs "
    "authentik 2025.12 or newer); the other fields (name) were applied; give --server-version "
    "RELEASE (or AUTHENTIK_SERVER_VERSION) to have such fields refused before anything is sent, "
    "or upgrade authentik"
)


@release_2024_8_unknown
def test_a_field_the_source_lacks_is_not_sent_and_reported(
    env: FakeAuthentik, capsys: Capture
) -> None:
    code, out, err = run(capsys, "update", "plex", "--promoted", "--name", "Renamed")
    assert code == 4
    how = "not sent: the source, as the server sent it, shows it cannot write it"
    assert err == f"plex-source: plex: {NOT_APPLIED_PROMOTED.format(how=how)}\n"
    assert out.startswith('Plex source "plex" as authentik now has it; not applied: promoted (')
    assert "* name " in out
    assert "promoted" not in out.split("\n", 1)[1]
    assert patches(env) == [{"name": "Renamed"}]  # the rest applied
    assert env.sources["plex"]["name"] == "Renamed"


@release_2024_8_unknown
def test_a_field_the_server_ignored_is_reported_with_no_read(
    env: FakeAuthentik, capsys: Capture
) -> None:
    code, out, err = run(
        capsys, "update", "plex", "--promoted", "--name", "Renamed", "--no-read", "--check",
        "--output", "json",
    )  # fmt: skip
    assert code == 4
    how = "the server ignored it: its answer shows it cannot write it"
    assert err == f"plex-source: plex: {NOT_APPLIED_PROMOTED.format(how=how)}\n"
    result = one_json(out)
    assert result["outcome"] == "not_applied"
    assert result["not_applied"] == ["promoted"]
    assert result["status_code"] == 200
    assert result["request_id"]
    assert result["drift"] == {
        "promoted": "not applied: the server's answer shows it cannot write it (its authentik "
        "release lacks it)"
    }
    assert "promoted" not in result["source"]
    assert patches(env) == [{"name": "Renamed", "promoted": True}]
    assert env.sources["plex"]["name"] == "Renamed"


@release_2024_8_unknown
def test_check_compares_a_plex_token_sent_with_an_ignored_field(
    env: FakeAuthentik, capsys: Capture, tmp_path: Path
) -> None:
    """NotApplied.source has its Plex token masked: --check reads the source again to compare
    the token sent, so the token the server took is no drift (and none is printed).
    """
    token_file = tmp_path / "plex-token"
    token_file.write_text("ptok-new-value-123456\n")
    code, out, err = run(
        capsys, "update", "plex", "--promoted", "--plex-token-file", str(token_file),
        "--no-read", "--check", "--output", "json",
    )  # fmt: skip
    assert code == 4, err
    result = one_json(out)
    assert result["outcome"] == "not_applied"
    assert list(result["drift"]) == ["promoted"]
    assert result["source"]["plex_token"] == "***"
    assert env.sources["plex"]["plex_token"] == "ptok-new-value-123456"
    assert "ptok-new-value-123456" not in out + err
    source_requests = [r.method for r in env.requests if r.path.startswith("/api/v3/sources/")]
    assert source_requests == ["PATCH", "GET"]  # the PATCH, then one GET to compare


@release_2024_8_unknown
def test_a_long_slug_is_left_to_the_server_when_the_release_is_unknown(
    env: FakeAuthentik, capsys: Capture
) -> None:
    """The release unknown: the client does not guess it from the source read first; the
    server refuses the rename itself, and nothing is changed.
    """
    code, _, err = run(capsys, "update", "plex", "--new-slug", LONG_SLUG)
    assert code == 1
    assert err == "plex-source: plex: slug: Ensure this field has no more than 50 characters.\n"
    assert env.sources["plex"]["slug"] == "plex"


@release_2024_8_unknown
def test_a_long_slug_is_left_to_the_server_without_a_read(
    env: FakeAuthentik, capsys: Capture
) -> None:
    code, _, err = run(capsys, "update", "plex", "--new-slug", LONG_SLUG, "--no-read")
    assert code == 1  # refused by the server itself
    assert err == "plex-source: plex: slug: Ensure this field has no more than 50 characters.\n"


@release_2024_8_unknown
def test_apply_reports_each_item_and_exits_4(
    env: FakeAuthentik, capsys: Capture, tmp_path: Path
) -> None:
    env.add_source(slug="b")
    plan = tmp_path / "plan.yaml"
    plan.write_text(
        "- slug: plex\n  changes: {name: One, promoted: true}\n- slug: b\n  changes: {name: Two}\n"
    )
    code, out, err = run(capsys, "apply", str(plan))
    assert code == 4
    lines = out.splitlines()
    assert lines[0].split() == ["#", "slug", "outcome", "status", "detail"]
    assert lines[1].split()[:4] == ["1", "plex", "not_applied", "200"]
    assert lines[1].endswith("not applied: promoted (the server's release lacks it)")
    assert lines[2].split()[:4] == ["2", "b", "applied", "200"]
    assert lines[3] == "2 items: 1 applied, 1 not applied"
    assert err.startswith("plex-source: plex: not applied: promoted: not sent")
    assert (env.sources["plex"]["name"], env.sources["b"]["name"]) == ("One", "Two")


@release_2024_8_unknown
def test_plan_says_what_would_not_be_applied(
    env: FakeAuthentik, capsys: Capture, tmp_path: Path
) -> None:
    plan = tmp_path / "plan.toml"
    plan.write_text('[[items]]\nslug = "plex"\nchanges = { name = "P", promoted = true }\n')
    code, out, err = run(capsys, "plan", str(plan))
    assert code == 4
    assert out == (
        "! plex (item 1): not applicable: promoted (the server's release lacks it)\n"
        '    name: "Plex" -> "P"\n'
        "1 item: 0 to change, 0 unchanged, 1 not applicable\n"
    )
    assert err.startswith(
        "plex-source: plex: not_applied: would not be applied: promoted: the source"
    )
    code, out, _ = run(capsys, "plan", str(plan), "--output", "json")
    result = one_json(out)
    assert (code, result["outcome"], result["not_applied"]) == (
        4,
        "not_applied",
        ["promoted"],
    )
    assert result["changes"] == {"name": {"current": "Plex", "desired": "P"}}


# -- help, and the real command ------------------------------------------------------------------


def test_help_names_the_options_and_the_variable(capsys: Capture) -> None:
    with pytest.raises(SystemExit):
        main(["update", "--help"])
    out = " ".join(capsys.readouterr().out.split())
    assert (
        "--promoted show the source as a prominent button on the login page (authentik 2025.12+)"
        in out
    )
    assert "--no-promoted" in out
    assert "--icon TEXT the icon: a file name or URL; '' removes it (authentik 2025.12+" in out
    assert "--server-version RELEASE" in out
    assert "AUTHENTIK_SERVER_VERSION" in out
    assert "AUTHENTIK_SERVER_VERSION" in EXIT_CODES_HELP


@pytest.mark.parametrize(
    ("release", "endpoint", "code"),
    [("2024.8.2", [], 2), ("2024.8.2", ["--no-version-endpoint"], 4), ("2026.2", [], 0)],
)
def test_plex_source_update_promoted_against_plex_source_fake(
    tmp_path: Path, release: str, endpoint: list[str], code: int
) -> None:
    argv = [SCRIPT, "fake", "--authentik-version", release, *endpoint]
    with running_fake(argv, tmp_path / "fake.err") as (process, exports):
        returned, _, err = main_in_process(
            ["update", "plex", "--promoted", "--name", "P"], clean_environment() | exports
        )  # in this process: the fake, a process, is what plays the release
        stop(process)
    assert returned == code, err
    assert "Traceback" not in err
    if code == 2:
        assert REFUSED_PROMOTED in err
    elif code == 4:
        assert "not applied: promoted" in err
    else:
        assert err == ""


def test_not_applied_ranks_with_drift_after_failures_and_refusals() -> None:
    from plex_source_client.cli.report import exit_code
    from plex_source_client.cli.runner import ItemResult

    def result(outcome: Any, **more: Any) -> ItemResult:
        return ItemResult(index=0, slug="s", outcome=outcome, **more)

    not_applied = result("not_applied", not_applied=["promoted"], message="not applied: ...")
    assert exit_code([result("applied"), not_applied]) == 4
    assert exit_code([not_applied, result("rejected")]) == 1
    assert exit_code([not_applied, result("failed")]) == 3
    assert exit_code([result("applied"), result("unchanged")]) == 0


@release_2024_8_unknown
def test_a_long_slug_unknown_release_apply_is_refused_by_the_server(
    env: FakeAuthentik, capsys: Capture, tmp_path: Path
) -> None:
    """Release unknown: the 60-character rename is sent and the server refuses it."""
    plan = tmp_path / "plan.json"
    plan.write_text(json.dumps([{"slug": "plex", "changes": {"new_slug": LONG_SLUG}}]))
    code, _, err = run(capsys, "apply", str(plan))
    assert code == 1
    assert "slug: Ensure this field has no more than 50 characters." in err
    assert env.sources["plex"]["slug"] == "plex"
