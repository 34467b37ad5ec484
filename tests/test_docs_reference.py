"""The documentation site's reference is the code's: every public name documented and rendered,
and the command line page exactly what ``plex-source COMMAND --help`` prints.

The site is built once here as ``scripts/check`` builds it (``mkdocs build --strict``), with
every proxy variable pointing at a closed port, so a build that fetched anything would fail.
"""

from __future__ import annotations

import html
import importlib.util
import os
import re
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

import plex_source_client
import plex_source_client.testing

from .fixed_server import main_in_process

ROOT = Path(__file__).resolve().parents[1]
PUBLIC = [
    (plex_source_client, "reference/api/index.html"),
    (plex_source_client.testing, "reference/testing/index.html"),
]
#: Nothing is reachable through these: a build that fetches fails.
OFFLINE = dict.fromkeys(
    ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"),
    "http://127.0.0.1:9",
)


def load_hooks() -> ModuleType:
    """docs/hooks.py, the module mkdocs.yml declares (docs/ is not a package)."""
    spec = importlib.util.spec_from_file_location("docs_hooks", ROOT / "docs" / "hooks.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """The site, built as a user builds it (no NO_MKDOCS_2_WARNING set), and what the build
    printed on stderr.
    """
    folder = tmp_path_factory.mktemp("site")
    env = {
        k: v
        for k, v in os.environ.items()
        if k.lower() != "no_proxy" and k != "NO_MKDOCS_2_WARNING"
    }
    env |= OFFLINE
    done = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(folder)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return folder, done.stderr


@pytest.fixture(scope="module")
def site(built: tuple[Path, str]) -> Path:
    return built[0]


def test_the_build_prints_no_end_of_life_banner(built: tuple[Path, str]) -> None:
    """Material 9.8 prints a banner about its own end of life at every start; mkdocs.yml sets
    the variable that silences it before the theme loads, so a user's build starts quietly.
    """
    assert "end of life" not in built[1]
    assert "NO_MKDOCS_2_WARNING" not in built[1]


def test_the_site_holds_no_bytecode(site: Path) -> None:
    """Building imports docs/hooks.py, which leaves docs/__pycache__ beside the pages (Python
    caches bytecode): mkdocs.yml keeps it out of the site.
    """
    assert sorted(str(p.relative_to(site)) for p in site.rglob("*.pyc")) == []


def test_the_notebook_page_shows_every_cell(site: Path) -> None:
    """docs/examples/quickstart.md renders examples/quickstart.ipynb: every code cell as code,
    every Markdown cell's heading under the page's own.
    """
    import json

    notebook = json.loads((ROOT / "examples" / "quickstart.ipynb").read_text(encoding="utf-8"))
    html_page = (site / "examples" / "quickstart" / "index.html").read_text(encoding="utf-8")
    text = page_text(site, "examples/quickstart/index.html")
    code = [cell for cell in notebook["cells"] if cell["cell_type"] == "code"]
    assert code
    for cell in code:
        assert "".join(cell["source"]).strip() in text
    # a code block each: the page's own sh block, then each code cell
    assert html_page.count('<div class="highlight">') == 1 + len(code)
    assert '<h3 id="plex-source-client-in-a-notebook">' in html_page
    assert "<!-- notebook:" not in html_page


def page_text(site: Path, page: str) -> str:
    """A built page's text: tags removed, entities decoded."""
    return html.unescape(re.sub(r"<[^>]+>", "", (site / page).read_text(encoding="utf-8")))


@pytest.mark.parametrize(
    ("module", "page"), PUBLIC, ids=lambda value: getattr(value, "__name__", value)
)
def test_every_public_name_has_a_docstring(module: ModuleType, page: str) -> None:
    """As the reference sees them (griffe reads the source, attribute docstrings included)."""
    import griffe

    loaded = griffe.load(module.__name__, search_paths=[str(ROOT)])
    undocumented = []
    for name in module.__all__:
        found = loaded[name]
        target = found.final_target if found.is_alias else found
        if not (target.docstring and target.docstring.value.strip()):
            undocumented.append(name)
    assert undocumented == []


@pytest.mark.parametrize(
    ("module", "page"), PUBLIC, ids=lambda value: getattr(value, "__name__", value)
)
def test_every_public_name_is_in_the_reference(module: ModuleType, page: str, site: Path) -> None:
    rendered = set(re.findall(r'id="([\w.]+)"', (site / page).read_text(encoding="utf-8")))
    missing = [name for name in module.__all__ if f"{module.__name__}.{name}" not in rendered]
    assert missing == []


def test_the_command_line_page_is_each_commands_help(site: Path) -> None:
    """Each command's ``--help``, as the command itself prints it at the width the page is
    rendered for, stands verbatim in the built page; and the page has a section for the
    command and each of its subcommands, no more.
    """
    from plex_source_client.cli.main import COMMANDS

    hooks = load_hooks()
    text = page_text(site, "reference/cli/index.html")
    commands = list(hooks.command_helps())
    assert commands == ["plex-source", *(f"plex-source {name}" for name in COMMANDS)]
    for command in commands:
        code, printed, _ = main_in_process(
            [*command.split()[1:], "--help"], os.environ | {"COLUMNS": hooks.COLUMNS}
        )
        assert code == 0, command
        assert printed.rstrip() in text, command
    headings = re.findall(r'<h2 id="([\w-]+)"', (site / "reference/cli/index.html").read_text())
    assert headings == [command.replace(" ", "-") for command in commands]


def test_the_performance_page_shows_the_benchmark_output(site: Path) -> None:
    """The page includes benchmarks/RESULTS.md, the benchmark's output, as it is."""
    results = (ROOT / "benchmarks" / "RESULTS.md").read_text(encoding="utf-8")
    text = page_text(site, "performance/index.html")
    stamp = next(line for line in results.splitlines() if line.startswith("Measured "))
    assert stamp in text
    for row in re.findall(r"^\| (.+?) \|", results, re.MULTILINE):
        if not set(row) <= {"-", "|"}:
            assert row.replace("`", "") in text, row
