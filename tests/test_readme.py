"""The README and the documentation site (docs/) tell the truth about the things they copy from
the code, and every example in them runs as written: each ``python`` block and each ``sh``
block, against a fake authentik where they name a real server.
"""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from plex_source_client import _errors

from .fake_process import SCRIPT, clean_environment, running_fake, stop
from .fixed_server import main_in_process

ROOT = Path(__file__).resolve().parents[1]
#: Every page, by its path from the repository root: the README, then docs/ in order.
PAGES = {
    str(path.relative_to(ROOT)): path.read_text(encoding="utf-8")
    for path in [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]
}
README = PAGES["README.md"]
CLI_GUIDE = "docs/guides/cli.md"
#: A ``sh`` block preceded by this comment is not run; the comment says why.
NOT_RUN = re.compile(r"<!-- not run: [^>]+ -->\n```sh\n")


def find_block(pattern: str) -> str:
    """The one fenced block (group 1 of ``pattern``) across every page."""
    found = [m.group(1) for text in PAGES.values() for m in re.finditer(pattern, text, re.DOTALL)]
    assert len(found) == 1, f"{len(found)} blocks match {pattern!r}"
    return found[0]


def section(page: str, heading: str) -> str:
    """The text of ``page`` under ``heading`` (a ``## `` line), up to the next ``## `` heading."""
    return PAGES[page].split(f"\n## {heading}\n", 1)[1].split("\n## ", 1)[0]


def test_error_tree_matches_the_errors_module() -> None:
    tree = re.search(r"```\n(PlexSourceError\n.*?)```", PAGES["docs/guides/errors.md"], re.DOTALL)
    assert tree, "the errors guide has no error tree"
    docstring = _errors.__doc__ or ""
    documented = [line.strip() for line in docstring.splitlines() if line.startswith("    ")]
    assert [line.strip() for line in tree.group(1).splitlines()] == documented


def test_every_public_name_is_exported() -> None:
    import plex_source_client

    for name in plex_source_client.__all__:
        assert hasattr(plex_source_client, name), name
    for text in PAGES.values():
        for name in re.findall(r"from plex_source_client import ([\w, ]+)", text):
            for imported in name.split(","):
                assert imported.strip() in plex_source_client.__all__, imported


USER_TEST = r"<!-- user-test[^>]*-->\n```python\n(.*?)```"


def test_the_user_test_passes(pytester: pytest.Pytester) -> None:
    """The 'test your script' example of the testing guide, run as a user would, with the
    fixtures our pytest plugin (entry point pytest11) provides.
    """
    block = find_block(USER_TEST)
    assert len(block.strip().splitlines()) <= 13
    pytester.makepyfile(test_user_script=block)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=1)


def test_the_user_test_fails_when_the_script_is_wrong(pytester: pytest.Pytester) -> None:
    """In this process (the run above shows the plugin loads in a fresh one): a second pytest
    process would cost about half a second for nothing more.
    """
    broken = find_block(USER_TEST).replace("enabled=False", "enabled=True")
    pytester.makepyfile(test_user_script=broken)
    pytester.runpytest_inprocess("-p", "no:cacheprovider").assert_outcomes(failed=1)


def test_the_test_across_releases_passes_on_each(pytester: pytest.Pytester) -> None:
    """The "one test against every release" example: one pass per release; a script that
    expects the wrong outcome fails on each. Run in this process, as above.
    """
    block = find_block(r"```python\n(import pytest\n.*?def test_promote_or_say_why_not.*?)```")
    pytester.makepyfile(test_releases=block)
    pytester.runpytest_inprocess("-p", "no:cacheprovider").assert_outcomes(passed=3)
    broken = block.replace('release != "2026.2"', 'release == "2026.2"')
    pytester.makepyfile(test_releases=broken)
    pytester.runpytest_inprocess("-p", "no:cacheprovider").assert_outcomes(passed=1, failed=2)


@pytest.mark.parametrize("page", ["README.md", CLI_GUIDE])
def test_the_plan_is_valid(page: str) -> None:
    import tomllib

    from plex_source_client.cli.planfile import parse_plan

    block = re.search(r"```toml\n# plex-sources.toml\n(.*?)```", PAGES[page], re.DOTALL)
    assert block
    items = parse_plan(tomllib.loads(block.group(1)))
    assert [item.slug for item in items] == ["plex-eu", "plex-us"]


def test_the_exit_codes_match_the_cli() -> None:
    from plex_source_client.cli import exits as _cli

    table = dict(re.findall(r"^\| (\d) \| (.+?) \|$", PAGES[CLI_GUIDE], re.MULTILINE))
    assert sorted(table) == ["0", "1", "2", "3", "4", "5"]
    for code, meaning in table.items():
        line = next(
            line for line in _cli.EXIT_CODES_HELP.splitlines() if line.startswith(f"  {code}  ")
        )
        assert line.split(maxsplit=1)[1] == meaning.replace("`", "")


def test_install_commands_work_today() -> None:
    """Every ``pip install`` the pages show installs from a clone or a wheel built from it;
    the package-index form is only mentioned as what will work once published.
    """
    from plex_source_client import __version__

    wheel = f"plex_source_client-{__version__}-py3-none-any.whl"
    for page in ("README.md", "docs/getting-started.md"):
        blocks = "\n".join(re.findall(r"```(?:sh|yaml)\n(.*?)```", PAGES[page], re.DOTALL))
        assert f"dist/{wheel}" in blocks, page
    for page, text in PAGES.items():
        blocks = "\n".join(re.findall(r"```(?:sh|yaml)\n(.*?)```", text, re.DOTALL))
        for target in re.findall(r"pip install (?:--\S+ )*(\S+)", blocks):
            local = target.startswith((".", "'.", "dist/", "./")) or target == "-e"
            assert local, f"{page} installs {target!r} from a package index"
        for line in text.splitlines():
            if "pip install plex-source-client" in line:
                assert "Once published" in line or "once published" in line, (page, line)


def test_the_options_table_lists_every_constructor_option() -> None:
    import inspect

    from plex_source_client import AsyncPlexSourceClient, PlexSourceClient

    options_section = section("docs/guides/scripts.md", "Clients and options")
    documented = set(re.findall(r"^\| `(\w+)`", options_section, re.MULTILINE))
    for client in (PlexSourceClient, AsyncPlexSourceClient):
        options = set(inspect.signature(client).parameters)
        assert options <= documented, options - documented


def test_what_the_fake_offers_runs_as_written(monkeypatch: pytest.MonkeyPatch) -> None:
    """The 'What the fake offers' block, executed as it stands in the testing guide; the
    client's waits between attempts recorded, not slept (the last one the 429's Retry-After).
    """
    from plex_source_client import PlexSourceClient

    waits: list[float] = []
    monkeypatch.setattr(PlexSourceClient, "_sleep", staticmethod(waits.append))
    block = find_block(r"What the fake offers:\n\n```python\n(.*?)```")
    namespace: dict[str, Any] = {}
    exec(compile(block, "docs/guides/testing.md", "exec"), namespace)  # noqa: S102 - our docs
    fake = namespace["fake"]
    assert fake.sources["plex-test"]["enabled"] is False
    patches = [request for request in fake.requests if request.method == "PATCH"]
    assert len(patches) == 4  # 503, 503, 429, then applied
    assert len(waits) == 3, waits
    assert waits[-1] >= 1, waits  # Retry-After: 1


def test_the_layout_names_every_module() -> None:
    """The repository layout names every module of the package and of its command line."""
    layout = PAGES["docs/contributing/layout.md"]
    package = ROOT / "plex_source_client"
    for path in [*package.glob("*.py"), *(package / "cli").glob("*.py")]:
        if path.name != "__init__.py" or path.parent == package:
            assert re.search(rf"\b{re.escape(path.name)}\b", layout), path.relative_to(ROOT)


# -- every sh block ---------------------------------------------------------------------------


def sh_blocks(text: str) -> list[str]:
    """The ``sh`` blocks of a page that run: every one not marked ``<!-- not run: ... -->``."""
    marked = {m.end() for m in NOT_RUN.finditer(text)}
    return [
        m.group(1)
        for m in re.finditer(r"```sh\n(.*?)```", text, re.DOTALL)
        if m.start() + len("```sh\n") not in marked
    ]


def command_lines(block: str) -> list[str]:
    """The command lines of a ``sh`` block: continuations joined, comments and blanks dropped."""
    joined = block.replace("\\\n", " ")
    return [line for line in joined.splitlines() if line.strip() and not line.startswith("#")]


def expected_exit(line: str) -> int:
    """The exit code a command line's comment announces (``# exit 4: ...``), else 0."""
    announced = re.search(r"# exit (\d+)\b", line)
    return int(announced.group(1)) if announced else 0


FAKE = r"```sh\n(plex-source fake .*?)```"
BASH = shutil.which("bash") or "/bin/bash"
#: What makes a command line more than a command and its words: quotes, variables, globs,
#: redirections, pipes, lists, substitutions, escapes.
SHELL_SYNTAX = re.compile(r"""['"$`\\<>|;&*?~(){}\[\]=]""")
SHELL_PAGES = [page for page, text in PAGES.items() if sh_blocks(text)]


def test_every_sh_block_runs_or_says_why_not() -> None:
    """The shell blocks that run are the walkthroughs (every other one, say installing or
    starting a server, is marked); the CLI guide's walkthrough covers every command the guide
    names, so none of them escapes.
    """
    assert SHELL_PAGES == ["README.md", CLI_GUIDE]
    commands = {
        shlex.split(line, comments=True)[1]
        for block in sh_blocks(PAGES[CLI_GUIDE])
        for line in command_lines(block)
        if line.startswith("plex-source ")
    }
    assert commands == {"fake", "update", "apply", "plan", "get", "export"}


@pytest.mark.parametrize("page", SHELL_PAGES)
def test_the_sh_blocks_run_against_plex_source_fake(page: str, tmp_path: Path) -> None:
    """What a reader does following a page: start the fake as the CLI guide says, run the
    page's blocks in order, each line in a shell, in an empty folder holding the files the page
    says to save (a ``toml`` block headed ``# NAME``), with the environment the fake printed;
    each line must exit as its comment says (``# exit 4``), else 0, and print nothing on stderr.
    A plain ``plex-source`` line (no shell syntax) runs in this process (:func:`main_in_process`:
    the shell would only start the console script, which tests/test_cli_e2e.py runs), any
    other line in ``bash``.
    """
    text = PAGES[page]
    fake_command = shlex.split(command_lines(re.findall(FAKE, PAGES[CLI_GUIDE], re.DOTALL)[0])[0])
    for name, content in re.findall(r"```toml\n# ([\w.-]+)\n(.*?)```", text, re.DOTALL):
        (tmp_path / name).write_text(content)
    lines = [
        line
        for block in sh_blocks(text)
        for line in command_lines(block)
        if "plex-source fake" not in line
    ]
    assert lines
    with running_fake([SCRIPT, *fake_command[1:]], tmp_path / "fake.err") as (process, exports):
        env = clean_environment() | exports
        env["PATH"] = f"{Path(SCRIPT).parent}:{env.get('PATH', '')}"
        for line in lines:
            argv = shlex.split(line, comments=True)
            if argv[0] == "plex-source" and not SHELL_SYNTAX.search(line.split("#", 1)[0]):
                code, _, err = main_in_process(argv[1:], env, cwd=tmp_path)
            else:
                done = subprocess.run(
                    [BASH, "-c", line],
                    cwd=tmp_path,
                    env=env,
                    capture_output=True,
                    text=True,
                    timeout=60,
                    check=False,
                )
                code, err = done.returncode, done.stderr
            assert (code, err) == (expected_exit(line), ""), line
        code, took = stop(process)
    assert (code, took < 3) == (0, True)
    err = (tmp_path / "fake.err").read_text()
    assert "Traceback" not in err
    assert err.count("PATCH /api/v3/sources/plex/") >= 2


# -- every python block -----------------------------------------------------------------------

#: Blocks that their own tests above run (as pytest files, or checking what they did).
SELF_TESTED = (
    "def test_disable_source",
    "What the fake offers",
    "FakeAuthentik() as fake",
    "def test_promote_or_say_why_not",
)


def python_blocks() -> list[Any]:
    """Every other ``python`` block of every page, with the page and its position as its id."""
    return [
        pytest.param(block, id=f"{page}:{index}")
        for page, text in PAGES.items()
        for index, block in enumerate(re.findall(r"```python\n(.*?)```", text, re.DOTALL))
        if not any(mark in block for mark in SELF_TESTED)
    ]


@pytest.mark.parametrize("block", python_blocks())
def test_every_python_block_runs_against_the_fake(
    block: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each block, run as written against a fake authentik: it gets the environment a CI job
    would (``AUTHENTIK_URL``, ``AUTHENTIK_TOKEN``, ``PLEX_TOKEN_FILE``); only a literal URL and
    token (the reader's own server) are replaced by the fake's.
    """
    import ast
    import asyncio

    from plex_source_client.testing import FakeAuthentik

    secret = tmp_path / "plex"
    secret.write_text("plex-token-from-a-file\n")
    with FakeAuthentik() as fake:
        fake.add_source(slug="my-plex", name="My Plex", client_id="cid", plex_token="t0ken-0ld")
        monkeypatch.setenv("AUTHENTIK_URL", fake.url)
        monkeypatch.setenv("AUTHENTIK_TOKEN", fake.token)
        monkeypatch.setenv("PLEX_TOKEN_FILE", str(secret))
        code = block.replace('url="https://auth.example.com"', f'url="{fake.url}"').replace(
            'token="..."', f'token="{fake.token}"'
        )
        compiled = compile(code, "docs", "exec", flags=ast.PyCF_ALLOW_TOP_LEVEL_AWAIT)
        result = eval(compiled, {})  # noqa: S307 - our own docs
        if asyncio.iscoroutine(result):
            asyncio.run(result)
        touched = [request for request in fake.requests if request.method == "PATCH"]
        if "update" in code and "InvalidRequest" not in code:  # that one is refused: unsent
            assert touched, "the block sent no update"


def test_the_setup_says_to_activate_the_environment_and_update_names_from_file(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A new user runs the bare ``plex-source`` examples after the setup's two commands: the
    README and the getting-started page say how (activate .venv) and how to see the docs;
    ``--from-file`` is documented, YAML included.
    """
    for page in ("README.md", "docs/getting-started.md"):
        setup = section(page, "Set up (two commands)")
        assert "`. .venv/bin/activate`" in setup, page
        assert "`.venv/bin/plex-source`" in setup, page
    assert "`.venv/bin/pip install -e '.[docs]' && .venv/bin/mkdocs serve`" in README
    assert "`update SLUG --from-file FILE`" in PAGES[CLI_GUIDE]
    assert "(JSON, TOML or YAML" in PAGES[CLI_GUIDE]
    from plex_source_client.cli import main

    with pytest.raises(SystemExit):
        main(["update", "--help"])
    assert "JSON, TOML or YAML file of changes" in " ".join(capsys.readouterr().out.split())


def test_the_readme_is_the_front_door() -> None:
    """The README stays short and sends readers to the docs: it links every guide and
    reference page, and every file it links exists (mkdocs checks the site's own links).
    """
    assert len(README.splitlines()) <= 200
    for target in re.findall(r"\]\(([^)#]+)\)", README):
        if not target.startswith("http"):
            assert (ROOT / target).is_file(), target
    for page in PAGES:
        if page.startswith(("docs/guides/", "docs/reference/")):
            assert f"]({page})" in README, page


# -- what a new user's walkthrough found (issue 20) --------------------------------------------


def pyproject_extras() -> dict[str, list[str]]:
    import tomllib

    extras: dict[str, list[str]] = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"][
        "optional-dependencies"
    ]
    return extras


def test_the_docs_extra_installs_what_the_site_is_built_with() -> None:
    """``pip install -e '.[docs]'`` (the README's line) gives mkdocs.yml's theme, plugins and
    extensions, each pinned; the dev extra, which scripts/check installs, includes it.
    """
    import importlib.metadata

    from packaging.requirements import Requirement

    extras = pyproject_extras()
    docs = {re.split(r"[\[=]", requirement)[0]: requirement for requirement in extras["docs"]}
    assert all("==" in requirement for requirement in docs.values()), docs
    # mkdocs, the material theme, the mkdocstrings plugin and its python handler, pymdownx
    # (the markdown extensions), griffe (the docstring extension docs/griffe_rst.py).
    modules = ["mkdocs", "material", "mkdocstrings", "mkdocstrings_handlers", "pymdownx", "griffe"]
    installed, todo = set(), list(docs)  # the docs extra with what it requires, as installed
    while todo:
        name = re.sub(r"[-_.]+", "-", todo.pop()).lower()
        if name not in installed:
            installed.add(name)
            for requirement in importlib.metadata.requires(name) or []:
                parsed = Requirement(requirement)  # only what this Python installs
                if parsed.marker is None or parsed.marker.evaluate({"extra": ""}):
                    todo.append(parsed.name)
    providers = importlib.metadata.packages_distributions()
    for module in modules:
        assert {re.sub(r"[-_.]+", "-", n).lower() for n in providers[module]} & installed, module
    assert "plex-source-client[docs]" in extras["dev"]
    assert "'.[dev]'" in (ROOT / "scripts" / "check").read_text()


def test_the_notebook_extra_and_the_yaml_extra_are_documented() -> None:
    extras = pyproject_extras()
    assert [r.split(">=")[0] for r in extras["notebook"]] == ["jupyterlab"]
    guide = PAGES["docs/getting-started.md"]
    assert "pip install '.[yaml]'" in section("docs/getting-started.md", "Install")
    assert "the `yaml` extra (`pip install '.[yaml]'`" in guide
    notebook_page = PAGES["docs/examples/quickstart.md"]
    assert ".venv/bin/pip install -e '.[notebook]' && .venv/bin/jupyter lab" in notebook_page
    assert "%env AUTHENTIK_URL=" in notebook_page
    assert "](docs/examples/quickstart.md)" in README
    assert "](../examples/quickstart.md)" in PAGES["docs/guides/scripts.md"]


def test_no_page_links_to_the_unpublished_repository() -> None:
    """The package is not published: no page links a file on a code host (they would be dead
    links); the notebook is a page of the site (docs/examples/quickstart.md).
    """
    for page, text in PAGES.items():
        assert not re.search(r"\]\(https://github\.com/[^)]*/blob/", text), page


def test_the_install_sections_say_which_environment() -> None:
    for page in ("README.md", "docs/getting-started.md"):
        install = " ".join(section(page, "Install").split())
        assert "`pip` here is the one of the environment that runs your code" in install, page
        assert "`.venv/bin/pip`" in install, page


def test_the_ci_workflow_installs_the_wheel_getting_started_builds() -> None:
    """The workflow's wheel is the file Getting started builds (into dist/) and says to copy
    where the workflow installs it from.
    """
    workflow = find_block(r"```yaml\n(# \.github/workflows/plex-sources\.yml\n.*?)```")
    (installed,) = re.findall(r"pip install \./(\S+\.whl)", workflow)
    folder, wheel = installed.rsplit("/", 1)
    install = section("docs/getting-started.md", "Install")
    assert f"dist/{wheel}" in install
    assert f"`{folder}/{wheel}`" in install


def test_the_fake_default_source_is_the_one_the_guides_name() -> None:
    """The script guides say to start the fake with the script's source, and what the fake
    has without ``--source``: what it really has.
    """
    from plex_source_client.testing._serve import start_fake

    fake = start_fake()
    try:
        default = sorted(fake.sources)
    finally:
        fake.stop()
    for page in ("README.md", "docs/guides/scripts.md"):
        text = " ".join(PAGES[page].split())
        assert "`plex-source fake --source my-plex`" in text, page
        named = re.findall(r"without `--source`,? it has one source, `([\w-]+)`", text)
        assert named == default, page


def test_update_output_json_is_described_as_it_is(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The guide lists every key of ``update --output json``'s object (a result record, the
    source nested under ``source``), and no other name but two outcomes.
    """
    import json

    from plex_source_client.cli import main
    from plex_source_client.testing import FakeAuthentik

    text = " ".join(PAGES[CLI_GUIDE].split())
    paragraph = text.split("With `--output json` it prints", 1)[1].split(" It needs", 1)[0]
    with FakeAuthentik() as fake:
        fake.add_source(slug="my-plex")
        monkeypatch.setenv("AUTHENTIK_URL", fake.url)
        monkeypatch.setenv("AUTHENTIK_TOKEN", fake.token)
        monkeypatch.delenv("AUTHENTIK_TOKEN_FILE", raising=False)
        code = main(["update", "my-plex", "--disabled", "--output", "json"])
    assert code == 0
    record = json.loads(capsys.readouterr().out)
    assert record["source"]["slug"] == "my-plex"
    assert record["source"]["enabled"] is False
    named = re.findall(r"`(\w+)`", paragraph)
    assert set(named) - set(record) == {"applied", "unchanged"}
    assert set(record) <= set(named)


def test_the_plan_sample_is_what_plan_prints_against_the_fake(tmp_path: Path) -> None:
    """The CLI guide's sample ``plan`` output is what its first ``plan`` prints against the
    fake the guide starts, with the guide's plan file; only the UUID of the fake's own default
    flow (a new one each start) may differ. (``plan`` runs in this process: its output is the
    point.)
    """
    text = PAGES[CLI_GUIDE]
    sample = find_block(r"then a summary\..*?```text\n(.*?)```")
    plan = re.search(r"```toml\n# plex-sources.toml\n(.*?)```", text, re.DOTALL)
    assert plan
    (tmp_path / "plex-sources.toml").write_text(plan.group(1))
    fake_command = shlex.split(command_lines(re.findall(FAKE, text, re.DOTALL)[0])[0])
    with running_fake([SCRIPT, *fake_command[1:]], tmp_path / "fake.err") as (process, exports):
        code, out, err = main_in_process(
            ["plan", "plex-sources.toml"], clean_environment() | exports, cwd=tmp_path
        )
        stop(process)
    assert (code, err) == (4, "")
    planned = set(re.findall(r"[0-9a-f-]{36}", plan.group(1)))

    def ours(output: str) -> str:
        uuid = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
        return re.sub(uuid, lambda m: m[0] if m[0] in planned else "<the fake's>", output)

    assert ours(out) == ours(sample)
    assert "<the fake's>" in ours(sample)


def test_the_ci_from_python_example_fails_in_one_line(tmp_path: Path) -> None:
    """The scripts guide's CI example, run as a job would run it, each thing it needs missing in
    turn: one line on stderr naming it, exit 1, no traceback, no token.
    """
    block = find_block(r"```python\n(import os\n.*?PLEX_TOKEN_FILE.*?)```")
    script = tmp_path / "job.py"
    script.write_text(block)
    base = clean_environment() | {
        "AUTHENTIK_URL": "http://127.0.0.1:9",
        "AUTHENTIK_TOKEN": "ak-secret-token",
        "PLEX_TOKEN_FILE": str(tmp_path / "plex-token"),
    }
    (tmp_path / "plex-token").write_text("plex-secret\n")
    cases = {
        "PLEX_TOKEN_FILE is not set": {k: v for k, v in base.items() if k != "PLEX_TOKEN_FILE"},
        "No such file or directory": base | {"PLEX_TOKEN_FILE": str(tmp_path / "missing")},
        "AUTHENTIK_URL is not set": {k: v for k, v in base.items() if k != "AUTHENTIK_URL"},
        "Connection refused": base,  # nothing listens on port 9
    }
    for words, env in cases.items():
        done = subprocess.run(
            [sys.executable, str(script)],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        lines = done.stderr.splitlines()
        assert (done.returncode, len(lines)) == (1, 1), (words, done.stderr)
        assert lines[0].startswith("plex source update failed: "), lines
        assert words in lines[0], (words, lines)
        assert "secret" not in done.stderr
