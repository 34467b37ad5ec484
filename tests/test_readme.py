"""The README tells the truth about the things it copies from the code."""

from __future__ import annotations

import re
import shlex
import subprocess
from pathlib import Path
from typing import Any

import pytest

from plex_source_client import _errors

from .fake_process import SCRIPT, clean_environment, running_fake, stop

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")


def test_error_tree_matches_the_errors_module() -> None:
    tree = re.search(r"```\n(PlexSourceError\n.*?)```", README, re.DOTALL)
    assert tree, "README has no error tree"
    docstring = _errors.__doc__ or ""
    documented = [line.strip() for line in docstring.splitlines() if line.startswith("    ")]
    assert [line.strip() for line in tree.group(1).splitlines()] == documented


def test_every_public_name_is_exported() -> None:
    import plex_source_client

    for name in plex_source_client.__all__:
        assert hasattr(plex_source_client, name), name
    for name in re.findall(r"from plex_source_client import ([\w, ]+)", README):
        for imported in name.split(","):
            assert imported.strip() in plex_source_client.__all__, imported


def test_the_readme_user_test_passes(pytester: pytest.Pytester) -> None:
    """The 'test your script' example in the README, run as a user would, with the fixtures
    our pytest plugin (entry point pytest11) provides.
    """
    block = re.search(r"<!-- user-test[^>]*-->\n```python\n(.*?)```", README, re.DOTALL)
    assert block, "README has no user-test block"
    assert len(block.group(1).strip().splitlines()) <= 13
    pytester.makepyfile(test_user_script=block.group(1))
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=1)


def test_the_user_test_fails_when_the_script_is_wrong(pytester: pytest.Pytester) -> None:
    block = re.search(r"<!-- user-test[^>]*-->\n```python\n(.*?)```", README, re.DOTALL)
    assert block
    broken = block.group(1).replace("enabled=False", "enabled=True")
    pytester.makepyfile(test_user_script=broken)
    pytester.runpytest_subprocess("-p", "no:cacheprovider").assert_outcomes(failed=1)


def test_the_readme_test_across_releases_passes_on_each(pytester: pytest.Pytester) -> None:
    """The README's "one test against every release" example: one pass per release; a
    script that expects the wrong outcome fails on each.
    """
    block = re.search(r"```python\n(import pytest\n.*?def test_promote_or_say_why_not.*?)```",
                      README, re.DOTALL)  # fmt: skip
    assert block, "README has no test-across-releases block"
    pytester.makepyfile(test_releases=block.group(1))
    pytester.runpytest_subprocess("-p", "no:cacheprovider").assert_outcomes(passed=3)
    broken = block.group(1).replace('release != "2026.2"', 'release == "2026.2"')
    pytester.makepyfile(test_releases=broken)
    pytester.runpytest_subprocess("-p", "no:cacheprovider").assert_outcomes(passed=1, failed=2)


def test_the_readme_plan_is_valid() -> None:
    import tomllib

    from plex_source_client.cli.planfile import parse_plan

    block = re.search(r"```toml\n# plex-sources.toml\n(.*?)```", README, re.DOTALL)
    assert block
    items = parse_plan(tomllib.loads(block.group(1)))
    assert [item.slug for item in items] == ["plex-eu", "plex-us"]


def test_the_readme_exit_codes_match_the_cli() -> None:
    from plex_source_client.cli import exits as _cli

    table = dict(re.findall(r"^\| (\d) \| (.+?) \|$", README, re.MULTILINE))
    assert sorted(table) == ["0", "1", "2", "3", "4", "5"]
    for code, meaning in table.items():
        line = next(
            line for line in _cli.EXIT_CODES_HELP.splitlines() if line.startswith(f"  {code}  ")
        )
        assert line.split(maxsplit=1)[1] == meaning.replace("`", "")


def test_install_commands_work_today() -> None:
    """Every ``pip install`` the README shows installs from a clone or a wheel built from it;
    the package-index form is only mentioned as what will work once published.
    """
    from plex_source_client import __version__

    blocks = "\n".join(re.findall(r"```(?:sh|yaml)\n(.*?)```", README, re.DOTALL))
    targets = re.findall(r"pip install (?:--\S+ )*(\S+)", blocks)
    assert targets
    for target in targets:
        local = target.startswith((".", "'.", "dist/", "./")) or target == "-e"
        assert local, f"README installs {target!r} from a package index"
    wheel = f"plex_source_client-{__version__}-py3-none-any.whl"
    assert f"dist/{wheel}" in blocks
    for line in README.splitlines():
        if "pip install plex-source-client" in line:
            assert "Once published" in line or "once published" in line, line


def test_the_options_table_lists_every_constructor_option() -> None:
    import inspect

    from plex_source_client import AsyncPlexSourceClient, PlexSourceClient

    section = README.split("### Clients and options", 1)[1].split("\n### ", 1)[0]
    documented = set(re.findall(r"^\| `(\w+)`", section, re.MULTILINE))
    for client in (PlexSourceClient, AsyncPlexSourceClient):
        options = set(inspect.signature(client).parameters)
        assert options <= documented, options - documented


def test_what_the_fake_offers_runs_as_written() -> None:
    """The 'What the fake offers' block, executed as it stands in the README."""
    block = re.search(r"What the fake offers:\n\n```python\n(.*?)```", README, re.DOTALL)
    assert block, "README has no 'What the fake offers' block"
    namespace: dict[str, Any] = {}
    exec(compile(block.group(1), "README.md", "exec"), namespace)  # noqa: S102 - our README
    fake = namespace["fake"]
    assert fake.sources["plex-test"]["enabled"] is False
    patches = [request for request in fake.requests if request.method == "PATCH"]
    assert len(patches) == 4  # 503, 503, 429, then applied


def shell_commands(block: str) -> list[list[str]]:
    """The ``plex-source`` command lines of a README sh block, continuations joined."""
    joined = block.replace("\\\n", " ")
    return [shlex.split(line) for line in joined.splitlines() if line.startswith("plex-source ")]


def test_the_readme_cli_examples_run_against_plex_source_fake(tmp_path: Path) -> None:
    """What a fresh clone does following the README: start the fake as the README says, run
    the README's command lines against it with the environment it printed, the plan saved
    as the README says (only the Plex token file is ours), then stop it.
    """
    fake_block = re.search(r"```sh\n(plex-source fake .*?)```", README, re.DOTALL)
    cli_block = re.search(r"```sh\n# one source\n(.*?)```", README, re.DOTALL)
    plan_block = re.search(r"```toml\n(# plex-sources.toml\n.*?)```", README, re.DOTALL)
    assert fake_block
    assert cli_block
    assert plan_block
    [fake_command] = shell_commands(fake_block.group(1))
    update, apply = shell_commands(cli_block.group(1))
    assert update[:2] == ["plex-source", "update"]
    assert apply[:2] == ["plex-source", "apply"]
    (tmp_path / "plex-sources.toml").write_text(plan_block.group(1))
    (tmp_path / "plex-token").write_text("my-plex-token\n")
    update = [str(tmp_path / "plex-token") if a == "/run/secrets/plex-token" else a for a in update]

    with running_fake([SCRIPT, *fake_command[1:]], tmp_path / "fake.err") as (process, exports):
        env = clean_environment() | exports
        for command in (update, apply):
            done = subprocess.run(
                [SCRIPT, *command[1:]],
                cwd=tmp_path,
                env=env,
                capture_output=True,
                text=True,
                timeout=60,
                check=False,
            )
            assert (done.returncode, done.stderr) == (0, ""), command
        code, took = stop(process)
    assert (code, took < 3) == (0, True)
    err = (tmp_path / "fake.err").read_text()
    assert "Traceback" not in err
    assert err.count("PATCH /api/v3/sources/plex/") == 3  # the update, the plan's two items


#: Every other Python block of the README (the quickstarts, the notebook, reading sources, the
#: errors example), run against a fake authentik: only what points at the reader's own server
#: is replaced (its URL and token, the secret file, the client an example assumes exists).
PYTHON_BLOCKS = re.findall(r"```python\n(.*?)```", README, re.DOTALL)
SELF_TESTED = (
    "def test_disable_source",
    "What the fake offers",
    "FakeAuthentik() as fake",
    "def test_promote_or_say_why_not",
)


def _fake_run_blocks() -> list[str]:
    return [block for block in PYTHON_BLOCKS if not any(mark in block for mark in SELF_TESTED)]


@pytest.mark.parametrize("block", _fake_run_blocks(), ids=lambda block: block.splitlines()[0][:40])
def test_every_python_block_runs_against_the_fake(
    block: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import ast
    import asyncio

    from plex_source_client import PlexSourceClient
    from plex_source_client.testing import FakeAuthentik

    secret = tmp_path / "plex"
    secret.write_text("plex-token-from-a-file\n")
    with FakeAuthentik() as fake:
        fake.add_source(slug="my-plex", name="My Plex", client_id="cid", plex_token="t0ken-0ld")
        monkeypatch.setenv("AUTHENTIK_URL", fake.url)
        monkeypatch.setenv("AUTHENTIK_TOKEN", fake.token)
        code = (
            block.replace('url="https://auth.example.com"', f'url="{fake.url}"')
            .replace('token="..."', f'token="{fake.token}"')
            .replace("/run/secrets/plex", str(secret))
        )
        namespace: dict[str, Any] = {}
        if "client." in code and "with " not in code:  # the errors example: "client" is yours
            namespace["client"] = PlexSourceClient.from_env()
        compiled = compile(code, "README.md", "exec", flags=ast.PyCF_ALLOW_TOP_LEVEL_AWAIT)
        result = eval(compiled, namespace)  # noqa: S307 - our own README
        if asyncio.iscoroutine(result):
            asyncio.run(result)
        touched = [request for request in fake.requests if request.method == "PATCH"]
        if "update" in code and "InvalidRequest" not in code:  # that one is refused: unsent
            assert touched, "the block sent no update"


def test_the_setup_says_to_activate_the_environment_and_update_names_from_file(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A new user runs the bare ``plex-source`` examples after the setup's two commands: the
    README says how (activate .venv); ``--from-file`` is documented, YAML included.
    """
    setup = README.split("## Set up", 1)[1].split("## Quickstart", 1)[0]
    assert "`. .venv/bin/activate`" in setup
    assert "`.venv/bin/plex-source`" in setup
    assert "`update SLUG --from-file FILE`" in README
    assert "(JSON, TOML or YAML" in README
    from plex_source_client.cli import main

    with pytest.raises(SystemExit):
        main(["update", "--help"])
    assert "JSON, TOML or YAML file of changes" in " ".join(capsys.readouterr().out.split())
